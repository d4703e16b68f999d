"""Content checks, family "Tal": sums in structured tables."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, MakeWorkspace, case_file, findings

CODES = ("summa-stämmer-inte", "radsumma", "dubblett-rad", "källtabell")
X = "content/ärenden/x.md"


def _check(make_workspace: MakeWorkspace, tables: str) -> list[str]:
    """Return the Tal findings for a case with these tables (YAML under ``tabeller:``)."""
    ids = [line.split("id:")[1].strip() for line in tables.splitlines() if "- id:" in line]
    body = "## Sammanfattning\n\nText.\n\n" + "".join(f"```tabell {i}\n```\n\n" for i in ids)
    root = make_workspace({X: case_file(body, extra="tabeller:\n" + tables)})
    return findings(root, *CODES)


# Front matter lines 1–12 come from case_file; line 13 is "tabeller:", the first table's
# "- id:" is line 14.

# ---------------------------------------------------------------------------------------------
# summa-stämmer-inte
# ---------------------------------------------------------------------------------------------

STATED = """\
  - id: kostnader
    kolumner:
      - {rubrik: Post}
      - {rubrik: Belopp, typ: belopp, enhet: tkr}
    rader:
      - [Samordnare, 1300]
      - [Stöd, 400.5]
      - [Kort]
      - [Fel, "tusen"]
    summarad: Summa
    angiven_summa: [null, 1800]
"""


def test_stated_sum_must_match_the_rows(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, STATED) == [
        f"{X}:24:27: fel: Summan i kolumnen ”Belopp” är 1800 i originalet men raderna summerar "
        "till 1700.5. Rätta raderna eller summan. [summa-stämmer-inte]"
    ]


def test_stated_sum_that_matches_passes(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, STATED.replace("1800", "1700.5")) == []


# ---------------------------------------------------------------------------------------------
# radsumma
# ---------------------------------------------------------------------------------------------

ROW_SUM = """\
  - id: per-ar
    kolumner:
      - {rubrik: Post}
      - {rubrik: "2020", typ: belopp, enhet: mnkr}
      - {rubrik: "2021", typ: belopp, enhet: mnkr}
      - {rubrik: Andel, typ: procent}
      - {rubrik: Totalt, typ: belopp, enhet: mnkr}
    rader:
      - [Budgetreducering, 100, 50, 40, 150]
      - [Underskott, 125, null, 60, 120]
    summarad: Summa
    angiven_summa: [null, 225, null, null, 270]
"""


def test_sum_column_must_add_up_the_row(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, ROW_SUM) == [
        f"{X}:23:37: fel: Raden ”Underskott” har 120 i kolumnen ”Totalt”, men radens belopp i "
        "”2020” och ”2021” summerar till 125. Rätta summan eller beloppen. [radsumma]"
    ]


def test_stated_sum_row_is_checked_too(make_workspace: MakeWorkspace) -> None:
    # The second row has no total, so only the stated sum row shows that 225 + 50 ≠ 270.
    tables = ROW_SUM.replace("60, 120]", "60, null]").replace("270]", "150]")
    assert _check(make_workspace, tables) == [
        f"{X}:25:44: fel: Summaraden ”Summa” har 150 i kolumnen ”Totalt”, men summorna i ”2020” "
        "och ”2021” blir 275. Rätta summan eller beloppen. [radsumma]"
    ]


def test_rows_that_add_up_pass(make_workspace: MakeWorkspace) -> None:
    assert (
        _check(
            make_workspace,
            ROW_SUM.replace("60, 120]", "60, 125]").replace("270]", "275]"),
        )
        == []
    )


def test_row_sum_can_be_switched_off_or_chosen(make_workspace: MakeWorkspace) -> None:
    off = ROW_SUM.replace(
        "{rubrik: Totalt, typ: belopp, enhet: mnkr}",
        "{rubrik: Totalt, typ: belopp, enhet: mnkr, radsumma: false}",
    )
    assert _check(make_workspace, off) == []
    chosen = """\
  - id: halvar
    kolumner:
      - {rubrik: Post}
      - {rubrik: Vår, typ: tal}
      - {rubrik: Höst, typ: tal}
      - {rubrik: Helår, typ: tal, radsumma: true}
      - {rubrik: Kommentar}
    rader:
      - [Besök, 10, 12, 21, ok]
"""
    assert _check(make_workspace, chosen) == [
        f"{X}:22:25: fel: Raden ”Besök” har 21 i kolumnen ”Helår”, men radens belopp i ”Vår” och "
        "”Höst” summerar till 22. Rätta summan eller beloppen. [radsumma]"
    ]


# ---------------------------------------------------------------------------------------------
# dubblett-rad
# ---------------------------------------------------------------------------------------------

# Seed 004, "Produktions- och kapacitetsstyrning i slutenvården", as the original has it:
# 2020: 31 mkr, 2021: 36 mkr, 2020: 41 mkr, Summa: 108 mkr.
SEED_004 = """\
  - id: pks-slutenvard
    kolumner:
      - {rubrik: År, typ: text}
      - {rubrik: Kostnadsreducering, typ: belopp, enhet: mnkr}
    rader:
      - ["2020", 31]
      - ["2021", 36]
      - ["2020", 41]
    summarad: Summa
    angiven_summa: [null, 108]
"""


def test_seed_004_year_given_twice(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, SEED_004) == [
        f"{X}:21:10: varning: ”2020” står redan på rad 1 i tabellen ”pks-slutenvard”. Troligen "
        "avser raden ett annat år, kanske 2022; rätta årtalet. [dubblett-rad]"
    ]


def test_duplicate_text_label(make_workspace: MakeWorkspace) -> None:
    tables = STATED.replace("[Kort]", "[stöd, 0]").replace("1800", "1700.5")
    assert _check(make_workspace, tables) == [
        f"{X}:21:10: varning: ”stöd” står redan på rad 2 i tabellen ”kostnader”. Troligen är det "
        "ett skrivfel; rätta etiketten eller ta bort den ena raden. [dubblett-rad]"
    ]


def test_distinct_labels_pass(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, SEED_004.replace('["2020", 41]', '["2022", 41]')) == []


# ---------------------------------------------------------------------------------------------
# källtabell
# ---------------------------------------------------------------------------------------------

PER_ACTION = """\
  - id: sjukhus
    kolumner:
      - {rubrik: År}
      - {rubrik: Kostnadsreducering, typ: belopp, enhet: mnkr}
    rader:
      - ["2020", 3]
      - ["2021", 3]
  - id: vardnivaer
    kolumner:
      - {rubrik: År}
      - {rubrik: Kostnadsreducering, typ: belopp, enhet: mnkr}
    rader:
      - ["2020", 86]
      - ["2021", 40]
  - id: patientens-vag
    kolumner:
      - {rubrik: År}
      - {rubrik: Kostnadsreducering, typ: belopp, enhet: mnkr}
    rader:
      - ["2021", 2]
  - id: sammanstallning
    kolumner:
      - {rubrik: Åtgärd}
      - {rubrik: "2020", typ: belopp, enhet: mnkr}
      - {rubrik: "2021", typ: belopp, enhet: mnkr}
      - {rubrik: Summa, typ: belopp, enhet: mnkr}
    rader:
      - [Ett sjukhus på tre orter, 3, 3, 6]
      - [Omstrukturering av vården, 86, 42, 128]
    källor:
      Ett sjukhus på tre orter: sjukhus
      Omstrukturering av vården: [vardnivaer, patientens-vag]
"""
# "sammanstallning" starts on line 34; its rows are lines 41 and 42, "källor" lines 44–45.


def test_summary_rows_that_agree_pass(make_workspace: MakeWorkspace) -> None:
    assert _check(make_workspace, PER_ACTION) == []


def test_summary_cell_must_match_the_linked_rows(make_workspace: MakeWorkspace) -> None:
    tables = PER_ACTION.replace("86, 42, 128]", "90, 42, 132]")
    assert _check(make_workspace, tables) == [
        f"{X}:42:37: fel: Raden ”Omstrukturering av vården” har 90 i kolumnen ”2020”, men raden "
        "”2020” i tabellerna ”vardnivaer” och ”patientens-vag” har 86. Rätta beloppet här eller i "
        "källtabellen. [källtabell]",
        f"{X}:42:45: fel: Raden ”Omstrukturering av vården” har 132 i kolumnen ”Summa”, men "
        "tabellerna ”vardnivaer” och ”patientens-vag” summerar till 128. Rätta beloppet här eller "
        "i källtabellen. [källtabell]",
    ]


def test_summary_total_must_match_the_linked_total(make_workspace: MakeWorkspace) -> None:
    tables = PER_ACTION.replace('["2021", 3]', '["2021", 3]\n      - ["2022", 4]')
    assert _check(make_workspace, tables) == [
        f"{X}:42:42: fel: Raden ”Ett sjukhus på tre orter” har 6 i kolumnen ”Summa”, men tabellen "
        "”sjukhus” summerar till 10. Rätta beloppet här eller i källtabellen. [källtabell]"
    ]


def test_empty_summary_cell_needs_an_empty_source(make_workspace: MakeWorkspace) -> None:
    empty = PER_ACTION.replace(
        "[Ett sjukhus på tre orter, 3, 3, 6]", "[Ett sjukhus på tre orter, null, 3, 3]"
    )
    assert _check(make_workspace, empty) == [
        f"{X}:41:36: fel: Raden ”Ett sjukhus på tre orter” saknar belopp i kolumnen ”2020”, men "
        "raden ”2020” i tabellen ”sjukhus” har 3. Rätta beloppet här eller i källtabellen. "
        "[källtabell]",
        f"{X}:41:45: fel: Raden ”Ett sjukhus på tre orter” har 3 i kolumnen ”Summa”, men tabellen "
        "”sjukhus” summerar till 6. Rätta beloppet här eller i källtabellen. [källtabell]",
    ]
    # An empty summary cell is right when the linked table has no such row.
    assert (
        _check(
            make_workspace,
            PER_ACTION.replace('["2020", 3]\n', "").replace("3, 3, 6]", "null, 3, 3]"),
        )
        == []
    )


def test_unknown_row_or_table_in_sources(make_workspace: MakeWorkspace) -> None:
    tables = PER_ACTION.replace(
        "Ett sjukhus på tre orter: sjukhus", "Ett sjukhus på tre ort: sjukhs"
    ).replace("[vardnivaer, patientens-vag]", "[vardnivaer, okänd]")
    assert _check(make_workspace, tables) == [
        f"{X}:44:7: fel: ”Ett sjukhus på tre ort” under ”källor” är ingen rad i tabellen "
        "”sammanstallning”. Menade du ”Ett sjukhus på tre orter”? Skriv radens etikett precis som "
        "i första kolumnen. [källtabell]",
        f"{X}:44:31: fel: Det finns ingen annan tabell med id ”sjukhs” i ärendet. Menade du "
        "”sjukhus”? Skriv id:t för tabellen som raden sammanfattar. [källtabell]",
        f"{X}:45:47: fel: Det finns ingen annan tabell med id ”okänd” i ärendet. Skriv id:t för "
        "tabellen som raden sammanfattar. [källtabell]",
    ]


def test_source_without_a_comparable_column(make_workspace: MakeWorkspace) -> None:
    tables = PER_ACTION.replace(
        '{rubrik: Kostnadsreducering, typ: belopp, enhet: mnkr}\n    rader:\n      - ["2020", 3]',
        '{rubrik: Kostnadsreducering, typ: belopp, enhet: tkr}\n    rader:\n      - ["2020", 3]',
    )
    assert _check(make_workspace, tables) == [
        f"{X}:44:33: fel: Tabellen ”sjukhus” har ingen kolumn med belopp i mnkr att jämföra med "
        "raden ”Ett sjukhus på tre orter”. Ange samma typ och enhet i båda tabellerna. [källtabell]"
    ]


# ---------------------------------------------------------------------------------------------
# The repository's own content
# ---------------------------------------------------------------------------------------------


def test_real_content_tables_add_up(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    assert findings(tmp_path, "källtabell", "radsumma", "summa-stämmer-inte") == []
    # the summary is linked to its per-action tables, so a wrong number there is caught
    case = tmp_path / "content" / "ärenden" / "25HSN4120-omställning-hållbar-ekonomi.md"
    text = case.read_text(encoding="utf-8")
    assert "källor:" in text
    case.write_text(
        text.replace(
            "[Omstrukturering av vården, -90, -42, -41, -173]",
            "[Omstrukturering av vården, -86, -42, -41, -169]",
        ),
        encoding="utf-8",
    )
    assert [line.split(": ", 2)[2] for line in findings(tmp_path, "källtabell")] == [
        "Raden ”Omstrukturering av vården” har -86 i kolumnen ”2020”, men raden ”2020” i "
        "tabellerna ”omstrukturering-vardnivaer” och ”omstrukturering-patientens-vag” har -90. "
        "Rätta beloppet här eller i källtabellen. [källtabell]",
        "Raden ”Omstrukturering av vården” har -169 i kolumnen ”Summa”, men tabellerna "
        "”omstrukturering-vardnivaer” och ”omstrukturering-patientens-vag” summerar till -173. "
        "Rätta beloppet här eller i källtabellen. [källtabell]",
    ]
