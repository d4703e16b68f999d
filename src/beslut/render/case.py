"""Stage 3, render: a validated case → .docx through its docxtpl template.

The template supplies letterhead, styles and the generated lists; the Markdown body is inserted
afterwards at the ``{{ brödtext }}`` anchor, so case text is always data and never template code.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe
from docx import Document as docx_document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from beslut import __version__
from beslut.diagnostics import Diagnostic, Level, error
from beslut.errors import TemplateError
from beslut.load.archive import MAX_UNPACKED_BYTES, megabytes, too_large
from beslut.model import decisions, formatting
from beslut.model.letterhead import letterhead
from beslut.model.models import (
    Case,
    ClosingSection,
    DecisionSettings,
    DocumentType,
    Person,
    Profile,
    Proposal,
    SignaturePlace,
)
from beslut.model.typography import hard_spaces
from beslut.render.images import ImageProblem
from beslut.render.letterhead import (
    broken_organs,
    case_metadata,
    header_context,
    logo_image,
    logo_path,
    logo_problems,
    organisation_context,
)
from beslut.render.templating import (
    PartSources,
    Template,
    environment,
    runtime_message,
    syntax_message,
)
from beslut.validate.case_memo import FileStamp, Memo, stamps, text_digest
from beslut.validate.workspace import PROFILE_FILE, TEMPLATES_DIR, CaseDocument, Workspace

if TYPE_CHECKING:
    from beslut.validate.findings_cache import FindingsCache

ANCHOR = "\u2063BESLUT-BRÖDTEXT\u2063"
"""Unique text the ``{{ brödtext }}`` tag renders to; replaced by the converted body."""

POSTSCRIPT_ANCHOR = "\u2063BESLUT-EFTERSKRIFT\u2063"
"""What ``{{ efterskrift }}`` renders to when the case has text after the signatures."""

RESPONSIBLE_LABEL = "Ärendeansvarig chef"
OFFICER_LABEL = "Handläggare"

CONTEXT_KEYS = frozenset(
    {
        "organisation",
        "organ",
        "dokument",
        "rubrik",
        "underrubrik",
        "diarienummer",
        "datum",
        "datum_långt",
        "handläggare",
        "ansvarig",
        "sekretess",
        "förslag",
        "brödtext",
        "beslutsunderlag",
        "bilagor",
        "mottagare",
        "underskrifter",
        "sidhuvud",
        "metadata",
        "er_beteckning",
        "personer",
        "avslutning",
        "efterskrift",
    }
)


REQUIRED_TAGS: dict[DocumentType, tuple[tuple[str, str], ...]] = {
    doc_type: (
        ("rubrik", "{{ rubrik }}, ärendets rubrik"),
        ("diarienummer|sidhuvud", "{{ diarienummer }}, diarienumret"),
        ("förslag", "{% for block in förslag.block %}, beslutspunkterna"),
        ("brödtext", "{{ brödtext }}, ärendets text"),
    )
    for doc_type in DocumentType
}
"""The variables a template must use, per document type (templates_build puts them all in):
(variable, the tag as the user finds it in Word and what it prints). ``a|b``: either will do
(the diarienummer stands in ``sidhuvud`` in today's templates, as ``{{ diarienummer }}`` in
older ones)."""


class RenderError(TemplateError):
    """A case could not be rendered; the message is Swedish and names template and case."""


@dataclass(frozen=True)
class RenderedDocx:
    """A rendered document in memory, with warnings about its body and the files it read."""

    data: bytes
    warnings: tuple[Diagnostic, ...]
    inputs: tuple[Path, ...] = ()
    """Every file rendering read (case, template, profile): the build state records them."""


def template_path(root: Path, profile: Profile, doc_type: DocumentType) -> Path:
    """Return the template file used for a document type."""
    name = profile.type_settings(doc_type).template or f"{doc_type.value}.docx"
    return root / TEMPLATES_DIR / name


def _person(person: Any) -> dict[str, Any] | None:
    if person is None:
        return None
    return {
        "namn": person.name,
        "titel": person.title,
        "telefon": person.phone,
        "epost": person.email,
    }


def _person_line(label: str, person: Person) -> dict[str, str]:
    """``Label: Namn, titel, telefon, e-post``; a title that only repeats the label is left out
    ("Ärendeansvarig chef: Maria Strandberg", not "…, Ärendeansvarig chef")."""
    title = person.title
    if title and title.casefold().strip(" .") in (label.casefold(), f"{label.casefold()}en"):
        title = None
    parts = [person.name, title, person.phone, person.email]
    return {"etikett": label, "värde": hard_spaces(", ".join(p for p in parts if p))}


def people_lines(case: Case, profile: Profile) -> list[dict[str, str]]:
    """The people lines of the body metadata block: the responsible manager, then each
    handläggare (one line each), in that order (as seed 000 prints them)."""
    del profile  # the labels are fixed today; the profile may name them later
    lines = []
    if case.responsible is not None:
        lines.append(_person_line(RESPONSIBLE_LABEL, case.responsible))
    lines.extend(_person_line(OFFICER_LABEL, p) for p in case.officers)
    return lines


@dataclass(frozen=True)
class ProposalPart:
    """One block of a proposal as printed: heading, lead-in and rendered points."""

    heading: str | None
    lead_in: str | None
    points: tuple[decisions.RenderedPoint, ...]
    style: str = "numrerad"
    """The block's style after the profile's default: ``att-satser``, ``numrerad`` …"""
    decider: str | None = None
    """Who decides the block (``beslutande``) when not the case's organ, e.g. a fullmäktige."""


def proposal_parts(case: Case, profile: Profile) -> tuple[str | None, tuple[ProposalPart, ...]]:
    """The proposal's heading and its blocks, each rendered in its own (or the profile's) style.

    Style, punctuation and numbering come from the block, else the proposal, else the profile
    (document type first); the heading from the proposal, else the profile's ``beslut.rubrik``.
    """
    return render_proposal(case.proposal, profile.decision_for(case.doc_type))


def render_proposal(
    proposal: Proposal, settings: DecisionSettings
) -> tuple[str | None, tuple[ProposalPart, ...]]:
    """:func:`proposal_parts` for any proposal (also a protokoll's changed beslut), with the
    decision style ``settings`` of the case's document type (or the profile's)."""
    parts = []
    for _, block in proposal.parts():
        style = (block.style or proposal.style or settings.style).value
        punctuation = (block.punctuation or proposal.punctuation or settings.punctuation).value
        numbered = next(
            (v for v in (block.numbered, proposal.numbered) if v is not None), settings.numbered
        )
        rendered = decisions.render_points(
            [p.text for p in block.points],
            style,
            punctuation,
            numbered=numbered,
            items=[p.items for p in block.points],
        )
        points = tuple(
            decisions.RenderedPoint(
                p.label, hard_spaces(p.text), tuple(hard_spaces(i) for i in p.items)
            )
            for p in rendered
        )
        decider = block.decider or proposal.decider
        parts.append(ProposalPart(block.heading, block.lead_in, points, style, decider))
    heading = proposal.heading or settings.heading
    return heading, tuple(parts)


def proposal_lines(case: Case, profile: Profile) -> list[str]:
    """The proposal as plain lines (the kallelse prints them under each item)."""
    _, parts = proposal_parts(case, profile)
    lines: list[str] = []
    for part in parts:
        lines.extend(x for x in (part.heading, part.lead_in) if x)
        for point in part.points:
            lines.append(hard_spaces(decisions.full_line(point)))
            lines.extend(f"\u2013 {item}" for item in point.items)
    return lines


def _points(points: Iterable[decisions.RenderedPoint]) -> list[dict[str, Any]]:
    return [{"etikett": p.label, "text": p.text, "lista": list(p.items)} for p in points]


def _proposal_context(case: Case, profile: Profile) -> dict[str, Any]:
    heading, parts = proposal_parts(case, profile)
    return {
        "rubrik": heading,
        # Templates older than the blocks print one lead-in and every point.
        "inledning": case.proposal.lead_in or next((p.lead_in for p in parts if p.lead_in), ""),
        "punkter": _points(p for part in parts for p in part.points),
        "block": [
            {"rubrik": part.heading, "inledning": part.lead_in, "punkter": _points(part.points)}
            for part in parts
        ],
    }


def signatures(case: Case, profile: Profile) -> list[Person]:
    """The signatures in the profile's order: the case's (else the profile's default ones),
    sorted by the titles in ``avslutning.underskrifter_ordning``; the rest keep their order."""
    closing = profile.closing_for(case.doc_type)
    people = list(case.signatures or closing.default_signatures)
    order = [t.casefold() for t in closing.signature_order]

    def rank(person: Person) -> int:
        title = (person.title or "").casefold()
        return order.index(title) if title in order else len(order)

    return sorted(people, key=rank)


def _closing_context(case: Case, profile: Profile) -> dict[str, Any]:
    closing = profile.closing_for(case.doc_type)
    after_proposal = closing.signature_place is SignaturePlace.EFTER_FORSLAGET
    sections = [
        s.value
        for s in closing.sections()
        if not (after_proposal and s is ClosingSection.UNDERSKRIFTER)
    ]
    return {
        "ordning": sections,
        "underskrifter_efter_förslaget": after_proposal,
        "beslutsunderlag": closing.basis_list.value,
    }


def context(document: CaseDocument, profile: Profile) -> dict[str, Any]:
    """Return the template context for a case (the keys listed in CONTEXT_KEYS)."""
    case = document.case
    organ = profile.organ(case.organ)
    officer = _person(case.officer) or {"namn": "", "titel": None, "telefon": None, "epost": None}
    closing = profile.closing_for(case.doc_type)
    head = letterhead(profile, case.organ, case.doc_type)
    label = profile.type_settings(case.doc_type).label
    organ_name = organ.name if organ else case.organ
    long_date = formatting.long_date(case.date)
    people = people_lines(case, profile)
    return {
        "organisation": organisation_context(head),
        "sidhuvud": header_context(
            head,
            label=label,
            organ=organ_name,
            date=case.date,
            number=case.diary_number,
            their_reference=case.their_reference,
        ),
        "metadata": case_metadata(case, head, long_date, people),
        "er_beteckning": case.their_reference,
        "organ": {
            "namn": organ_name,
            "kortnamn": organ.short if organ else "",
        },
        "dokument": {
            "etikett": label,
            "typ": case.doc_type.value,
        },
        "rubrik": case.title,
        "underrubrik": case.subtitle,
        "diarienummer": case.diary_number,
        "datum": formatting.iso_date(case.date),
        "datum_långt": long_date,
        "handläggare": officer,
        "ansvarig": _person(case.responsible),
        "personer": [f"{p['etikett']}: {p['värde']}" for p in people],
        "sekretess": (
            {
                "markering": f"SEKRETESS enligt {case.secrecy.provision} OSL",
                "organ": organ.short if organ else case.organ,
                "datum": formatting.iso_date(case.date),
            }
            if case.secrecy
            else None
        ),
        "förslag": _proposal_context(case, profile),
        "brödtext": ANCHOR,
        "beslutsunderlag": list(case.basis),
        "bilagor": [{"nummer": i, "titel": a.title} for i, a in enumerate(case.attachments, 1)],
        "mottagare": {
            "rubrik": case.recipients_heading or closing.recipients_heading,
            "namn": list(case.recipients),
        },
        "underskrifter": [_person(p) for p in signatures(case, profile)],
        "avslutning": _closing_context(case, profile),
        "efterskrift": POSTSCRIPT_ANCHOR if case.postscript else "",
    }


# --------------------------------------------------------------------------- template problems
#
# Every message names the template, the tag or style and the case, in Swedish, and says how to
# fix it. Jinja's own (English) messages are translated; the tag is looked up in the template's
# text so that the user sees what to search for in Word.

_FIX_TAG = "Rätta taggen i mallen; ”beslut mallar” listar mallarnas taggar."
_FIX_STYLE = "Lägg tillbaka formatmallen i Word eller bygg om mallarna med ”beslut mallar --bygg”."
_TEMPLATE_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_WHERE = {"document": "dokumentets text", "header": "sidhuvudet", "footer": "sidfoten"}
_DELIMITER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_UNDEFINED = re.compile(r"^'(?P<name>[^']+)' is undefined$")
_NO_ATTRIBUTE = re.compile(r"^'.*' has no attribute '(?P<name>[^']+)'$", re.DOTALL)
_HEADING_ID = re.compile(r"^(?:heading ?|Heading|Rubrik)(?P<level>[1-9])$")
_TEXT_CACHE: dict[tuple[str, int, int] | tuple[str, bytes], tuple[tuple[str, str], ...]] = {}


def _subject(rel: str, case_rel: str) -> str:
    """``Mallen X, som används för Y,`` – or ``Mallen X`` when no case is involved."""
    return f"Mallen {rel}, som används för {case_rel}," if case_rel else f"Mallen {rel}"


@dataclass(frozen=True)
class _Template:
    """A loaded template with its text (XML removed), for messages and the syntax check."""

    docx: DocxTemplate
    rel: str
    texts: tuple[tuple[str, str], ...]
    """(where, text) for the document body and each header and footer."""

    def find_tag(self, pattern: str) -> str | None:
        """Return the first ``{{ }}``/``{% %}`` tag whose inside matches ``pattern``."""
        for _, text in self.texts:
            for match in _TAG.finditer(text):
                if re.search(pattern, match.group()[2:-2]):
                    return " ".join(match.group().split())
        return None


def _template_texts(
    path: Path, rel: str, case_rel: str, data: bytes | None = None
) -> tuple[tuple[str, str], ...]:
    """The text of a template's body, headers and footers, cached per file version (per
    content when the caller has read the file: ``data``)."""
    key: tuple[str, int, int] | tuple[str, bytes]
    if data is None:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    else:
        key = _content_key(path, data)
    found = _TEXT_CACHE.get(key)
    if found is not None:
        return found
    texts: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as archive:
            names = sorted(n for n in archive.namelist() if _TEMPLATE_PARTS.fullmatch(n))
            if "word/document.xml" not in names:
                raise RenderError(
                    f"{_subject(rel, case_rel)} är ingen giltig Word-fil "
                    "(word/document.xml saknas). Spara om den som .docx i Word eller bygg om "
                    "mallarna med ”beslut mallar --bygg”."
                )
            for name in names:
                xml = archive.read(name).decode("utf-8", errors="replace")
                text = html.unescape(re.sub(r"<[^>]+>", "", xml.replace("</w:p>", "\n")))
                kind = re.sub(r"\d+$", "", name[len("word/") : -len(".xml")])
                texts.append((_WHERE[kind], text))
    except (zipfile.BadZipFile, OSError) as exc:
        why = (
            "filen är inte ett zip-arkiv, vilket en .docx-fil är"
            if isinstance(exc, zipfile.BadZipFile)
            else "filen kunde inte läsas"
        )
        raise RenderError(
            f"{_subject(rel, case_rel)} är ingen giltig Word-fil ({why}). "
            "Spara om den som .docx i Word eller bygg om mallarna med ”beslut mallar --bygg”."
        ) from None
    result = tuple(texts)
    if len(_TEXT_CACHE) > 64:
        _TEXT_CACHE.clear()
    _TEXT_CACHE[key] = result
    return result


def _syntax_problem(template: _Template, case_rel: str) -> str | None:
    """Unbalanced tag delimiters, which docxtpl would otherwise silently swallow.

    docxtpl joins everything from ``{{`` to the next ``}}`` before Jinja sees it, so a tag with
    a missing brace can eat whole paragraphs without any error; catch that here.
    """
    for where, text in template.texts:
        opened: tuple[int, str] | None = None
        problem: tuple[int, int, str] | None = None
        for match in _DELIMITER.finditer(text):
            token = match.group()
            if token in _CLOSING:
                if opened is not None:
                    problem = (
                        opened[0],
                        match.start(),
                        f"taggen avslutas inte med ”{_CLOSING[opened[1]]}”",
                    )
                    break
                opened = (match.start(), token)
            elif opened is None:
                start = max(text.rfind("\n", 0, match.start()) + 1, match.start() - 40)
                problem = (start, match.end(), f"”{token}” avslutar en tagg som aldrig började")
                break
            elif token != _CLOSING[opened[1]]:
                problem = (
                    opened[0],
                    match.end(),
                    f"taggen börjar med ”{opened[1]}” men slutar med ”{token}”",
                )
                break
            else:
                opened = None
        if problem is None and opened is not None:
            problem = (opened[0], len(text), f"taggen avslutas aldrig med ”{_CLOSING[opened[1]]}”")
        if problem is not None:
            start, end, what = problem
            tag = text[start:end].split("\n", 1)[0].rstrip()
            if len(tag) > 60:
                tag = tag[:60] + "…"
            return (
                f"{_subject(template.rel, case_rel)} har ett syntaxfel i taggen "
                f"”{tag}” i {where}: {what}. Rätta taggen i mallen: varje {{{{ ska avslutas "
                "med }} och varje {% med %}."
            )
    return None


def _unknown_variable(template: _Template, case_rel: str, name: str) -> str:
    tag = template.find_tag(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    where = f" i taggen ”{tag}”" if tag else ""
    return (
        f"{_subject(template.rel, case_rel)} använder variabeln ”{name}”{where}, "
        f"men den finns inte i ärendets data. Rätta taggen i mallen; tillgängliga variabler: "
        f"{', '.join(sorted(CONTEXT_KEYS))}."
    )


def _unknown_field(template: _Template, case_rel: str, name: str, data: dict[str, Any]) -> str:
    field = re.escape(name)
    tag = template.find_tag(rf"\.{field}(?!\w)|\[\s*['\"]{field}['\"]\s*\]")
    owner = re.search(rf"([\w.]+)\.{field}(?!\w)", tag or "")
    where = f" i taggen ”{tag}”" if tag else ""
    if owner is None:
        return (
            f"{_subject(template.rel, case_rel)} använder fältet ”{name}”{where}, "
            f"men det finns inte i ärendets data. {_FIX_TAG}"
        )
    path = owner.group(1)
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    fields = (
        f" Fälten i ”{path}” är: {', '.join(sorted(value))}."
        if isinstance(value, dict) and value
        else ""
    )
    return (
        f"{_subject(template.rel, case_rel)} använder ”{path}.{name}”{where}, "
        f"men ”{path}” har inget fält ”{name}”. Rätta taggen i mallen.{fields}"
    )


def _template_problem(
    exc: Exception, template: _Template, case_rel: str, data: dict[str, Any]
) -> str:
    rel = template.rel
    if isinstance(exc, jinja2.UndefinedError):
        message = exc.message or ""
        undefined = _UNDEFINED.match(message)
        if undefined:
            return _unknown_variable(template, case_rel, undefined.group("name"))
        attribute = _NO_ATTRIBUTE.match(message)
        if attribute:
            return _unknown_field(template, case_rel, attribute.group("name"), data)
        return (
            f"{_subject(rel, case_rel)} använder ett värde som inte finns i "
            f"ärendets data. {_FIX_TAG}"
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        found = _syntax_location(template)
        where = f" i taggen ”{found[0]}” i {found[1]}" if found else " i en tagg"
        return (
            f"{_subject(rel, case_rel)} har ett syntaxfel{where}: {syntax_message(exc)} "
            "Rätta taggen i mallen."
        )
    return _runtime_problem(exc, rel, case_rel)


def template_error_message(path: Path, rel: str, exc: Exception, used_for: str) -> str:
    """A Swedish sentence for a template that fails for something other than a case (the
    kallelse): a syntax error names the tag, anything else says what kind of problem it is."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        template = _Template(Template(str(path)), rel, _template_texts(path, rel, used_for))
        return _template_problem(exc, template, used_for, {})
    if isinstance(exc, jinja2.UndefinedError):
        name = _UNDEFINED.match(exc.message or "") or _NO_ATTRIBUTE.match(exc.message or "")
        what = f" ”{name.group('name')}”" if name else ""
        return (
            f"{_subject(rel, used_for)} använder ett värde{what} som inte finns i "
            f"{used_for}s data. {_FIX_TAG}"
        )
    return _runtime_problem(exc, rel, used_for)


def _runtime_problem(exc: Exception, rel: str, case_rel: str) -> str:
    """A template that fails while filling in: beslut's own filters explain themselves in
    Swedish; anything else (Jinja's English) gets a generic Swedish sentence."""
    subject = _subject(rel, case_rel)
    known = runtime_message(exc) if isinstance(exc, jinja2.TemplateError) else None
    if known is not None:
        return f"{subject} kunde inte fyllas i: {known} Rätta taggen i mallen."
    if isinstance(exc, ValueError | TypeError) and _SWEDISH_FILTER_ERROR.match(str(exc)):
        return f"{subject} kunde inte fyllas i: {exc} Rätta taggen i mallen eller värdet i filen."
    return (
        f"{subject} kunde inte fyllas i: en tagg använder ett värde på ett sätt som inte går "
        f"(till exempel räknar med en text eller anropar något som inte är en funktion). {_FIX_TAG}"
    )


_SWEDISH_FILTER_ERROR = re.compile(r"^(Kan inte|Ogiltig|Okänd|Talet|Antalet)")
_DOCXTPL_PREFIX = re.compile(r"(\{[{%])(?:p|tr|tc|r)(?=\s)")


_UNKNOWN_TAG = re.compile(r"^Encountered unknown tag '(\w+)'")
_UNCLOSED = re.compile(r"^Unexpected end of template.*closed is '(\w+)'", re.DOTALL)


def _open_block(text: str, block: str) -> list[str]:
    """The opening tag of the ``block`` (if, for) that is never closed, as a one-item list."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        inside = match.group()[2:-2].strip("-+ \t\n")
        if match.group().startswith("{%") and re.match(rf"{block}\b", inside):
            stack.append(match.group())
        elif match.group().startswith("{%") and re.match(rf"end{block}\b", inside) and stack:
            stack.pop()
    return stack[-1:]


def _syntax_location(template: _Template) -> tuple[str, str] | None:
    """The tag and part (body, header, footer) that Jinja stumbles on.

    docxtpl gives Jinja the whole XML, so Jinja's line number means nothing to a Word user;
    instead each part's text (one line per paragraph) is parsed again on its own, and the tag
    on the line Jinja names is shown. A mistake in a single tag is found by parsing that tag
    alone; an unclosed block is shown by its opening tag.
    """
    env = environment()
    for where, text in template.texts:
        plain = _DOCXTPL_PREFIX.sub(r"\1", text)
        try:
            env.compile(plain)  # compiling also finds unknown filters
        except jinja2.TemplateSyntaxError as exc:
            lines = plain.split("\n")
            line = lines[min(max(exc.lineno, 1), len(lines)) - 1]
            tags = [m.group() for m in _TAG.finditer(line)]
            unclosed = _UNCLOSED.search(exc.message or "")
            unknown = _UNKNOWN_TAG.search(exc.message or "")
            if unclosed:
                tags = _open_block(plain, unclosed.group(1)) or tags
            elif unknown:
                name = unknown.group(1)
                tags = [t for t in tags if re.match(rf"\{{%-?\s*{name}\b", t)] or tags
            for tag in tags:
                if tag.startswith("{{"):
                    try:
                        env.compile(tag)
                    except jinja2.TemplateSyntaxError:
                        return " ".join(tag.split()), where
            if tags:
                return " ".join(tags[0].split()), where
            return None
    return None


def _style_label(style: str) -> str:
    """A style, quoted, as the user finds it in Word (headings also by their Swedish name)."""
    heading = _HEADING_ID.match(style)
    if heading:
        level = heading.group("level")
        return f"”heading {level}” (Rubrik {level} i svensk Word)"
    return f"”{style}”"


def _missing_styles(docx: Any) -> list[str]:
    """Style ids the rendered template refers to but its styles part does not define."""
    style_id = qn("w:styleId")
    defined = {s.get(style_id) for s in docx.styles.element.iterchildren(qn("w:style"))}
    roots = [docx.element.body]
    for rel in docx.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            element = getattr(rel.target_part, "element", None)
            if element is not None:
                roots.append(element)
    missing: list[str] = []
    val = qn("w:val")
    tags = [qn(tag) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")]
    for root in roots:
        for tag in tags:
            for ref in root.iter(tag):
                style = ref.get(val)
                if style and style not in defined and style not in missing:
                    missing.append(style)
    return missing


def _missing_style_message(rel: str, case_rel: str, styles: list[str], need: str) -> str:
    names = [_style_label(s) for s in styles]
    if len(names) == 1:
        what = f"formatmallen {names[0]}"
    else:
        what = f"formatmallarna {', '.join(names[:-1])} och {names[-1]}"
    return f"{_subject(rel, case_rel)} saknar {what}, {need}. {_FIX_STYLE}"


_DOCXTPL_ESCAPES = re.compile(r"[{%}]_")


def _as_data(value: Any) -> Any:
    """Protect case text from docxtpl's escape sequences.

    After rendering, docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}`` anywhere in the XML into
    ``{{``, ``}}``, ``{%`` and ``%}`` (its way of writing literal tags in a template). Text from a
    case that contains them is passed pre-escaped, with the underscore as a character reference
    that the XML parser turns back into ``_`` after docxtpl's replacement has run.
    """
    if isinstance(value, str) and _DOCXTPL_ESCAPES.search(value):
        escaped = str(markupsafe.escape(value))
        return markupsafe.Markup(_DOCXTPL_ESCAPES.sub(lambda m: f"{m.group()[0]}&#95;", escaped))
    if isinstance(value, dict):
        return {key: _as_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_data(item) for item in value]
    return value


_PARSED: dict[tuple[str, bytes], tuple[Any, PartSources]] = {}
"""Parsed templates (python-docx documents, never rendered) and the XML text docxtpl renders
of them, by path and content digest."""


def _parsed_template(path: Path, data: bytes | None = None) -> tuple[Any, PartSources]:
    """A fresh python-docx document of the template at ``path``, for one render, and the XML
    text of its parts (the same for every copy: :class:`~beslut.render.templating.PartSources`).

    Opening a .docx (unzip, parse every XML part) cost about a sixth of rendering a case; a
    deep copy of the document parsed once (:func:`_copy_document`) is about three times as fast
    and gives the same document.
    The cache is keyed by the file's content, so an edited template is read again.
    ``data`` is the file's content when the caller has read it.
    """
    if data is None:
        data = path.read_bytes()
    key = _content_key(path, data)
    found = _PARSED.get(key)
    if found is None:
        pristine = docx_document(io.BytesIO(data))
        found = (pristine, PartSources.of(pristine))
        if len(_PARSED) > 16:
            _PARSED.clear()
        _PARSED[key] = found
    return _copy_document(found[0]), found[1]


_SHARED = frozenset({str, bytes, int, float, bool, type(None), PackURI})
"""Immutable values a copy shares with the original (``copy.deepcopy`` shares all but PackURI,
a ``str`` that python-docx never changes)."""
_PLAIN: dict[type, bool] = {}


def _plain(cls: Any) -> bool:
    """Whether ``copy.deepcopy`` copies instances of ``cls`` as a new object with a deep copy of
    its ``__dict__`` (and, for a ``dict`` subclass, its items): a python-docx class without
    copying hooks or slots."""
    found = _PLAIN.get(cls)
    if found is None:
        found = (
            cls.__module__.startswith("docx.")
            and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__
            and getattr(cls, "__deepcopy__", None) is None
            and getattr(cls, "__setstate__", None) is None
            and cls.__getstate__ is object.__getstate__
            and not any(vars(k).get("__slots__") for k in cls.__mro__)
            and (not issubclass(cls, dict) or cls.__setitem__ is dict.__setitem__)
            and not issubclass(cls, list | set | tuple | etree._Element)
        )
        _PLAIN[cls] = found
    return found


def _copy_document(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy`` of a python-docx document, the same copy made faster.

    A python-docx document is a few hundred plain objects, dicts and lists around lxml trees;
    ``copy.deepcopy`` goes through the generic ``__reduce_ex__`` protocol for each, which cost
    half of copying a template. Here plain python-docx objects (see :func:`_plain`), dicts and
    lists are copied directly, lxml elements by lxml's own deep copy, and anything else by
    ``copy.deepcopy`` with the same memo, so shared objects stay shared as deepcopy keeps them.
    """
    cls: Any = type(value)
    if cls in _SHARED:
        return value
    if memo is None:
        memo = {}
    found = memo.get(id(value))
    if found is not None:
        return found
    if cls is dict:
        new_dict: dict[Any, Any] = {}
        memo[id(value)] = new_dict
        for key, item in value.items():
            new_dict[key] = _copy_document(item, memo)
        return new_dict
    if cls is list:
        new_list: list[Any] = []
        memo[id(value)] = new_list
        new_list.extend([_copy_document(item, memo) for item in value])
        return new_list
    if isinstance(value, etree._Element):
        element = copy.deepcopy(value)
        memo[id(value)] = element
        return element
    if _plain(cls):
        new = cls.__new__(cls)
        memo[id(value)] = new
        state = new.__dict__
        for key, item in value.__dict__.items():
            state[key] = _copy_document(item, memo)
        if isinstance(value, dict):
            for key, item in value.items():
                new[_copy_document(key, memo)] = _copy_document(item, memo)
        return new
    return copy.deepcopy(value, memo)


def _content_key(path: Path, data: bytes) -> tuple[str, bytes]:
    return (str(path), hashlib.blake2b(data, digest_size=16).digest())


_SOUND: dict[tuple[str, bytes], tuple[tuple[str, str], ...]] = {}
"""Templates (by path and content digest) that passed the checks of :func:`_load_template`
that depend only on the file (not too large unpacked, readable, balanced tags), with their
text: a template used again is not opened as a zip file and scanned again."""


def refuse_zip_bomb(path: Path, rel: str, case_rel: str) -> None:
    """Raise RenderError for a template that unpacks to more than beslut reads: docxtpl holds
    every part in memory, so a "zip bomb" would end the process with MemoryError."""
    unpacked = too_large(path)
    if unpacked is not None:
        raise RenderError(
            f"{_subject(rel, case_rel)} packas upp till {megabytes(unpacked)} MB; beslut läser "
            f"mallar som packas upp till högst {MAX_UNPACKED_BYTES // 1_000_000} MB. Filen är "
            "trasig: bygg om mallarna med ”beslut mallar --bygg”, eller öppna mallen i Word "
            "och spara den igen."
        )


def _load_template(path: Path, rel: str, case_rel: str) -> _Template:
    if not path.is_file():
        raise RenderError(
            f"Mallen {rel} saknas (behövs för {case_rel}). Bygg mallarna med ”beslut mallar --bygg”."
        )
    try:
        data: bytes | None = path.read_bytes()
    except OSError:  # reported below, in the words of the check that meets it
        data = None
    key = None if data is None else _content_key(path, data)
    texts = _SOUND.get(key) if key is not None else None
    if texts is None:
        refuse_zip_bomb(path, rel, case_rel)
        texts = _template_texts(path, rel, case_rel, data)
    template = _Template(Template(str(path)), rel, texts)
    try:
        template.docx.docx, template.docx.sources = _parsed_template(path, data)
        template.docx.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise RenderError(
            f"{_subject(rel, case_rel)} är ingen giltig Word-fil (delar av filen saknas eller är "
            "trasiga). "
            "Spara om den som .docx i Word eller bygg om mallarna med ”beslut mallar --bygg”."
        ) from None
    if key is not None and key in _SOUND:
        return template
    problem = _syntax_problem(template, case_rel)
    if problem is not None:
        raise RenderError(problem)
    if key is not None:
        if len(_SOUND) > 64:
            _SOUND.clear()
        _SOUND[key] = texts
    return template


def render_case(document: CaseDocument, profile: Profile, root: Path) -> RenderedDocx:
    """Render one case to .docx bytes; raise RenderError with a Swedish message."""
    case = document.case
    path = template_path(root, profile, case.doc_type)
    rel = f"{TEMPLATES_DIR}/{path.name}"
    template = _load_template(path, rel, document.rel)
    tpl = template.docx
    data = _as_data(context(document, profile))
    head = letterhead(profile, case.organ, case.doc_type)
    try:
        data["sidhuvud"]["logotyp"] = logo_image(tpl, root, head)
    except ImageProblem as exc:
        raise RenderError(
            f"Logotypen i {PROFILE_FILE.as_posix()} kan inte användas: {exc}"
        ) from None
    try:
        tpl.render(data, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, ValueError, TypeError) as exc:
        raise RenderError(_template_problem(exc, template, document.rel, data)) from None
    docx = tpl.docx
    missing = _missing_styles(docx)
    if missing:
        raise RenderError(
            _missing_style_message(rel, document.rel, missing, "som mallens stycken använder")
        )
    anchor = _paragraph_with(docx, ANCHOR)
    if anchor is None:
        raise RenderError(
            f"Mallen {rel} saknar taggen {{{{ brödtext }}}} i ett eget stycke; "
            f"brödtexten i {document.rel} har ingenstans att stå."
        )
    from beslut.render.markdown_docx import MissingStyleError, insert_markdown

    tables = {t.id: t for t in case.tables}
    images, image_problems = _figure_images(document, root)
    try:
        body_warnings = insert_markdown(
            docx,
            anchor,
            document.body,
            tables=tables,
            line_offset=document.source.body_offset,
            images=images,
        )
    except MissingStyleError as exc:
        raise RenderError(
            _missing_style_message(
                rel,
                document.rel,
                [exc.style],
                f"som behövs för rubriken på rad {exc.line} i {document.rel}",
            )
        ) from None
    if case.postscript:
        body_warnings = [*body_warnings, *_insert_postscript(docx, document, rel, tables)]
    _set_metadata(docx, document)
    buffer = io.BytesIO()
    docx.save(buffer)
    return RenderedDocx(
        buffer.getvalue(),
        (
            *image_problems,
            *(
                _located(w, document)
                for w in body_warnings
                if not (w.code == "bild-fel" and w.line in {p.line for p in image_problems})
            ),
        ),
        inputs=(
            document.source.path,
            path,
            root / PROFILE_FILE,
            *sorted({image.source for image in images.values()}),
            *_logo_inputs(root, head),
        ),
    )


def _figure_images(document: CaseDocument, root: Path) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Read the images of the body's figures, by address as written; they are inputs of the
    paper, so an edited image rebuilds it. An image that cannot be read (``beslut check``
    reports it first; here it changed since) is a located error, which fails the paper."""
    from beslut.render.images import ImageProblem, read_image
    from beslut.validate.figures import figure_path

    images: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for ref in document.outline.figures:
        if ref.src in images:
            continue
        file, problem = figure_path(ref, document.source.path, root)
        try:
            if file is None:
                raise ImageProblem(problem or "")
            images[ref.src] = read_image(file)
        except ImageProblem as exc:
            problems.append(error(document.rel, ref.line, ref.column, str(exc), "bild-fel"))
    return images, problems


def _logo_inputs(root: Path, head: Any) -> tuple[Path, ...]:
    """The logo is an input of the papers it stands on: an edited logo rebuilds them."""
    path = logo_path(root, head)
    return () if path is None else (path,)


def _insert_postscript(
    docx: Any, document: CaseDocument, rel: str, tables: dict[str, Any]
) -> list[Any]:
    """Put the case's ``efterskrift`` (Markdown) where the template prints ``{{ efterskrift }}``;
    a template without that tag gets it at the end of the body."""
    from beslut.render.markdown_docx import MissingStyleError, insert_markdown

    case = document.case
    assert case.postscript is not None
    anchor = _paragraph_with(docx, POSTSCRIPT_ANCHOR)
    if anchor is None:  # an older template: add a paragraph at the end of the body
        anchor = docx.add_paragraph(POSTSCRIPT_ANCHOR)
    line = document.source.positions.find(("efterskrift",)).line
    try:
        return list(insert_markdown(docx, anchor, case.postscript, tables=tables, line_offset=line))
    except MissingStyleError as exc:
        raise RenderError(
            _missing_style_message(
                rel, document.rel, [exc.style], f"som behövs för efterskriften i {document.rel}"
            )
        ) from None


def _paragraph_with(docx: Any, marker: str) -> Any:
    """The first paragraph of the body whose text contains ``marker`` (an anchor), or None.

    A paragraph's text is made of its ``w:t`` texts (and tabs and breaks), so one whose raw
    text lacks the marker's first character cannot hold it: only the few that have it are
    asked for their text (which python-docx works out run by run).
    """
    first = marker[0]
    for paragraph in docx.paragraphs:
        raw = etree.tostring(paragraph._p, method="text", encoding="unicode")
        if first in raw and marker in paragraph.text:
            return paragraph
    return None


def _located(warning: Any, document: CaseDocument) -> Diagnostic:
    from beslut.diagnostics import warning as make_warning

    return make_warning(document.rel, warning.line, warning.column, warning.message, warning.code)


def _set_metadata(docx: Any, document: CaseDocument) -> None:
    case = document.case
    props = docx.core_properties
    props.title = case.title
    props.subject = case.diary_number
    author = case.officer.name if case.officer else ""
    props.author = author
    props.last_modified_by = author
    props.language = "sv-SE"
    props.keywords = case.doc_type.value
    created = dt.datetime.combine(case.date, dt.time(0, 0))
    props.created = created
    props.modified = created
    props.revision = 1


def template_tags(root: Path) -> dict[str, list[str]]:
    """Return the variables each readable template in templates/ uses (see inspect_templates)."""
    return inspect_templates(root)[0]


def _static_problems(
    template: _Template, case_rel: str, doc_type: DocumentType | None = None
) -> list[tuple[str, str]]:
    """(message, code) for variables a template uses that no case has (also in branches a case
    does not reach) and for the tags its document type needs that it lacks (REQUIRED_TAGS)."""
    try:
        used = set(template.docx.get_undeclared_template_variables(environment()))
    except jinja2.TemplateError as exc:
        raise RenderError(_template_problem(exc, template, case_rel, {})) from None
    problems = [
        (_unknown_variable(template, case_rel, name), "okänd-mallvariabel")
        for name in sorted(used - CONTEXT_KEYS)
    ]
    required = REQUIRED_TAGS[doc_type] if doc_type is not None else ()
    for name, shown in required:
        if not used.intersection(name.split("|")) and doc_type is not None:
            problems.append(
                (
                    f"Mallen {template.rel} saknar taggen {shown}. Varje {doc_type.value} "
                    "behöver den; utan den skulle handlingen bli ofullständig. Lägg tillbaka "
                    "taggen i mallen (”beslut mallar” listar taggarna i de andra mallarna) eller "
                    "bygg om mallarna med ”beslut mallar --bygg”.",
                    "mall-saknar-tagg",
                )
            )
    return problems


def template_rel(root: Path, profile: Profile, doc_type: DocumentType) -> str:
    """Return the workspace-relative path of the template a document type uses."""
    return f"{TEMPLATES_DIR}/{template_path(root, profile, doc_type).name}"


def broken_templates(diagnostics: Iterable[Diagnostic]) -> set[str]:
    """Return the templates (``templates/x.docx``) that have an error among ``diagnostics``.

    The build must not render a case whose template is broken: the problem is reported once,
    at the template, by ``check_templates``.
    """
    prefix = f"{TEMPLATES_DIR}/"
    return {d.path for d in diagnostics if d.level is Level.ERROR and d.path.startswith(prefix)}


def inspect_templates(root: Path) -> tuple[dict[str, list[str]], list[Diagnostic]]:
    """Every template's variables (``beslut mallar``), and a located error for each template
    that cannot be read or has a broken tag; a template named after a document type is also
    checked for the tags that type needs."""
    tags: dict[str, list[str]] = {}
    problems: list[Diagnostic] = []
    types = {f"{t.value}.docx": t for t in DocumentType}
    for path in sorted((root / TEMPLATES_DIR).glob("*.docx")):
        if path.name.startswith("~$"):
            continue
        rel = f"{TEMPLATES_DIR}/{path.name}"
        try:
            template = _load_template(path, rel, "")
            found = _static_problems(template, "", types.get(path.name))
            if path.name.startswith(MEETING_STEMS):  # a meeting's templates have their own data
                found = [f for f in found if f[1] != "okänd-mallvariabel"]
            problems.extend(error(rel, 1, 1, message, code) for message, code in found)
            used = template.docx.get_undeclared_template_variables(environment())
            tags[path.name] = sorted(used)
        except RenderError as exc:
            problems.append(error(rel, 1, 1, str(exc), "mallfel"))
    return tags, problems


KALLELSE_STEM = "kallelse"
MEETING_STEMS = (KALLELSE_STEM, "protokoll", "tilläggslista", "ändringar")
"""Templates whose names start so are a meeting's (kallelse, protokoll, protokollsutdrag,
tilläggslista, ändringar)."""


def template_problems(workspace: Workspace) -> list[Diagnostic]:
    """Check, without rendering, every template the cases need: a Word file, balanced tags,
    valid Jinja, only known variables and every tag its document type needs (REQUIRED_TAGS).

    Each problem is reported once, at the template (``templates/x.docx:1:1``), naming the first
    case that uses it. Cheap enough for every build: ``broken_templates`` of the result are the
    templates whose cases must not be rendered.
    """
    if workspace.profile is None:
        return []
    from beslut.validate.findings_cache import FindingsCache, entry_key, settings_key

    problems: list[Diagnostic] = logo_problems(workspace)
    checked: set[Path] = set()
    # Parsing a template and asking docxtpl for its variables costs ~0.1 s per template, every
    # build: the findings are cached on disk under the template's bytes (nothing else is read).
    settings = settings_key(TEMPLATE_CACHE, workspace.profile.model_dump_json())
    cache = FindingsCache(workspace.root, TEMPLATE_CACHE)
    for document in workspace.cases:
        path = template_path(workspace.root, workspace.profile, document.case.doc_type)
        if path in checked:
            continue
        checked.add(path)
        compute = partial(_template_findings, path, document.rel, document.case.doc_type)
        try:
            content = path.read_bytes()
        except OSError:  # missing or unreadable: reported by _load_template, never cached
            problems.extend(compute())
            continue
        kind = document.case.doc_type.value
        key = entry_key(settings, path.name, document.rel, kind, content)
        problems.extend(cache.get(key, compute))
    cache.save()
    return problems


TEMPLATE_CACHE = "mallar"
"""The disk cache of the templates' static problems (``.beslut-cache/fynd/mallar.json``)."""


def _template_findings(path: Path, case_rel: str, doc_type: DocumentType) -> list[Diagnostic]:
    """The static problems of one template, named after the first case that uses it."""
    rel = f"{TEMPLATES_DIR}/{path.name}"
    try:
        template = _load_template(path, rel, case_rel)
        static = _static_problems(template, case_rel, doc_type)
        return [error(rel, 1, 1, message, code) for message, code in static]
    except RenderError as exc:
        return [error(rel, 1, 1, str(exc), "mallfel")]


def check_templates(workspace: Workspace) -> list[Diagnostic]:
    """Check every template the cases need (``template_problems``), then render every valid
    case whose template is sound, to find what only rendering shows (missing styles, fields).

    A template problem is reported once, at the template, naming the first case it broke; the
    warnings about each case's body (unsupported Markdown) are reported at the case file.
    What rendering one case found is kept in memory (``_RENDER_CHECKS``): after an edit only
    the edited case, or every case of an edited template, is rendered again.
    """
    if workspace.profile is None:
        return []
    failing = {d.path for d in workspace.diagnostics if d.level is Level.ERROR}
    problems = template_problems(workspace)
    broken = broken_templates(problems)
    no_logo = broken_organs(workspace)
    from beslut.validate.findings_cache import FindingsCache, settings_key

    profile_json = workspace.profile.model_dump_json()
    run = _RenderRun(
        workspace.root,
        workspace.profile,
        text_digest(profile_json),
        settings_key(RENDER_CACHE, profile_json),
        FindingsCache(workspace.root, RENDER_CACHE),
    )
    for document in workspace.cases:
        rel = template_rel(workspace.root, workspace.profile, document.case.doc_type)
        if rel in broken or document.rel in failing or document.case.organ in no_logo:
            continue
        found = run.check(document)
        problems.extend(found.warnings)
        if found.template_error is not None:
            broken.add(rel)
            problems.append(found.template_error)
    run.disk.save()
    return problems


RENDER_CACHE = "utskrift"
"""The disk cache of what rendering each case found (``.beslut-cache/fynd/utskrift.json``)."""


@dataclass(frozen=True)
class RenderCheck:
    """What rendering one case showed: its warnings, or the error that stopped it (reported
    at the template, ``templates/x.docx:1:1``, naming the case)."""

    warnings: tuple[Diagnostic, ...]
    template_error: Diagnostic | None
    disk_key: str = ""
    """Its key in the disk cache (``RENDER_CACHE``)."""


_RENDER_CHECKS: Memo[RenderCheck] = Memo()
"""What rendering each case found, in this process (``check_templates``). One slot per
(workspace, case file); an entry is reused only when all of these are unchanged:

* the case file's path in the workspace and the SHA-256 of its text (the case model, its
  outline and positions are made from that text and the profile);
* the profile (SHA-256 of the validated profile as JSON: the letterhead, labels, closings and
  the template each document type uses);
* the SHA-256 of the template's bytes (read again on every check, once per template);
* beslut's version (the code cannot change under a running process);
* every other file rendering reads: the figure images the body names and the letterhead's logo,
  each stamped (resolved path, device, inode, size, mtime, ctime, or missing) *before* it is
  read, as ``validate.case_memo`` does.

Below it, the disk cache ``RENDER_CACHE`` (``validate.findings_cache``) keeps the same results
for the next process (``beslut check`` run again), under a SHA-256 of the same things with the
code fingerprint instead of the version.
"""


def _encode_check(found: RenderCheck) -> dict[str, Any]:
    from beslut.validate.findings_cache import encode_findings

    error_ = [] if found.template_error is None else [found.template_error]
    return {"varningar": encode_findings(found.warnings), "mallfel": encode_findings(error_)}


def _decode_check(raw: Any, disk_key: str) -> RenderCheck | None:
    from beslut.validate.findings_cache import decode_findings

    if not isinstance(raw, dict):
        return None
    warnings = decode_findings(raw.get("varningar"))
    errors = decode_findings(raw.get("mallfel"))
    if warnings is None or errors is None or len(errors) > 1:
        return None
    return RenderCheck(tuple(warnings), errors[0] if errors else None, disk_key)


@dataclass
class _RenderRun:
    """One ``check_templates``: the settings every case shares, and the disk cache."""

    root: Path
    profile: Profile
    profile_key: str
    settings: str
    disk: FindingsCache
    digests: dict[Path, str] = field(default_factory=dict)

    def _digest(self, path: Path) -> str:
        if path not in self.digests:
            try:
                self.digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self.digests[path] = "-"  # missing or unreadable: the render reports it
        return self.digests[path]

    def check(self, document: CaseDocument) -> RenderCheck:
        """Render one case (see ``_RENDER_CHECKS``), or reuse what rendering it found."""
        from beslut.validate.findings_cache import entry_key

        case = document.case
        root, profile = self.root, self.profile
        template = template_path(root, profile, case.doc_type)
        template_digest = self._digest(template)
        key = (
            __version__,
            str(root),
            document.rel,
            text_digest(document.source.text),
            self.profile_key,
            str(template),
            template_digest,
        )

        def render() -> RenderCheck:
            try:
                return RenderCheck(tuple(render_case(document, profile, root).warnings), None)
            except RenderError as exc:
                rel = f"{TEMPLATES_DIR}/{template.name}"
                return RenderCheck((), error(rel, 1, 1, str(exc), "mallfel"))

        def compute() -> tuple[RenderCheck, list[Diagnostic], tuple[tuple[Path, FileStamp], ...]]:
            # stamped before rendering reads them: a file replaced meanwhile is never kept as read
            read = [document.source.path.parent / ref.src for ref in document.outline.figures]
            logo = logo_path(root, letterhead(profile, case.organ, case.doc_type))
            files = stamps([*read, *([] if logo is None else [logo])])
            disk_key = entry_key(
                self.settings,
                document.rel,
                document.source.text,
                f"{TEMPLATES_DIR}/{template.name}",
                template_digest,
                repr(files),
            )
            found = self.disk.lookup(
                disk_key,
                lambda: replace(render(), disk_key=disk_key),
                _encode_check,
                lambda raw: _decode_check(raw, disk_key),
            )
            return found, [], files

        found, _ = _RENDER_CHECKS.get(
            (root, document.source.path), key, compute, len(document.source.text)
        )
        self.disk.use(found.disk_key, found, _encode_check)
        return found
