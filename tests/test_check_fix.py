"""``beslut check --fix`` and ``--diff``: safe fixes, byte for byte, idempotent."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from beslut.authoring.fix import FileChange, FixFailed, apply
from beslut.cli.main import cli
from conftest import MakeWorkspace

F = "content/ärenden/a.md"

BEFORE = """\
---
# Kommentar som ska stå kvar   (med  dubbla mellanslag i kommentaren)
typ: tjänsteskrivelse
rubrik: 'Plan för 2022-2025'   # kommentar efter värdet
diarienummer: 25HSN1
instans: hsn
datum: 2025-09-10
handläggare:
  namn:   Åsa Öberg
förslag:
  inledning: Förvaltningens förslag till beslut
  beslutspunkter:
    - Hälso- och sjukvårdsnämnden godkänner en ökning med 15%
---

## Sammanfattning

Utfallet är -131,6 Mkr, kl 13:00 och  12500000 kronor under 2022-2025.
En justeringsman utses. Koden `15%` och länken [x](https://a.se/2022-2025) står kvar.
"""

AFTER = """\
---
# Kommentar som ska stå kvar   (med  dubbla mellanslag i kommentaren)
typ: tjänsteskrivelse
rubrik: 'Plan för 2022–2025'   # kommentar efter värdet
diarienummer: 25HSN1
instans: hsn
datum: 2025-09-10
handläggare:
  namn:   Åsa Öberg
förslag:
  inledning: Förvaltningens förslag till beslut
  beslutspunkter:
    - Hälso- och sjukvårdsnämnden godkänner en ökning med 15 %
---

## Sammanfattning

Utfallet är −131,6 mnkr, kl. 13.00 och 12 500 000 kronor under 2022–2025.
En justerare utses. Koden `15%` och länken [x](https://a.se/2022-2025) står kvar.
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_fix_changes_only_what_the_messages_name(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: BEFORE})
    path = root / F
    os.chmod(path, 0o640)
    code, out, err = run("check", str(root), "--fix")
    assert path.read_text("utf-8") == AFTER
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert err.splitlines()[0] == "beslut: Rättade 9 problem i 1 fil."
    assert code == 0, out


def test_fix_is_idempotent(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: BEFORE})
    run("check", str(root), "--fix")
    once = (root / F).read_bytes()
    code, _, err = run("check", str(root), "--fix")
    assert (root / F).read_bytes() == once
    assert err.splitlines()[0] == "beslut: Rättade 0 problem i 0 filer."
    assert code == 0


def test_fix_keeps_crlf_and_byte_order_mark(make_workspace: MakeWorkspace) -> None:
    raw = ("\ufeff" + BEFORE).replace("\n", "\r\n").encode("utf-8")
    root = make_workspace({F: raw})
    run("check", str(root), "--fix")
    assert (root / F).read_bytes() == ("\ufeff" + AFTER).replace("\n", "\r\n").encode("utf-8")


def test_diff_shows_and_writes_nothing(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: BEFORE})
    code, out, err = run("check", str(root), "--diff")
    assert (root / F).read_text("utf-8") == BEFORE
    assert out.startswith(f"--- a/{F}\n+++ b/{F}\n")
    assert "-rubrik: 'Plan för 2022-2025'   # kommentar efter värdet\n" in out
    assert "+rubrik: 'Plan för 2022–2025'   # kommentar efter värdet\n" in out
    assert "+    - Hälso- och sjukvårdsnämnden godkänner en ökning med 15 %\n" in out
    assert err.splitlines()[0] == "beslut: Kan rätta 9 problem i 1 fil."
    # what --diff cannot fix is still listed, and the warnings do not fail the run
    assert code == 0
    assert "[procent]" not in out.split("\n+++")[0]


def test_fix_then_strict_fails_only_on_what_is_left(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: BEFORE.replace("utses.", "utses utses.")})
    code, out, _ = run("check", str(root), "--fix", "--strict")
    assert code == 1
    assert out.strip().endswith(
        "Ordet ”utses” står två gånger i rad. Ta bort det ena. [upprepat-ord]"
    )


def test_a_fix_that_would_change_the_data_is_refused(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: BEFORE})
    path = root / F
    broken = BEFORE.replace("typ: tjänsteskrivelse", "typ: [tjänsteskrivelse")
    with pytest.raises(FixFailed, match="lämnades orörd"):
        apply(root, [FileChange(path, F, BEFORE, broken, 1)])
    assert path.read_text("utf-8") == BEFORE
    assert [p.name for p in path.parent.iterdir()] == ["a.md"]


def test_fix_in_yaml_case_file_keeps_layout(make_workspace: MakeWorkspace) -> None:
    text = (
        "typ: tjänsteskrivelse  # rent YAML\n"
        'rubrik: "Plan för 2022-2025"\n'
        "diarienummer: 25HSN1\ninstans: hsn\ndatum: 2025-09-10\n"
        "handläggare: {namn: Åsa Öberg}\n"
        "förslag:\n  inledning: Förslag\n  beslutspunkter:\n"
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n"
        "text: |\n  ## Sammanfattning\n\n  Ökningen är 15% under 2022-2025.\n"
    )
    root = make_workspace({"content/ärenden/b.yaml": text})
    run("check", str(root), "--fix")
    assert (root / "content/ärenden/b.yaml").read_text("utf-8") == text.replace(
        '"Plan för 2022-2025"', '"Plan för 2022–2025"'
    ).replace("15% under 2022-2025", "15 % under 2022–2025")


def test_fix_on_example_workspace_changes_nothing(tmp_path: Path) -> None:
    """The example content has no fixable findings left."""
    import shutil

    from conftest import REPO

    root = tmp_path / "ws"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    _, out, err = run("check", str(root), "--diff")
    assert "--- a/" not in out
    assert err.splitlines()[0] == "beslut: Kan rätta 0 problem i 0 filer."
