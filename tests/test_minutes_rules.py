"""The protokoll rules (validate/minutes_rules.py): one exact-message test per rule.

Each test writes a changed copy of the example protokoll into a copy of the example workspace,
loads it with ``load_workspace`` and checks the message, code, level, line and column.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from beslut.diagnostics import Level
from beslut.validate.workspace import load_workspace
from conftest import REPO

EXAMPLE = (REPO / "content" / "protokoll" / "2022-06-14-hsn.yaml").read_text("utf-8")
MEETING_REL = "content/möten/2022-06-14-hsn.yaml"
PROTOKOLL_REL = "content/protokoll/2022-06-14-hsn.yaml"
FOLLOWING = (
    "Varje tjänstgörande ledamot och ersättare ska ha en röst (ja, nej eller avstår), och "
    "ingen annan."
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("protokoll") / "ws"
    shutil.copytree(REPO / "content", root / "content")
    return root


@pytest.fixture
def root(base: Path) -> Iterator[Path]:
    """The example workspace; files a test writes are restored or removed afterwards."""
    before = {p for p in base.rglob("*") if p.is_file()}
    yield base
    (base / PROTOKOLL_REL).write_text(EXAMPLE, encoding="utf-8")
    for path in {p for p in base.rglob("*") if p.is_file()} - before:
        path.unlink()


def _edit(text: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """Line and column (1-based) of the ``nth`` line containing ``needle``, at the needle."""
    hits = [
        (i + 1, line.index(needle) + 1)
        for i, line in enumerate(text.splitlines())
        if needle in line
    ]
    return hits[nth - 1]


def _found(
    root: Path, text: str, code: str, rel: str = PROTOKOLL_REL
) -> list[tuple[str, int, int, Level, str]]:
    (root / PROTOKOLL_REL).write_text(text, encoding="utf-8")
    workspace = load_workspace(root)
    return [
        (d.path, d.line, d.column, d.level, d.message)
        for d in workspace.diagnostics
        if d.code == code
    ]


def _one(root: Path, text: str, code: str, rel: str = PROTOKOLL_REL) -> tuple[int, int, Level, str]:
    found = _found(root, text, code)
    assert len(found) == 1, found
    path, line, column, level, message = found[0]
    assert path == rel
    return line, column, level, message


def test_the_example_protokoll_breaks_no_rule(root: Path) -> None:
    workspace = load_workspace(root)
    assert [d for d in workspace.diagnostics if d.path == PROTOKOLL_REL] == []
    (document,) = workspace.minutes
    assert (document.first_number, document.last_number) == (41, 56)


# -- 1. people -------------------------------------------------------------------------------


def test_an_unknown_person_is_named_with_the_closest_name(root: Path) -> None:
    text = _edit(EXAMPLE, ("justerare:\n  - Anna Berglund (S)", "justerare:\n  - Ana Berglund (S)"))
    assert _one(root, text, "protokoll-okänd-person") == (
        *_at(text, "Ana Berglund"),
        Level.ERROR,
        f"”Ana Berglund (S)” finns inte bland ledamöterna och ersättarna i {MEETING_REL}. "
        "Menade du ”Anna Berglund (S)”?",
    )


def test_a_member_written_as_a_substitute_is_the_wrong_role(root: Path) -> None:
    text = _edit(EXAMPLE, ("  - Olof Grahn (M)\n", "  - Mats Lindgren (KD)\n"))
    assert _one(root, text, "protokoll-fel-roll") == (
        *_at(text, "Mats Lindgren (KD)"),
        Level.ERROR,
        f"”Mats Lindgren (KD)” under ”ej_tjänstgörande_ersättare” är ledamot, inte ersättare, "
        f"i {MEETING_REL}. Ersättare: Lisa Sjöberg (S), Olof Grahn (M), Emma Strand (V).",
    )


def test_a_motion_by_someone_not_serving_in_the_paragraph(root: Path) -> None:
    text = _edit(EXAMPLE, ("      - av: Gilbert Tribo (L)", "      - av: Jonas Ek (SD)"))
    assert _one(root, text, "protokoll-ej-tjänstgörande") == (
        *_at(text, "av: Jonas Ek (SD)"),
        Level.ERROR,
        "Yrkandet av ”Jonas Ek (SD)” kan inte stå i protokollet: Jonas Ek (SD) var inte "
        "tjänstgörande i § 47 (frånvarande, ersatt av Emma Strand (V)). Bara de som tjänstgör "
        "i paragrafen kan yrka och reservera sig; rätta namnet eller ta bort uppgiften.",
    )


def test_a_reservation_by_someone_who_reported_jav(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        (
            "      - Karin Håkansson (C)\n",
            "      - Karin Håkansson (C)\n    reservationer:\n      - Karin Håkansson (C)\n",
        ),
    )
    assert _one(root, text, "protokoll-ej-tjänstgörande") == (
        *_at(text, "Karin Håkansson (C)", 2),
        Level.ERROR,
        "Reservationen av ”Karin Håkansson (C)” kan inte stå i protokollet: Karin Håkansson (C) "
        "var inte tjänstgörande i § 50 (anmälde jäv). Bara de som tjänstgör i paragrafen kan "
        "yrka och reservera sig; rätta namnet eller ta bort uppgiften.",
    )


def test_a_substitute_replacing_a_member_who_is_present(root: Path) -> None:
    text = _edit(EXAMPLE, ("    ersätter: Jonas Ek (SD)", "    ersätter: Mats Lindgren (KD)"))
    assert _one(root, text, "protokoll-ersättare") == (
        *_at(text, "ersätter:"),
        Level.ERROR,
        "”Emma Strand (V)” ersätter ”Mats Lindgren (KD)”, men Mats Lindgren (KD) är inte "
        "frånvarande hela sammanträdet. Skriv Mats Lindgren (KD) under frånvarande (med "
        "”ärenden” om hen bara var borta under en del av sammanträdet), eller rätta vem som "
        "ersätts.",
    )
    partly = _edit(
        EXAMPLE,
        ("    ersätter: Jonas Ek (SD)", "    ersätter: Per Nilsson (M)\n    ärenden: [14, 15, 16]"),
    )
    line, column, _, message = _one(root, partly, "protokoll-ersättare")
    assert (line, column) == _at(partly, "ersätter:")
    assert "men Per Nilsson (M) är inte frånvarande under ärende 14." in message


def test_two_substitutes_replacing_the_same_member(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        (
            "    ersätter: Jonas Ek (SD)\n",
            "    ersätter: Jonas Ek (SD)\n  - namn: Olof Grahn (M)\n    ersätter: Jonas Ek (SD)\n",
        ),
    )
    assert _one(root, text, "protokoll-ersättare") == (
        *_at(text, "ersätter:", 2),
        Level.ERROR,
        "”Jonas Ek (SD)” ersätts redan av ”Emma Strand (V)” (rad 16). En ledamot har bara en "
        "tjänstgörande ersättare åt gången; ange ”ärenden” för var och en om de tjänstgjorde "
        "under olika ärenden.",
    )
    # one for items 1–10, the other from 11 on: no error
    split = _edit(
        EXAMPLE,
        (
            "    ersätter: Jonas Ek (SD)\n",
            "    ersätter: Jonas Ek (SD)\n    ärenden: [1, 2, 3]\n"
            "  - namn: Olof Grahn (M)\n    ersätter: Jonas Ek (SD)\n    ärenden: [4, 5]\n",
        ),
    )
    assert _found(root, split, "protokoll-ersättare") == []


def test_an_absence_for_an_item_not_on_the_agenda(root: Path) -> None:
    text = _edit(EXAMPLE, ("    ärenden: [15, 16]", "    ärenden: [15, 26]"))
    assert _one(root, text, "protokoll-okänt-ärende") == (
        *_at(text, "26]"),
        Level.ERROR,
        f"Ärende 26 under ”ärenden” för Per Nilsson (M) finns inte på föredragningslistan i "
        f"{MEETING_REL}, som har ärende 1–17. Rätta numret.",
    )


# -- 2. votes --------------------------------------------------------------------------------


def test_a_vote_missing_a_serving_member(root: Path) -> None:
    text = _edit(EXAMPLE, ("        Elin Forsberg (MP): avstår\n", ""))
    assert _one(root, text, "protokoll-röster") == (
        *_at(text, "röster:"),
        Level.ERROR,
        "Omröstningen i § 51 har 6 röster, men 7 tjänstgjorde. Röst saknas för ”Elin Forsberg "
        f"(MP)”. {FOLLOWING}",
    )


def test_a_vote_by_someone_not_serving(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        (
            "        Elin Forsberg (MP): avstår\n",
            "        Elin Forsberg (MP): avstår\n        Olof Grahn (M): ja\n",
        ),
    )
    assert _one(root, text, "protokoll-röster") == (
        *_at(text, "röster:"),
        Level.ERROR,
        "Omröstningen i § 51 har 8 röster, men 7 tjänstgjorde. ”Olof Grahn (M)” tjänstgjorde "
        f"inte i paragrafen och kan inte rösta. {FOLLOWING}",
    )
    swapped = _edit(EXAMPLE, ("        Emma Strand (V): ja", "        Jonas Ek (SD): ja"))
    assert _one(root, swapped, "protokoll-röster")[3] == (
        "Omröstningen i § 51 stämmer inte med de tjänstgörande. Röst saknas för ”Emma Strand "
        f"(V)”. ”Jonas Ek (SD)” tjänstgjorde inte i paragrafen och kan inte rösta. {FOLLOWING}"
    )


def test_a_vote_by_someone_who_reported_jav(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        ("  - ärende: 11\n", "  - ärende: 11\n    jäv: [Karin Håkansson (C)]\n"),
    )
    assert _one(root, text, "protokoll-jäv-röstar") == (
        *_at(text, "Karin Håkansson (C): ja"),
        Level.ERROR,
        "”Karin Håkansson (C)” anmälde jäv i § 51 och får inte rösta. Ta bort rösten, eller ta "
        "bort Karin Håkansson (C) under ”jäv” om hen inte var jävig.",
    )
    assert _found(root, text, "protokoll-röster") == []  # the jäv error says it


# -- 3. § numbers ----------------------------------------------------------------------------


def _second_meeting(root: Path) -> str:
    """A later meeting of the same organ in 2022 and its protokoll (returned, not written)."""
    meeting = (root / MEETING_REL).read_text("utf-8")
    meeting = _edit(meeting, ("datum: 2022-06-14", "datum: 2022-09-13"))
    (root / "content" / "möten" / "2022-09-13-hsn.yaml").write_text(meeting, encoding="utf-8")
    return _edit(
        EXAMPLE,
        ("sammanträde: 2022-06-14-hsn", "sammanträde: 2022-09-13-hsn"),
        ("datum: 2022-06-21", "datum: 2022-09-20"),
    )


def test_paragraph_numbers_reused_in_the_same_year(root: Path) -> None:
    second = _edit(_second_meeting(root), ("första_paragraf: 41", "första_paragraf: 50"))
    rel = "content/protokoll/2022-09-13-hsn.yaml"
    (root / rel).write_text(second, encoding="utf-8")
    found = _found(root, EXAMPLE, "protokoll-paragraf-krock")
    assert found == [
        (
            rel,
            10,
            1,
            Level.ERROR,
            "§§ 50–56 finns redan i content/protokoll/2022-06-14-hsn.yaml (§§ 41–56): båda är "
            "protokoll för Hälso- och sjukvårdsnämnden 2022, och varje paragrafnummer används "
            "en gång per år. Ändra ”första_paragraf” till 57, eller ta bort den så följer "
            "numret på det förra protokollet.",
        )
    ]
    # without första_paragraf the numbers follow on: no collision, no gap
    (root / rel).write_text(second.replace("första_paragraf: 50\n", ""), encoding="utf-8")
    workspace = load_workspace(root)
    assert [d for d in workspace.diagnostics if d.code.startswith("protokoll-")] == []
    later = next(m for m in workspace.minutes if m.rel == rel)
    assert (later.first_number, later.last_number) == (57, 72)


def test_a_first_number_leaving_a_gap_is_a_warning(root: Path) -> None:
    rel = "content/protokoll/2022-09-13-hsn.yaml"
    second = _edit(_second_meeting(root), ("första_paragraf: 41", "första_paragraf: 60"))
    (root / rel).write_text(second, encoding="utf-8")
    assert _found(root, EXAMPLE, "protokoll-paragraf-lucka") == [
        (
            rel,
            10,
            1,
            Level.WARNING,
            "Protokollet börjar på § 60, men förra protokollet för Hälso- och sjukvårdsnämnden "
            "2022 (content/protokoll/2022-06-14-hsn.yaml) slutar på § 56: §§ 57–59 används "
            "inte. Ta bort ”första_paragraf” så följer numret på det förra protokollet, eller "
            "rätta numret.",
        )
    ]


def test_two_entries_for_the_same_item(root: Path) -> None:
    text = EXAMPLE + "  - ärende: 7\n    jäv: [Elin Forsberg (MP)]\n"
    assert _one(root, text, "protokoll-dubbel-paragraf") == (
        *_at(text, "ärende: 7", 2),
        Level.ERROR,
        "Ärende 7 har redan en paragraf på rad 32. Skriv allt om ärendet under den första och "
        "ta bort den här.",
    )


def test_a_second_protokoll_for_the_same_meeting(root: Path) -> None:
    rel = "content/protokoll/2022-06-14-hsn_2.yaml"  # after the example by name
    (root / rel).write_text(EXAMPLE, encoding="utf-8")
    assert _found(root, EXAMPLE, "protokoll-dubblett") == [
        (
            rel,
            8,
            14,
            Level.ERROR,
            "Sammanträdet ”2022-06-14-hsn” har redan ett protokoll: "
            "content/protokoll/2022-06-14-hsn.yaml. Ett sammanträde har ett protokoll; skriv "
            "allt i det och ta bort den här filen, eller rätta sammanträdets namn.",
        )
    ]


def test_a_protokoll_for_an_unknown_meeting(root: Path) -> None:
    text = _edit(EXAMPLE, ("sammanträde: 2022-06-14-hsn", "sammanträde: 2022-06-15-hsn"))
    assert _one(root, text, "protokoll-okänt-sammanträde") == (
        8,
        14,
        Level.ERROR,
        "Det finns inget sammanträde ”2022-06-15-hsn” i arbetsytan. Skriv mötesfilens namn "
        "utan .yaml; sammanträden som finns: 2022-06-14-hsn.",
    )


# -- 4. justerare, justering and anslag ------------------------------------------------------


def test_a_justerare_who_did_not_serve(root: Path) -> None:
    text = _edit(EXAMPLE, ("justerare:\n  - Anna Berglund (S)", "justerare:\n  - Jonas Ek (SD)"))
    assert _one(root, text, "protokoll-justerare-frånvarande") == (
        25,
        5,
        Level.ERROR,
        "Justeraren ”Jonas Ek (SD)” tjänstgjorde inte vid sammanträdet (frånvarande). "
        "Justerare väljs bland de närvarande ledamöterna och tjänstgörande ersättarna; välj "
        "någon av dem.",
    )
    substitute = _edit(
        EXAMPLE, ("justerare:\n  - Anna Berglund (S)", "justerare:\n  - Lisa Sjöberg (S)")
    )
    assert (
        "(ersättare som inte tjänstgjorde)"
        in _one(root, substitute, "protokoll-justerare-frånvarande")[3]
    )
    serving_substitute = _edit(
        EXAMPLE, ("justerare:\n  - Anna Berglund (S)", "justerare:\n  - Emma Strand (V)")
    )
    assert _found(root, serving_substitute, "protokoll-justerare-frånvarande") == []


def test_the_chair_as_justerare(root: Path) -> None:
    text = _edit(
        EXAMPLE, ("justerare:\n  - Anna Berglund (S)", "justerare:\n  - Gilbert Tribo (L)")
    )
    assert _one(root, text, "protokoll-justerare-ordförande") == (
        25,
        5,
        Level.ERROR,
        "Justeraren ”Gilbert Tribo (L)” är sammanträdets ordförande, som justerar protokollet "
        "ändå. Välj en annan ledamot som justerare.",
    )


def test_justering_before_the_meeting_or_after_14_days(root: Path) -> None:
    before = _edit(EXAMPLE, ("datum: 2022-06-21", "datum: 2022-06-13"))
    assert _one(root, before, "protokoll-justeringsdatum") == (
        27,
        3,
        Level.ERROR,
        "Justeringen 2022-06-13 är före sammanträdet 2022-06-14. Protokollet justeras efter "
        "sammanträdet; rätta datumet.",
    )
    late = _edit(EXAMPLE, ("datum: 2022-06-21", "datum: 2022-06-29"))
    assert _one(root, late, "protokoll-justeringsdatum") == (
        27,
        3,
        Level.ERROR,
        "Justeringen 2022-06-29 är 15 dagar efter sammanträdet 2022-06-14. Protokollet ska "
        "justeras senast 14 dagar efter sammanträdet (kommunallagen 5 kap. 69 § och 6 kap. 35 §), dvs. senast "
        "2022-06-28.",
    )
    last_day = _edit(EXAMPLE, ("datum: 2022-06-21", "datum: 2022-06-28"))
    assert _found(root, last_day, "protokoll-justeringsdatum") == []


def test_anslag_before_justering_or_too_late(root: Path) -> None:
    def posted(day: str) -> str:
        return _edit(EXAMPLE, ("förvaringsplats:", f"anslag: {day}\nförvaringsplats:"))

    text = posted("2022-06-20")
    assert _one(root, text, "protokoll-anslagsdatum") == (
        30,
        1,
        Level.ERROR,
        "Anslaget 2022-06-20 är före justeringen 2022-06-21. Justeringen tillkännages på "
        "anslagstavlan när protokollet är justerat; rätta datumet, eller ta bort ”anslag” så "
        "gäller justeringsdagen.",
    )
    assert _one(root, posted("2022-06-24"), "protokoll-anslagsdatum")[3] == (
        "Anslaget 2022-06-24 är för sent: justeringen 2022-06-21 ska tillkännages på "
        "anslagstavlan senast andra dagen efter justeringen (kommunallagen 8 kap. 12 §), dvs. "
        "senast 2022-06-23."
    )
    assert _found(root, posted("2022-06-23"), "protokoll-anslagsdatum") == []


# -- 5. the agenda ---------------------------------------------------------------------------


def test_an_entry_for_an_item_not_on_the_agenda(root: Path) -> None:
    text = _edit(EXAMPLE, ("  - ärende: 13\n", "  - ärende: 23\n"))
    assert _one(root, text, "protokoll-okänt-ärende") == (
        *_at(text, "ärende: 23"),
        Level.ERROR,
        f"Det finns inget ärende 23 på föredragningslistan i {MEETING_REL} (ärende 1–17). "
        "Rätta numret, eller skriv ”tillagt: ja” och ”rubrik” i stället för ”ärende” om "
        "ärendet lades till vid sammanträdet.",
    )


def test_an_item_without_case_file_needs_a_beslut(root: Path) -> None:
    entry = (
        "  - ärende: 9\n    beslut:\n      stil: numrerad\n      beslutspunkter:\n        - "
        "Hälso- och sjukvårdsnämnden godkänner redovisningen av samverkan i Norra "
        "sjukvårdsregionförbundet 2020\n"
    )
    text = _edit(EXAMPLE, (entry, ""))
    assert _one(root, text, "protokoll-beslut-saknas") == (
        31,
        1,
        Level.ERROR,
        "§ 49 (Samverkan i Norra sjukvårdsregionförbundet 2020) har ingen ärendefil i "
        "arbetsytan, så det finns inget förslag att ta över som beslut. Skriv beslutet under "
        "paragrafer: - ärende: 9 beslut: beslutspunkter: …, eller ”utgår: ja” om ärendet "
        "utgick.",
    )
    text_only = _edit(EXAMPLE, (entry, "  - ärende: 9\n    text: Redovisades muntligt.\n"))
    line, column, _, message = _one(root, text_only, "protokoll-beslut-saknas")
    assert (line, column) == _at(text_only, "ärende: 9")
    assert (line, column) != (31, 1)
    assert message.startswith("§ 49 (Samverkan i Norra")
    dropped = _edit(EXAMPLE, (entry, "  - ärende: 9\n    utgår: ja\n"))
    assert _found(root, dropped, "protokoll-beslut-saknas") == []


def test_an_added_item_needs_a_beslut(root: Path) -> None:
    text = EXAMPLE + "  - tillagt: ja\n    rubrik: Yttrande om ambulansflyg\n"
    assert _one(root, text, "protokoll-beslut-saknas") == (
        *_at(text, "tillagt: ja"),
        Level.ERROR,
        "Det tillagda ärendet ”Yttrande om ambulansflyg” (§ 55) har inget beslut. Ett ärende "
        "som lades till vid sammanträdet har ingen ärendefil: skriv beslutet under ”beslut:” "
        "med ”beslutspunkter:”.",
    )


# -- 6. the decision points of a changed beslut ----------------------------------------------


def test_a_changed_beslut_follows_the_decision_point_rules(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        (
            "        - Hälso- och sjukvårdsnämnden fastställer att avsnittet",
            "        - fastställer att avsnittet",
        ),
    )
    assert _one(root, text, "beslut-subjekt") == (
        *_at(text, "fastställer att avsnittet"),
        Level.WARNING,
        "§ 47: Beslutspunkt 2 börjar inte med instansen. I numrerad stil är varje beslutspunkt "
        "en hel mening med instansen som subjekt, så att den kan flyttas oförändrad till "
        "protokollet, t.ex. ”Hälso- och sjukvårdsnämnden godkänner …”.",
    )
    referral = _edit(
        EXAMPLE,
        (
            "        - Hälso- och sjukvårdsnämnden godkänner uppföljningen av plan för intern "
            "kontroll 2020",
            "        - Hälso- och sjukvårdsnämnden beslutar i enlighet med föreliggande förslag",
        ),
    )
    line, column, level, message = _one(root, referral, "beslut-hänvisar")
    assert (line, column, level) == (
        *_at(referral, "Hälso- och sjukvårdsnämnden beslutar"),
        Level.WARNING,
    )
    assert message.startswith(
        "§ 48: Beslutspunkt 1 hänvisar bort med ”i enlighet med föreliggande förslag”"
    )


# -- 7. propositionsordning and reservations -------------------------------------------------


def test_a_vote_or_several_motions_without_propositionsordning(root: Path) -> None:
    order_11 = (
        "    propositionsordning: Ordföranden frågar först om ärendet ska avgöras i dag och "
        "finner att nämnden beslutar det. Därefter ställer ordföranden proposition på "
        "förvaltningens förslag och finner att nämnden beslutar enligt det.\n"
    )
    text = _edit(EXAMPLE, (order_11, ""))
    assert _one(root, text, "protokoll-propositionsordning") == (
        *_at(text, "omröstning:"),
        Level.WARNING,
        "§ 51 har en omröstning men ingen propositionsordning. Protokollet ska visa i vilken "
        "ordning ordföranden ställde förslagen (kommunallagen): skriv den under "
        "”propositionsordning”.",
    )
    start = EXAMPLE.index("    propositionsordning: Ordföranden ställer proposition")
    end = EXAMPLE.index("\n", start) + 1
    motions = EXAMPLE[:start] + EXAMPLE[end:]
    assert _one(root, motions, "protokoll-propositionsordning") == (
        *_at(motions, "yrkanden:"),
        Level.WARNING,
        "§ 47 har 2 yrkanden men ingen propositionsordning. Protokollet ska visa i vilken "
        "ordning ordföranden ställde förslagen (kommunallagen): skriv den under "
        "”propositionsordning”.",
    )


def test_a_reservation_by_someone_who_voted_with_the_majority(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        (
            "      - av: Per Nilsson (M)\n        skriftlig",
            "      - av: Anna Berglund (S)\n        skriftlig",
        ),
    )
    assert _one(root, text, "protokoll-reservation-majoritet") == (
        *_at(text, "av: Anna Berglund (S)", 2),  # the first is her yrkande
        Level.WARNING,
        "”Anna Berglund (S)” reserverar sig i § 51 men röstade ja med majoriteten. Den som "
        "röstade för beslutet reserverar sig inte mot det; kontrollera rösten och "
        "reservationen.",
    )


# -- beslut new protokoll --------------------------------------------------------------------


def test_new_protokoll_is_prefilled_from_the_meeting_and_passes_once_filled(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from beslut.cli.main import cli

    root = tmp_path / "ws"
    shutil.copytree(REPO / "content", root / "content")
    (root / PROTOKOLL_REL).unlink()
    args = ["new", "protokoll", str(root / MEETING_REL), "--arbetsyta", str(root)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = (root / PROTOKOLL_REL).read_text("utf-8")
    assert "sammanträde: 2022-06-14-hsn\n" in text
    assert 'tid: "09.00–[fyll i sluttid]"' in text
    assert 'justerare:\n  - "Anna Berglund (S)"\njustering:\n  datum: 2022-06-21\n' in text
    assert "frånvarande: []\n" in text
    # the three items without a case file get an entry with a placeholder beslut
    entries = [line.split("#")[0].strip() for line in text.splitlines() if "- ärende:" in line]
    assert entries == ["- ärende: 8", "- ärende: 9", "- ärende: 13", ""]  # "" the example

    def own(workspace_root: Path) -> list[tuple[int, str]]:
        found = load_workspace(workspace_root).diagnostics
        return [(d.line, d.code) for d in found if d.path == PROTOKOLL_REL]

    assert own(root) == [
        (6, "platshållare"),
        (17, "platshållare"),
        (22, "platshållare"),
        (26, "platshållare"),
        (30, "platshållare"),
    ]
    filled = (
        text.replace("[fyll i sluttid]", "11.40")
        .replace("[fyll i: var protokollet justeras]", "Regionens hus")
        .replace("[fyll i: beslutet]", "Hälso- och sjukvårdsnämnden godkänner redovisningen")
    )
    (root / PROTOKOLL_REL).write_text(filled, encoding="utf-8")
    assert own(root) == []
    again = CliRunner().invoke(cli, args)
    assert again.exit_code != 0
    assert "finns redan; ett sammanträde har ett protokoll" in again.output


def test_a_meeting_without_ledamoter_cannot_have_a_protokoll(root: Path) -> None:
    meeting = (root / MEETING_REL).read_text("utf-8")
    start, end = meeting.index("ledamöter:"), meeting.index("utskicksdatum:")
    (root / "content/möten/2022-09-20-hsn.yaml").write_text(
        _edit(meeting[:start] + meeting[end:], ("datum: 2022-06-14", "datum: 2022-09-20")),
        encoding="utf-8",
    )
    text = (
        "typ: protokoll\nsammanträde: 2022-09-20-hsn\ntid: 09.00–10.00\n"
        "justerare: [Anna Berglund (S)]\njustering: {datum: 2022-09-27, plats: Regionens hus}\n"
        "paragrafer:\n  - ärende: 13\n    utgår: ja\n  - ärende: 8\n    utgår: ja\n"
        "  - ärende: 9\n    utgår: ja\n"
    )
    rel = "content/protokoll/2022-09-20-hsn.yaml"
    (root / rel).write_text(text, encoding="utf-8")
    found = [
        (d.path, d.line, d.column, d.message)
        for d in load_workspace(root).diagnostics
        if d.code == "protokoll-inga-ledamöter"
    ]
    assert found == [
        (
            rel,
            2,
            1,
            "Mötesfilen content/möten/2022-09-20-hsn.yaml har inga ledamöter, så protokollet "
            "kan inte visa vilka som beslutade. Skriv ledamöterna under ”ledamöter:” i "
            "mötesfilen, en per rad, t.ex. ”- Anna Andersson (S), ordförande”.",
        )
    ]


def test_an_added_item_after_an_item_not_on_the_agenda(root: Path) -> None:
    text = _edit(
        EXAMPLE,
        (
            "paragrafer:\n",
            "paragrafer:\n  - tillagt: ja\n    efter: 99\n    rubrik: Fråga om sommaren\n"
            "    beslut:\n      beslutspunkter:\n"
            "        - Hälso- och sjukvårdsnämnden tar emot frågan\n",
        ),
    )
    line, column, level, message = _one(root, text, "protokoll-okänt-ärende")
    assert (line, column, level) == (*_at(text, "efter: 99"), Level.ERROR)
    assert message == (
        "Det finns inget ärende 99 på föredragningslistan i content/möten/2022-06-14-hsn.yaml "
        "(ärende 1–17), så det tillagda ärendet ”Fråga om sommaren” kan inte stå efter det. "
        "Rätta numret, eller ta bort ”efter” så kommer ärendet före Övriga frågor."
    )


def test_a_protokoll_where_every_item_utgar(root: Path) -> None:
    start = EXAMPLE.index("paragrafer:")
    text = (
        EXAMPLE[:start]
        + "paragrafer:\n"
        + "".join(f"  - ärende: {n}\n    utgår: ja\n" for n in range(1, 18))
    )
    line, column, level, message = _one(root, text, "protokoll-inga-paragrafer")
    assert (line, column, level) == (*_at(text, "paragrafer:"), Level.ERROR)
    assert message == (
        "Protokollet har inga paragrafer: varje ärende på föredragningslistan är markerat "
        "”utgår”. Ta bort ”utgår: ja” från de ärenden som behandlades."
    )


def test_a_first_paragraph_number_out_of_range(root: Path) -> None:
    text = _edit(EXAMPLE, ("första_paragraf: 41", "första_paragraf: 99999999999999999999"))
    line, column, level, message = _one(root, text, "ogiltigt-värde")
    assert (line, column, level) == (_at(text, "första_paragraf")[0], 18, Level.ERROR)
    assert message == "”första_paragraf” ska vara högst 99999, inte ”99999999999999999999”."
    text = _edit(EXAMPLE, ("första_paragraf: 41", "första_paragraf: 0"))
    assert _one(root, text, "ogiltigt-värde")[3] == "”första_paragraf” ska vara minst 1, inte ”0”."
