"""The preview page, the preview PDF and the downloads of a case (``preview.py`` builds them).

* ``/arende/forhandsvisning/{rel}``: a page with the PDF in a frame and the download links; a
  small script (``static/preview.js``) asks ``/arende/version/{rel}`` once a second and reloads
  the frame when the file changed (saved here, in ``watch``'s editor or in any text editor).
* ``/arende/forhandsvisning/{rel}?v=VERSION``: the PDF itself, built from the file as it is now
  (``v`` only makes each version a new address for the browser). A case with errors gets a
  Swedish page that lists them (file:line), never an older PDF.
* ``/arende/ladda-ned/{docx|pdf}/{rel}``: the same build as a download, with the Swedish file
  name kept (RFC 5987).
"""

from __future__ import annotations

import threading
from pathlib import PurePosixPath

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from beslut.errors import UserError
from beslut.web.files import plain, read_case, version_of
from beslut.web.paths import PathRefused, resolve_inside
from beslut.web.preview import NotACase, Preview, Previews, content_disposition

_CREATE = threading.Lock()
KINDS = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument."
         "wordprocessingml.document"}  # fmt: skip


def previews_of(request: Request) -> Previews:
    """The app's :class:`Previews`, made on first use."""
    state = request.app.state
    with _CREATE:
        found = getattr(state, "previews", None)
        if found is None:
            found = state.previews = Previews(request.app.state.root)
        assert isinstance(found, Previews)
        return found


def refused(request: Request, message: str, status: int = 404) -> Response:
    """A Swedish page saying why a path (or a request) was refused."""
    from beslut.web.app import render

    return render(request, "preview_message.html", {"heading": "Filen kan inte visas",
                                                    "message": message}, status)  # fmt: skip


def _problems_page(request: Request, preview: Preview) -> Response:
    from beslut.web.app import render

    return render(
        request,
        "preview_problems.html",
        {"preview": preview, "problems": preview.problems, "messages": preview.messages},
        422,
    )


async def _build(request: Request, rel: str) -> Preview | Response:
    previews = previews_of(request)
    try:
        return await run_in_threadpool(previews.get, rel)
    except PathRefused as exc:
        return refused(request, str(exc))
    except NotACase:
        return refused(
            request,
            f"{rel} är inte ett ärende. Förhandsvisning och nedladdning finns för ärenden "
            "(filerna i content/ärenden/).",
        )


async def preview(request: Request) -> Response:
    rel = request.path_params["rel"]
    if "v" not in request.query_params:
        return await _page(request, rel)
    built = await _build(request, rel)
    if isinstance(built, Response):
        return built
    if not built.ok or built.pdf is None:
        return _problems_page(request, built)
    return Response(
        built.pdf,
        media_type=KINDS["pdf"],
        headers={
            "Content-Disposition": content_disposition(built.stem, "pdf", inline=True),
            "X-Beslut-Version": built.version,
        },
    )


async def _page(request: Request, rel: str) -> Response:
    from beslut.web.app import render

    try:
        path = resolve_inside(request.app.state.root, rel)
    except PathRefused as exc:
        return refused(request, str(exc))
    previews_of(request).warm_up()
    version = version_of(path)
    title = PurePosixPath(rel).name
    try:
        heading = plain(read_case(request.app.state.root, rel).front).get("rubrik")
    except UserError:  # not readable as a case now: the frame shows why
        heading = None
    if isinstance(heading, str) and heading.strip():
        title = heading.strip()
    return render(
        request,
        "preview.html",
        {
            "rel": rel,
            "name": PurePosixPath(rel).name,
            "title": title,
            "file_version": version,
        },
    )


async def file_version(request: Request) -> Response:
    rel = request.path_params["rel"]
    try:
        path = resolve_inside(request.app.state.root, rel)
    except PathRefused as exc:
        return JSONResponse({"fel": str(exc)}, status_code=404)
    return JSONResponse({"version": version_of(path)})


async def download(request: Request) -> Response:
    kind = request.path_params["kind"]
    rel = request.path_params["rel"]
    if kind not in KINDS:
        return refused(request, "Det går att ladda ned .docx eller .pdf (ladda-ned/docx/… "
                       "eller ladda-ned/pdf/…).")  # fmt: skip
    built = await _build(request, rel)
    if isinstance(built, Response):
        return built
    data = built.pdf if kind == "pdf" else built.docx
    if data is None or built.problems or (kind == "pdf" and not built.ok):
        return _problems_page(request, built)
    return Response(
        data,
        media_type=KINDS[kind],
        headers={
            "Content-Disposition": content_disposition(built.stem, kind),
            "X-Beslut-Version": built.version,
        },
    )


ROUTES = [
    Route("/arende/forhandsvisning/{rel:path}", preview, name="case_preview"),
    Route("/arende/version/{rel:path}", file_version, name="case_version"),
    Route("/arende/ladda-ned/{kind}/{rel:path}", download, name="case_download"),
]
