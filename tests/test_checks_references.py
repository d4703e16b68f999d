"""Content checks on references: beslutsunderlag-ordning and fil-ej-listad."""

from __future__ import annotations

import pytest

from conftest import MEETING, MakeWorkspace, case_file, findings

NAME = "content/ärenden/x.md"
PDF = b"%PDF-1.4\n"


def _basis(
    make_workspace: MakeWorkspace, *items: str, doc_type: str = "tjänsteskrivelse"
) -> list[str]:
    extra = "beslutsunderlag:\n" + "".join(f"  - {item}\n" for item in items) if items else ""
    root = make_workspace({NAME: case_file(extra=extra, doc_type=doc_type)})
    return findings(root, "beslutsunderlag-ordning")


# --------------------------------------------------------------------------- beslutsunderlag-ordning


def test_paper_missing_from_beslutsunderlag(make_workspace: MakeWorkspace) -> None:
    assert _basis(make_workspace, "Revisionsrapport 2025-05-01", "Protokoll 2025-06-01") == [
        f"{NAME}:14:5: varning: Beslutsunderlaget ska börja med handlingen själv, men den finns "
        "inte med. Lägg till ”Tjänsteskrivelse 2025-09-10” först i listan. "
        "[beslutsunderlag-ordning]"
    ]


def test_paper_listed_later(make_workspace: MakeWorkspace) -> None:
    assert _basis(make_workspace, "Revisionsrapport 2025-05-01", "Tjänsteskrivelse 2025-09-10") == [
        f"{NAME}:15:5: varning: Beslutsunderlaget ska börja med handlingen själv, men "
        "”Tjänsteskrivelse 2025-09-10” står som nummer 2. Flytta den först i listan. "
        "[beslutsunderlag-ordning]"
    ]


def test_paper_with_another_date(make_workspace: MakeWorkspace) -> None:
    assert _basis(make_workspace, "Tjänsteskrivelse 2025-09-01", "Revisionsrapport") == [
        f"{NAME}:14:5: varning: Första raden i beslutsunderlaget är handlingen själv och ska ha "
        "dess datum, 2025-09-10, men har 2025-09-01. Skriv ”Tjänsteskrivelse 2025-09-10”. "
        "[beslutsunderlag-ordning]"
    ]


@pytest.mark.parametrize(
    ("items", "doc_type"),
    [
        (("Tjänsteskrivelse 2025-09-10", "Revisionsrapport 2025-05-01"), "tjänsteskrivelse"),
        (("TJÄNSTESKRIVELSE",), "tjänsteskrivelse"),
        (
            ("Hälso- och sjukvårdsförvaltningens tjänsteskrivelse den 10 september 2025",),
            "tjänsteskrivelse",
        ),
        (("Beslutsförslag 2025-09-10", "Planen"), "beslutsförslag"),
        (("Programdirektiv 2025-09-10",), "direktiv"),
        ((), "tjänsteskrivelse"),
    ],
)
def test_beslutsunderlag_starting_with_the_paper_passes(
    make_workspace: MakeWorkspace, items: tuple[str, ...], doc_type: str
) -> None:
    assert _basis(make_workspace, *items, doc_type=doc_type) == []


def test_label_of_the_profile_names_the_paper(make_workspace: MakeWorkspace) -> None:
    from conftest import PROFILE

    profile = PROFILE.replace("etikett: TJÄNSTESKRIVELSE", "etikett: TJÄNSTEUTLÅTANDE")
    extra = "beslutsunderlag:\n  - Tjänsteutlåtande 2025-09-10\n"
    root = make_workspace({NAME: case_file(extra=extra)}, profile=profile)
    assert findings(root, "beslutsunderlag-ordning") == []


# --------------------------------------------------------------------------- fil-ej-listad


def _files(make_workspace: MakeWorkspace, files: dict[str, str | bytes]) -> list[str]:
    return findings(make_workspace(files), "fil-ej-listad")


def test_unlisted_file_beside_its_case_is_located_at_typ(make_workspace: MakeWorkspace) -> None:
    files: dict[str, str | bytes] = {NAME: case_file(), "content/ärenden/glömd.pdf": PDF}
    assert _files(make_workspace, files) == [
        f"{NAME}:2:6: varning: Filen ”glömd.pdf” ligger i ärendets mapp men är inte listad som "
        "bilaga. Lägg till den under ”bilagor:” med titel och fil (fil: glömd.pdf), eller ta "
        "bort filen. [fil-ej-listad]"
    ]


def test_unlisted_file_beside_its_case_is_located_at_bilagor(make_workspace: MakeWorkspace) -> None:
    extra = "bilagor:\n  - titel: Planen\n    fil: planen.pdf\n"
    files: dict[str, str | bytes] = {
        NAME: case_file(extra=extra),
        "content/ärenden/planen.pdf": PDF,
        "content/ärenden/tabell.xlsx": b"PK",
    }
    assert _files(make_workspace, files) == [
        f"{NAME}:13:1: varning: Filen ”tabell.xlsx” ligger i ärendets mapp men är inte listad som "
        "bilaga. Lägg till den under ”bilagor:” med titel och fil (fil: tabell.xlsx), eller ta "
        "bort filen. [fil-ej-listad]"
    ]


def test_unlisted_file_in_a_shared_folder_is_located_at_the_file(
    make_workspace: MakeWorkspace,
) -> None:
    files: dict[str, str | bytes] = {
        NAME: case_file(),
        "content/ärenden/y.md": case_file(dnr="25HSN2"),
        "content/ärenden/glömd.docx": b"PK",
        "content/bilagor/gammal.pdf": PDF,
    }
    message = (
        "är inte listad som bilaga eller handling någonstans. Lista den under ”bilagor:” i "
        "ärendet den hör till (med titel och fil) eller under ”handlingar:” på sammanträdet, "
        "eller ta bort filen. [fil-ej-listad]"
    )
    assert _files(make_workspace, files) == [
        f"content/bilagor/gammal.pdf:1:1: varning: Filen ”content/bilagor/gammal.pdf” {message}",
        f"content/ärenden/glömd.docx:1:1: varning: Filen ”content/ärenden/glömd.docx” {message}",
    ]


def test_files_listed_by_cases_and_meetings_pass(make_workspace: MakeWorkspace) -> None:
    extra = (
        "bilagor:\n"
        "  - titel: Planen\n    fil: ../bilagor/planen.pdf\n"
        "  - titel: Kalkyl\n    fil: ../bilagor/kalkyl.xlsx\n"  # listed, but not a format beslut takes
    )
    meeting = MEETING + (
        "  - typ: beslut\n"
        "    diarienummer: 25HSN1\n"
        "    handlingar:\n"
        "      - titel: Revisionsrapport\n"
        "        fil: ../bilagor/rapport.pdf\n"
    )
    files: dict[str, str | bytes] = {
        NAME: case_file(extra=extra),
        "content/möten/möte.yaml": meeting,
        "content/bilagor/planen.pdf": PDF,
        "content/bilagor/kalkyl.xlsx": b"PK",
        "content/bilagor/rapport.pdf": PDF,
        "content/_utkast/gammal.pdf": PDF,
        "content/bilagor/.~lock.planen.docx": b"",
    }
    assert _files(make_workspace, files) == []


def test_paper_named_by_its_proposal_heading(make_workspace: MakeWorkspace) -> None:
    """An ordförandeförslag names itself by its heading, not by its document type."""
    case = case_file(
        extra="beslutsunderlag:\n  - Ordförandens förslag den 10 september 2025\n  - Motionen\n"
    ).replace(
        "  inledning: Förvaltningens förslag till beslut\n", "  rubrik: Ordförandens förslag\n"
    )
    root = make_workspace({NAME: case})
    assert findings(root, "beslutsunderlag-ordning") == []
    # without the heading the same list is a finding
    root = make_workspace({NAME: case.replace("  rubrik: Ordförandens förslag\n", "")})
    assert len(findings(root, "beslutsunderlag-ordning")) == 1
