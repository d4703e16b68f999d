"""Reading images for the documents (logo in the header, figures in the body).

Minimal version for the letterhead (PNG and JPEG); the figures work replaces this module with
one that also rasterises SVG, behind the same interface.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ImageProblem", "LoadedImage", "read_image"]


@dataclass(frozen=True)
class LoadedImage:
    """An image python-docx can embed."""

    data: bytes
    content_type: str
    width_px: int
    height_px: int
    source: Path


class ImageProblem(Exception):
    """An image cannot be used; the message is Swedish and says how to fix it."""


_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def read_image(path: Path) -> LoadedImage:
    """Read a PNG or JPEG file; raise ImageProblem when it is missing or unreadable."""
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        raise ImageProblem(f"Bildfilen {path.name} finns inte. Kontrollera sökvägen.")
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageProblem(
            f"Bildfilen {path.name} kan inte läsas som PNG eller JPEG (den är skadad eller "
            "har ett annat format). Spara om den som PNG."
        ) from None
    if kind not in _TYPES:
        raise ImageProblem(
            f"Bildfilen {path.name} är {kind or 'i ett okänt format'}; använd PNG eller JPEG."
        )
    if width < 1 or height < 1:
        raise ImageProblem(f"Bildfilen {path.name} är tom (0 bildpunkter).")
    return LoadedImage(data, _TYPES[kind], width, height, path)
