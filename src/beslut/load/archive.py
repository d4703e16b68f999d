"""How much a zip container (.docx, .odt: attachments and Word templates) unpacks to.

A "zip bomb" is a small file whose parts inflate to gigabytes; python-docx, docxtpl and
``zipfile.read`` would hold every part in memory and fail with MemoryError. Python's zipfile
never inflates a member past the size its central directory declares (it stops there and
then fails the CRC check), so adding up the declared sizes before opening the file bounds
what any later reader can unpack. The check reads only the directory at the end of the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_UNPACKED_BYTES = 200_000_000
"""Most a Word or ODT file may unpack to. A 300-page report with pictures unpacks to some
tens of MB (pictures are stored as they are, the XML is a few MB); python-docx holds all of it
in memory, so this also bounds a check's memory for one file."""


def unpacked_size(path: Path) -> int | None:
    """The total size ``path``'s members declare, or None if it is no readable zip file
    (whoever opens it next reports that in their own words)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def too_large(path: Path) -> int | None:
    """The declared unpacked size if it is over :data:`MAX_UNPACKED_BYTES`, else None."""
    size = unpacked_size(path)
    return size if size is not None and size > MAX_UNPACKED_BYTES else None


def megabytes(size: int) -> str:
    """``size`` in MB with a decimal comma, as messages show it (``3 000,0 MB``)."""
    return f"{size / 1_000_000:,.1f}".replace(",", " ").replace(".", ",")
