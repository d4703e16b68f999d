"""The build service of one workspace: ``python -m beslut.service.server ROOT``.

Started by :func:`beslut.service.client.ensure_service`, detached from the terminal, with its
stderr in the runtime folder's ``.log``. It binds the workspace's socket (under umask 077, in
the private runtime folder), refuses connections from other users (SO_PEERCRED), starts one
LibreOffice pool at once and reuses it, and the loaded workspace, for every build. Builds run
one at a time: SOURCE_DATE_EPOCH is set per build in ``os.environ``, which is process-wide.
The pipeline takes the output folder's lock itself, so a ``watch`` or another build writing
to the same folder is honoured (the client gets an ``error`` event of kind ``locked``).

It stops after ``BESLUT_TJANST_VILA`` seconds (default 900, :func:`.runtime.idle_seconds`)
without connections, on ``stop``, on SIGTERM or SIGINT, when the workspace folder is gone and
when its socket file was removed or replaced. On every exit it closes LibreOffice and removes its socket and ``.json`` only if they
are still its own (same inode).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import stat
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from beslut import __version__
from beslut.fingerprint import code_fingerprint
from beslut.service import protocol
from beslut.service.runtime import ServicePaths, idle_seconds

POLL = 0.5
"""Seconds between the accept loop's checks (idle time, workspace, socket file)."""


class ClientGone(Exception):
    """The client of a build closed its connection; the build stops before it publishes."""


def _identity(path: Path) -> tuple[int, int] | None:
    """The folder's (device, inode), or None when it is not a folder."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def _log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


class Service:
    """One workspace's service: the socket, the warm LibreOffice and the build lock."""

    def __init__(self, root: Path, idle: float) -> None:
        self.root = root.resolve()
        self.root_identity = _identity(self.root)
        self.paths = ServicePaths.of(self.root)
        self.idle = idle
        self.stopping = threading.Event()
        self.build_lock = threading.Lock()
        self.state_lock = threading.Lock()
        self.connections = 0
        self.last_activity = time.monotonic()
        self.builds = 0
        self.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.converter: Any = None
        self.listener: socket.socket | None = None
        self.socket_inode: int | None = None
        self.info_inode: int | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def bind(self) -> None:
        """Bind the socket under a private name, then rename it into place (atomic)."""
        temp = self.paths.folder / f"{self.paths.key}.{os.getpid()}.sock"
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            listener.bind(str(temp))
        finally:
            os.umask(old)
        listener.listen(16)
        listener.settimeout(POLL)
        os.replace(temp, self.paths.socket)
        self.socket_inode = os.stat(self.paths.socket).st_ino
        self.listener = listener
        info = {
            "pid": os.getpid(),
            "root": str(self.root),
            "started": self.started,
            "fingerprint": code_fingerprint(),
            "version": __version__,
        }
        pending = self.paths.folder / f"{self.paths.key}.{os.getpid()}.json"
        pending.write_text(json.dumps(info, ensure_ascii=False), "utf-8")
        os.replace(pending, self.paths.info)
        self.info_inode = os.stat(self.paths.info).st_ino

    def start_converter(self) -> None:
        """Start LibreOffice now (in the background); without it, builds report it missing."""
        from beslut.convert.libreoffice import ConverterUnavailable, LibreOfficeConverter
        from beslut.load.paths import CACHE_DIR

        try:
            converter = LibreOfficeConverter(profile_root=self.root / CACHE_DIR / "libreoffice")
        except ConverterUnavailable as exc:
            _log(f"LibreOffice saknas: {exc}")
            return
        converter.warm_up()
        self.converter = converter

    def serve(self) -> None:
        """Accept connections until a reason to stop; each connection in its own thread."""
        assert self.listener is not None
        _log(f"byggtjänsten för {self.root} startad (pid {os.getpid()})")
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                reason = self._reason_to_stop()
                if reason:
                    _log(f"stannar: {reason}")
                    self.stopping.set()
                continue
            except OSError:
                if self.stopping.is_set():
                    break
                raise
            with self.state_lock:
                self.connections += 1
                self.last_activity = time.monotonic()
            threading.Thread(target=self._serve_connection, args=(conn,), daemon=True).start()

    def _reason_to_stop(self) -> str | None:
        # By identity, not by name: a removed workspace can reappear as a folder at once,
        # made again by its own LibreOffice writing its profile under .beslut-cache.
        if _identity(self.root) != self.root_identity:
            return "arbetsytan finns inte längre"
        try:
            inode = os.stat(self.paths.socket).st_ino
        except OSError:
            return "socketfilen har tagits bort"
        if inode != self.socket_inode:
            return "socketfilen har ersatts av en annan tjänst"
        with self.state_lock:
            quiet = self.connections == 0 and time.monotonic() - self.last_activity > self.idle
        if quiet:
            return f"ingen användning på {self.idle:g} s"
        return None

    def shutdown(self) -> None:
        """Close the socket, wait (bounded) for a running build, stop LibreOffice, and remove
        the socket and .json if they are still this service's own."""
        self.stopping.set()
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.close()
        _remove_if_own(self.paths.socket, self.socket_inode)
        _remove_if_own(self.paths.info, self.info_inode)
        got = self.build_lock.acquire(timeout=60)
        try:
            if self.converter is not None:
                self.converter.close()
        finally:
            if got:
                self.build_lock.release()
        _log("byggtjänsten har stannat")

    # -- requests -----------------------------------------------------------------------------

    def _serve_connection(self, conn: socket.socket) -> None:
        try:
            with conn:
                try:
                    protocol.check_peer(conn, "klienten")
                except protocol.PeerRefused as exc:
                    _log(f"vägrade en anslutning: {exc}")
                    with contextlib.suppress(OSError):
                        conn.sendall(
                            protocol.encode(
                                {
                                    "event": "error",
                                    "kind": "refused",
                                    "message": "byggtjänsten tillhör en annan användare och "
                                    "kan inte användas av dig; bygg utan tjänst "
                                    "(--utan-tjänst).",
                                }
                            )
                        )
                    return
                reader = conn.makefile("rb")
                for line in reader:
                    if len(line) > protocol.MAX_LINE:
                        return
                    try:
                        request = protocol.decode(line)
                    except ValueError:
                        return
                    self._touch()
                    try:
                        self._answer(conn, request)
                    except (ClientGone, OSError):
                        return
                    finally:
                        self._touch()
                    if request.get("request") == "stop":
                        return
        finally:
            with self.state_lock:
                self.connections -= 1
                self.last_activity = time.monotonic()

    def _touch(self) -> None:
        with self.state_lock:
            self.last_activity = time.monotonic()

    def _answer(self, conn: socket.socket, request: dict[str, Any]) -> None:
        kind = request.get("request")
        if kind == "hello":
            conn.sendall(
                protocol.encode(
                    {
                        "event": "hello",
                        "fingerprint": code_fingerprint(),
                        "pid": os.getpid(),
                        "root": str(self.root),
                        "version": __version__,
                    }
                )
            )
        elif kind == "build":
            self._build(conn, request)
        elif kind == "convert":
            self._convert(conn, request)
        elif kind == "status":
            conn.sendall(protocol.encode(self.status()))
        elif kind == "stop":
            _log("stannar: ombedd att stanna")
            self.stopping.set()
            conn.sendall(protocol.encode({"event": "stopping", "pid": os.getpid()}))
        else:
            conn.sendall(
                protocol.encode(
                    {"event": "error", "kind": "internal", "message": f"okänd begäran {kind!r}"}
                )
            )

    def status(self) -> dict[str, Any]:
        with self.state_lock:
            idle_for = time.monotonic() - self.last_activity
        pids = self.converter.soffice_pids() if self.converter is not None else []
        return {
            "event": "status",
            "pid": os.getpid(),
            "root": str(self.root),
            "started": self.started,
            "idle_seconds": round(idle_for, 1),
            "idle_limit": self.idle,
            "builds": self.builds,
            "soffice_pids": pids,
            "rss_kb": {str(os.getpid()): _rss_kb(os.getpid())}
            | {str(pid): _group_rss_kb(pid) for pid in pids},
            "fingerprint": code_fingerprint(),
            "version": __version__,
        }

    def _build(self, conn: socket.socket, request: dict[str, Any]) -> None:
        from beslut.errors import BuildLocked, UserError
        from beslut.pipeline import build

        def progress(stage: str, done: int, total: int) -> None:
            message = {"event": "progress", "stage": stage, "done": done, "total": total}
            try:
                conn.sendall(protocol.encode(message))
            except OSError as exc:
                raise ClientGone(str(exc)) from None

        with self.build_lock:
            if self.stopping.is_set():
                raise ClientGone("the service is stopping")
            epoch = request.get("source_date_epoch")
            saved = os.environ.get("SOURCE_DATE_EPOCH")
            _set_env("SOURCE_DATE_EPOCH", epoch)
            try:
                report = build(
                    self.root,
                    out_dir=Path(request["out_dir"]),
                    formats=tuple(request.get("formats") or ("docx", "pdf")),
                    converter=self.converter,
                    force=bool(request.get("force")),
                    strict=bool(request.get("strict")),
                    progress=progress,
                )
            except ClientGone:
                _log("klienten gick under bygget; inget publicerades av det bygget")
                raise
            except BuildLocked as exc:
                answer = {"event": "error", "kind": "locked", "message": str(exc)}
            except UserError as exc:
                answer = {"event": "error", "kind": "user", "message": str(exc)}
            except Exception as exc:
                _log("".join(traceback.format_exception(exc)))
                answer = {
                    "event": "error",
                    "kind": "internal",
                    "message": f"ett oväntat fel i byggtjänsten ({type(exc).__name__}: {exc})",
                }
            else:
                self.builds += 1
                answer = {"event": "report", **protocol.report_to_json(report)}
            finally:
                _set_env("SOURCE_DATE_EPOCH", saved)
        conn.sendall(protocol.encode(answer))

    def _convert(self, conn: socket.socket, request: dict[str, Any]) -> None:
        from beslut.convert.libreoffice import ConverterUnavailable

        jobs = [protocol.job_from_json(j) for j in request.get("jobs", [])]
        if self.converter is None:
            answer: dict[str, Any] = {
                "event": "error",
                "kind": "unavailable",
                "message": str(ConverterUnavailable()),
            }
        else:
            try:
                results = self.converter.convert(jobs)
            except ConverterUnavailable as exc:
                answer = {"event": "error", "kind": "unavailable", "message": str(exc)}
            else:
                answer = {
                    "event": "converted",
                    "results": [
                        {"ok": r.ok, "message": r.message, "seconds": r.seconds} for r in results
                    ],
                }
        conn.sendall(protocol.encode(answer))


def _set_env(name: str, value: object) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def _rss_kb(pid: int) -> int | None:
    """Resident memory of a process in kB, from /proc (None when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _group_rss_kb(pgid: int) -> int | None:
    """Resident memory of a whole process group (soffice runs as oosplash and soffice.bin)."""
    total = None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid):
            rss = _rss_kb(int(entry))
            if rss is not None:
                total = (total or 0) + rss
    return total


def _remove_if_own(path: Path, inode: int | None) -> None:
    """Remove ``path`` only if it is still the file this service created."""
    if inode is None:
        return
    with contextlib.suppress(OSError):
        if os.stat(path).st_ino == inode:
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("användning: python -m beslut.service.server ARBETSYTA", file=sys.stderr)
        return 2
    service = Service(Path(args[0]), idle_seconds())

    def stop(_signum: int, _frame: Any) -> None:
        _log("stannar: signal")
        service.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    service.start_converter()
    import beslut.pipeline  # noqa: F401  # warm: the first build pays no imports

    service.bind()
    try:
        service.serve()
    finally:
        service.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
