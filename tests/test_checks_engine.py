"""The content-check engine: how findings reach meetings and builds."""

from __future__ import annotations

from beslut.checks import RULES
from conftest import MEETING, MakeWorkspace, case_file, findings


def test_meeting_item_with_a_failing_case_is_an_error(make_workspace: MakeWorkspace) -> None:
    """A case with errors (here a missing required section) stops the meeting, so no packet is
    assembled from an older, published version of the case."""
    meeting = MEETING + "  - typ: beslut\n    diarienummer: 25HSN1\n"
    root = make_workspace(
        {
            "content/ärenden/a.md": case_file(body="## Bakgrund\n\nText.\n"),
            "content/möten/m.yaml": meeting,
        }
    )
    assert findings(root, "ärende-har-fel") == [
        "content/möten/m.yaml:11:19: fel: Ärendet 25HSN1 har fel (se content/ärenden/a.md) och "
        "kan inte tas med förrän de är rättade. [ärende-har-fel]"
    ]
    (root / "content/ärenden/a.md").write_text(case_file(), encoding="utf-8")
    assert findings(root, "ärende-har-fel") == []


def test_every_rule_has_a_swedish_summary_and_group() -> None:
    groups = {
        "Beslutspunkter",
        "Avsnitt",
        "Typografi",
        "Tal",
        "Datum",
        "Hänvisningar",
        "Läsbarhet",
        "Personuppgifter",
    }
    for code, rule in RULES.items():
        assert rule.code == code
        assert rule.group in groups, code
        assert rule.summary.endswith("."), code


def test_secret_case_on_a_published_item_is_an_error(make_workspace: MakeWorkspace) -> None:
    secret = case_file(extra='sekretess:\n  lagrum: "19 kap. 3 §"\n')
    item = "  - typ: beslut\n    diarienummer: 25HSN1\n"
    root = make_workspace({"content/ärenden/a.md": secret, "content/möten/m.yaml": MEETING + item})
    assert findings(root, "sekretess-på-punkt") == [
        "content/möten/m.yaml:10:5: fel: Ärendet 25HSN1 är sekretessmarkerat (19 kap. 3 § OSL) men "
        "punkten skulle publiceras. Lägg till ”sekretess: {lagrum: 19 kap. 3 §}” på punkten, "
        "eller ”publiceras_inte: true”. [sekretess-på-punkt]"
    ]
    withheld = MEETING + item + "    publiceras_inte: true\n"
    (root / "content/möten/m.yaml").write_text(withheld, encoding="utf-8")
    assert findings(root, "sekretess-på-punkt") == []


def test_findings_follow_edits(make_workspace: MakeWorkspace) -> None:
    """Per-file findings are cached while a file is unchanged, and only then."""
    root = make_workspace({"content/ärenden/a.md": case_file("## Sammanfattning\n\nÖkar 15%.\n")})
    assert len(findings(root, "procent")) == 1
    assert len(findings(root, "procent")) == 1
    (root / "content/ärenden/a.md").write_text(
        case_file("## Sammanfattning\n\nÖkar med 15 %.\n"), encoding="utf-8"
    )
    assert findings(root, "procent") == []
