"""The service's wire format: JSON lines over a Unix socket, and the peer check.

Each request is one JSON object with a ``request`` field; answers are one or more JSON objects,
one a line, each with an ``event`` field:

* ``hello`` → ``{"event": "hello", "fingerprint", "pid", "root", "version"}``
* ``build`` (``out_dir``, ``formats``, ``force``, ``strict``, ``source_date_epoch``) → any
  number of ``{"event": "progress", "stage", "done", "total"}``, then one
  ``{"event": "report", ...}`` (a :class:`beslut.pipeline.BuildReport` as JSON, see
  :func:`report_to_json`) or ``{"event": "error", "kind": "user"|"locked"|"internal",
  "message"}``
* ``convert`` (``jobs``: every field of a ConversionJob, see :func:`job_to_json`) → ``{"event": "converted",
  "results": [{"ok", "message", "seconds"}, ...]}`` in the order of the jobs
* ``status`` → ``{"event": "status", ...}``; ``stop`` → ``{"event": "stopping"}``

A connection may carry several requests one after the other. Standard library only.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from dataclasses import asdict, dataclass, replace
from typing import Any

MAX_LINE = 64 * 1024 * 1024
"""The longest line either side accepts (a report with many diagnostics is long)."""


@dataclass(frozen=True)
class RemoteOutput:
    """One output file of a build done by the service (the fields of pipeline.Output)."""

    path: str
    source: str
    kind: str
    sha256: str


class PeerRefused(Exception):
    """The other end of the socket runs as another user; ``str()`` is Swedish."""


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a connected Unix socket (SO_PEERCRED)."""
    raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", raw)
    return int(uid)


def check_peer(sock: socket.socket, who: str) -> None:
    """Raise PeerRefused unless the peer runs as this process's user. ``who`` names the peer
    in the message ("byggtjänsten", "klienten")."""
    uid = peer_uid(sock)
    if uid != os.getuid():
        raise PeerRefused(
            f"{who} körs av en annan användare (uid {uid}); en byggtjänst används bara av "
            "den som startade den"
        )


def encode(message: dict[str, Any]) -> bytes:
    """One message as a line of UTF-8 JSON."""
    return (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")


def decode(line: bytes) -> dict[str, Any]:
    """One line back into a message; ValueError when it is not a JSON object."""
    data = json.loads(line.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def job_to_json(job: Any) -> dict[str, Any]:
    """A :class:`beslut.convert.libreoffice.ConversionJob` as JSON: every field, paths as text
    (generic, so a field added to the job cannot be dropped on the way to the service)."""
    data = asdict(job)
    return {k: str(v) if k in ("source", "target") else v for k, v in data.items()}


def job_from_json(data: dict[str, Any]) -> Any:
    """The :class:`~beslut.convert.libreoffice.ConversionJob` that :func:`job_to_json` wrote."""
    from pathlib import Path

    from beslut.convert.libreoffice import ConversionJob

    fields = dict(data)
    fields["source"], fields["target"] = Path(fields["source"]), Path(fields["target"])
    return ConversionJob(**fields)


def report_to_json(report: Any) -> dict[str, Any]:
    """A BuildReport as JSON-ready data (outputs and diagnostics as dicts)."""
    return {
        "outputs": [
            {"path": o.path, "source": o.source, "kind": o.kind, "sha256": o.sha256}
            for o in report.outputs
        ],
        "diagnostics": [_diagnostic_to_json(d) for d in report.diagnostics],
        "messages": list(report.messages),
        "seconds": report.seconds,
        "changed": list(report.changed),
        "unchanged": list(report.unchanged),
        "removed": list(report.removed),
        "notes": list(report.notes),
        "reasons": dict(report.reasons),
        "failed": list(report.failed),
    }


def _diagnostic_to_json(diagnostic: Any) -> dict[str, Any]:
    """A diagnostic with its fix (``to_dict``, made for the build state, leaves the fix out)."""
    fix = diagnostic.fix
    return {**diagnostic.to_dict(), "fix": None if fix is None else asdict(fix)}


def _diagnostic_from_json(data: dict[str, Any]) -> Any:
    from beslut.diagnostics import Diagnostic, Fix

    diagnostic = Diagnostic.from_dict(data)
    fix = data.get("fix")
    return diagnostic if fix is None else replace(diagnostic, fix=Fix(**fix))


def report_from_json(data: dict[str, Any]) -> Any:
    """The report the CLI prints, rebuilt from :func:`report_to_json`'s data: an object with
    BuildReport's fields and ``ok`` (without importing the pipeline)."""
    from types import SimpleNamespace

    from beslut.diagnostics import has_errors

    diagnostics = tuple(_diagnostic_from_json(d) for d in data["diagnostics"])
    messages = tuple(data["messages"])
    return SimpleNamespace(
        ok=not has_errors(diagnostics) and not messages,
        outputs=tuple(RemoteOutput(**o) for o in data["outputs"]),
        diagnostics=diagnostics,
        messages=messages,
        seconds=float(data["seconds"]),
        changed=tuple(data["changed"]),
        unchanged=tuple(data["unchanged"]),
        removed=tuple(data["removed"]),
        notes=tuple(data["notes"]),
        reasons=dict(data["reasons"]),
        failed=tuple(data["failed"]),
    )


__all__ = [
    "MAX_LINE",
    "PeerRefused",
    "RemoteOutput",
    "check_peer",
    "decode",
    "encode",
    "peer_uid",
    "report_from_json",
    "report_to_json",
]
