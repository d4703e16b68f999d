"""The app's file layer: round-trip saves that keep the files as written, no lost update."""

from __future__ import annotations

import copy
import difflib
import errno
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from beslut.errors import UserError
from beslut.load.source import load_source
from beslut.web import files
from beslut.web.files import (
    Conflict,
    NotReadable,
    create_file,
    merge,
    plain,
    read_case,
    read_meeting,
    save_case,
    save_meeting,
    version_of,
)
from beslut.web.paths import PathRefused
from test_render import REPO, copy_example_workspace

CASES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "content" / "ärenden").glob("*.md"))
MEETINGS = sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / "content" / "möten").glob("*.yaml")
)
MEETING = "content/möten/2022-06-14-hsn.yaml"
CASE = "content/ärenden/25HSN3392-direktiv-strukturförändring.md"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_example_workspace(tmp_path / "arbetsyta")


def _loaded(root: Path, rel: str) -> tuple[dict[str, Any], str]:
    """The data and body as ``beslut check`` reads them."""
    source, problems = load_source(root / rel, root)
    assert source is not None, problems
    return copy.deepcopy(source.data), source.body


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _first_point(front: dict[str, Any]) -> tuple[list[Any], int]:
    proposal = front["förslag"]
    points = (
        proposal["block"][0]["beslutspunkter"]
        if "block" in proposal
        else proposal["beslutspunkter"]
    )
    return points, 0


@pytest.mark.parametrize("rel", CASES)
def test_every_example_case_round_trips_and_one_point_changes_one_line(
    root: Path, rel: str
) -> None:
    path = root / rel
    original = path.read_bytes()
    front, body = _loaded(root, rel)
    source = read_case(root, rel)
    assert source.version == version_of(path) and plain(source.front) == front
    assert source.body == body and source.text == original.decode("utf-8")

    # The same data: nothing is written, the file keeps its bytes and its inode.
    inode = path.stat().st_ino
    assert (
        save_case(root, rel, base_version=source.version, front=front, body=body) == source.version
    )
    assert path.read_bytes() == original and path.stat().st_ino == inode

    points, index = _first_point(front)
    old_point = copy.deepcopy(points[index])
    if isinstance(points[index], str):
        points[index] += " (ändrad)"
    else:
        points[index]["punkt"] += " (ändrad)"
    version = save_case(root, rel, base_version=source.version, front=front, body=None)
    after = path.read_text(encoding="utf-8")
    changed = _changed_lines(original.decode("utf-8"), after)
    assert len(changed) == 2 and changed[1].startswith("+") and changed[1].endswith("(ändrad)")
    assert version == version_of(path) != source.version
    assert _loaded(root, rel) == (front, body)

    # Back to the old point: the file is byte for byte what it was (the dump reproduces it).
    points[index] = old_point
    save_case(root, rel, base_version=version, front=front, body=None)
    assert path.read_bytes() == original


@pytest.mark.parametrize("rel", MEETINGS)
def test_every_example_meeting_round_trips(root: Path, rel: str) -> None:
    path = root / rel
    original = path.read_bytes()
    data, _ = _loaded(root, rel)
    source = read_meeting(root, rel)
    assert plain(source.data) == data
    assert save_meeting(root, rel, base_version=source.version, data=data) == source.version
    assert path.read_bytes() == original
    item = next(i for i in data["ärenden"] if i.get("typ") == "information")
    item["rubrik"] = "Information från regiondirektören"
    version = save_meeting(root, rel, base_version=source.version, data=data)
    changed = _changed_lines(original.decode("utf-8"), path.read_text(encoding="utf-8"))
    assert changed == [
        "-    rubrik: Information från hälso- och sjukvårdsdirektören",
        "+    rubrik: Information från regiondirektören",
    ]
    assert _loaded(root, rel)[0] == data
    assert version == version_of(path)


COMMENTED = """\
# Sammanträdet i juni
typ: sammanträde
instans: hsn  # nämnden
datum: 2025-10-01
tid: "09.00"
plats: 'Regionens hus'
ordförande: {namn: Gilbert Tribo}
# Punkterna i ordning
ärenden:
  - typ: justerare  # alltid först
  # Ärendena
  - typ: beslut
    diarienummer: 25HSN1  # budgeten
  - typ: beslut
    diarienummer: 25HSN2
# Sekreteraren
sekreterare:
  namn: Eva Lind
"""


def _write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return version_of(path)


def test_comments_key_order_and_quoting_are_kept(root: Path) -> None:
    rel = "content/möten/kommentarer.yaml"
    version = _write(root, rel, COMMENTED)
    data = plain(read_meeting(root, rel).data)
    data["plats"] = "Stadshuset"  # a single-quoted value: stays single-quoted
    data["tid"] = "10.00"
    data["ärenden"][1]["diarienummer"] = "25HSN3"
    data["utskicksdatum"] = "2025-09-24"  # a new key: appended, a date written as a date
    save_meeting(root, rel, base_version=version, data=data)
    text = (root / rel).read_text(encoding="utf-8")
    assert (
        text
        == COMMENTED.replace("'Regionens hus'", "'Stadshuset'")
        .replace('"09.00"', '"10.00"')
        .replace("25HSN1  # budgeten", "25HSN3  # budgeten")
        + "utskicksdatum: 2025-09-24\n"
    )
    assert _loaded(root, rel)[0] == data


def test_removed_and_moved_items_take_their_comments(root: Path) -> None:
    rel = "content/möten/kommentarer.yaml"
    version = _write(root, rel, COMMENTED)
    data = plain(read_meeting(root, rel).data)
    first, budget, other = data["ärenden"]
    data["ärenden"] = [first, other, budget]  # the budget item moves last
    del data["ordförande"]
    version = save_meeting(root, rel, base_version=version, data=data)
    text = (root / rel).read_text(encoding="utf-8")
    assert "ordförande" not in text
    assert "# Punkterna i ordning\närenden:\n" in text
    assert "    diarienummer: 25HSN1  # budgeten\n# Sekreteraren\nsekreterare:" in text
    assert text.index("25HSN2") < text.index("25HSN1")
    assert _loaded(root, rel)[0] == data
    data["ärenden"] = [first]  # truncated: the comment before sekreterare stays before it
    save_meeting(root, rel, base_version=version, data=data)
    text = (root / rel).read_text(encoding="utf-8")
    assert "25HSN" not in text and "# Ärendena" not in text
    assert "  - typ: justerare  # alltid först\n# Sekreteraren\nsekreterare:" in text
    assert _loaded(root, rel)[0] == data


def test_merge_changes_only_what_differs() -> None:
    data = files._load_rt("a: 'x'\nb: [1, 2]\nc: {d: 1}\n")
    merge(data, {"a": "x", "b": [1, 2, 3], "c": {"d": True}})
    assert files._dump(data, (2, 4, 2)) == "a: 'x'\nb: [1, 2, 3]\nc: {d: true}\n"
    with pytest.raises(TypeError):
        merge(data, ["inte", "en", "grupp"])


def test_a_stale_version_gets_a_conflict_with_both_texts(root: Path) -> None:
    path = root / CASE
    source = read_case(root, CASE)
    front = plain(source.front)
    editor_text = source.text.replace("rubrik: Direktiv –", "rubrik: Nytt direktiv –")
    path.write_text(editor_text, encoding="utf-8")  # someone saves in a text editor
    front["instans"] = "hsn"
    with pytest.raises(Conflict) as caught:
        save_case(root, CASE, base_version=source.version, front=front, body=None)
    conflict = caught.value
    assert isinstance(conflict, UserError) and conflict.rel == CASE
    assert str(conflict).startswith("Filen har ändrats sedan du öppnade den")
    assert conflict.current == editor_text and conflict.current_version == version_of(path)
    assert conflict.proposed is not None and "instans: hsn" in conflict.proposed
    assert path.read_text(encoding="utf-8") == editor_text
    changed = [line for line in conflict.diff() if line[:1] in "+-"]
    assert changed == [
        "-rubrik: Nytt direktiv – program för strukturförändring",
        "+rubrik: Direktiv – program för strukturförändring",
        "-instans: rl",
        "+instans: hsn",
    ]


def test_two_concurrent_saves_with_one_version_exactly_one_wins(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = read_case(root, CASE)
    decode = files._decode

    def slow_decode(raw: bytes, rel: str) -> Any:
        time.sleep(0.2)  # between reading the version and writing: where a race would be
        return decode(raw, rel)

    monkeypatch.setattr(files, "_decode", slow_decode)
    start = threading.Barrier(2)
    results: dict[str, str | Conflict] = {}

    def save(name: str) -> None:
        front = plain(source.front)
        front["rubrik"] = f"Rubrik från {name}"
        start.wait()
        try:
            results[name] = save_case(
                root, CASE, base_version=source.version, front=front, body=None
            )
        except Conflict as exc:
            results[name] = exc

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Anna", "Bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, result in results.items() if isinstance(result, str)]
    losers = [result for result in results.values() if isinstance(result, Conflict)]
    assert len(winners) == 1 and len(losers) == 1
    (winner,), (conflict,) = winners, losers
    text = (root / CASE).read_text(encoding="utf-8")
    assert f"rubrik: Rubrik från {winner}\n" in text
    loser = "Bo" if winner == "Anna" else "Anna"
    assert conflict.current == text and f"Rubrik från {winner}" in conflict.current
    assert conflict.proposed is not None and f"rubrik: Rubrik från {loser}\n" in conflict.proposed


def test_a_failing_write_leaves_the_old_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = root / CASE
    original = path.read_bytes()
    source = read_case(root, CASE)

    def full_disk(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(UserError, match="Disken är full"):
        save_case(root, CASE, base_version=source.version, front=None, body="Ny text.\n")
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_the_body_is_saved_alone_and_line_ends_follow_the_file(root: Path) -> None:
    rel = "content/ärenden/crlf.md"
    text = "---\ntyp: tjänsteskrivelse  # typen\nrubrik: Ett ärende\n---\n\n## Sammanfattning\n\nText.\n"
    path = root / rel
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    source = read_case(root, rel)
    assert source.body == "\n## Sammanfattning\n\nText.\n" and source.body_offset == 4
    save_case(
        root,
        rel,
        base_version=source.version,
        front=None,
        body="\r\n## Sammanfattning\r\n\r\nNy text.\r\n",
    )
    expected = text.replace("Text.", "Ny text.").replace("\n", "\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_a_body_that_check_would_read_as_front_matter_is_refused(root: Path) -> None:
    source = read_case(root, CASE)
    original = (root / CASE).read_bytes()
    with pytest.raises(UserError, match="sparades inte: en rad med bara ---"):
        save_case(root, CASE, base_version=source.version, front=None, body="Anm: x\n---\nText\n")
    assert (root / CASE).read_bytes() == original
    # A --- further down (a Markdown rule) is text, and is saved.
    version = save_case(
        root, CASE, base_version=source.version, front=None, body="\nA\n\n---\n\nB\n"
    )
    assert read_case(root, CASE).body == "\nA\n\n---\n\nB\n" and version == version_of(root / CASE)


def test_an_impossible_date_is_read_and_written_as_text(root: Path) -> None:
    rel = "content/ärenden/datum.md"
    (root / rel).write_text("---\ndatum: 2025-02-30\nrubrik: R\n---\nText\n", encoding="utf-8")
    source = read_case(root, rel)
    assert plain(source.front) == {"datum": "2025-02-30", "rubrik": "R"}
    save_case(
        root,
        rel,
        base_version=source.version,
        front={"datum": "2025-03-01", "rubrik": "R"},
        body=None,
    )
    assert (root / rel).read_text(
        encoding="utf-8"
    ) == "---\ndatum: 2025-03-01\nrubrik: R\n---\nText\n"


def test_unreadable_files_say_where(root: Path) -> None:
    rel = "content/ärenden/trasig.md"
    (root / rel).write_text("---\nrubrik: [oavslutad\n---\n", encoding="utf-8")
    with pytest.raises(NotReadable, match=r"trasig\.md:2:\d+: YAML-syntaxfel"):
        read_case(root, rel)
    (root / rel).write_text("rubrik: R\n", encoding="utf-8")
    with pytest.raises(NotReadable, match="front matter saknas"):
        read_case(root, rel)
    with pytest.raises(PathRefused):
        read_case(root, "../utanför.md")
    # What check refuses, the app refuses too, with the loader's own message.
    meeting = "content/möten/trasigt.yaml"
    (root / meeting).write_text("plats: &a Huset\nlokal: *a\n", encoding="utf-8")
    with pytest.raises(NotReadable, match=r"trasigt\.yaml:1:\d+: YAML-ankare"):
        read_meeting(root, meeting)
    (root / meeting).write_text("ordförande:\n\tnamn: A\n", encoding="utf-8")
    with pytest.raises(NotReadable, match=r"trasigt\.yaml:2:1: Tabbtecken"):
        read_meeting(root, meeting)


def test_create_file_never_overwrites(root: Path) -> None:
    rel = "content/ärenden/nytt.md"
    version = create_file(root, rel, "---\nrubrik: Nytt\n---\n")
    assert version == version_of(root / rel)
    assert (root / rel).read_text(encoding="utf-8") == "---\nrubrik: Nytt\n---\n"
    with pytest.raises(UserError, match="finns redan"):
        create_file(root, rel, "annat")
    assert (root / rel).read_text(encoding="utf-8") == "---\nrubrik: Nytt\n---\n"
    with pytest.raises(PathRefused):
        create_file(root, "../nytt.md", "x")
    assert [
        p.name for p in (root / "content" / "ärenden").iterdir() if p.name.startswith(".")
    ] == []


def test_a_removed_file_is_a_conflict(root: Path) -> None:
    source = read_case(root, CASE)
    (root / CASE).unlink()
    with pytest.raises(Conflict, match="tagits bort") as caught:
        save_case(root, CASE, base_version=source.version, front=None, body="x")
    assert caught.value.current is None
    assert not (root / CASE).exists()


def test_a_text_that_would_not_load_the_same_is_not_written(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net: the new text is parsed as ``check`` parses it before it is written."""
    path = root / CASE
    original = path.read_bytes()
    source = read_case(root, CASE)
    front = plain(source.front)
    front["rubrik"] = "Ny rubrik"
    dump = files._dump
    monkeypatch.setattr(files, "_dump", lambda data, layout: dump(data, layout).replace("Ny ", ""))
    with pytest.raises(UserError, match="läses likadant"):
        save_case(root, CASE, base_version=source.version, front=front, body=None)
    assert path.read_bytes() == original


UNUSUAL = """\
---
typ:    tjänsteskrivelse
rubrik: En rubrik som fortsätter
  på nästa rad
handläggare: { namn: Åsa Öberg,  titel: Utredare }
förslag:
    beslutspunkter:
    -   Nämnden godkänner planen
    -   Nämnden lägger rapporten till handlingarna
datum:   2025-09-10   # utskick
---
Text.
"""


def test_a_file_ruamel_would_write_differently_changes_only_the_changed_line(root: Path) -> None:
    """Odd spacing, a text continued on the next line, a flow group with extra spaces: ruamel
    cannot reproduce them, but a change elsewhere leaves those lines exactly as written."""
    rel = "content/ärenden/ovanlig.md"
    version = _write(root, rel, UNUSUAL)
    front = plain(read_case(root, rel).front)
    assert front["rubrik"] == "En rubrik som fortsätter på nästa rad"
    front["förslag"]["beslutspunkter"][1] = "Nämnden lägger rapporten till handlingarna i dag"
    save_case(root, rel, base_version=version, front=front, body=None)
    text = (root / rel).read_text(encoding="utf-8")
    assert _changed_lines(UNUSUAL, text) == [
        "-    -   Nämnden lägger rapporten till handlingarna",
        "+    -   Nämnden lägger rapporten till handlingarna i dag",
    ]
    assert _loaded(root, rel) == (front, "Text.\n")


def test_a_changed_line_that_ruamel_writes_differently_takes_only_its_stretch(root: Path) -> None:
    rel = "content/ärenden/ovanlig.md"
    version = _write(root, rel, UNUSUAL)
    front = plain(read_case(root, rel).front)
    front["datum"] = "2025-09-11"
    version = save_case(root, rel, base_version=version, front=front, body=None)
    text = (root / rel).read_text(encoding="utf-8")
    changed = _changed_lines(UNUSUAL, text)
    assert changed[0] == "-datum:   2025-09-10   # utskick" and len(changed) == 2
    assert changed[1].startswith("+datum: 2025-09-11") and changed[1].endswith("# utskick")
    front["rubrik"] = "En kortare rubrik"
    save_case(root, rel, base_version=version, front=front, body=None)
    assert _changed_lines(text, (root / rel).read_text(encoding="utf-8")) == [
        "-rubrik: En rubrik som fortsätter",
        "-  på nästa rad",
        "+rubrik: En kortare rubrik",
    ]
    assert _loaded(root, rel) == (front, "Text.\n")


def test_merge_moves_items_with_their_comments_and_edits_in_place() -> None:
    text = "l:\n  - a  # A\n  - b  # B\n  - c  # C\n"
    data = files._load_rt(text)
    merge(data, {"l": ["c", "b", "a"]})  # reversed: each keeps its comment
    assert files._dump(data, (2, 4, 2)) == "l:\n  - c  # C\n  - b  # B\n  - a  # A\n"
    data = files._load_rt(text)
    merge(data, {"l": ["a", "B!", "c", "d"]})  # one edited in place, one appended
    assert (
        files._dump(data, (2, 4, 2)) == "l:\n  - a  # A\n  - B! # B\n  - c  # C\n  - d\n"
    )  # the comment keeps its column


def test_the_profile_round_trips(root: Path) -> None:
    rel = "content/profil.yaml"
    path = root / rel
    original = path.read_bytes()
    data, _ = _loaded(root, rel)
    source = files.read_yaml(root, rel)
    assert files.save_yaml(root, rel, base_version=source.version, data=data) == source.version
    assert path.read_bytes() == original
    data["organisation"]["namn"] += " (ändrad)"
    files.save_yaml(root, rel, base_version=source.version, data=data)
    changed = _changed_lines(original.decode("utf-8"), path.read_text(encoding="utf-8"))
    assert len(changed) == 2 and changed[1].endswith(" (ändrad)")
    assert _loaded(root, rel)[0] == data


def test_check_reads_saved_files_as_before(root: Path) -> None:
    """After one decision point of every case is changed through the app, ``check`` reports
    the same diagnostics on every other line: the files still validate as before."""
    from beslut import api

    def where(diagnostics: list[Any]) -> set[tuple[str, int, int, str]]:
        return {(d.path, d.line, d.column, d.code) for d in diagnostics}

    before = where(api.check(root))
    changed_lines: set[tuple[str, int]] = set()
    for rel in CASES:
        front, _ = _loaded(root, rel)
        points, index = _first_point(front)
        if isinstance(points[index], str):
            points[index] = points[index].replace("nämnden", "nämnden nu", 1) + " i år"
        else:
            points[index]["punkt"] += " i år"
        text = (root / rel).read_text(encoding="utf-8")
        save_case(root, rel, base_version=version_of(root / rel), front=front, body=None)
        after = (root / rel).read_text(encoding="utf-8").split("\n")
        lines = [
            n for n, (a, b) in enumerate(zip(text.split("\n"), after, strict=True), 1) if a != b
        ]
        assert len(lines) == 1
        changed_lines.add((rel, lines[0]))
    after = where(api.check(root))
    assert {d for d in before ^ after if (d[0], d[1]) not in changed_lines} == set()


def test_a_case_that_ends_at_its_closing_fence(root: Path) -> None:
    rel = "content/ärenden/kort.md"
    version = _write(root, rel, "---\nrubrik: R\n---")
    source = read_case(root, rel)
    assert plain(source.front) == {"rubrik": "R"} and source.body == ""
    version = save_case(root, rel, base_version=version, front={"rubrik": "S"}, body=None)
    assert (root / rel).read_text(encoding="utf-8") == "---\nrubrik: S\n---"
    save_case(root, rel, base_version=version, front=None, body="Text\n")
    assert (root / rel).read_text(encoding="utf-8") == "---\nrubrik: S\n---\nText\n"
