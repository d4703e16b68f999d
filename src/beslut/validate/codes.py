"""Every diagnostic code ``beslut check`` reports, and the profile's levels for them.

The content checks are listed in :mod:`.checks.catalogue` (``RULES``); this module lists the
codes the load and validate stages report (reading files, keys and values, tables, sections,
attachments, meetings, the profile's own settings) and applies ``kontroller.regler`` from the
profile to every diagnostic of a workspace in one place (:func:`apply_levels`, called once at the
end of :func:`beslut.validate.workspace.load_workspace`).

Some codes can never be lowered (``av`` or ``varning`` for an error), because lowering them
would let something wrong be built or published: a file that cannot be read or validated, a
missing attachment or case, personal data, secrecy, a case with errors on an agenda. Setting a
lower level for them is a located error in the profile (``nivå-låst``). Raising any code to
``fel`` is always allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from beslut.checks.catalogue import RULES
from beslut.diagnostics import Diagnostic, Level, error
from beslut.model.models import RuleLevel

if TYPE_CHECKING:
    from beslut.load.source import Source
    from beslut.model.models import Profile


@dataclass(frozen=True)
class Code:
    """A diagnostic code of the load and validate stages."""

    code: str
    level: Level
    group: str
    summary: str
    locked: bool = False
    """True when the level may not be lowered in the profile (see the module docstring)."""


_E, _W = Level.ERROR, Level.WARNING

_READ = "Läsa filen"
_DATA = "Uppgifter"
_TEXT = "Text och tabeller"
_ATTACH = "Bilagor"
_MEETING = "Sammanträden"
_SETTINGS = "Profil och undantag"
_MINUTES = "Protokoll"

CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("läsfel", _E, _READ, "Filen kan inte läsas.", locked=True),
        Code("inte-utf8", _E, _READ, "Filen är inte sparad som UTF-8.", locked=True),
        Code("tom-fil", _E, _READ, "Filen är tom.", locked=True),
        Code("front-matter-saknas", _E, _READ, "Markdownfilen saknar front matter.", locked=True),
        Code(
            "front-matter-oavslutad", _E, _READ, "Front matter avslutas inte med ---.", locked=True
        ),
        Code("yaml-syntax", _E, _READ, "YAML-texten går inte att tolka.", locked=True),
        Code(
            "yaml-ankare", _E, _READ, "Ankare, alias eller <<-sammanslagning i YAML.", locked=True
        ),
        Code("okänd-tagg", _E, _READ, "En YAML-tagg som !!python/… eller !x.", locked=True),
        Code("för-djup-nästling", _E, _READ, "Listor och grupper i för många nivåer.", locked=True),
        Code(
            "för-många-värden",
            _E,
            _READ,
            "Fler än 20 000 nycklar och värden i en fil.",
            locked=True,
        ),
        Code("för-stor-fil", _E, _READ, "Filen är större än 1 MB.", locked=True),
        Code(
            "för-lång-text",
            _E,
            _READ,
            "Texten har fler än 10 000 rader eller 20 000 tabellceller.",
            locked=True,
        ),
        Code(
            "för-djup-text",
            _E,
            _TEXT,
            "Listor eller citat i för många nivåer (texten skulle falla bort).",
            locked=True,
        ),
        Code("otillåtet-tecken", _E, _READ, "Ett tecken som inte får finnas i text.", locked=True),
        Code("för-lång", _E, _DATA, "En text längre än fältet tillåter.", locked=True),
        Code("styrtecken", _E, _READ, "Ett osynligt styrtecken, ofta från Word.", locked=True),
        Code("inte-nycklar", _E, _READ, "Filen är inte nycklar med värden.", locked=True),
        Code("profil-saknas", _E, _DATA, "Organisationsprofilen saknas.", locked=True),
        Code("samma-utdata", _E, _DATA, "Två filer skulle ge samma utdatafiler.", locked=True),
        Code("saknas", _E, _DATA, "En obligatorisk uppgift saknas.", locked=True),
        Code("okänd-nyckel", _E, _DATA, "En nyckel som inte finns.", locked=True),
        Code(
            "ogiltigt-datum", _E, _DATA, "Ett datum som inte finns eller har fel form.", locked=True
        ),
        Code("ogiltigt-värde", _E, _DATA, "Ett värde som inte är tillåtet.", locked=True),
        Code("fel-typ", _E, _DATA, "Ett värde av fel slag (text, tal, lista, grupp).", locked=True),
        Code("fel-format", _E, _DATA, "Ett värde med fel format.", locked=True),
        Code("för-kort", _E, _DATA, "En lista som inte får vara tom är tom.", locked=True),
        Code("tomt-värde", _E, _DATA, "En text som inte får vara tom är tom.", locked=True),
        Code("inga-beslutspunkter", _E, _DATA, "Förslaget har inga beslutspunkter.", locked=True),
        Code(
            "diarienummer-format",
            _E,
            _DATA,
            "Diarienumret följer inte organisationens format.",
        ),
        Code("okänd-instans", _E, _DATA, "Instansen finns inte i profilen.", locked=True),
        Code(
            "okänd-förvaltning",
            _E,
            _SETTINGS,
            "Ett organ hänvisar till en förvaltning som inte finns i profilen.",
            locked=True,
        ),
        Code(
            "logotyp-fel",
            _E,
            _SETTINGS,
            "Logotypen i profilen saknas eller kan inte läsas.",
            locked=True,
        ),
        Code(
            "dubblett-diarienummer", _E, _DATA, "Två ärenden har samma diarienummer.", locked=True
        ),
        Code(
            "text-i-front-matter",
            _E,
            _DATA,
            "”text” i front matter i en .md-fil (texten skulle inte komma med).",
            locked=True,
        ),
        Code(
            "platshållare",
            _E,
            _TEXT,
            "En platshållare ”[fyll i …]” från ”beslut new” är kvar och skulle publiceras.",
        ),
        Code(
            "okänd-tabell", _E, _TEXT, "Texten hänvisar till en tabell som inte finns.", locked=True
        ),
        Code("tabellrad-längd", _E, _TEXT, "En tabellrad har fel antal värden.", locked=True),
        Code("inte-ett-tal", _E, _TEXT, "Ett värde i en talkolumn är inte ett tal.", locked=True),
        Code("oanvänd-tabell", _W, _TEXT, "En tabell används inte i texten."),
        Code("bild-alt-saknas", _E, _TEXT, "En bild saknar alternativtext.", locked=True),
        Code(
            "bild-fel",
            _E,
            _TEXT,
            "En bild finns inte, kan inte läsas eller har ett format som inte stöds.",
            locked=True,
        ),
        Code("bild-bredd", _E, _TEXT, "En bilds bredd kan inte användas.", locked=True),
        Code("okänt-avsnitt", _W, _TEXT, "En rubrik liknar ett känt avsnitt men är stavad fel."),
        Code(
            "genererat-avsnitt",
            _W,
            _TEXT,
            "Ett avsnitt som beslut skapar från front matter står i texten.",
        ),
        Code("bilaga-absolut", _E, _ATTACH, "En bilaga har en absolut sökväg.", locked=True),
        Code("bilaga-utanför", _E, _ATTACH, "En bilaga ligger utanför arbetsytan.", locked=True),
        Code("bilaga-saknas", _E, _ATTACH, "En bilaga finns inte.", locked=True),
        Code("bilaga-format", _E, _ATTACH, "En bilaga har ett format som inte stöds.", locked=True),
        Code("dubblett-punkt", _E, _MEETING, "En punkt står två gånger på listan.", locked=True),
        Code(
            "diarienummer-ej-beslut",
            _E,
            _MEETING,
            "En punkt som inte är ett beslutsärende har diarienummer.",
        ),
        Code(
            "okänt-diarienummer",
            _E,
            _MEETING,
            "Det finns inget ärende med punktens diarienummer.",
            locked=True,
        ),
        Code("fel-instans", _E, _MEETING, "Ärendet gäller en annan instans än sammanträdet."),
        Code(
            "sekretess-på-punkt",
            _E,
            _MEETING,
            "Ett sekretessmarkerat ärende skulle publiceras.",
            locked=True,
        ),
        Code("ärende-efter-möte", _E, _MEETING, "Ärendet är daterat efter sammanträdet."),
        Code(
            "ärende-har-fel",
            _E,
            _MEETING,
            "Ett ärende på listan har fel och kan inte tas med.",
            locked=True,
        ),
        Code(
            "punkt-utan-rubrik",
            _E,
            _MEETING,
            "En punkt utan ärendefil (”underlag”) saknar rubrik.",
            locked=True,
        ),
        Code(
            "underlag-men-ärende-finns",
            _E,
            _MEETING,
            "En punkt med ”underlag” har diarienumret för ett ärende i arbetsytan.",
        ),
        Code(
            "handlingar-lämnas-senare",
            _W,
            _MEETING,
            "Handlingarna till en punkt lämnas senare: kallelsen är inte komplett.",
            locked=True,
        ),
        Code(
            "tillägg-inte-sist",
            _E,
            _MEETING,
            "En punkt med ”tillägg” står före en punkt som skickades med kallelsen.",
            locked=True,
        ),
        Code(
            "tillägg-före-utskick",
            _E,
            _MEETING,
            "En punkts tilläggsdatum är före kallelsens utskicksdatum.",
        ),
        Code(
            "tillägg-efter-möte",
            _E,
            _MEETING,
            "En punkts tilläggsdatum är efter sammanträdet.",
        ),
        Code(
            "protokoll-okänt-sammanträde",
            _E,
            _MINUTES,
            "Protokollet gäller ett sammanträde som inte finns.",
            locked=True,
        ),
        Code(
            "protokoll-inga-ledamöter",
            _E,
            _MINUTES,
            "Mötesfilen har inga ledamöter, så protokollet kan inte visa vilka som beslutade.",
            locked=True,
        ),
        Code(
            "protokoll-inga-paragrafer",
            _E,
            _MINUTES,
            "Varje ärende är markerat utgår: protokollet har inga paragrafer.",
            locked=True,
        ),
        Code(
            "protokoll-dubblett",
            _E,
            _MINUTES,
            "Sammanträdet har redan ett protokoll.",
            locked=True,
        ),
        Code(
            "protokoll-okänd-person",
            _E,
            _MINUTES,
            "Ett namn finns inte bland sammanträdets ledamöter och ersättare.",
        ),
        Code(
            "protokoll-fel-roll",
            _E,
            _MINUTES,
            "En ledamot står där bara ersättare hör hemma, eller tvärtom.",
        ),
        Code(
            "protokoll-ej-tjänstgörande",
            _E,
            _MINUTES,
            "Ett yrkande eller en reservation av någon som inte tjänstgjorde i paragrafen.",
        ),
        Code(
            "protokoll-ersättare",
            _E,
            _MINUTES,
            "En ersättare ersätter en närvarande ledamot, eller två ersätter samma ledamot.",
        ),
        Code(
            "protokoll-okänt-ärende",
            _E,
            _MINUTES,
            "Ett ärendenummer i protokollet finns inte på föredragningslistan.",
        ),
        Code(
            "protokoll-röster",
            _E,
            _MINUTES,
            "Rösterna i en omröstning stämmer inte med de tjänstgörande.",
        ),
        Code("protokoll-jäv-röstar", _E, _MINUTES, "Någon som anmält jäv röstar."),
        Code(
            "protokoll-paragraf-krock",
            _E,
            _MINUTES,
            "Två protokoll för samma instans och år har samma paragrafnummer.",
            locked=True,
        ),
        Code(
            "protokoll-paragraf-lucka",
            _W,
            _MINUTES,
            "Paragrafnumren hoppar över nummer efter förra protokollet samma år.",
        ),
        Code(
            "protokoll-dubbel-paragraf",
            _E,
            _MINUTES,
            "Samma ärende har två poster under paragrafer.",
            locked=True,
        ),
        Code(
            "protokoll-justerare-frånvarande",
            _E,
            _MINUTES,
            "Justeraren tjänstgjorde inte vid sammanträdet.",
        ),
        Code(
            "protokoll-justerare-ordförande",
            _E,
            _MINUTES,
            "Justeraren är sammanträdets ordförande.",
        ),
        Code(
            "protokoll-justeringsdatum",
            _E,
            _MINUTES,
            "Justeringen är före sammanträdet eller mer än 14 dagar efter det.",
        ),
        Code(
            "protokoll-anslagsdatum",
            _E,
            _MINUTES,
            "Anslaget är före justeringen eller senare än andra dagen efter den.",
        ),
        Code(
            "protokoll-beslut-saknas",
            _E,
            _MINUTES,
            "En paragraf utan ärendefil har inget beslut.",
            locked=True,
        ),
        Code(
            "protokoll-propositionsordning",
            _W,
            _MINUTES,
            "En omröstning eller flera yrkanden utan propositionsordning.",
        ),
        Code(
            "protokoll-reservation-majoritet",
            _W,
            _MINUTES,
            "En reservation av någon som röstade med majoriteten.",
        ),
        Code("okänd-regel", _E, _SETTINGS, "En kod som inte finns.", locked=True),
        Code("nivå-låst", _E, _SETTINGS, "En kod som inte får sänkas har sänkts.", locked=True),
        Code(
            "undantag-ej-tillåtet", _E, _SETTINGS, "Ett undantag som inte är tillåtet.", locked=True
        ),
        Code("onödigt-undantag", _W, _SETTINGS, "Ett undantag som inte behövs längre."),
    )
}
"""The codes of the load and validate stages (content checks: ``RULES``)."""

LOCKED: frozenset[str] = frozenset(
    {c.code for c in CODES.values() if c.locked}
    | {r.code for r in RULES.values() if not r.exemptable}
)
"""Codes whose level may only be raised, never lowered (see the module docstring)."""

_BUILD = "Mallar och bygge"

BUILD: dict[str, Code] = {
    c.code: c
    for c in (
        Code("mallfel", _E, _BUILD, "Wordmallen kan inte fyllas i."),
        Code("okänd-mallvariabel", _E, _BUILD, "Mallen använder en uppgift som inte finns."),
        Code("mall-saknar-tagg", _E, _BUILD, "Mallen saknar en tagg som dokumenttypen behöver."),
        Code("pdf-fel", _E, _BUILD, "PDF-filen kan inte skapas."),
        Code("paketfel", _E, _BUILD, "Sammanträdets handlingspaket kan inte sättas ihop."),
        Code("paket-ej-pdfa", _W, _BUILD, "Paketet kan inte märkas som PDF/A eller PDF/UA."),
        Code("sidnummer-instabila", _E, _BUILD, "Paketets sidnummer blir inte stabila."),
        Code("ärende-saknas-i-paket", _E, _BUILD, "Ett ärende på listan kom inte med i paketet."),
        Code(
            "protokoll-läcker",
            _E,
            _BUILD,
            "Det offentliga protokollet har ett personnummer eller text ur en dold paragraf.",
        ),
        Code(
            "protokoll-underlag-fel",
            _E,
            _BUILD,
            "Protokollets sammanträde eller ett av dess ärenden kunde inte byggas.",
        ),
        Code("bilaga-konvertering", _E, _BUILD, "En bilaga kan inte göras om till PDF."),
        Code("bilaga-krypterad", _E, _BUILD, "En bilaga är lösenordsskyddad."),
        Code("bilaga-skadad", _E, _BUILD, "En bilaga är skadad eller tom."),
        Code("bilaga-för-stor", _E, _BUILD, "En bilaga packas upp till mer än beslut läser."),
        Code("bilaga-utan-text", _W, _BUILD, "En PDF-bilaga har ingen sökbar text."),
        Code("bilaga-sidformat", _W, _BUILD, "En bilaga har sidor som inte är A4."),
        Code("rubrik-nivå-1", _W, _BUILD, "En rubrik med en # i texten (nivå 1 är titeln)."),
        Code("rubriknivå-stöds-inte", _W, _BUILD, "En rubrik på nivå 5 eller djupare."),
        Code("html-stöds-inte", _W, _BUILD, "HTML i Markdowntexten tas inte med."),
        Code("tematisk-brytning", _W, _BUILD, "En avdelare (---) i texten tas inte med."),
        Code("lista-för-djup", _W, _BUILD, "En lista i fler nivåer än mallen har."),
    )
}
"""Codes reported only while building (``beslut build``)."""

BUILD_CODES: frozenset[str] = frozenset(BUILD)
"""Codes reported only while building; the profile cannot set their level."""

_AUDIT = "PDF-granskning"

AUDIT: dict[str, Code] = {
    c.code: c
    for c in (
        Code("pdf-oläslig", _E, _AUDIT, "Filen kan inte läsas som PDF."),
        Code("pdf-krypterad", _E, _AUDIT, "PDF-filen är lösenordsskyddad."),
        Code("pdf-ej-pdfa", _E, _AUDIT, "PDF-filen är inte märkt som PDF/A."),
        Code("pdf-xmp-fel", _E, _AUDIT, "PDF-filens XMP-metadata går inte att läsa."),
        Code(
            "pdf-xmp-schema-saknas",
            _E,
            _AUDIT,
            "XMP-metadata använder en namnrymd utan tilläggsschema.",
        ),
        Code(
            "pdf-metadata-olika", _E, _AUDIT, "Dokumentegenskaperna och XMP-metadata skiljer sig."
        ),
        Code("pdf-färgprofil-saknas", _E, _AUDIT, "PDF/A-färgprofilen (OutputIntent) saknas."),
        Code("pdf-typsnitt-ej-inbäddat", _E, _AUDIT, "Ett typsnitt är inte inbäddat."),
        Code("pdf-otillåten-åtgärd", _E, _AUDIT, "Skript eller annan åtgärd som PDF/A förbjuder."),
        Code("pdf-ej-pdfua", _E, _AUDIT, "PDF-filen är inte märkt som PDF/UA."),
        Code("pdf-språk", _E, _AUDIT, "PDF-filen anger inte språk (/Lang)."),
        Code("pdf-titel", _E, _AUDIT, "PDF-filen saknar titel eller visar inte titeln."),
        Code("pdf-ej-taggad", _E, _AUDIT, "PDF-filen är inte taggad (inget strukturträd)."),
        Code("pdf-rollmappning", _E, _AUDIT, "RoleMap mappar om en standardtyp."),
        Code("pdf-okänd-strukturtyp", _E, _AUDIT, "En strukturtyp som inte är standard."),
        Code(
            "pdf-rubriknivå", _E, _AUDIT, "Första rubriken är inte H1, eller en nivå hoppas över."
        ),
        Code("pdf-tabell-utan-th", _E, _AUDIT, "En tabell utan rubrikcell (TH)."),
        Code("pdf-th-utan-scope", _E, _AUDIT, "En rubrikcell (TH) utan /Scope."),
        Code("pdf-bild-utan-alt", _E, _AUDIT, "En bild utan alternativtext."),
        Code("pdf-not-id", _E, _AUDIT, "En fotnot (Note) utan unikt /ID."),
        Code("pdf-länk-utan-text", _E, _AUDIT, "En länk utan text och utan alternativtext."),
        Code("pdf-länk-otaggad", _E, _AUDIT, "En länk som inte är taggad som Link."),
        Code("pdf-annotering-otaggad", _E, _AUDIT, "En annotering utanför strukturträdet."),
        Code("pdf-tabs", _E, _AUDIT, "En sida med annoteringar saknar /Tabs /S."),
        Code("pdf-struktur", _E, _AUDIT, "Strukturträdet stämmer inte med sidornas innehåll."),
        Code("pdf-otaggat-innehåll", _W, _AUDIT, "Text på en sida som inte är taggad."),
    )
}
"""Codes reported by ``beslut granska`` about a PDF (:mod:`beslut.validate.pdf_audit`)."""

_LEVELS = {RuleLevel.FEL: Level.ERROR, RuleLevel.VARNING: Level.WARNING}


def default_level(code: str) -> Level | None:
    """Return a code's level when the profile does not set it (None for an unknown code)."""
    if code in RULES:
        return RULES[code].level
    if code in CODES:
        return CODES[code].level
    return None


def apply_levels(found: Iterable[Diagnostic], profile: Profile | None) -> list[Diagnostic]:
    """Return the diagnostics with the profile's levels (``kontroller.regler``) applied; a code
    set to ``av`` is dropped. Locked codes are never lowered, whatever the profile says (the
    profile itself then has a ``nivå-låst`` error)."""
    levels = profile.checks.rules if profile is not None else {}
    result = []
    for item in found:
        chosen = levels.get(item.code)
        if (
            chosen is None
            or default_level(item.code) is None
            or (item.code in LOCKED and _lowers(chosen, item.level))
        ):
            result.append(item)
        elif chosen is not RuleLevel.AV:
            result.append(item.with_level(_LEVELS[chosen]))
    return result


def _lowers(chosen: RuleLevel, level: Level) -> bool:
    return chosen is RuleLevel.AV or (chosen is RuleLevel.VARNING and level is Level.ERROR)


def unknown_code(code: str) -> str:
    """Return the Swedish message for a code beslut does not know, with a suggestion."""
    close = difflib.get_close_matches(code, [*RULES, *CODES], n=1, cutoff=0.6)
    hint = f" Menade du ”{close[0]}”?" if close else ""
    return (
        f"Det finns ingen kontroll som heter ”{code}”.{hint} Se listan med ”beslut check --regler”."
    )


def settings_problems(profile: Profile, source: Source | None) -> list[Diagnostic]:
    """Report codes in ``kontroller.regler`` that do not exist, that are only reported while
    building, or that may not be lowered to the level given."""
    if source is None:
        return []
    problems = []
    for code, chosen in profile.checks.rules.items():
        pos = source.positions.find(("kontroller", "regler", code), want_key=True)
        if code in BUILD_CODES:
            message = (
                f"”{code}” rapporteras när handlingarna byggs och dess nivå kan inte ställas in "
                "i profilen. Ta bort raden."
            )
            problems.append(error(source.rel, pos.line, pos.column, message, "okänd-regel"))
        elif code not in RULES and code not in CODES:
            problems.append(
                error(source.rel, pos.line, pos.column, unknown_code(code), "okänd-regel")
            )
        elif code in LOCKED and _lowers(chosen, default_level(code) or Level.ERROR):
            value = source.positions.find(("kontroller", "regler", code))
            message = (
                f"”{code}” kan inte sättas till {chosen.value}: då skulle något fel eller "
                "hemligt kunna byggas och publiceras. Rätta det som koden pekar på i stället, "
                "och ta bort raden."
            )
            problems.append(error(source.rel, value.line, value.column, message, "nivå-låst"))
    return problems
