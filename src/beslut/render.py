"""Stage 3, render: a validated case → .docx through its docxtpl template.

The template supplies letterhead, styles and the generated lists; the Markdown body is inserted
afterwards at the ``{{ brödtext }}`` anchor, so case text is always data and never template code.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate

from . import decisions, formatting
from .diagnostics import Diagnostic, error
from .models import DocumentType, Profile
from .templating import Template, environment
from .workspace import TEMPLATES_DIR, CaseDocument, Workspace

ANCHOR = "\u2063BESLUT-BRÖDTEXT\u2063"
"""Unique text the ``{{ brödtext }}`` tag renders to; replaced by the converted body."""

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
    }
)


class RenderError(Exception):
    """A case could not be rendered; the message is Swedish and names template and case."""


@dataclass(frozen=True)
class RenderedDocx:
    """A rendered document in memory, with warnings about its body."""

    data: bytes
    warnings: tuple[Diagnostic, ...]


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


def context(document: CaseDocument, profile: Profile) -> dict[str, Any]:
    """Return the template context for a case (the keys listed in CONTEXT_KEYS)."""
    case = document.case
    organ = profile.organ(case.organ)
    settings = profile.decision_for(case.doc_type)
    style = (case.proposal.style or settings.style).value
    punctuation = (case.proposal.punctuation or settings.punctuation).value
    points = decisions.render_points(case.proposal.points, style, punctuation)
    org = profile.organisation
    return {
        "organisation": {
            "namn": org.name,
            "förvaltning": org.administration,
            "adressrader": org.address.lines(),
        },
        "organ": {
            "namn": organ.name if organ else case.organ,
            "kortnamn": organ.short if organ else "",
        },
        "dokument": {
            "etikett": profile.type_settings(case.doc_type).label,
            "typ": case.doc_type.value,
        },
        "rubrik": case.title,
        "underrubrik": case.subtitle,
        "diarienummer": case.diary_number,
        "datum": formatting.iso_date(case.date),
        "datum_långt": formatting.long_date(case.date),
        "handläggare": _person(case.officer),
        "ansvarig": _person(case.responsible),
        "sekretess": (
            {
                "markering": f"SEKRETESS enligt {case.secrecy.provision} OSL",
                "organ": organ.short if organ else case.organ,
                "datum": formatting.iso_date(case.date),
            }
            if case.secrecy
            else None
        ),
        "förslag": {
            "inledning": case.proposal.lead_in,
            "punkter": [{"etikett": p.label, "text": p.text} for p in points],
        },
        "brödtext": ANCHOR,
        "beslutsunderlag": list(case.basis),
        "bilagor": [{"nummer": i, "titel": a.title} for i, a in enumerate(case.attachments, 1)],
        "mottagare": {"rubrik": case.recipients_heading, "namn": list(case.recipients)},
        "underskrifter": [_person(p) for p in case.signatures],
    }


def _template_problem(exc: Exception, template: str, case: str) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return (
            f"Mallen {template} använder en variabel som ärendet {case} inte har: {exc.message}. "
            "Rätta taggen i mallen (beslut mallar listar de variabler som finns)."
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return (
            f"Mallen {template} har ett syntaxfel i en tagg ({exc.message}) när {case} renderas. "
            "Kontrollera {{ }} och {% %} i mallen."
        )
    return f"Mallen {template} kunde inte användas för {case}: {exc}."


def _load_template(path: Path, rel: str, case_rel: str) -> DocxTemplate:
    if not path.is_file():
        raise RenderError(
            f"Mallen {rel} saknas (behövs för {case_rel}). Bygg mallarna med ”beslut mallar --bygg”."
        )
    try:
        return Template(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise RenderError(f"Mallen {rel} är ingen giltig Word-fil ({exc}).") from None


def render_case(document: CaseDocument, profile: Profile, root: Path) -> RenderedDocx:
    """Render one case to .docx bytes; raise RenderError with a Swedish message."""
    case = document.case
    path = template_path(root, profile, case.doc_type)
    rel = f"{TEMPLATES_DIR}/{path.name}"
    tpl = _load_template(path, rel, document.rel)
    try:
        tpl.render(context(document, profile), jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, ValueError) as exc:
        raise RenderError(_template_problem(exc, rel, document.rel)) from None
    docx = tpl.docx
    anchor = next((p for p in docx.paragraphs if ANCHOR in p.text), None)
    if anchor is None:
        raise RenderError(
            f"Mallen {rel} saknar taggen {{{{ brödtext }}}} i ett eget stycke; "
            f"brödtexten i {document.rel} har ingenstans att stå."
        )
    from .markdown_docx import insert_markdown

    tables = {t.id: t for t in case.tables}
    body_warnings = insert_markdown(
        docx, anchor, document.body, tables=tables, line_offset=document.source.body_offset
    )
    _set_metadata(docx, document)
    buffer = io.BytesIO()
    docx.save(buffer)
    return RenderedDocx(buffer.getvalue(), tuple(_located(w, document) for w in body_warnings))


def _located(warning: Any, document: CaseDocument) -> Diagnostic:
    from .diagnostics import warning as make_warning

    return make_warning(document.rel, warning.line, warning.column, warning.message, warning.code)


def _set_metadata(docx: Any, document: CaseDocument) -> None:
    case = document.case
    props = docx.core_properties
    props.title = case.title
    props.subject = case.diary_number
    props.author = case.officer.name
    props.last_modified_by = case.officer.name
    props.language = "sv-SE"
    props.keywords = case.doc_type.value
    created = dt.datetime.combine(case.date, dt.time(0, 0))
    props.created = created
    props.modified = created
    props.revision = 1


def template_tags(root: Path) -> dict[str, list[str]]:
    """Return the variables each template in templates/ uses."""
    result = {}
    for path in sorted((root / TEMPLATES_DIR).glob("*.docx")):
        if path.name.startswith("~$"):
            continue
        tpl = DocxTemplate(str(path))
        result[path.name] = sorted(tpl.get_undeclared_template_variables(environment()))
    return result


def check_templates(workspace: Workspace) -> list[Diagnostic]:
    """Check every template a case needs: it exists, parses and uses only known variables."""
    if workspace.profile is None:
        return []
    problems: list[Diagnostic] = []
    checked: set[Path] = set()
    for document in workspace.cases:
        path = template_path(workspace.root, workspace.profile, document.case.doc_type)
        if path in checked:
            continue
        checked.add(path)
        rel = f"{TEMPLATES_DIR}/{path.name}"
        try:
            tpl = _load_template(path, rel, document.rel)
            unknown = sorted(
                set(tpl.get_undeclared_template_variables(environment())) - CONTEXT_KEYS
            )
            for name in unknown:
                problems.append(
                    error(
                        rel,
                        1,
                        1,
                        f"Mallen använder variabeln ”{name}”, som inte finns i ärendets data. "
                        f"Tillgängliga variabler: {', '.join(sorted(CONTEXT_KEYS))}.",
                        "okänd-mallvariabel",
                    )
                )
            if not unknown:
                render_case(document, workspace.profile, workspace.root)
        except RenderError as exc:
            problems.append(error(rel, 1, 1, str(exc), "mallfel"))
        except jinja2.TemplateError as exc:
            problems.append(error(rel, 1, 1, _template_problem(exc, rel, document.rel), "mallfel"))
    return problems
