"""The Starlette application of ``beslut serve``: routes, templates and shared state.

Each page module (``cases``, ``meetings``, …) exports ``ROUTES``; this module joins them, puts the
workspace state and the template environment on ``app.state``, and wraps everything in the
security guard (``security.py``). Pages are rendered on the server from Jinja templates with
autoescaping on: case text is always escaped and never evaluated as a template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from beslut import __version__
from beslut.web import (
    attachments,
    case_edit,
    cases,
    forms,
    meeting_fields,
    meetings,
    preview_pages,
)
from beslut.web.security import Guard, GuardMiddleware
from beslut.web.state import WorkspaceState

HERE = Path(__file__).resolve().parent


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["readable"] = forms.readable
    return env


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """Render a page template with what every page needs (CSRF token, workspace name)."""
    templates: Jinja2Templates = request.app.state.templates
    guard: Guard = request.app.state.guard
    root: Path = request.app.state.root
    full = {"csrf_token": guard.csrf_token, "workspace_name": root.name, "version": __version__}
    full.update(context)
    return templates.TemplateResponse(request, name, full, status_code=status)


async def _home(_request: Request) -> Response:
    return RedirectResponse("/arenden", status_code=303)


def routes() -> list[BaseRoute]:
    """Return every route of the app."""
    return [
        Route("/", _home),
        *cases.ROUTES,
        *preview_pages.ROUTES,
        *attachments.ROUTES,
        *meeting_fields.ROUTES,
        *meetings.ROUTES,
        *case_edit.ROUTES,
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]


def create_app(root: Path, guard: Guard | None = None) -> Starlette:
    """Return the app for the workspace at ``root`` (already found and resolved)."""
    guard = guard or Guard()
    app = Starlette(routes=routes())
    app.state.root = root
    app.state.guard = guard
    app.state.workspace = WorkspaceState(root)
    app.state.templates = Jinja2Templates(env=_environment())
    app.add_middleware(GuardMiddleware, guard=guard)
    return app
