"""The officer's pages: the case list (filter by organ and state)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beslut.web.state import Snapshot, WorkspaceState

STATES = {"fel": "Fel", "varningar": "Varningar", "klar": "Klar"}


async def case_list(request: Request) -> Response:
    from beslut.web.app import render

    state: WorkspaceState = request.app.state.workspace
    snapshot: Snapshot = await run_in_threadpool(state.current)
    organ = request.query_params.get("instans", "")
    wanted = request.query_params.get("status", "")
    rows = [
        row
        for row in snapshot.case_rows
        if (not organ or row.organ == organ) and (not wanted or row.state == wanted)
    ]
    profile = snapshot.workspace.profile
    organs = sorted((o.id, o.name) for o in profile.organs) if profile else []
    return render(
        request,
        "case_list.html",
        {
            "rows": rows,
            "all_count": len(snapshot.case_rows),
            "organs": organs,
            "organ": organ,
            "states": STATES,
            "wanted": wanted,
        },
    )


ROUTES = [Route("/arenden", case_list, name="case_list")]
