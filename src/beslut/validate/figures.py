"""Figures in a case body: alt text, width and a readable image file, checked before building.

The image is read with :func:`beslut.render.images.read_image`, the function the build embeds it
with, so a figure that passes ``beslut check`` also builds (a known exception to the import
rules, like ``validate.attachments`` and ``assemble.conformance``).
"""

from __future__ import annotations

import re
from pathlib import Path

from beslut.diagnostics import Diagnostic, error
from beslut.load.source import Source
from beslut.model.outline import BodyOutline, FigureRef
from beslut.render.images import ImageProblem, read_image

FIGURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".svg"})

MSG_NO_ALT = (
    "Bilden ”{src}” saknar alternativtext. Skriv vad bilden visar mellan hakparenteserna, "
    "t.ex. ![Diagram över kostnader per år]({src}); texten läses upp av skärmläsare och "
    "krävs i en tillgänglig handling."
)


def figure_path(ref: FigureRef, case_path: Path, root: Path) -> tuple[Path | None, str | None]:
    """Resolve a figure's file relative to the case file; return (path, Swedish problem)."""
    src = ref.src
    if not src:
        return (
            None,
            "Bilden saknar filnamn. Skriv filen inom parentes: ![Alternativtext](bild.png).",
        )
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE) and not re.match(
        r"^[A-Za-z]:[\\/]", src
    ):
        return None, (
            f"Bilden ”{src}” är en webbadress. Spara bilden i arbetsytan, t.ex. i "
            "content/bilder/, och ange sökvägen relativt till ärendefilen."
        )
    if Path(src).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", src):
        return None, (
            f"Bilden ”{src}” har en absolut sökväg. Ange sökvägen relativt till ärendefilen, "
            "t.ex. ../bilder/diagram.svg, och lägg filen i arbetsytan."
        )
    resolved = (case_path.parent / src).resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        return None, (
            f"Bilden ”{src}” ligger utanför arbetsytan. Lägg filen i arbetsytan, t.ex. i "
            "content/bilder/."
        )
    if resolved.suffix.lower() not in FIGURE_SUFFIXES:
        return None, f"Bilden ”{src}” har ett format som inte stöds. Använd PNG, JPEG eller SVG."
    return resolved, None


def check_figures(source: Source, body: BodyOutline, root: Path) -> list[Diagnostic]:
    """Report figures without alt text, with a bad width or a file that cannot be used."""
    problems: list[Diagnostic] = []
    seen: dict[Path, str | None] = {}
    for ref in body.figures:
        where = (source.rel, ref.line, ref.column)
        if not ref.alt:
            problems.append(
                error(*where, MSG_NO_ALT.format(src=ref.src or "bild.png"), "bild-alt-saknas")
            )
        if ref.width_text is not None and ref.width is None:
            problems.append(
                error(
                    *where,
                    f"Bredden ”{ref.width_text}” kan inte användas. Skriv en andel av textbredden "
                    "eller ett mått, t.ex. {bredd=60%} eller {bredd=8 cm} (högst 100 % eller 30 cm).",
                    "bild-bredd",
                )
            )
        path, problem = figure_path(ref, source.path, root)
        if path is not None and path not in seen:
            try:
                read_image(path)
                seen[path] = None
            except ImageProblem as exc:
                seen[path] = str(exc)
        if path is not None:
            problem = seen[path]
        if problem is not None:
            problems.append(error(*where, problem, "bild-fel"))
    return problems
