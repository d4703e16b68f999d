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

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.fields import ComputedFieldInfo, FieldInfo
from pydantic_core import PydanticCustomError

from beslut.model.doctype import DocumentType as DocumentType
from beslut.model.formatting import Unit as Unit
from beslut.model.schematext import swedish

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

SCHEMA_REF_HELP = (
    "JSON Schema för editorn (behövs inte: arbetsytans .vscode/settings.json kopplar schemat)."
)


def _yes_no(value: object) -> object:
    """``ja``/``nej`` as written in Swedish, besides YAML's true/false."""
    if isinstance(value, str) and value.strip().casefold() in ("ja", "nej"):
        return value.strip().casefold() == "ja"
    return value


YesNo = Annotated[
    bool, BeforeValidator(_yes_no, json_schema_input_type=bool | Literal["ja", "nej"])
]
"""A yes/no setting: ja, nej, true or false."""


def _key_title(name: str, field: FieldInfo | ComputedFieldInfo) -> str:
    """A key's title in the JSON Schema: the Swedish key as words (er_beteckning → "Er
    beteckning", lix_gräns → "LIX gräns"), so an editor's hover never shows a Python name."""
    key = (field.alias or name).lstrip("$")
    text = " ".join("LIX" if word == "lix" else word for word in key.split("_"))
    return text[:1].upper() + text[1:]


_SLUG_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def slug(text: str) -> str:
    """Return ``text`` as a lower-case ASCII slug for ids and web addresses ("Övriga frågor" →
    "ovriga-fragor")."""
    folded = text.casefold().translate(_SLUG_FOLD)
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


class Frozen(BaseModel):
    """Base for all models: immutable, strict about keys, Swedish aliases.

    A model's Swedish docstring is its description in the JSON Schema, and its
    ``model_config`` title the schema title (tests/test_schema_swedish.py keeps both Swedish).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=False,
        str_strip_whitespace=True,
        field_title_generator=_key_title,
    )


@swedish(
    "Stil för beslutspunkter",
    "Hur beslutspunkterna skrivs: att-satser, numrerade eller onumrerade hela meningar.",
    {
        "att-satser": "Varje punkt börjar med ”att”, med skiljetecken mellan punkterna och "
        "”samt” före den sista.",
        "numrerad": "Numrerade hela meningar som slutar med punkt, t.ex. ”1. Kommunstyrelsen "
        "godkänner …”.",
        "onumrerad": "Hela meningar utan nummer, t.ex. en enda mening ”Kommunstyrelsen "
        "godkänner …”.",
    },
)
class DecisionStyle(StrEnum):
    """How decision points are written."""

    ATT_SATSER = "att-satser"
    NUMRERAD = "numrerad"
    ONUMRERAD = "onumrerad"
    """Full sentences without numbers, e.g. one sentence "Kommunstyrelsen godkänner …"."""


@swedish(
    "Skiljetecken för att-satser",
    "Vilket tecken som står efter varje att-sats utom den sista.",
    {
        "semikolon": "Semikolon efter varje att-sats (standard).",
        "komma": "Komma efter varje att-sats.",
        "ingen": "Inget skiljetecken efter att-satserna.",
    },
)
class Punctuation(StrEnum):
    """Punctuation preset for att-satser (see the conventions, section 2.2)."""

    SEMIKOLON = "semikolon"
    KOMMA = "komma"
    INGEN = "ingen"


@swedish(
    "Sidnumrering",
    "Hur sidnumret skrivs i sidhuvudet; exemplen gäller sidan 1 av 4.",
    {
        "1 (4)": "Sidnumret och antalet sidor inom parentes: 1 (4) (standard).",
        "1(4)": "Som 1 (4) men utan mellanslag: 1(4).",
        "Sida 1 (4)": "Med ordet Sida: Sida 1 (4).",
        "Sida 1 av 4": "Utskrivet: Sida 1 av 4.",
        "1/4": "Med snedstreck: 1/4.",
    },
)
class PageStyle(StrEnum):
    """How page numbers are printed in the header."""

    PARENTES = "1 (4)"
    PARENTES_TAT = "1(4)"
    SIDA_PARENTES = "Sida 1 (4)"
    SIDA_AV = "Sida 1 av 4"
    SNEDSTRECK = "1/4"


@swedish(
    "Datumstil",
    "Hur datumet skrivs i sidhuvudet.",
    {
        "iso": "Med siffror, t.ex. 2022-05-30 (standard).",
        "ord": "Med månadens namn, t.ex. 1 september 2014.",
    },
)
class DateStyle(StrEnum):
    """How the date is written in the header."""

    ISO = "iso"
    ORD = "ord"


@swedish(
    "Fält i sidhuvudet",
    "Ett fält som kan stå i sidhuvudet.",
    {
        "organisation": "Organisationens namn (vänster spalt).",
        "förvaltning": "Förvaltningens namn (vänster spalt).",
        "organ": "Instansens namn, t.ex. nämnden (vänster spalt).",
        "etikett": "Dokumenttypens etikett, t.ex. TJÄNSTESKRIVELSE (mittspalten).",
        "datum": "Handlingens datum (mittspalten).",
        "nummer": "Diarienumret med sin etikett (mittspalten).",
        "er_beteckning": "Motpartens beteckning, om ärendet har en (mittspalten).",
    },
)
class HeaderField(StrEnum):
    """The fields that can stand in the header."""

    ORGANISATION = "organisation"
    FORVALTNING = "förvaltning"
    ORGAN = "organ"
    ETIKETT = "etikett"
    DATUM = "datum"
    NUMMER = "nummer"
    ER_BETECKNING = "er_beteckning"


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
# The recipient heading and the proposal headings a case or profile chooses count as well
# (see ``Profile.generated_headings``).
GENERATED_SECTIONS: tuple[str, ...] = (
    "Beslutsunderlag",
    "Bilagor",
    "Delges",
    "Beslutet skickas till",
    "Beslut sänds till",
    "Expedieras till",
    "Protokollsutdrag skickas till",
    "Förslag till beslut",
    "Förvaltningens förslag till beslut",
    "Ordförandens förslag",
)


# --------------------------------------------------------------------------------------------
# Organisation profile (content/profil.yaml)
# --------------------------------------------------------------------------------------------


class Address(Frozen):
    """Adress- och kontaktblock i sidfoten."""

    model_config = ConfigDict(title="Adress och kontaktuppgifter")

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

    model_config = ConfigDict(title="Utgivande organisation")

    name: NonEmpty = Field(alias="namn", description="Organisationens namn, t.ex. Region Skåne.")
    administration: str | None = Field(
        None, alias="förvaltning", description="Förvaltning som skriver handlingarna (valfri)."
    )
    logo: str | None = Field(
        None,
        alias="logotyp",
        description="Sökväg till logotypen (PNG, JPEG eller SVG), relativ till arbetsytan, "
        "t.ex. content/bilder/logotyp.png (valfri). Står i sidhuvudet på första sidan.",
    )
    logo_alt: str | None = Field(
        None,
        alias="logotyp_alt",
        description='Alternativtext för logotypen (standard "<organisationens namn> logotyp").',
    )
    address: Address = Field(
        default_factory=Address, alias="adress", description="Adressblocket i sidfoten."
    )


class Organ(Frozen):
    """En nämnd, styrelse eller annan instans som fattar beslut."""

    model_config = ConfigDict(title="Instans (nämnd eller styrelse)")

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = Field(
        description="Kort id som används i ärendefiler, t.ex. hsn (små bokstäver a–z, siffror)."
    )
    name: NonEmpty = Field(
        alias="namn", description="Fullständigt namn, t.ex. Hälso- och sjukvårdsnämnden."
    )
    short: NonEmpty = Field(alias="kortnamn", description="Kortform, t.ex. HSN.")
    administration: str | None = Field(
        None,
        alias="förvaltning",
        description="Id för förvaltningen under ”förvaltningar” som betjänar organet; dess namn, "
        "adress, logotyp och sidhuvud används för organets ärenden och kallelser (standard: "
        "”organisation”).",
    )
    first_paragraph: int = Field(
        1,
        alias="första_paragraf",
        ge=1,
        le=99999,
        description="Paragrafnumret i instansens första protokoll för året när arbetsytan inte "
        "har något tidigare protokoll samma år (standard 1); därefter fortsätter numren.",
    )


class HeaderSettings(Frozen):
    """Sidhuvud och metadatablock.

    Varje nyckel som utelämnas ärvs. Ordningen, där det senare vinner: beslut standard,
    profilens ”sidnumrering” (föråldrad), profilens ”sidhuvud”, dokumenttypens
    ”dokumenttyper.<typ>.sidhuvud” och sist förvaltningens ”förvaltningar[].sidhuvud”.
    """

    model_config = ConfigDict(title="Sidhuvud och metadatablock")

    number_label: str | None = Field(
        None,
        alias="nummeretikett",
        description="Etikett före ärendets nummer: Diarienummer (standard), Ärendenummer, Dnr "
        "eller Vår beteckning (ett ärendes er_beteckning visas då som ”Er beteckning”). "
        "Tom text ger numret utan etikett i sidhuvudet.",
    )
    date_label: str | None = Field(
        None,
        alias="datumetikett",
        description="Etikett före datumet i sidhuvudet, standard Datum (tom text: bara datumet).",
    )
    date_style: DateStyle | None = Field(
        None,
        alias="datumstil",
        description='Datum i sidhuvudet: iso ("2022-05-30", standard) eller ord '
        '("1 september 2014").',
    )
    page_style: PageStyle | None = Field(
        None,
        alias="sidnumrering",
        description='Sidnumrering: "1 (4)" (standard), "1(4)", "Sida 1 (4)", "Sida 1 av 4" '
        'eller "1/4".',
    )
    fields: tuple[HeaderField, ...] | None = Field(
        None,
        alias="fält",
        description="Fälten i sidhuvudet, i valfri ordning: organisation, förvaltning, organ "
        "(vänster spalt), etikett, datum, nummer, er_beteckning (mittspalten). Standard: alla.",
    )
    metadata: bool | None = Field(
        None,
        alias="metadatablock",
        description="Skriv raderna Diarienummer, Datum och Handläggare under rubriken "
        "(standard ja).",
    )


class Administration(Frozen):
    """En förvaltning (eller annan enhet) med eget brevhuvud: namn, adress, logotyp, sidhuvud."""

    model_config = ConfigDict(title="Förvaltning med eget brevhuvud")

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = Field(
        description="Kort id som organen hänvisar till med ”förvaltning”, t.ex. klk "
        "(små bokstäver a–z, siffror)."
    )
    name: NonEmpty = Field(
        alias="namn", description="Förvaltningens namn, t.ex. Kommunledningskontoret."
    )
    organisation: str | None = Field(
        None,
        alias="organisation",
        description="Organisationens namn om den är en annan än profilens ”organisation”, "
        "t.ex. Hedelunda kommun. Då ärvs varken adress eller logotyp från ”organisation”.",
    )
    address: Address | None = Field(
        None,
        alias="adress",
        description="Adressblocket i sidfoten (annars organisationens, om förvaltningen hör "
        "till samma organisation).",
    )
    logo: str | None = Field(
        None,
        alias="logotyp",
        description="Sökväg till logotypen (PNG, JPEG eller SVG), relativ till arbetsytan "
        "(annars organisationens, om förvaltningen hör till samma organisation).",
    )
    logo_alt: str | None = Field(
        None,
        alias="logotyp_alt",
        description='Alternativtext för logotypen (standard "<organisationens namn> logotyp").',
    )
    header: HeaderSettings | None = Field(
        None,
        alias="sidhuvud",
        description="Sidhuvud för förvaltningens handlingar; vinner över profilens och "
        "dokumenttypens.",
    )


class DiarieFormat(Frozen):
    """Ett tillåtet format för diarienummer."""

    model_config = ConfigDict(title="Format för diarienummer")

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

    model_config = ConfigDict(title="Inställningar för beslutspunkter")

    style: DecisionStyle = Field(
        DecisionStyle.NUMRERAD,
        alias="stil",
        description="att-satser, numrerad (numrerade hela meningar) eller onumrerad (hela "
        "meningar utan nummer).",
    )
    punctuation: Punctuation = Field(
        Punctuation.SEMIKOLON,
        alias="skiljetecken",
        description="Skiljetecken för att-satser: semikolon, komma eller ingen.",
    )
    numbered: YesNo = Field(
        False,
        alias="numrera",
        description="Numrera att-satserna (att 1, att 2 …), som i en motion. Standard nej.",
    )
    heading: str | None = Field(
        None,
        alias="rubrik",
        max_length=200,
        description='Rubrik över förslaget, t.ex. "Förslag till beslut", "Förvaltningens förslag '
        'till beslut" eller "Ordförandens förslag" (standard: ingen rubrik).',
    )


class Person(Frozen):
    """En person: namn och titel, valfritt kontaktuppgifter."""

    model_config = ConfigDict(title="Person (namn och titel)")

    name: NonEmpty = Field(
        alias="namn", max_length=100, description="För- och efternamn (högst 100 tecken)."
    )
    title: str | None = Field(None, alias="titel", description="Titel, t.ex. Utredare.")
    phone: str | None = Field(None, alias="telefon", description="Telefonnummer.")
    email: str | None = Field(None, alias="e-post", description="E-postadress.")


@swedish(
    "Avsnitt i avslutningen",
    "Ett av avsnitten efter brödtexten.",
    {
        "beslutsunderlag": "Listan över handlingar som beslutet grundas på.",
        "bilagor": "Listan över bilagor.",
        "mottagare": "Vilka beslutet skickas till (Delges eller profilens mottagarrubrik).",
        "underskrifter": "Underskrifterna: namn och titel.",
        "efterskrift": "Ärendets efterskrift, om det har en.",
    },
)
class ClosingSection(StrEnum):
    """The blocks after the body text, in the order the profile gives."""

    BESLUTSUNDERLAG = "beslutsunderlag"
    BILAGOR = "bilagor"
    MOTTAGARE = "mottagare"
    UNDERSKRIFTER = "underskrifter"
    EFTERSKRIFT = "efterskrift"


@swedish(
    "Listform",
    "Hur en genererad lista, t.ex. beslutsunderlaget, skrivs.",
    {
        "rader": "En handling per rad, utan nummer eller punkter (standard).",
        "numrerad": "Numrerad lista: 1, 2, 3 …",
        "punktlista": "Punktlista.",
    },
)
class ListStyle(StrEnum):
    """How a generated list (Beslutsunderlag) is printed."""

    RADER = "rader"
    NUMRERAD = "numrerad"
    PUNKTLISTA = "punktlista"


@swedish(
    "Underskrifternas plats",
    "Var underskrifterna står i handlingen.",
    {
        "slutet": "I avslutningen, på den plats som ordningen anger (standard).",
        "efter förslaget": "Direkt efter förslaget till beslut.",
    },
)
class SignaturePlace(StrEnum):
    """Where the signatures stand."""

    SLUTET = "slutet"
    EFTER_FORSLAGET = "efter förslaget"


class ClosingSettings(Frozen):
    """Avslutningen: ordning, rubriker och listform för avsnitten efter brödtexten."""

    model_config = ConfigDict(title="Avslutning")

    order: tuple[ClosingSection, ...] = Field(
        tuple(ClosingSection),
        alias="ordning",
        description="Ordningen för beslutsunderlag, bilagor, mottagare, underskrifter och "
        "efterskrift. Avsnitt som inte står med kommer sist i standardordningen.",
    )
    recipients_heading: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        "Delges",
        alias="mottagarrubrik",
        description='Rubrik för mottagarlistan, t.ex. "Delges", "Beslut sänds till" eller '
        '"Expedieras till" (standard Delges).',
    )
    basis_list: ListStyle = Field(
        ListStyle.RADER,
        alias="beslutsunderlag",
        description="Beslutsunderlaget som rader, numrerad lista eller punktlista (standard rader).",
    )
    signature_place: SignaturePlace = Field(
        SignaturePlace.SLUTET,
        alias="underskrifter_placering",
        description='Var underskrifterna står: "slutet" (enligt ordning) eller "efter förslaget".',
    )
    signature_order: tuple[NonEmpty, ...] = Field(
        (),
        alias="underskrifter_ordning",
        description="Titlar i den ordning underskrifterna ska stå, t.ex. [Ordförande, "
        "Förvaltningschef]; övriga följer i ärendets ordning.",
    )
    default_signatures: tuple[Person, ...] = Field(
        (),
        alias="underskrifter",
        description="Underskrifter när ärendet inte anger några (namn och titel).",
    )

    @field_validator("order")
    @classmethod
    def _unique(cls, value: tuple[ClosingSection, ...]) -> tuple[ClosingSection, ...]:
        seen = [v for i, v in enumerate(value) if v in value[:i]]
        if seen:
            raise ValueError(f"”{seen[0].value}” står två gånger i ordningen")
        return value

    def sections(self) -> tuple[ClosingSection, ...]:
        """The closing sections in print order: the profile's order, then the rest."""
        return (*self.order, *(s for s in ClosingSection if s not in self.order))


class DocumentTypeSettings(Frozen):
    """Inställningar för en dokumenttyp."""

    model_config = ConfigDict(title="Inställningar för en dokumenttyp")

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
    header: HeaderSettings | None = Field(
        None,
        alias="sidhuvud",
        description="Sidhuvud för dokumenttypen; vinner över profilens ”sidhuvud”, men en "
        "förvaltnings ”sidhuvud” vinner över det.",
    )
    officer_required: YesNo = Field(
        True,
        alias="handläggare_krävs",
        description="Ärendet måste ange handläggare (standard ja; nej t.ex. för ordförandens "
        "förslag).",
    )
    closing: ClosingSettings | None = Field(
        None,
        alias="avslutning",
        description="Avslutningen för just denna typ (annars profilens).",
    )


@swedish(
    "Nivå för en kontroll",
    "Vad beslut check gör när regeln hittar något.",
    {
        "av": "Regeln körs inte.",
        "varning": "En varning; handlingarna byggs ändå.",
        "fel": "Ett fel; handlingarna byggs inte förrän det är rättat.",
    },
)
class RuleLevel(StrEnum):
    """What a content-check rule does when it finds something."""

    AV = "av"
    VARNING = "varning"
    FEL = "fel"


class CheckSettings(Frozen):
    """Innehållskontroller: nivå per regel och gränsvärden (se ”beslut check --regler”)."""

    model_config = ConfigDict(title="Innehållskontroller")

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

    model_config = ConfigDict(title="Numrering av föredragningslistan")

    first_number: Literal[0, 1] = Field(
        1,
        alias="första_nummer",
        description="Numret på föredragningslistans första punkt: 1 (standard) eller 0.",
    )


class MinutesSettings(Frozen):
    """Protokollen: var de förvaras och hur ett utdrag bestyrks."""

    model_config = ConfigDict(title="Protokoll")

    kept_at: str | None = Field(
        None,
        alias="förvaringsplats",
        description="Var protokollen förvaras, t.ex. Regionkansliet (annars förvaltningens "
        "eller organisationens namn).",
    )
    certification: NonEmpty = Field(
        "Rätt utdraget intygar",
        alias="utdragsbestyrkande",
        description="Frasen i protokollsutdragets bestyrkande (standard ”Rätt utdraget intygar”).",
    )


class Profile(Frozen):
    """Organisationsprofilen: content/profil.yaml."""

    model_config = ConfigDict(title="Organisationsprofil i beslut")

    schema_ref: str | None = Field(None, alias="$schema", description=SCHEMA_REF_HELP)
    organisation: Organisation = Field(description="Organisationen som ger ut handlingarna.")
    language: str = Field(
        "sv-SE",
        alias="språk",
        json_schema_extra={"pattern": "^[a-z]{2,3}(-[A-Z]{2})?$"},
        description="Språket för handlingspaketen och bilagorna, som språkkod (standard sv-SE). "
        "Handlingspaketen märks med det, och bilagor i Word- eller ODT-format får det när de "
        "konverteras till PDF, om de inte själva anger ett annat språk med avsikt (en-US med "
        "engelsk text, de-DE, en-GB …). Ärendena och kallelsen skrivs med mallarnas svenska "
        "rubriker och är alltid märkta sv-SE.",
    )
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
    administrations: tuple[Administration, ...] = Field(
        (),
        alias="förvaltningar",
        description="Förvaltningar med eget brevhuvud (namn, adress, logotyp, sidhuvud); ett "
        "organ väljer sin med ”förvaltning”. Utan den gäller ”organisation”.",
    )
    header: HeaderSettings = Field(
        default_factory=HeaderSettings,
        alias="sidhuvud",
        description="Sidhuvud och metadatablock för alla handlingar. Varje nyckel som utelämnas "
        "ärvs; ordningen, där det senare vinner: beslut standard, ”sidnumrering” (föråldrad), "
        "”sidhuvud”, ”dokumenttyper.<typ>.sidhuvud”, ”förvaltningar[].sidhuvud”.",
    )
    page_style: PageStyle | None = Field(
        None,
        alias="sidnumrering",
        description='Föråldrad: skriv sidhuvud.sidnumrering. Sidnumrering, standard "1 (4)".',
    )
    checks: CheckSettings = Field(
        default_factory=CheckSettings,
        alias="kontroller",
        description="Innehållskontroller i beslut check: nivå per regel och gränsvärden.",
    )
    closing: ClosingSettings = Field(
        default_factory=ClosingSettings,
        alias="avslutning",
        description="Avslutningen: ordning för beslutsunderlag, bilagor, mottagare, underskrifter "
        "och efterskrift, mottagarrubrik, listform och underskrifternas plats.",
    )
    agenda: AgendaSettings = Field(
        default_factory=AgendaSettings,
        alias="föredragningslista",
        description="Föredragningslistan i kallelsen: numrering från 0 eller 1.",
    )
    minutes: MinutesSettings = Field(
        default_factory=MinutesSettings,
        alias="protokoll",
        description="Protokollen: förvaringsplats och utdragsbestyrkande.",
    )

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", value):
            raise ValueError(
                f"”{value}” är ingen språkkod; skriv språket med små och landet med stora "
                "bokstäver, t.ex. sv-SE, fi-FI eller en-GB"
            )
        return value

    def closing_for(self, doc_type: DocumentType) -> ClosingSettings:
        """Return the closing settings for a document type (type override, else profile)."""
        return self.type_settings(doc_type).closing or self.closing

    def organ(self, organ_id: str) -> Organ | None:
        """Return the organ with this id, or None."""
        return next((o for o in self.organs if o.id == organ_id), None)

    def administration(self, administration_id: str) -> Administration | None:
        """Return the förvaltning with this id, or None."""
        return next((a for a in self.administrations if a.id == administration_id), None)

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


def _point_group(value: object) -> object:
    """A decision point written as plain text is a point without a list."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # "- 2026" is text too
    return {"punkt": value} if isinstance(value, str) else value


def _one_or_more(value: object) -> object:
    """One person written as a group is a list of one."""
    return [value] if isinstance(value, dict) else value


class DecisionPoint(Frozen):
    """En beslutspunkt med en punktlista, t.ex. en fördelning av medel."""

    model_config = ConfigDict(title="Beslutspunkt med punktlista")

    text: NonEmpty = Field(
        alias="punkt",
        description="Beslutspunkten som enkel sats, utan att, numrering och skiljetecken.",
    )
    items: tuple[NonEmpty, ...] = Field(
        (),
        alias="lista",
        description="Punktlista som hör till beslutspunkten (skrivs med punkter under den).",
    )


Points = tuple[
    Annotated[
        DecisionPoint,
        BeforeValidator(_point_group, json_schema_input_type=NonEmpty | DecisionPoint),
    ],
    ...,
]


NO_POINTS = (
    "Förslaget har inga beslutspunkter. Skriv minst en beslutspunkt under ”beslutspunkter:”, "
    "en per rad som börjar med -, eller dela upp förslaget i ”block:”."
)


class _ProposalStyle(Frozen):
    """What a proposal and each of its blocks may set about how the points are written."""

    style: DecisionStyle | None = Field(
        None,
        alias="stil",
        description="att-satser, numrerad eller onumrerad (hela meningar utan nummer; annars "
        "profilens stil).",
    )
    punctuation: Punctuation | None = Field(
        None, alias="skiljetecken", description="Skiljetecken för att-satser (annars profilens)."
    )
    numbered: YesNo | None = Field(
        None,
        alias="numrera",
        description="Numrera att-satserna: att 1, att 2 … (annars profilens val).",
    )
    decider: str | None = Field(
        None,
        alias="beslutande",
        max_length=200,
        description='Vem som fattar beslutet, t.ex. "Regionfullmäktige" när nämnden föreslår '
        "fullmäktige något (annars ärendets instans); numrerade meningar ska börja med den.",
    )


class ProposalBlock(_ProposalStyle):
    """Ett block i förslaget, t.ex. förslaget till fullmäktige eller beslutet för egen del."""

    model_config = ConfigDict(title="Block i förslaget")

    heading: str | None = Field(
        None,
        alias="rubrik",
        max_length=200,
        description='Blockets rubrik, t.ex. "Kommunstyrelsens förslag till kommunfullmäktige".',
    )
    lead_in: str | None = Field(
        None,
        alias="inledning",
        max_length=300,
        description='Inledning, t.ex. "Kommunstyrelsen föreslår att kommunfullmäktige beslutar '
        'följande:".',
    )
    points: Points = Field(
        alias="beslutspunkter",
        min_length=1,
        description="Blockets beslutspunkter (numreras för sig).",
    )


class Proposal(_ProposalStyle):
    """Förslaget till beslut: rubrik, vems förslag och beslutspunkterna, eller flera block."""

    model_config = ConfigDict(title="Förslag till beslut")

    heading: str | None = Field(
        None,
        alias="rubrik",
        max_length=200,
        description='Rubrik över förslaget, t.ex. "Förslag till beslut" eller "Ordförandens '
        'förslag" (annars profilens beslut.rubrik).',
    )
    lead_in: str | None = Field(
        None,
        alias="inledning",
        max_length=300,
        description='Vems förslag, t.ex. "Förvaltningens förslag till beslut" eller '
        '"Regionledningen beslutar" (valfri).',
    )
    points: Points = Field(
        (),
        alias="beslutspunkter",
        description="Beslutspunkterna som enkla satser, utan att, numrering och skiljetecken; en "
        "punkt kan också vara en grupp med punkt och lista.",
    )
    blocks: tuple[ProposalBlock, ...] = Field(
        (),
        alias="block",
        description="Förslaget i flera block med egna rubriker och egen numrering, t.ex. "
        "förslaget till fullmäktige och beslutet för egen del (i stället för beslutspunkter).",
    )

    @model_validator(mode="after")
    def _points_or_blocks(self) -> Proposal:
        if self.points and self.blocks:
            raise ValueError(
                "skriv beslutspunkterna antingen under ”beslutspunkter” eller i ”block”, inte båda"
            )
        if not self.points and not self.blocks:
            raise PydanticCustomError("inga_beslutspunkter", NO_POINTS)
        return self

    @field_validator("points")
    @classmethod
    def _some_points(cls, value: tuple[DecisionPoint, ...]) -> tuple[DecisionPoint, ...]:
        if not value:  # written as an empty list (the default is not validated)
            raise PydanticCustomError("inga_beslutspunkter", NO_POINTS)
        return value

    def parts(self) -> tuple[tuple[tuple[str | int, ...], ProposalBlock], ...]:
        """Each block with its key path in the file; the plain form is one block."""
        if self.blocks:
            return tuple((("block", i), b) for i, b in enumerate(self.blocks))
        plain = ProposalBlock.model_construct(
            style=self.style,
            punctuation=self.punctuation,
            numbered=self.numbered,
            decider=self.decider,
            heading=None,
            lead_in=self.lead_in,
            points=self.points,
        )
        return (((), plain),)

    def all_points(self) -> tuple[DecisionPoint, ...]:
        """Every decision point of every block, in order."""
        return tuple(p for _, block in self.parts() for p in block.points)


class Attachment(Frozen):
    """En bilaga: titel och fil (relativ till ärendefilen)."""

    model_config = ConfigDict(title="Bilaga")

    title: NonEmpty = Field(alias="titel", description="Bilagans titel.")
    file: str | None = Field(
        None,
        alias="fil",
        description="Sökväg till filen (PDF, DOCX eller ODT), relativ till ärendefilen.",
    )


class Secrecy(Frozen):
    """Sekretessmarkering enligt offentlighets- och sekretesslagen."""

    model_config = ConfigDict(title="Sekretessmarkering")

    provision: NonEmpty = Field(alias="lagrum", description='Lagrum i OSL, t.ex. "25 kap. 1 §".')


@swedish(
    "Kolumntyp",
    "Vad kolumnen innehåller; avgör justering och hur talen skrivs.",
    {
        "text": "Text, vänsterjusterad (standard).",
        "belopp": "Belopp, högerjusterade och formaterade i kolumnens enhet, t.ex. tkr.",
        "tal": "Tal, högerjusterade.",
        "procent": "Procenttal, högerjusterade.",
    },
)
class ColumnKind(StrEnum):
    """What a table column holds; decides alignment and formatting."""

    TEXT = "text"
    BELOPP = "belopp"
    TAL = "tal"
    PROCENT = "procent"


class TableColumn(Frozen):
    """En kolumn i en strukturerad tabell."""

    model_config = ConfigDict(title="Tabellkolumn")

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


_WRITTEN_NUMBER = re.compile(
    r"^[-\u2212\u2013+]?\s?\d{1,3}(?:[ \u00a0]?\d{3})*(?:[.,]\d+)?$|^[-\u2212\u2013+]?\s?\d+(?:[.,]\d+)?$"
)


def cell_number(cell: Cell) -> Decimal | None:
    """Return a cell's number: ints and floats, and numbers written as text ("6,0", "−3",
    "1 300,50"); None for an empty cell or other text."""
    if cell is None or isinstance(cell, bool):
        return None
    if not isinstance(cell, str):
        return Decimal(str(cell))
    written = written_decimals(cell)
    if written is None:
        return None
    text = re.sub(r"[\s\u00a0]", "", cell).replace("\u2212", "-").replace("\u2013", "-")
    return Decimal(text.replace(",", "."))


def written_decimals(cell: Cell) -> int | None:
    """Return the number of decimals a number written as text has ("6,0" → 1), or None when the
    cell is not a number written as text. Such a value keeps its decimals when printed."""
    if not isinstance(cell, str) or not _WRITTEN_NUMBER.match(cell.strip()):
        return None
    text = cell.strip()
    for mark in (",", "."):
        if mark in text:
            return len(text.rsplit(mark, 1)[1])
    return 0


class SpecialRow(Frozen):
    """En rad som inte är data: en beskrivande rad över hela bredden eller en delsumma."""

    model_config = ConfigDict(title="Beskrivande rad eller delsumma")

    description: str | None = Field(
        None,
        alias="beskrivning",
        description="Text över hela tabellens bredd, t.ex. en avsnittsrubrik inne i tabellen.",
    )
    subtotal: str | None = Field(
        None,
        alias="delsumma",
        description="Etikett för en delsumma av raderna sedan förra delsumman eller beskrivande raden, t.ex. "
        '"Summa hälso- och sjukvårdsförvaltningen". beslut räknar ut den.',
    )
    stated: tuple[Cell, ...] | None = Field(
        None,
        alias="angiven",
        description="Delsumman som den står i originalet; beslut kontrollerar att den stämmer.",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> SpecialRow:
        if (self.description is None) == (self.subtotal is None):
            raise ValueError(
                "En särskild rad har antingen beskrivning eller delsumma, inte båda och inte "
                "ingen av dem"
            )
        if self.stated is not None and self.subtotal is None:
            raise ValueError("angiven hör till en delsumma; skriv också delsumma: <etikett>")
        return self


def _row_kind(value: object) -> str:
    return "tagged-särskild" if isinstance(value, dict | SpecialRow) else "tagged-rad"


Row = Annotated[
    Annotated[tuple[Cell, ...], Tag("tagged-rad")] | Annotated[SpecialRow, Tag("tagged-särskild")],
    Discriminator(_row_kind),
]
"""A table row: a list of cells, or a description or subtotal row."""


class StructuredTable(Frozen):
    """En tabell given som data, så att belopp formateras och summor kontrolleras."""

    model_config = ConfigDict(title="Strukturerad tabell")

    id: Annotated[str, StringConstraints(pattern=r"^[\w-]+$")] = Field(
        description="Id som texten hänvisar till med ```tabell <id>```."
    )
    caption: str | None = Field(None, alias="rubrik", description="Tabellrubrik (valfri).")
    columns: tuple[TableColumn, ...] = Field(
        alias="kolumner", min_length=1, description="Kolumnerna: rubrik, typ, enhet och decimaler."
    )
    rows: tuple[Row, ...] = Field(
        alias="rader",
        description="Raderna, en lista per rad. Ett tal kan skrivas som text för att behålla "
        'sina decimaler ("6,0"). En rad kan också vara {beskrivning: text} (en rad över hela '
        "bredden) eller {delsumma: etikett} (summan av raderna sedan förra delsumman eller "
        "beskrivande raden).",
    )
    sum_label: str | None = Field(
        None,
        alias="summarad",
        description='Etikett för en beräknad summarad, t.ex. "Summa". Utelämna för ingen summarad.',
    )
    sum_comment: str | None = Field(
        None,
        alias="summarad_kommentar",
        description='Text i summaraden, t.ex. "Ej förbrukade medel återlämnas!". Står i '
        "tabellens sista textkolumn (efter etiketten).",
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

    def data_rows(self) -> list[tuple[int, tuple[Cell, ...]]]:
        """Return (index in ``rader``, row) for the rows holding data (not descriptions or
        subtotals)."""
        return [(i, row) for i, row in enumerate(self.rows) if isinstance(row, tuple)]

    def column_sums(self, rows: list[tuple[Cell, ...]] | None = None) -> list[Decimal | None]:
        """Return the sum of every numeric column (None for text columns), over ``rows`` or
        every data row."""
        chosen = [row for _, row in self.data_rows()] if rows is None else rows
        sums: list[Decimal | None] = []
        for index, column in enumerate(self.columns):
            if not column.numeric:
                sums.append(None)
                continue
            total = Decimal(0)
            for row in chosen:
                value = cell_number(row[index]) if index < len(row) else None
                if value is not None:
                    total += value
            sums.append(total)
        return sums

    def subtotals(self) -> dict[int, list[Decimal | None]]:
        """Return, per subtotal row's index, the column sums of the data rows since the
        previous subtotal or description row (or the start of the table)."""
        found: dict[int, list[Decimal | None]] = {}
        since: list[tuple[Cell, ...]] = []
        for index, row in enumerate(self.rows):
            if isinstance(row, tuple):
                since.append(row)
                continue
            if row.subtotal is not None:
                found[index] = self.column_sums(since)
            since = []
        return found


class Exemption(Frozen):
    """Ett undantag från en innehållskontroll för hela filen, med skäl."""

    model_config = ConfigDict(title="Undantag från en kontroll")

    rule: NonEmpty = Field(alias="regel", description="Regelns kod, t.ex. lix.")
    reason: NonEmpty = Field(
        alias="skäl", description="Varför regeln inte gäller här; visas för nästa läsare."
    )


class Case(Frozen):
    """Ett ärende: tjänsteskrivelse, beslutsförslag eller direktiv."""

    model_config = ConfigDict(title="Ärende i beslut")

    schema_ref: str | None = Field(None, alias="$schema", description=SCHEMA_REF_HELP)
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
    their_reference: str | None = Field(
        None,
        alias="er_beteckning",
        max_length=100,
        description="Motpartens beteckning på ärendet (valfri), t.ex. när profilens nummeretikett "
        "är Vår beteckning; visas som ”Er beteckning” i sidhuvudet och under rubriken.",
    )
    officers: Annotated[
        tuple[Person, ...],
        BeforeValidator(_one_or_more, json_schema_input_type=Person | list[Person]),
    ] = Field(
        (),
        alias="handläggare",
        description="Handläggaren, eller en lista av handläggare (namn, titel, telefon, e-post). "
        "Krävs om inte profilen säger handläggare_krävs: nej för dokumenttypen.",
    )
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
    recipients_heading: str | None = Field(
        None,
        alias="delges_rubrik",
        min_length=1,
        max_length=100,
        description='Rubrik för mottagarlistan, t.ex. "Beslut sänds till" eller "Expedieras '
        'till" (annars profilens avslutning.mottagarrubrik).',
    )
    secrecy: Secrecy | None = Field(
        None, alias="sekretess", description="Sekretessmarkering (valfri)."
    )
    signatures: tuple[Person, ...] = Field(
        (),
        alias="underskrifter",
        description="Underskrifter: namn och titel (plats och ordning enligt profilens "
        "avslutning).",
    )
    postscript: str | None = Field(
        None,
        alias="efterskrift",
        max_length=20000,
        description="Text efter underskrifterna, i Markdown (valfri).",
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

    @property
    def officer(self) -> Person | None:
        """The first handläggare, or None."""
        return self.officers[0] if self.officers else None


# --------------------------------------------------------------------------------------------
# Meetings (content/**/*.md|yaml with typ: sammanträde)
# --------------------------------------------------------------------------------------------

MEETING_TYPE = "sammanträde"


@swedish(
    "Typ av punkt",
    "Vilken sorts punkt det är på föredragningslistan.",
    {
        "justerare": "Val av justerare och tid för justering.",
        "föredragningslista": "Godkännande av föredragningslistan.",
        "delegationsbeslut": "Anmälan av delegationsbeslut (lista dem under punkter).",
        "meddelanden": "Meddelanden (lista dem under punkter).",
        "information": "Information, t.ex. från förvaltningen (lista ämnena under punkter).",
        "beslut": "Ett beslutsärende; ärendefilen hämtas med diarienumret.",
        "övrigt": "Övriga frågor.",
    },
)
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


def item_title(item: AgendaItem, case: Case | None) -> str:
    """Return an agenda item's internal title: its own, its case's, or the procedural default."""
    if item.title:
        return item.title
    if case is not None:
        return case.title
    return PROCEDURAL_TITLES.get(item.kind, item.kind.value.capitalize())


@swedish(
    "Underlag utanför arbetsytan",
    "Var handlingarna finns när punkten inte har någon ärendefil i arbetsytan.",
    {
        "lämnas_senare": "Handlingarna lämnas senare: kallelsen och handlingarna är inte "
        "kompletta, och bygget varnar.",
        "utanför_arbetsytan": "Handlingarna finns inte i arbetsytan, t.ex. en annan instans "
        "ärende eller ett ärende för fullmäktige.",
    },
)
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

    model_config = ConfigDict(title="Extra handling till en punkt")

    title: NonEmpty = Field(alias="titel", description="Handlingens titel.")
    file: NonEmpty = Field(
        alias="fil", description="Sökväg till filen (PDF, DOCX eller ODT), relativ till mötesfilen."
    )


class AgendaItem(Frozen):
    """En punkt på föredragningslistan."""

    model_config = ConfigDict(title="Punkt på föredragningslistan")

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

    supplement: dt.date | None = Field(
        None,
        alias="tillägg",
        description="Datum för tilläggslistan, ÅÅÅÅ-MM-DD, när punkten lades till efter att "
        "kallelsen skickats. Punkter med tillägg står sist i listan och får nästa nummer; de "
        "står i tilläggslistan, inte i kallelsen.",
    )

    @property
    def stable_id(self) -> str:
        """The item's id in manifests and on the public website (unique per meeting only after
        :meth:`Meeting.item_ids`): the diarienummer, else the kind and a slug of the title."""
        if self.diary_number:
            return self.diary_number
        if self.title:
            return f"{self.kind.value}-{slug(self.title)}"
        return self.kind.value

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

    model_config = ConfigDict(title="Sammanträde i beslut")

    schema_ref: str | None = Field(None, alias="$schema", description=SCHEMA_REF_HELP)
    doc_type: Literal["sammanträde"] = Field(
        alias="typ", description="Alltid sammanträde: filen är ett sammanträde, inte ett ärende."
    )
    organ: NonEmpty = Field(alias="instans", description="Id för nämnden i profilen, t.ex. hsn.")
    date: dt.date = Field(alias="datum", description="Sammanträdesdag, ÅÅÅÅ-MM-DD.")
    time: Annotated[str, StringConstraints(pattern=r"^([01]?\d|2[0-3])[.:][0-5]\d$")] = Field(
        alias="tid", description='Klockslag, t.ex. "09.00".'
    )
    place: NonEmpty = Field(alias="plats", description="Plats, t.ex. Regionens hus, sal A.")
    chair: Person = Field(
        alias="ordförande", description="Sammanträdets ordförande (namn och titel)."
    )
    secretary: Person = Field(
        alias="sekreterare",
        description="Sammanträdets sekreterare, oftast nämndsekreteraren (namn och titel).",
    )
    members: tuple[NonEmpty, ...] = Field(
        (),
        alias="ledamöter",
        description="Ledamöter, en per rad, t.ex. Anna Andersson (S), ordförande (valfritt).",
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

    @property
    def sent_items(self) -> tuple[AgendaItem, ...]:
        """The items of the kallelse as it was sent (those without ``tillägg``)."""
        return tuple(i for i in self.items if i.supplement is None)

    @property
    def supplements(self) -> tuple[AgendaItem, ...]:
        """The items added by a tilläggslista (``tillägg``), after the kallelse's items."""
        return tuple(i for i in self.items if i.supplement is not None)

    def as_sent(self) -> Meeting:
        """Return the meeting as the kallelse was sent: without its supplement items."""
        return self.model_copy(update={"items": self.sent_items})

    def item_ids(self) -> tuple[str, ...]:
        """Return each item's id, in order: :attr:`AgendaItem.stable_id`, with "-2", "-3"
        appended to a repeated one (two "Information" items, say)."""
        seen: dict[str, int] = {}
        ids = []
        for item in self.items:
            base = item.stable_id
            seen[base] = seen.get(base, 0) + 1
            ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
        return tuple(ids)
