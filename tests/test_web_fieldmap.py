"""Diagnostics from ``beslut check`` mapped from file:line:column to the form field."""

from __future__ import annotations

from pathlib import Path

import pytest

from beslut import api
from beslut.diagnostics import Diagnostic
from beslut.web.fieldmap import WHOLE_FILE, field_for, fields_with_diagnostics
from beslut.web.files import read_case, read_meeting
from test_render import copy_example_workspace

DIREKTIV = "content/ärenden/25HSN3392-direktiv-strukturförändring.md"
KLARSPRÅK = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"
PLAN = "content/ärenden/KS-2025-131-sammanträdesplan-2026.md"
RAPPORT = "content/ärenden/22HSN5101-månadsrapport-oktober-2020.md"
STIMULANS = "content/ärenden/22HSN5102-stimulansmedel-psykisk-hälsa-2019.md"
MÖTE = "content/möten/2022-06-14-hsn.yaml"
NYTT_MÖTE = "content/möten/2025-10-01-hsn.yaml"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Diagnostic]]:
    """The example workspace with one broken field of each kind, and its diagnostics."""
    root = copy_example_workspace(tmp_path_factory.mktemp("fältkarta") / "arbetsyta")
    _edit(root, DIREKTIV, "diarienummer: 25HSN3392", "diarienummer: XYZ")
    _edit(
        root,
        DIREKTIV,
        "    - godkänna förslag till programdirektiv\n",
        "    - godkänna förslag till programdirektiv.\n",
    )
    _edit(root, DIREKTIV, "Regionfullmäktige har beslutat", "Regionfullmäktige har  beslutat")
    _edit(root, KLARSPRÅK, "uppdrar åt kommundirektören", "uppdrar åt  kommundirektören")
    _edit(root, PLAN, "  e-post: johanna.lind@hedelunda.se", "  e-post: [1, 2]")
    _edit(root, RAPPORT, "\nrubrik: ", "\ningen_rubrik: ")
    _edit(root, STIMULANS, "  namn: Lena Sundqvist\n", "")
    _edit(
        root, MÖTE, "    diarienummer: 22HSN5102\n", "    diarienummer: 22HSN5102\n    hemlig: ja\n"
    )
    (root / NYTT_MÖTE).write_text(
        'typ: sammanträde\ninstans: hsn\ndatum: 2025-10-01\ntid: "09.00"\n'
        "ordförande: {namn: Gilbert Tribo}\nsekreterare: {namn: Eva Lind}\n"
        "ärenden:\n  - typ: justerare\n",
        encoding="utf-8",
    )
    return root, api.check(root)


def _fields(broken: tuple[Path, list[Diagnostic]], rel: str, code: str) -> list[str | None]:
    root, diagnostics = broken
    source = read_meeting(root, rel) if rel.endswith(".yaml") else read_case(root, rel)
    found = [field_for(d, source) for d in diagnostics if d.path == rel and d.code == code]
    assert found, f"no {code} in {rel}: {[d.format() for d in diagnostics if d.path == rel]}"
    return found


def test_a_bad_diarienummer_is_beside_its_field(broken: tuple[Path, list[Diagnostic]]) -> None:
    assert _fields(broken, DIREKTIV, "diarienummer-format") == ["diarienummer"]


def test_a_decision_point_with_a_full_stop_is_beside_that_point(
    broken: tuple[Path, list[Diagnostic]],
) -> None:
    codes = {d.code for d in broken[1] if d.path == DIREKTIV and "Beslutspunkt" in d.message}
    (code,) = codes
    assert _fields(broken, DIREKTIV, code) == ["förslag.beslutspunkter.0"]


def test_a_finding_inside_a_point_in_a_block(broken: tuple[Path, list[Diagnostic]]) -> None:
    """Reported at a column inside the text: the point that text belongs to."""
    assert _fields(broken, KLARSPRÅK, "dubbla-mellanslag") == ["förslag.block.1.beslutspunkter.0"]


def test_a_wrong_type_in_a_nested_group(broken: tuple[Path, list[Diagnostic]]) -> None:
    assert _fields(broken, PLAN, "fel-typ") == ["handläggare.e-post"]


def test_a_missing_and_an_unknown_key(broken: tuple[Path, list[Diagnostic]]) -> None:
    assert _fields(broken, RAPPORT, "saknas") == ["rubrik"]
    assert _fields(broken, RAPPORT, "okänd-nyckel") == ["ingen_rubrik"]
    assert _fields(broken, STIMULANS, "saknas") == ["handläggare.namn"]


def test_a_meeting_item_key(broken: tuple[Path, list[Diagnostic]]) -> None:
    assert _fields(broken, MÖTE, "okänd-nyckel") == ["ärenden.4.hemlig"]
    # Reported at 1:1, where the first key (typ) also starts: the top level is meant.
    assert _fields(broken, NYTT_MÖTE, "saknas") == ["plats"]


def test_body_lines_map_to_the_section_under_its_heading(
    broken: tuple[Path, list[Diagnostic]],
) -> None:
    assert _fields(broken, DIREKTIV, "dubbla-mellanslag") == ["brödtext:Ärendebeskrivning"]


def test_fields_with_diagnostics_groups_one_files_diagnostics(
    broken: tuple[Path, list[Diagnostic]],
) -> None:
    root, diagnostics = broken
    source = read_case(root, DIREKTIV)
    grouped = fields_with_diagnostics(diagnostics, source)
    assert {"diarienummer", "förslag.beslutspunkter.0", "brödtext:Ärendebeskrivning"} <= set(
        grouped
    )
    assert all(d.path == DIREKTIV for found in grouped.values() for d in found)
    assert sum(len(v) for v in grouped.values()) == sum(d.path == DIREKTIV for d in diagnostics)
    assert [d.code for d in grouped["diarienummer"]] == ["diarienummer-format"]


def test_positions_outside_any_field(tmp_path: Path) -> None:
    root = copy_example_workspace(tmp_path / "arbetsyta")
    source = read_case(root, DIREKTIV)
    fence = Diagnostic(DIREKTIV, 1, 1, "fel", "Front matter …", "yaml-syntax")  # type: ignore[arg-type]
    other = Diagnostic(RAPPORT, 5, 9, "fel", "…", "diarienummer-format")  # type: ignore[arg-type]
    before_heading = Diagnostic(DIREKTIV, source.body_offset + 1, 1, "varning", "…", "x")  # type: ignore[arg-type]
    assert field_for(fence, source) is None
    assert field_for(other, source) is None
    assert field_for(before_heading, source) == "brödtext"
    # The start of a group's value is also where its first key starts: the group is meant.
    group = Diagnostic(DIREKTIV, 14, 3, "fel", "…", "fel-typ")  # type: ignore[arg-type]
    assert source.text.split("\n")[12:14] == ["förslag:", "  inledning: Regionledningen beslutar"]
    assert field_for(group, source) == "förslag"
    inside = Diagnostic(DIREKTIV, 14, 20, "varning", "…", "x")  # type: ignore[arg-type]
    assert field_for(inside, source) == "förslag.inledning"
    assert fields_with_diagnostics([fence, other], source) == {WHOLE_FILE: [fence]}
