"""The README's "Kom igång på fem minuter", walked as written in a fresh ``beslut init``
workspace (so that it cannot drift from what the tool does), and ``beslut new sammanträde``."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pypdf
from click.testing import CliRunner

from beslut.authoring.scaffold import _filled_example
from beslut.cli.main import cli
from beslut.validate.workspace import load_workspace
from conftest import REPO, MakeWorkspace, need_libreoffice

SECTION = "## Kom igång på fem minuter"


def _section() -> str:
    text = (REPO / "README.md").read_text("utf-8")
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    return text[start:end]


def _steps() -> list[tuple[str, list[str], str]]:
    """Return the section's fenced blocks in order: (language, lines, prose after the block
    up to the next block)."""
    section = _section()
    blocks = list(re.finditer(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL))
    steps = []
    for index, block in enumerate(blocks):
        end = blocks[index + 1].start() if index + 1 < len(blocks) else len(section)
        lines = [line.strip() for line in block.group(2).splitlines() if line.strip()]
        if block.group(1) == "yaml":  # as written, less the list item's indentation
            indent = block.start() - section.rfind("\n", 0, block.start()) - 1
            lines = [line[indent:] for line in block.group(2).splitlines()]
        steps.append((block.group(1), lines, section[block.end() : end]))
    return steps


def _beslut(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``beslut ARGS`` in a subprocess as a user would (this tree's source)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "beslut", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


MEETING_ANSWERS = {
    "klockslag": "09.00",
    "plats": "Kommunhuset, sammanträdesrum A",
    "ordförandens namn": "Karin Holm",
    "sekreterarens namn": "Sara Ek",
    "förslag till justerare": "Förslag till justerare är Per Lund. Justering sker 2031-03-18.",
}


def _fill_meeting(path: Path) -> None:
    """Fill in a scaffolded meeting's placeholders as the secretary would."""

    def answer(match: re.Match[str]) -> str:
        return next(v for k, v in MEETING_ANSWERS.items() if match.group(1).startswith(k))

    text = path.read_text("utf-8")
    path.write_text(re.sub(r"\[fyll i: ([^\]]*)\]", answer, text), "utf-8")


def test_the_readme_kom_igang_works_as_written(tmp_path: Path) -> None:
    need_libreoffice()
    steps = _steps()
    commands = [line for lang, lines, _ in steps if lang == "sh" for line in lines]
    assert commands[0].startswith("beslut init "), commands
    cwd = tmp_path
    new_files: list[Path] = []
    checked = False
    for lang, lines, prose in steps:
        if lang == "yaml":  # "Lägg till ärendena under ärenden:" in the meeting just made
            meeting = new_files[-1]
            assert meeting.suffix == ".yaml" and "\närenden:\n" in meeting.read_text("utf-8")
            with meeting.open("a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
            result = _beslut(["build"], cwd)  # "Kör sedan beslut build igen"
            assert result.returncode == 0, result.stdout + result.stderr
            folder = cwd / "output" / "möten" / meeting.stem
            reader = pypdf.PdfReader(folder / "kallelse.pdf")
            kallelse = "\n".join(page.extract_text() for page in reader.pages)
            for expected in (
                "Kommunstyrelsen kallas till sammanträde",
                "Karin Holm",
                "Godkännande av föredragningslista",
                "Ny förskola i Exempelstad",
            ):
                assert expected in kallelse, expected
            assert (folder / "handlingar.pdf").is_file()
            assert (folder / "offentlig" / "kallelse.pdf").is_file()
            continue
        assert lang == "sh", lang
        for line in lines:
            args = shlex.split(line, comments=True)
            if args[0] == "cd":
                cwd = cwd / args[1]
                assert cwd.is_dir(), line
                continue
            assert args[0] == "beslut", line
            if args[1:2] == ["check"] and new_files and not checked:
                # Right after "beslut new": every placeholder is an error, as the README says.
                result = _beslut(args[1:], cwd)
                assert result.returncode == 1, result.stdout + result.stderr
                example = re.search(r"`(content/\S+:\d+:\d+: fel: [^`]*?)…", prose)
                assert example is not None, prose
                assert example.group(1).strip() in result.stdout, result.stdout
                assert "[platshållare]" in result.stdout
                new_files[-1].write_text(_filled_example(new_files[-1].read_text("utf-8")))
                checked = True
            result = _beslut(args[1:], cwd)
            assert result.returncode == 0, (line, result.stdout, result.stderr)
            if args[1:2] == ["check"]:
                assert "`beslut: 0 fel, 0 varningar.`" in prose
                assert result.stderr == "beslut: 0 fel, 0 varningar.\n", result.stderr
            if args[1:2] == ["new"]:
                named = re.search(r"Filen\s+`([^`]+)`", prose)
                assert named is not None, prose
                path = cwd / named.group(1)
                assert path.is_file(), (line, named.group(1), result.stdout)
                assert result.stdout.startswith(f"skapade {path}\n"), result.stdout
                new_files.append(path)
                if args[2] == "sammanträde":
                    check = _beslut(["check"], cwd)  # "som beslut check listar"
                    assert check.returncode == 1
                    assert check.stdout.count("[platshållare]") == len(MEETING_ANSWERS)
                    _fill_meeting(path)
            if args[1:2] == ["build"]:
                assert (cwd / "output" / "manifest.json").is_file()
                stem = new_files[0].stem
                formats = args[args.index("--format") + 1] if "--format" in args else "docx,pdf"
                for suffix in formats.split(","):
                    assert (cwd / "output" / "ärenden" / f"{stem}.{suffix}").is_file()
    assert checked and len(new_files) == 2
    workspace = load_workspace(cwd)
    assert [m.meeting.date.isoformat() for m in workspace.meetings] == ["2031-03-11"]


# -------------------------------------------------------------------- new sammanträde


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_new_meeting_writes_the_procedural_items_and_placeholders(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace()
    args = ("new", "sammanträde", "--instans", "rs", "--datum", "2031-03-11")
    code, out, err = _run(*args, "--arbetsyta", str(root))
    assert code == 0, err
    path = root / "content" / "möten" / "2031-03-11-rs.yaml"
    assert out.startswith(f"skapade {path}\n")
    text = path.read_text("utf-8")
    assert text.startswith('# Skapad med "beslut new sammanträde".')  # no modeline
    from beslut.load.yamlpos import load

    data = load(text)[0]
    assert isinstance(data, dict)
    assert (data["typ"], data["instans"], str(data["datum"])) == ("sammanträde", "rs", "2031-03-11")
    assert data["ordförande"]["titel"] == "Ordförande"
    assert data["sekreterare"]["titel"] == "Nämndsekreterare"
    assert [item["typ"] for item in data["ärenden"]] == [
        "justerare",
        "föredragningslista",
        "övrigt",
    ]
    # check reports each placeholder as one, at its line, and nothing else (not tid's format)
    code, out, err = _run("check", str(root))
    assert code == 1
    lines = out.splitlines()
    assert all(line.endswith("[platshållare]") for line in lines), out
    located = {line.split(": fel:")[0] for line in lines}
    rel = "content/möten/2031-03-11-rs.yaml"
    assert located == {f"{rel}:5:6", f"{rel}:6:8", f"{rel}:8:9", f"{rel}:11:9", f"{rel}:20:15"}
    assert "”[fyll i: klockslag, t.ex. 09.00]”" in out
    # filled in, it checks clean
    _fill_meeting(path)
    assert _run("check", str(root))[:2] == (0, "")
    # never overwrites
    code, _, err = _run(*args, "--arbetsyta", str(root))
    assert code == 1
    assert err == f"beslut: Filen {path} finns redan; välj ett annat datum eller ta bort filen.\n"
    assert path.read_text("utf-8") != text  # the filled-in file is kept


def test_new_meeting_needs_a_date_and_an_organ_when_the_profile_has_several(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace()
    code, _, err = _run("new", "sammanträde", "--arbetsyta", str(root))
    assert code == 2 and "ange sammanträdesdagen med --datum ÅÅÅÅ-MM-DD." in err
    code, _, err = _run("new", "sammanträde", "--datum", "2031-03-11", "--arbetsyta", str(root))
    assert (code, err) == (
        1,
        "beslut: Ange vilken instans med --instans; profilen har flera: hsn, rs.\n",
    )
    code, _, err = _run(
        "new", "sammanträde", "--datum", "2031-03-11", "--dnr", "1", "--arbetsyta", str(root)
    )
    assert code == 2 and "--dnr, --rubrik och --fil gäller ärenden" in err
    assert not (root / "content" / "möten" / "2031-03-11-hsn.yaml").exists()


def test_new_takes_the_profiles_only_organ(tmp_path: Path) -> None:
    root = tmp_path / "ny"
    assert _run("init", str(root))[0] == 0
    code, _, err = _run("new", "sammanträde", "--datum", "2031-03-11", "--arbetsyta", str(root))
    assert code == 0, err
    assert "instans: ks   # Kommunstyrelsen\n" in (
        root / "content" / "möten" / "2031-03-11-ks.yaml"
    ).read_text("utf-8")
    code, _, err = _run("new", "direktiv", "--dnr", "KS 2031/2", "--arbetsyta", str(root))
    assert code == 0, err
    case = (root / "content" / "ärenden" / "KS-2031-2.md").read_text("utf-8")
    assert "instans: ks   # Kommunstyrelsen\n" in case
