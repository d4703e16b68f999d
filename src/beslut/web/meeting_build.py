"""Building a workspace from the browser, with live progress as server-sent events.

A build runs in a background thread, through the workspace's build service when it can (the
same choice and fallbacks as ``beslut build``: the service is off with ``BESLUT_TJANST=av``, or
cannot start, or dies mid-build → the build runs in this process with ``api.build``). Its
progress calls become events kept on a :class:`BuildJob`; ``GET /mote/bygg-status/{id}``
streams them as ``text/event-stream``. One build at a time per app (a second click is told a
build is running); a build started elsewhere (the CLI, ``watch``) holds the output folder's lock
and this one then ends with that Swedish message.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beslut.diagnostics import Level
from beslut.errors import UserError
from beslut.model.formatting import number

ProgressFn = Callable[[str, int, int], None]
Runner = Callable[[Path, ProgressFn], dict[str, Any]]
"""Builds a workspace, calling progress as it goes; returns the final event's data."""

KEEP_JOBS = 20
"""Finished jobs remembered (a reloaded page can still read the end of its build)."""


class BuildRunning(UserError):
    """A build started from this app is still running."""


@dataclass
class BuildJob:
    """One build started from the app: its events so far and whether it has ended."""

    id: str
    rel: str
    events: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, event: dict[str, Any], *, final: bool = False) -> None:
        """Append an event (thread-safe); ``final`` marks the job done."""
        with self._lock:
            self.events.append(event)
            if final:
                self.done = True

    def since(self, start: int) -> tuple[list[dict[str, Any]], bool]:
        """Return the events from ``start`` on and whether the job has ended."""
        with self._lock:
            return list(self.events[start:]), self.done


def progress_text(stage: str, done: int, total: int) -> str:
    """One progress line for people: "renderar 3 av 12", or the stage alone for a step."""
    if total <= 0:
        return f"{stage[:1].upper()}{stage[1:]} …"
    return f"{stage[:1].upper()}{stage[1:]}: {done} av {total}"


def report_event(report: Any) -> dict[str, Any]:
    """The final event of a build: ok, a summary and every error in Swedish (file:line)."""
    errors = [d.format() for d in report.diagnostics if d.level is Level.ERROR]
    warnings = sum(1 for d in report.diagnostics if d.level is Level.WARNING)
    errors.extend(str(m) for m in report.messages)
    if report.failed:
        errors.append(
            f"{len(report.failed)} kunde inte byggas och publicerades inte (det som publicerats "
            f"tidigare av dem finns kvar): {', '.join(report.failed)}"
        )
    ok = bool(report.ok)
    changed = len(report.changed)
    if ok:
        summary = (
            f"Bygget är klart på {number(report.seconds, 1)} s: {changed} byggdes om, "
            f"{len(report.unchanged)} var oförändrade"
            + (f", {warnings} {'varning' if warnings == 1 else 'varningar'}." if warnings else ".")
        )
    else:
        summary = (
            "Bygget hittade fel; det som hade fel publicerades inte. Rätta felen och bygg igen."
        )
    return {"ok": ok, "summary": summary, "errors": errors}


def run_build(root: Path, progress: ProgressFn) -> dict[str, Any]:
    """Build the workspace into output/ (service first, as ``beslut build``); the final event."""
    from beslut import api
    from beslut.load.paths import default_out_dir
    from beslut.service import client

    target = default_out_dir(root)
    formats = ("docx", "pdf")
    report: Any = None
    if not client.disabled():
        try:
            conn, _started = client.ensure_service(root)
        except client.ServiceUnavailable as exc:
            progress(f"byggtjänsten kunde inte användas ({exc}); bygger i servern", 0, 0)
        else:
            try:
                data = client.remote_build(
                    conn,
                    out_dir=target,
                    formats=formats,
                    force=False,
                    strict=False,
                    progress=progress,
                )
                from beslut.service.protocol import report_from_json

                report = report_from_json(data)
            except client.ServiceGone as exc:
                progress(f"byggtjänsten avslutades mitt i bygget ({exc}); bygger i servern", 0, 0)
            except client.RemoteError as exc:
                if exc.kind != "internal":
                    raise UserError(exc.message) from None
                progress(f"{exc.message}; bygger i servern i stället", 0, 0)
            finally:
                conn.close()
    if report is None:
        report = api.build(root, out_dir=target, formats=formats, progress=progress)
    return report_event(report)


class Builds:
    """The app's build jobs: at most one running, the last few kept for their streams."""

    def __init__(self, root: Path, runner: Runner = run_build) -> None:
        self.root = root
        self.runner = runner
        self._lock = threading.Lock()
        self._jobs: dict[str, BuildJob] = {}
        self._running: BuildJob | None = None

    def get(self, job_id: str) -> BuildJob | None:
        """Return the job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    @property
    def running(self) -> BuildJob | None:
        """The job still running, or None."""
        with self._lock:
            return self._running

    def start(self, rel: str) -> BuildJob:
        """Start a build in a background thread; raise :class:`BuildRunning` if one runs."""
        with self._lock:
            if self._running is not None:
                raise BuildRunning(
                    "Ett bygge pågår redan (startat från sidan för "
                    f"{self._running.rel}). Vänta tills det är klart; förloppet visas på sidan."
                )
            job = BuildJob(uuid.uuid4().hex, rel)
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.pop(next(iter(self._jobs)))
            self._running = job
        thread = threading.Thread(target=self._run, args=(job,), name="BeslutBygge", daemon=True)
        thread.start()
        return job

    def _run(self, job: BuildJob) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.add({"type": "progress", "text": progress_text(stage, done, total)})

        try:
            final = self.runner(self.root, progress)
        except UserError as exc:
            final = {"ok": False, "summary": str(exc), "errors": []}
        except Exception as exc:
            final = {
                "ok": False,
                "summary": f"Bygget avbröts av ett oväntat fel ({type(exc).__name__}: {exc}). "
                "Kör ”beslut build” i en terminal för hela felutskriften.",
                "errors": [],
            }
        final["type"] = "done"
        with self._lock:
            job.add(final, final=True)
            self._running = None


def sse(event: dict[str, Any]) -> str:
    """One server-sent event frame. The format is two fields and a blank line; a library for
    it (sse-starlette) would add a dependency for ten lines."""
    name = "klart" if event.get("type") == "done" else "forlopp"
    data = json.dumps(event, ensure_ascii=False)
    return f"event: {name}\ndata: {data}\n\n"


__all__ = [
    "BuildJob",
    "BuildRunning",
    "Builds",
    "progress_text",
    "report_event",
    "run_build",
    "sse",
]
