"""The packet's interface types: what goes in (items and their documents), what comes out, and
the error raised when a packet cannot be built."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from beslut import __version__, errors

FRONT_OUTLINE_TITLE = "Kallelse och föredragningslista"
FRONT_STAMP_LABEL = "Kallelse"
SUPPLEMENT_OUTLINE_TITLE = "Tilläggslista"
"""Bookmark (and stamp label) of the tilläggslista, the second front part of a packet."""
PRODUCER = f"beslut {__version__}"


class AssemblyError(errors.AssemblyError):
    """The packet cannot be built; ``str()`` is a Swedish message that names the file."""


@dataclass(frozen=True)
class PacketDocument:
    """One document of an item: a converted paper or an external attachment, as PDF."""

    path: Path
    title: str
    """Bookmark title, e.g. "Tjänsteskrivelse: Direktiv – …" or "Bilaga 1 Programdirektiv"."""
    withheld_notice: str | None = None
    """When set, the document is left out and a notice page with this text stands in for it."""
    inspected: bool = False
    """True for an attachment from the workspace, whose conformance the validate stage already
    reported: it still decides the packet's claim, but the packet does not repeat it."""


@dataclass(frozen=True)
class PacketItem:
    """One agenda item and its documents, in the order of its Beslutsunderlag."""

    number: int
    title: str
    documents: tuple[PacketDocument, ...]
    note: str | None = None
    """Why an item has no documents ("Handlingar lämnas senare"): such an item still gets a
    bookmark in a packet with a kallelse, pointing at the kallelse."""
    supplement: bool = False
    """The item was added by the tilläggslista: a bookmark without documents points at it."""


@dataclass(frozen=True)
class PacketResult:
    """What :func:`assemble_packet` wrote."""

    page_count: int
    item_start_pages: dict[int, int]
    """Item number → 1-based packet page where the item starts; items without documents absent."""
    conformance_problems: tuple[str, ...]
    """Swedish: why the packet is not claimed as PDF/A-2b and PDF/UA-1, one entry per part."""
    warnings: tuple[str, ...]


RESAVE_PDF = (
    "Öppna den i programmet den gjordes i (eller en PDF-läsare) och spara eller exportera den "
    "som PDF igen."
)
"""The fix for a damaged PDF; the PDF library's own (English) message is never shown."""


@contextmanager
def _reading(label: str) -> Iterator[None]:
    """Turn any failure while reading a PDF into an AssemblyError naming it.

    MemoryError is let through: it says nothing about the file.
    """
    try:
        yield
    except MemoryError:
        raise
    except Exception as exc:
        raise AssemblyError(
            f"{label}: PDF-filen är skadad och kan inte läsas. {RESAVE_PDF}"
        ) from exc
