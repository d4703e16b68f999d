"""beslut publicera: numbered, frozen versions of a meeting, their change log and change pages,
and the export contract (the manifests and schemas/publicering.schema.json).

The example is copied, given a supplement item (tillägg) in the copy only, and published once
per module with LibreOffice (--kallelsen-först: version 1 as the kallelse was sent, version 2
now); then published again unchanged, then after an edit of the secret case (version 3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pypdf import PdfReader

from beslut import __version__
from beslut.errors import BuildLocked
from beslut.model.publication import (
    Audience,
    ChangeKind,
    Publication,
    PublishedFile,
    PublishedItem,
    PublishedMeeting,
)
from beslut.publish import state, versions
from beslut.publish.files import output_lock
from beslut.validate.pdf_audit import audit_pdf
from beslut.versioning import (
    BuildFailed,
    PublishOutcome,
    UnknownMeeting,
    changes_between,
    publish_meeting,
)
from conftest import REPO, need_libreoffice
from test_render import copy_example_workspace

MEETING = "2022-06-14-hsn"
MEETING_FILE = "content/möten/2022-06-14-hsn.yaml"
SECRET_CASE = "content/ärenden/22HSN5105-upphandling-antikroppstester.md"
SECRET_TITLE = "Upphandling av antikroppstester – tilldelningsbeslut"
SUPPLEMENT = """\
  - typ: information
    rubrik: Läget i vaccinationsarbetet
    tillägg: 2022-06-10
    handlingar:
      - titel: Programdirektiv (underlag för informationen)
        fil: ../bilagor/programdirektiv.pdf
"""
WHEN = dt.datetime(2022, 6, 10, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def _sums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass
class History:
    root: Path
    out: Path
    first: PublishOutcome
    again: PublishOutcome
    third: PublishOutcome
    versions_after_again: list[int]
    v1_before: dict[str, str]
    v1_after: dict[str, str]
    state_dir_after_first: str | None

    def folder(self, number: int) -> Path:
        return versions.version_folder(self.out, MEETING, number)

    def manifest(self, number: int, audience: Audience = Audience.INTERNAL) -> Publication:
        rel = versions.MANIFEST if audience is Audience.INTERNAL else versions.PUBLIC_MANIFEST
        return versions.read_manifest(self.folder(number), rel)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("versioner") / "arbetsyta")
    meeting = root / MEETING_FILE
    meeting.write_text(meeting.read_text("utf-8") + SUPPLEMENT, "utf-8")
    out = root / "output"
    first = publish_meeting(root, MEETING, sent_first=True, now=WHEN)
    v1_before = _sums(versions.version_folder(out, MEETING, 1))
    saved, _reason = state.load(root, __version__)
    state_dir = saved.out_dir if saved is not None else None
    again = publish_meeting(root, MEETING, sent_first=True, now=WHEN)
    after_again = versions.list_versions(out, MEETING)
    case = root / SECRET_CASE
    case.write_text(
        case.read_text("utf-8").replace(
            f"rubrik: {SECRET_TITLE}", f"rubrik: {SECRET_TITLE} (reviderad)"
        ),
        "utf-8",
    )
    third = publish_meeting(root, MEETING, now=WHEN + dt.timedelta(days=1))
    return History(
        root,
        out,
        first,
        again,
        third,
        after_again,
        v1_before,
        _sums(versions.version_folder(out, MEETING, 1)),
        state_dir,
    )


def _texts(reader: PdfReader, page: int) -> str:
    return " ".join(reader.pages[page].extract_text().split())


def _outline_titles(reader: PdfReader) -> list[str]:
    return [str(node.title) for node in reader.outline if not isinstance(node, list)]


# -- versions ---------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_kallelsen_forst_publishes_the_kallelse_as_sent_then_the_supplement(
    history: History,
) -> None:
    assert [s.version for s in history.first.steps] == [1, 2]
    one, two = history.manifest(1), history.manifest(2)
    assert one.previous is None and two.previous == 1
    assert [i.number for i in one.items] == list(range(1, 17))
    assert [i.number for i in two.items] == list(range(1, 19))
    added = two.items[-1]
    assert (added.id, added.supplement) == ("information-laget-i-vaccinationsarbetet",
                                            dt.date(2022, 6, 10))  # fmt: skip
    assert added.files == ("offentlig/ärende-18.pdf", "ärende-18.pdf")
    assert one.minutes is None  # the kallelse as sent: no protokoll yet
    assert two.minutes is not None and two.minutes.file == "protokoll.pdf"
    assert two.published == WHEN
    # the side build of the kallelse as sent left the workspace's own build state alone
    assert history.state_dir_after_first == str(history.out)
    # the example's own supplement item (17) and the one this module adds (18)
    assert [c.kind for c in two.changes[:2]] == [ChangeKind.ITEM_ADDED] * 2
    assert [c.text for c in two.changes[:2]] == [
        "Punkt 17 Tillfällig ersättning för extra arbetspass sommaren 2022 har lagts till "
        "genom tilläggslistan 2022-06-10.",
        "Punkt 18 Läget i vaccinationsarbetet har lagts till genom tilläggslistan 2022-06-10.",
    ]
    assert ChangeKind.MINUTES_ADDED in {c.kind for c in two.changes}
    # the tilläggslista and its items come after the sent items: the kallelse and every page it
    # refers to are as in version 1
    assert not any(c.kind is ChangeKind.PAGES_MOVED for c in two.changes)
    assert not {"kallelse.pdf", "offentlig/kallelse.pdf"} & {c.file for c in two.changes}
    assert {(i.id, i.pages) for i in one.items} <= {(i.id, i.pages) for i in two.items}
    # item PDFs that did not change are not in the change log (same bytes both times), also
    # one with a Word attachment (item 7: its conversion is reused)
    assert not any(c.file in ("ärende-04.pdf", "ärende-07.pdf") for c in two.changes)


@pytest.mark.libreoffice
def test_publishing_unchanged_state_makes_no_version(history: History) -> None:
    [step] = history.again.steps
    assert step.version is None
    assert step.message == f"{MEETING}: inget har ändrats sedan version 2; ingen ny version."
    assert history.versions_after_again == [1, 2]
    assert history.again.notes == (
        f"--kallelsen-först gör inget: {MEETING} har redan publicerade versioner.",
    )


@pytest.mark.libreoffice
def test_a_published_version_is_never_changed(history: History) -> None:
    assert history.third.steps[0].version == 3
    assert history.v1_after == history.v1_before
    for path in history.folder(1).rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o444, path
    for number in (1, 2, 3):
        versions.verify_version(history.out, MEETING, number)  # every checksum holds


@pytest.mark.libreoffice
def test_version_files_are_the_builds_files(history: History) -> None:
    built = history.out / "möten" / MEETING
    three = history.manifest(3)
    for entry in three.files:
        if entry.built_sha256 is None:  # all but the packets with a change page
            source = hashlib.sha256((built / entry.path).read_bytes()).hexdigest()
            assert entry.sha256 == source, entry.path
    packets = {f.path for f in three.files if f.built_sha256 is not None}
    assert packets == {"handlingar.pdf", "offentlig/handlingar.pdf"}


# -- the change page --------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize("packet", ["handlingar.pdf", "offentlig/handlingar.pdf"])
def test_the_change_page_opens_the_packet(history: History, packet: str) -> None:
    built = PdfReader(history.out / "möten" / MEETING / packet)
    reader = PdfReader(history.folder(3) / packet)
    assert len(reader.pages) == len(built.pages) + 1
    first = _texts(reader, 0)
    # the organisation's letterhead (as the kallelse's), then the heading and the changes
    assert first.startswith("Region Skåne Regionkansliet Hälso- och sjukvårdsnämnden ÄNDRINGAR ")
    assert "Datum 2022-06-11 Sammanträde 2022-06-14" in first
    assert (
        "Ändringar sedan version 2 Hälso- och sjukvårdsnämnden, sammanträde tisdagen den 14 juni "
        "2022 Version 3 publicerades 2022-06-11 kl. 14.05." in first
    )
    assert "Organisationsnummer: 23 21 00-0255" in first
    titles = _outline_titles(reader)
    assert titles[:2] == ["Ändringar sedan version 2", "Kallelse och föredragningslista"]
    assert titles[1:] == _outline_titles(built)
    labels = reader.page_labels
    assert labels[:3] == ["Ä1", "1", "2"]
    # the packet's own stamps are unchanged: page 2 of the file is stamped page 1
    assert _texts(reader, 1).endswith(_texts(built, 0)[-30:])
    assert f"Sida 1 av {len(built.pages)}" in _texts(reader, 1)
    assert audit_pdf(history.folder(3) / packet) == []


@pytest.mark.libreoffice
def test_the_change_pages_name_withheld_titles_internally_only(history: History) -> None:
    internal = _texts(PdfReader(history.folder(3) / "handlingar.pdf"), 0)
    public = _texts(PdfReader(history.folder(3) / "offentlig/handlingar.pdf"), 0)
    assert f"Punkt 12 heter nu ”{SECRET_TITLE} (reviderad)”" in internal
    assert "antikroppstester" not in public
    assert "antikroppstester" not in history.manifest(3, Audience.PUBLIC).model_dump_json()
    assert any("antikroppstester" in c.text for c in history.manifest(3).changes)


@pytest.mark.libreoffice
def test_version_one_has_no_change_page(history: History) -> None:
    reader = PdfReader(history.folder(1) / "handlingar.pdf")
    assert _outline_titles(reader)[0] == "Kallelse och föredragningslista"
    assert history.manifest(1).changes == ()


@pytest.mark.libreoffice
def test_item_pages_are_the_packets_stamps(history: History) -> None:
    two = history.manifest(2)
    item = next(i for i in two.items if i.number == 4)
    assert item.pages is not None
    reader = PdfReader(history.folder(2) / "handlingar.pdf")
    first, last = item.pages
    # the file has the change page first: stamped page N is file page N + 1 (index N)
    assert f"Ärende 4 · Sida {first} av" in _texts(reader, first)
    assert f"Ärende 5 · Sida {last + 1} av" in _texts(reader, last + 1)


# -- the export contract ----------------------------------------------------------------------


@pytest.mark.libreoffice
def test_every_manifest_matches_the_committed_schema(history: History) -> None:
    schema = json.loads((REPO / "schemas" / "publicering.schema.json").read_text("utf-8"))
    checked = 0
    for path in sorted((history.out / versions.VERSIONS_DIR).rglob("manifest.json")):
        jsonschema.validate(json.loads(path.read_text("utf-8")), schema)
        checked += 1
    assert checked == 6
    broken = json.loads((history.folder(2) / "manifest.json").read_text("utf-8"))
    broken["items"][0]["open"] = "ja"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


@pytest.mark.libreoffice
def test_the_public_manifest_lists_nothing_withheld(history: History) -> None:
    public = history.manifest(2, Audience.PUBLIC)
    internal = history.manifest(2)
    assert public.audience is Audience.PUBLIC and internal.audience is Audience.INTERNAL
    assert all(f.path.startswith("offentlig/") and f.open for f in public.files)
    assert {f.path for f in internal.files} > {f.path for f in public.files}
    secret = next(i for i in public.items if i.number == 12)
    assert secret.model_dump() == {
        "id": "22HSN5105",
        "number": 12,
        "kind": "beslut",
        "title": "Upphandling – tilldelningsbeslut",
        "diary_number": None,
        "open": False,
        "withheld_reason": "sekretess",
        "provision": "19 kap. 3 §",
        "supplement": None,
        "proposal": None,
        "pages": None,
        "files": (),
    }
    assert not any(f.item == "22HSN5105" for f in public.files)
    assert next(i for i in internal.items if i.number == 12).proposal is not None
    assert next(i for i in public.items if i.number == 4).proposal == (
        next(i for i in internal.items if i.number == 4).proposal
    )
    text = (history.folder(2) / versions.PUBLIC_MANIFEST).read_text("utf-8")
    assert "antikroppstester" not in text
    assert public.minutes is not None and public.minutes.file == "offentlig/protokoll.pdf"


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_damaged_version_is_refused(history: History) -> None:
    target = history.folder(3) / "offentlig" / "ärende-04.pdf"
    original = target.read_bytes()
    os.chmod(target, 0o644)
    target.write_bytes(original + b"%")
    try:
        with pytest.raises(versions.DamagedVersion, match=r"offentlig/ärende-04\.pdf har ändrats"):
            publish_meeting(history.root, MEETING, now=WHEN)
        assert versions.list_versions(history.out, MEETING) == [1, 2, 3]
    finally:
        target.write_bytes(original)
        os.chmod(target, 0o444)


@pytest.mark.libreoffice
def test_build_errors_publish_nothing(history: History) -> None:
    meeting = history.root / MEETING_FILE
    text = meeting.read_text("utf-8")
    meeting.write_text(text.replace("typ: sammanträde", "typ: sammantrade", 1), "utf-8")
    try:
        with pytest.raises(BuildFailed, match="ingen version publicerades") as info:
            publish_meeting(history.root, MEETING, now=WHEN)  # the meeting file does not load
        assert any(d.path == MEETING_FILE for d in info.value.report.diagnostics)
        broken = history.root / SECRET_CASE
        case_text = broken.read_text("utf-8")
        meeting.write_text(text, "utf-8")
        broken.write_text(case_text.replace("datum: 2022-05-27", "datum: 2022-13-27"), "utf-8")
        try:
            with pytest.raises(BuildFailed, match="ingen version publicerades"):
                publish_meeting(history.root, MEETING, now=WHEN)
        finally:
            broken.write_text(case_text, "utf-8")
        assert versions.list_versions(history.out, MEETING) == [1, 2, 3]
    finally:
        meeting.write_text(text, "utf-8")


@pytest.mark.libreoffice
def test_a_locked_output_folder_is_refused(history: History) -> None:
    with output_lock(history.out), pytest.raises(BuildLocked, match="Ett annat bygge"):
        publish_meeting(history.root, MEETING, now=WHEN)


def test_an_unknown_meeting_lists_the_known_ones(tmp_path: Path) -> None:
    root = copy_example_workspace(tmp_path / "arbetsyta")
    with pytest.raises(UnknownMeeting, match=f"Kända möten: {MEETING}\\."):
        publish_meeting(root, "2022-06-15-hsn")
    assert not (root / "output" / versions.VERSIONS_DIR).exists()


def test_freeze_never_writes_an_existing_version(tmp_path: Path) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(b"%PDF-1.7 a")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    files = [versions.FileToFreeze(source, "a.pdf", digest)]
    folder = versions.freeze(tmp_path / "ut", "m", 1, files, {"manifest.json": "{}\n"})
    assert stat.S_IMODE((folder / "a.pdf").stat().st_mode) == 0o444
    with pytest.raises(versions.PublishError, match="skrivs aldrig över"):
        versions.freeze(tmp_path / "ut", "m", 1, files, {"manifest.json": "[]\n"})
    assert (folder / "manifest.json").read_text("utf-8") == "{}\n"
    wrong = [versions.FileToFreeze(source, "a.pdf", "0" * 64)]
    with pytest.raises(versions.PublishError, match="har ändrats sedan bygget"):
        versions.freeze(tmp_path / "ut", "m", 2, wrong, {})
    assert versions.list_versions(tmp_path / "ut", "m") == [1]
    assert [p.name for p in (tmp_path / "ut" / "versioner" / "m").iterdir()] == ["1"]


# -- the change log (no LibreOffice) ----------------------------------------------------------


def _item(number: int, ident: str, title: str, **extra: Any) -> PublishedItem:
    fields: dict[str, Any] = {
        "id": ident,
        "number": number,
        "kind": "beslut",
        "title": title,
        "diary_number": None,
        "open": True,
        "withheld_reason": None,
        "provision": None,
        "supplement": None,
        "proposal": None,
        "pages": None,
        "files": (),
    }
    return PublishedItem(**(fields | extra))


def _file(path: str, digest: str, item: str | None = None) -> PublishedFile:
    return PublishedFile(
        path=path, kind="item", sha256=digest, bytes=1, pages=1, open=False, item=item
    )


def _publication(items: list[PublishedItem], files: list[PublishedFile]) -> Publication:
    return Publication(
        format="beslut-publicering",
        format_version=1,
        audience=Audience.INTERNAL,
        meeting=PublishedMeeting(
            id="m",
            organ="hsn",
            organ_name="Nämnden",
            organisation="Region",
            date=dt.date(2022, 6, 14),
            time="09.00",
            place="Sal A",
            sent=None,
        ),
        version=1,
        previous=None,
        published=WHEN,
        items=tuple(items),
        files=tuple(files),
        changes=(),
        minutes=None,
    )


def test_the_change_log_says_what_changed_in_swedish() -> None:
    before = _publication(
        [
            _item(4, "A1", "Budget", pages=(5, 7)),
            _item(5, "B2", "Taxor", pages=(8, 9)),
            _item(9, "D4", "Taxa", pages=(10, 11)),
        ],
        [_file("ärende-04.pdf", "a", "A1"), _file("ärende-05.pdf", "b", "B2")],
    )
    now = _publication(
        [
            _item(4, "A1", "Budget 2023", pages=(5, 8)),
            _item(6, "C3", "Vaccin", supplement=dt.date(2022, 6, 10)),
            _item(9, "D4", "Taxa", pages=(12, 12)),
        ],
        [_file("ärende-04.pdf", "a2", "A1"), _file("ärende-06.pdf", "c", "C3")],
    )
    found = [(c.kind.value, c.text) for c in changes_between(before, now)]
    assert found == [
        ("item_added", "Punkt 6 Vaccin har lagts till genom tilläggslistan 2022-06-10."),
        ("item_removed", "Punkt 5 Taxor har tagits bort från föredragningslistan."),
        ("item_changed", "Punkt 4 heter nu ”Budget 2023” (tidigare ”Budget”)."),
        ("document_added", "Handlingarna till punkt 6 Vaccin har lagts till."),
        ("document_replaced", "Handlingarna till punkt 4 Budget 2023 har ersatts av en ny "
                              "version."),
        ("document_removed", "Handlingarna till punkt 5 Taxor har tagits bort."),
        ("pages_moved", "Handlingarna till punkt 4 står nu på sidorna 5–8 i handlingarna "
                        "(tidigare sidorna 5–7)."),
        ("pages_moved", "Handlingarna till punkt 9 står nu på sidan 12 i handlingarna "
                        "(tidigare sidorna 10–11)."),
    ]  # fmt: skip
    assert changes_between(now, now) == ()


# -- the command ------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_the_command_lists_the_versions(
    history: History, capsys: pytest.CaptureFixture[str]
) -> None:
    from beslut.cli.main import main

    with pytest.raises(SystemExit) as info:
        main(["publicera", "--arbetsyta", str(history.root), MEETING, "--lista"])
    assert info.value.code in (0, None)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("version 1  2022-06-10 14.05  första versionen")
    assert lines[1].startswith("version 2  2022-06-10 14.05  ")
    assert (
        "    Punkt 18 Läget i vaccinationsarbetet har lagts till genom tilläggslistan 2022-06-10."
        in lines
    )


def test_the_command_names_the_known_meetings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from beslut.cli.main import main

    root = copy_example_workspace(tmp_path / "arbetsyta")
    with pytest.raises(SystemExit) as info:
        main(["publicera", "--arbetsyta", str(root), "hsn-2022"])
    assert info.value.code == 1
    error = capsys.readouterr().err
    assert "Det finns inget möte som heter hsn-2022. Kända möten: 2022-06-14-hsn." in error
