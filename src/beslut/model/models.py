"""Domain models: the organisation profile and case files.

Every model is immutable, rejects unknown keys and documents each field in Swedish, so the
same models drive validation, the JSON Schema for editors and the reference in the README.
Field names are English; the keys a user writes are the Swedish aliases.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from beslut.model.doctype import DocumentType as DocumentType
from beslut.model.formatting import Unit as Unit

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Frozen(BaseModel):
    """Base for all models: immutable, strict about keys, Swedish aliases."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=False,
        str_strip_whitespace=True,
    )


class DecisionStyle(StrEnum):
    """How decision points are written."""

    ATT_SATSER = "att-satser"
    NUMRERAD = "numrerad"


class Punctuation(StrEnum):
    """Punctuation preset for att-satser (see the conventions, section 2.2)."""

    SEMIKOLON = "semikolon"
    KOMMA = "komma"
    INGEN = "ingen"


class PageStyle(StrEnum):
    """How page numbers are printed in the header."""

    PARENTES = "1 (4)"
    PARENTES_TAT = "1(4)"
    SIDA_AV = "Sida 1 av 4"
    SNEDSTRECK = "1/4"


# Sections a body heading (##) is recognised as; anything else is kept as a free section.
KNOWN_SECTIONS: tuple[str, ...] = (
    "Sammanfattning",
    "Ärendebeskrivning",
    "Ärendet",
    "Bakgrund",
    "Beredning",
    "Beskrivning av ärendet och skälen för förslaget",
    "Förvaltningens bedömning",
    "Bedömning",
    "Kommunikation",
    "Ekonomiska konsekvenser",
    "Ekonomiska konsekvenser och finansiering",
    "Juridisk bedömning",
    "Miljökonsekvenser",
    "Barnrättsperspektiv",
    "Jämställdhet",
    "Samverkan",
    "Samverkan med berörda fackliga organisationer",
    "Uppföljning",
    "Risker",
    "Tidplan",
)

# Sections beslut generates from front matter; writing them in the body duplicates them.
GENERATED_SECTIONS: tuple[str, ...] = (
    "Beslutsunderlag",
    "Bilagor",
    "Delges",
    "Beslutet skickas till",
)


# --------------------------------------------------------------------------------------------
# Organisation profile (content/profil.yaml)
# --------------------------------------------------------------------------------------------


class Address(Frozen):
    """Adress- och kontaktblock i sidfoten."""

    visiting: str | None = Field(None, alias="besöksadress", description="Besöksadress.")
    postal: str | None = Field(None, alias="postadress", description="Postadress.")
    phone: str | None = Field(None, alias="telefon", description="Telefonnummer till växeln.")
    email: str | None = Field(None, alias="e-post", description="E-postadress.")
    web: str | None = Field(None, alias="webbplats", description="Webbplats, t.ex. www.region.se.")
    org_number: str | None = Field(
        None, alias="organisationsnummer", description="Organisationsnummer, t.ex. 232100-0255."
    )

    def lines(self) -> list[str]:
        """Return the footer lines in the order Swedish letterheads print them."""
        pairs = [
            ("Besöksadress", self.visiting),
            ("Postadress", self.postal),
            ("Telefon (växel)", self.phone),
            ("E-post", self.email),
            ("Internet", self.web),
            ("Organisationsnummer", self.org_number),
        ]
        return [f"{label}: {value}" for label, value in pairs if value]


class Organisation(Frozen):
    """Organisationen som ger ut handlingarna."""

    name: NonEmpty = Field(alias="namn", description="Organisationens namn, t.ex. Region Skåne.")
    administration: str | None = Field(
        None, alias="förvaltning", description="Förvaltning som skriver handlingarna (valfri)."
    )
    logo: str | None = Field(
        None,
        alias="logotyp",
        description="Sökväg till logotyp (PNG eller JPEG), relativ till arbetsytan (valfri).",
    )
    address: Address = Field(
        default_factory=Address, alias="adress", description="Adressblocket i sidfoten."
    )


class Organ(Frozen):
    """En nämnd, styrelse eller annan instans som fattar beslut."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = Field(
        description="Kort id som används i ärendefiler, t.ex. hsn (små bokstäver a–z, siffror)."
    )
    name: NonEmpty = Field(
        alias="namn", description="Fullständigt namn, t.ex. Hälso- och sjukvårdsnämnden."
    )
    short: NonEmpty = Field(alias="kortnamn", description="Kortform, t.ex. HSN.")


class DiarieFormat(Frozen):
    """Ett tillåtet format för diarienummer."""

    pattern: NonEmpty = Field(
        alias="mönster", description="Reguljärt uttryck som hela diarienumret ska matcha."
    )
    description: NonEmpty = Field(
        alias="beskrivning",
        description="Beskrivning för människor som visas i felmeddelanden, med exempel.",
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"ogiltigt reguljärt uttryck ({exc.msg})") from None
        return value

    def matches(self, dnr: str) -> bool:
        """Return True when the whole diarienummer matches this format."""
        return re.fullmatch(self.pattern, dnr) is not None


class DecisionSettings(Frozen):
    """Hur beslutspunkter skrivs."""

    style: DecisionStyle = Field(
        DecisionStyle.NUMRERAD,
        alias="stil",
        description="att-satser eller numrerad (numrerade hela meningar).",
    )
    punctuation: Punctuation = Field(
        Punctuation.SEMIKOLON,
        alias="skiljetecken",
        description="Skiljetecken för att-satser: semikolon, komma eller ingen.",
    )


class DocumentTypeSettings(Frozen):
    """Inställningar för en dokumenttyp."""

    label: NonEmpty = Field(
        alias="etikett",
        description="Etikett i sidhuvudet, t.ex. TJÄNSTESKRIVELSE eller TJÄNSTEUTLÅTANDE.",
    )
    required_sections: tuple[NonEmpty, ...] = Field(
        (),
        alias="obligatoriska_avsnitt",
        description="Avsnitt (##-rubriker) som måste finnas i texten.",
    )
    decision: DecisionSettings | None = Field(
        None, alias="beslut", description="Beslutsstil för just denna typ (annars profilens)."
    )
    template: str | None = Field(
        None, alias="mall", description="Mallfil i templates/ (standard: <typ>.docx)."
    )
    impact_sections: tuple[NonEmpty, ...] = Field(
        (),
        alias="konsekvensavsnitt",
        description="Konsekvensavsnitt (t.ex. Barnrättsperspektiv, Jämställdhet) som måste finnas "
        "och uttryckligen säga om ärendet påverkar eller inte, även när inget påverkas.",
    )


class RuleLevel(StrEnum):
    """What a content-check rule does when it finds something."""

    AV = "av"
    VARNING = "varning"
    FEL = "fel"


class CheckSettings(Frozen):
    """Innehållskontroller: nivå per regel och gränsvärden (se ”beslut check --regler”)."""

    rules: dict[str, RuleLevel] = Field(
        default_factory=dict,
        alias="regler",
        description="Nivå per kod, t.ex. upprepat-ord: av, lix: fel eller platshållare: varning "
        "(av, varning, fel). Gäller alla koder som beslut check rapporterar; koder som skyddar "
        "mot att något fel eller hemligt publiceras kan bara höjas.",
    )
    lix_limit: int = Field(
        50, alias="lix_gräns", ge=10, le=100, description="Högsta LIX per avsnitt (standard 50)."
    )
    lix_summary_limit: int = Field(
        45,
        alias="lix_gräns_sammanfattning",
        ge=10,
        le=100,
        description="Högsta LIX för Sammanfattning (standard 45).",
    )
    lix_min_words: int = Field(
        40,
        alias="lix_minsta_antal_ord",
        ge=1,
        description="Avsnitt med färre ord än så får inget LIX-värde (för lite text; standard 40).",
    )
    sentence_words: int = Field(
        35,
        alias="max_ord_per_mening",
        ge=5,
        description="Längsta tillåtna mening i antal ord (standard 35).",
    )
    million_unit: Literal["mnkr", "mkr", "miljoner kronor"] = Field(
        "mnkr",
        alias="miljoner_kronor",
        description="Hur miljoner kronor förkortas i löpande text: mnkr (standard), mkr eller "
        "miljoner kronor.",
    )


class AgendaSettings(Frozen):
    """Hur föredragningslistan numreras."""

    first_number: Literal[0, 1] = Field(
        1,
        alias="första_nummer",
        description="Numret på föredragningslistans första punkt: 1 (standard) eller 0.",
    )


class Profile(Frozen):
    """Organisationsprofilen: content/profil.yaml."""

    schema_ref: str | None = Field(None, alias="$schema", description="JSON Schema för editorn.")
    organisation: Organisation = Field(description="Organisationen som ger ut handlingarna.")
    organs: tuple[Organ, ...] = Field(
        alias="organ", min_length=1, description="Nämnder, styrelser och andra instanser."
    )
    diary_formats: tuple[DiarieFormat, ...] = Field(
        alias="diarienummer", min_length=1, description="Tillåtna format för diarienummer."
    )
    decision: DecisionSettings = Field(
        default_factory=DecisionSettings,
        alias="beslut",
        description="Standardstil för beslutspunkter.",
    )
    document_types: dict[DocumentType, DocumentTypeSettings] = Field(
        alias="dokumenttyper", description="Etikett och obligatoriska avsnitt per dokumenttyp."
    )
    page_style: PageStyle = Field(
        PageStyle.PARENTES, alias="sidnumrering", description='Sidnumrering, standard "1 (4)".'
    )
    checks: CheckSettings = Field(
        default_factory=CheckSettings,
        alias="kontroller",
        description="Innehållskontroller i beslut check: nivå per regel och gränsvärden.",
    )
    agenda: AgendaSettings = Field(
        default_factory=AgendaSettings,
        alias="föredragningslista",
        description="Föredragningslistan i kallelsen: numrering från 0 eller 1.",
    )

    def organ(self, organ_id: str) -> Organ | None:
        """Return the organ with this id, or None."""
        return next((o for o in self.organs if o.id == organ_id), None)

    def type_settings(self, doc_type: DocumentType) -> DocumentTypeSettings:
        """Return the settings for a document type, with a sensible default label."""
        found = self.document_types.get(doc_type)
        return found or DocumentTypeSettings.model_validate({"etikett": doc_type.value.upper()})

    def decision_for(self, doc_type: DocumentType) -> DecisionSettings:
        """Return the decision style for a document type (type override, else profile)."""
        return self.type_settings(doc_type).decision or self.decision


# --------------------------------------------------------------------------------------------
# Case files (content/**/*.md with front matter, or *.yaml)
# --------------------------------------------------------------------------------------------


class Person(Frozen):
    """En person: namn och titel, valfritt kontaktuppgifter."""

    name: NonEmpty = Field(
        alias="namn", max_length=100, description="För- och efternamn (högst 100 tecken)."
    )
    title: str | None = Field(None, alias="titel", description="Titel, t.ex. Utredare.")
    phone: str | None = Field(None, alias="telefon", description="Telefonnummer.")
    email: str | None = Field(None, alias="e-post", description="E-postadress.")


class Proposal(Frozen):
    """Förslaget till beslut: vems förslag och beslutspunkterna."""

    lead_in: NonEmpty = Field(
        alias="inledning",
        description='Vems förslag, t.ex. "Förvaltningens förslag till beslut" eller "Regionledningen beslutar".',
    )
    points: tuple[NonEmpty, ...] = Field(
        alias="beslutspunkter",
        min_length=1,
        description="Beslutspunkterna som enkla satser, utan att, numrering och skiljetecken.",
    )
    style: DecisionStyle | None = Field(
        None, alias="stil", description="att-satser eller numrerad (annars profilens stil)."
    )
    punctuation: Punctuation | None = Field(
        None, alias="skiljetecken", description="Skiljetecken för att-satser (annars profilens)."
    )


class Attachment(Frozen):
    """En bilaga: titel och fil (relativ till ärendefilen)."""

    title: NonEmpty = Field(alias="titel", description="Bilagans titel.")
    file: str | None = Field(
        None,
        alias="fil",
        description="Sökväg till filen (PDF, DOCX eller ODT), relativ till ärendefilen.",
    )


class Secrecy(Frozen):
    """Sekretessmarkering enligt offentlighets- och sekretesslagen."""

    provision: NonEmpty = Field(alias="lagrum", description='Lagrum i OSL, t.ex. "25 kap. 1 §".')


class ColumnKind(StrEnum):
    """What a table column holds; decides alignment and formatting."""

    TEXT = "text"
    BELOPP = "belopp"
    TAL = "tal"
    PROCENT = "procent"


class TableColumn(Frozen):
    """En kolumn i en strukturerad tabell."""

    heading: NonEmpty = Field(alias="rubrik", description="Kolumnrubrik.")
    kind: ColumnKind = Field(
        ColumnKind.TEXT, alias="typ", description="text, belopp, tal eller procent."
    )
    unit: Unit | None = Field(
        None, alias="enhet", description="Enhet för belopp: kr, tkr, mnkr, mdkr."
    )
    decimals: int | None = Field(
        None, alias="decimaler", ge=0, le=4, description="Antal decimaler."
    )
    row_sum: bool | None = Field(
        None,
        alias="radsumma",
        description="Kolumnen är summan av radens övriga beloppskolumner och kontrolleras. "
        "Standard: ja för en sista kolumn med rubriken Summa, Totalt eller Total.",
    )

    @property
    def numeric(self) -> bool:
        """Return True for columns that hold numbers (right-aligned, summable)."""
        return self.kind is not ColumnKind.TEXT


Cell = str | int | float | Decimal | None


class StructuredTable(Frozen):
    """En tabell given som data, så att belopp formateras och summor kontrolleras."""

    id: Annotated[str, StringConstraints(pattern=r"^[\w-]+$")] = Field(
        description="Id som texten hänvisar till med ```tabell <id>```."
    )
    caption: str | None = Field(None, alias="rubrik", description="Tabellrubrik (valfri).")
    columns: tuple[TableColumn, ...] = Field(
        alias="kolumner", min_length=1, description="Kolumnerna."
    )
    rows: tuple[tuple[Cell, ...], ...] = Field(
        alias="rader", description="Raderna, en lista per rad."
    )
    sum_label: str | None = Field(
        None,
        alias="summarad",
        description='Etikett för en beräknad summarad, t.ex. "Summa". Utelämna för ingen summarad.',
    )
    stated_sum: tuple[Cell, ...] | None = Field(
        None,
        alias="angiven_summa",
        description="Summan som den står i originalet; beslut kontrollerar att den stämmer.",
    )
    sources: dict[str, str | tuple[str, ...]] = Field(
        default_factory=dict,
        alias="källor",
        description="Rader som sammanfattar andra tabeller: radens etikett → tabellens id (eller "
        "en lista av id). beslut kontrollerar att raden stämmer med tabellernas summor.",
    )

    def column_sums(self) -> list[Decimal | None]:
        """Return the sum of every numeric column (None for text columns)."""
        sums: list[Decimal | None] = []
        for index, column in enumerate(self.columns):
            if not column.numeric:
                sums.append(None)
                continue
            total = Decimal(0)
            for row in self.rows:
                value = row[index] if index < len(row) else None
                if value is not None and not isinstance(value, str):
                    total += Decimal(str(value))
            sums.append(total)
        return sums


class Exemption(Frozen):
    """Ett undantag från en innehållskontroll för hela filen, med skäl."""

    rule: NonEmpty = Field(alias="regel", description="Regelns kod, t.ex. lix.")
    reason: NonEmpty = Field(
        alias="skäl", description="Varför regeln inte gäller här; visas för nästa läsare."
    )


class Case(Frozen):
    """Ett ärende: tjänsteskrivelse, beslutsförslag eller direktiv."""

    schema_ref: str | None = Field(None, alias="$schema", description="JSON Schema för editorn.")
    doc_type: DocumentType = Field(
        alias="typ", description="Dokumenttyp: tjänsteskrivelse, beslutsförslag eller direktiv."
    )
    title: NonEmpty = Field(
        alias="rubrik",
        max_length=200,
        description="Ärendets rubrik (ärendemening), högst 200 tecken.",
    )
    subtitle: str | None = Field(
        None,
        alias="underrubrik",
        max_length=200,
        description="Underrubrik (valfri), högst 200 tecken.",
    )
    diary_number: NonEmpty = Field(
        alias="diarienummer",
        max_length=50,
        description="Diarienummer enligt profilens format, högst 50 tecken.",
    )
    organ: NonEmpty = Field(
        alias="instans", description="Id för nämnden/instansen i profilen, t.ex. hsn."
    )
    date: dt.date = Field(alias="datum", description="Handlingens datum, ÅÅÅÅ-MM-DD.")
    officer: Person = Field(alias="handläggare", description="Handläggaren.")
    responsible: Person | None = Field(
        None, alias="ansvarig", description="Ärendeansvarig chef (valfri)."
    )
    proposal: Proposal = Field(alias="förslag", description="Förslaget till beslut.")
    basis: tuple[NonEmpty, ...] = Field(
        (), alias="beslutsunderlag", description="Handlingar som beslutet grundas på, i ordning."
    )
    attachments: tuple[Attachment, ...] = Field(
        (), alias="bilagor", description="Bilagor, numreras Bilaga 1, 2 …"
    )
    recipients: tuple[NonEmpty, ...] = Field(
        (), alias="delges", description="Vilka beslutet skickas till / delges."
    )
    recipients_heading: Literal[
        "Delges", "Beslutet skickas till", "Protokollsutdrag skickas till"
    ] = Field("Delges", alias="delges_rubrik", description="Rubrik för mottagarlistan.")
    secrecy: Secrecy | None = Field(
        None, alias="sekretess", description="Sekretessmarkering (valfri)."
    )
    signatures: tuple[Person, ...] = Field(
        (), alias="underskrifter", description="Underskrifter i slutet: namn och titel."
    )
    tables: tuple[StructuredTable, ...] = Field(
        (), alias="tabeller", description="Strukturerade tabeller som texten hänvisar till."
    )
    body: str | None = Field(
        None,
        alias="text",
        description="Brödtexten i Markdown, bara i rena YAML-filer (i .md står den efter front matter).",
    )
    exemptions: tuple[Exemption, ...] = Field(
        (),
        alias="undantag",
        description="Innehållskontroller som inte gäller för filen, med skäl (regel och skäl).",
    )


# --------------------------------------------------------------------------------------------
# Meetings (content/**/*.md|yaml with typ: sammanträde)
# --------------------------------------------------------------------------------------------

MEETING_TYPE = "sammanträde"


class ItemKind(StrEnum):
    """Kinds of agenda items."""

    JUSTERARE = "justerare"
    FOREDRAGNINGSLISTA = "föredragningslista"
    DELEGATIONSBESLUT = "delegationsbeslut"
    MEDDELANDEN = "meddelanden"
    INFORMATION = "information"
    BESLUT = "beslut"
    OVRIGT = "övrigt"


PROCEDURAL_TITLES: dict[ItemKind, str] = {
    ItemKind.JUSTERARE: "Val av justerare och tid för justering",
    ItemKind.FOREDRAGNINGSLISTA: "Godkännande av föredragningslista",
    ItemKind.DELEGATIONSBESLUT: "Anmälan av delegationsbeslut",
    ItemKind.MEDDELANDEN: "Meddelanden",
    ItemKind.INFORMATION: "Information",
    ItemKind.OVRIGT: "Övriga frågor",
}


class Papers(StrEnum):
    """Where an agenda item's papers are when they are not a case file in the workspace."""

    LATER = "lämnas_senare"
    """The papers come later: the kallelse and packet are not complete (a warning)."""
    ELSEWHERE = "utanför_arbetsytan"
    """The papers are not in the workspace (another organ's matter, a KF matter)."""


PAPERS_NOTES: dict[Papers, str] = {
    Papers.LATER: "Handlingar lämnas senare.",
    Papers.ELSEWHERE: "Handlingarna ingår inte i utskicket.",
}
"""The line printed under such an item in the kallelse (and its bookmark in the packet)."""


class MeetingAttachment(Frozen):
    """En extra handling till en punkt på föredragningslistan (utöver ärendets egna)."""

    title: NonEmpty = Field(alias="titel", description="Handlingens titel.")
    file: NonEmpty = Field(
        alias="fil", description="Sökväg till filen (PDF, DOCX eller ODT), relativ till mötesfilen."
    )


class AgendaItem(Frozen):
    """En punkt på föredragningslistan."""

    kind: ItemKind = Field(
        alias="typ",
        description="justerare, föredragningslista, delegationsbeslut, meddelanden, information, "
        "beslut eller övrigt.",
    )
    title: str | None = Field(
        None,
        alias="rubrik",
        description="Rubrik (standard för procedurpunkter, ärendets rubrik för beslut; "
        "obligatorisk för ett beslutsärende med ”underlag”).",
    )
    diary_number: str | None = Field(
        None, alias="diarienummer", description="För beslutsärenden: ärendets diarienummer."
    )
    topics: tuple[NonEmpty, ...] = Field(
        (), alias="punkter", description="Informationspunkter, delegationsbeslut eller meddelanden."
    )
    presenter: str | None = Field(None, alias="föredragande", description="Föredragande (valfri).")
    note: str | None = Field(None, alias="notering", description="Kort notering i listan (valfri).")
    secrecy: Secrecy | None = Field(
        None,
        alias="sekretess",
        description="Punkten omfattas av sekretess; handlingarna publiceras inte.",
    )
    public_title: str | None = Field(
        None,
        alias="offentlig_rubrik",
        description="Rubrik i offentliga versioner när punktens handlingar inte publiceras.",
    )
    not_published: bool = Field(
        False,
        alias="publiceras_inte",
        description="Handlingarna publiceras inte på webben (t.ex. personuppgifter), utan sekretess.",
    )
    attachments: tuple[MeetingAttachment, ...] = Field(
        (), alias="handlingar", description="Extra handlingar till punkten, i ordning."
    )
    papers: Papers | None = Field(
        None,
        alias="underlag",
        description="För en punkt utan ärendefil i arbetsytan: lämnas_senare (”Handlingar "
        "lämnas senare” skrivs under punkten, och bygget varnar) eller utanför_arbetsytan "
        "(t.ex. ett ärende för en annan instans eller för fullmäktige). Då krävs ”rubrik”, "
        "”diarienummer” är valfritt och inget ärende hämtas från content/.",
    )
    marker: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = Field(
        None,
        alias="markering",
        description="Markering efter rubriken i kallelsen, t.ex. KF (skrivs ”(KF)”) för ett "
        "ärende som går vidare till kommunfullmäktige.",
    )

    @property
    def has_case(self) -> bool:
        """Return True when the item presents a case file from the workspace."""
        return self.kind is ItemKind.BESLUT and self.papers is None

    @property
    def withheld(self) -> bool:
        """Return True when this item's papers are left out of the public version."""
        return self.secrecy is not None or self.not_published


class Meeting(Frozen):
    """Ett sammanträde: kallelse, föredragningslista och handlingar."""

    schema_ref: str | None = Field(None, alias="$schema", description="JSON Schema för editorn.")
    doc_type: Literal["sammanträde"] = Field(alias="typ", description="Alltid sammanträde.")
    organ: NonEmpty = Field(alias="instans", description="Id för nämnden i profilen, t.ex. hsn.")
    date: dt.date = Field(alias="datum", description="Sammanträdesdag, ÅÅÅÅ-MM-DD.")
    time: Annotated[str, StringConstraints(pattern=r"^([01]?\d|2[0-3])[.:][0-5]\d$")] = Field(
        alias="tid", description='Klockslag, t.ex. "09.00".'
    )
    place: NonEmpty = Field(alias="plats", description="Plats, t.ex. Regionens hus, sal A.")
    chair: Person = Field(alias="ordförande", description="Ordförande.")
    secretary: Person = Field(alias="sekreterare", description="Nämndsekreterare.")
    members: tuple[NonEmpty, ...] = Field(
        (), alias="ledamöter", description="Ledamöter (valfritt)."
    )
    substitutes: tuple[NonEmpty, ...] = Field(
        (), alias="ersättare", description="Ersättare (valfritt)."
    )
    sent: dt.date | None = Field(
        None, alias="utskicksdatum", description="Utskicksdatum (valfritt)."
    )
    items: tuple[AgendaItem, ...] = Field(
        alias="ärenden", min_length=1, description="Punkterna på föredragningslistan, i ordning."
    )
    exemptions: tuple[Exemption, ...] = Field(
        (),
        alias="undantag",
        description="Innehållskontroller som inte gäller för filen, med skäl (regel och skäl).",
    )
