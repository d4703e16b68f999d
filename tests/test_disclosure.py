"""public_view: what each audience sees of a meeting, for every withholding reason."""

from __future__ import annotations

from typing import Any

import pytest

from beslut.disclosure import DocumentView, ItemView, WithheldReason, item_view, public_view
from beslut.model.models import AgendaItem, Case, Meeting

CASE_TITLE = "Upphandling av antikroppstester – tilldelningsbeslut"
PUBLIC_TITLE = "Upphandling – tilldelningsbeslut"

SECRECY_NOTICE = "Handlingen omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte."
SECRECY_NOTE = "Handlingarna omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte."
HIDDEN_NOTICE = "Handlingen publiceras inte på webben. Den kan begäras ut från registraturen."
HIDDEN_NOTE = "Handlingarna publiceras inte på webben. De kan begäras ut från registraturen."


def case(secrecy: str | None = None) -> Case:
    data: dict[str, Any] = {
        "typ": "tjänsteskrivelse",
        "rubrik": CASE_TITLE,
        "diarienummer": "22HSN5105",
        "instans": "hsn",
        "datum": "2022-05-27",
        "handläggare": {"namn": "Erik Dahlberg"},
        "förslag": {"inledning": "Förslag", "beslutspunkter": ["Nämnden beslutar"]},
    }
    if secrecy:
        data["sekretess"] = {"lagrum": secrecy}
    return Case.model_validate(data)


def item(**fields: Any) -> AgendaItem:
    return AgendaItem.model_validate({"typ": "beslut", "diarienummer": "22HSN5105", **fields})


def procedural(**fields: Any) -> AgendaItem:
    return AgendaItem.model_validate({"typ": "information", "punkter": ["Läget"], **fields})


def meeting(*items: AgendaItem) -> Meeting:
    return Meeting.model_validate(
        {
            "typ": "sammanträde",
            "instans": "hsn",
            "datum": "2022-06-14",
            "tid": "09.00",
            "plats": "Regionens hus",
            "ordförande": {"namn": "Gilbert Tribo"},
            "sekreterare": {"namn": "Sara Ekström"},
            "ärenden": [i.model_dump(by_alias=True, exclude_unset=True) for i in items],
        }
    )


SECRET = {"sekretess": {"lagrum": "19 kap. 3 §"}}
HIDDEN = {"publiceras_inte": True}
WITH_PUBLIC_TITLE = {"offentlig_rubrik": PUBLIC_TITLE}


# (item fields, case secrecy) → expected reason and provision
REASONS = {
    "sekretess": (SECRET, None, WithheldReason.SECRECY, "19 kap. 3 §"),
    "publiceras_inte": (HIDDEN, None, WithheldReason.NOT_PUBLISHED, None),
    "sekretess på ärendet": ({}, "19 kap. 3 §", WithheldReason.SECRECY, "19 kap. 3 §"),
    "publiceras_inte och sekretess på ärendet": (
        HIDDEN,
        "19 kap. 3 §",
        WithheldReason.SECRECY,
        "19 kap. 3 §",
    ),
}


def expected_view(
    reason: WithheldReason,
    provision: str | None,
    *,
    public_title: str,
    has_papers: bool,
    title: str,
) -> ItemView:
    secret = reason is WithheldReason.SECRECY
    why = f"sekretess enligt {provision} OSL" if secret else "publiceras inte"
    return ItemView(
        number=3,
        title=title,
        public_title=public_title,
        reason=reason,
        provision=provision,
        has_papers=has_papers,
        notice=SECRECY_NOTICE if secret else HIDDEN_NOTICE,
        public_note=SECRECY_NOTE if secret else HIDDEN_NOTE,
        left_out=f"Ärende 3: {public_title} ({why})" if has_papers else None,
        marking=f"Sekretess enligt {provision} OSL" if secret else None,
    )


@pytest.mark.parametrize("name", list(REASONS))
@pytest.mark.parametrize("titled", [False, True], ids=["utan offentlig rubrik", "offentlig rubrik"])
def test_each_reason_with_and_without_public_title(name: str, titled: bool) -> None:
    fields, case_secrecy, reason, provision = REASONS[name]
    agenda = item(**fields, **(WITH_PUBLIC_TITLE if titled else {}))
    view = item_view(3, agenda, case(case_secrecy))
    assert view == expected_view(
        reason,
        provision,
        public_title=PUBLIC_TITLE if titled else CASE_TITLE,
        has_papers=True,
        title=CASE_TITLE,
    )
    assert view.withheld
    assert view.public_document(2, f"Bilaga 1 {CASE_TITLE}") == DocumentView(
        "Handling 2", view.notice
    )


@pytest.mark.parametrize("name", ["sekretess", "publiceras_inte"])
@pytest.mark.parametrize("titled", [False, True], ids=["utan offentlig rubrik", "offentlig rubrik"])
def test_procedural_item_without_papers(name: str, titled: bool) -> None:
    fields, _, reason, provision = REASONS[name]
    agenda = procedural(**fields, **(WITH_PUBLIC_TITLE if titled else {}))
    view = item_view(3, agenda, None)
    assert view == expected_view(
        reason,
        provision,
        public_title=PUBLIC_TITLE if titled else "Information",
        has_papers=False,
        title="Information",
    )
    assert view.left_out is None  # nothing to leave out of the packet


def test_procedural_item_with_extra_papers_is_left_out() -> None:
    agenda = procedural(**HIDDEN, handlingar=[{"titel": "Lista", "fil": "lista.pdf"}])
    view = item_view(4, agenda, None)
    assert view.has_papers
    assert view.left_out == "Ärende 4: Information (publiceras inte)"


@pytest.mark.parametrize("with_case", [True, False])
def test_public_item_shows_everything(with_case: bool) -> None:
    agenda = item(**WITH_PUBLIC_TITLE) if with_case else procedural(**WITH_PUBLIC_TITLE)
    view = item_view(1, agenda, case() if with_case else None)
    title = CASE_TITLE if with_case else "Information"
    # A public title is for withheld items only; a published item keeps its own title.
    assert view == ItemView(1, title, title, None, None, with_case, None, None, None, None)
    assert not view.withheld
    assert view.public_document(1, "Tjänsteskrivelse: X") == DocumentView(
        "Tjänsteskrivelse: X", None
    )


def test_item_provision_wins_over_the_case_provision() -> None:
    view = item_view(1, item(**SECRET), case("25 kap. 1 §"))
    assert view.provision == "19 kap. 3 §"
    assert view.marking == "Sekretess enligt 19 kap. 3 § OSL"


def test_titles_own_then_case_then_procedural_default() -> None:
    assert item_view(1, item(rubrik="Egen rubrik"), case()).title == "Egen rubrik"
    assert item_view(1, item(), case()).title == CASE_TITLE
    justerare = AgendaItem.model_validate({"typ": "justerare"})
    assert item_view(1, justerare, None).title == "Val av justerare och tid för justering"
    own = item(rubrik="Egen rubrik", **HIDDEN, **WITH_PUBLIC_TITLE)
    shown = item_view(1, own, case())
    assert (shown.title, shown.public_title) == ("Egen rubrik", PUBLIC_TITLE)


def test_meeting_view_numbers_items_and_lists_left_out_in_order() -> None:
    items = (
        AgendaItem.model_validate({"typ": "justerare"}),
        item(**SECRET, **WITH_PUBLIC_TITLE),
        procedural(**HIDDEN),  # no papers: nothing left out
        item(diarienummer="22HSN5101"),
        item(diarienummer="22HSN5102", **HIDDEN),
    )
    view = public_view(meeting(*items), [None, case("19 kap. 3 §"), None, case(), case()])
    assert [i.number for i in view.items] == [1, 2, 3, 4, 5]
    assert [i.reason for i in view.items] == [
        None,
        WithheldReason.SECRECY,
        WithheldReason.NOT_PUBLISHED,
        None,
        WithheldReason.NOT_PUBLISHED,
    ]
    assert view.left_out == (
        f"Ärende 2: {PUBLIC_TITLE} (sekretess enligt 19 kap. 3 § OSL)",
        f"Ärende 5: {CASE_TITLE} (publiceras inte)",
    )
    assert view.item(2).marking == "Sekretess enligt 19 kap. 3 § OSL"
    assert [i.marking for i in view.items].count(None) == 4


def test_cases_must_match_the_items() -> None:
    with pytest.raises(ValueError):
        public_view(meeting(item()), [])


def test_view_is_frozen() -> None:
    view = item_view(1, item(**HIDDEN), case())
    with pytest.raises(AttributeError):
        view.public_title = "Annat"  # type: ignore[misc]
