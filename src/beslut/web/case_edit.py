"""The officer's case pages: edit a case in a form, fix findings, preview decision points, and
create a new case from the profile.

Routes (ASCII paths, ``rel`` relative to the workspace):

* ``GET/POST /arende/redigera/{rel}``: the form generated from the Case model (``forms.py``),
  the Markdown body with a toolbar, the file's version in a hidden field; a save merges the form
  into the file (``files.save_case``, comments kept) and redirects back with "Sparat"; a save
  against a newer file answers 409 with both versions.
* ``POST /arende/ratta/{rel}``: apply one content-check fix (``Diagnostic.fix``) to the file.
* ``POST /arende/beslutspunkter/{rel}``: an HTML fragment with the decision points as they
  will print, from the same code the .docx renderer uses (``render.case.proposal_parts``).
* ``GET/POST /arende/ny`` and ``GET /arende/diarienummer``: a new case from the profile
  (``api.new_case``), with the diarienummer checked against the profile as it is typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from beslut import api
from beslut.authoring import fix as fixes
from beslut.diagnostics import Diagnostic, Level
from beslut.errors import UserError
from beslut.model.models import Case, DocumentType, Profile, Proposal
from beslut.render.case import proposal_parts
from beslut.web import fieldmap, files, forms
from beslut.web.paths import PathRefused, relative, resolve_inside
from beslut.web.state import Snapshot, WorkspaceState

__all__ = ["ROUTES", "check_diary_number", "decision_preview", "map_diagnostics"]

NOTICES = {
    "sparat": "Sparat. Ärendet är skrivet till filen.",
    "oforandrat": "Inget att spara: formuläret var likadant som filen.",
    "rattat": "Rättat. Ändringen är skriven till filen.",
    "skapat": "Ärendet är skapat. Fyll i det som står inom [fyll i …] och spara.",
}


# ----------------------------------------------------------------------------------------------
# Diagnostics beside their fields


@dataclass(frozen=True)
class Mapped:
    """A file's diagnostics sorted for the page: by field path, and those with no field."""

    by_path: dict[str, list[Diagnostic]]
    unmapped: list[Diagnostic]
    ordered: list[tuple[str | None, Diagnostic]]
    """Every diagnostic in file order with its field (None: listed at the top)."""


def map_diagnostics(
    source: files.CaseSource | files.YamlSource,
    diagnostics: Sequence[Diagnostic],
    known: set[str],
) -> Mapped:
    """Put each diagnostic beside the form field it concerns (from its file:line:column).

    ``fieldmap.field_for`` names the key path (or the body) a diagnostic points at; the field
    shown for it is that path, or its nearest shown parent (``forms.target_path``). The rest (a
    syntax error, a problem with the whole file) is listed at the top with its file:line.
    """
    by_path: dict[str, list[Diagnostic]] = {}
    unmapped: list[Diagnostic] = []
    ordered: list[tuple[str | None, Diagnostic]] = []
    for diagnostic in diagnostics:
        named = fieldmap.field_for(diagnostic, source)
        target: str | None = None
        if named is not None and (named == fieldmap.BODY or named.startswith(fieldmap.BODY + ":")):
            target = forms.BODY_FIELD if forms.BODY_FIELD in known else None
        elif named:
            target = forms.target_path(named, known)
        if target is None:
            unmapped.append(diagnostic)
        else:
            by_path.setdefault(target, []).append(diagnostic)
        ordered.append((target, diagnostic))
    return Mapped(by_path, unmapped, ordered)


# ----------------------------------------------------------------------------------------------
# The edit page


def _markdown(rel: str) -> bool:
    return rel.lower().endswith(".md")


async def _snapshot(request: Request) -> Snapshot:
    state: WorkspaceState = request.app.state.workspace
    return await run_in_threadpool(state.current)


def _error_page(request: Request, message: str, status: int) -> Response:
    from beslut.web.app import render

    return render(request, "case_problem.html", {"message": message}, status=status)


async def _read(request: Request, root: Path, rel: str) -> files.CaseSource | Response:
    """The case file, or the page that says why it cannot be opened (404 outside the
    workspace, 422 a file that does not load)."""
    try:
        return await run_in_threadpool(files.read_case, root, rel)
    except PathRefused as exc:
        return _error_page(request, str(exc), 404)
    except UserError as exc:
        return _error_page(request, str(exc), 422)


async def edit_page(request: Request) -> Response:
    rel = request.path_params["rel"]
    root: Path = request.app.state.root
    source = await _read(request, root, rel)
    if isinstance(source, Response):
        return source
    notice = NOTICES.get(request.query_params.get("meddelande", ""), "")
    return await _edit_response(request, source, notice=notice)


async def _edit_response(
    request: Request,
    source: files.CaseSource,
    *,
    front: Mapping[str, Any] | None = None,
    body: str | None = None,
    notice: str = "",
    problem: str = "",
    status: int = 200,
) -> Response:
    from beslut.web.app import render

    rel = source.rel
    snapshot = await _snapshot(request)
    diagnostics = snapshot.for_file(rel)
    markdown = _markdown(rel)
    data = files.plain(source.front) if front is None else dict(front)
    profile = snapshot.workspace.profile
    organs = [(o.id, f"{o.name} ({o.id})") for o in profile.organs] if profile else []
    nodes = forms.case_form(data, markdown=markdown, choices={"instans": organs})
    known = forms.field_paths(nodes) | ({forms.BODY_FIELD} if markdown else set())
    mapped = map_diagnostics(source, diagnostics, known)
    fixable = [(index, d) for index, d in enumerate(diagnostics) if d.fix is not None]
    context = {
        "nav": "arenden",
        "rel": rel,
        "rel_url": quote(rel),
        "version": source.version,
        "title": str(data.get("rubrik") or Path(rel).stem),
        "form_html": forms.render_form(nodes, mapped.by_path, fold_empty=True),
        "markdown": markdown,
        "body": source.body if body is None else body,
        "body_messages": mapped.by_path.get(forms.BODY_FIELD, []),
        "mapped": mapped,
        "dom_id": forms.dom_id,
        "errors": sum(d.level == Level.ERROR for d in diagnostics),
        "warnings": sum(d.level != Level.ERROR for d in diagnostics),
        "fixable": fixable,
        "notice": notice,
        "problem": problem,
        "preview_html": _preview_or_message(data, profile),
    }
    return render(request, "case_edit.html", context, status=status)


async def save(request: Request) -> Response:
    rel = request.path_params["rel"]
    root: Path = request.app.state.root
    form = await request.form()
    version = str(form.get("version") or "")
    source = await _read(request, root, rel)
    if isinstance(source, Response):
        return source
    markdown = _markdown(rel)
    body = str(form.get(forms.BODY_FIELD, "")) if markdown else None
    try:
        front = forms.parse_case_form(form, files.plain(source.front), markdown=markdown)
    except forms.FormError as exc:
        return await _edit_response(
            request, source, front=exc.data, body=body, problem=str(exc), status=422
        )
    try:
        new_version = await run_in_threadpool(
            lambda: files.save_case(root, rel, base_version=version, front=front, body=body)
        )
    except files.Conflict as exc:
        return _conflict_page(request, exc, version)
    except UserError as exc:
        return await _edit_response(
            request, source, front=front, body=body, problem=str(exc), status=422
        )
    message = "oforandrat" if new_version == version else "sparat"
    return RedirectResponse(
        f"/arende/redigera/{quote(rel)}?meddelande={message}#meddelande", status_code=303
    )


def _conflict_page(request: Request, conflict: files.Conflict, version: str) -> Response:
    from beslut.web.app import render

    return render(
        request,
        "case_conflict.html",
        {
            "nav": "arenden",
            "rel": conflict.rel,
            "rel_url": quote(conflict.rel),
            "message": str(conflict),
            "proposed": conflict.proposed,
            "current": conflict.current,
            "diff": conflict.diff() if conflict.proposed is not None else [],
            "base_version": version,
        },
        status=409,
    )


# ----------------------------------------------------------------------------------------------
# "Rätta": one safe fix


class _FixRefused(UserError):
    """The fix would have changed more than text; nothing was written."""


async def apply_fix(request: Request) -> Response:
    rel = request.path_params["rel"]
    root: Path = request.app.state.root
    form = await request.form()
    version = str(form.get("version") or "")
    try:
        wanted = (int(str(form.get("rad"))), int(str(form.get("kolumn"))), str(form.get("kod")))
        path = resolve_inside(root, rel)
    except (ValueError, TypeError):
        return _error_page(request, "Rättningen saknar rad, kolumn eller kod; ladda om sidan.", 400)
    except PathRefused as exc:
        return _error_page(request, str(exc), 404)
    snapshot = await _snapshot(request)
    found = next(
        (
            d
            for d in snapshot.for_file(rel)
            if d.fix is not None and (d.line, d.column, d.code) == wanted
        ),
        None,
    )

    def run() -> str:
        if found is None:  # nothing to write: the finding is gone, or the file is newer
            return "borta" if files.version_of(path) == version else "nyare"
        fix = found.fix
        assert fix is not None

        def change(text: str) -> str:
            # the fix re-parses the text and refuses to change more than text
            try:
                return fixes.fix_text(path, rel, text, [fix])
            except fixes.FixFailed as exc:
                raise _FixRefused(str(exc)) from None

        # the same lock, version check and atomic write as every save of the app
        files.save_text(root, rel, base_version=version, change=change)
        return "rattat"

    try:
        outcome = await run_in_threadpool(run)
    except files.Conflict as exc:
        return _conflict_page(
            request, files.Conflict(rel, None, exc.current, exc.current_version), version
        )
    except UserError as exc:  # _FixRefused, or the file could not be read or written
        return _error_page(request, str(exc), 422)
    if outcome == "nyare":
        source = await run_in_threadpool(files.read_case, root, rel)
        return _conflict_page(
            request, files.Conflict(rel, None, source.text, source.version), version
        )
    if outcome == "borta":
        return RedirectResponse(f"/arende/redigera/{quote(rel)}", status_code=303)
    return RedirectResponse(
        f"/arende/redigera/{quote(rel)}?meddelande=rattat#meddelande", status_code=303
    )


# ----------------------------------------------------------------------------------------------
# Decision points as they will print


def decision_preview(front: Mapping[str, Any], profile: Profile) -> list[dict[str, Any]]:
    """The proposal's blocks as printed (heading, lead-in, label, text, list items), rendered
    by :func:`beslut.render.case.proposal_parts`, the code the .docx uses.

    Raises ValueError (pydantic's ValidationError) when the proposal is not valid yet.
    """
    proposal = Proposal.model_validate(front.get("förslag") or {})
    doc_type = DocumentType(str(front.get("typ") or DocumentType.TJANSTESKRIVELSE.value))
    # proposal_parts reads only the type and the proposal; the rest is not validated here
    case = Case.model_construct(
        doc_type=doc_type,
        proposal=proposal,
        title="",
        diary_number="",
        organ="",
        date=dt.date.today(),
    )
    heading, parts = proposal_parts(case, profile)
    blocks = [
        {
            "heading": part.heading,
            "lead_in": part.lead_in,
            "points": [{"label": p.label, "text": p.text, "items": p.items} for p in part.points],
        }
        for part in parts
    ]
    return [{"heading": heading, "lead_in": None, "points": []}, *blocks] if heading else blocks


def _preview_or_message(front: Mapping[str, Any], profile: Profile | None) -> dict[str, Any]:
    if profile is None:
        return {"blocks": [], "message": "Profilen har fel, så förhandsvisningen kan inte visas."}
    try:
        return {"blocks": decision_preview(front, profile), "message": ""}
    except (ValidationError, ValueError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        return {
            "blocks": [],
            "message": f"Beslutspunkterna kan inte visas ännu: {first}.",
        }


async def preview(request: Request) -> Response:
    from beslut.web.app import render

    rel = request.path_params["rel"]
    root: Path = request.app.state.root
    form = await request.form()
    try:
        source = await run_in_threadpool(files.read_case, root, rel)
    except UserError as exc:
        return HTMLResponse(f"<p>{_escape(str(exc))}</p>", status_code=422)
    try:
        front = forms.parse_case_form(form, files.plain(source.front), markdown=_markdown(rel))
    except forms.FormError as exc:  # a broken YAML box elsewhere: preview the rest
        front = exc.data
    snapshot = await _snapshot(request)
    return render(
        request,
        "decision_preview.html",
        {"preview": _preview_or_message(front, snapshot.workspace.profile)},
    )


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


# ----------------------------------------------------------------------------------------------
# New case


def check_diary_number(profile: Profile | None, dnr: str) -> tuple[bool, str]:
    """Check a diarienummer against the profile's formats; return (ok, Swedish message)."""
    dnr = dnr.strip()
    if profile is None:
        return False, "Profilen har fel, så diarienumret kan inte kontrolleras."
    formats = "; ".join(f.description for f in profile.diary_formats)
    if not dnr:
        return False, f"Skriv ett diarienummer. Tillåtna format: {formats}."
    if len(dnr) > 50:
        return False, "Diarienumret får vara högst 50 tecken."
    if any(f.matches(dnr) for f in profile.diary_formats):
        return True, f"”{dnr}” följer organisationens format."
    return False, f"”{dnr}” följer inte organisationens format. Tillåtna format: {formats}."


async def diary_check(request: Request) -> Response:
    from beslut.web.app import render

    snapshot = await _snapshot(request)
    ok, message = check_diary_number(
        snapshot.workspace.profile, request.query_params.get("nummer", "")
    )
    return render(request, "diary_check.html", {"ok": ok, "message": message})


async def new_page(request: Request) -> Response:
    return await _new_response(request, {}, {})


async def _new_response(
    request: Request, values: Mapping[str, str], problems: Mapping[str, str], status: int = 200
) -> Response:
    from beslut.web.app import render

    snapshot = await _snapshot(request)
    profile = snapshot.workspace.profile
    organs = [(o.id, o.name) for o in profile.organs] if profile else []
    types = [(t.value, t.value.capitalize()) for t in DocumentType]
    formats = [f.description for f in profile.diary_formats] if profile else []
    return render(
        request,
        "case_new.html",
        {
            "nav": "arenden",
            "organs": organs,
            "types": types,
            "formats": formats,
            "values": {"datum": dt.date.today().isoformat(), **values},
            "problems": problems,
            "profile_ok": profile is not None,
        },
        status=status,
    )


async def create(request: Request) -> Response:
    root: Path = request.app.state.root
    form = await request.form()
    values = {
        k: str(form.get(k) or "").strip()
        for k in ("instans", "typ", "rubrik", "diarienummer", "datum")
    }
    snapshot = await _snapshot(request)
    profile = snapshot.workspace.profile
    problems = _new_problems(values, profile)
    if problems:
        return await _new_response(request, values, problems, status=422)
    try:
        path = await run_in_threadpool(
            lambda: api.new_case(
                root,
                DocumentType(values["typ"]),
                dnr=values["diarienummer"],
                organ=values["instans"] or None,
                title=values["rubrik"] or None,
                today=dt.date.fromisoformat(values["datum"]),
            )
        )
    except UserError as exc:
        return await _new_response(request, values, {"": str(exc)}, status=422)
    rel = relative(root, path)
    return RedirectResponse(
        f"/arende/redigera/{quote(rel)}?meddelande=skapat#meddelande", status_code=303
    )


def _new_problems(values: Mapping[str, str], profile: Profile | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    ok, message = check_diary_number(profile, values["diarienummer"])
    if not ok:
        problems["diarienummer"] = message
    if profile is not None and not profile.organ(values["instans"]):
        problems["instans"] = "Välj en instans ur listan."
    if values["typ"] not in {t.value for t in DocumentType}:
        problems["typ"] = "Välj en dokumenttyp ur listan."
    if not values["rubrik"]:
        problems["rubrik"] = "Skriv ärendets rubrik (ärendemeningen)."
    elif len(values["rubrik"]) > 200:
        problems["rubrik"] = "Rubriken får vara högst 200 tecken."
    try:
        dt.date.fromisoformat(values["datum"])
    except ValueError:
        problems["datum"] = "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01."
    return problems


ROUTES = [
    Route("/arende/ny", new_page, methods=["GET"], name="case_new"),
    Route("/arende/ny", create, methods=["POST"]),
    Route("/arende/diarienummer", diary_check, methods=["GET"], name="diary_check"),
    Route("/arende/redigera/{rel:path}", edit_page, methods=["GET"], name="case_edit"),
    Route("/arende/redigera/{rel:path}", save, methods=["POST"]),
    Route("/arende/ratta/{rel:path}", apply_fix, methods=["POST"], name="case_fix"),
    Route("/arende/beslutspunkter/{rel:path}", preview, methods=["POST"], name="case_points"),
]
