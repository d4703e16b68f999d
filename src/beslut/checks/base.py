"""What every content check gets: the validated workspace, its documents as located prose,
and helpers for the questions several checks ask (when is the decision, will it be published)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from beslut.checks.prose import Block, all_string_blocks, is_prose_path, markdown_blocks
from beslut.model.models import AgendaItem, Case, CheckSettings, Meeting, Profile

T = TypeVar("T")

if TYPE_CHECKING:
    from beslut.load.source import Source
    from beslut.validate.findings_cache import FindingsCache
    from beslut.validate.workspace import CaseDocument, MeetingDocument


@dataclass
class Document:
    """A case or meeting file, cut into located prose blocks.

    A document lives as long as its file is unchanged (see :meth:`Context.case_document`), so
    checks keep what they found in one file with :meth:`memo` and do not search it again.
    """

    source: Source
    case: Case | None = None
    meeting: Meeting | None = None
    body: str = ""
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Return ``compute()``, computed once per document and key."""
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    @property
    def rel(self) -> str:
        """Return the file's path relative to the workspace."""
        return self.source.rel

    @cached_property
    def file_lines(self) -> list[str]:
        """Return the file's lines as read (BOM removed, line ends normalised)."""
        return self.source.text.split("\n")

    @cached_property
    def body_blocks(self) -> list[Block]:
        """Return the Markdown body's prose blocks."""
        if not self.body.strip():
            return []
        first = self.source.body_offset + 1
        indent = 0
        if self.source.path.suffix.lower() != ".md":
            indent = _block_indent(self.file_lines, first)
        return markdown_blocks(self.body, self.file_lines, first, indent)

    @cached_property
    def field_blocks(self) -> list[Block]:
        """Return the prose strings of the YAML data (titles, decision points, lists …).

        The same blocks as :func:`~beslut.checks.prose.yaml_blocks`, taken from
        :attr:`every_string` (a prose string is never under ``text``), so the data is walked
        and its strings located once per file."""
        return [block for block in self.every_string if is_prose_path(block.path)]

    @cached_property
    def every_string(self) -> list[Block]:
        """Return every YAML string, identifiers and contact data included."""
        return all_string_blocks(self.source.data, self.source.positions, self.file_lines)

    @cached_property
    def postscript_blocks(self) -> list[Block]:
        """Return the prose blocks of a case's ``efterskrift`` (Markdown after the signatures)."""
        if self.case is None or not self.case.postscript:
            return []
        pos = self.source.positions.find(("efterskrift",))
        if self.file_lines[pos.line - 1].rstrip().endswith(("|", "|-", "|+", ">", ">-", ">+")):
            first = pos.line + 1
            indent = _block_indent(self.file_lines, first)
        else:  # a one-line value: it starts where the value does
            first, indent = pos.line, pos.column - 1
        return markdown_blocks(self.case.postscript, self.file_lines, first, indent)

    @property
    def prose(self) -> Iterator[Block]:
        """Yield the YAML prose strings, then the body blocks and the efterskrift."""
        yield from self.field_blocks
        yield from self.body_blocks
        yield from self.postscript_blocks

    def at(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """Return the (line, column) of a key path's value."""
        pos = self.source.positions.find(path)
        return pos.line, pos.column


def _block_indent(lines: list[str], first: int) -> int:
    for line in lines[first - 1 :]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _kind(document: Document) -> str:
    return "sammanträde" if document.case is None else "ärende"


_DOCUMENTS: dict[str, Document] = {}


def _document(source: Source, make: Callable[[], Document]) -> Document:
    """Return the document of a source, reused while the loader returns the same source object
    (it does for an unchanged file), so watch mode cuts only the edited file into prose."""
    found = _DOCUMENTS.get(source.rel)
    if found is None or found.source is not source:
        found = make()
        if len(_DOCUMENTS) >= 4096:
            _DOCUMENTS.clear()
        _DOCUMENTS[source.rel] = found
    return found


@dataclass
class Context:
    """The workspace as content checks see it."""

    root: Path
    profile: Profile
    cases: tuple[CaseDocument, ...]
    meetings: tuple[MeetingDocument, ...]
    cache: FindingsCache | None = None
    """The disk cache of what checks find in one file (see :meth:`one_file`)."""

    @cached_property
    def _cache_settings(self) -> str:
        from beslut.validate.findings_cache import settings_key

        return settings_key("dokument", self.profile.model_dump_json())

    def one_file(
        self,
        document: Document,
        part: str,
        compute: Callable[[], T],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T | None],
    ) -> T:
        """Return ``compute()``, which must depend only on ``document``'s file and the
        profile: remembered while the file is unchanged (watch mode) and kept in the disk
        cache under the file's text and path, the profile and the code fingerprint (a new
        process). ``encode``/``decode`` turn the value into JSON and back (None: damaged)."""
        from beslut.validate.findings_cache import entry_key

        settings = self._cache_settings
        if self.cache is None:
            return document.memo(f"{part}:{settings}", compute)
        cache = self.cache
        key = document.memo(
            f"{part}-nyckel:{settings}",
            lambda: entry_key(settings, part, _kind(document), document.rel, document.source.text),
        )
        found = document.memo(
            f"{part}:{settings}", lambda: cache.lookup(key, compute, encode, decode)
        )
        cache.use(key, found, encode)
        return found

    @property
    def settings(self) -> CheckSettings:
        """Return the profile's check settings."""
        return self.profile.checks

    def case_document(self, case: CaseDocument) -> Document:
        """Return the prose of a case file."""
        return _document(case.source, lambda: Document(case.source, case=case.case, body=case.body))

    def meeting_document(self, meeting: MeetingDocument) -> Document:
        """Return the prose of a meeting file."""
        return _document(meeting.source, lambda: Document(meeting.source, meeting=meeting.meeting))

    def documents(self) -> Iterator[Document]:
        """Yield every case and meeting document."""
        for case in self.cases:
            yield self.case_document(case)
        for meeting in self.meetings:
            yield self.meeting_document(meeting)

    def agenda_entries(self, dnr: str) -> list[tuple[MeetingDocument, int, AgendaItem]]:
        """Return every (meeting, item index, item) that puts the case on an agenda."""
        return [
            (m, index, item)
            for m in self.meetings
            for index, item in enumerate(m.meeting.items)
            if item.diary_number == dnr and item.has_case
        ]

    def decision_date(self, case: Case) -> dt.date:
        """Return the day the case is decided: its earliest meeting, else the case's date."""
        dates = [m.meeting.date for m, _, _ in self.agenda_entries(case.diary_number)]
        return min(dates) if dates else case.date
