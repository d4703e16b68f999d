"""``beslut new`` and ``beslut mallar`` with odd input, and templates that lack a needed tag."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from beslut.cli.main import cli
from beslut.load.yamlpos import load as load_yaml
from beslut.model.models import DocumentType
from beslut.validate.workspace import load_workspace
from conftest import CASE, MakeWorkspace


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------------------------ new


def test_new_offers_the_document_types_of_the_models() -> None:
    command = cli.commands["new"]
    choice = next(p for p in command.params if p.name == "typ").type
    choices = [*(t.value for t in DocumentType), "sammanträde", "protokoll"]
    assert list(choice.choices) == choices  # type: ignore[attr-defined]


def test_new_with_relative_file_is_relative_to_the_current_folder(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace()
    monkeypatch.chdir(root / "content")
    code, out, err = run(
        "new", "direktiv", "--dnr", "25HSN5", "--instans", "hsn", "--arbetsyta", "..",
        "--fil", "ärenden/eget-namn.md",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    path = root / "content" / "ärenden" / "eget-namn.md"
    assert out.splitlines()[0] == f"skapade {path}"
    text = path.read_text("utf-8")
    assert text.startswith('---\n# Skapad med "beslut new".')  # no modeline: .vscode/settings.json
    codes = {(d.path, d.level.value, d.code) for d in load_workspace(root).diagnostics}
    assert codes == {("content/ärenden/eget-namn.md", "fel", "platshållare")}


def test_new_refuses_a_file_outside_content(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace()
    monkeypatch.chdir(root)
    args = ["new", "direktiv", "--dnr", "25HSN5", "--instans", "hsn", "--arbetsyta", "."]
    code, _, err = run(*args, "--fil", "utanför.md")
    assert code == 1
    assert err == (
        f"beslut: Filen utanför.md ligger inte i arbetsytans content/-mapp ({root / 'content'}); "
        "beslut hittar bara ärenden där. Ange en sökväg i content/, t.ex. "
        "content/ärenden/mitt-ärende.md.\n"
    )
    code, _, err = run(*args, "--fil", "content/ärenden/x.txt")
    assert code == 1
    assert err == (
        "beslut: Filen content/ärenden/x.txt har fel filändelse; ett ärende är en .md-fil "
        "(Markdown med front matter) eller en .yaml-fil (ren YAML med texten under text: |).\n"
    )
    assert not (root / "utanför.md").exists()


def test_new_yaml_file_is_a_pure_yaml_case(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    target = root / "content" / "ärenden" / "nytt.yaml"
    code, _, err = run(
        "new", "tjänsteskrivelse", "--dnr", "25HSN6", "--instans", "hsn", "--rubrik", "Ny plan",
        "--arbetsyta", str(root), "--fil", str(target),
    )  # fmt: skip
    assert (code, err) == (0, "")
    text = target.read_text("utf-8")
    assert not text.startswith("---")
    data, _ = load_yaml(text)
    assert data["rubrik"] == "Ny plan"
    assert data["text"].startswith("## Sammanfattning\n\n[fyll i: text under sammanfattning]")
    workspace = load_workspace(root)
    codes = {(d.path, d.level.value, d.code) for d in workspace.diagnostics}
    assert codes == {("content/ärenden/nytt.yaml", "fel", "platshållare")}
    (case,) = workspace.cases
    assert case.body.startswith("## Sammanfattning\n")


# ------------------------------------------------------------------------------------ mallar


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _with_paragraph(root: Path, text: str) -> bytes:
    document = docx.Document(str(root / "templates" / "direktiv.docx"))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"bara text, inte Word",
            "Mallen templates/x.docx är ingen giltig Word-fil (filen är inte ett zip-arkiv, "
            "vilket en .docx-fil är). Spara om den som .docx i Word eller bygg om mallarna med ”beslut mallar --bygg”. [mallfel]",
        ),
        (
            _zip({"mimetype": "application/zip", "a.txt": "hej"}),
            "Mallen templates/x.docx är ingen giltig Word-fil (word/document.xml saknas). Spara "
            "om den som .docx i Word eller bygg om mallarna med ”beslut mallar --bygg”. [mallfel]",
        ),
        (
            "jinja",
            "Mallen templates/x.docx har ett syntaxfel i taggen ”{% if rubrik %}” i "
            "dokumentets text: blocket {% if … %} avslutas aldrig. Lägg till {% endif %} där "
            "blocket ska sluta. Rätta taggen i mallen. [mallfel]",
        ),
    ],
    ids=["text-file", "zip-not-word", "jinja-syntax"],
)
def test_mallar_reports_a_broken_template_at_its_path(
    make_workspace: MakeWorkspace, content: bytes | str, message: str
) -> None:
    root = make_workspace()
    data = _with_paragraph(root, "{% if rubrik %}") if content == "jinja" else content
    assert isinstance(data, bytes)
    (root / "templates" / "x.docx").write_bytes(data)
    code, out, err = run("mallar", str(root))
    assert code == 1
    lines = out.splitlines()
    (line,) = [line for line in lines if line.startswith("templates/")]
    assert line == f"templates/x.docx:1:1: fel: {message}"
    assert any(line.startswith("tjänsteskrivelse.docx: ") for line in lines)
    assert err == "beslut: 1 fel, 0 varningar.\n"


def test_mallar_bygg_leaves_unchanged_templates_alone(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    before = {p.name: p.stat().st_mtime_ns for p in (root / "templates").glob("*.docx")}
    code, out, _ = run("mallar", str(root), "--bygg")
    assert code == 0
    assert out.splitlines() == [f"oförändrad {root / 'templates' / n}" for n in (
        "tjänsteskrivelse.docx", "beslutsförslag.docx", "direktiv.docx", "kallelse.docx",
        "protokoll.docx", "protokollsutdrag.docx", "tilläggslista.docx", "ändringar.docx",
    )]  # fmt: skip
    after = {p.name: p.stat().st_mtime_ns for p in (root / "templates").glob("*.docx")}
    assert after == before
    assert not (root / "templates" / ".säkerhetskopior").exists()


def test_mallar_bygg_refuses_to_overwrite_a_customised_template(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace()
    template = root / "templates" / "direktiv.docx"
    customised = _with_paragraph(root, "Vår egen text")
    template.write_bytes(customised)

    code, out, err = run("mallar", str(root), "--bygg")
    assert (code, out) == (1, "")
    assert err == (
        "beslut: templates/direktiv.docx skiljer sig från standardmallarna (de har troligen "
        "anpassats) och skrivs inte över. Kör ”beslut mallar --bygg --tvinga” för att ersätta "
        "dem; de gamla sparas då i templates/.säkerhetskopior/.\n"
    )
    assert template.read_bytes() == customised

    code, out, _ = run("mallar", str(root), "--bygg", "--tvinga")
    assert code == 0
    (backup,) = (root / "templates" / ".säkerhetskopior").iterdir()
    assert backup.name.startswith("direktiv-") and backup.suffix == ".docx"
    assert backup.read_bytes() == customised
    assert out.splitlines()[:2] == [
        f"sparade den gamla mallen som {backup}",
        f"byggde {template}",
    ]
    assert "Vår egen text" not in [p.text for p in docx.Document(str(template)).paragraphs]
    assert run("mallar", str(root), "--bygg")[0] == 0  # now as built: nothing to refuse


# ------------------------------------------------------------------------- required tags


def _delete_paragraph_with(path: Path, tag: str) -> None:
    document = docx.Document(str(path))
    (paragraph,) = [p for p in document.paragraphs if tag in p.text]
    element = paragraph._element
    element.getparent().remove(element)
    document.save(str(path))


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("{{ rubrik }}", "{{ rubrik }}, ärendets rubrik"),
        ("{{ brödtext }}", "{{ brödtext }}, ärendets text"),
    ],
)
def test_template_without_a_needed_tag_is_reported_once_at_the_template(
    make_workspace: MakeWorkspace, tag: str, shown: str
) -> None:
    second = CASE.replace("25HSN1", "25HSN2")
    root = make_workspace({"content/ärenden/a.md": CASE, "content/ärenden/b.md": second})
    _delete_paragraph_with(root / "templates" / "tjänsteskrivelse.docx", tag)
    code, out, err = run("check", str(root))
    assert code == 1
    assert out == (
        f"templates/tjänsteskrivelse.docx:1:1: fel: Mallen templates/tjänsteskrivelse.docx "
        f"saknar taggen {shown}. Varje tjänsteskrivelse behöver den; utan den skulle handlingen "
        "bli ofullständig. Lägg tillbaka taggen i mallen (”beslut mallar” listar taggarna i de "
        "andra mallarna) eller bygg om mallarna med ”beslut mallar --bygg”. [mall-saknar-tagg]\n"
    )
    assert err == "beslut: 1 fel, 0 varningar.\n"
    code, out, _ = run("mallar", str(root))
    assert code == 1
    assert "templates/tjänsteskrivelse.docx:1:1: fel: " in out


def test_broken_templates_names_templates_with_errors(make_workspace: MakeWorkspace) -> None:
    from beslut import api
    from beslut.render.case import broken_templates, template_problems, template_rel

    root = make_workspace({"content/ärenden/a.md": CASE})
    _delete_paragraph_with(root / "templates" / "tjänsteskrivelse.docx", "{{ rubrik }}")
    workspace = load_workspace(root)
    assert workspace.profile is not None
    rel = template_rel(root, workspace.profile, DocumentType.TJANSTESKRIVELSE)
    assert rel == "templates/tjänsteskrivelse.docx"
    assert broken_templates(api.check(root)) == {rel}
    assert broken_templates(workspace.diagnostics) == set()
    (problem,) = template_problems(workspace)  # what the build runs, without rendering
    assert (problem.path, problem.line, problem.column, problem.code) == (
        rel, 1, 1, "mall-saknar-tagg"
    )  # fmt: skip


def test_repo_templates_have_every_needed_tag() -> None:
    from beslut.render.case import inspect_templates
    from conftest import REPO

    tags, problems = inspect_templates(REPO)
    assert problems == []
    assert set(tags) == {f"{t.value}.docx" for t in DocumentType} | {
        "kallelse.docx",
        "protokoll.docx",
        "protokollsutdrag.docx",
        "tilläggslista.docx",
        "ändringar.docx",
    }
    assert os.path.isdir(REPO / "templates")
