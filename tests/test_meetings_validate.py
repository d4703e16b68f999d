"""Meeting files: every validation rule, located and in Swedish."""

from __future__ import annotations

from beslut.model.models import ItemKind
from beslut.validate.workspace import load_workspace
from conftest import CASE, MakeWorkspace
from conftest import MEETING as BASE_MEETING

MEETING = BASE_MEETING + (
    "  - typ: föredragningslista\n"
    "  - typ: information\n"
    "    punkter: [Läkemedel, Pandemiläget]\n"
    "  - typ: beslut\n"
    "    diarienummer: 25HSN1\n"
)


def _check(make_workspace: MakeWorkspace, meeting: str, **extra: str) -> list[str]:
    files = {"content/ärenden/a.md": CASE, "content/möten/möte.yaml": meeting, **extra}
    root = make_workspace(files)
    return [d.format() for d in load_workspace(root).diagnostics]


def test_valid_meeting(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/a.md": CASE, "content/möten/möte.yaml": MEETING})
    workspace = load_workspace(root)
    assert [d.format() for d in workspace.diagnostics] == []
    [meeting] = workspace.meetings
    assert [i.kind for i in meeting.meeting.items] == [
        ItemKind.JUSTERARE,
        ItemKind.FOREDRAGNINGSLISTA,
        ItemKind.INFORMATION,
        ItemKind.BESLUT,
    ]


def test_unknown_diarienummer_with_suggestion(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, MEETING.replace("25HSN1\n", "25HSN11\n")) == [
        "content/möten/möte.yaml:14:19: fel: Det finns inget ärende med diarienummer ”25HSN11” i "
        "content/. Menade du ”25HSN1”? [okänt-diarienummer]"
    ]


def test_case_of_another_organ(make_workspace: MakeWorkspace) -> None:
    other = (
        CASE.replace("instans: hsn", "instans: rs")
        .replace("25HSN1", "RS/1/2025")
        .replace("Hälso- och sjukvårdsnämnden godkänner", "Regionstyrelsen godkänner")
    )
    meeting = MEETING + "  - typ: beslut\n    diarienummer: RS/1/2025\n"
    assert _check(make_workspace, meeting, **{"content/ärenden/b.md": other}) == [
        "content/möten/möte.yaml:16:19: fel: Ärendet RS/1/2025 (content/ärenden/b.md) gäller "
        "instansen ”rs”, men sammanträdet är för ”hsn”. [fel-instans]"
    ]


def test_duplicate_item(make_workspace: MakeWorkspace) -> None:
    meeting = MEETING + "  - typ: beslut\n    diarienummer: 25HSN1\n"
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:15:5: fel: Punkten finns redan som punkt 4 på föredragningslistan. "
        "[dubblett-punkt]"
    ]


def test_case_dated_after_meeting(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, MEETING.replace("2025-10-01", "2025-09-01")) == [
        "content/möten/möte.yaml:14:19: fel: Ärendet 25HSN1 är daterat 2025-09-10, efter "
        "sammanträdet 2025-09-01. Kontrollera datumen. [ärende-efter-möte]"
    ]


def test_item_kind_and_time_and_attachment(make_workspace: MakeWorkspace) -> None:
    meeting = (
        MEETING.replace('tid: "09.00"', 'tid: "9 på morgonen"').replace(
            "  - typ: justerare\n", "  - typ: justerare\n    diarienummer: 25HSN1\n"
        )
        + "  - typ: meddelande\n"
        + "  - typ: övrigt\n    handlingar:\n      - titel: X\n        fil: ../../hemlig.pdf\n"
    )
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:4:6: fel: ”tid” har fel format: ”9 på morgonen”. [fel-format]",
        "content/möten/möte.yaml:16:10: fel: ”typ” kan inte vara ”meddelande”. Tillåtna värden: "
        "”justerare”, ”föredragningslista”, ”delegationsbeslut”, ”meddelanden”, ”information”, "
        "”beslut” eller ”övrigt”. Menade du ”meddelanden”? [ogiltigt-värde]",
    ]
    meeting = (
        MEETING
        + "  - typ: övrigt\n    handlingar:\n      - titel: X\n        fil: ../../../hemlig.pdf\n"
    )
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:18:14: fel: Bilagan ”../../../hemlig.pdf” pekar utanför arbetsytan. "
        "Lägg filen i arbetsytan, t.ex. i content/bilagor/. [bilaga-utanför]"
    ]
    meeting = MEETING.replace(
        "  - typ: justerare\n", "  - typ: justerare\n    diarienummer: 25HSN1\n"
    )
    assert _check(make_workspace, meeting) == [
        "content/möten/möte.yaml:10:19: fel: Bara beslutsärenden (typ: beslut) har diarienummer. "
        "[diarienummer-ej-beslut]"
    ]
