"""The protokoll's paragraphs: one per agenda item, numbered through the year per organ."""

from __future__ import annotations

import shutil
from pathlib import Path

from beslut.model.minutes import person_key, span_text
from beslut.validate.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]
MINUTES = "content/protokoll/2022-06-14-hsn.yaml"


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def _numbers(root: Path, rel: str = MINUTES) -> list[tuple[int, int | None]]:
    workspace = load_workspace(root)
    document = next(m for m in workspace.minutes if m.rel == rel)
    return [(p.number, p.agenda_number) for p in document.paragraphs]


def test_the_example_has_one_paragraph_per_item_except_the_one_that_was_dropped(
    tmp_path: Path,
) -> None:
    workspace = load_workspace(REPO)
    assert not [d for d in workspace.diagnostics if d.path == MINUTES]
    (document,) = workspace.minutes
    assert document.meeting_rel == "content/möten/2022-06-14-hsn.yaml"
    numbers = [(p.number, p.agenda_number) for p in document.paragraphs]
    assert numbers[0] == (41, 1)
    assert numbers[-2:] == [(55, 16), (56, 17)]  # 17: added by the tilläggslista
    assert 13 not in [a for _, a in numbers]  # utgår
    secret = next(p for p in document.paragraphs if p.agenda_number == 12)
    assert secret.withheld and secret.secrecy is not None
    assert secret.case is not None and secret.case.diary_number == "22HSN5105"
    changed = next(p for p in document.paragraphs if p.agenda_number == 7)
    assert changed.entry is not None and changed.entry.decision is not None


def test_an_item_added_at_the_meeting_takes_its_place_and_the_numbers_follow(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    path = root / MINUTES
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text
        + "  - tillagt: ja\n    efter: 4\n    rubrik: Extra ärende\n"
        + "    beslut:\n      beslutspunkter:\n"
        + "        - Hälso- och sjukvårdsnämnden godkänner det extra ärendet\n"
        + "  - tillagt: ja\n    rubrik: Fråga om sommarbemanningen\n"
        + "    beslut:\n      beslutspunkter:\n"
        + "        - Hälso- och sjukvårdsnämnden tar emot frågan\n",
        encoding="utf-8",
    )
    numbers = _numbers(root)
    assert numbers[3:5] == [(44, 4), (45, None)]  # right after item 4
    assert numbers[5] == (46, 5)
    # without "efter": before Övriga frågor, the kallelse's last item; the tilläggslista's
    # item 17 follows it
    assert numbers[-3:] == [(56, None), (57, 16), (58, 17)]


def test_numbers_continue_from_the_previous_protokoll_of_the_year(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    meeting = root / "content/möten/2022-06-14-hsn.yaml"
    later = root / "content/möten/2022-09-20-hsn.yaml"
    later.write_text(
        meeting.read_text(encoding="utf-8").replace("datum: 2022-06-14", "datum: 2022-09-20"),
        encoding="utf-8",
    )
    minutes = root / MINUTES
    text = minutes.read_text(encoding="utf-8")
    second = root / "content/protokoll/2022-09-20-hsn.yaml"
    second.write_text(
        text.replace("sammanträde: 2022-06-14-hsn", "sammanträde: 2022-09-20-hsn")
        .replace("första_paragraf: 41\n", "")
        .replace("datum: 2022-06-21", "datum: 2022-09-27"),
        encoding="utf-8",
    )
    assert _numbers(root, "content/protokoll/2022-09-20-hsn.yaml")[0] == (57, 1)
    # a new year starts again from the profile's första_paragraf (default 1)
    later.write_text(
        meeting.read_text(encoding="utf-8").replace("datum: 2022-06-14", "datum: 2023-01-17"),
        encoding="utf-8",
    )
    assert _numbers(root, "content/protokoll/2022-09-20-hsn.yaml")[0] == (1, 1)


def test_people_are_the_same_with_or_without_party_and_role() -> None:
    assert person_key("Anna Berglund (S), förste vice ordförande") == "anna berglund"
    assert person_key("anna  Berglund") == person_key("Anna Berglund (S)")
    assert span_text([41]) == "§ 41"
    assert span_text([43, 41, 42]) == "§§ 41\u201343"
    assert span_text([41, 43]) == "§§ 41, 43"
    assert span_text([56, *range(41, 54)]) == "§§ 41\u201353, 56"
