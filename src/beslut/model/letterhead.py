"""The letterhead of a paper: who issues it and how its header is written.

One function, :func:`letterhead`, resolves everything the profile says about a paper's
header, footer and metadata block, in one documented order (later wins, key by key):

1. beslut's defaults (:data:`DEFAULT_HEADER`);
2. the profile's top-level ``sidnumrering`` (deprecated alias of ``sidhuvud.sidnumrering``);
3. the profile's ``sidhuvud``;
4. the document type's ``dokumenttyper.<typ>.sidhuvud``;
5. the förvaltning's ``förvaltningar[].sidhuvud`` (the organ's ``förvaltning``).

The issuer (organisation name, förvaltning, address, logo) comes from the organ's förvaltning,
or from ``organisation`` when the organ names none. A förvaltning of the same organisation
inherits the organisation's address and logo; one that names another organisation does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from beslut.model import formatting
from beslut.model.doctype import DocumentType
from beslut.model.models import (
    Address,
    DateStyle,
    HeaderField,
    HeaderSettings,
    PageStyle,
    Profile,
)

__all__ = ["DEFAULT_HEADER", "Header", "Letterhead", "format_date", "letterhead", "page_parts"]


@dataclass(frozen=True)
class Header:
    """Header settings with every value resolved."""

    number_label: str
    date_label: str
    date_style: DateStyle
    page_style: PageStyle
    fields: tuple[HeaderField, ...]
    metadata: bool

    def shows(self, field: HeaderField) -> bool:
        """Return True when ``field`` stands in the header."""
        return field in self.fields


DEFAULT_HEADER = Header(
    number_label="Diarienummer",
    date_label="Datum",
    date_style=DateStyle.ISO,
    page_style=PageStyle.PARENTES,
    fields=tuple(HeaderField),
    metadata=True,
)
"""beslut's defaults: what a profile without ``sidhuvud`` gets."""


@dataclass(frozen=True)
class Letterhead:
    """Who issues a paper, and how its header is written."""

    organisation: str
    administration: str | None
    address: Address
    logo: str | None
    """The logo as written in the profile (relative to the workspace), or None."""
    logo_alt: str
    logo_key: tuple[str | int, ...]
    """Where the logo is given in the profile (for located errors)."""
    header: Header


def _merge(header: Header, settings: HeaderSettings | None) -> Header:
    if settings is None:
        return header
    return Header(
        number_label=(
            settings.number_label if settings.number_label is not None else header.number_label
        ),
        date_label=settings.date_label if settings.date_label is not None else header.date_label,
        date_style=settings.date_style or header.date_style,
        page_style=settings.page_style or header.page_style,
        fields=settings.fields if settings.fields is not None else header.fields,
        metadata=settings.metadata if settings.metadata is not None else header.metadata,
    )


def letterhead(profile: Profile, organ_id: str, doc_type: DocumentType | None) -> Letterhead:
    """Return the letterhead for a paper of ``organ_id`` (``doc_type`` None: a kallelse)."""
    header = DEFAULT_HEADER
    if profile.page_style is not None:
        header = _merge(header, HeaderSettings.model_validate({"sidnumrering": profile.page_style}))
    header = _merge(header, profile.header)
    if doc_type is not None:
        header = _merge(header, profile.type_settings(doc_type).header)
    org = profile.organisation
    organ = profile.organ(organ_id)
    index, unit = next(
        (
            (i, a)
            for i, a in enumerate(profile.administrations)
            if organ is not None and a.id == organ.administration
        ),
        (-1, None),
    )
    if unit is None:
        return Letterhead(
            organisation=org.name,
            administration=org.administration,
            address=org.address,
            logo=org.logo,
            logo_alt=org.logo_alt or f"{org.name} logotyp",
            logo_key=("organisation", "logotyp"),
            header=header,
        )
    header = _merge(header, unit.header)
    same = unit.organisation is None or unit.organisation == org.name
    name = unit.organisation or org.name
    logo: str | None
    logo_key: tuple[str | int, ...]
    if unit.logo is not None:
        logo, logo_key = unit.logo, ("förvaltningar", index, "logotyp")
    elif same:
        logo, logo_key = org.logo, ("organisation", "logotyp")
    else:
        logo, logo_key = None, ()
    alt = unit.logo_alt or (org.logo_alt if same and unit.logo is None else None)
    return Letterhead(
        organisation=name,
        administration=unit.name,
        address=unit.address or (org.address if same else Address()),
        logo=logo,
        logo_alt=alt or f"{name} logotyp",
        logo_key=logo_key,
        header=header,
    )


def format_date(date: dt.date, style: DateStyle) -> str:
    """Return a header date in the profile's style: "2022-05-30" or "30 maj 2022"."""
    return formatting.long_date(date) if style is DateStyle.ORD else formatting.iso_date(date)


def page_parts(style: PageStyle) -> tuple[str, str, str]:
    """Return the text before, between and after the PAGE and NUMPAGES fields."""
    sample = formatting.page_label(1, 4, style.value)
    before, rest = sample.split("1", 1)
    between, after = rest.split("4", 1)
    return before, between, after
