"""Reading the published versions' public manifests: the website's only input.

The site is built from ``output/versioner/<möte>/<N>/offentlig/manifest.json`` (audience
"offentlig", the export contract of issue 17) and the files under ``offentlig/`` that it lists,
never from an internal manifest nor from ``output/möten``. :func:`read_public_manifest` is the
one place that knows the manifest's shape; it reads exactly these fields and ignores any other
key (a newer writer may add some):

* ``format`` (must be "beslut-publicering"), ``format_version`` (must be 1), ``audience`` (must be
  "offentlig"), ``version``, ``previous``, ``published``;
* ``meeting``: ``id``, ``organ``, ``organ_name``, ``organisation``, ``date``, ``time``, ``place``,
  ``sent``;
* ``items[]``: ``id``, ``number``, ``kind``, ``title``, ``diary_number``, ``open``,
  ``withheld_reason``, ``provision``, ``supplement``, ``proposal``, ``pages``, ``files``;
* ``files[]``: ``path``, ``sha256``, ``bytes``, ``pages``, ``open`` (false is refused);
* ``changes[]``: ``kind``, ``item``, ``number``, ``file``, ``text``;
* ``minutes``: ``file``, ``paragraphs[]`` (``number``, ``item``, ``title``, ``open``).

A file outside ``offentlig/``, a path that leaves the version folder, a listed file that is
missing, a withheld item's proposal or files: each is refused or dropped here, so nothing past
this module can put withheld content on the site.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beslut.errors import PublishError
from beslut.model.publication import FORMAT, FORMAT_VERSION, PUBLIC_MANIFEST, VERSIONS_DIR

AUDIENCE = "offentlig"
PUBLIC_FOLDER, MANIFEST = PUBLIC_MANIFEST.split("/")
VERSIONS = VERSIONS_DIR
"""``output/versioner``: where the published versions are frozen."""

_VERSION_NAME = re.compile(r"[1-9][0-9]{0,5}")


class ManifestError(PublishError):
    """A public manifest that cannot be read as the export contract (a Swedish message)."""


@dataclass(frozen=True)
class PublicFile:
    """A file of a version's public rendition."""

    path: str
    """Relative to the version folder: ``offentlig/handlingar.pdf``."""
    source: Path
    """Where it is on disk."""
    meeting: str
    version: int
    sha256: str
    size: int
    pages: int | None


@dataclass(frozen=True)
class PublicItem:
    """An agenda item as the public may see it."""

    id: str
    number: int
    kind: str
    title: str
    """The public title (a withheld item's ``offentlig_rubrik``)."""
    diary_number: str | None
    open: bool
    withheld_reason: str | None
    provision: str | None
    supplement: dt.date | None
    proposal: tuple[str, ...]
    """Empty for a withheld item, whatever the manifest says."""
    pages: tuple[int, int] | None
    """The first and last stamped page of the item in the whole packet."""
    files: tuple[str, ...]
    """Empty for a withheld item."""


@dataclass(frozen=True)
class Change:
    """One line of a version's change log."""

    kind: str
    item: str | None
    number: int | None
    file: str | None
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A § of the public protokoll."""

    number: int
    item: str | None
    title: str
    open: bool


@dataclass(frozen=True)
class Minutes:
    """The public protokoll of a version."""

    file: str | None
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class MeetingInfo:
    """The meeting a version belongs to."""

    id: str
    organ: str
    organ_name: str
    organisation: str
    date: dt.date
    time: str | None
    place: str | None
    sent: dt.date | None


@dataclass(frozen=True)
class PublicVersion:
    """One published version of a meeting, as its public manifest describes it."""

    manifest: Path
    meeting: MeetingInfo
    version: int
    previous: int | None
    published: dt.datetime
    items: tuple[PublicItem, ...]
    files: tuple[PublicFile, ...]
    changes: tuple[Change, ...]
    minutes: Minutes | None

    def file(self, path: str | None) -> PublicFile | None:
        """The listed public file at ``path`` (None when it is not one)."""
        return next((f for f in self.files if f.path == path), None)


def published_versions(out_dir: Path) -> list[PublicVersion]:
    """Every published version under ``out_dir/versioner``, by meeting id and number.

    Folders that are not a version (a number) are passed over: a publication that is being
    written lives in a temporary folder until it is renamed to its number.
    """
    root = out_dir / VERSIONS
    found: list[PublicVersion] = []
    if not root.is_dir():
        return found
    for meeting_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if meeting_dir.name.startswith("."):
            continue
        numbers = [
            p for p in meeting_dir.iterdir() if p.is_dir() and _VERSION_NAME.fullmatch(p.name)
        ]
        for version_dir in sorted(numbers, key=lambda p: int(p.name)):
            manifest = version_dir / PUBLIC_FOLDER / MANIFEST
            if not manifest.is_file():
                raise ManifestError(
                    f"{manifest}: den publicerade versionen saknar sitt offentliga manifest. "
                    "Publicera mötet på nytt med beslut publicera."
                )
            version = read_public_manifest(manifest)
            if version.meeting.id != meeting_dir.name or version.version != int(version_dir.name):
                raise ManifestError(
                    f"{manifest}: manifestet gäller {version.meeting.id} version "
                    f"{version.version} men ligger i {meeting_dir.name}/{version_dir.name}."
                )
            found.append(version)
    return found


def read_public_manifest(path: Path) -> PublicVersion:
    """Read one ``offentlig/manifest.json`` (the one function that knows its shape)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ManifestError(f"{path}: manifestet kunde inte läsas som JSON ({exc}).") from None
    reader = _Reader(path)
    top = reader.mapping(data, "")
    if top.get("format") != FORMAT or top.get("format_version") != FORMAT_VERSION:
        raise ManifestError(
            f"{path}: inte ett manifest av formatet {FORMAT} version {FORMAT_VERSION}."
        )
    if top.get("audience") != AUDIENCE:
        raise ManifestError(
            f"{path}: manifestet är inte det offentliga (audience är "
            f"{top.get('audience')!r}, inte {AUDIENCE!r}); webbplatsen läser bara offentliga "
            "manifest."
        )
    version_dir = path.parent.parent
    meeting = reader.meeting(reader.mapping(top.get("meeting"), "meeting"))
    number = reader.integer(top, "version", "")
    files = tuple(
        reader.file(entry, f"files[{n}]", version_dir, meeting.id, number)
        for n, entry in enumerate(reader.items(top, "files"))
    )
    listed = {f.path for f in files}
    items = tuple(
        reader.item(entry, f"items[{n}]", listed)
        for n, entry in enumerate(reader.items(top, "items"))
    )
    changes = tuple(
        Change(
            kind=reader.text(c, "kind", where),
            item=reader.optional_text(c, "item", where),
            number=reader.optional_int(c, "number", where),
            file=reader.optional_text(c, "file", where),
            text=reader.text(c, "text", where),
        )
        for n, entry in enumerate(reader.items(top, "changes"))
        for where in [f"changes[{n}]"]
        for c in [reader.mapping(entry, where)]
    )
    return PublicVersion(
        manifest=path,
        meeting=meeting,
        version=number,
        previous=reader.optional_int(top, "previous", ""),
        published=reader.timestamp(top, "published"),
        items=items,
        files=files,
        changes=changes,
        minutes=reader.minutes(top.get("minutes"), listed),
    )


class _Reader:
    """Typed access to the manifest's JSON, with Swedish messages naming file and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, what: str) -> ManifestError:
        place = f" ({where})" if where else ""
        return ManifestError(f"{self.path}{place}: {what}")

    def mapping(self, value: object, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "förväntade ett objekt.")
        return value

    def items(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "förväntade en lista.")
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(where, key), "förväntade en text.")
        return value

    def optional_text(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        return None if data.get(key) is None else self.text(data, key, where)

    def integer(self, data: Mapping[str, Any], key: str, where: str) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(_join(where, key), "förväntade ett heltal.")
        return value

    def optional_int(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        return None if data.get(key) is None else self.integer(data, key, where)

    def day(self, data: Mapping[str, Any], key: str, where: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(_join(where, key), "förväntade ett datum ÅÅÅÅ-MM-DD.") from None

    def timestamp(self, data: Mapping[str, Any], key: str) -> dt.datetime:
        try:
            moment = dt.datetime.fromisoformat(self.text(data, key, ""))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.fail(key, "förväntade en tidpunkt med tidszon (ISO 8601).")
        return moment

    def meeting(self, data: Mapping[str, Any]) -> MeetingInfo:
        where = "meeting"
        day = self.day(data, "date", where)
        if day is None:
            raise self.fail("meeting.date", "förväntade ett datum ÅÅÅÅ-MM-DD.")
        return MeetingInfo(
            id=self.text(data, "id", where),
            organ=self.text(data, "organ", where),
            organ_name=self.text(data, "organ_name", where),
            organisation=self.text(data, "organisation", where),
            date=day,
            time=self.optional_text(data, "time", where),
            place=self.optional_text(data, "place", where),
            sent=self.day(data, "sent", where),
        )

    def file(
        self, entry: object, where: str, version_dir: Path, meeting: str, version: int
    ) -> PublicFile:
        data = self.mapping(entry, where)
        rel = self.text(data, "path", where)
        parts = rel.split("/")
        if (
            parts[0] != PUBLIC_FOLDER
            or len(parts) < 2
            or posixpath.normpath(rel) != rel
            or any(p in ("", ".", "..") for p in parts)
            or "\\" in rel
        ):
            raise self.fail(
                _join(where, "path"),
                f"{rel!r} ligger inte under {PUBLIC_FOLDER}/; ett offentligt manifest får bara "
                "lista offentliga filer.",
            )
        if data.get("open") is False:
            raise self.fail(
                _join(where, "open"),
                f"{rel!r} är markerad som inte offentlig; ett offentligt manifest får bara lista "
                "offentliga filer.",
            )
        source = version_dir / rel
        if not source.is_file():
            raise self.fail(_join(where, "path"), f"filen {source} saknas.")
        digest = self.text(data, "sha256", where)
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise self.fail(_join(where, "sha256"), "förväntade 64 hexadecimala tecken.")
        return PublicFile(
            path=rel,
            source=source,
            meeting=meeting,
            version=version,
            sha256=digest,
            size=self.integer(data, "bytes", where),
            pages=self.optional_int(data, "pages", where),
        )

    def item(self, entry: object, where: str, listed: set[str]) -> PublicItem:
        data = self.mapping(entry, where)
        is_open = data.get("open") is True
        proposal = data.get("proposal") if is_open else None
        files = [f for f in self.items(data, "files") if is_open and f in listed]
        return PublicItem(
            id=self.text(data, "id", where),
            number=self.integer(data, "number", where),
            kind=self.text(data, "kind", where),
            title=self.text(data, "title", where),
            diary_number=self.optional_text(data, "diary_number", where),
            open=is_open,
            withheld_reason=None if is_open else self.optional_text(data, "withheld_reason", where),
            provision=None if is_open else self.optional_text(data, "provision", where),
            supplement=self.day(data, "supplement", where),
            proposal=tuple(p for p in proposal or () if isinstance(p, str) and p.strip()),
            pages=self.pages(data, where),
            files=tuple(files),
        )

    def pages(self, data: Mapping[str, Any], where: str) -> tuple[int, int] | None:
        value = data.get("pages")
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value)
            or value[0] > value[1]
        ):
            raise self.fail(_join(where, "pages"), "förväntade [första sidan, sista sidan].")
        return value[0], value[1]

    def minutes(self, value: object, listed: set[str]) -> Minutes | None:
        if value is None:
            return None
        data = self.mapping(value, "minutes")
        paragraphs = []
        for n, entry in enumerate(self.items(data, "paragraphs")):
            where = f"minutes.paragraphs[{n}]"
            p = self.mapping(entry, where)
            paragraphs.append(
                Paragraph(
                    number=self.integer(p, "number", where),
                    item=self.optional_text(p, "item", where),
                    title=self.text(p, "title", where),
                    open=p.get("open") is True,
                )
            )
        file = self.optional_text(data, "file", "minutes")
        return Minutes(file if file in listed else None, tuple(paragraphs))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
