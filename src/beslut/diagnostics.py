"""Located diagnostics: every problem a user sees, with file, line and column.

Printed as ``path:line:col: fel|varning: meddelande [kod]``, sorted, after all files have been
checked, so that one run lists every mistake.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum


class Level(StrEnum):
    """Severity of a diagnostic, in Swedish as printed."""

    ERROR = "fel"
    WARNING = "varning"


@dataclass(frozen=True)
class Fix:
    """A safe automatic repair: replace the text from (line, column) up to, not including,
    (end_line, end_column) with ``replacement``. Lines and columns are 1-based and count
    characters, like the diagnostic's own position."""

    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. ``path`` is relative to the workspace, with ``/``."""

    path: str
    line: int
    column: int
    level: Level
    message: str
    code: str
    fix: Fix | None = field(default=None, compare=False)
    """A safe repair that ``beslut check --fix`` may apply (None when there is none)."""

    def with_level(self, level: Level) -> Diagnostic:
        """Return the same diagnostic at another level."""
        return replace(self, level=level)

    def to_dict(self) -> dict[str, object]:
        """Return the diagnostic as plain data (for the build state), without its fix."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level.value,
            "message": self.message,
            "code": self.code,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Diagnostic:
        """Return the diagnostic that :meth:`to_dict` made."""
        return cls(
            str(data["path"]),
            int(str(data["line"])),
            int(str(data["column"])),
            Level(str(data["level"])),
            str(data["message"]),
            str(data["code"]),
        )

    def format(self) -> str:
        """Return the one-line form ``path:line:col: nivå: meddelande [kod]``."""
        return f"{self.path}:{self.line}:{self.column}: {self.level.value}: {self.message} [{self.code}]"


def error(path: str, line: int, column: int, message: str, code: str) -> Diagnostic:
    """Return an error diagnostic."""
    return Diagnostic(path, line, column, Level.ERROR, message, code)


def warning(path: str, line: int, column: int, message: str, code: str) -> Diagnostic:
    """Return a warning diagnostic."""
    return Diagnostic(path, line, column, Level.WARNING, message, code)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """Return True if any diagnostic is an error."""
    return any(d.level is Level.ERROR for d in diagnostics)


def paths_with_errors(diagnostics: Iterable[Diagnostic]) -> set[str]:
    """Return the files that have at least one error."""
    return {d.path for d in diagnostics if d.level is Level.ERROR}


def sort(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Return diagnostics sorted by file, line and column, without duplicates."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.column, d.code, d.message))


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    """Return the diagnostics as a JSON document for tools."""
    items = [{**asdict(d), "level": d.level.value} for d in sort(diagnostics)]
    summary = {
        "fel": sum(1 for d in items if d["level"] == Level.ERROR.value),
        "varningar": sum(1 for d in items if d["level"] == Level.WARNING.value),
    }
    return json.dumps({"diagnostics": items, "summary": summary}, ensure_ascii=False, indent=2)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    """Return a Swedish one-line summary, e.g. ``2 fel, 1 varning``."""
    items = list(diagnostics)
    errors = sum(1 for d in items if d.level is Level.ERROR)
    warnings = len(items) - errors
    return f"{errors} fel, {warnings} {'varning' if warnings == 1 else 'varningar'}"
