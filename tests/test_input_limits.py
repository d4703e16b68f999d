"""Very large and deeply nested inputs (issue 14, point 4): each gives a located Swedish error
with its code and exit code 1, in bounded memory and time.

Inputs that could fill the memory or hang run ``beslut check`` (and ``beslut build``) in a
subprocess with an address-space cap and a timeout, and the child's peak RSS is asserted; the
rest run in process. The hostile files come from ``benchmarks/bench_memory.py`` (the same
generators the memory benchmark measures). Related, older cases (alias bombs, deep YAML, a
5 MB case) are in ``tests/test_hostile_input.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from beslut.cli.main import cli
from beslut.load.archive import MAX_UNPACKED_BYTES
from beslut.load.source import MAX_BODY_LINES, MAX_TABLE_BARS
from beslut.load.yamlpos import MAX_VALUES
from beslut.model.markdown import MAX_NESTING
from conftest import MakeWorkspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_memory as hostile

CAP_MB = 1024
"""Address-space cap of the child: a normal check stays under 100 MB resident."""
MAX_RSS_MB = 400
"""Peak resident memory a check of one hostile file may reach (before: 1.1 GB, MemoryError)."""
TIMEOUT_S = 90.0
REL = "content/ärenden/fientlig.md"
MB = 1_000_000


def _capped(root: Path, command: str = "check") -> tuple[int, str, float]:
    args = [sys.executable, "-m", "beslut", command, str(root)]
    if command == "build":
        args += ["--format", "docx"]
    result = hostile.run_capped(args, cap_mb=CAP_MB, timeout=TIMEOUT_S)
    assert not result.timed_out, result
    return result.exit, result.output, result.peak_rss_mb


def _line(output: str, rel: str, code: str) -> str:
    assert "Traceback" not in output and "internt fel" not in output, output
    found = [
        line
        for line in output.splitlines()
        if line.startswith(f"{rel}:") and line.endswith(f"[{code}]")
    ]
    assert found, output
    return found[0]


# --- huge files: refused by size before they are read --------------------------------------

HUGE = {
    "md-50mb-line": (REL, lambda: {REL: hostile.case_with_body("x" * 50 * MB)}),
    "yaml-50mb-line": (
        "content/ärenden/fientlig.yaml",
        lambda: {"content/ärenden/fientlig.yaml": "text: " + "x" * 50 * MB + "\n"},
    ),
    "front-matter-50mb": (
        REL,
        lambda: {REL: hostile.case_with_front("underrubrik: " + "x" * 50 * MB + "\n")},
    ),
    "meeting-50mb": (
        "content/möten/fientlig.yaml",
        lambda: {"content/möten/fientlig.yaml": "typ: sammanträde\nplats: " + "x" * 50 * MB},
    ),
    "profile-50mb": (
        "content/profil.yaml",
        lambda: {"content/profil.yaml": "organisation:\n  namn: " + "x" * 50 * MB + "\n"},
    ),
}


@pytest.mark.parametrize("name", list(HUGE))
def test_a_50_mb_file_is_refused_without_reading_it(
    make_workspace: MakeWorkspace, name: str
) -> None:
    rel, files = HUGE[name]
    root = make_workspace(files())
    code, output, rss = _capped(root)
    assert code == 1
    assert re.fullmatch(
        rf"{re.escape(rel)}:1:1: fel: Filen är för stor \(50,\d MB\); beslut läser filer på "
        r"högst 1 MB\. .+ \[för-stor-fil\]",
        _line(output, rel, "för-stor-fil"),
    )
    assert rss < 150  # the 50 MB are never read into memory


# --- Markdown nested past the parser's limit: an error, never lost text --------------------


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("- " * 10_000 + "x", 19, 1),
        ("> " * 10_000 + "x", 19, 1),
        ("".join("  " * i + "- punkt\n" for i in range(30)), 28, 19),
        ("Inledning.\n\n" + "".join("   " * i + "1. punkt\n" for i in range(12)), 30, 28),
    ],
    ids=["list-one-line", "quote-one-line", "list-indented", "numbered-indented"],
)
def test_markdown_nested_too_deep_is_located(
    make_workspace: MakeWorkspace, body: str, line: int, column: int
) -> None:
    root = make_workspace({REL: hostile.case_with_body(body)})
    code, output, _ = _capped(root)
    assert code == 1
    assert _line(output, REL, "för-djup-text") == (
        f"{REL}:{line}:{column}: fel: Listorna eller citaten är nästlade i för många nivåer här: "
        f"beslut läser högst {MAX_NESTING // 2} listor i varandra eller {MAX_NESTING} citat (>) i "
        "varandra, och texten från den här raden och ut i listan eller citatet skulle inte komma "
        "med. Minska indraget eller antalet - och > i början av raderna. [för-djup-text]"
    )


def test_build_stops_at_markdown_nested_too_deep(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({REL: hostile.case_with_body("> " * 10_000 + "x")})
    code, output, _ = _capped(root, "build")
    assert code == 1
    assert _line(output, REL, "för-djup-text").startswith(f"{REL}:19:1: fel: ")
    assert not list((root / "output").rglob("*.docx"))


def test_nesting_within_the_limit_keeps_every_word(make_workspace: MakeWorkspace) -> None:
    """Nine lists and nineteen quotes deep is still read whole, and every word is printed."""
    body = "- " * 9 + "ordilistan\n\n" + "> " * 19 + "ordicitatet"
    root = make_workspace({REL: hostile.case_with_body(body)})
    result = CliRunner().invoke(cli, ["build", str(root), "--format", "docx"])
    assert result.exit_code == 0, result.output
    import docx

    text = "\n".join(
        p.text for p in docx.Document(str(root / "output" / "ärenden" / "fientlig.docx")).paragraphs
    )
    assert "ordilistan" in text and "ordicitatet" in text


@pytest.mark.parametrize(
    "body",
    [
        "*" * 10_000 + "x" + "*" * 10_000,
        "[" * 10_000 + "x" + "](u)" * 10_000,
        "[" * 5_000 + "x" + "](https://a.se)" * 5_000,
        "x" * 40_000 + "@" + "y" * 40_000,
    ],
    ids=["emphasis", "brackets", "links", "long-word-with-at"],
)
def test_deep_inline_nesting_checks_in_seconds(make_workspace: MakeWorkspace, body: str) -> None:
    """Inline nesting past the limit keeps its text (markers print as written); the check must
    not take minutes (a quadratic e-mail pattern took 100 s on the links line)."""
    root = make_workspace({REL: hostile.case_with_body(body)})
    result = hostile.run_capped(
        [sys.executable, "-m", "beslut", "check", str(root)], cap_mb=CAP_MB, timeout=40
    )
    assert not result.timed_out, result
    assert result.exit in (0, 1)
    assert "Traceback" not in result.output and "internt fel" not in result.output
    assert "för-djup-text" not in result.output


# --- long texts and huge tables ------------------------------------------------------------


def test_more_than_the_line_limit_is_refused_at_the_first_line_over(
    make_workspace: MakeWorkspace,
) -> None:
    body = "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 60_000
    root = make_workspace({REL: hostile.case_with_body(body)})
    code, output, rss = _capped(root)
    assert code == 1
    fence = hostile.CASE_FRONT.count("\n") + 1  # the body starts after the closing ---
    assert _line(output, REL, "för-lång-text") == (
        f"{REL}:{fence + MAX_BODY_LINES + 1}:1: fel: Texten är för lång (60009 rader); "
        f"beslut läser högst {MAX_BODY_LINES} rader text i en handling. Lägg långa underlag och "
        "tabeller som en bilaga (PDF under bilagor:) och sammanfatta dem i texten. [för-lång-text]"
    )
    assert rss < 150  # before: 480 MB and a minute for 110 000 rows


def test_a_table_with_too_many_cells_is_refused_where_it_passes_the_limit(
    make_workspace: MakeWorkspace,
) -> None:
    body = "| " + "a | " * 50_000 + "\n|" + "---|" * 50_000 + "\n"
    root = make_workspace({REL: hostile.case_with_body(body)})
    code, output, _ = _capped(root)
    assert code == 1
    first = hostile.CASE.count("\n") + 2
    assert _line(output, REL, "för-lång-text") == (
        f"{REL}:{first}:{MAX_TABLE_BARS * 4 + 1}: fel: Texten har för många "
        f"tabellceller (100002 lodstreck |); beslut läser högst {MAX_TABLE_BARS} i en handling, "
        "och här passeras gränsen. Lägg stora tabeller som en bilaga (PDF under bilagor:) och "
        "visa en sammanfattning i texten. [för-lång-text]"
    )


def test_a_hundred_thousand_decision_points_are_refused_where_the_limit_passes(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace({REL: hostile.decision_points(110_000, "a")})
    code, output, rss = _capped(root)
    assert code == 1
    # The file's keys and values before the list, then one value per point.
    assert _line(output, REL, "för-många-värden") == (
        f"{REL}:19991:7: fel: Filen har fler än {MAX_VALUES} nycklar och värden; beslut läser "
        "högst så många i en fil, och här passeras gränsen. Så många uppgifter behövs inte i "
        "ett ärende, ett sammanträde eller en profil: lägg långa listor och tabeller som en "
        "bilaga (PDF under bilagor:) i stället. [för-många-värden]"
    )
    assert rss < 200  # before: over two minutes and 380 MB


def test_a_long_but_allowed_table_still_checks(make_workspace: MakeWorkspace) -> None:
    rows = "| 1 | 2 |\n" * 2_000
    body = "## Tabell\n\n| a | b |\n|---|---|\n" + rows
    root = make_workspace({REL: hostile.case_with_body(body)})
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert "för-lång-text" not in result.output
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


# --- zip bombs and PDF bombs ---------------------------------------------------------------


def test_a_docx_attachment_that_is_a_zip_bomb(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            REL: hostile.attachment_case("bomb.docx"),
            "content/bilagor/bomb.docx": hostile.docx_bomb(MAX_UNPACKED_BYTES + 6_000_000, 1),
        },
    )
    code, output, rss = _capped(root)
    assert code == 1
    assert _line(output, REL, "bilaga-för-stor") == (
        f"{REL}:10:10: fel: Bilagan ”content/bilagor/bomb.docx” packas upp till 204,0 MB; beslut läser Word- och "
        "ODT-filer som packas upp till högst 200 MB. Filen är troligen trasig: öppna den i Word "
        "eller LibreOffice och spara den igen, eller spara den som PDF. [bilaga-för-stor]"
    )
    assert rss < MAX_RSS_MB


def test_a_template_that_is_a_zip_bomb(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            REL: hostile.CASE,
            "templates/tjänsteskrivelse.docx": hostile.docx_bomb(MAX_UNPACKED_BYTES + 6_000_000, 1),
        },
    )
    for command in ("check", "build"):
        code, output, rss = _capped(root, command)
        assert code == 1, output
        assert _line(output, "templates/tjänsteskrivelse.docx", "mallfel") == (
            "templates/tjänsteskrivelse.docx:1:1: fel: Mallen templates/tjänsteskrivelse.docx, "
            f"som används för {REL}, packas upp till 204,0 MB; beslut läser mallar som packas "
            "upp till högst 200 MB. Filen är trasig: bygg om mallarna med ”beslut mallar "
            "--bygg”, eller öppna mallen i Word och spara den igen. [mallfel]"
        )
        assert rss < MAX_RSS_MB


PDF_TOO_LARGE = (
    f"{REL}:10:10: fel: Bilagan ”{{name}}” går utöver PDF-läsarens gränser (en ström som packas "
    "upp till mer än 75 MB, ett sidträd i mer än 100 nivåer eller en lista med miljontals "
    "värden) och kan inte läsas. Filen är troligen trasig: öppna den i en PDF-läsare och skriv "
    "ut eller spara den som en ny PDF, eller dela den i flera bilagor. [bilaga-för-stor]"
)


@pytest.mark.parametrize(
    "make_pdf",
    [
        lambda: hostile.pdf_flate_bomb(100_000_000),
        lambda: hostile.pdf_deep_pages(10_000),
        lambda: hostile.pdf_many_pages(1_000_000),
    ],
    ids=["flate-bomb", "deep-page-tree", "million-kids"],
)
def test_a_pdf_bomb_attachment(make_workspace: MakeWorkspace, make_pdf: object) -> None:
    root = make_workspace(
        {REL: hostile.attachment_case("bomb.pdf"), "content/bilagor/bomb.pdf": make_pdf()},  # type: ignore[operator]
    )
    code, output, rss = _capped(root)
    assert code == 1
    assert _line(output, REL, "bilaga-för-stor") == PDF_TOO_LARGE.format(
        name="content/bilagor/bomb.pdf"
    )
    assert rss < MAX_RSS_MB


def test_a_png_of_ten_billion_pixels_is_refused_before_decoding(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace(
        {
            REL: hostile.image_case("stor.png"),
            "content/bilder/stor.png": hostile.png(100_000, 100_000, rows=10),
        },
    )
    code, output, rss = _capped(root)
    assert code == 1
    line = _line(output, REL, "bild-fel")
    assert "är för stor (100000 × 100000 bildpunkter)" in line, line
    assert rss < 150
