"""The command speaks Swedish (click's texts too), honours NO_COLOR and TERM=dumb, and its exit
codes (0, 1, 2, 3, 130) are the documented ones; Ctrl-C prints "beslut: avbrutet." and exits 130."""

from __future__ import annotations

import ast
import os
import pty
import re
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from beslut import api
from beslut.cli import swedish
from beslut.cli.main import cli, main
from conftest import CASE, REPO, MakeWorkspace

#: English that click would print; none of it may reach the user.
ENGLISH = re.compile(
    r"Usage|Options|Commands|Show this|Show the|Error|Try |Aborted|No such|Missing|Invalid|"
    r"required|default:|Did you mean|is not one of|unexpected|\bPATH\b|\bDIRECTORY\b|\bFILE\b|"
    r"\bOPTIONS\b|\bCOMMAND\b|\bARGS\b|\bINTEGER\b"
)
COMMANDS = sorted(cli.commands)  # type: ignore[attr-defined]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}


def english(text: str) -> list[str]:
    return ENGLISH.findall(text)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def beslut(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "beslut", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**ENV, **env},
        timeout=60,
    )


# -- click's catalogue -------------------------------------------------------------------------


def _click_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """Every literal click passes to ``_`` and ``ngettext`` in the installed version."""
    singles: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for path in sorted(Path(click.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            literals = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and literals and isinstance(literals[0], str):
                singles.add(literals[0])
            elif node.func.id == "ngettext" and len(literals) >= 2:
                pairs.add((literals[0], literals[1]))
    singles.discard("d")  # click's _termui_impl passes a variable named d through _, not a text
    return singles, pairs


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f} | set(
        re.findall(r"%\((\w+)\)s", text)
    )


def test_every_click_text_has_a_swedish_translation_with_the_same_placeholders() -> None:
    singles, pairs = _click_texts()
    assert len(singles) > 50 and len(pairs) >= 5  # the extraction itself works
    missing = sorted(singles - set(swedish.MESSAGES))
    assert missing == [], f"click-texter utan svensk översättning: {missing}"
    assert sorted(pairs - set(swedish.PLURALS)) == []
    for msgid in singles:
        assert _fields(swedish.MESSAGES[msgid]) == _fields(msgid), msgid
    for one, many in pairs:
        sv_one, sv_many = swedish.PLURALS[(one, many)]
        assert _fields(sv_one) <= _fields(one) | _fields(many), one
        assert _fields(sv_many) == _fields(many), many


def test_the_catalogue_is_installed_in_click() -> None:
    import click.core
    import click.exceptions

    assert click.core._("Usage:") == "Användning:"  # type: ignore[attr-defined]
    assert click.exceptions._("Error: {message}") == "Fel: {message}"  # type: ignore[attr-defined]


# -- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_swedish(command: str | None) -> None:
    args = [command, "--help"] if command else ["--help"]
    code, out, err = run(*args)  # type: ignore[arg-type]
    assert code == 0, err
    assert out.startswith("Användning: beslut ")
    assert "Flaggor:" in out and "Visa den här hjälpen och avsluta." in out
    assert english(out) == [], out
    if command is None:
        assert "Kommandon:" in out


def test_help_through_python_dash_m_is_swedish() -> None:
    for args in (["--help"], ["build", "--help"], ["new", "-h"]):
        result = beslut(*args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Användning: beslut"), result.stdout
        assert english(result.stdout + result.stderr) == [], result.stdout


# -- usage errors ------------------------------------------------------------------------------

USAGE_ERRORS = [
    (["build", "--nope"], "Fel: Flaggan '--nope' finns inte.", "beslut build"),
    (["bygg"], "Fel: Kommandot 'bygg' finns inte.", "beslut"),
    (["new"], "Fel: Saknat argument", "beslut new"),
    (
        ["new", "sammanträde", "--datum", "13/3"],
        "Fel: Ogiltigt värde för '--datum': ”13/3” är inget datum skrivet ÅÅÅÅ-MM-DD, t.ex. "
        "2026-03-13.",
        "beslut new",
    ),
    (["check", "--format", "x"], "Fel: Ogiltigt värde för '--format': 'x' är inte", "beslut check"),
    (["build", "a", "b", "c"], "Fel: Oväntade extra argument (b c)", "beslut build"),
    (["check", "--format"], "Fel: Flaggan '--format' behöver ett värde.", None),  # no usage
]


@pytest.mark.parametrize(("args", "message", "command"), USAGE_ERRORS)
def test_usage_errors_are_swedish_and_exit_2(
    args: list[str], message: str, command: str | None
) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    if command is not None:
        assert err.startswith(f"Användning: {command} ")
        assert f"Skriv '{command} --help' för hjälp." in err
    assert message in err, err
    assert english(err) == [], err


def test_a_wrong_option_through_python_dash_m() -> None:
    result = beslut("check", "--nope")
    assert result.returncode == 2
    assert "Fel: Flaggan '--nope' finns inte." in result.stderr
    assert "Skriv 'beslut check --help' för hjälp." in result.stderr
    assert english(result.stderr) == [], result.stderr


# -- Ctrl-C ------------------------------------------------------------------------------------


def _interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "check", interrupted)


def test_ctrl_c_in_a_command_prints_avbrutet_and_exits_130(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _interrupt(monkeypatch)
    code, _out, err = run("check", str(tmp_path))
    assert code == 130
    assert err.strip() == "beslut: avbrutet."
    with pytest.raises(SystemExit) as info:
        main(["check", str(tmp_path)])
    assert info.value.code == 130
    assert capsys.readouterr().err.strip() == "beslut: avbrutet."


def test_ctrl_c_stops_watch_with_avbrutet_and_130(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE})
    process = subprocess.Popen(
        [sys.executable, "-m", "beslut", "watch", "--format", "docx", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert process.stderr is not None
    lines = []
    try:
        for line in process.stderr:  # wait for the first build, then press Ctrl-C
            lines.append(line)
            if "] klart" in line:
                break
        assert any("bevakar" in line for line in lines), lines
        time.sleep(1.5)  # let watchfiles start waiting, where it used to swallow Ctrl-C
        process.send_signal(signal.SIGINT)
        out, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, rest
    assert rest.strip() == "beslut: avbrutet.", rest
    assert english(out + rest) == [] and "KeyboardInterrupt" not in rest


# -- NO_COLOR and TERM=dumb --------------------------------------------------------------------


def _on_a_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """Run beslut with stdout and stderr on a pseudo-terminal and return what it printed."""
    leader, follower = pty.openpty()
    clean = {k: v for k, v in ENV.items() if k not in ("NO_COLOR", "TERM", "FORCE_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "beslut", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**clean, "TERM": "xterm-256color", "COLUMNS": "120", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("args", [["check"], ["check", "--regler"]])
def test_no_color_and_dumb_terminal_print_no_escape_codes(
    make_workspace: MakeWorkspace, args: list[str]
) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE.replace("2025-09-10", "2025-13-01")})
    coloured = _on_a_terminal(args, root)
    assert "\x1b[" in coloured  # on a terminal beslut does colour: the test can see escapes
    for env in ({"NO_COLOR": "1"}, {"NO_COLOR": "ja"}, {"TERM": "dumb"}):
        plain = _on_a_terminal(args, root, **env)
        assert "\x1b[" not in plain, (env, plain)
        assert ("ogiltigt-datum" in plain) and ("2025-13-01" in plain or "--regler" in args)
    assert "\x1b[" in _on_a_terminal(args, root, NO_COLOR="")  # empty means not set


# -- exit codes --------------------------------------------------------------------------------


def test_exit_codes_are_documented_in_help_and_readme() -> None:
    _, out, _ = run("--help")
    readme = (REPO / "README.md").read_text("utf-8")
    for code, words in (
        ("0", "allt gick bra"),
        ("1", "fel i innehållet"),
        ("2", "användningsfel"),
        ("3", "oväntat internt fel"),
        ("130", "avbrutet med Ctrl-C"),
    ):
        assert re.search(rf"^\s+{code}\s+{words}", out, re.MULTILINE), (code, out)
        assert re.search(rf"^\|\s*{code}\s*\|[^\n]*{words}", readme, re.MULTILINE | re.I), code
    assert "NO_COLOR" in out and "NO_COLOR" in readme


def test_exit_codes_0_and_1(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE})
    assert run("check", str(root))[0] == 0
    (root / "content" / "ärenden" / "å.md").write_text(
        CASE.replace("2025-09-10", "2025-13-01"), "utf-8"
    )
    assert run("check", str(root))[0] == 1
