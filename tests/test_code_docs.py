"""``beslut regel``: every code beslut can emit is registered and documented, and the examples work.

The emitted codes are found by reading the source (AST): string constants passed to the functions
that create diagnostics, ``RULES["…"]`` look-ups, ``(message, "kod")`` pairs, and every
hyphenated code-shaped string constant (minus a short list of strings that are not codes).
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from beslut import api
from beslut.cli.main import cli
from beslut.validate.code_docs import DOCS, Where, entries, explain

SRC = Path(__file__).resolve().parent.parent / "src" / "beslut"
REGISTRY = {"codes.py", "catalogue.py", "code_docs.py"}
EMITTERS = {
    "error", "warning", "Diagnostic", "at", "_error", "_warn", "warn", "warn_block", "note",
    "add", "Finding", "_Refused", "YamlSyntaxError",
}  # fmt: skip
CODE = re.compile(r"^[a-zåäö]+(?:-[a-zåäö0-9]+)*$")
HYPHENATED = re.compile(r"^[a-zåäö]+(?:-[a-zåäö0-9]+)+$")
NOT_CODES = {
    # file encodings, programs, thread and file names, XML/CSS/PDF names, cache keys
    "latin-1", "utf-8", "utf-16-le", "rsvg-convert", "beslut-konvertera", "beslut-lo-warm-up",
    "beslut-watch-parent", "beslut-service-reaper", "initial-creator", "user-defined", "text-align", "item-public",
    "packet-public", "tagged-rad", "tagged-särskild", "personnummer-fält", "personnummer-text",
    "att-satser", "e-post",
    # the export contract's and the website manifest's format names
    "beslut-publicering", "beslut-webb",
    # layout defects found by convert/layout.py for the test suite; not reported to a user
    "gles-sida", "avbrutet-värde", "ensam-rubrik", "ensam-tabellrad",
}  # fmt: skip


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(nodes: list[ast.expr]) -> set[str]:
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def emitted_codes() -> dict[str, str]:
    """Every code string the source can emit, with one file that emits it."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        registry = path.name in REGISTRY  # there only the diagnostics it creates count
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            candidates: set[str] = set()
            if isinstance(node, ast.Call) and _callee(node) in EMITTERS:
                candidates = _strings([*node.args, *(k.value for k in node.keywords)])
            elif registry:
                pass
            elif isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "RULES":
                candidates = _strings([node.slice])
            elif (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and isinstance(node.elts[1], ast.Name)
                and path.parent.name == "checks"
            ):  # the checks' tables: ("procent", _percent)
                candidates = _strings([node.elts[0]])
            elif (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and isinstance(node.elts[0], ast.JoinedStr | ast.Call | ast.Constant)
            ):
                first = node.elts[0]
                if not isinstance(first, ast.Constant) or " " in str(first.value):
                    candidates = _strings([node.elts[1]])
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and HYPHENATED.match(node.value)
                and node.value not in NOT_CODES
            ):
                candidates = {node.value}
            for value in candidates:
                if CODE.match(value):
                    found.setdefault(value, str(path.relative_to(SRC)))
    return found


def test_the_scan_finds_codes_of_every_kind() -> None:
    """The scan itself works: it sees codes created in each of the ways the source uses."""
    found = emitted_codes()
    for code in (
        "platshållare",  # error(..., "platshållare")
        "yaml-syntax",  # a default argument
        "okänd-nyckel",  # a (message, code) pair
        "procent",  # RULES["procent"]
        "bilaga-krypterad",  # Finding(...)
        "mallfel",
        "lista-för-djup",  # warn_block
        "logotyp-fel",  # a module constant
        "bilaga-ej-granskad",
        "ärende-har-fel",
    ):
        assert code in found, code


def test_every_emitted_code_is_registered_and_documented() -> None:
    registered = {e.code for e in entries()}
    missing = {code: where for code, where in emitted_codes().items() if code not in registered}
    assert not missing, f"koder utan registrering i validate/codes.py: {missing}"
    undocumented = sorted(code for code in registered if code not in DOCS)
    assert not undocumented, f"koder utan dokumentation i validate/code_docs.py: {undocumented}"
    assert not set(DOCS) - registered, "dokumentation för koder som inte finns"


def test_every_code_is_documented_in_swedish_with_example_and_fix() -> None:
    for code, doc in DOCS.items():
        assert doc.meaning.endswith((".", ")")), code
        assert doc.example.strip() and doc.fix.strip(), code
        assert re.search(r"[åäö]|\b(och|en|ett|att|inte|som|eller|med)\b", doc.meaning + doc.fix), (
            code
        )


def test_regel_explains_a_code() -> None:
    result = CliRunner().invoke(cli, ["regel", "bilaga-saknas"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "bilaga-saknas – En bilaga finns inte."
    assert "Nivå:  fel (låst: kan höjas men inte sänkas i profilen)" in result.stdout
    assert "Exempel (i ärendets front matter)\n    bilagor:\n      - titel: Plan" in result.stdout
    assert "Så rättar du\n  Lägg filen där ärendet pekar" in result.stdout
    fixable = CliRunner().invoke(cli, ["regel", "procent"]).stdout
    assert "Nivå:  varning (kan ändras i profilen under kontroller.regler)" in fixable
    assert "Rättas av ”beslut check --fix”." in fixable
    built = CliRunner().invoke(cli, ["regel", "mallfel"]).stdout
    assert "rapporteras när handlingarna byggs" in built


def test_regel_lists_every_code_grouped() -> None:
    result = CliRunner().invoke(cli, ["regel"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for entry in entries():
        assert any(line.split()[:2] == [entry.code, entry.level.value] for line in lines), entry
    assert "Läsa filen" in lines and "Mallar och bygge" in lines and "Typografi" in lines
    assert lines.count("Datum") == 1  # a group is shown once, even if its rules are apart


def test_regel_unknown_code_suggests_and_exits_2() -> None:
    result = CliRunner().invoke(cli, ["regel", "procnet"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "det finns ingen kod som heter ”procnet”. Menade du ”procent”?" in result.stderr
    assert explain("procnet") is None


# -- the examples, run through beslut check --------------------------------------------------


@pytest.fixture(scope="module")
def base_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("regel") / "ws"
    api.init_workspace(root)
    assert [d.code for d in api.check(root)] == []
    return root


def _case_path(root: Path) -> Path:
    (path,) = (root / "content" / "ärenden").glob("*.md")
    return path


def _with_keys(front: list[str], example: str) -> list[str]:
    """The front matter lines with the example's top-level keys replacing the same keys."""
    keys = {m.group(1) for m in re.finditer(r"^([^\s#-][^:]*):", example, re.MULTILINE)}
    kept: list[str] = []
    skipping = False
    for line in front:
        match = re.match(r"^([^\s#-][^:]*):", line)
        if match:
            skipping = match.group(1) in keys
        elif line and not line[0].isspace() and not line.startswith("-"):
            skipping = False
        if not skipping:
            kept.append(line)
    return kept + example.splitlines()


def _apply(root: Path, code: str) -> None:
    doc = DOCS[code]
    path = _case_path(root)
    if doc.where is Where.FILE:
        path.write_text(doc.example + "\n", encoding="utf-8")
        return
    if doc.where is Where.MEETING:
        if code == "ärende-har-fel":  # the case on the list has an error of its own
            _apply(root, "okänd-nyckel")
        meeting = _with_keys(MEETING.splitlines(), doc.example)
        target = root / "content" / "sammanträden" / "ks-2026-12-10.yaml"
        target.parent.mkdir()
        target.write_text("\n".join(meeting) + "\n", encoding="utf-8")
        return
    if doc.where is Where.PROFILE:
        profile = root / "content" / "profil.yaml"
        lines = _with_keys(profile.read_text("utf-8").splitlines(), doc.example)
        profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    text = path.read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    if doc.where is Where.TEXT:
        body = body.rstrip("\n") + "\n\n" + doc.example + "\n"
    else:
        assert doc.where is Where.CASE, code
        front = "\n".join(_with_keys(front.splitlines(), doc.example)) + "\n"
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


MEETING = """\
typ: sammanträde
instans: ks
datum: 2026-12-10
tid: "09.00"
plats: Stadshuset
ordförande: {namn: Gilbert Tribo}
sekreterare: {namn: Eva Lind}
ärenden:
  - typ: justerare
"""


RUNNABLE = sorted(code for code, doc in DOCS.items() if doc.runnable)


def test_a_representative_set_of_examples_is_run() -> None:
    assert len(RUNNABLE) >= 55
    kinds = {DOCS[c].where for c in RUNNABLE}
    assert kinds == {Where.TEXT, Where.CASE, Where.PROFILE, Where.FILE, Where.MEETING}
    named = ("platshållare", "yaml-syntax", "okänd-nyckel", "bilaga-saknas", "ärende-har-fel")
    for code in (*named, "procent", "okänd-regel", "front-matter-saknas"):
        assert code in RUNNABLE


@pytest.mark.parametrize("code", RUNNABLE)
def test_the_example_emits_its_code(code: str, base_workspace: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(base_workspace, root)
    _apply(root, code)
    found = [d.code for d in api.check(root)]
    assert code in found, f"{code}: exemplet gav {found}"


def test_the_readme_lists_every_code() -> None:
    readme = (SRC.parent.parent / "README.md").read_text("utf-8")
    section = readme.split("<!-- referens:start", 1)[1].split("<!-- referens:slut -->", 1)[0]
    missing = [e.code for e in entries() if f"| `{e.code}` |" not in section]
    assert not missing, f"saknas i README (kör python -m beslut.authoring.reference): {missing}"
    assert "`beslut regel KOD`" in section
