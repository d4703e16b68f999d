"""Hostile or odd content files: every one gives a located Swedish error and exit code 1.

Each file is checked twice: ``beslut check`` in process (CliRunner) and ``beslut build --format
docx`` in a subprocess with a timeout, so a hang, a crash of the interpreter (segmentation
fault) or a traceback fails the test instead of the test run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from beslut.cli.main import cli
from conftest import CASE, MakeWorkspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_memory as hostile  # the hostile inputs of the memory benchmark

REL = "content/ärenden/fil.md"
YAML_REL = "content/ärenden/fil.yaml"

_, _FRONT, _BODY = CASE.split("---\n", 2)
PURE_YAML_CASE = _FRONT + "text: |\n" + textwrap.indent(_BODY.lstrip("\n"), "  ")
"""The test case as a YAML case file: its front matter, and its Markdown under ``text``."""


@dataclass(frozen=True)
class Hostile:
    rel: str
    content: str | bytes | None  # None: see ``kind``
    code: str
    line: int | None = None
    column: int | None = None
    kind: str = "file"  # file, dir, broken-link


HOSTILE: dict[str, Hostile] = {
    "alias-bomb": Hostile(REL, hostile.case_with_front(hostile.alias_bomb()), "yaml-ankare", 3, 5),
    "alias-bomb-yaml": Hostile(
        YAML_REL, hostile.alias_bomb() + PURE_YAML_CASE, "yaml-ankare", 1, 5
    ),
    "plain-alias": Hostile(
        REL,
        hostile.case_with_front("underrubrik: &u Text\n").replace("instans: hsn", "instans: *u"),
        "yaml-ankare",
    ),
    "merge-key": Hostile(
        REL, hostile.case_with_front("<<: {underrubrik: Text}\n"), "yaml-ankare", 3, 1
    ),
    "deep-list": Hostile(
        REL,
        hostile.case_with_front("underrubrik: " + "[" * 3000 + "]" * 3000 + "\n"),
        "för-djup-nästling",
        3,
    ),
    "deep-map": Hostile(
        REL,
        hostile.case_with_front(
            "".join(" " * (2 * i) + f"n{i}:\n" for i in range(60)) + " " * 120 + "x: 1\n"
        ),
        "för-djup-nästling",
    ),
    "python-tag": Hostile(
        REL,
        CASE.replace("rubrik: Ett ärende om åtgärder", "rubrik: !!python/object:os.system ls"),
        "okänd-tagg",
        3,
        9,
    ),
    "unknown-tag": Hostile(
        REL, hostile.case_with_front("underrubrik: !hemlig text\n"), "okänd-tagg", 3, 14
    ),
    "vertical-tab-front": Hostile(
        REL, CASE.replace("Ett ärende om", "Ett\x0bärende om"), "styrtecken", 3, 12
    ),
    "form-feed-body": Hostile(
        REL, CASE.replace("Text med å", "Text\x0cmed å"), "styrtecken", 17, 5
    ),
    "vertical-tab-body": Hostile(
        REL, CASE.replace("Text med å", "Text med\x0bå"), "styrtecken", 17, 9
    ),
    "nul-front": Hostile(REL, CASE.replace("Åsa Öberg", "Åsa\x00Öberg"), "styrtecken", 8, 12),
    "escape-body": Hostile(REL, CASE.replace("Text med", "Text\x1bmed"), "styrtecken", 17, 5),
    "c1-control-body": Hostile(REL, CASE.replace("Text med", "Text\x85med"), "styrtecken", 17, 5),
    "delete-body": Hostile(REL, CASE.replace("Text med", "Text\x7fmed"), "styrtecken", 17, 5),
    "control-in-yaml-text": Hostile(
        YAML_REL, PURE_YAML_CASE.replace("Text med", "Text\x0bmed"), "styrtecken", 15, 7
    ),
    "noncharacter-front": Hostile(
        REL, CASE.replace("Ett ärende", "E\uffff ärende"), "otillåtet-tecken", 3, 10
    ),
    "long-title": Hostile(REL, CASE.replace("Ett ärende om åtgärder", "a" * 300), "för-lång", 3, 9),
    "long-officer-name": Hostile(REL, CASE.replace("Åsa Öberg", "Å" * 300), "för-lång", 8, 9),
    "empty": Hostile(REL, "", "tom-fil", 1, 1),
    "only-whitespace": Hostile(REL, " \n\n\t\n", "tom-fil", 1, 1),
    "only-fence": Hostile(REL, "---\n", "front-matter-oavslutad", 1, 1),
    "empty-front-matter": Hostile(REL, "---\n---\n", "saknas", 1, 1),
    "bom-and-bad-date": Hostile(
        REL, "\ufeff" + CASE.replace("2025-09-10", "2025-02-30"), "ogiltigt-datum", 6, 8
    ),
    "binary": Hostile(REL, bytes(range(256)) * 8, "inte-utf8", 2),
    "invalid-utf8": Hostile(REL, CASE.encode() + b"\xff\xfe", "inte-utf8", 18, 1),
    "latin1": Hostile(REL, CASE.encode("latin-1"), "inte-utf8", 2, 8),
    "top-level-list": Hostile(YAML_REL, "- typ\n- rubrik\n", "inte-nycklar", 1, 1),
    "top-level-scalar": Hostile(YAML_REL, "hej\n", "inte-nycklar", 1, 1),
    "front-matter-list": Hostile(REL, "---\n- a\n---\n\nText\n", "inte-nycklar", 1, 1),
    "duplicate-key": Hostile(REL, hostile.case_with_front("typ: direktiv\n"), "yaml-syntax", 3, 1),
    "two-documents": Hostile(YAML_REL, PURE_YAML_CASE + "---\ntyp: direktiv\n", "yaml-syntax"),
    "tab-indent": Hostile(REL, hostile.case_with_front("\tunderrubrik: x\n"), "yaml-syntax", 3, 1),
    "crlf-and-bad-date": Hostile(
        REL, CASE.replace("2025-09-10", "2025-13-01").replace("\n", "\r\n"), "ogiltigt-datum", 6, 8
    ),
    "long-line-in-front": Hostile(
        REL, hostile.case_with_front("underrubrik: " + "ord " * 60 + "\n"), "för-lång", 3
    ),
    "five-megabytes": Hostile(
        REL, CASE + "Lorem ipsum dolor sit amet.\n" * 200_000, "för-stor-fil", 1, 1
    ),
    "directory": Hostile(REL, None, "läsfel", 1, 1, kind="dir"),
    "broken-link": Hostile(REL, None, "läsfel", 1, 1, kind="broken-link"),
}


def _write(make_workspace: MakeWorkspace, case: Hostile) -> Path:
    root = make_workspace()
    path = root / case.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.kind == "dir":
        path.mkdir()
        (path / "inuti.txt").write_text("x", encoding="utf-8")
    elif case.kind == "broken-link":
        path.symlink_to(root / "finns-inte.md")
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        assert case.content is not None
        path.write_bytes(case.content.encode("utf-8"))
    return root


def _assert_located(output: str, case: Hostile) -> None:
    assert "Traceback" not in output
    assert "internt fel" not in output
    line = rf"{case.line}" if case.line is not None else r"\d+"
    column = rf"{case.column}" if case.column is not None else r"\d+"
    pattern = rf"^{re.escape(case.rel)}:{line}:{column}: fel: .+ \[{re.escape(case.code)}\]$"
    assert re.search(pattern, output, re.MULTILINE), output


@pytest.mark.parametrize("name", list(HOSTILE))
def test_check_reports_hostile_file(make_workspace: MakeWorkspace, name: str) -> None:
    case = HOSTILE[name]
    root = _write(make_workspace, case)
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    _assert_located(result.stdout + result.stderr, case)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_build_reports_hostile_file(make_workspace: MakeWorkspace, name: str) -> None:
    case = HOSTILE[name]
    root = _write(make_workspace, case)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "build", str(root), "--format", "docx"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    _assert_located(result.stdout + result.stderr, case)
    assert not list((root / "output").glob("*.docx"))


def test_profile_with_control_character_is_located(make_workspace: MakeWorkspace) -> None:
    from conftest import PROFILE

    root = make_workspace({REL: CASE}, profile=PROFILE.replace("Testregionen", "Test\x0bregionen"))
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "content/profil.yaml:2:13: fel: Här står ett osynligt styrtecken: vertikal tabb "
        "(U+000B, radbrytning från Word), troligen inklistrat från Word eller en webbsida. Ta "
        "bort tecknet (skriv om ordet om du inte ser det i editorn). [styrtecken]"
    )


def test_many_control_characters_are_summed_up(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({REL: CASE.replace("Text med å, ä och ö.", "a\x0b" * 25)})
    result = CliRunner().invoke(cli, ["check", str(root)])
    lines = [line for line in result.stdout.splitlines() if "[styrtecken]" in line]
    assert len(lines) == 10
    assert lines[-1].endswith("Filen har 15 styrtecken till efter det här. [styrtecken]")


def test_messages_name_the_limits(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {
            REL: CASE.replace("Ett ärende om åtgärder", "a" * 300),
            "content/ärenden/b.md": hostile.case_with_front(hostile.alias_bomb(2)),
            "content/ärenden/c.md": CASE + "x\n" * 600_000,
        }
    )
    out = CliRunner().invoke(cli, ["check", str(root)]).stdout
    assert (
        f"{REL}:3:9: fel: ”rubrik” är för lång: 300 tecken, men högst 200 tecken är tillåtet. "
        "Korta texten; det som inte får plats kan stå i brödtexten. [för-lång]"
    ) in out
    assert (
        "content/ärenden/b.md:3:5: fel: YAML-ankare (&namn), hänvisningar (*namn) och "
        "sammanslagningar (<<) stöds inte i beslut: en fil med hänvisningar i flera led kan växa "
        "till miljarder värden. Skriv ut värdet på varje ställe där det behövs i stället. "
        "[yaml-ankare]"
    ) in out
    assert (
        "content/ärenden/c.md:1:1: fel: Filen är för stor (1,2 MB); beslut läser filer på högst "
        "1 MB. Kontrollera att det är rätt fil; långa bilagor läggs som PDF under bilagor: i "
        "stället för i texten. [för-stor-fil]"
    ) in out


def test_explicit_standard_tags_are_still_accepted(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({REL: CASE.replace("diarienummer: 25HSN1", "diarienummer: !!str 25HSN1")})
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert (result.exit_code, result.stdout) == (0, "")
