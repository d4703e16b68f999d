"""Every content check has tests that assert its message exactly."""

from __future__ import annotations

import re

from beslut.checks import RULES
from conftest import REPO

TESTS = REPO / "tests"


def _test_text() -> str:
    return "\n".join(p.read_text("utf-8") for p in TESTS.glob("test_*.py")) + (
        TESTS / "golden" / "check-bad-workspace.txt"
    ).read_text("utf-8")


def test_every_rule_has_an_exact_message_test() -> None:
    """An exact assertion ends a formatted line with ``[code]``; every rule needs one."""
    text = _test_text()
    missing = [code for code in RULES if f"[{code}]" not in text]
    assert missing == []


def test_rule_codes_are_lowercase_swedish_words() -> None:
    for code in RULES:
        assert re.fullmatch(r"[a-zåäö]+(-[a-zåäö]+)*", code), code
