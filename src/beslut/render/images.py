"""Reading an image for a document: PNG and JPEG as they are, SVG rasterised to PNG.

Body figures and the letterhead logo read images here, and ``beslut check`` reads them with the
same function, so a file that passes the check also builds. python-docx cannot embed SVG, so an
SVG is rasterised with ``rsvg-convert`` (Debian package ``librsvg2-bin``, installed by ``make``):
a small command-line program with no Python binding to break, which renders the SVG subset
charts use (text, paths, gradients) faithfully.
"""

from __future__ import annotations

import hashlib
import io
import resource
import shutil
import subprocess
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

_MAX_BYTES = 20 * 1024 * 1024
_SVG_WIDTH_PX = 1800  # about 280 dpi across a 16 cm text column
_SVG_MAX_HEIGHT_PX = 4 * _SVG_WIDTH_PX  # a very tall drawing is fitted into this box
_MAX_PIXELS = 40_000_000
_SVG_TIMEOUT = 60
_SVG_MAX_MEMORY = 1024 * 1024 * 1024
"""Address space rsvg-convert may use: a 1800 × 7200 PNG needs about 50 MB; an SVG made to
fill the memory (nested <use>, huge filters) fails there instead of taking the machine down."""
_CONTENT_TYPES = {"image/png": "image/png", "image/jpeg": "image/jpeg"}


@dataclass(frozen=True)
class LoadedImage:
    """An image ready for python-docx: PNG or JPEG bytes and their size in pixels."""

    data: bytes
    content_type: str
    width_px: int
    height_px: int
    source: Path


class ImageProblem(Exception):
    """Raised with a Swedish, user-facing message (what is wrong with the file and how to fix it)."""


def read_image(path: Path, *, relative_to: str = "filen som använder bilden") -> LoadedImage:
    """Read a PNG, JPEG or SVG file; raise :class:`ImageProblem` when it cannot be used.

    ``relative_to`` says in a message what the path is relative to (a logo's is the workspace).
    """
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImageProblem(
            f"Bilden ”{name}” finns inte. Kontrollera filnamnet (stora och små bokstäver räknas) "
            f"och att sökvägen är relativ till {relative_to}."
        ) from None
    except OSError as exc:
        raise ImageProblem(f"Bilden ”{name}” kan inte läsas ({exc.strerror}).") from None
    if not path.is_file():
        raise ImageProblem(f"”{name}” är ingen fil. Ange en PNG-, JPEG- eller SVG-fil.")
    if size > _MAX_BYTES:
        raise ImageProblem(
            f"Bilden ”{name}” är större än 20 MB. Spara den i lägre upplösning och försök igen."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageProblem(f"Bilden ”{name}” kan inte läsas ({exc.strerror}).") from None
    # Why it is safe: the key is the hash of the file's bytes, read just above, so an edited
    # image is a new key; the path plays no part (the result names its own path). What is kept is
    # what the bytes alone decide: rsvg-convert reads the SVG from stdin (no base folder, so it
    # reads no other file) and _bitmap looks only at the data. Failures are not kept.
    key = hashlib.sha256(data).digest()
    known = _IMAGES.get(key)
    if known is not None:
        return replace(known, source=path)
    loaded = _bitmap(path, _rasterise_svg(path, data) if _looks_like_svg(data) else data)
    _IMAGES.put(key, loaded)
    return loaded


class _ImageCache:
    """Read images (SVG rasterised, bitmaps decoded once) by the hash of the file's bytes.

    Every build reads the letterhead logo for every paper and for the logo check; a long-lived
    process (``watch``, the build service) then rasterises an SVG logo once, not per build.
    The least recently used are dropped beyond ``max_bytes`` of image data.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.held = 0
        self.lock = threading.Lock()
        self.entries: OrderedDict[bytes, LoadedImage] = OrderedDict()
        self.made = 0
        """How many images were read (not found here): for tests."""

    def get(self, key: bytes) -> LoadedImage | None:
        with self.lock:
            loaded = self.entries.get(key)
            if loaded is not None:
                self.entries.move_to_end(key)
            return loaded

    def put(self, key: bytes, loaded: LoadedImage) -> None:
        size = len(loaded.data)
        with self.lock:
            self.made += 1
            if size > self.max_bytes or key in self.entries:
                return
            self.entries[key] = loaded
            self.held += size
            while self.held > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.held -= len(dropped.data)


_IMAGES = _ImageCache()


def _bitmap(path: Path, data: bytes) -> LoadedImage:
    # Imported here: every build and check imports this module, few read an image.
    from docx.image.exceptions import UnrecognizedImageError
    from docx.image.image import Image
    from PIL import Image as PILImage

    name = path.name
    try:
        image = Image.from_blob(data)
        content_type = _CONTENT_TYPES.get(image.content_type)
        width, height = image.px_width, image.px_height
    except UnrecognizedImageError:
        content_type, width, height = None, 0, 0
    except Exception:  # a truncated or damaged header
        raise ImageProblem(
            f"Bilden ”{name}” är skadad och kan inte läsas. Spara om den som PNG eller JPEG."
        ) from None
    if content_type is None:
        if path.suffix.lower() in (".png", ".jpg", ".jpeg"):
            raise ImageProblem(
                f"Bilden ”{name}” är ingen {path.suffix[1:].upper()}-bild: innehållet känns inte "
                "igen, och filen kan vara skadad. Spara om den som PNG eller JPEG."
            )
        raise ImageProblem(
            f"Bilden ”{name}” har ett format som inte stöds. Använd PNG, JPEG eller SVG."
        )
    if width * height > _MAX_PIXELS:
        raise ImageProblem(
            f"Bilden ”{name}” är för stor ({width} × {height} bildpunkter). Spara den i lägre "
            "upplösning, till exempel 2000 bildpunkter bred."
        )
    try:  # decode it whole: a damaged file would print as an empty frame
        with PILImage.open(io.BytesIO(data)) as decoded:
            decoded.load()
    except Exception:
        raise ImageProblem(
            f"Bilden ”{name}” är skadad och kan inte läsas. Spara om den som PNG eller JPEG."
        ) from None
    if width <= 0 or height <= 0:
        raise ImageProblem(
            f"Bilden ”{name}” saknar storlek (0 bildpunkter). Spara om den som PNG eller JPEG."
        )
    return LoadedImage(data, content_type, width, height, path)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg"))
        and b"<svg" in data[:65536].lower()
    )


def _limit_svg_memory() -> None:
    # Runs in the forked child before exec: only a system call, no import (no lock to take).
    resource.setrlimit(resource.RLIMIT_AS, (_SVG_MAX_MEMORY, _SVG_MAX_MEMORY))


def _rasterise_svg(path: Path, data: bytes) -> bytes:
    name = path.name
    program = shutil.which("rsvg-convert")
    if program is None:
        raise ImageProblem(
            f"SVG-bilden ”{name}” kan inte göras om till en bild för Word: programmet "
            "rsvg-convert saknas. Installera det med ”sudo apt-get install librsvg2-bin” "
            "(make gör det), eller spara bilden som PNG."
        )
    try:
        done = subprocess.run(
            [
                program,
                "--format=png",
                f"--width={_SVG_WIDTH_PX}",
                f"--height={_SVG_MAX_HEIGHT_PX}",
                "--keep-aspect-ratio",
            ],
            input=data,
            capture_output=True,
            timeout=_SVG_TIMEOUT,
            check=False,
            preexec_fn=_limit_svg_memory,
        )
    except subprocess.TimeoutExpired:
        raise ImageProblem(
            f"SVG-bilden ”{name}” tog för lång tid att rita. Förenkla den eller spara den som PNG."
        ) from None
    except OSError as exc:
        raise ImageProblem(
            f"SVG-bilden ”{name}” kunde inte ritas: rsvg-convert går inte att köra ({exc.strerror})."
        ) from None
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f" ({detail[-1]})" if detail else ""
        raise ImageProblem(
            f"SVG-bilden ”{name}” är skadad och kan inte ritas{reason}. Öppna den i ett "
            "ritprogram och spara om den, eller spara den som PNG."
        )
    return done.stdout
