"""The export contract: the manifest of a published version (``beslut publicera``).

Every version folder ``output/versioner/<möte>/<N>/`` holds ``manifest.json`` (audience
``intern``: every file) and ``offentlig/manifest.json`` (audience ``offentlig``: only the files
under ``offentlig/``; a withheld item is its number, id, public title and reason, nothing else).
Reading apps, e-archives and the public website take a meeting in from these files alone.

Keys are English (a data format, like the build's ``manifest.json``); every title and
description of the generated JSON Schema (``schemas/publicering.schema.json``) is Swedish.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from beslut.model.schematext import swedish

FORMAT = "beslut-publicering"
"""The manifest's ``format``."""
FORMAT_VERSION = 1
"""The manifest's ``format_version``: raised when a key changes meaning or goes away."""
VERSIONS_DIR = "versioner"
"""The versions' folder in the output folder (``make clean`` keeps it)."""
PUBLIC_MANIFEST = "offentlig/manifest.json"
"""A version's public manifest, relative to the version's folder (the website's only input)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@swedish(
    "Målgrupp",
    "Vem manifestet är skrivet för.",
    {
        "intern": "Förvaltningen och ledamöterna: varje fil i versionen.",
        "offentlig": "Allmänheten: bara filerna under offentlig/, utan sekretessbelagt innehåll.",
    },
)
class Audience(StrEnum):
    """Who a manifest is for."""

    INTERNAL = "intern"
    PUBLIC = "offentlig"


@swedish(
    "Skäl att inte publicera",
    "Varför punktens handlingar inte finns i de offentliga versionerna.",
    {
        "sekretess": "Sekretess enligt offentlighets- och sekretesslagen (se provision).",
        "publiceras_inte": "Publiceras inte på webben (t.ex. personuppgifter), utan sekretess; "
        "handlingarna kan begäras ut.",
    },
)
class Withheld(StrEnum):
    """Why an item's papers are not public (the values of ``disclosure.WithheldReason``)."""

    SECRECY = "sekretess"
    NOT_PUBLISHED = "publiceras_inte"


@swedish(
    "Typ av ändring",
    "Vad som har ändrats sedan förra versionen.",
    {
        "item_added": "En punkt har lagts till på föredragningslistan.",
        "item_removed": "En punkt har tagits bort från föredragningslistan.",
        "item_changed": "En punkt har fått en annan rubrik eller ett annat nummer.",
        "document_added": "En fil har tillkommit.",
        "document_replaced": "En fil har ersatts av en ny version (annan SHA-256).",
        "document_removed": "En fil har tagits bort.",
        "pages_moved": "En punkts handlingar står på andra sidor i handlingarna.",
        "minutes_added": "Protokollet har tillkommit.",
        "minutes_replaced": "Protokollet har ersatts av en ny version.",
    },
)
class ChangeKind(StrEnum):
    """What changed since the previous version."""

    ITEM_ADDED = "item_added"
    ITEM_REMOVED = "item_removed"
    ITEM_CHANGED = "item_changed"
    DOCUMENT_ADDED = "document_added"
    DOCUMENT_REPLACED = "document_replaced"
    DOCUMENT_REMOVED = "document_removed"
    PAGES_MOVED = "pages_moved"
    MINUTES_ADDED = "minutes_added"
    MINUTES_REPLACED = "minutes_replaced"


class PublishedMeeting(_Frozen):
    """Sammanträdet som versionen hör till."""

    model_config = ConfigDict(title="Sammanträde")

    id: str = Field(
        title="Id", description="Mötets id: mötesfilens namn utan .yaml, t.ex. 2022-06-14-hsn."
    )
    organ: str = Field(title="Instans", description="Instansens id i profilen, t.ex. hsn.")
    organ_name: str = Field(
        title="Instansens namn", description="T.ex. Hälso- och sjukvårdsnämnden."
    )
    organisation: str = Field(title="Organisation", description="Organisationens namn.")
    date: dt.date = Field(title="Datum", description="Sammanträdesdag, ÅÅÅÅ-MM-DD.")
    time: str = Field(title="Tid", description='Klockslag, t.ex. "09.00".')
    place: str = Field(title="Plats", description="Var sammanträdet hålls.")
    sent: dt.date | None = Field(
        title="Utskicksdatum", description="Kallelsens utskicksdatum, eller null."
    )


class PublishedItem(_Frozen):
    """En punkt på föredragningslistan, som den publicerades."""

    model_config = ConfigDict(title="Punkt på föredragningslistan")

    id: str = Field(
        title="Id",
        description="Punktens stabila id: diarienumret, annars typ och rubrik (t.ex. "
        "information-ekonomi); -2, -3 … för en upprepning. Samma id i alla versioner.",
    )
    number: int = Field(title="Nummer", description="Punktens nummer på föredragningslistan.")
    kind: str = Field(
        title="Typ", description="justerare, föredragningslista, beslut, information, … "
    )
    title: str = Field(
        title="Rubrik",
        description="Rubriken för manifestets målgrupp: i det offentliga manifestet den "
        "offentliga rubriken för en punkt vars handlingar inte publiceras.",
    )
    diary_number: str | None = Field(
        title="Diarienummer", description="Ärendets diarienummer, eller null."
    )
    open: bool = Field(
        title="Offentlig", description="true när punktens handlingar publiceras offentligt."
    )
    withheld_reason: Withheld | None = Field(
        title="Skäl att inte publicera", description="null för en offentlig punkt."
    )
    provision: str | None = Field(
        title="Bestämmelse", description='Sekretessbestämmelsen, t.ex. "19 kap. 3 §", eller null.'
    )
    supplement: dt.date | None = Field(
        title="Tillägg",
        description="Tilläggslistans datum när punkten lades till efter utskicket, annars null.",
    )
    proposal: tuple[str, ...] | None = Field(
        title="Förslag till beslut",
        description="Förslaget rad för rad (”Nämnden beslutar”, ”att …”), bara för en "
        "offentlig punkt med ett ärende; annars null.",
    )
    pages: tuple[int, int] | None = Field(
        title="Sidor",
        description="Första och sista sidan (sidstämpelns nummer) i manifestets handlingar.pdf, "
        "eller null när punkten inte har egna handlingar där.",
    )
    files: tuple[str, ...] = Field(
        title="Filer", description="Punktens egna filer i versionen (sökvägar som i files)."
    )


class PublishedFile(_Frozen):
    """En fil i versionen."""

    model_config = ConfigDict(title="Fil i versionen")

    path: str = Field(
        title="Sökväg",
        description="Relativ till versionens mapp, med / (t.ex. offentlig/handlingar.pdf).",
    )
    kind: str = Field(
        title="Slag",
        description="Som i byggets manifest: packet, packet-public, kallelse, item, "
        "item-public, protokoll, …",
    )
    sha256: str = Field(
        title="SHA-256", description="Filens kontrollsumma (hex), som den ligger i versionen."
    )
    built_sha256: str | None = Field(
        None,
        title="Byggets SHA-256",
        description="Kontrollsumman av filen som bygget gjorde den, när versionen har fått en "
        "ändringssida först (handlingar.pdf från version 2); annars null.",
    )
    content_sha256: str | None = Field(
        None,
        title="Innehållets SHA-256",
        description="Kontrollsumma av innehållet utan datum och metadata: en PDF:s sidor "
        "(text, bilder, sidstämplar), en Word-fils dokumentdelar. Samma innehåll ger samma "
        "summa också när filen har byggts om; ändringsloggen jämför den.",
    )
    bytes: int = Field(title="Storlek", description="Filens storlek i byte.")
    pages: int | None = Field(title="Sidor", description="Antal sidor för en PDF, annars null.")
    open: bool = Field(title="Offentlig", description="true för filer under offentlig/.")
    item: str | None = Field(
        title="Punkt", description="Id för punkten filen hör till, eller null (mötets filer)."
    )


class Change(_Frozen):
    """En ändring sedan förra versionen, med en mening för läsare."""

    model_config = ConfigDict(title="Ändring")

    kind: ChangeKind = Field(title="Typ av ändring")
    item: str | None = Field(None, title="Punkt", description="Punktens id, eller null.")
    number: int | None = Field(None, title="Nummer", description="Punktens nummer, eller null.")
    file: str | None = Field(None, title="Fil", description="Filens sökväg, eller null.")
    text: str = Field(title="Text", description="Ändringen i en mening, för läsare.")


class MinutesParagraph(_Frozen):
    """En paragraf i protokollet."""

    model_config = ConfigDict(title="Paragraf")

    number: int = Field(title="Nummer", description="Paragrafens nummer (§).")
    item: str | None = Field(
        title="Punkt",
        description="Id för punkten på föredragningslistan, eller null för ett "
        "ärende som lades till vid sammanträdet.",
    )
    title: str = Field(title="Rubrik", description="Rubriken för manifestets målgrupp.")
    open: bool = Field(title="Offentlig", description="true när paragrafen publiceras.")


class PublishedMinutes(_Frozen):
    """Versionens protokoll, när det har byggts."""

    model_config = ConfigDict(title="Protokoll")

    file: str | None = Field(
        title="Fil", description="Protokollets PDF i versionen, eller null om den saknas."
    )
    paragraphs: tuple[MinutesParagraph, ...] = Field(title="Paragrafer")


class Publication(_Frozen):
    """Manifestet för en publicerad version av ett sammanträde (exportformatet)."""

    model_config = ConfigDict(
        title="Publicerad version av ett sammanträde",
        json_schema_extra={
            "description": "Manifestet för en publicerad version (beslut publicera): "
            "output/versioner/<möte>/<N>/manifest.json (intern) och "
            "offentlig/manifest.json (offentlig)."
        },
    )

    format: Literal["beslut-publicering"] = Field(
        title="Format", description="Alltid beslut-publicering."
    )
    format_version: Literal[1] = Field(
        title="Formatversion", description="Höjs när en nyckel byter betydelse eller försvinner."
    )
    audience: Audience = Field(title="Målgrupp")
    meeting: PublishedMeeting = Field(title="Sammanträde")
    version: int = Field(ge=1, title="Version", description="Versionens nummer: 1, 2, …")
    previous: int | None = Field(
        title="Förra versionen", description="Numret på versionen före, eller null."
    )
    published: dt.datetime = Field(
        title="Publicerad", description="När versionen publicerades (ISO 8601 med tidszon)."
    )
    items: tuple[PublishedItem, ...] = Field(title="Punkter", description="I listans ordning.")
    files: tuple[PublishedFile, ...] = Field(title="Filer")
    changes: tuple[Change, ...] = Field(
        title="Ändringar", description="Ändringar sedan förra versionen (tom för version 1)."
    )
    minutes: PublishedMinutes | None = Field(
        title="Protokoll", description="Protokollet, när det har byggts; annars null."
    )

    def to_json(self) -> str:
        """The manifest as written to disk (UTF-8, indented, keys in model order)."""
        return self.model_dump_json(indent=2) + "\n"

    def file(self, path: str) -> PublishedFile | None:
        """The file entry for ``path``, or None."""
        return next((f for f in self.files if f.path == path), None)
