"""A packet assembled warm (after an edit, in a process that assembled the meeting before) is the
packet a new process assembles: the replayed structure trees of unchanged parts
(``structure._Replay``) change nothing a reader, a screen reader or an archive sees.

Uses the LibreOffice papers of ``test_assemble`` (tagged PDF/A-2b with headings and notes).
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from beslut.assemble import PacketDocument, PacketItem, assemble_packet
from beslut.assemble.overlays import _OVERLAYS
from beslut.assemble.parts import READERS
from beslut.assemble.structure import _StructCopier
from test_assemble import NOTICE, TITLE, Papers, papers, soffice  # noqa: F401  (fixtures)
from test_pdf_tags import structure_elements, tag_problems


def _cold() -> None:
    """Forget every parsed file (and the replays kept with them), as a new process would."""
    READERS.clear()
    _OVERLAYS.clear()


def _outline_titles(reader: PdfReader) -> list[Any]:
    def walk(nodes: list[Any]) -> list[Any]:
        return [walk(node) if isinstance(node, list) else str(node.title) for node in nodes]

    return walk(reader.outline)


def _content(path: Path) -> dict[str, Any]:
    """What the packet shows: text per page, outline, labels, metadata and the tag tree."""
    reader = PdfReader(path)
    tree = reader.root_object["/StructTreeRoot"].get_object()
    elements = list(structure_elements(tree))
    return {
        "pages": len(reader.pages),
        "text": [page.extract_text() for page in reader.pages],
        "outline": _outline_titles(reader),
        "labels": list(reader.page_labels),
        "info": {str(k): str(v) for k, v in (reader.metadata or {}).items()},
        "xmp": reader.root_object["/Metadata"].get_object().get_data(),
        "roles": Counter(str(e.get("/S")) for e in elements),
        "titles": [str(e["/T"]) for e in elements if "/T" in e],
        "ids": sorted(str(e["/ID"]) for e in elements if "/ID" in e),
        "lang": [str(e["/Lang"]) for e in elements if "/Lang" in e],
        "page_keys": [int(page.get("/StructParents", -1)) for page in reader.pages],
        "parent_tree": len(tree["/ParentTree"].get_object()["/Nums"]) // 2,
        "next_key": int(tree["/ParentTreeNextKey"]),
        "on_pages": [
            (str(e["/S"]), reader.get_page_number(e["/Pg"])) for e in elements if "/Pg" in e
        ],
    }


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many parts had their structure tree replayed, per call of ``assemble_packet``."""
    counted: list[int] = []
    original = _StructCopier.replay

    def counting(self: _StructCopier, replay: Any) -> None:
        counted.append(1)
        original(self, replay)

    monkeypatch.setattr(_StructCopier, "replay", counting)
    return counted


@pytest.mark.libreoffice
def test_warm_packet_after_an_edit_is_the_cold_packet(
    papers: Papers,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    replays: list[int],
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    case = tmp_path / "arende.pdf"
    shutil.copyfile(papers.directive, case)

    def items(public: bool = False) -> list[PacketItem]:
        secret = PacketDocument(papers.secret, "Bilaga 1", NOTICE if public else None)
        return [
            PacketItem(1, "Utredning", (PacketDocument(papers.report, "Tjänsteskrivelse"),)),
            PacketItem(2, "Ändrat ärende", (PacketDocument(case, "Tjänsteskrivelse"),)),
            PacketItem(3, "Sekretess", (secret,)),
            PacketItem(
                4,
                "Direktiv",
                (
                    PacketDocument(papers.directive, "Bilaga 1"),
                    PacketDocument(papers.english, "Bilaga 2"),
                    PacketDocument(papers.external, "Bilaga 3"),
                ),
            ),
        ]

    _cold()
    assemble_packet(papers.front, items(), tmp_path / "first.pdf", title=TITLE)
    assemble_packet(papers.front, items(True), tmp_path / "first-public.pdf", title=TITLE)
    assert replays  # the public packet already replays the parts it shares

    # The case is edited: another tagged paper (other pages, headings, language) at its path.
    shutil.copyfile(papers.english, case)
    replays.clear()
    warm, warm_public = tmp_path / "warm.pdf", tmp_path / "warm-public.pdf"
    assemble_packet(papers.front, items(), warm, title=TITLE)
    # every tagged part but the edited one: kallelse, report, secret, directive, english
    assert len(replays) == 5
    assemble_packet(papers.front, items(True), warm_public, title=TITLE)

    _cold()
    replays.clear()
    cold, cold_public = tmp_path / "cold.pdf", tmp_path / "cold-public.pdf"
    assemble_packet(papers.front, items(), cold, title=TITLE)
    assert replays == []  # a new process copies every tree
    _cold()
    assemble_packet(papers.front, items(True), cold_public, title=TITLE)

    for warm_file, cold_file in ((warm, cold), (warm_public, cold_public)):
        seen, expected = _content(warm_file), _content(cold_file)
        for key in expected:
            assert seen[key] == expected[key], key
        assert warm_file.read_bytes() == cold_file.read_bytes()
    shown = _content(warm)
    assert any("ENGLISH" in text for text in shown["text"])
    assert shown["pages"] == _content(tmp_path / "first.pdf")["pages"] - 1  # 2 pages → 1
    assert tag_problems(warm) == []


def _with_id(source: Path, target: Path, name: bytes) -> Path:
    """``source`` with its last structure element named ``name`` in an ID tree (as a note)."""
    writer = PdfWriter(clone_from=source)
    tree = writer.root_object["/StructTreeRoot"].get_object()
    paragraph = list(structure_elements(tree))[-1]
    paragraph[NameObject("/ID")] = ByteStringObject(name)
    assert paragraph.indirect_reference is not None
    tree[NameObject("/IDTree")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject(name.decode()), paragraph.indirect_reference]
            )
        }
    )
    writer.write(target)
    return target


@pytest.mark.libreoffice
def test_a_part_whose_ids_are_taken_is_copied_and_renamed_never_replayed(
    papers: Papers,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    replays: list[int],
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    report = _with_id(papers.report, tmp_path / "report.pdf", b"not-1")
    directive = _with_id(papers.directive, tmp_path / "directive.pdf", b"not-1")
    items = [
        PacketItem(1, "Utredning", (PacketDocument(report, "Tjänsteskrivelse"),)),
        PacketItem(2, "Direktiv", (PacketDocument(directive, "Bilaga 1"),)),
    ]
    _cold()
    assemble_packet(None, items[1:], tmp_path / "item.pdf", title="Ärende 2")  # a replay kept
    replays.clear()
    assemble_packet(None, items, tmp_path / "warm.pdf", title="Två")
    assert replays == []  # the directive's ID is the report's: copied, its ID renamed
    _cold()
    assemble_packet(None, items, tmp_path / "cold.pdf", title="Två")
    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    tree = PdfReader(tmp_path / "warm.pdf").root_object["/StructTreeRoot"].get_object()
    ids = sorted(str(e["/ID"]) for e in structure_elements(tree) if "/ID" in e)
    assert ids == ["not-1", "not-1-2"]
    listed = sorted(str(name) for name in tree["/IDTree"]["/Names"][::2])
    assert listed == ids


@pytest.mark.libreoffice
def test_the_packet_is_written_byte_for_byte_as_pypdf_writes_it(
    papers: Papers,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``writer._serialize`` is pypdf's ``write``, faster: cold, and warm with replayed trees."""
    from beslut.assemble import packet as packet_module
    from beslut.assemble import writer as writer_module

    compared: list[bool] = []
    original = writer_module._write_atomic

    def both(writer: PdfWriter, target: Path) -> None:
        ours = writer_module._serialize(writer)
        buffer = io.BytesIO()
        writer.write(buffer)
        compared.append(ours == buffer.getvalue())
        original(writer, target)

    monkeypatch.setattr(packet_module, "_write_atomic", both)
    items = [
        PacketItem(1, "Utredning", (PacketDocument(papers.report, "Tjänsteskrivelse"),)),
        PacketItem(2, "Sekretess", (PacketDocument(papers.secret, "Bilaga 1", NOTICE),)),
        PacketItem(
            3,
            "Direktiv – med å, ä, ö och ”citat”",
            (
                PacketDocument(papers.directive, "Bilaga 1"),
                PacketDocument(papers.english, "Bilaga 2"),
                PacketDocument(papers.external, "Bilaga 3"),
            ),
        ),
    ]
    _cold()
    assemble_packet(papers.front, items, tmp_path / "cold.pdf", title=TITLE)
    assemble_packet(papers.front, items, tmp_path / "warm.pdf", title=TITLE)
    assert compared == [True, True]
