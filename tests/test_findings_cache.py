"""The disk cache of one-file findings (``.beslut-cache/fynd/``): a new process re-checks only
the files that changed, and a cached finding is exactly the one a fresh check gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import beslut.checks as checks
import beslut.render.case as render_case
from beslut.checks import base, dates, proposal, sections
from beslut.cli.main import cli
from beslut.diagnostics import Diagnostic
from beslut.load import source as load_source
from beslut.validate import findings_cache
from beslut.validate.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]
DIRECTIVE = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"  # no undantag
MONTHLY = "content/ärenden/22HSN5101-månadsrapport-oktober-2020.md"
STORE = Path(".beslut-cache/fynd/dokument.json")
TEMPLATES = Path(".beslut-cache/fynd/mallar.json")

PROBLEMS = """

Kostnaden ökar med 5% och  det finns dubbla mellanslag. Det blev -5 grader. Mötet hölls
måndagen den 4 mars 2025 och budgeten är 12 miljoner kronor, dvs 12 mkr. Svaret ska
lämnas senast den 1 januari 2020.

Detta är en mycket lång mening som har alldeles för många ord för att en läsare ska kunna
följa den från början till slut utan att tappa tråden någonstans på vägen mellan det första
ordet och det sista ordet i meningen som aldrig tycks ta slut.

- första punkten
· andra punkten inklistrad
· tredje punkten inklistrad
"""


def fresh() -> None:
    """Forget what this process remembers, as a new ``beslut`` process would."""
    base._DOCUMENTS.clear()
    load_source._CACHE.clear()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example workspace, with one case given typography, readability and date findings
    (fixes among them), so that the cache has something to get right."""
    root = tmp_path / "exempel"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    path = root / DIRECTIVE
    text = path.read_text("utf-8")
    assert text.count("\n## Sammanfattning\n") == 1
    empty = "\n## Sammanfattning\n\n## Bakgrund\n"  # a required section left empty
    point = "antar handlingsplan för klarspråk 2026–2027"
    assert text.count(point + "\n") == 1
    text = text.replace(point + "\n", point + " i enlighet med föreliggande förslag;\n")
    path.write_text(text.replace("\n## Sammanfattning\n", empty) + PROBLEMS, "utf-8")
    fresh()
    return root


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the one-file checks run, per file."""
    counted: Counter[str] = Counter()
    real = checks._one_file

    def counting(context: checks.Context, document: base.Document) -> list[Diagnostic]:
        counted[document.rel] += 1
        return real(context, document)

    monkeypatch.setattr(checks, "_one_file", counting)
    return counted


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count what the cross-file checks compute per file (sections, deadlines, decision
    points) and how often a Markdown body is cut into prose blocks."""
    counted: Counter[str] = Counter()

    def count(module: Any, name: str, label: str) -> None:
        real = getattr(module, name)

        def counting(*args: Any) -> Any:
            counted[label] += 1
            return real(*args)

        monkeypatch.setattr(module, name, counting)

    count(sections, "_case_findings", "avsnitt")
    count(proposal, "_case_findings", "förslag")
    count(dates, "_deadline_dates", "tidsfrister")
    count(base, "markdown_blocks", "prosa")
    return counted


def run(root: Path) -> list[Diagnostic]:
    """A cold check: a new process's view of the workspace."""
    fresh()
    return list(load_workspace(root).diagnostics)


def with_fixes(found: list[Diagnostic]) -> list[tuple[Diagnostic, Any]]:
    return [(d, d.fix) for d in found]  # a Diagnostic compares without its fix


def document_count(root: Path) -> int:
    return len(list((root / "content").glob("*/*.md"))) + len(
        list((root / "content" / "möten").glob("*.yaml"))
    )


def entry_count(root: Path) -> int:
    """Entries in the store: per case its one-file findings, sections, deadlines and decision
    points; per
    meeting its one-file findings."""
    meetings = len(list((root / "content" / "möten").glob("*.yaml")))
    return 4 * (document_count(root) - meetings) + meetings


def test_cached_findings_equal_a_fresh_check_exactly(
    example: Path, calls: Counter[str], parts: Counter[str]
) -> None:
    first = run(example)
    assert sum(calls.values()) == document_count(example)
    cases = document_count(example) - 1  # one meeting
    assert parts["avsnitt"] == parts["tidsfrister"] == parts["förslag"] == cases
    assert parts["prosa"] >= cases
    codes = {d.code for d in first if d.path == DIRECTIVE}
    expected = {"procent", "dubbla-mellanslag", "lång-mening", "fel-veckodag", "inklistrad-lista"}
    cross = {"tomt-avsnitt", "tidsfrist", "beslut-hänvisar", "beslutspunkt-normaliserad"}
    assert expected | cross <= codes, codes
    assert any(d.fix is not None for d in first if d.code == "beslutspunkt-normaliserad")
    assert any(d.fix is not None for d in first if d.path == DIRECTIVE)
    calls.clear()
    parts.clear()
    second = run(example)
    assert sum(calls.values()) == 0
    assert not parts  # no Markdown body parsed into prose: every file's findings were cached
    assert with_fixes(second) == with_fixes(first)
    assert [d.format() for d in second] == [d.format() for d in first]
    shutil.rmtree(example / ".beslut-cache")  # always safe: the same findings, computed again
    assert with_fixes(run(example)) == with_fixes(first)


def test_a_cold_check_rechecks_only_the_edited_file(
    example: Path, calls: Counter[str], parts: Counter[str]
) -> None:
    run(example)
    calls.clear()
    path = example / MONTHLY
    path.write_text(path.read_text("utf-8") + "\nEtt nytt stycke med  två mellanslag.\n", "utf-8")
    parts.clear()
    found = run(example)
    assert dict(calls) == {MONTHLY: 1}
    assert dict(parts) == {"avsnitt": 1, "tidsfrister": 1, "förslag": 1, "prosa": 1}
    assert any(d.path == MONTHLY and d.code == "dubbla-mellanslag" for d in found)
    calls.clear()
    run(example)
    assert not calls


def test_a_changed_profile_setting_invalidates(example: Path, calls: Counter[str]) -> None:
    assert any(d.code == "lång-mening" and d.path == DIRECTIVE for d in run(example))
    profile = example / "content" / "profil.yaml"
    text = profile.read_text("utf-8")
    assert "max_ord_per_mening" not in text
    profile.write_text(text + "\nkontroller:\n  max_ord_per_mening: 80\n", "utf-8")
    calls.clear()
    found = run(example)
    assert sum(calls.values()) == document_count(example)
    assert not any(d.code == "lång-mening" and d.path == DIRECTIVE for d in found)


def test_a_changed_code_fingerprint_invalidates(
    example: Path, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run(example)
    monkeypatch.setattr(findings_cache, "code_fingerprint", lambda: "en annan version")
    calls.clear()
    assert with_fixes(run(example)) == with_fixes(first)
    assert sum(calls.values()) == document_count(example)


@pytest.mark.parametrize(
    "damage",
    [
        b"{inte json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"version": 1, "entries": []}',
        b'{"version": 99, "entries": {}}',
    ],
)
def test_a_damaged_store_is_ignored_and_rewritten(
    example: Path, calls: Counter[str], damage: bytes
) -> None:
    first = run(example)
    (example / STORE).write_bytes(damage)
    calls.clear()
    assert with_fixes(run(example)) == with_fixes(first)
    assert sum(calls.values()) == document_count(example)
    stored = json.loads((example / STORE).read_text("utf-8"))
    assert len(stored["entries"]) == entry_count(example)
    calls.clear()
    run(example)
    assert not calls


def test_a_damaged_entry_is_computed_again(example: Path, calls: Counter[str]) -> None:
    first = run(example)
    stored = json.loads((example / STORE).read_text("utf-8"))
    entries = stored["entries"]
    damaged = next(k for k, v in entries.items() if '"procent"' in json.dumps(v))
    entries[damaged] = [{"path": DIRECTIVE, "line": "x"}]
    entries["0" * 64] = "kvarglömt"  # an entry no file uses: pruned
    (example / STORE).write_text(json.dumps(stored), "utf-8")
    calls.clear()
    assert with_fixes(run(example)) == with_fixes(first)
    assert dict(calls) == {DIRECTIVE: 1}
    entries = json.loads((example / STORE).read_text("utf-8"))["entries"]
    assert "0" * 64 not in entries and len(entries) == entry_count(example)


def test_the_store_holds_only_the_workspace_files(example: Path) -> None:
    run(example)
    (example / MONTHLY).unlink()
    run(example)
    entries = json.loads((example / STORE).read_text("utf-8"))["entries"]
    assert len(entries) == entry_count(example)
    assert MONTHLY not in (example / STORE).read_text("utf-8")


def test_exemptions_apply_to_cached_findings(example: Path, calls: Counter[str]) -> None:
    path = example / DIRECTIVE
    text = path.read_text("utf-8")
    assert "\nundantag:" not in text
    exempt = "\nundantag:\n  - regel: dubbla-mellanslag\n    skäl: Citat ur originalet.\n---\n"
    path.write_text(text.replace("\n---\n", exempt, 1), "utf-8")
    first = run(example)
    calls.clear()
    second = run(example)
    assert not calls
    assert with_fixes(second) == with_fixes(first)
    codes = {d.code for d in second if d.path == DIRECTIVE}
    assert "dubbla-mellanslag" not in codes and "onödigt-undantag" not in codes
    assert "procent" in codes


def test_an_unwritable_cache_is_no_error(
    example: Path, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(findings_cache, "write_text_atomic", refused)
    first = run(example)
    assert not (example / STORE).exists()
    assert with_fixes(run(example)) == with_fixes(first)
    assert sum(calls.values()) == 2 * document_count(example)


TEMPLATE_CASE = """\
---
typ: tjänsteskrivelse
rubrik: Ett ärende
diarienummer: 25HSN1
instans: hsn
datum: 2025-09-10
handläggare:
  namn: Åsa Öberg
förslag:
  inledning: Förvaltningens förslag till beslut
  beslutspunkter:
    - Nämnden godkänner planen
---

## Sammanfattning

Text.
"""


def _with_unknown_variable(template: Path) -> None:
    """Rename a variable the template uses (``rubrik``) to one no case has."""
    import zipfile

    with zipfile.ZipFile(template) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert "{{ rubrik }}" in xml
    parts["word/document.xml"] = xml.replace("{{ rubrik }}", "{{ rubrk }}", 1).encode("utf-8")
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.fixture
def template_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counted: Counter[str] = Counter()
    real = render_case._template_findings

    def counting(path: Path, case_rel: str, doc_type: Any) -> list[Diagnostic]:
        counted[path.name] += 1
        return real(path, case_rel, doc_type)

    monkeypatch.setattr(render_case, "_template_findings", counting)
    return counted


def test_template_problems_are_cached_by_the_template_bytes(
    make_workspace: Callable[..., Path], template_calls: Counter[str]
) -> None:
    root = make_workspace({"content/ärenden/a.md": TEMPLATE_CASE})

    def problems() -> list[Diagnostic]:
        fresh()
        return render_case.template_problems(load_workspace(root))

    assert problems() == [] and template_calls == {"tjänsteskrivelse.docx": 1}
    assert problems() == [] and template_calls == {"tjänsteskrivelse.docx": 1}
    _with_unknown_variable(root / "templates" / "tjänsteskrivelse.docx")
    first = problems()
    assert template_calls == {"tjänsteskrivelse.docx": 2}
    unknown = [d for d in first if d.code == "okänd-mallvariabel"]
    assert len(unknown) == 1 and "rubrk" in unknown[0].message
    assert {d.path for d in first} == {"templates/tjänsteskrivelse.docx"}
    second = problems()
    assert template_calls == {"tjänsteskrivelse.docx": 2}
    assert [d.format() for d in second] == [d.format() for d in first]
    assert len(json.loads((root / TEMPLATES).read_text("utf-8"))["entries"]) == 1


@pytest.mark.parametrize("first,then", [("check", "build"), ("build", "check")])
def test_check_and_build_share_the_cache_across_processes(
    make_workspace: Callable[..., Path],
    calls: Counter[str],
    template_calls: Counter[str],
    first: str,
    then: str,
) -> None:
    root = make_workspace(
        {
            "content/ärenden/a.md": TEMPLATE_CASE + "\nEtt stycke med  två mellanslag.\n",
            "content/ärenden/b.md": TEMPLATE_CASE.replace("25HSN1", "25HSN2"),
        }
    )
    argv = [first, str(root)] + (["--format", "docx"] if first == "build" else [])
    done = subprocess.run(
        [sys.executable, "-m", "beslut", *argv], capture_output=True, text=True, check=False
    )
    assert "dubbla-mellanslag" in done.stdout + done.stderr, done.stderr
    assert (root / STORE).is_file() and (root / TEMPLATES).is_file()
    fresh()
    argv = [then, str(root)] + (["--format", "docx"] if then == "build" else [])
    result = CliRunner().invoke(cli, argv)
    assert "dubbla-mellanslag" in result.output, result.output
    assert not calls and not template_calls
    (root / "content" / "ärenden" / "b.md").write_text(
        TEMPLATE_CASE.replace("25HSN1", "25HSN2") + "\n5% mer.\n", "utf-8"
    )
    fresh()
    result = CliRunner().invoke(cli, argv)
    assert "procent" in result.output, result.output
    assert dict(calls) == {"content/ärenden/b.md": 1} and not template_calls


def test_two_files_with_the_same_text_keep_their_own_findings(example: Path) -> None:
    copy = DIRECTIVE.replace("KS-2025-118", "KS-2025-119")
    shutil.copy(example / DIRECTIVE, example / copy)
    for found in (run(example), run(example)):
        found = [d for d in found if d.code != "dubblett-diarienummer"]  # the copy's dnr
        mine = sorted((d.line, d.column, d.code, repr(d.fix)) for d in found if d.path == DIRECTIVE)
        theirs = sorted((d.line, d.column, d.code, repr(d.fix)) for d in found if d.path == copy)
        assert "procent" in {item[2] for item in mine} and theirs == mine
