"""Published versions as the export contract describes them (issue 17, decisions 6 and 7), for
the website's tests, written without the version-writing code.

:func:`write_versions` makes ``output/versioner/`` with

* ``2022-06-14-hsn`` version 1 (the meeting as the kallelse was sent: items 1–16) and version 2
  (item 17 added by the tilläggslista 2022-06-10, item 4's papers replaced, the protokoll);
  item 12 is secret (public title "Upphandling – tilldelningsbeslut"), item 11 is not
  published on the web;
* ``2022-06-16-rs`` version 1 (another organ, no protokoll),

each with ``manifest.json`` (audience "intern", with the withheld item's real title, proposal
and files), ``offentlig/manifest.json`` (audience "offentlig") and small real PDFs made with
reportlab. The internal files carry the secret markers of ``tests/test_packet_build.py``; the
public ones never do.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from test_packet_build import PROTOKOLL_SECRET_MARKERS, SECRET_MARKERS

ORGANISATION = "Region Exempel"
SECRET_TITLE = SECRET_MARKERS[2]  # "Upphandling av antikroppstester"
PUBLIC_TITLE = "Upphandling – tilldelningsbeslut"
HIDDEN_TITLE = "Ersättning till en enskild patient i ärende Lövgren"
"""The real title of item 11 (not published on the web); the public one is below."""
HIDDEN_PUBLIC_TITLE = "Ärende om ersättning"
PLANTED = (*SECRET_MARKERS, *PROTOKOLL_SECRET_MARKERS, "Lövgren", "tilldelas Kappa")
"""Everything of the withheld items that only internal files hold: must never reach webb/."""
PUBLISHED_1 = "2022-06-07T16:05:00+02:00"
PUBLISHED_2 = "2022-06-21T10:30:00+02:00"


def pdf(*lines: str, pages: int = 1) -> bytes:
    """A small real PDF with ``lines`` as text on each page (Helvetica: å, ä, ö, – included)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(lines[0] if lines else "Handling")
    for n in range(pages):
        y = 800
        for line in lines:
            page.drawString(60, y, line)
            y -= 18
        page.drawString(60, 40, f"Sida {n + 1} ({pages})")
        page.showPage()
    page.save()
    return buffer.getvalue()


def pdf_text(path: Path) -> str:
    """The text pypdf extracts from every page of a PDF."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@dataclass
class Item:
    number: int
    id: str
    kind: str
    title: str
    diary: str | None = None
    proposal: list[str] | None = None
    withheld: str | None = None
    provision: str | None = None
    public_title: str | None = None
    supplement: str | None = None
    files: list[str] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        open_ = self.withheld is None
        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "title": self.title if open_ else self.public_title or self.title,
            "diary_number": self.diary,
            "open": open_,
            "withheld_reason": self.withheld,
            "provision": self.provision,
            "supplement": self.supplement,
            "proposal": self.proposal if open_ else None,
            "pages": [3, 4] if open_ and self.files else None,
            "files": [f"offentlig/{f}" for f in self.files] if open_ else [],
        }

    def internal(self) -> dict[str, Any]:
        data = self.public()
        data.update(
            title=self.title,
            proposal=self.proposal,
            files=[f"ärende-{self.number:02d}.pdf"],
        )
        return data


def hsn_items(version: int) -> list[Item]:
    """The HSN meeting's items in ``version`` (1: as sent; 2: with the supplement item)."""
    lead = "Hälso- och sjukvårdsnämnden beslutar"
    items = [
        Item(1, "justerare", "justerare", "Val av justerare"),
        Item(2, "foredragningslista", "föredragningslista", "Godkännande av föredragningslista"),
        Item(3, "information", "information", "Information från hälso- och sjukvårdsdirektören"),
        Item(
            4,
            "22HSN5101",
            "beslut",
            "Delårsrapport per april 2022",
            "22HSN5101",
            [
                lead,
                "att godkänna delårsrapporten per april 2022,",
                "att överlämna den till regionstyrelsen.",
            ],
            files=["ärende-04.pdf"],
        ),
        Item(
            5,
            "22HSN5102",
            "beslut",
            "Yttrande över motion om fler vårdplatser",
            "22HSN5102",
            [lead, "att anta förvaltningens yttrande som sitt eget."],
            files=["ärende-05.pdf"],
        ),
        Item(6, "22HSN5103", "beslut", "Fallprevention inom slutenvården", "22HSN5103"),
        Item(7, "22HSN5104", "beslut", "Tandvårdstaxa 2023", "22HSN5104"),
        Item(8, "20HSN1764", "beslut", "Uppföljning av plan för intern kontroll 2020", "20HSN1764"),
        Item(
            9, "20HSN1802", "beslut", "Samverkan i Norra sjukvårdsregionförbundet 2020", "20HSN1802"
        ),
        Item(10, "2020-POL000027", "beslut", "Policy för läkemedel", "2020-POL000027"),
        Item(
            11,
            "25HSN4120",
            "beslut",
            HIDDEN_TITLE,
            "25HSN4120",
            [lead, "att bevilja ersättning enligt förslaget."],
            withheld="publiceras_inte",
            public_title=HIDDEN_PUBLIC_TITLE,
        ),
        Item(
            12,
            "22HSN5105",
            "beslut",
            SECRET_TITLE,
            "22HSN5105",
            [lead, "att uppdraget tilldelas Kappa Diagnostik AB för 4 812 000 kronor."],
            withheld="sekretess",
            provision="19 kap. 3 §",
            public_title=PUBLIC_TITLE,
        ),
        Item(
            13,
            "RS-1187-2020",
            "beslut",
            "Hälso- och sjukvårdens organisation – inrättande av divisioner (RS)",
            "RS/1187/2020",
        ),
        Item(14, "delegationsbeslut", "delegationsbeslut", "Anmälan av delegationsbeslut"),
        Item(15, "meddelanden", "meddelanden", "Meddelanden"),
        Item(16, "ovrigt", "övrigt", "Övriga frågor"),
    ]
    if version >= 2:
        items.append(
            Item(
                17,
                "25HSN3392",
                "beslut",
                "Tillfällig förstärkning av ambulanssjukvården i sommar",
                "25HSN3392",
                [lead, "att förstärka ambulanssjukvården under juli och augusti 2022."],
                supplement="2022-06-10",
                files=["ärende-17.pdf"],
            )
        )
    return items


def _file(
    root: Path, rel: str, data: bytes, kind: str, item: str | None, open_: bool
) -> dict[str, Any]:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "path": rel,
        "kind": kind,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "pages": len(PdfReader(io.BytesIO(data)).pages) if rel.endswith(".pdf") else None,
        "open": open_,
        "item": item,
    }


def _manifest(
    audience: str,
    meeting: dict[str, Any],
    version: int,
    published: str,
    items: list[dict[str, Any]],
    files: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    minutes: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "format": "beslut-publicering",
        "format_version": 1,
        "audience": audience,
        "meeting": meeting,
        "version": version,
        "previous": version - 1 if version > 1 else None,
        "published": published,
        "items": items,
        "files": files,
        "changes": changes,
        "minutes": minutes,
    }


def _write_version(
    out_dir: Path,
    meeting: dict[str, Any],
    version: int,
    published: str,
    items: list[Item],
    changes: list[dict[str, Any]],
    minutes: list[dict[str, Any]] | None,
    *,
    supplement: bool = False,
) -> Path:
    folder = out_dir / "versioner" / meeting["id"] / str(version)
    folder.mkdir(parents=True)
    heading = f"{meeting['organ_name']} {meeting['date']}"
    public_files = [
        _file(
            folder,
            "offentlig/kallelse.pdf",
            pdf(
                "KALLELSE",
                heading,
                *(f"{i.number}. {i.public()['title']}" for i in items if not i.supplement),
            ),
            "kallelse",
            None,
            True,
        ),
    ]
    internal_files = [
        _file(
            folder,
            "kallelse.pdf",
            pdf(
                "KALLELSE", heading, *(f"{i.number}. {i.title}" for i in items if not i.supplement)
            ),
            "kallelse",
            None,
            True,
        ),
    ]
    if supplement:
        lines = ("TILLÄGGSLISTA", *(f"{i.number}. {i.title}" for i in items if i.supplement))
        public_files.append(
            _file(folder, "offentlig/tilläggslista.pdf", pdf(*lines), "tillaggslista", None, True)
        )
        internal_files.append(
            _file(folder, "tilläggslista.pdf", pdf(*lines), "tillaggslista", None, True)
        )
    packet_lines = ["HANDLINGAR", heading]
    for item in items:
        if item.withheld == "sekretess":
            packet_lines.append(
                f"Ärende {item.number}: {item.public_title} – Handlingen omfattas av sekretess enligt {item.provision} OSL och publiceras inte."
            )
        elif item.withheld:
            packet_lines.append(
                f"Ärende {item.number}: {item.public_title} – Handlingen publiceras inte på webben."
            )
        elif item.files:
            packet_lines.append(f"Ärende {item.number}: {item.title}")
    public_files.append(
        _file(
            folder,
            "offentlig/handlingar.pdf",
            pdf(*packet_lines, pages=3),
            "packet_public",
            None,
            True,
        )
    )
    internal_files.append(
        _file(
            folder,
            "handlingar.pdf",
            pdf("HANDLINGAR", heading, *SECRET_MARKERS, pages=3),
            "packet",
            None,
            True,
        )
    )
    for item in items:
        body = [f"Ärende {item.number}: {item.title}", f"Version {version}", *(item.proposal or [])]
        if item.withheld:
            body += [*SECRET_MARKERS, "Lövgren"]
        internal_files.append(
            _file(
                folder,
                f"ärende-{item.number:02d}.pdf",
                pdf(*body),
                "item",
                item.id,
                item.withheld is None,
            )
        )
        for name in item.files if item.withheld is None else ():
            public_files.append(
                _file(
                    folder, f"offentlig/{name}", pdf(*body, pages=2), "item_public", item.id, True
                )
            )
    public_minutes = internal_minutes = None
    if minutes is not None:
        by_id = {i.id: i for i in items}
        public_lines = ["PROTOKOLL", heading]
        for p in minutes:
            item = by_id[p["item"]]
            if p["open"]:
                public_lines.append(f"§ {p['number']} {p['title']}")
            else:
                public_lines.append(f"§ {p['number']} {p['title']} Paragrafen publiceras inte.")
        public_files.append(
            _file(
                folder,
                "offentlig/protokoll.pdf",
                pdf(*public_lines, pages=2),
                "minutes_public",
                None,
                True,
            )
        )
        internal_files.append(
            _file(
                folder,
                "protokoll.pdf",
                pdf("PROTOKOLL", *PROTOKOLL_SECRET_MARKERS, SECRET_TITLE),
                "minutes",
                None,
                True,
            )
        )
        public_minutes = {"file": "offentlig/protokoll.pdf", "paragraphs": minutes}
        internal_minutes = {
            "file": "protokoll.pdf",
            "paragraphs": [{**p, "title": by_id[p["item"]].title} for p in minutes],
        }
        del item
    internal = _manifest(
        "intern",
        meeting,
        version,
        published,
        [i.internal() for i in items],
        internal_files + public_files,
        changes,
        internal_minutes,
    )
    internal["changes"] = [
        *changes,
        {
            "kind": "item_changed",
            "item": "22HSN5105",
            "number": 12,
            "file": None,
            "text": f"Punkt 12 {SECRET_TITLE} har ändrats: tilldelas Kappa Diagnostik.",
        },
    ]
    public = _manifest(
        "offentlig",
        meeting,
        version,
        published,
        [i.public() for i in items],
        public_files,
        changes,
        public_minutes,
    )
    (folder / "manifest.json").write_text(
        json.dumps(internal, ensure_ascii=False, indent=2), "utf-8"
    )
    (folder / "offentlig" / "manifest.json").write_text(
        json.dumps(public, ensure_ascii=False, indent=2), "utf-8"
    )
    for path in folder.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o444)
    return folder


HSN = {
    "id": "2022-06-14-hsn",
    "organ": "hsn",
    "organ_name": "Hälso- och sjukvårdsnämnden",
    "organisation": ORGANISATION,
    "date": "2022-06-14",
    "time": "09.00",
    "place": "Regionens hus, sammanträdesrum Storsjön",
    "sent": "2022-06-07",
}
RS = {
    "id": "2022-06-16-rs",
    "organ": "rs",
    "organ_name": "Regionstyrelsen",
    "organisation": ORGANISATION,
    "date": "2022-06-16",
    "time": "13.00",
    "place": "Regionens hus, sessionssalen",
    "sent": "2022-06-09",
}
CHANGES_2 = [
    {
        "kind": "item_added",
        "item": "25HSN3392",
        "number": 17,
        "file": "offentlig/ärende-17.pdf",
        "text": "Punkt 17 Tillfällig förstärkning av ambulanssjukvården i sommar har lagts till genom tilläggslistan 2022-06-10.",
    },
    {
        "kind": "document_added",
        "item": None,
        "number": None,
        "file": "offentlig/tilläggslista.pdf",
        "text": "Tilläggslistan 2022-06-10 har lagts till.",
    },
    {
        "kind": "document_replaced",
        "item": "22HSN5101",
        "number": 4,
        "file": "offentlig/ärende-04.pdf",
        "text": "Handlingarna till punkt 4 Delårsrapport per april 2022 har ersatts.",
    },
    {
        "kind": "pages_moved",
        "item": None,
        "number": None,
        "file": "offentlig/handlingar.pdf",
        "text": "Sidorna 30–41 i handlingarna har flyttats till sidorna 32–43.",
    },
    {
        "kind": "minutes_added",
        "item": None,
        "number": None,
        "file": "offentlig/protokoll.pdf",
        "text": "Protokollet har lagts till.",
    },
]


def hsn_paragraphs() -> list[dict[str, Any]]:
    """The public protokoll's §§ (41 for item 1 … 57 for item 17)."""
    return [
        {
            "number": 40 + item.number,
            "item": item.id,
            "title": item.public()["title"],
            "open": item.withheld is None,
        }
        for item in hsn_items(2)
    ]


def write_versions(out_dir: Path) -> Path:
    """Write the published versions into ``out_dir/versioner``; returns ``out_dir``."""
    _write_version(out_dir, HSN, 1, PUBLISHED_1, hsn_items(1), [], None)
    _write_version(
        out_dir, HSN, 2, PUBLISHED_2, hsn_items(2), CHANGES_2, hsn_paragraphs(), supplement=True
    )
    rs_items = [
        Item(1, "justerare", "justerare", "Val av justerare"),
        Item(
            2,
            "RS-730-2018",
            "beslut",
            "Regional utvecklingsstrategi 2030",
            "RS/730/2018",
            ["Regionstyrelsen föreslår regionfullmäktige besluta", "att anta strategin."],
            files=["ärende-02.pdf"],
        ),
        Item(3, "ovrigt", "övrigt", "Övriga frågor"),
    ]
    _write_version(out_dir, RS, 1, "2022-06-09T08:00:00+02:00", rs_items, [], None)
    return out_dir


def make_writable(out_dir: Path) -> None:
    """Let a test change a version (its files are read-only, as published)."""
    for path in (out_dir / "versioner").rglob("*"):
        if path.is_file():
            os.chmod(path, 0o644)
