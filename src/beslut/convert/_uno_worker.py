"""UNO client that drives one warm LibreOffice process; run by the system Python.

This file is NOT imported by beslut. ``beslut.convert`` starts it as a script with the
interpreter that has LibreOffice's ``uno`` module (Debian: ``/usr/bin/python3`` with
``python3-uno``), next to one ``soffice --accept=pipe,...`` listener that the parent started.
It therefore uses only the standard library and ``uno``, and must stay compatible with the
system Python.

Protocol: JSON, one object per line, ASCII only.

* worker -> parent, once: ``{"event": "ready", "pid": N}`` or
  ``{"event": "fatal", "kind": "no_uno"|"connect", "error": "..."}`` (then exit).
* parent -> worker: ``{"id": N, "source": "/abs/in.docx", "target": "/abs/out.pdf",
  "filter_data": {"SelectPdfVersion": 2, ...}, "language": "sv-SE"}`` or ``{"cmd": "quit"}``.
  ``"preview": true`` (optional) loads it in preview mode (beslut's own documents).
  ``language`` (optional) is given to the document before export, see ``_set_language``;
  whether to give it is decided by beslut (``beslut.convert.language``), not here.
* worker -> parent per job: ``{"id": N, "ok": true}`` or
  ``{"id": N, "ok": false, "kind": "load"|"store"|"crash", "error": "LibreOffice's words"}``
  or ``{"id": N, "ok": false, "kind": "not_document", "error": "<detected filter name>"}``
  when type detection fell back to plain text (random bytes "convert" fine as text).
  After ``"crash"`` (the connection to LibreOffice is gone) the worker exits.

On end of input (the parent died) the worker kills the soffice process group it was given,
so that no LibreOffice outlives beslut.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from typing import Any

try:
    import uno  # type: ignore[import-not-found]
except ImportError as exc:  # pragma: no cover - depends on the system
    sys.stdout.write(json.dumps({"event": "fatal", "kind": "no_uno", "error": str(exc)}) + "\n")
    sys.stdout.flush()
    sys.exit(3)


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def _words(exc: BaseException) -> str:
    """LibreOffice's own text of a UNO exception, with the exception type."""
    message = getattr(exc, "Message", None)
    text = message if isinstance(message, str) and message else str(exc)
    text = " ".join(text.split())
    name = getattr(exc, "typeName", None) or type(exc).__name__
    short = str(name).rsplit(".", 1)[-1]
    return f"{text} [{short}]" if text else short


def _is_disconnect(exc: BaseException) -> bool:
    name = str(getattr(exc, "typeName", "") or type(exc).__name__)
    text = _words(exc).lower()
    return (
        "DisposedException" in name
        or "disposed" in text
        or ("connection" in text and ("lost" in text or "closed" in text or "reset" in text))
    )


def _prop(name: str, value: Any) -> Any:
    pv = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    pv.Name = name
    pv.Value = value
    return pv


def _connect(url: str, timeout: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + timeout
    last = "ingen anslutning"
    while True:
        try:
            ctx = resolver.resolve(url)
            smgr = ctx.ServiceManager
            return smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception as exc:  # NoConnectException, RuntimeException while starting
            last = _words(exc)
        if time.monotonic() >= deadline:
            raise TimeoutError(last)
        time.sleep(0.1)


def _update_fields_and_indexes(doc: Any) -> None:
    """Make tables of contents right before export.

    PAGE and NUMPAGES need nothing: the export lays the document out and prints the real
    values (checked by the tests on multi-page output). Refreshing every text field and the
    document cost about 15 % of the conversion time, so it is done only for documents with
    indexes, where updating them can move pages.
    """
    if not hasattr(doc, "getDocumentIndexes"):
        return
    indexes = doc.getDocumentIndexes()
    count = indexes.getCount()
    if not count:
        return
    # Twice, like unoserver: the first update can move page numbers the second fixes.
    for _ in range(2):
        for i in range(count):
            indexes.getByIndex(i).update()
    if hasattr(doc, "getTextFields"):
        doc.getTextFields().refresh()
    if hasattr(doc, "refresh"):
        doc.refresh()


def _locale(tag: str) -> Any:
    language, _, country = tag.partition("-")
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    locale.Language = language
    locale.Country = country
    return locale


def _same_locale(a: Any, b: Any) -> bool:
    return bool(a.Language == b.Language and a.Country == b.Country and a.Variant == b.Variant)


def _set_language(doc: Any, tag: str) -> None:
    """Give the document the language ``tag`` (e.g. ``sv-SE``) in place of its default one.

    The document default (what the PDF export writes as the catalog's /Lang) is set, and so is
    every paragraph and character style that itself carries the old default language, so that
    the text's language agrees with the catalog's and no span is marked with the old one.
    Text that the author marked with a language of its own (direct formatting) keeps it.
    """
    new = _locale(tag)
    defaults = doc.createInstance("com.sun.star.text.Defaults")
    old = defaults.getPropertyValue("CharLocale")
    defaults.setPropertyValue("CharLocale", new)
    families = doc.getStyleFamilies()
    for family in ("ParagraphStyles", "CharacterStyles"):
        styles = families.getByName(family)
        for name in styles.getElementNames():
            style = styles.getByName(name)
            try:
                state = style.getPropertyState("CharLocale")
                if getattr(state, "value", state) != "DIRECT_VALUE":
                    continue
                if _same_locale(style.getPropertyValue("CharLocale"), old):
                    style.setPropertyValue("CharLocale", new)
            except Exception as exc:
                if _is_disconnect(exc):
                    raise


_PLAIN_TEXT_FILTERS = ("Text", "Text (encoded)", "Text (StarWriter/Web)")


def _detected_filter(doc: Any) -> str:
    """The import filter LibreOffice's type detection chose for ``doc``."""
    try:
        for arg in doc.getArgs():
            if arg.Name == "FilterName":
                return str(arg.Value)
    except Exception:
        pass
    return ""


def _convert(desktop: Any, job: dict[str, Any]) -> dict[str, Any]:
    job_id = job.get("id")
    url_in = uno.systemPathToFileUrl(job["source"])
    url_out = uno.systemPathToFileUrl(job["target"])
    load_props: tuple[Any, ...] = (
        _prop("Hidden", True),
        _prop("ReadOnly", True),
        _prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
        _prop("UpdateDocMode", 0),  # NO_UPDATE: no external links
    )
    if job.get("preview"):
        # Read for export only: no spell checking, word completion or other idle work.
        load_props = (*load_props, _prop("Preview", True))
    try:
        doc = desktop.loadComponentFromURL(url_in, "_blank", 0, load_props)
    except Exception as exc:
        kind = "crash" if _is_disconnect(exc) else "load"
        return {"id": job_id, "ok": False, "kind": kind, "error": _words(exc)}
    if doc is None:
        return {
            "id": job_id,
            "ok": False,
            "kind": "load",
            "error": "source file could not be loaded",
        }
    try:
        detected = _detected_filter(doc)
        if detected in _PLAIN_TEXT_FILTERS and not job["source"].lower().endswith(".txt"):
            # Type detection fell back to plain text: the file is no document at all.
            return {"id": job_id, "ok": False, "kind": "not_document", "error": detected}
        if not doc.supportsService("com.sun.star.text.GenericTextDocument"):
            return {
                "id": job_id,
                "ok": False,
                "kind": "load",
                "error": "not a text document",
            }
        language = job.get("language")
        if isinstance(language, str) and language:
            _set_language(doc, language)
        _update_fields_and_indexes(doc)
        filter_data = tuple(_prop(k, v) for k, v in sorted(job.get("filter_data", {}).items()))
        store_props = (
            _prop("FilterName", "writer_pdf_Export"),
            _prop("Overwrite", True),
            _prop("FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", filter_data)),
        )
        # uno.Any inside a struct is only honoured through invoke().
        uno.invoke(doc, "storeToURL", (url_out, store_props))
    except Exception as exc:
        kind = "crash" if _is_disconnect(exc) else "store"
        return {"id": job_id, "ok": False, "kind": kind, "error": _words(exc)}
    finally:
        try:
            doc.close(True)
        except Exception:
            with contextlib.suppress(Exception):
                doc.dispose()
    return {"id": job_id, "ok": True}


def _kill_group(pgid: int) -> None:
    if pgid > 1:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)


def _watch_parent(pgid: int) -> None:
    """Kill LibreOffice and exit as soon as beslut is gone (also after kill -9).

    The main loop notices a closed stdin only between jobs; a hanging LibreOffice, or a
    connection still being made, would otherwise outlive the build.
    """
    parent = os.getppid()

    def run() -> None:
        while True:
            time.sleep(0.25)
            if os.getppid() != parent:
                _kill_group(pgid)
                os._exit(0)

    threading.Thread(target=run, name="beslut-watch-parent", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connect", required=True, help="UNO connection string")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to connect")
    parser.add_argument("--office-pgid", type=int, default=0)
    args = parser.parse_args(argv)
    _watch_parent(args.office_pgid)

    try:
        desktop = _connect(f"uno:{args.connect};urp;StarOffice.ComponentContext", args.timeout)
    except Exception as exc:
        _say({"event": "fatal", "kind": "connect", "error": str(exc)})
        return 4
    _say({"event": "ready", "pid": os.getpid()})
    try:
        return _serve(desktop)
    finally:
        # However the worker ends (end of input: the parent is gone; a broken pipe when it
        # was killed mid-job; LibreOffice gone), it leaves no LibreOffice behind, except after
        # "quit", where LibreOffice is ending itself and the parent waits for it.
        if not _QUITTING:
            _kill_group(args.office_pgid)


_QUITTING = False


def _serve(desktop: Any) -> int:
    global _QUITTING
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError:
            continue
        if request.get("cmd") == "quit":
            _QUITTING = True
            # LibreOffice going away while answering is normal here.
            with contextlib.suppress(Exception):
                desktop.terminate()
            return 0
        answer = _convert(desktop, request)
        try:
            _say(answer)
        except OSError:  # the parent died while LibreOffice converted
            return 6
        if answer.get("kind") == "crash":
            return 5
    return 0  # end of input: the parent is gone


if __name__ == "__main__":
    sys.exit(main())
