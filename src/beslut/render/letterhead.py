"""Stage 3, render: the letterhead of a paper as template context, and its logo.

What the header says comes from :func:`beslut.model.letterhead.letterhead` (the profile's
resolution order is documented there); this module turns it into the context the templates
loop over (``sidhuvud``, ``metadata``), reads the logo through :mod:`beslut.render.images`
and reports a logo that cannot be used, located at the profile's ``logotyp`` line.

The logo stands in the first page's header only. Headers are artifacts in the tagged PDF
(LibreOffice marks header and footer content as pagination artifacts), and the logo is a
repeated, decorative part of the letterhead whose text (the organisation's name) is in the
document anyway, so an artifact is right; the alt text is still set on the image in the .docx
(``wp:docPr/@descr``) for Word's accessibility checker and screen readers reading the .docx.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from docx.shared import Cm, Emu
from docxtpl import InlineImage

from beslut.diagnostics import Diagnostic, error
from beslut.model.letterhead import Letterhead, format_date, letterhead, page_parts
from beslut.model.models import Case, HeaderField
from beslut.render.images import ImageProblem, LoadedImage, read_image
from beslut.validate.workspace import PROFILE_FILE, Workspace

__all__ = [
    "LOGO_CODE",
    "broken_organs",
    "case_metadata",
    "header_context",
    "logo_image",
    "logo_path",
    "logo_problems",
    "organisation_context",
]

LOGO_CODE = "logotyp-fel"
LOGO_HEIGHT = Cm(1.0)
LOGO_MAX_WIDTH = Cm(8.0)


def organisation_context(head: Letterhead) -> dict[str, Any]:
    """The ``organisation`` context of a paper or kallelse: issuer, förvaltning, footer lines."""
    return {
        "namn": head.organisation,
        "förvaltning": head.administration,
        "adressrader": head.address.lines(),
    }


def header_context(
    head: Letterhead,
    *,
    label: str,
    organ: str,
    date: dt.date,
    number: str | None,
    number_label: str | None = None,
    their_reference: str | None = None,
    date_label: str | None = None,
) -> dict[str, Any]:
    """The ``sidhuvud`` context: the left column's lines, the label and the middle column's
    lines, the page number's text around its fields, and the logo (set by the renderer).

    ``date_label`` replaces the profile's label before the date (the protokoll's date is the
    meeting's: "Sammanträdesdatum")."""
    h = head.header
    left: list[str] = []
    if h.shows(HeaderField.ORGANISATION):
        left.append(head.organisation)
    if h.shows(HeaderField.FORVALTNING) and head.administration:
        left.append(head.administration)
    if h.shows(HeaderField.ORGAN):
        left.append(organ)
    middle: list[str] = []
    date_text = format_date(date, h.date_style)
    if h.shows(HeaderField.DATUM):
        shown_label = h.date_label if date_label is None else date_label
        middle.append(f"{shown_label} {date_text}".strip())
    if h.shows(HeaderField.NUMMER) and number:
        shown = h.number_label if number_label is None else number_label
        middle.append(f"{shown} {number}".strip())
    if h.shows(HeaderField.ER_BETECKNING) and their_reference:
        middle.append(f"Er beteckning {their_reference}")
    before, between, after = page_parts(h.page_style)
    return {
        "vänster": left,
        "etikett": label if h.shows(HeaderField.ETIKETT) else "",
        "höger": middle,
        "datum": date_text,
        "sida": {"före": before, "mellan": between, "efter": after},
        "logotyp": None,
    }


def case_metadata(
    case: Case, head: Letterhead, long_date: str, people: list[dict[str, str]]
) -> list[dict[str, str]]:
    """The body's metadata block under the title (``metadata``): number, their reference,
    date and the people (``render.case.people_lines``), with the profile's labels; empty when
    the profile turns it off."""
    if not head.header.metadata:
        return []
    label = head.header.number_label or "Diarienummer"
    lines = [{"etikett": label, "värde": case.diary_number}]
    if case.their_reference:
        lines.append({"etikett": "Er beteckning", "värde": case.their_reference})
    lines.append({"etikett": "Datum", "värde": long_date})
    lines.extend(people)
    return lines


# --------------------------------------------------------------------------- logo


def logo_path(root: Path, head: Letterhead) -> Path | None:
    """The logo file of a letterhead (None without a logo)."""
    if head.logo is None:
        return None
    return root / head.logo


class _Logo(InlineImage):  # type: ignore[misc]
    """docxtpl's inline image with alt text (``wp:docPr/@descr``)."""

    def __init__(self, tpl: Any, image: LoadedImage, alt: str) -> None:
        height: int = LOGO_HEIGHT
        width: int = Emu(round(height * image.width_px / image.height_px))
        if width > LOGO_MAX_WIDTH:
            width, height = (
                LOGO_MAX_WIDTH,
                Emu(round(LOGO_MAX_WIDTH * image.height_px / image.width_px)),
            )
        super().__init__(tpl, io.BytesIO(image.data), width=width, height=height)
        self.alt = alt

    def _insert_image(self) -> str:
        part = self.tpl.current_rendering_part
        inline = part.new_pic_inline(self.image_descriptor, self.width, self.height)
        inline.docPr.set("descr", self.alt)
        inline.docPr.set("title", self.alt)
        return (
            f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
            '<w:t xml:space="preserve">'
        )


def logo_image(tpl: Any, root: Path, head: Letterhead) -> Any:
    """The logo as an inline image for ``tpl``, or None; raise ImageProblem if unusable."""
    path = logo_path(root, head)
    if path is None:
        return None
    _inside(root, path)
    return _Logo(tpl, read_image(path, relative_to="arbetsytan"), head.logo_alt)


def _inside(root: Path, path: Path) -> None:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise ImageProblem(
            "Filen ligger utanför arbetsytan. Lägg den i arbetsytan, t.ex. i content/bilder/, "
            "och skriv sökvägen relativt till arbetsytan."
        ) from None


def logo_problems(workspace: Workspace) -> list[Diagnostic]:
    """A located error for every logo in the profile that cannot be used (also one no organ
    uses yet), once per ``logotyp`` line."""
    return list(_logo_problems(workspace)[0])


def broken_organs(workspace: Workspace) -> set[str]:
    """The organs whose letterhead has an unusable logo: their papers cannot be built."""
    return _logo_problems(workspace)[1]


def _logo_problems(workspace: Workspace) -> tuple[list[Diagnostic], set[str]]:
    profile = workspace.profile
    if profile is None:
        return [], set()
    declared: list[tuple[tuple[str | int, ...], str]] = []
    if profile.organisation.logo:
        declared.append((("organisation", "logotyp"), profile.organisation.logo))
    declared.extend(
        (("förvaltningar", index, "logotyp"), unit.logo)
        for index, unit in enumerate(profile.administrations)
        if unit.logo
    )
    if not declared:
        return [], set()
    source = _profile_source(workspace)
    problems: dict[tuple[str | int, ...], Diagnostic] = {}
    for key, logo in declared:
        try:
            path = workspace.root / logo
            _inside(workspace.root, path)
            read_image(path, relative_to="arbetsytan")
        except ImageProblem as exc:
            pos = source.positions.find(key) if source else None
            line, column = (pos.line, pos.column) if pos else (1, 1)
            message = f"Logotypen ”{logo}” kan inte användas: {exc}"
            problems[key] = error(PROFILE_FILE.as_posix(), line, column, message, LOGO_CODE)
    broken = {
        organ.id
        for organ in profile.organs
        if letterhead(profile, organ.id, None).logo_key in problems
    }
    return list(problems.values()), broken


def _profile_source(workspace: Workspace) -> Any:
    from beslut.load.source import load_source

    source, _ = load_source(workspace.root / PROFILE_FILE, workspace.root)
    return source
