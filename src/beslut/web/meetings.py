"""The secretary's pages: meetings, their agenda items, the packet build and its outputs.

* ``/moten`` lists the meetings; ``/moten/ny`` creates one (``api.new_meeting``).
* ``/mote/{rel}`` shows a meeting's items with their diagnostics, the agenda with the packet's
  page numbers, what the public version withholds, and the built packets side by side. Each
  button (add, move up/down, remove, secrecy and publication) is a small form that saves the
  meeting file at once through ``files.save_meeting`` (round-trip, comments kept, version
  checked: a newer file gives a 409 page with both versions).
  Its Protokoll section (``minutes_data``) shows the protokoll; "Skapa protokoll" (action
  ``protokoll``) writes one with ``api.new_minutes``.
* ``/mote/sok-arenden`` finds cases of an organ by diarienummer or title (JSON).
* ``POST /mote/bygg/{rel}`` starts a build; ``/mote/bygg-status/{id}`` streams its progress.
* ``/mote/fil/{path}`` serves a built PDF (or the kallelse .docx) from inside output/ only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from beslut.errors import UserError
from beslut.load.paths import default_out_dir
from beslut.model.models import MEETING_TYPE, ItemKind, Meeting
from beslut.web import meeting_data as md
from beslut.web import minutes_data
from beslut.web.files import Conflict, NotReadable, plain, read_meeting, save_meeting
from beslut.web.meeting_build import BuildRunning, Builds, sse
from beslut.web.meeting_fields import field_forms
from beslut.web.paths import PathRefused, relative, resolve_inside
from beslut.web.state import Snapshot, WorkspaceState

STATES = {"fel": "Fel", "varningar": "Varningar", "klar": "Klar"}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SEARCH_LIMIT = 20
_BUILDS_LOCK = threading.Lock()


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    from beslut.web.app import render

    return render(request, name, {"nav": "moten", **context}, status)


def conflict_page(request: Request, rel: str, exc: Conflict) -> Response:
    """The 409 page of a save against a newer meeting file: both versions and what differs."""
    return _render(
        request,
        "meeting_conflict.html",
        {
            "rel": rel,
            "message": str(exc),
            "proposed": exc.proposed,
            "current": exc.current,
            "diff": exc.diff() if exc.proposed is not None else [],
        },
        status=409,
    )


def _missing(request: Request, message: str) -> Response:
    return _render(request, "meeting_missing.html", {"message": message}, status=404)


async def _snapshot(request: Request) -> Snapshot:
    state: WorkspaceState = request.app.state.workspace
    return await run_in_threadpool(state.current)


def builds(request: Request) -> Builds:
    """The app's build jobs (made on first use)."""
    with _BUILDS_LOCK:
        found = getattr(request.app.state, "meeting_builds", None)
        if not isinstance(found, Builds):
            found = Builds(request.app.state.root)
            request.app.state.meeting_builds = found
        return found


def _organs(snapshot: Snapshot) -> list[tuple[str, str]]:
    profile = snapshot.workspace.profile
    return sorted((o.id, o.name) for o in profile.organs) if profile else []


# ----------------------------------------------------------------------------------------------
# The list and a new meeting


async def meeting_list(request: Request) -> Response:
    snapshot = await _snapshot(request)
    rows = md.meeting_rows(snapshot.workspace, snapshot.diagnostics)
    return _render(request, "meeting_list.html", {"rows": rows, "states": STATES})


NEW_FIELDS = (
    "instans",
    "datum",
    "tid",
    "plats",
    "ordförande",
    "ordförande_titel",
    "sekreterare",
    "sekreterare_titel",
    "justering",
)
"""The new-meeting form: what would otherwise be a placeholder that ``beslut check`` reports."""
NEW_DEFAULTS = {"ordförande_titel": "Ordförande", "sekreterare_titel": "Nämndsekreterare"}


async def meeting_new(request: Request) -> Response:
    snapshot = await _snapshot(request)
    organs = _organs(snapshot)
    values = {k: NEW_DEFAULTS.get(k, "") for k in NEW_FIELDS}
    values["instans"] = organs[0][0] if len(organs) == 1 else ""
    error = ""
    if request.method == "POST":
        form = await request.form()
        values = {k: str(form.get(k, "")).strip() for k in NEW_FIELDS}
        error, rel = await run_in_threadpool(_create, request.app.state.root, values, organs)
        if not error:
            return RedirectResponse(f"/mote/{quote(rel)}?sparat=ny", status_code=303)
    return _render(
        request,
        "meeting_new.html",
        {"organs": organs, "values": values, "error": error, "time_help": _time_help()},
        status=400 if error else 200,
    )


def _time_help() -> str:
    return str(Meeting.model_fields["time"].description or "")


def _time_pattern() -> str:
    """The pattern of ``tid`` from the Meeting model (the one ``beslut check`` applies)."""
    for meta in Meeting.model_fields["time"].metadata:
        pattern = getattr(meta, "pattern", None)
        if isinstance(pattern, str):
            return pattern
    return r".+"  # pragma: no cover - the model has a pattern


def _problem(values: dict[str, str], organs: list[tuple[str, str]]) -> str:
    """A Swedish message for the first field of the new-meeting form that is not usable."""
    if values["instans"] not in {o for o, _ in organs}:
        return "Välj vilken nämnd eller styrelse sammanträdet gäller."
    try:
        dt.date.fromisoformat(values["datum"])
    except ValueError:
        return "Ange sammanträdets datum som ÅÅÅÅ-MM-DD, t.ex. 2026-03-17."
    if not re.fullmatch(_time_pattern(), values["tid"]):
        return "Ange tiden som ett klockslag, t.ex. 09.00 eller 13:30 (fältet Tid)."
    for key, label in (
        ("plats", "Plats"),
        ("ordförande", "Ordförandens namn"),
        ("sekreterare", "Sekreterarens namn"),
    ):
        if not values[key]:
            return f"Fyll i fältet {label}; kallelsen behöver det."
    return ""


def _create(root: Path, values: dict[str, str], organs: list[tuple[str, str]]) -> tuple[str, str]:
    """Create the meeting file with the form's fields; return (a Swedish error or "", rel).

    ``api.new_meeting`` writes the file with its comments and placeholders; the form's values
    then replace the placeholders through ``save_meeting`` (the same round-trip as every other
    save), so the new file has no findings of ``beslut check`` about them.
    """
    from beslut import api

    problem = _problem(values, organs)
    if problem:
        return problem, ""
    try:
        path = api.new_meeting(
            root, date=dt.date.fromisoformat(values["datum"]), organ=values["instans"]
        )
    except UserError as exc:
        return str(exc), ""
    rel = relative(root, path)
    source = read_meeting(root, rel)
    data = plain(source.data)
    data["tid"] = values["tid"]
    data["plats"] = values["plats"]
    for key in ("ordförande", "sekreterare"):
        person = {"namn": values[key]}
        if values[f"{key}_titel"]:
            person["titel"] = values[f"{key}_titel"]
        data[key] = {**(data.get(key) or {}), **person}
        if not values[f"{key}_titel"]:
            data[key].pop("titel", None)
    items = [dict(i) if isinstance(i, dict) else i for i in data.get("ärenden") or []]
    for item in items:
        if isinstance(item, dict) and item.get("typ") == ItemKind.JUSTERARE.value:
            if values["justering"]:
                item["notering"] = values["justering"]
            else:
                item.pop("notering", None)
    data["ärenden"] = items
    try:
        save_meeting(root, rel, base_version=source.version, data=data)
    except UserError as exc:
        return f"{rel} skapades men uppgifterna sparades inte: {exc}", rel
    return "", rel


# ----------------------------------------------------------------------------------------------
# Case search


async def search_cases(request: Request) -> Response:
    snapshot = await _snapshot(request)
    organ = request.query_params.get("instans", "")
    query = request.query_params.get("q", "").strip().casefold()
    found = []
    for row in snapshot.case_rows:
        if organ and row.organ != organ:
            continue
        if query and query not in row.diary_number.casefold() and query not in row.title.casefold():
            continue
        found.append({"diarienummer": row.diary_number, "rubrik": row.title, "fil": row.rel})
        if len(found) >= SEARCH_LIMIT:
            break
    return JSONResponse({"arenden": found})


# ----------------------------------------------------------------------------------------------
# The meeting page


def _rel_of(request: Request) -> str:
    return str(request.path_params["rel"])


def _meeting_data(rel: str, data: Any) -> dict[str, Any]:
    """The meeting file's plain data; NotReadable when the file is not a meeting."""
    found = plain(data)
    if not isinstance(found, dict) or found.get("typ") != MEETING_TYPE:
        raise NotReadable(
            f"{rel} är inte ett sammanträde: filen saknar ”typ: {MEETING_TYPE}”. Öppna "
            "sammanträdet från listan över sammanträden."
        )
    return found


def _page_context(root: Path, snapshot: Snapshot, rel: str) -> dict[str, Any]:
    source = read_meeting(root, rel)
    data = _meeting_data(rel, source.data)
    items = [i if isinstance(i, dict) else {"typ": str(i)} for i in data.get("ärenden") or []]
    diagnostics = snapshot.for_file(rel)
    whole, per_item = md.split_diagnostics(diagnostics, source)
    document = md.meeting_document(snapshot.workspace, rel)
    view = md.view_of(snapshot.workspace, document) if document is not None else None
    organ = str(data.get("instans") or "")
    profile = snapshot.workspace.profile
    cases = [r for r in snapshot.case_rows if not organ or r.organ == organ]
    fields = field_forms(source, data, diagnostics, _organs(snapshot))
    return {
        "fields": fields,
        "rel": rel,
        "file_version": source.version,
        "data": data,
        "items": items,
        "titles": [md.describe(i) for i in items],
        "case_rels": [_case_rel(snapshot, i) for i in items],
        "diagnostics": diagnostics,
        "whole": whole,
        "per_item": per_item,
        "view": view,
        "withheld": md.withheld_items(view) if view is not None else [],
        "built": md.built(root, snapshot.workspace, rel),
        "minutes": minutes_data.minutes_view(root, snapshot.workspace, snapshot.diagnostics, rel),
        "minutes_error": "",
        "grounds": md.grounds(snapshot.workspace, data),
        "kinds": md.KIND_LABELS,
        "topic_kinds": md.TOPIC_KINDS,
        "papers_labels": md.PAPERS_LABELS,
        "cases": cases,
        "organ": organ,
        "organ_name": dict(_organs(snapshot)).get(organ, organ),
        "first": profile.agenda.first_number if profile else 1,
    }


def _case_rel(snapshot: Snapshot, item: dict[str, Any]) -> str:
    """The case file an item presents ("" for none), found as the build finds it."""
    dnr = item.get("diarienummer")
    if item.get("typ") != "beslut" or item.get("underlag") or not dnr:
        return ""
    case = snapshot.workspace.case_by_dnr(str(dnr))
    return case.rel if case is not None else ""


def _located(root: Path, rel: str) -> str | None:
    """Return a Swedish reason when ``rel`` is not a meeting file in the workspace."""
    try:
        path = resolve_inside(root, rel)
    except PathRefused as exc:
        return str(exc)
    if not path.is_file() or path.suffix.lower() not in (".yaml", ".yml"):
        return f"{rel} är inte en mötesfil. Mötesfiler ligger i content/möten/ och slutar på .yaml."
    return None


async def meeting_page(request: Request) -> Response:
    root: Path = request.app.state.root
    rel = _rel_of(request)
    problem = _located(root, rel)
    if problem:
        return _missing(request, problem)
    snapshot = await _snapshot(request)
    try:
        context = await run_in_threadpool(_page_context, root, snapshot, rel)
    except (NotReadable, PathRefused) as exc:
        return _missing(request, str(exc))
    # A running build is followed by meetings.js; a finished one named in the address (the
    # form posted without JavaScript) is shown as it ended.
    asked = builds(request).get(request.query_params.get("bygge", ""))
    running = builds(request).running
    finished: dict[str, Any] | None = None
    lines: list[str] = []
    if asked is not None:
        events, done = asked.since(0)
        if done:
            finished = events[-1]
            lines = [str(e.get("text", "")) for e in events[:-1]]
    context.update(
        {
            "saved": request.query_params.get("sparat", ""),
            "error": "",
            "job": running.id if running else "",
            "finished": finished,
            "finished_lines": lines,
            "form": {},
        }
    )
    return _render(request, "meeting.html", context)


async def meeting_action(request: Request) -> Response:
    root: Path = request.app.state.root
    rel = _rel_of(request)
    problem = _located(root, rel)
    if problem:
        return _missing(request, problem)
    form = {k: str(v) for k, v in (await request.form()).items()}
    action = form.get("action", "")
    version = form.get("version", "")
    if action == md.CREATE_MINUTES:
        return await _create_minutes(request, root, rel)

    def save() -> str:
        source = read_meeting(root, rel)
        new = md.apply_action(_meeting_data(rel, source.data), action, form)
        return save_meeting(root, rel, base_version=version, data=new)

    try:
        await run_in_threadpool(save)
    except Conflict as exc:
        return conflict_page(request, rel, exc)
    except md.ActionRefused as exc:
        snapshot = await _snapshot(request)
        context = await run_in_threadpool(_page_context, root, snapshot, rel)
        # Only the add form is filled in again; the other forms show the file as it is.
        context.update(
            {
                "saved": "",
                "error": str(exc),
                "job": "",
                "finished": None,
                "finished_lines": [],
                "form": form if action == "ny" else {},
            }
        )
        return _render(request, "meeting.html", context, status=400)
    except (NotReadable, UserError) as exc:
        return _render(request, "meeting_missing.html", {"message": str(exc)}, status=400)
    count = len(plain(read_meeting(root, rel).data).get("ärenden") or [])
    focus = md.moved_to(action, form, count)
    anchor = f"#punkt-{focus}" if focus is not None and focus >= 0 else "#punkter"
    return RedirectResponse(f"/mote/{quote(rel)}?sparat={quote(action)}{anchor}", status_code=303)


async def _create_minutes(request: Request, root: Path, rel: str) -> Response:
    """ "Skapa protokoll": write content/protokoll/<möte>.yaml with ``api.new_minutes``; a
    refusal (the meeting file has errors, the protokoll exists) is shown in the section."""
    _created, refused = await run_in_threadpool(minutes_data.create_minutes, root, rel)
    if not refused:
        return RedirectResponse(
            f"/mote/{quote(rel)}?sparat={md.CREATE_MINUTES}#protokoll", status_code=303
        )
    snapshot = await _snapshot(request)
    try:
        context = await run_in_threadpool(_page_context, root, snapshot, rel)
    except (NotReadable, PathRefused):
        return _render(request, "meeting_missing.html", {"message": refused}, status=400)
    context.update(
        {
            "saved": "",
            "error": "",
            "minutes_error": refused,
            "job": "",
            "finished": None,
            "finished_lines": [],
            "form": {},
        }
    )
    return _render(request, "meeting.html", context, status=400)


# ----------------------------------------------------------------------------------------------
# Building


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def build_start(request: Request) -> Response:
    root: Path = request.app.state.root
    rel = _rel_of(request)
    problem = _located(root, rel)
    if problem:
        return _missing(request, problem)
    try:
        job = builds(request).start(rel)
    except BuildRunning as exc:
        running = builds(request).running
        if _wants_json(request):
            return JSONResponse(
                {"fel": str(exc), "id": running.id if running else ""}, status_code=409
            )
        return _render(request, "meeting_missing.html", {"message": str(exc)}, status=409)
    if _wants_json(request):
        return JSONResponse({"id": job.id, "status": f"/mote/bygg-status/{job.id}"})
    return RedirectResponse(f"/mote/{quote(rel)}?bygge={job.id}#bygge", status_code=303)


async def build_status(request: Request) -> Response:
    job = builds(request).get(str(request.path_params["id"]))
    if job is None:
        return _missing(request, "Bygget finns inte (servern kan ha startats om). Starta ett nytt.")

    async def stream() -> AsyncIterator[str]:
        sent = 0
        while True:
            events, done = job.since(sent)
            for event in events:
                yield sse(event)
            sent += len(events)
            if done and not events:
                return
            await asyncio.sleep(0.1)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "private, no-store", "X-Accel-Buffering": "no"},
    )


# ----------------------------------------------------------------------------------------------
# Files from output/


async def output_file(request: Request) -> Response:
    root: Path = request.app.state.root
    rel = str(request.path_params["path"])
    out_dir = default_out_dir(root)
    try:
        path = resolve_inside(out_dir, rel)
    except PathRefused as exc:
        return _missing(request, f"{exc} (Filerna hämtas bara ur mappen output/.)")
    kind = CONTENT_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file():
        return _missing(
            request,
            f"output/{rel} finns inte eller är inte en PDF eller Word-fil. Bygg handlingarna "
            "först, eller kontrollera länken.",
        )
    disposition = "attachment" if request.query_params.get("hamta") else "inline"
    return FileResponse(
        path, media_type=kind, filename=path.name, content_disposition_type=disposition
    )


ROUTES = [
    Route("/moten", meeting_list, name="meeting_list"),
    Route("/moten/ny", meeting_new, methods=["GET", "POST"], name="meeting_new"),
    Route("/mote/sok-arenden", search_cases, name="meeting_search"),
    Route("/mote/bygg/{rel:path}", build_start, methods=["POST"], name="meeting_build"),
    Route("/mote/bygg-status/{id}", build_status, name="meeting_build_status"),
    Route("/mote/fil/{path:path}", output_file, name="meeting_file"),
    Route("/mote/{rel:path}", meeting_page, methods=["GET"], name="meeting"),
    Route("/mote/{rel:path}", meeting_action, methods=["POST"], name="meeting_action"),
]
