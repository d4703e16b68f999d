"""Content checks: sections (to be written)."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from .base import Context


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield findings."""
    yield from ()
