"""Attachment upload: ``/arende/bilagor/{rel}`` (a case's attachments page).

An upload is a multipart form; its CSRF token travels as the ``?csrf=`` query parameter,
because the security guard does not read multipart bodies. Only PDF and Word (.docx) files are
taken, checked by suffix and by their first bytes, at most :data:`MAX_BYTES`. The file name is
cleaned (letters, digits, ``-``, ``_`` and ``.``; å, ä and ö kept) and resolved inside
``content/bilagor`` with :func:`beslut.web.paths.resolve_inside`, so no path, ``..`` or symbolic
link leads out; an existing file is replaced only when the user ticks the box that asks for it.
Then beslut's own attachment checks (:func:`beslut.validate.attachments.inspect_attachment`:
damaged, encrypted, no text, not A4, not PDF/A, …) are shown, and the file is added to the
case's ``bilagor`` list with :func:`beslut.web.files.save_case` (round-trip, versioned).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beslut.atomic import write_bytes_atomic
from beslut.errors import UserError
from beslut.validate.attachments import Finding, Severity, inspect_attachment
from beslut.web.files import Conflict, plain, read_case, save_case
from beslut.web.paths import PathRefused, resolve_inside

FOLDER = "content/bilagor"
MAX_BYTES = 50 * 1024 * 1024
"""The largest attachment taken (below the guard's limit for any request)."""
ALLOWED = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}
"""Suffixes taken, with the bytes such a file starts with."""
ALLOWED_TEXT = "PDF (.pdf) och Word (.docx)"
_UNSAFE = re.compile(r"[^\w.]+")


class UploadRefused(UserError):
    """An upload that is not taken; ``status`` is the HTTP status, the message Swedish."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def clean_name(raw: str) -> str:
    """A safe file name from what the browser sent: the last path part, NFC, with runs of
    anything but letters, digits, ``_`` and ``.`` turned into ``-``; no leading dot."""
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("-", stem).strip("-._")[:120]
    suffix = _UNSAFE.sub("", suffix).lower()
    if not stem:
        raise UploadRefused(
            f"Filnamnet ”{raw}” går inte att använda. Byt namn på filen (bokstäver, siffror och "
            "bindestreck) och ladda upp den igen."
        )
    return f"{stem}.{suffix}" if suffix else stem


def check_kind(name: str, head: bytes) -> None:
    """Refuse anything but a PDF or a .docx (by suffix and first bytes)."""
    suffix = PurePosixPath(name).suffix.lower()
    magic = ALLOWED.get(suffix)
    if magic is None:
        raise UploadRefused(
            f"”{name}” kan inte laddas upp som bilaga: bara {ALLOWED_TEXT} tas emot. Spara "
            "filen som PDF (Arkiv → Exportera som PDF) eller som Word-dokument och försök igen.",
            415,
        )
    if not head.startswith(magic):
        what = "en PDF" if suffix == ".pdf" else "ett Word-dokument (.docx)"
        raise UploadRefused(
            f"”{name}” heter {suffix} men är inte {what}. Öppna den i programmet den gjordes i "
            f"och spara den som {ALLOWED_TEXT.split(' och ')[0 if suffix == '.pdf' else 1]}.",
            415,
        )


def store(root: Path, upload_name: str, data: bytes, *, replace: bool) -> tuple[str, Path]:
    """Write an uploaded attachment into content/bilagor; return its workspace path and file.

    Raises UploadRefused (type, size, an existing file without ``replace``) or PathRefused."""
    if len(data) > MAX_BYTES:
        raise UploadRefused(too_large_text(len(data)), 413)
    name = clean_name(upload_name)
    check_kind(name, data[:8])
    rel = f"{FOLDER}/{name}"
    resolve_inside(root, FOLDER, must_exist=False)  # the folder itself may not lead out
    target = resolve_inside(root, rel, must_exist=False)
    if (target.exists() or target.is_symlink()) and not replace:
        raise UploadRefused(
            f"Det finns redan en bilaga som heter {name} i {FOLDER}. Byt namn på filen, eller "
            "kryssa i ”Ersätt den befintliga filen” och ladda upp igen.",
            409,
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, data)
    return rel, target


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",") + " MB"
    return f"{max(1, round(count / 1024))} kB"


def too_large_text(size: int) -> str:
    return (
        f"Filen är {_size(size)}; en bilaga får vara högst {_size(MAX_BYTES)}. Minska filen (till exempel lägre bildupplösning) "
        "eller dela den i flera bilagor."
    )


def preflight(root: Path, rel: str, path: Path) -> list[Finding]:
    """beslut's attachment checks of one file (the same as ``beslut check`` reports)."""
    return inspect_attachment(path, rel, root)


def attachments_of(root: Path, rel: str) -> tuple[str, list[dict[str, Any]]]:
    """The case file's version and its ``bilagor`` list (plain data)."""
    source = read_case(root, rel)
    listed = plain(source.front).get("bilagor") or []
    return source.version, [a for a in listed if isinstance(a, dict)]


def add_to_case(root: Path, rel: str, base_version: str, title: str, attachment: str) -> str:
    """Append ``{titel, fil}`` to the case's ``bilagor`` (``fil`` relative to the case file);
    return the new version. Raises Conflict when the file changed since ``base_version``."""
    source = read_case(root, rel)
    front = plain(source.front)
    case_dir = PurePosixPath(rel).parent
    relative = PurePosixPath(os.path.relpath(attachment, case_dir.as_posix())).as_posix()
    listed = list(front.get("bilagor") or [])
    if any(isinstance(a, dict) and a.get("fil") == relative for a in listed):
        return source.version
    listed.append({"titel": title, "fil": relative})
    front["bilagor"] = listed
    return save_case(root, rel, base_version=base_version, front=front, body=None)


async def page(request: Request) -> Response:
    rel = request.path_params["rel"]
    root: Path = request.app.state.root
    try:
        resolve_inside(root, rel)
        version, listed = await run_in_threadpool(attachments_of, root, rel)
    except (PathRefused, UserError) as exc:
        from beslut.web.preview_pages import refused

        return refused(request, str(exc))
    if request.method == "POST":
        return await _upload(request, rel, version, listed)
    return _render(request, rel, version, listed)


def _render(
    request: Request,
    rel: str,
    version: str,
    listed: list[dict[str, Any]],
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    from beslut.web.app import render

    context: dict[str, Any] = {
        "rel": rel,
        "name": PurePosixPath(rel).name,
        "file_version": version,
        "listed": listed,
        "max_size": _size(MAX_BYTES),
        "allowed": ALLOWED_TEXT,
        "refusal": None,
        "uploaded": None,
        "findings": [],
        "added": False,
        "conflict": None,
        "error_level": Severity.ERROR,
    }
    context.update(extra)
    return render(request, "attachments.html", context, status)


async def _upload(
    request: Request, rel: str, version: str, listed: list[dict[str, Any]]
) -> Response:
    length = request.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_BYTES + 64 * 1024:
        return _render(request, rel, version, listed, status=413,
                       refusal=too_large_text(int(length)))  # fmt: skip
    try:
        form = await request.form(max_files=1, max_fields=10)
    except (HTTPException, MultiPartException):  # a broken multipart body
        return _render(request, rel, version, listed, status=400,
                       refusal="Uppladdningen kunde inte läsas. Välj filen igen och försök "
                       "på nytt.")  # fmt: skip
    try:
        return await _take(request, rel, version, listed, form)
    finally:
        await form.close()  # the spooled upload file


async def _take(
    request: Request, rel: str, version: str, listed: list[dict[str, Any]], form: FormData
) -> Response:
    root: Path = request.app.state.root
    upload = form.get("fil")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _render(request, rel, version, listed, status=400,
                       refusal="Ingen fil valdes. Välj en PDF- eller Word-fil och ladda upp.")  # fmt: skip
    if upload.size is not None and upload.size > MAX_BYTES:
        return _render(request, rel, version, listed, status=413,
                       refusal=too_large_text(upload.size))  # fmt: skip
    data = await upload.read()
    title = str(form.get("titel") or "").strip()
    replace = form.get("ersatt") == "ja"
    add = form.get("lagg_till") == "ja"
    base_version = str(form.get("version") or version)
    try:
        stored, path = await run_in_threadpool(store, root, upload.filename, data, replace=replace)
    except UploadRefused as exc:
        return _render(request, rel, version, listed, status=exc.status, refusal=str(exc))
    except PathRefused as exc:
        return _render(request, rel, version, listed, status=400, refusal=str(exc))
    findings = await run_in_threadpool(preflight, root, stored, path)
    added = False
    conflict = None
    if add:
        try:
            version = await run_in_threadpool(
                add_to_case, root, rel, base_version, title or PurePosixPath(stored).stem, stored
            )
            added = True
        except Conflict as exc:
            conflict = str(exc)
        except UserError as exc:
            conflict = str(exc)
        version, listed = await run_in_threadpool(attachments_of, root, rel)
    return _render(
        request,
        rel,
        version,
        listed,
        status=409 if conflict else 200,
        uploaded=stored,
        findings=findings,
        added=added,
        conflict=conflict,
    )


ROUTES = [Route("/arende/bilagor/{rel:path}", page, methods=["GET", "POST"], name="attachments")]
