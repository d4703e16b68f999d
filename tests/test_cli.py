"""The command line: exit codes, formats, scaffolding and the crash handler."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from beslut import api
from beslut.cli.main import cli, main
from beslut.model.models import DocumentType
from beslut.validate.workspace import load_workspace
from conftest import CASE, PROFILE, REPO, MakeWorkspace


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_valid_workspace_exits_0(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE})
    code, out, err = run("check", str(root))
    assert (code, out) == (0, "")
    assert err == "beslut: 0 fel, 0 varningar.\n"


def test_check_reports_errors_and_exits_1(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE.replace("2025-09-10", "2025-13-01")})
    code, out, err = run("check", str(root))
    assert code == 1
    assert out == (
        "content/ärenden/å.md:6:8: fel: Datumet 2025-13-01 finns inte: månaden måste vara 01–12. "
        "[ogiltigt-datum]\n"
    )
    assert err == "beslut: 1 fel, 0 varningar.\n"


def test_check_json(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE.replace("instans: hsn", "instans: xx")})
    code, out, _ = run("check", str(root), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["summary"] == {"fel": 1, "varningar": 0}
    assert report["diagnostics"][0] == {
        "path": "content/ärenden/å.md",
        "line": 5,
        "column": 10,
        "level": "fel",
        "message": "Instansen ”xx” finns inte i profilen. Kända instanser: "
        "hsn (Hälso- och sjukvårdsnämnden), rs (Regionstyrelsen).",
        "code": "okänd-instans",
        "fix": None,
    }


def test_check_strict_fails_on_warnings(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/å.md": CASE.replace("planen\n", "planen;\n")})
    assert run("check", str(root))[0] == 0
    assert run("check", str(root), "--strikt")[0] == 1


def test_check_outside_a_workspace(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path))
    assert code == 1
    assert err == (
        f"beslut: {tmp_path} är ingen arbetsyta för beslut: filen content/profil.yaml saknas. "
        "Skapa en ny arbetsyta med ”beslut init MAPP” eller ange rätt mapp.\n"
    )


def test_new_writes_a_complete_commented_case(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    path = api.new_case(
        root,
        DocumentType.DIREKTIV,
        dnr="RS/12/2026",
        organ="rs",
        title="Nytt direktiv",
        today=dt.date(2026, 11, 22),
    )
    assert path == root / "content" / "ärenden" / "RS-12-2026.md"
    text = path.read_text("utf-8")
    # No modeline: it broke when the file moved; .vscode/settings.json associates the schema.
    assert text.startswith('---\n# Skapad med "beslut new".')
    assert "yaml-language-server" not in text
    assert "typ: direktiv\n" in text
    assert "datum: 2026-11-22\n" in text
    assert "  inledning: Regionstyrelsen beslutar\n" in text  # att-satser for direktiv
    workspace = load_workspace(root)
    codes = [(d.level.value, d.code) for d in workspace.diagnostics]
    # the scaffold is valid; only its placeholders are pointed out, as errors, so that the
    # case is not built until they are filled in
    assert codes and all(c == ("fel", "platshållare") for c in codes)


def test_new_includes_every_required_section(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    code, _, _ = run(
        "new", "tjänsteskrivelse", "--dnr", "25HSN77", "--instans", "hsn", "--arbetsyta", str(root)
    )
    assert code == 0
    text = (root / "content" / "ärenden" / "25HSN77.md").read_text("utf-8")
    assert "\n## Sammanfattning\n" in text
    assert {d.code for d in load_workspace(root).diagnostics} == {"platshållare"}


def test_new_includes_impact_sections_to_fill_in(make_workspace: MakeWorkspace) -> None:
    profile = PROFILE.replace(
        "    obligatoriska_avsnitt: [Sammanfattning]\n",
        "    obligatoriska_avsnitt: [Sammanfattning]\n    konsekvensavsnitt: [Jämställdhet]\n",
    )
    root = make_workspace(profile=profile)
    code, _, _ = run(
        "new", "tjänsteskrivelse", "--dnr", "25HSN78", "--instans", "hsn", "--arbetsyta", str(root)
    )
    assert code == 0
    text = (root / "content" / "ärenden" / "25HSN78.md").read_text("utf-8")
    assert "\n## Jämställdhet\n\n[fyll i: påverkar förslaget jämställdhet? Skriv det " in text
    codes = {(d.level.value, d.code) for d in load_workspace(root).diagnostics}
    assert codes == {("fel", "platshållare")}


def test_new_refuses_unknown_organ_and_existing_file(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    args = ["new", "direktiv", "--dnr", "RS/1/2026", "--arbetsyta", str(root)]
    code, _, err = run(*args, "--instans", "ks")
    assert code == 1
    assert err == "beslut: Instansen ”ks” finns inte i profilen. Kända instanser: hsn, rs.\n"
    assert run(*args, "--instans", "rs")[0] == 0
    code, _, err = run(*args, "--instans", "rs")
    assert code == 1
    assert "finns redan" in err


def test_init_creates_a_working_workspace(tmp_path: Path) -> None:
    target = tmp_path / "ny arbetsyta å"
    code, out, _ = run("init", str(target))
    assert code == 0, out
    for name in ("content/profil.yaml", "schemas/arende.schema.json", "templates/direktiv.docx"):
        assert (target / name).is_file(), name
    assert f"skapade {target / '.vscode' / 'settings.json'}" in out
    code, out, err = run("check", str(target))
    assert (code, out, err) == (0, "", "beslut: 0 fel, 0 varningar.\n")
    assert "[fyll i:" not in (target / "content" / "ärenden" / "KS-2026-1.md").read_text("utf-8")
    assert run("init", str(target))[0] == 1  # never overwrites


def test_schema_export_is_valid_and_swedish(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    code, _, _ = run("schema", str(root))
    assert code == 0
    case_schema = json.loads((root / "schemas" / "arende.schema.json").read_text("utf-8"))
    assert case_schema["additionalProperties"] is False
    assert {"typ", "rubrik", "diarienummer", "instans", "datum", "förslag"} <= set(
        case_schema["required"]
    )
    # handläggare: one person or a list; required unless the profile says handläggare_krävs: nej
    assert "handläggare" not in case_schema["required"]
    assert len(case_schema["properties"]["handläggare"]["anyOf"]) == 2
    assert case_schema["properties"]["datum"]["description"] == "Handlingens datum, ÅÅÅÅ-MM-DD."
    assert case_schema["properties"]["typ"]["$ref"].endswith("DocumentType")
    profile_schema = json.loads((root / "schemas" / "profil.schema.json").read_text("utf-8"))
    assert "organisation" in profile_schema["properties"]


def test_committed_schemas_are_current() -> None:
    from beslut.authoring.schema import schemas

    for name, schema in schemas().items():
        committed = json.loads((REPO / "schemas" / name).read_text("utf-8"))
        assert committed == schema, f"schemas/{name} är inaktuell: kör make schema"


def test_unexpected_error_prints_one_line_and_saves_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def boom(_: object) -> None:
        raise RuntimeError("internt")

    monkeypatch.setattr(api, "check", boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with pytest.raises(SystemExit) as info:
        main(["check", str(tmp_path)])
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert err.startswith("beslut: ett oväntat internt fel inträffade (RuntimeError).")
    assert len(err.strip().splitlines()) == 1
    report = Path(err.split("sparats i ")[1].split(";")[0])
    assert "RuntimeError: internt" in report.read_text("utf-8")


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().startswith("beslut ")


def test_example_workspace_is_valid() -> None:
    workspace = load_workspace(REPO)
    # The example's attachment PDFs are PDF/A-2b and PDF/UA-1 (no paket-ej-pdfa); its meeting
    # has an item whose papers come later, as seed 001 has.
    assert sorted((d.level.value, d.code) for d in workspace.diagnostics) == [
        ("varning", "handlingar-lämnas-senare")
    ]
    assert len(workspace.cases) >= 4
