"""Conversion of .docx (or .odt) files to PDF through LibreOffice.

Two implementations of :class:`Converter`:

* :class:`LibreOfficeConverter` keeps a pool of warm, headless LibreOffice processes, one per
  core, each with its own private profile. Each process listens on a named pipe and is driven by
  ``_uno_worker.py``, a small UNO client that runs under the system Python (the one that has
  LibreOffice's ``uno`` module) and talks JSON lines with this module. Each job takes whichever
  process is free, also across ``convert`` calls made from several threads at once (a build
  hands over every document as soon as it is rendered). Hung conversions are killed, crashed
  processes are restarted, each document gets one retry, and every PDF is finished for
  PDF/A-2b and PDF/UA-1 (:mod:`.pdf_finish`, which also checks that it has pages) before it
  counts and is renamed into place.
* :class:`FakeConverter` writes a blank one-page PDF per job; for the unit tests of other modules.

Every message meant for a user is in Swedish and names the job's label.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import queue
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol, Self, runtime_checkable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from beslut.convert.office_profile import product_version, seed_profile
from beslut.convert.pdf_finish import FinishError, finish_file
from beslut.errors import ConversionError

__all__ = [
    "DEFAULT_PDF_OPTIONS",
    "INSTALL_HINT",
    "ConversionJob",
    "ConversionResult",
    "Converter",
    "ConverterUnavailable",
    "FakeConverter",
    "LibreOfficeConverter",
    "PdfOptions",
    "check_pdf",
]

INSTALL_HINT = (
    'LibreOffice saknas: installera det med "sudo apt-get install -y libreoffice-writer-nogui '
    'python3-uno fonts-crosextra-carlito fonts-liberation2" (eller kör make demo).'
)

#: The UNO client script, run as a separate process by the system Python.
WORKER_SCRIPT = Path(__file__).with_name("_uno_worker.py")

#: Python interpreter with LibreOffice's ``uno`` module (Debian/Ubuntu: python3-uno).
SYSTEM_PYTHON = "/usr/bin/python3"

_A4_WIDTH_PT = 595.28
_A4_HEIGHT_PT = 841.89


# --------------------------------------------------------------------------------------------
# Interface
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConversionJob:
    """One document to convert."""

    source: Path
    """The .docx (or .odt) file to convert."""
    target: Path
    """The .pdf to write; written to a temporary name in the same folder, checked, then renamed."""
    label: str
    """What messages call the document, e.g. the case file ``content/ärenden/x.md``."""
    language: str | None = None
    """A language tag (``sv-SE``) to give the document before export, in place of its default
    language (catalog /Lang and text); None keeps the document's own. For attachments it is
    chosen by :func:`beslut.convert.language.attachment_language`."""
    preview: bool = False
    """Load the document in LibreOffice's preview mode (``Preview`` in the load descriptor):
    read only for export, without starting the editing machinery (spell checking, word
    completion and other idle work), which saves about a tenth of LibreOffice's time per
    document. Only for documents beslut rendered itself from its templates, whose PDF is the
    same either way (checked by the tests); attachments from people are loaded normally."""


@dataclass(frozen=True)
class ConversionResult:
    """The outcome of one :class:`ConversionJob`."""

    job: ConversionJob
    ok: bool
    message: str | None
    """Swedish, names ``job.label``; carries LibreOffice's own words when it failed."""
    seconds: float


class Converter(Protocol):
    """Turns documents into PDF. Results come back in the order of ``jobs``."""

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]: ...

    def close(self) -> None: ...


@runtime_checkable
class PooledConverter(Converter, Protocol):
    """A converter with ``workers`` processes of its own (:class:`LibreOfficeConverter`).

    It is fed one document per call from ``workers + 1`` threads (:func:`feeding`); other
    converters (the build service's client, which converts a call's jobs in parallel on its
    side) get batches.
    """

    workers: int


def feeding(converter: Converter) -> tuple[int, int]:
    """How a build hands ``converter`` its documents: (threads, documents per call).

    A pooled converter gets one document per call, so each is converted as soon as it is
    rendered and no process waits for a batch, from one thread more than it has processes, so
    that a process is given its next document while a thread finishes the last PDF in Python.
    """
    if isinstance(converter, PooledConverter) and converter.workers > 0:
        return converter.workers + 1, 1
    return 1, 8


class ConverterUnavailable(ConversionError):
    """LibreOffice (or the Python UNO bridge) is not installed; ``str()`` says what to install."""

    def __init__(self, message: str = INSTALL_HINT) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class PdfOptions:
    """LibreOffice's PDF export options (``FilterData`` of ``writer_pdf_Export``)."""

    pdfa: bool = True
    """``SelectPdfVersion=2``: PDF/A-2b. Off: LibreOffice's default PDF version."""
    tagged: bool = True
    """``UseTaggedPDF``: structure tree for assistive technology."""
    pdfua: bool = True
    """``PDFUACompliance``: PDF/UA-1 marker and checks."""
    bookmarks: bool = True
    """``ExportBookmarks``: headings become the PDF outline."""
    embed_standard_fonts: bool = True
    """``EmbedStandardFonts``: embed even the 14 standard PDF fonts."""
    form_fields: bool = False
    """``ExportFormFields``: beslut documents are static, so no form fields."""
    extra: tuple[tuple[str, bool | int | str], ...] = ()
    """Further ``FilterData`` entries, passed as they are (e.g. ``("IsSkipEmptyPages", True)``)."""

    def filter_data(self) -> dict[str, bool | int | str]:
        """The options as LibreOffice ``FilterData`` names and values."""
        data: dict[str, bool | int | str] = {
            "SelectPdfVersion": 2 if self.pdfa else 0,
            "UseTaggedPDF": self.tagged,
            "PDFUACompliance": self.pdfua,
            "ExportBookmarks": self.bookmarks,
            "EmbedStandardFonts": self.embed_standard_fonts,
            "ExportFormFields": self.form_fields,
        }
        data.update(dict(self.extra))
        return data


DEFAULT_PDF_OPTIONS = PdfOptions()


def check_pdf(path: Path) -> str | None:
    """None when ``path`` is a PDF that pypdf opens and that has pages, else a Swedish reason."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "PDF-filen skrevs inte"
    except OSError as exc:
        return f"PDF-filen går inte att läsa: {exc.strerror or exc}"
    if size == 0:
        return "PDF-filen är tom"
    try:
        pages = len(PdfReader(path).pages)
    except Exception as exc:  # pypdf raises many kinds for damaged files
        return f"PDF-filen går inte att läsa: {_one_line(str(exc)) or type(exc).__name__}"
    if pages < 1:
        return "PDF-filen har inga sidor"
    return None


# --------------------------------------------------------------------------------------------
# Fake
# --------------------------------------------------------------------------------------------


class FakeConverter:
    """Writes a blank one-page A4 PDF (``/Title`` = the source's stem, ``/Lang`` = the job's
    ``language`` when given) for each job.

    Jobs whose label is in ``fail`` fail with a message shaped like LibreOffice's. A missing
    source file fails as it does with LibreOffice. ``calls`` records every ``convert`` call.
    """

    def __init__(self, fail: Iterable[str] = ()) -> None:
        self.fail: set[str] = set(fail)
        self.calls: list[list[ConversionJob]] = []
        self.closed = False

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        jobs = list(jobs)
        self.calls.append(jobs)
        return [self._one(job) for job in jobs]

    def _one(self, job: ConversionJob) -> ConversionResult:
        started = time.monotonic()
        if job.label in self.fail:
            return _failed(
                job,
                started,
                f"{job.label}: LibreOffice kunde inte konvertera dokumentet: "
                "simulerat fel (FakeConverter)",
            )
        problem = _prepare(job)
        if problem is not None:
            return _failed(job, started, problem)
        tmp = _temp_target(job.target)
        try:
            writer = PdfWriter()
            writer.add_blank_page(width=_A4_WIDTH_PT, height=_A4_HEIGHT_PT)
            writer.add_metadata({"/Title": job.source.stem})
            if job.language:
                writer._root_object[NameObject("/Lang")] = TextStringObject(job.language)
            with tmp.open("wb") as fh:
                writer.write(fh)
            os.replace(tmp, job.target)
        except OSError as exc:
            _unlink(tmp)
            return _failed(
                job, started, f"{job.label}: kunde inte skriva {job.target}: {exc.strerror or exc}."
            )
        return ConversionResult(job, True, None, time.monotonic() - started)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# LibreOffice
# --------------------------------------------------------------------------------------------


class _StartError(Exception):
    """A worker did not come up; ``str()`` is a Swedish detail without the label."""


class _Hung(Exception):
    """No answer within the timeout."""


class _Died(Exception):
    """The worker or LibreOffice went away during a job; ``str()`` is a Swedish detail."""


@dataclass
class _RunState:
    """Shared between the threads of every ``convert`` call of one converter."""

    broken: str | None = None
    """Set when LibreOffice could not be started twice in a row: later jobs fail at once, for
    :data:`BROKEN_FOR` seconds, so a hanging LibreOffice costs one start-up wait per build
    rather than one per document (a watch session tries again after that)."""
    since: float = 0.0
    hung: int = 0
    """Documents in a row on which LibreOffice hung twice (reset by any success)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> str | None:
        with self.lock:
            if self.broken is not None and time.monotonic() - self.since > BROKEN_FOR:
                self.broken = None
            return self.broken

    def mark(self, reason: str) -> None:
        with self.lock:
            self.broken, self.since = reason, time.monotonic()

    def hung_again(self, reason: str) -> None:
        """Count a document LibreOffice hung on twice; two in a row mean it is broken."""
        with self.lock:
            self.hung += 1
            if self.hung >= 2:
                self.broken = f"LibreOffice svarar inte (två dokument i rad): {reason}"
                self.since = time.monotonic()

    def succeeded(self) -> None:
        with self.lock:
            self.hung = 0


BROKEN_FOR = 120.0


class _Worker:
    """One soffice listener plus its UNO client process."""

    def __init__(
        self,
        index: int,
        soffice: str,
        python: str,
        profile: Path,
        run_dir: Path,
        tag: str,
        version: str | None = None,
    ) -> None:
        self.index = index
        self.soffice = soffice
        self.python = python
        self.profile = profile
        self.version = version
        """The installed LibreOffice's version, recorded in the profile before each start."""
        self.run_dir = run_dir
        self.tag = tag
        self.office: subprocess.Popen[bytes] | None = None
        self.client: subprocess.Popen[str] | None = None
        self.answers: queue.Queue[str | None] = queue.Queue()
        self.reader: threading.Thread | None = None
        self.conversions = 0
        self.generation = 0
        self.pipe = ""
        self.profile_url = ""
        self._ids = itertools.count(1)

    @property
    def office_log(self) -> Path:
        return self.run_dir / f"soffice-{self.index}.log"

    @property
    def client_log(self) -> Path:
        return self.run_dir / f"uno-{self.index}.log"

    def running(self) -> bool:
        return (
            self.office is not None
            and self.client is not None
            and not _has_exited(self.office)
            and self.client.poll() is None
        )

    # -- life cycle ---------------------------------------------------------------------------

    def start(self, timeout: float) -> None:
        """Start soffice and the UNO client; return when connected. Raises _StartError."""
        self.kill()
        self.generation += 1
        self.conversions = 0
        self.answers = queue.Queue()
        self.profile.mkdir(parents=True, exist_ok=True)
        _unlink(self.profile / ".lock")
        if self.version is not None:
            # skips LibreOffice's graphics self-test, ≈1 CPU-s per start (see office_profile)
            with contextlib.suppress(OSError):
                seed_profile(self.profile, self.version)
        pipe = self.pipe = f"{self.tag}-{self.index}-{self.generation}"
        self.profile_url = self.profile.resolve().as_uri()
        command = [
            self.soffice,
            f"-env:UserInstallation={self.profile_url}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ]
        try:
            with self.office_log.open("wb") as log:
                self.office = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        except OSError as exc:
            self.office = None
            raise _StartError(f"{self.soffice} kunde inte köras: {exc.strerror or exc}") from exc
        try:
            with self.client_log.open("w", encoding="utf-8") as log:
                self.client = subprocess.Popen(
                    [
                        self.python,
                        "-I",
                        "-u",
                        str(WORKER_SCRIPT),
                        "--connect",
                        f"pipe,name={pipe}",
                        "--timeout",  # bounded, but later than our own deadline
                        repr(timeout + 5.0),
                        "--office-pgid",
                        str(self.office.pid),
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    encoding="utf-8",
                    bufsize=1,
                    start_new_session=True,
                )
        except OSError as exc:
            self.kill()
            raise _StartError(f"{self.python} kunde inte köras: {exc.strerror or exc}") from exc
        self.reader = threading.Thread(
            target=_read_lines,
            args=(self.client.stdout, self.answers),
            name=f"beslut-lo-reader-{self.index}",
            daemon=True,
        )
        self.reader.start()
        try:
            self._wait_ready(timeout)
        except _StartError:
            self.kill()
            raise

    def _wait_ready(self, timeout: float) -> None:
        assert self.office is not None and self.client is not None
        deadline = time.monotonic() + timeout
        while True:
            if _has_exited(self.office):
                code = _exit_code(self.office)
                raise _StartError(
                    f"{self.soffice} avslutades direkt {_describe_exit(code)}"
                    + _tail_note(self.office_log)
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _StartError(
                    f"svarade inte inom {_secs(timeout)} s" + _tail_note(self.office_log)
                )
            try:
                line = self.answers.get(timeout=min(0.1, remaining))
            except queue.Empty:
                continue
            if line is None:
                try:
                    client_code: int | None = self.client.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    client_code = None
                raise _StartError(
                    f"UNO-hjälpprocessen ({self.python}) avslutades {_describe_exit(client_code)}"
                    + _tail_note(self.client_log)
                )
            message = _parse(line)
            if message is None:
                continue
            if message.get("event") == "ready":
                return
            if message.get("event") == "fatal":
                if message.get("kind") == "no_uno":
                    raise _StartError(
                        f"{self.python} saknar LibreOffice-modulen uno (paketet python3-uno)"
                    )
                raise _StartError(
                    f"kunde inte ansluta till LibreOffice inom {_secs(timeout)} s "
                    f"({message.get('error', '')})" + _tail_note(self.office_log)
                )

    def stop(self, grace: float = 5.0) -> None:
        """Ask LibreOffice to quit; kill whatever is left after ``grace`` seconds."""
        if self.client is not None and self.client.poll() is None and self.client.stdin:
            with contextlib.suppress(OSError, ValueError):
                self.client.stdin.write('{"cmd": "quit"}\n')
                self.client.stdin.flush()
            if self.office is not None:
                deadline = time.monotonic() + grace
                while not _has_exited(self.office) and time.monotonic() < deadline:
                    time.sleep(0.05)
        self.kill()

    def kill(self) -> None:
        """Kill soffice's whole process group and the UNO client; reap both."""
        office, client = self.office, self.client
        self.office = None
        self.client = None
        if office is not None:
            # The group leader is not reaped yet, so its pid (= the group id) cannot be reused.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(office.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                office.wait(timeout=10)
        if client is not None:
            if client.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    client.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                client.wait(timeout=10)
            for stream in (client.stdin, client.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        if self.reader is not None:
            self.reader.join(timeout=2)
            self.reader = None
        _unlink(self.profile / ".lock")
        if office is not None:
            # A killed LibreOffice leaves its named pipes behind in /tmp.
            _remove_office_pipes(self.pipe, self.profile_url)

    # -- jobs ---------------------------------------------------------------------------------

    def request(self, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one job and wait for its answer. Raises _Hung or _Died."""
        assert self.client is not None and self.client.stdin is not None
        job_id = next(self._ids)
        line = json.dumps({"id": job_id, **payload}, ensure_ascii=True)
        try:
            self.client.stdin.write(line + "\n")
            self.client.stdin.flush()
        except (OSError, ValueError) as exc:
            raise _Died(self._death_detail()) from exc
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Hung
            try:
                answer = self.answers.get(timeout=remaining)
            except queue.Empty:
                raise _Hung from None
            if answer is None:
                raise _Died(self._death_detail())
            message = _parse(answer)
            if message is not None and message.get("id") == job_id:
                self.conversions += 1
                return message

    def _death_detail(self) -> str:
        office = self.office
        if office is not None:
            deadline = time.monotonic() + 1.0
            while not _has_exited(office) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _has_exited(office):
                return f"LibreOffice avslutades {_describe_exit(_exit_code(office))}" + _tail_note(
                    self.office_log
                )
        code = self.client.poll() if self.client is not None else None
        return f"UNO-hjälpprocessen avslutades {_describe_exit(code)}" + _tail_note(self.client_log)


class LibreOfficeConverter:
    """A pool of warm headless LibreOffice processes; see the module docstring.

    ``workers``: number of LibreOffice processes (default and maximum: the number of cores).
    ``timeout``: seconds one conversion may take before LibreOffice is killed and restarted.
    ``startup_timeout``: seconds LibreOffice may take to start (default: ``timeout``, at most
    30 s; it normally starts in one to three).
    ``profile_root``: where the private profiles live (kept between runs, which saves start-up
    time); default: a temporary folder removed by :meth:`close`.
    ``max_conversions``: a process is restarted after this many conversions (memory growth).
    ``python``: the interpreter that has LibreOffice's ``uno`` module.

    Processes start on the first :meth:`convert` and stay warm until :meth:`close` (also run
    at interpreter exit, and by ``with``). :meth:`convert` may be called any number of times.
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout: float = 60.0,
        soffice: str = "soffice",
        profile_root: Path | None = None,
        pdf_options: PdfOptions = DEFAULT_PDF_OPTIONS,
        *,
        startup_timeout: float | None = None,
        max_conversions: int = 200,
        python: str = SYSTEM_PYTHON,
    ) -> None:
        resolved = _find_executable(soffice)
        if resolved is None or _find_executable(python) is None:
            raise ConverterUnavailable()
        cores = os.cpu_count() or 1
        self.workers = cores if workers is None else max(1, min(workers, cores))
        self.timeout = float(timeout)
        self.startup_timeout = float(
            min(timeout, 30.0) if startup_timeout is None else startup_timeout
        )
        self.soffice = resolved
        self._version = product_version(resolved)
        self.python = python
        self.pdf_options = pdf_options
        self.max_conversions = max(1, max_conversions)
        self.profile_root = profile_root
        self._closed = False
        self._uno_checked = False
        self._free: list[_Worker] = []
        """Workers no thread is using now; see :meth:`_checkout`."""
        self._free_changed = threading.Condition()
        self._state_lock = threading.Lock()
        self._run_state = _RunState()
        self._tag = f"beslut-lo-{os.getpid()}-{secrets.token_hex(4)}"
        self._run_dir: Path | None = None
        self._temp_dirs: list[Path] = []
        self._lock_files: list[IO[bytes]] = []
        self._pool: list[_Worker] = []
        atexit.register(self.close)

    # -- public -------------------------------------------------------------------------------

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        """Convert ``jobs`` in parallel; results in the order of ``jobs``.

        May be called from several threads at once: the calls share the processes, each job
        taking whichever is free (a build hands over one document at a time as it is rendered,
        so that no process waits for the others to finish a batch).
        Raises ConverterUnavailable when the system Python has no ``uno`` module.
        """
        jobs = list(jobs)
        if not jobs:
            return []
        pool = self._ensure_pool()
        results: list[ConversionResult | None] = [None] * len(jobs)
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in range(len(jobs)):
            todo.put(i)
        state = self._run_state
        # one thread more than processes: while a thread finishes its PDF in Python, another
        # gives the LibreOffice it left its next document
        helpers = min(len(jobs), len(pool) + 1)
        if helpers == 1:
            self._serve(jobs, todo, results, state)
        else:
            threads = [
                threading.Thread(
                    target=self._serve,
                    args=(jobs, todo, results, state),
                    name=f"beslut-lo-{index}",
                )
                for index in range(helpers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        done: list[ConversionResult] = []
        for job, result in zip(jobs, results, strict=True):
            if result is None:  # only if a thread died in a way _convert_one did not catch
                result = ConversionResult(
                    job, False, f"{job.label}: konverteringen till PDF avbröts (internt fel).", 0.0
                )
            done.append(result)
        return done

    def warm_up(self) -> None:
        """Start the LibreOffice processes in the background and return at once.

        A build calls this before it loads and renders, so LibreOffice's start-up (about a
        second) overlaps with that work; a job waits only for the first process that is up.
        Problems are not raised here: :meth:`convert` reports them.
        """

        def run() -> None:
            try:
                pool = self._ensure_pool()
            except (ConverterUnavailable, RuntimeError):
                return
            for worker in pool:
                threading.Thread(
                    target=self._start_quietly,
                    args=(worker,),
                    name=f"beslut-lo-warm-up-{worker.index}",
                    daemon=True,
                ).start()

        threading.Thread(target=run, name="beslut-lo-warm-up", daemon=True).start()

    def _start_quietly(self, worker: _Worker) -> None:
        if not self._checkout(worker):
            return
        try:
            with contextlib.suppress(_StartError, OSError):
                self._ready(worker)
        finally:
            self._checkin(worker)

    def _checkout(self, wanted: _Worker | None = None) -> _Worker | None:
        """Take a free worker (``wanted``, or any, running ones first) for this thread alone.

        Waits while all are busy. Returns None only when ``wanted`` is given and the converter
        was closed meanwhile.
        """
        with self._free_changed:
            while True:
                if wanted is not None:
                    if self._closed:
                        return None
                    if wanted in self._free:
                        self._free.remove(wanted)
                        return wanted
                elif self._free:
                    chosen = next((w for w in self._free if w.running()), self._free[0])
                    self._free.remove(chosen)
                    return chosen
                self._free_changed.wait()

    def _checkin(self, worker: _Worker) -> None:
        with self._free_changed:
            self._free.append(worker)
            self._free.sort(key=lambda w: w.index)
            self._free_changed.notify_all()

    def _serve(
        self,
        jobs: list[ConversionJob],
        todo: queue.SimpleQueue[int],
        results: list[ConversionResult | None],
        state: _RunState,
    ) -> None:
        """Convert jobs from ``todo`` until it is empty, each on whichever worker is free.

        A worker is held only while LibreOffice writes the PDF: finishing it (Python, see
        :func:`finish_file`) runs after the worker is free again, so that another thread can
        give that LibreOffice its next document meanwhile (issue 14: no process waits while
        Python works).
        """
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            job = jobs[index]
            started = time.monotonic()
            results[index] = self._convert_one(job, state, started)

    def soffice_pids(self) -> list[int]:
        """Process ids of the running soffice processes (each its own process group)."""
        return [w.office.pid for w in self._pool if w.office is not None and w.running()]

    def close(self) -> None:
        """Stop every LibreOffice process and remove temporary profiles. Safe to call twice."""
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
        with self._free_changed:
            self._free_changed.notify_all()  # a warm-up waiting for its worker gives up
        atexit.unregister(self.close)
        stoppers = [
            threading.Thread(target=worker.stop, name=f"beslut-lo-stop-{worker.index}")
            for worker in self._pool
        ]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()
        for worker in self._pool:
            worker.kill()  # in case a convert() thread restarted one meanwhile
        for fh in self._lock_files:
            with contextlib.suppress(OSError):
                fh.close()
        self._lock_files.clear()
        for directory in self._temp_dirs:
            shutil.rmtree(directory, ignore_errors=True)
        self._temp_dirs.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------

    def _ensure_pool(self) -> list[_Worker]:
        with self._state_lock:
            if self._closed:
                raise RuntimeError("LibreOffice-konverteraren är redan stängd.")
            if self._pool:
                return self._pool
            self._check_uno()
            run_dir = Path(tempfile.mkdtemp(prefix=f"{self._tag}-"))
            self._temp_dirs.append(run_dir)
            self._run_dir = run_dir
            for index in range(self.workers):
                self._pool.append(
                    _Worker(
                        index,
                        self.soffice,
                        self.python,
                        self._profile_dir(index, run_dir),
                        run_dir,
                        self._tag,
                        self._version,
                    )
                )
            with self._free_changed:
                self._free = list(self._pool)
            return self._pool

    def _check_uno(self) -> None:
        if self._uno_checked:
            return
        try:
            probe = subprocess.run(
                [self.python, "-I", "-c", "import uno"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ConverterUnavailable() from exc
        if probe.returncode != 0:
            raise ConverterUnavailable()
        self._uno_checked = True

    def _profile_dir(self, index: int, run_dir: Path) -> Path:
        """A private profile: reused under profile_root when no other process holds it."""
        if self.profile_root is None:
            return run_dir / f"profile-{index}"
        root = self.profile_root
        root.mkdir(parents=True, exist_ok=True)
        lock = (root / f"lo-{index}.lock").open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            temp = Path(tempfile.mkdtemp(prefix=f"lo-{index}-", dir=root))
            self._temp_dirs.append(temp)
            return temp
        self._lock_files.append(lock)
        return root / f"lo-{index}"

    def _convert_one(
        self, job: ConversionJob, state: _RunState, started: float
    ) -> ConversionResult:
        problem = _prepare(job)
        if problem is not None:
            return _failed(job, started, problem)
        tmp = _temp_target(job.target)
        try:
            worker = self._checkout()
            assert worker is not None
            try:
                failed = self._produce(worker, job, tmp, state, started)
            except Exception as exc:  # never lose a job to an unexpected error
                worker.kill()
                failed = _unexpected(job, started, exc)
            finally:
                self._checkin(worker)
            if failed is not None:
                return failed
            try:
                return self._finish(job, tmp, state, started)
            except Exception as exc:  # never lose a job to an unexpected error
                return _unexpected(job, started, exc)
        finally:
            _unlink(tmp)

    def _produce(
        self, worker: _Worker, job: ConversionJob, tmp: Path, state: _RunState, started: float
    ) -> ConversionResult | None:
        """Have ``worker`` write ``job`` as a PDF to ``tmp``; None when it did, else the failure.

        Restarts LibreOffice and tries once more when it could not start, hung or crashed.
        """
        label = job.label
        payload: dict[str, Any] = {
            "source": str(job.source.resolve()),
            "target": str(tmp.resolve()),
            "filter_data": self.pdf_options.filter_data(),
        }
        if job.language:
            payload["language"] = job.language
        if job.preview:
            payload["preview"] = True
        last = ""
        start_failures = 0
        hangs = 0
        for _attempt in range(2):
            broken = state.current()
            if broken is not None:
                return _failed(job, started, f"{label}: {broken}")
            try:
                self._ready(worker)
            except _StartError as exc:
                start_failures += 1
                last = f"LibreOffice kunde inte startas: {exc}."
                continue
            try:
                answer = worker.request(payload, self.timeout)
            except _Hung:
                worker.kill()
                hangs += 1
                last = (
                    f"konverteringen till PDF avbröts efter {_secs(self.timeout)} s "
                    "(LibreOffice svarade inte)."
                )
                continue
            except _Died as exc:
                worker.kill()
                last = f"LibreOffice kraschade under konverteringen till PDF: {exc}."
                continue
            if not answer.get("ok"):
                words = _one_line(str(answer.get("error") or "okänt fel"))
                if answer.get("kind") == "crash":
                    worker.kill()
                    last = f"LibreOffice kraschade under konverteringen till PDF: {words}."
                    continue
                if answer.get("kind") == "not_document":
                    words = (
                        "filen är inget giltigt dokument "
                        f'(LibreOffice kände bara igen den som filtret "{words}").'
                    )
                return _failed(
                    job,
                    started,
                    f"{label}: LibreOffice kunde inte konvertera dokumentet: {words}",
                )
            return None
        if start_failures == 2:
            state.mark(last)
        if hangs == 2:
            state.hung_again(last)
        return _failed(job, started, f"{label}: {last}")

    def _finish(
        self, job: ConversionJob, tmp: Path, state: _RunState, started: float
    ) -> ConversionResult:
        """Finish LibreOffice's PDF ``tmp`` for PDF/A and PDF/UA and put it in place."""
        label = job.label
        # Finishing parses the file and walks its pages; only when that fails is it
        # read again with pypdf (check_pdf), for the plainest reason to give.
        try:
            pages = finish_file(tmp)
        except (FinishError, OSError) as exc:
            reason = check_pdf(tmp)
            if reason is not None:
                return _failed(
                    job, started, f"{label}: LibreOffice skrev ingen giltig PDF: {reason}."
                )
            detail = exc.strerror or exc if isinstance(exc, OSError) else exc
            return _failed(
                job,
                started,
                f"{label}: PDF-filen från LibreOffice kunde inte göras färdig för PDF/A "
                f"och PDF/UA: {detail}. Konvertera igen; kvarstår felet, rapportera det "
                "med dokumentet.",
            )
        if pages < 1:
            return _failed(
                job,
                started,
                f"{label}: LibreOffice skrev ingen giltig PDF: PDF-filen har inga sidor.",
            )
        try:
            os.replace(tmp, job.target)
        except OSError as exc:
            return _failed(
                job,
                started,
                f"{label}: kunde inte skriva {job.target}: {exc.strerror or exc}.",
            )
        state.succeeded()
        return ConversionResult(job, True, None, time.monotonic() - started)

    def _ready(self, worker: _Worker) -> None:
        """Make sure ``worker`` runs, restarting it when it died or is due for recycling."""
        if worker.running() and worker.conversions < self.max_conversions:
            return
        with self._state_lock:
            if self._closed:
                raise _StartError("konverteraren har stängts")
        if worker.running():
            worker.stop()
        worker.start(self.startup_timeout)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _prepare(job: ConversionJob) -> str | None:
    """Check the source and create the target's folder; a Swedish message when that fails."""
    if not job.source.is_file():
        return f"{job.label}: hittar inte dokumentet {job.source} som skulle bli PDF."
    try:
        job.target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{job.label}: kan inte skapa mappen {job.target.parent}: {exc.strerror or exc}."
    return None


def _temp_target(target: Path) -> Path:
    return target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp.pdf")


def _unexpected(job: ConversionJob, started: float, exc: Exception) -> ConversionResult:
    """The failure of a job that an unexpected error stopped (never lost, always reported)."""
    return _failed(
        job,
        started,
        f"{job.label}: konverteringen till PDF misslyckades: "
        f"{type(exc).__name__}: {_one_line(str(exc))}",
    )


def _failed(job: ConversionJob, started: float, message: str) -> ConversionResult:
    return ConversionResult(job, False, message, time.monotonic() - started)


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _find_executable(name: str) -> str | None:
    if os.sep in name:
        return name if os.path.isfile(name) and os.access(name, os.X_OK) else None
    return shutil.which(name)


def _remove_office_pipes(pipe: str, profile_url: str) -> None:
    """Remove the socket files of a killed soffice: its --accept pipe and its single-instance
    pipe, whose name is the MD5 (UTF-16LE, bytes in unpadded hex) of the profile URL."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    names = [f"OSL_PIPE_{os.getuid()}_{pipe}"] if pipe else []
    if profile_url:
        names.append(f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}")
    for directory in {"/tmp", "/var/tmp", tempfile.gettempdir()}:
        for name in names:
            path = Path(directory, name)
            with contextlib.suppress(OSError):
                if stat.S_ISSOCK(path.lstat().st_mode):
                    path.unlink()


def _has_exited(proc: subprocess.Popen[Any]) -> bool:
    """Whether ``proc`` has exited, WITHOUT reaping it (so its pid stays reserved)."""
    if proc.returncode is not None:
        return True
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return proc.poll() is not None
    return info is not None


def _exit_code(proc: subprocess.Popen[Any]) -> int | None:
    """The exit status of an exited ``proc`` (negative: signal), WITHOUT reaping it."""
    if proc.returncode is not None:
        return proc.returncode
    try:
        info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return proc.poll()
    if info is None:
        return None
    if info.si_code == os.CLD_EXITED:
        return info.si_status
    return -info.si_status


def _read_lines(stream: IO[str] | None, sink: queue.Queue[str | None]) -> None:
    try:
        if stream is not None:
            for line in stream:
                sink.put(line)
    except (OSError, ValueError):
        pass
    finally:
        sink.put(None)


def _parse(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "oväntat"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"efter signal {name}"
    return f"med kod {code}"


def _tail_note(log: Path, limit: int = 300) -> str:
    """``; utskrift: …`` with the end of a log, minus LibreOffice's harmless Java warning."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip() and "javaldx" not in line]
    tail = _one_line(" / ".join(lines))
    if not tail:
        return ""
    if len(tail) > limit:
        tail = "…" + tail[-limit:]
    return f"; utskrift: {tail}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _secs(seconds: float) -> str:
    """Seconds the Swedish way: ``60``, ``2,5``."""
    return f"{seconds:g}".replace(".", ",")
