"""The thin client of the build service: find or start the workspace's service, and build.

Imports only the standard library and light beslut modules, because its import time is part
of every ``beslut build``. Starting and stopping are serialised by an flock on the
workspace's ``.lock`` in the runtime folder, so two commands never start two services.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from beslut.fingerprint import code_fingerprint
from beslut.service import protocol
from beslut.service.runtime import (
    RuntimeFolderRefused,
    ServicePaths,
    pid_alive,
    read_info,
    setting,
)

SWITCH_ENV = "BESLUT_TJANST"
"""``BESLUT_TJANST=av`` turns the service off: every build runs in its own process."""

START_TIMEOUT = 60.0
"""Seconds a new service may take to answer (imports and LibreOffice's start; slow under load)."""

HELLO_TIMEOUT = 15.0
"""Seconds a running service may take to answer ``hello``; one that does not is stuck and is
replaced (its socket file is taken over, which makes it stop)."""

STOP_TIMEOUT = 90.0
"""Seconds a stopping service may take (it finishes a running build first)."""


def disabled() -> bool:
    """Whether BESLUT_TJANST turns the service off (av, nej, 0, off, false)."""
    return (setting(SWITCH_ENV) or "").strip().lower() in ("av", "nej", "0", "off", "false")


class ServiceUnavailable(Exception):
    """The service cannot be used; ``str()`` is a Swedish reason (the build runs in-process)."""


class ServiceGone(Exception):
    """The connection to the service dropped before the answer came."""


class RemoteError(Exception):
    """The service answered with an error event: ``kind`` is user, locked or internal."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Connection:
    """One connection to a service: JSON lines both ways."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader: BinaryIO = sock.makefile("rb")

    def send(self, message: dict[str, Any]) -> None:
        try:
            self.sock.sendall(protocol.encode(message))
        except OSError as exc:
            raise ServiceGone(_why(exc)) from None

    def receive(self) -> dict[str, Any]:
        try:
            line = self.reader.readline(protocol.MAX_LINE)
        except OSError as exc:
            raise ServiceGone(_why(exc)) from None
        if not line:
            raise ServiceGone("anslutningen stängdes")
        try:
            return protocol.decode(line)
        except ValueError:
            raise ServiceGone("ett obegripligt svar") from None

    def ask(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send a request and return its one answer; an error event raises RemoteError.
        With ``timeout``, no answer within that many seconds raises ServiceGone."""
        self.sock.settimeout(timeout)
        try:
            self.send(message)
            answer = self.receive()
        finally:
            with contextlib.suppress(OSError):
                self.sock.settimeout(None)
        if answer.get("event") == "error":
            raise RemoteError(str(answer.get("kind")), str(answer.get("message")))
        return answer

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.reader.close()
        with contextlib.suppress(OSError):
            self.sock.close()


def _why(exc: OSError) -> str:
    if exc.errno == errno.ECONNRESET:
        return "anslutningen bröts"
    return exc.strerror or type(exc).__name__


def connect(paths: ServicePaths) -> Connection | None:
    """Connect to the service's socket; None when nothing listens there (no file, or a
    stale file: then it is removed). Raises ServiceUnavailable when the listener runs as
    another user."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(paths.socket))
    except FileNotFoundError:
        sock.close()
        return None
    except ConnectionRefusedError:
        sock.close()
        with contextlib.suppress(OSError):
            paths.socket.unlink()  # a socket file nobody listens on: left by a killed service
        return None
    except OSError as exc:
        sock.close()
        raise ServiceUnavailable(
            f"socketen {paths.socket} kunde inte öppnas ({_why(exc)})"
        ) from None
    try:
        protocol.check_peer(sock, "byggtjänsten")
    except protocol.PeerRefused as exc:
        sock.close()
        raise ServiceUnavailable(str(exc)) from None
    return Connection(sock)


@contextlib.contextmanager
def _locked(paths: ServicePaths) -> Iterator[None]:
    """Hold the workspace's start/stop lock."""
    old = os.umask(0o077)
    try:
        descriptor = os.open(paths.lock, os.O_RDWR | os.O_CREAT, 0o600)
    finally:
        os.umask(old)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def service_paths(root: Path) -> ServicePaths:
    try:
        return ServicePaths.of(root)
    except RuntimeFolderRefused as exc:
        raise ServiceUnavailable(str(exc)) from None


def ensure_service(root: Path) -> tuple[Connection, bool]:
    """A connection to the workspace's service, started if needed; and whether it was started.

    A service started by other code (another version or an edited install: another
    fingerprint) is stopped and replaced. Raises ServiceUnavailable with a Swedish reason.
    """
    root = root.resolve()
    paths = service_paths(root)
    with _locked(paths):
        conn = _running(paths, root)
        if conn is not None:
            return conn, False
        process = _spawn(paths, root)
        return _await_start(paths, process, root), True


def _hello(conn: Connection, root: Path) -> tuple[bool, int] | None:
    """Ask the service on ``conn`` who it is: None when it gives no answer within
    HELLO_TIMEOUT; else whether it is ours (this code, by fingerprint, for ``root``) and its
    pid. ``conn`` stays open only for a service that is ours."""
    try:
        hello = conn.ask({"request": "hello"}, HELLO_TIMEOUT)
    except (ServiceGone, RemoteError):
        conn.close()
        return None
    ours = hello.get("fingerprint") == code_fingerprint() and hello.get("root") == str(root)
    if not ours:
        conn.close()
    return ours, int(hello.get("pid") or 0)


def _running(paths: ServicePaths, root: Path) -> Connection | None:
    """A connection to a usable running service, or None after clearing what is left."""
    conn = connect(paths)
    if conn is not None and (answer := _hello(conn, root)) is not None:
        ours, pid = answer
        if ours:
            return conn
        _stop_and_wait(paths, pid)
    info = read_info(paths.info)
    if info is not None and not pid_alive(int(info.get("pid") or 0)):
        with contextlib.suppress(OSError):
            paths.info.unlink()  # left by a service that was killed
    return None


def _spawn(paths: ServicePaths, root: Path) -> subprocess.Popen[bytes]:
    """Start ``python -m beslut.service.server ROOT`` detached: its own session, no terminal,
    none of the caller's pipes (a caller reading our output would otherwise wait for it)."""
    env = dict(os.environ)
    env.pop(SWITCH_ENV, None)
    env.pop(SWITCH_ENV.replace("TJANST", "TJÄNST"), None)
    # The service must import the same beslut as this client (an editable or PYTHONPATH one).
    source = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(
        [source, *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != source)]
    )
    old = os.umask(0o077)
    try:
        with open(paths.log, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "beslut.service.server", str(root)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                close_fds=True,
                start_new_session=True,
                cwd="/",
                env=env,
            )
    except OSError as exc:
        raise ServiceUnavailable(f"{sys.executable} kunde inte startas ({_why(exc)})") from None
    finally:
        os.umask(old)
    # Reap the service when it ends, should this process outlive it (watch, tests): no zombie.
    threading.Thread(target=process.wait, name="beslut-service-reaper", daemon=True).start()
    return process


def _await_start(paths: ServicePaths, process: subprocess.Popen[bytes], root: Path) -> Connection:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceUnavailable(
                f"byggtjänsten avslutades när den startade (kod {process.returncode}); "
                f"se {paths.log}{_log_tail(paths)}"
            )
        conn = connect(paths)
        if conn is not None and (answer := _hello(conn, root)) is not None:
            if answer[0]:
                return conn
            raise ServiceUnavailable("den nystartade byggtjänsten kör en annan beslut")
        time.sleep(0.05)
    raise ServiceUnavailable(
        f"byggtjänsten svarade inte inom {START_TIMEOUT:g} s; se {paths.log}{_log_tail(paths)}"
    )


def _log_tail(paths: ServicePaths) -> str:
    try:
        lines = paths.log.read_text("utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return f" (sista raden: {lines[-1][:200]})" if lines else ""


def _stop_and_wait(paths: ServicePaths, pid: int, conn: Connection | None = None) -> None:
    """Ask a service to stop and wait until its process is gone (bounded)."""
    own = conn is None
    if conn is None:
        conn = connect(paths)
    if conn is not None:
        with contextlib.suppress(ServiceGone, RemoteError):
            conn.ask({"request": "stop"})
        if own:
            conn.close()
    deadline = time.monotonic() + STOP_TIMEOUT
    while pid and pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def stop_service(root: Path) -> int | None:
    """Stop the workspace's service; its pid, or None when none ran."""
    paths = service_paths(root.resolve())
    with _locked(paths):
        return _stop(paths)


def _stop(paths: ServicePaths) -> int | None:
    conn = connect(paths)
    if conn is None:
        info = read_info(paths.info)
        if info is not None and not pid_alive(int(info.get("pid") or 0)):
            with contextlib.suppress(OSError):
                paths.info.unlink()
        return None
    try:
        pid = int(conn.ask({"request": "status"}).get("pid") or 0)
    except (ServiceGone, RemoteError):
        conn.close()
        return None
    _stop_and_wait(paths, pid, conn)
    conn.close()
    return pid


def stop_all() -> list[tuple[str, int]]:
    """Stop every service of this user; (workspace, pid) of each one stopped."""
    from beslut.service.runtime import all_services

    try:
        services = all_services()
    except RuntimeFolderRefused as exc:
        raise ServiceUnavailable(str(exc)) from None
    stopped = []
    for paths in services:
        info = read_info(paths.info) or {}
        with _locked(paths):
            pid = _stop(paths)
        if pid is not None:
            stopped.append((str(info.get("root", paths.key)), pid))
    return stopped


def status(root: Path) -> dict[str, Any] | None:
    """The running service's status, or None when none runs."""
    paths = service_paths(root.resolve())
    conn = connect(paths)
    if conn is None:
        return None
    try:
        return conn.ask({"request": "status"})
    except (ServiceGone, RemoteError):
        return None
    finally:
        conn.close()


Progress = Callable[[str, int, int], None]


def remote_build(
    conn: Connection,
    *,
    out_dir: Path,
    formats: tuple[str, ...],
    force: bool,
    strict: bool,
    progress: Progress,
) -> dict[str, Any]:
    """Build through the service: progress events go to ``progress``; returns the report's
    data. Raises ServiceGone when the connection drops first, RemoteError on an error event."""
    conn.send(
        {
            "request": "build",
            "out_dir": str(out_dir),
            "formats": list(formats),
            "force": force,
            "strict": strict,
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        }
    )
    while True:
        event = conn.receive()
        kind = event.get("event")
        if kind == "progress":
            progress(str(event["stage"]), int(event["done"]), int(event["total"]))
        elif kind == "report":
            return event
        elif kind == "error":
            raise RemoteError(str(event.get("kind")), str(event.get("message")))


__all__ = [
    "SWITCH_ENV",
    "Connection",
    "RemoteError",
    "ServiceGone",
    "ServiceUnavailable",
    "connect",
    "disabled",
    "ensure_service",
    "remote_build",
    "status",
    "stop_all",
    "stop_service",
]
