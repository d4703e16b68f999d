"""Readability checks: LIX per section and long sentences, with the text functions they use."""

from __future__ import annotations

import pytest

from beslut.checks.readability import Counts, counts, lix, rounded, scale, sentences, words
from conftest import PROFILE, MakeWorkspace, case_file, findings

F = "content/ärenden/a.md"
HEADING = 15  # the line of the first ## heading written by case_file
BODY_LINE = 17  # the line of the first paragraph under it

# 11 words, 4 of them long (Nämnden, godkänner, förvaltningen, uppdraget): 4 sentences give
# LIX = 44/4 + 100 · 16/44 = 11 + 36.36 = 47.4 → 47.
MEDIUM = "Nämnden godkänner den nya planen för året och ger förvaltningen uppdraget. " * 4
# 11 words, 7 long: LIX = 11 + 100 · 28/44 = 11 + 63.6 = 74.6 → 75.
HARD = (
    "Förvaltningen föreslår att nämnden godkänner den reviderade verksamhetsplanen för "
    "kommande år. "
) * 4
# 12 words, no long word, two sentences per repeat: LIX = 48/8 = 6.
EASY = "Vi gör en ny plan i år. Den blir bra för alla. " * 4


def sentence_texts(text: str) -> list[str]:
    return [text[start:end] for start, end in sentences(text)]


# --- text functions -------------------------------------------------------------------------


def test_words_are_runs_of_letters_or_digits() -> None:
    text = "Hälso- och sjukvårdsnämnden, covid-19 och 12 500 kr t.ex. ”citat” – slut."
    assert words(text) == [
        "Hälso",
        "och",
        "sjukvårdsnämnden",
        "covid-19",
        "och",
        "12",
        "500",
        "kr",
        "t.ex",
        "citat",
        "slut",
    ]


def test_sentences_end_at_punctuation_but_not_after_abbreviations_or_in_numbers() -> None:
    text = (
        "Vi köper t.ex. pennor, papper m.m. till kontoret. Kostnaden är 3.5 mnkr kl. 13.00 "
        "i dag! Stämmer det? Enligt 26 kap. 1 § OSL gäller sekretess. Se bilagan, dvs. planen"
    )
    assert sentence_texts(text) == [
        "Vi köper t.ex. pennor, papper m.m. till kontoret.",
        "Kostnaden är 3.5 mnkr kl. 13.00 i dag!",
        "Stämmer det?",
        "Enligt 26 kap. 1 § OSL gäller sekretess.",
        "Se bilagan, dvs. planen",
    ]


def test_sentences_go_on_before_a_lower_case_letter_and_skip_empty_ones() -> None:
    assert sentence_texts("Se punkt 3 nedan. och så vidare ... Klart.") == [
        "Se punkt 3 nedan. och så vidare ...",
        "Klart.",
    ]
    assert sentence_texts("”Ja.” Sa hon.") == ["”Ja.”", "Sa hon."]
    assert sentences("...") == ()


def test_lix_by_hand() -> None:
    # Words: Nämnden* har beslutat* om en ny plan | Den gäller från januari* (* long):
    # O = 11, M = 2, L = 3, LIX = 11/2 + 100 · 3/11 = 5.5 + 27.27 = 32.77.
    text = "Nämnden har beslutat om en ny plan. Den gäller från januari."
    assert counts(text) == Counts(words=11, sentences=2, long_words=3)
    assert lix([text]) == pytest.approx(32.7727, abs=1e-4)
    assert rounded(lix([text])) == 33
    # Each text ends a sentence, even without a full stop.
    assert counts("Nämnden beslutar") == Counts(2, 1, 2)
    assert lix(["Nämnden beslutar", "Den gäller"]) == pytest.approx(4 / 2 + 100 * 2 / 4)
    assert lix([]) == 0


@pytest.mark.parametrize(
    ("value", "word"),
    [(29, "mycket lätt"), (30, "lätt"), (45, "medelsvår"), (50, "svår"), (60, "mycket svår")],
)
def test_scale(value: int, word: str) -> None:
    assert scale(value) == word


# --- lix ------------------------------------------------------------------------------------


def lint(
    make_workspace: MakeWorkspace, body: str, *codes: str, profile: str = PROFILE
) -> list[str]:
    root = make_workspace({F: case_file(body)}, profile=profile)
    return findings(root, *codes)


def test_lix_too_high(make_workspace: MakeWorkspace) -> None:
    assert lint(make_workspace, f"## Bakgrund\n\n{HARD}\n", "lix", "lång-mening") == [
        f"{F}:{HEADING}:4: varning: Avsnittet ”Bakgrund” har LIX 75 (mycket svår text); "
        "gränsen är 50. Skriv kortare meningar och använd färre långa ord (ord med fler än sex "
        "bokstäver), t.ex. genom att dela upp långa sammansättningar. [lix]"
    ]


def test_lix_easy_text_passes(make_workspace: MakeWorkspace) -> None:
    assert lint(make_workspace, f"## Bakgrund\n\n{EASY}\n", "lix", "lång-mening") == []


def test_lix_summary_has_a_lower_limit(make_workspace: MakeWorkspace) -> None:
    assert lint(make_workspace, f"## Sammanfattning\n\n{MEDIUM}\n", "lix") == [
        f"{F}:{HEADING}:4: varning: Avsnittet ”Sammanfattning” har LIX 47 (medelsvår text); "
        "gränsen är 45. Skriv kortare meningar och använd färre långa ord (ord med fler än sex "
        "bokstäver), t.ex. genom att dela upp långa sammansättningar. [lix]"
    ]
    body = f"## Sammanfattning\n\n{EASY}\n\n## Bakgrund\n\n{MEDIUM}\n"
    assert lint(make_workspace, body, "lix") == []


def test_lix_counts_neither_headings_nor_tables(make_workspace: MakeWorkspace) -> None:
    # 39 words of prose is too little for a LIX figure; the table's 45 long words do not count.
    short = "Förvaltningen föreslår att nämnden godkänner verksamhetsplanen. " * 6
    prose = short + "Nämnden beslutar så."
    row = "| Verksamhetsområde | Kostnadsutveckling | Förändringstakt |\n"
    table = "| A | B | C |\n|---|---|---|\n" + row * 15
    body = f"## Sammanfattning\n\n{prose}\n\n{table}\n### Förvaltningsövergripande\n"
    assert lint(make_workspace, body, "lix") == []
    assert lint(make_workspace, f"## Sammanfattning\n\n{prose} Den gäller.\n", "lix") != []


def test_lix_limits_come_from_the_profile(make_workspace: MakeWorkspace) -> None:
    profile = PROFILE + "kontroller:\n  lix_gräns: 80\n  lix_minsta_antal_ord: 50\n"
    assert lint(make_workspace, f"## Bakgrund\n\n{HARD}\n", "lix", profile=profile) == []


# --- lång-mening ----------------------------------------------------------------------------


def test_long_sentence(make_workspace: MakeWorkspace) -> None:
    long = "Vi " + "och vi " * 17 + "slutar."  # 36 words, no long word: LIX 36
    assert lint(make_workspace, f"## Bakgrund\n\nDet börjar bra. {long}\n", "lång-mening") == [
        f"{F}:{BODY_LINE}:17: varning: Meningen har 36 ord; gränsen är 35. Dela upp den i två "
        "eller flera kortare meningar med en sak i varje. (Avsnittet ”Bakgrund” har LIX 20.) "
        "[lång-mening]"
    ]


def test_sentence_at_the_limit_passes(make_workspace: MakeWorkspace) -> None:
    sentence = "Vi " + "och vi " * 15 + "slutar t.ex. nu här."  # 35 words; t.ex. goes on
    assert lint(make_workspace, f"## Bakgrund\n\n{sentence}\n", "lång-mening") == []
