"""Content checks, family "Datum": deadlines and weekdays."""

from __future__ import annotations

from conftest import MEETING, MakeWorkspace, case_file, findings

X = "content/ärenden/x.md"
M = "content/möten/hsn.yaml"
ON_AGENDA = MEETING + "  - typ: beslut\n    diarienummer: 25HSN1\n"
"""The test meeting (1 October 2025) with the test case on its agenda."""


def _body(text: str) -> str:
    return f"## Sammanfattning\n\n{text}\n"


# Body text starts on line 17 (front matter lines 1–13, blank, heading, blank).

# ---------------------------------------------------------------------------------------------
# tidsfrist
# ---------------------------------------------------------------------------------------------


def test_deadline_in_a_decision_point_before_the_case_date(make_workspace: MakeWorkspace) -> None:
    point = (
        "Hälso- och sjukvårdsnämnden ger direktören i uppdrag att redovisa senast den 1 mars 2025"
    )
    root = make_workspace({X: case_file(points=(point,))})
    assert findings(root, "tidsfrist") == [
        f"{X}:12:84: varning: Tidsfristen ”senast den 1 mars 2025” ligger före ärendets datum "
        "10 september 2025, då ärendet beslutas. Ange ett senare datum, eller skriv om meningen om "
        "datumet inte är en tidsfrist. [tidsfrist]"
    ]


def test_deadline_in_the_body_before_the_meeting(make_workspace: MakeWorkspace) -> None:
    text = "Svar lämnas till och med 2025-09-30.\nRapporten ska vara klar\nSenast 3 Augusti 2025."
    root = make_workspace({X: case_file(_body(text)), M: ON_AGENDA})
    assert findings(root, "tidsfrist") == [
        f"{X}:17:26: varning: Tidsfristen ”till och med 2025-09-30” ligger före sammanträdet "
        "1 oktober 2025, då ärendet beslutas. Ange ett senare datum, eller skriv om meningen om "
        "datumet inte är en tidsfrist. [tidsfrist]",
        f"{X}:19:8: varning: Tidsfristen ”Senast 3 Augusti 2025” ligger före sammanträdet "
        "1 oktober 2025, då ärendet beslutas. Ange ett senare datum, eller skriv om meningen om "
        "datumet inte är en tidsfrist. [tidsfrist]",
    ]


def test_deadlines_on_or_after_the_decision_pass(make_workspace: MakeWorkspace) -> None:
    text = (
        "Svar lämnas senast 2025-10-01, rapporten t.o.m. den 1 mars 2026 och innan 2 januari 2026. "
        "Den 1 mars 2019 beslutade nämnden om planen. Före 2019 fanns ingen plan."
    )
    root = make_workspace({X: case_file(_body(text)), M: ON_AGENDA})
    assert findings(root, "tidsfrist") == []


# ---------------------------------------------------------------------------------------------
# fel-veckodag
# ---------------------------------------------------------------------------------------------


def test_weekday_that_does_not_match_its_date(make_workspace: MakeWorkspace) -> None:
    text = (
        "Nämnden sammanträder måndagen den 14 juni 2022 och\n"
        "Fredag 2022-06-14. Seminariet hålls måndag, 2022-06-14."
    )
    root = make_workspace({X: case_file(_body(text))})
    assert findings(root, "fel-veckodag") == [
        f"{X}:17:22: fel: 14 juni 2022 är en tisdag, inte en måndag. Rätta veckodagen eller "
        "datumet. [fel-veckodag]",
        f"{X}:18:1: fel: 14 juni 2022 är en tisdag, inte en fredag. Rätta veckodagen eller "
        "datumet. [fel-veckodag]",
        f"{X}:18:37: fel: 14 juni 2022 är en tisdag, inte en måndag. Rätta veckodagen eller "
        "datumet. [fel-veckodag]",
    ]


def test_weekdays_that_match_or_have_no_year_pass(make_workspace: MakeWorkspace) -> None:
    text = (
        "Sammanträdet hålls tisdagen den 14 juni 2022, Tisdag 14 juni 2022, tisdag 2022-06-14 "
        "och onsdagen den 1 mars 2023. Mötet på måndag 14 juni tas upp senare."
    )
    root = make_workspace({X: case_file(_body(text))})
    assert findings(root, "fel-veckodag") == []


def test_weekday_in_a_decision_point_and_a_meeting_file(make_workspace: MakeWorkspace) -> None:
    point = "Hälso- och sjukvårdsnämnden håller extra sammanträde onsdagen den 6 oktober 2025"
    meeting = ON_AGENDA + "    notering: Justering sker måndag 2025-10-07.\n"
    root = make_workspace({X: case_file(points=(point,)), M: meeting})
    assert findings(root, "fel-veckodag") == [
        f"{M}:12:30: fel: 7 oktober 2025 är en tisdag, inte en måndag. Rätta veckodagen eller "
        "datumet. [fel-veckodag]",
        f"{X}:12:60: fel: 6 oktober 2025 är en måndag, inte en onsdag. Rätta veckodagen eller "
        "datumet. [fel-veckodag]",
    ]
