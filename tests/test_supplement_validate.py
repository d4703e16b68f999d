"""Tilläggslista rules of a meeting file: supplement items last, dates in range (located)."""

from __future__ import annotations

from beslut.validate.workspace import load_workspace
from conftest import CASE, MEETING, MakeWorkspace

SENT = MEETING.replace(
    "plats: Regionens hus\n", "plats: Regionens hus\nutskicksdatum: 2025-09-24\n"
)


def _check(make_workspace: MakeWorkspace, meeting: str) -> list[str]:
    root = make_workspace({"content/ärenden/a.md": CASE, "content/möten/möte.yaml": meeting})
    return [d.format() for d in load_workspace(root).diagnostics]


def test_a_supplement_item_last_is_valid(make_workspace: MakeWorkspace) -> None:
    meeting = (
        SENT
        + "  - typ: övrigt\n  - typ: beslut\n    diarienummer: 25HSN1\n    tillägg: 2025-09-26\n"
    )
    assert _check(make_workspace, meeting) == []


def test_a_supplement_item_before_a_sent_one(make_workspace: MakeWorkspace) -> None:
    meeting = (
        SENT
        + "  - typ: beslut\n    diarienummer: 25HSN1\n    tillägg: 2025-09-26\n  - typ: övrigt\n"
    )
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:13:14: fel: Punkt 2 (Ett ärende om åtgärder) har "
        "”tillägg: 2025-09-26” men står före punkt 3 (Övriga frågor), som skickades med kallelsen. "
        "Punkter med tillägg ska stå sist, så att numren i den utskickade kallelsen inte ändras. "
        "Flytta punkt 2 (Ett ärende om åtgärder) sist i ”ärenden”. [tillägg-inte-sist]"
    ]


def test_a_supplement_date_before_the_kallelse_was_sent(make_workspace: MakeWorkspace) -> None:
    meeting = SENT + "  - typ: övrigt\n    tillägg: 2025-09-20\n"
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:12:14: fel: Tilläggsdatumet 2025-09-20 för punkt 2 (Övriga frågor) är "
        "före utskicksdatumet 2025-09-24: en punkt som fanns när kallelsen skickades står i "
        "kallelsen. Rätta datumet, eller ta bort ”tillägg” så att punkten står i kallelsen. "
        "[tillägg-före-utskick]"
    ]


def test_a_supplement_date_after_the_meeting(make_workspace: MakeWorkspace) -> None:
    meeting = MEETING + "  - typ: övrigt\n    tillägg: 2025-10-02\n"
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:11:14: fel: Tilläggsdatumet 2025-10-02 för punkt 2 (Övriga frågor) är "
        "efter sammanträdet 2025-10-01: tilläggslistan skickas före sammanträdet. Rätta datumet. "
        "[tillägg-efter-möte]"
    ]


def test_without_a_sent_date_any_date_up_to_the_meeting_is_valid(
    make_workspace: MakeWorkspace,
) -> None:
    assert _check(make_workspace, MEETING + "  - typ: övrigt\n    tillägg: 2025-01-01\n") == []
