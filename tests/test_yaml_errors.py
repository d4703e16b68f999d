"""Issue 13 point 11: a YAML mistake is reported where it is, in Swedish, and only once.

Each common mistake in a case's front matter gives one located error (file:line:column), and a
file that cannot be read does not cause follow-on errors in the files that refer to it.
"""

from __future__ import annotations

import pytest

from beslut.validate.workspace import load_workspace
from conftest import CASE, MEETING, MakeWorkspace

REL = "content/ärenden/x.md"
SYNTAX = "[yaml-syntax]"


def _errors(make_workspace: MakeWorkspace, files: dict[str, str]) -> list[str]:
    return [d.format() for d in load_workspace(make_workspace(files)).diagnostics]


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "rubrik: Ett ärende om åtgärder",
            "rubrik: [Ett ärende om åtgärder",
            "3:9",
            "YAML-syntaxfel: hakparentesen [ som börjar här stängs aldrig. Avsluta listan med ], "
            "eller sätt värdet inom citattecken om [ hör till texten.",
        ),
        (
            "handläggare:\n  namn: Åsa Öberg",
            "handläggare: {namn: Åsa Öberg",
            "7:14",
            "YAML-syntaxfel: klammerparentesen { som börjar här stängs aldrig. Avsluta gruppen "
            "med }, eller sätt värdet inom citattecken om { hör till texten.",
        ),
        (
            "rubrik: Ett ärende om åtgärder",
            'rubrik: "Ett ärende om åtgärder',
            "3:9",
            'YAML-syntaxfel: citattecknet " som börjar här avslutas aldrig. Lägg till ett '
            'avslutande " efter texten.',
        ),
        (
            "  namn: Åsa Öberg",
            "\tnamn: Åsa Öberg",
            "8:1",
            "Tabbtecken används för indrag; YAML kräver mellanslag. Byt tabben mot mellanslag.",
        ),
        (
            "instans: hsn",
            "instans:hsn",
            "5:8",
            "YAML-syntaxfel: mellanslag saknas efter kolon. Skriv ”instans: …” med ett mellanslag "
            "efter kolonet (eller sätt hela värdet inom citattecken).",
        ),
        (
            "    - Hälso- och sjukvårdsnämnden godkänner planen",
            "    - Hälso- och sjukvårdsnämnden godkänner planen\n   - En punkt till",
            "13:4",
            "YAML-syntaxfel: listpunkten (-) har ett annat indrag än raderna ovanför. Ge alla "
            "punkter i samma lista samma indrag, med mellanslag.",
        ),
        (
            "datum: 2025-09-10",
            "datum: 2025-09-10\nrubrik: En annan rubrik",
            "7:1",
            "YAML-syntaxfel: nyckeln ”rubrik” förekommer två gånger i samma grupp (första gången "
            "på rad 3). Ta bort den ena eller byt namn på den.",
        ),
        (
            "instans: hsn",
            "instans: hsn\n---",
            "6:1",
            "YAML-syntaxfel: den här raden med --- avslutar front matter för tidigt; nycklarna "
            "under den, fram till nästa ---, skulle annars läsas som brödtext. Ta bort raden.",
        ),
    ],
    ids=["hakparentes", "klammer", "citattecken", "tabb", "kolon", "listindrag", "dubblett", "---"],
)
def test_each_common_mistake_is_one_located_error(
    make_workspace: MakeWorkspace, old: str, new: str, where: str, message: str
) -> None:
    assert old in CASE
    assert _errors(make_workspace, {REL: CASE.replace(old, new)}) == [
        f"{REL}:{where}: fel: {message} {SYNTAX}"
    ]


def test_a_markdown_thematic_break_is_not_a_stray_fence(make_workspace: MakeWorkspace) -> None:
    text = CASE + "\nObs: en rad.\n\n---\n\nMer text.\n"
    assert _errors(make_workspace, {REL: text}) == []


def _meeting(*items: str) -> str:
    return MEETING + "".join(items)


BESLUT_ITEM = "  - typ: beslut\n    diarienummer: 25HSN1\n"


def test_a_meeting_names_a_case_with_a_syntax_error(make_workspace: MakeWorkspace) -> None:
    broken = CASE.replace("rubrik: Ett ärende om åtgärder", "rubrik: [Ett ärende")
    got = _errors(make_workspace, {REL: broken, "content/möte.yaml": _meeting(BESLUT_ITEM)})
    assert got == [
        "content/möte.yaml:11:19: fel: Ärendet 25HSN1 har fel (se content/ärenden/x.md) och kan "
        "inte tas med förrän de är rättade. [ärende-har-fel]",
        f"{REL}:3:9: fel: YAML-syntaxfel: hakparentesen [ som börjar här stängs aldrig. Avsluta "
        "listan med ], eller sätt värdet inom citattecken om [ hör till texten. [yaml-syntax]",
    ]


def test_unknown_diary_number_names_the_unreadable_files(make_workspace: MakeWorkspace) -> None:
    broken = CASE.replace("diarienummer: 25HSN1", "diarienummer: [25HSN1")
    got = _errors(make_workspace, {REL: broken, "content/möte.yaml": _meeting(BESLUT_ITEM)})
    assert got[0] == (
        "content/möte.yaml:11:19: fel: Det finns inget ärende med diarienummer ”25HSN1” i "
        "content/. Ärendet kan finnas i en fil som inte kunde läsas (content/ärenden/x.md); "
        "rätta felen där först. [okänt-diarienummer]"
    )
    assert got[1].startswith(f"{REL}:4:15: fel: YAML-syntaxfel: hakparentesen")
    assert len(got) == 2


def test_paperless_item_sees_an_unreadable_case(make_workspace: MakeWorkspace) -> None:
    broken = CASE.replace("instans: hsn", "instans:hsn")
    item = "  - typ: beslut\n    diarienummer: 25HSN1\n    rubrik: R\n    underlag: utanför_arbetsytan\n"
    got = _errors(make_workspace, {REL: broken, "content/möte.yaml": _meeting(item)})
    assert [g.rsplit("[", 1)[1] for g in got] == ["underlag-men-ärende-finns]", "yaml-syntax]"]
    assert "(content/ärenden/x.md)" in got[0]


def test_attachments_of_an_unreadable_case_are_not_reported_unlisted(
    make_workspace: MakeWorkspace,
) -> None:
    case = CASE.replace(
        "---\n\n##", "bilagor:\n  - titel: Bilaga\n    fil: bilaga.pdf\n---\n\n##"
    ).replace("instans: hsn", "instans:hsn")
    got = _errors(
        make_workspace,
        {"content/ärenden/a/x.md": case, "content/ärenden/a/bilaga.pdf": "%PDF-1.4\n"},
    )
    assert len(got) == 1
    assert got[0].startswith("content/ärenden/a/x.md:5:8: fel: YAML-syntaxfel: mellanslag")
