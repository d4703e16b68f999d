"""A disk cache of check findings that depend on one file: a new process checks only what
changed.

Used for what the content checks find in one file (:meth:`beslut.checks.base.Context.one_file`:
the one-file checks, :data:`beslut.checks.DOCUMENT_CHECKS`, and the one-file parts of the others:
sections, decision points, the deadlines a case names) and for the templates' static problems
(:func:`beslut.render.case.template_problems`). An entry's key is a
SHA-256 of everything the findings depend on: the file's content and workspace path, the
profile, and :func:`beslut.fingerprint.code_fingerprint` (other beslut code, other findings).
Its value is the findings themselves, fixes included, so a cached finding is exactly the one a
fresh check would give.

One JSON file per kind (``.beslut-cache/fynd/dokument.json``, ``…/mallar.json``), read once and
written atomically once per run, not one file per entry: for 1 000 case files that is one
``open`` and one ``json.loads`` of about a megabyte (a few milliseconds) instead of a thousand
files to open, and one atomic write (one ``fsync``) instead of a thousand on a cold run. Each
write keeps only the entries the run used, so the file never holds more than the workspace
has. A damaged, unreadable or foreign file is ignored (the findings are computed again and the
file rewritten); an unwritable workspace just means no cache. Deleting ``.beslut-cache`` is
always safe. Two processes writing at once lose nothing but cache entries: last write wins.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from beslut.atomic import write_text_atomic
from beslut.diagnostics import Diagnostic, Fix
from beslut.fingerprint import code_fingerprint
from beslut.load.paths import CACHE_DIR

T = TypeVar("T")

FINDINGS_DIR = "fynd"
"""Folder under CACHE_DIR with one store per kind of finding."""
STORE_VERSION = 1
"""Raised when the file format changes (the code fingerprint covers what the findings mean)."""


def settings_key(*parts: str) -> str:
    """Return the part of every key that is the same for all files of a run: the code
    fingerprint and ``parts`` (the profile as JSON, …)."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()


def entry_key(settings: str, *parts: str | bytes) -> str:
    """Return the key of one entry: ``settings`` (see :func:`settings_key`) and the file's
    content, path and whatever else its findings depend on."""
    digest = hashlib.sha256(settings.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: no ambiguity
    return digest.hexdigest()


def encode_findings(found: Sequence[Diagnostic]) -> list[dict[str, object]]:
    """Return findings as JSON: :meth:`Diagnostic.to_dict` and the fix, if any."""
    encoded = []
    for item in found:
        data = item.to_dict()
        if item.fix is not None:
            fix = item.fix
            data["fix"] = [fix.line, fix.column, fix.end_line, fix.end_column, fix.replacement]
        encoded.append(data)
    return encoded


def decode_findings(raw: Any) -> list[Diagnostic] | None:
    """Return the findings of a stored entry, or None when it is not what :func:`encode_findings`
    wrote (a damaged or foreign file)."""
    try:
        found = []
        for data in raw:
            item = Diagnostic.from_dict(data)
            fix = data.get("fix")
            if fix is not None:
                line, column, end_line, end_column, replacement = fix
                item = replace(
                    item,
                    fix=Fix(
                        int(line), int(column), int(end_line), int(end_column), str(replacement)
                    ),
                )
            found.append(item)
        return found
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


class FindingsCache:
    """The findings of one kind for one workspace: look up, compute what is missing, save.

    The file is read on the first :meth:`get` (watch mode, which keeps unchanged files'
    findings in memory, reads it only when a file changed) and written by :meth:`save` when
    the run computed something or used fewer entries than the file holds.
    """

    def __init__(self, root: Path, kind: str) -> None:
        self.path = root / CACHE_DIR / FINDINGS_DIR / f"{kind}.json"
        self._stored: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}
        self._computed = False

    def _load(self) -> dict[str, Any]:
        if self._stored is None:
            self._stored = {}
            try:
                data = json.loads(self.path.read_bytes())
                if data.get("version") == STORE_VERSION and isinstance(data["entries"], dict):
                    self._stored = data["entries"]
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                pass  # no cache yet, or a damaged one: compute and rewrite it
        return self._stored

    def get(self, key: str, compute: Callable[[], Sequence[Diagnostic]]) -> list[Diagnostic]:
        """Return the stored findings for ``key``, else ``compute()`` (and store them)."""
        return self.lookup(key, lambda: list(compute()), encode_findings, decode_findings)

    def lookup(
        self,
        key: str,
        compute: Callable[[], T],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T | None],
    ) -> T:
        """Return the stored value for ``key`` (``decode`` of its JSON; None means damaged),
        else ``compute()``, stored as ``encode`` of it: for what a check found in one file
        before it compares with other files (a case's deadlines)."""
        raw = self._load().get(key)
        found = None if raw is None else decode(raw)
        if found is None:
            found = compute()
            raw = encode(found)
            self._computed = True
        self._used[key] = raw
        return found

    def use(self, key: str, found: Any, encode: Callable[[Any], Any] | None = None) -> None:
        """Record that the run used ``key`` with a value it already had in memory (findings,
        or what ``encode`` turns into JSON), so that :meth:`save` keeps the entry."""
        if key not in self._used:
            self._used[key] = (encode or encode_findings)(found)

    def save(self) -> None:
        """Write the entries this run used, if the file does not hold exactly those."""
        if self._stored is None:  # nothing was looked up: every finding came from memory
            return
        if not self._computed and self._stored.keys() == self._used.keys():
            return
        text = json.dumps({"version": STORE_VERSION, "entries": self._used}, ensure_ascii=False)
        with contextlib.suppress(OSError):  # a read-only workspace just means no cache
            write_text_atomic(self.path, text)
        self._stored = dict(self._used)
        self._computed = False


__all__ = [
    "FINDINGS_DIR",
    "FindingsCache",
    "decode_findings",
    "encode_findings",
    "entry_key",
    "settings_key",
]
