"""What each diagnostic code means, an example that triggers it and the fix (``beslut regel``).

The level, group, lock and one-line summary of a code stay where the code is registered
(:mod:`beslut.checks.catalogue` for content rules, :mod:`beslut.validate.codes` for the rest);
this module adds only the longer Swedish documentation, one entry per code, and the text that
``beslut regel`` prints. ``tests/test_code_docs.py`` fails when a code beslut can emit has no
entry here, and runs the examples marked runnable through ``beslut check``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from beslut.checks.catalogue import RULES
from beslut.diagnostics import Level
from beslut.validate.codes import AUDIT, BUILD, CODES, LOCKED


class Where(StrEnum):
    """Where an example is written."""

    TEXT = "text"
    """The Markdown text of a case, below the front matter."""
    CASE = "ärende"
    """Keys in a case's front matter (they replace the same keys of a valid case)."""
    PROFILE = "profil"
    """Keys in ``content/profil.yaml``."""
    MEETING = "sammanträde"
    """A meeting file."""
    FILE = "fil"
    """A whole file, or something about the file itself."""
    BUILD = "bygge"
    """Something that shows only while building."""
    PDF = "pdf"
    """Something ``beslut granska`` finds in a PDF file."""
    MINUTES = "protokoll"
    """A protokoll file (``typ: protokoll``)."""


@dataclass(frozen=True)
class Doc:
    """The documentation of one code, in Swedish."""

    meaning: str
    example: str
    fix: str
    where: Where = Where.TEXT
    runnable: bool = False
    """True when ``example`` put into a valid workspace makes ``beslut check`` report the code
    (tested in ``tests/test_code_docs.py``)."""


_T, _C, _P, _M, _F, _B, _PDF, _PR = (
    Where.TEXT,
    Where.CASE,
    Where.PROFILE,
    Where.MEETING,
    Where.FILE,
    Where.BUILD,
    Where.PDF,
    Where.MINUTES,
)

_RESAVE_PDFA = (
    "Exportera originalet igen som PDF/A (i Word: Spara som → PDF → Alternativ → "
    "”PDF/A-kompatibel”), eller be avsändaren om en PDF/A-fil. Gäller det en handling från "
    "beslut: meddela den som förvaltar beslut."
)
_RESAVE_TAGS = (
    "Exportera originalet igen som taggad PDF (i Word: Spara som → PDF → Alternativ → "
    "”Dokumentstrukturtaggar för hjälpmedel”), eller be avsändaren om en tillgänglig PDF. "
    "Gäller det en handling från beslut: meddela den som förvaltar beslut."
)

DOCS: dict[str, Doc] = {
    # -- content rules (beslut.checks.catalogue) -------------------------------------------
    "beslut-hänvisar": Doc(
        "En beslutspunkt ska gå att läsa för sig i protokollet. Hänvisar den till ”förslaget” "
        "eller en bilaga vet läsaren inte vad som faktiskt beslutades.",
        'förslag:\n  beslutspunkter:\n    - "Kommunstyrelsen beslutar i enlighet med '
        'föreliggande förslag."',
        "Skriv ut vad som beslutas: ”Kommunstyrelsen godkänner planen för 2026.”",
        _C,
        True,
    ),
    "två-beslut": Doc(
        "En beslutspunkt innehåller två beslut (”… och uppdrar …”). Varje beslut ska kunna "
        "ändras, bordläggas eller reserveras mot för sig.",
        'förslag:\n  beslutspunkter:\n    - "Kommunstyrelsen godkänner planen och uppdrar åt '
        'förvaltningen att genomföra den."',
        "Dela upp i två beslutspunkter, en per beslut.",
        _C,
        True,
    ),
    "beslut-subjekt": Doc(
        "I numrerad stil (profilens ”beslut.stil: numrerad”) ska varje beslutspunkt börja med "
        "instansen, t.ex. ”Kommunstyrelsen godkänner …”.",
        'förslag:\n  beslutspunkter:\n    - "godkänna planen"',
        "Börja med instansens namn: ”Kommunstyrelsen godkänner planen.”",
        _C,
        True,
    ),
    "beslutspunkt-normaliserad": Doc(
        "Beslutspunkten har egna ”att”, numrering eller skiljetecken som beslut själv sätter "
        "enligt profilen.",
        'förslag:\n  beslutspunkter:\n    - "1. att godkänna planen,"',
        "Skriv bara själva beslutet; ”beslut check --fix” tar bort resten.",
        _C,
        True,
    ),
    "avsnitt-saknas": Doc(
        "Ett avsnitt som profilen kräver för dokumenttypen finns inte i texten.",
        "## Sammanfattning\n\nText.\n\n(”## Ärendebeskrivning” saknas)",
        "Lägg till avsnittet med rubriken exakt som profilen anger.",
    ),
    "tomt-avsnitt": Doc(
        "Ett obligatoriskt avsnitt har en rubrik men ingen text.",
        "## Ärendebeskrivning\n\n## Förvaltningens bedömning",
        "Skriv text under rubriken, eller ta bort avsnittet om det inte krävs.",
        _T,
        True,
    ),
    "konsekvens-saknas": Doc(
        "Ett konsekvensavsnitt som profilen kräver saknas, eller säger inte uttryckligen om "
        "ärendet påverkar (t.ex. ekonomi).",
        "## Ekonomiska konsekvenser\n\n-",
        "Skriv vad konsekvenserna är, eller att ärendet inte har några, med en hel mening.",
    ),
    "inklistrad-lista": Doc(
        "Rader som börjar med en punkt eller ett nummer och en tabb, som när en lista klistras in "
        "från Word. Markdown läser dem som ett enda stycke, så listan försvinner i handlingen.",
        "Åtgärderna är:\n\n•\tfler vårdplatser\n•\tkortare väntetider",
        "Skriv raderna som en Markdown-lista (”- fler vårdplatser”, ”1. …”); ”beslut check --fix” "
        "gör det när alla rader har samma tecken och indrag.",
        _T,
        True,
    ),
    "inklistrad-tabell": Doc(
        "Rader där cellerna skiljs åt med tabb, som när en tabell klistras in från Word. Markdown "
        "läser dem som ett stycke text utan kolumner.",
        "År\tKostnad\n2025\t12 mnkr\n2026\t14 mnkr",
        "Skriv tabellen som en Markdown-tabell med | mellan cellerna; ”beslut check --fix” gör det "
        "när alla rader har lika många celler.",
        _T,
        True,
    ),
    "procent": Doc(
        "Procenttecknet skrivs med mellanslag före på svenska.",
        "Kostnaden ökar med 15% nästa år.",
        "Skriv ”15 %” (med hårt mellanslag); ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "siffergruppering": Doc(
        "Tal med fler än fyra siffror delas i grupper om tre med mellanslag.",
        "Budgeten är 12500000 kronor.",
        "Skriv ”12 500 000”; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "tankstreck-intervall": Doc(
        "Intervall skrivs med tankstreck (–), inte bindestreck.",
        "Planen gäller 2022-2025.",
        "Skriv ”2022–2025”; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "minustecken": Doc(
        "Negativa tal skrivs med minustecken (−), inte bindestreck.",
        "Resultatet blev -50 mnkr.",
        "Skriv ”−50”; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "valutaförkortning": Doc(
        "Belopp förkortas som profilen anger (mnkr, tkr, mdkr), inte Mkr, MSEK eller kkr.",
        "Kostnaden är 5 Mkr.",
        "Skriv ”5 mnkr”; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "klockslag": Doc(
        "Klockslag skrivs med punkt och ”kl.” med punkt.",
        "Mötet börjar kl 13:00.",
        "Skriv ”kl. 13.00”; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "upprepat-ord": Doc(
        "Samma ord står två gånger i följd, oftast ett skrivfel.",
        "Förvaltningen föreslår att att planen godkänns.",
        "Ta bort det ena ordet.",
        _T,
        True,
    ),
    "justeringsman": Doc(
        "”Justeringsman” är ersatt av det könsneutrala ”justerare”.",
        "Till justeringsman utses Anna Andersson.",
        "Skriv ”justerare”; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "dubbla-mellanslag": Doc(
        "Två eller fler mellanslag i rad i löpande text.",
        "Planen  godkänns.",
        "Skriv ett mellanslag; ”beslut check --fix” rättar.",
        _T,
        True,
    ),
    "datumformat": Doc(
        "Datum skrivs enligt ISO 8601 (2025-09-10) eller med ord (10 september 2025).",
        "Beslutet fattades 250910.",
        "Skriv ”2025-09-10”.",
        _T,
        True,
    ),
    "summa-stämmer-inte": Doc(
        "En rad märkt som summa stämmer inte med summan av tabellens rader.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: Post, typ: text}\n"
        "      - {rubrik: Belopp, typ: belopp, enhet: mnkr}\n    rader:\n"
        "      - [A, 10]\n      - [B, 20]\n    summarad: Summa\n    angiven_summa: [null, 40]",
        "Rätta beloppen eller den angivna summan.",
        _C,
        True,
    ),
    "radsumma": Doc(
        "En summakolumn stämmer inte med summan av radens övriga belopp.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: År, typ: text}\n"
        "      - {rubrik: Drift, typ: belopp, enhet: mnkr}\n"
        "      - {rubrik: Investering, typ: belopp, enhet: mnkr}\n"
        "      - {rubrik: Summa, typ: belopp, enhet: mnkr}\n    rader:\n      - [2026, 10, 5, 20]",
        "Rätta beloppen eller summan på raden.",
        _C,
        True,
    ),
    "delsumma-stämmer-inte": Doc(
        "En rad märkt delsumma stämmer inte med raderna ovanför den.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: Post, typ: text}\n"
        "      - {rubrik: Belopp, typ: belopp, enhet: mnkr}\n    rader:\n"
        "      - [A, 10]\n      - [B, 20]\n      - {delsumma: Summa A och B, angiven: [null, 35]}",
        "Rätta beloppen eller delsumman.",
        _C,
        True,
    ),
    "dubblett-rad": Doc(
        "Samma radetikett (t.ex. ett årtal) förekommer två gånger i en tabell.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: Post, typ: text}\n"
        "      - {rubrik: Belopp, typ: belopp, enhet: mnkr}\n    rader:\n"
        "      - [A, 10]\n      - [A, 20]",
        "Rätta etiketten eller slå ihop raderna.",
        _C,
        True,
    ),
    "källtabell": Doc(
        "En sammanställningsrad stämmer inte med tabellen den sammanfattar.",
        "En tabell med ”källa:” som pekar på en annan tabell vars summa är en annan.",
        "Rätta beloppen så att sammanställningen och källtabellen stämmer.",
    ),
    "tidsfrist": Doc(
        "En tidsfrist (”senast …”) ligger före ärendets beslutsdag och kan inte hållas.",
        "Förvaltningen ska redovisa senast 2020-01-15.",
        "Rätta datumet.",
        _T,
        True,
    ),
    "fel-veckodag": Doc(
        "Veckodagen stämmer inte med datumet.",
        "Mötet hålls måndag 2026-12-02.",
        "Rätta veckodagen eller datumet.",
        _T,
        True,
    ),
    "fil-ej-listad": Doc(
        "En fil i arbetsytan är inte listad som bilaga eller handling i något ärende och kommer "
        "därför inte med någonstans.",
        "content/bilagor/plan.pdf som inget ärende nämner under ”bilagor”.",
        "Lägg till filen under ”bilagor” i rätt ärende, eller ta bort den.",
        _F,
    ),
    "beslutsunderlag-ordning": Doc(
        "Beslutsunderlaget ska börja med handlingen själv (t.ex. tjänsteskrivelsen) med rätt "
        "datum.",
        "beslutsunderlag:\n  - Bilaga 1 Plan",
        "Sätt handlingen själv först: ”Tjänsteskrivelse 2 december 2026”.",
        _C,
        True,
    ),
    "lix": Doc(
        "Avsnittet har högre läsbarhetsindex (LIX) än profilens gräns: långa meningar och ord.",
        "Ett avsnitt med genomgående mycket långa meningar och sammansatta ord.",
        "Korta meningarna och byt långa ord mot vanligare.",
    ),
    "lång-mening": Doc(
        "En mening är längre än profilens gräns för antal ord.",
        "En mening på fler än 40 ord utan punkt.",
        "Dela meningen i två eller flera.",
    ),
    "personnummer": Doc(
        "Personnummer eller samordningsnummer i text som publiceras. Kan inte undantas eller "
        "sänkas.",
        "Sökande är 19811218-9876.",
        "Ta bort numret; skriv ”sökanden” eller hänvisa till akten.",
        _T,
        True,
    ),
    "bilaga-ej-granskad": Doc(
        "En bilaga kunde inte läsas och därför inte granskas för personnummer (fel om den "
        "publiceras, annars varning).",
        "En skannad PDF utan text som bilaga.",
        "Lägg in en version med sökbar text, eller granska bilagan manuellt och märk ärendet "
        "som inte publiceras.",
        _F,
    ),
    # -- reading files -----------------------------------------------------------------------
    "läsfel": Doc(
        "Filen kan inte läsas (saknas, behörighet, eller är en mapp).",
        "En fil som är låst av ett annat program.",
        "Kontrollera att filen finns och går att öppna.",
        _F,
    ),
    "inte-utf8": Doc(
        "Filen är inte sparad som UTF-8, t.ex. som Windows-1252 från Anteckningar.",
        "En .md-fil sparad med kodningen ANSI.",
        "Spara filen som UTF-8 i redigeraren.",
        _F,
    ),
    "tom-fil": Doc(
        "Filen är tom.",
        "En tom content/ärenden/x.md.",
        "Fyll i filen (t.ex. med ”beslut new”) eller ta bort den.",
        _F,
    ),
    "front-matter-saknas": Doc(
        "En Markdownfil ska börja med front matter mellan två rader ---.",
        "## Sammanfattning\n\nText utan front matter.",
        "Lägg till front matter överst: ---, nycklarna, ---.",
        _F,
        True,
    ),
    "front-matter-oavslutad": Doc(
        "Front matter börjar med --- men avslutas inte med en rad ---.",
        "---\ntyp: tjänsteskrivelse\n\n## Sammanfattning",
        "Lägg till en rad med --- efter sista nyckeln.",
        _F,
        True,
    ),
    "yaml-syntax": Doc(
        "YAML-texten går inte att tolka: ofta en saknad hakparentes, ett kolon i en text utan "
        "citattecken eller fel indrag.",
        'delges: ["Ekonomiavdelningen"',
        "Rätta raden som pekas ut; sätt texter med kolon inom citattecken.",
        _C,
        True,
    ),
    "yaml-ankare": Doc(
        "Ankare (&), alias (*) och <<-sammanslagning används inte: varje fil ska gå att läsa "
        "för sig.",
        "delges: &alla [Ekonomiavdelningen]\nbeslutsunderlag: *alla",
        "Skriv ut värdena på varje ställe.",
        _C,
        True,
    ),
    "okänd-tagg": Doc(
        "En YAML-tagg som !!python/object eller !x är inte tillåten.",
        "delges: !lista [Ekonomiavdelningen]",
        "Ta bort taggen.",
        _C,
        True,
    ),
    "för-djup-nästling": Doc(
        "Listor och grupper i fler nivåer än beslut läser.",
        "delges: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "Skriv värdet platt, som nyckelreferensen visar.",
        _C,
    ),
    "för-många-värden": Doc(
        "Filen har fler än 20 000 nycklar och värden (YAML-noder). Varje värde kontrolleras och "
        "skrivs ut för sig, så en så lång fil tar minuter att kontrollera; ett ärende, ett "
        "sammanträde eller en profil behöver några hundra.",
        "En ärendefil med 100 000 beslutspunkter.",
        "Lägg långa listor och tabeller som en bilaga (PDF under bilagor:).",
        _F,
    ),
    "för-stor-fil": Doc(
        "Filen är större än 1 MB; en ärendefil är text och ska vara liten.",
        "En ärendefil med inklistrade bilder som base64.",
        "Lägg bilder och bilagor som egna filer och hänvisa till dem.",
        _F,
    ),
    "för-lång-text": Doc(
        "Texten i ärendefilen har fler än 10 000 rader eller 20 000 tabellceller (lodstreck |). "
        "Att tolka så lång Markdown tar minuter och mycket minne, och en handling blir sällan "
        "längre än några hundra rader.",
        "En ärendefil där en tabell med 100 000 rader klistrats in i texten.",
        "Lägg långa underlag och tabeller som en bilaga (PDF under bilagor:) och sammanfatta "
        "dem i texten.",
        _F,
    ),
    "otillåtet-tecken": Doc(
        "Ett tecken som inte får finnas i text, t.ex. ett NUL-tecken.",
        "En rad med tecknet U+0000.",
        "Ta bort tecknet; skriv om raden om det behövs.",
        _F,
    ),
    "för-lång": Doc(
        "En text är längre än fältet tillåter.",
        "rubrik: en rubrik på flera hundra tecken",
        "Korta texten.",
        _C,
    ),
    "styrtecken": Doc(
        "Ett osynligt styrtecken, oftast inklistrat från Word eller en PDF.",
        "Text med ett inklistrat U+000B (radbrytning från Word).",
        "Ta bort tecknet; skriv om texten för hand.",
        _F,
    ),
    "inte-nycklar": Doc(
        "Filen (eller front matter) är inte nycklar med värden utan t.ex. en lista eller en text.",
        "---\n- typ\n- rubrik\n---",
        "Skriv ”nyckel: värde” på varje rad.",
        _F,
        True,
    ),
    # -- data ---------------------------------------------------------------------------------
    "profil-saknas": Doc(
        "Arbetsytan har ingen content/profil.yaml.",
        "En mapp med content/ärenden/ men utan content/profil.yaml.",
        "Kör ”beslut init” eller kopiera in organisationens profil.",
        _F,
    ),
    "samma-utdata": Doc(
        "Två filer skulle ge samma utdatafiler och skriva över varandra.",
        "content/a/x.md och content/b/x.md med samma diarienummer och typ.",
        "Byt namn på den ena filen eller rätta diarienumret.",
        _F,
    ),
    "saknas": Doc(
        "En obligatorisk uppgift saknas i filen.",
        "(nyckeln ”rubrik” borttagen ur ett ärende)",
        "Lägg till nyckeln; nyckelreferensen i README visar vad som krävs.",
        _C,
    ),
    "okänd-nyckel": Doc(
        "En nyckel som inte finns, ofta en felstavning. Meddelandet föreslår närmaste nyckel.",
        "rubirk: Budget 2026",
        "Rätta stavningen eller ta bort nyckeln.",
        _C,
        True,
    ),
    "ogiltigt-datum": Doc(
        "Ett datum som inte finns eller inte skrivs ÅÅÅÅ-MM-DD.",
        "datum: 2026-02-30",
        "Skriv ett giltigt datum, t.ex. 2026-02-27.",
        _C,
        True,
    ),
    "ogiltigt-värde": Doc(
        "Ett värde som inte finns bland de tillåtna, t.ex. en okänd dokumenttyp.",
        "typ: skrivelse",
        "Välj ett av värdena som meddelandet räknar upp.",
        _C,
        True,
    ),
    "fel-typ": Doc(
        "Ett värde av fel slag: text där en lista väntas, lista där en text väntas osv.",
        "delges:\n  namn: Ekonomiavdelningen",
        "Skriv värdet i den form nyckelreferensen anger.",
        _C,
        True,
    ),
    "fel-format": Doc(
        "Ett värde med fel format, t.ex. ett ogiltigt e-post- eller färgvärde.",
        "En färg i profilen skriven som ”blå” i stället för ”#1F4E79”.",
        "Skriv värdet i det format meddelandet anger.",
        _P,
    ),
    "för-kort": Doc(
        "En lista som måste ha minst ett värde är tom.",
        "tabeller:\n  - id: budget\n    kolumner: []\n    rader: []",
        "Lägg till minst ett värde.",
        _C,
        True,
    ),
    "tomt-värde": Doc(
        "En text som inte får vara tom är tom.",
        'rubrik: ""',
        "Skriv en text.",
        _C,
        True,
    ),
    "inga-beslutspunkter": Doc(
        "Förslaget till beslut har inga beslutspunkter.",
        "förslag:\n  inledning: Förvaltningens förslag till beslut",
        "Lägg till ”beslutspunkter” med minst en punkt.",
        _C,
        True,
    ),
    "diarienummer-format": Doc(
        "Diarienumret följer inte formatet i profilens ”diarienummer.mönster”.",
        "diarienummer: KS2026-1",
        "Skriv diarienumret som profilens exempel, t.ex. ”KS 2026/1”.",
        _C,
        True,
    ),
    "okänd-instans": Doc(
        "Instansen (nämnden) finns inte under ”organ” i profilen.",
        "instans: byggnadsnämnden",
        "Använd ett id från profilens ”organ”, eller lägg till organet där.",
        _C,
        True,
    ),
    "okänd-förvaltning": Doc(
        "Ett organ i profilen hänvisar till en förvaltning som inte finns i profilen.",
        "organ:\n  ks:\n    förvaltning: okänd",
        "Rätta id:t eller lägg till förvaltningen i profilen.",
        _P,
    ),
    "logotyp-fel": Doc(
        "Logotypen som profilen pekar på saknas, kan inte läsas eller har ett format som inte "
        "stöds.",
        "organisation:\n  logotyp: logga.png   # filen finns inte",
        "Lägg logotypen (PNG, JPEG eller SVG) där profilen pekar, eller rätta sökvägen.",
        _P,
    ),
    "dubblett-diarienummer": Doc(
        "Två ärenden av samma typ har samma diarienummer.",
        "Två filer med ”diarienummer: KS 2026/1”.",
        "Rätta diarienumret i det ena ärendet.",
        _F,
    ),
    "text-i-front-matter": Doc(
        "”text” står i front matter i en .md-fil; där hämtas texten från filens brödtext och "
        "värdet skulle inte komma med.",
        "text: |\n  ## Sammanfattning",
        "Flytta texten till under front matter (efter ---).",
        _C,
        True,
    ),
    # -- text and tables ----------------------------------------------------------------------
    "platshållare": Doc(
        "En platshållare ”[fyll i …]” från ”beslut new” står kvar och skulle publiceras.",
        "Bakgrunden är [fyll i bakgrund].",
        "Ersätt platshållaren med den riktiga texten.",
        _T,
        True,
    ),
    "okänd-tabell": Doc(
        "Texten hänvisar med ```tabell namn``` till en tabell som inte finns under ”tabeller”.",
        "```tabell budget\n```",
        "Lägg till tabellen under ”tabeller” eller rätta namnet.",
        _T,
        True,
    ),
    "tabellrad-längd": Doc(
        "En rad i en tabell under ”tabeller” har fler eller färre värden än kolumnerna.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: År, typ: text}\n"
        "      - {rubrik: Belopp, typ: belopp, enhet: mnkr}\n    rader:\n      - [2026]",
        "Ge raden ett värde per kolumn.",
        _C,
        True,
    ),
    "inte-ett-tal": Doc(
        "Ett värde i en kolumn för tal är inte ett tal.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: År, typ: text}\n"
        "      - {rubrik: Belopp, typ: belopp, enhet: mnkr}\n    rader:\n      - [2026, tio]",
        "Skriv talet med siffror.",
        _C,
        True,
    ),
    "oanvänd-tabell": Doc(
        "En tabell under ”tabeller” används inte i texten och kommer inte med.",
        "tabeller:\n  - id: budget\n    kolumner:\n      - {rubrik: År, typ: text}\n"
        "      - {rubrik: Belopp, typ: belopp, enhet: mnkr}\n    rader:\n      - [2026, 10]",
        "Sätt in ```tabell budget``` i texten, eller ta bort tabellen.",
        _C,
        True,
    ),
    "bild-alt-saknas": Doc(
        "En bild saknar alternativtext, som skärmläsare läser upp (krav i PDF/UA och lagen "
        "om tillgänglighet till digital offentlig service).",
        "![](diagram.png)",
        "Skriv vad bilden visar inom hakparentesen: ![Kostnader per år 2022–2026](diagram.png).",
        _T,
        True,
    ),
    "för-djup-text": Doc(
        "Listor eller citat i texten är nästlade i fler nivåer än beslut läser (10 listor i "
        "varandra eller 20 citat). Markdowntolken skulle tyst hoppa över texten där inne.",
        "- - - - - - - - - - - Text i elfte listan",
        "Minska indraget eller antalet - och > i början av raderna.",
        _T,
        True,
    ),
    "bild-fel": Doc(
        "En bild finns inte, kan inte läsas eller har ett format som inte stöds.",
        "![Karta](saknas.png)",
        "Lägg bilden bredvid ärendefilen (PNG, JPEG eller SVG) eller rätta sökvägen.",
        _T,
        True,
    ),
    "bild-bredd": Doc(
        "En bilds angivna bredd kan inte användas (fel enhet eller bredare än sidan).",
        "![Karta](karta.png){bredd=40cm}",
        "Ange bredden i cm eller procent inom sidans bredd.",
        _T,
        True,
    ),
    "okänt-avsnitt": Doc(
        "En rubrik liknar ett avsnitt som profilen känner till men är stavad annorlunda, så "
        "den räknas inte som det avsnittet.",
        "## Ärendebeskrivnig",
        "Stava rubriken exakt som profilen.",
        _T,
        True,
    ),
    "genererat-avsnitt": Doc(
        "Ett avsnitt som beslut skapar från front matter (t.ex. ”Förslag till beslut” eller "
        "”Beslutsunderlag”) står också i texten och skulle komma med två gånger.",
        "## Beslutsunderlag\n\n- Tjänsteskrivelse",
        "Ta bort avsnittet ur texten; fyll i nyckeln i front matter i stället.",
        _T,
        True,
    ),
    # -- attachments --------------------------------------------------------------------------
    "bilaga-absolut": Doc(
        "En bilaga har en absolut sökväg, som bara fungerar på en dator.",
        "bilagor:\n  - titel: Plan\n    fil: /home/anna/plan.pdf",
        "Skriv sökvägen relativt till ärendefilen, t.ex. ../bilagor/plan.pdf.",
        _C,
        True,
    ),
    "bilaga-utanför": Doc(
        "En bilaga ligger utanför arbetsytan och kommer inte med när arbetsytan delas.",
        "bilagor:\n  - titel: Plan\n    fil: ../../../plan.pdf",
        "Kopiera filen in i arbetsytan och peka dit.",
        _C,
        True,
    ),
    "bilaga-saknas": Doc(
        "En bilaga finns inte där ärendet pekar.",
        "bilagor:\n  - titel: Plan\n    fil: plan.pdf",
        "Lägg filen där ärendet pekar, eller rätta sökvägen (relativ till ärendefilen).",
        _C,
        True,
    ),
    "bilaga-format": Doc(
        "En bilaga har ett format som inte kan tas med (bara PDF, .docx och .odt).",
        "bilagor:\n  - titel: Plan\n    fil: plan.xlsx",
        "Spara bilagan som PDF.",
        _C,
    ),
    # -- meetings -----------------------------------------------------------------------------
    "dubblett-punkt": Doc(
        "Samma ärende står två gånger på föredragningslistan.",
        "ärenden:\n  - typ: beslut\n    diarienummer: KS 2026/1\n  - typ: beslut\n"
        "    diarienummer: KS 2026/1",
        "Ta bort den ena punkten.",
        _M,
        True,
    ),
    "diarienummer-ej-beslut": Doc(
        "En punkt som inte är ett beslutsärende (t.ex. information) har diarienummer.",
        "ärenden:\n  - typ: information\n    rubrik: Information om budgeten\n"
        "    diarienummer: KS 2026/1",
        "Ta bort diarienumret, eller gör punkten till ett beslutsärende.",
        _M,
        True,
    ),
    "okänt-diarienummer": Doc(
        "Det finns inget ärende i arbetsytan med punktens diarienummer.",
        "ärenden:\n  - typ: beslut\n    diarienummer: KS 2026/99",
        "Rätta diarienumret, skapa ärendet, eller ange ”underlag” för en handling utifrån.",
        _M,
        True,
    ),
    "fel-instans": Doc(
        "Ärendet på listan gäller en annan instans än sammanträdet.",
        "instans: bn   # men ärendet gäller ks\närenden:\n  - typ: beslut\n"
        "    diarienummer: KS 2026/1",
        "Flytta punkten till rätt sammanträde eller rätta ärendets instans.",
        _M,
    ),
    "sekretess-på-punkt": Doc(
        "Ett ärende märkt med sekretess står på en lista som publiceras.",
        "ärenden:\n  - typ: beslut\n    diarienummer: KS 2026/1\n"
        "    sekretess: …   # och ärendet publiceras",
        "Ta bort punkten ur den publicerade listan eller hantera ärendet som sekretessärende.",
        _M,
    ),
    "ärende-efter-möte": Doc(
        "Ärendets datum är senare än sammanträdets datum.",
        "datum: 2026-11-20\närenden:\n  - typ: beslut\n"
        "    diarienummer: KS 2026/1   # ärendet är daterat 2026-12-02",
        "Rätta ärendets eller sammanträdets datum.",
        _M,
        True,
    ),
    "ärende-har-fel": Doc(
        "Ett ärende på listan har egna fel och kan inte tas med i kallelsen eller paketet.",
        "ärenden:\n  - typ: beslut\n    diarienummer: KS 2026/1   # ärendet har en okänd nyckel",
        "Rätta felen i ärendefilen; de listas för sig.",
        _M,
        True,
    ),
    "punkt-utan-rubrik": Doc(
        "En punkt utan ärendefil (med ”underlag”) saknar rubrik.",
        "ärenden:\n  - typ: beslut\n    underlag: lämnas_senare",
        "Ge punkten en ”rubrik”.",
        _M,
        True,
    ),
    "underlag-men-ärende-finns": Doc(
        "En punkt med ”underlag” har diarienumret för ett ärende som finns i arbetsytan; då ska "
        "ärendet självt användas.",
        "ärenden:\n  - typ: beslut\n    rubrik: Exempelärende\n    diarienummer: KS 2026/1\n"
        "    underlag: utanför_arbetsytan",
        "Ta bort ”underlag” så att ärendet i arbetsytan används.",
        _M,
        True,
    ),
    "handlingar-lämnas-senare": Doc(
        "Handlingarna till en punkt lämnas senare: kallelsen är inte komplett.",
        "ärenden:\n  - typ: beslut\n    rubrik: Budget 2027\n    underlag: lämnas_senare",
        "Lägg in handlingarna när de finns och bygg igen.",
        _M,
        True,
    ),
    "tillägg-inte-sist": Doc(
        "Punkter som lagts till efter att kallelsen skickades (”tillägg”) står i "
        "tilläggslistan och får nästa nummer efter kallelsens punkter. En sådan punkt mitt i "
        "listan skulle ändra numren på punkterna i den kallelse ledamöterna redan har.",
        "ärenden:\n  - typ: beslut\n    diarienummer: KS 2026/9\n    tillägg: 2026-12-04\n"
        "  - typ: övrigt   # skickades med kallelsen",
        "Flytta punkten med ”tillägg” sist i ”ärenden”, efter alla punkter utan ”tillägg”.",
        _M,
        True,
    ),
    "tillägg-före-utskick": Doc(
        "En punkt med ”tillägg” lades till efter att kallelsen skickades, så tilläggsdatumet "
        "kan inte vara före mötesfilens ”utskicksdatum”.",
        "utskicksdatum: 2026-12-03\närenden:\n  - typ: beslut\n    diarienummer: KS 2026/9\n"
        "    tillägg: 2026-12-01",
        "Rätta datumet, eller ta bort ”tillägg” om punkten fanns med i kallelsen.",
        _M,
    ),
    "tillägg-efter-möte": Doc(
        "Tilläggslistan skickas före sammanträdet, så tilläggsdatumet kan inte vara efter "
        "sammanträdets datum.",
        "datum: 2026-12-10\närenden:\n  - typ: beslut\n    diarienummer: KS 2026/9\n"
        "    tillägg: 2026-12-11",
        "Rätta datumet till den dag tilläggslistan skickas.",
        _M,
    ),
    # -- protokoll (validate/minutes.py, validate/minutes_rules.py) ---------------------------
    "protokoll-okänt-sammanträde": Doc(
        "Protokollet pekar på ett sammanträde (”sammanträde”) som inte finns bland mötesfilerna, "
        "så det går inte att veta vilka ärenden och ledamöter det gäller.",
        "sammanträde: 2022-06-15-hsn   # men mötesfilen heter 2022-06-14-hsn.yaml",
        "Skriv mötesfilens namn utan .yaml, t.ex. ”sammanträde: 2022-06-14-hsn”.",
        _PR,
    ),
    "protokoll-inga-ledamöter": Doc(
        "Protokollet ska visa vilka ledamöter som deltog i besluten. Det hämtar dem ur "
        "mötesfilens ”ledamöter”; utan dem kan beslut varken skriva ut de beslutande eller "
        "kontrollera närvaro, yrkanden, omröstningar och justerare.",
        "# content/möten/2026-12-10-ks.yaml\nledamöter: []",
        "Skriv ledamöterna under ”ledamöter:” i mötesfilen, en per rad, t.ex. ”- Anna "
        "Andersson (S), ordförande”, och ersättarna under ”ersättare:”.",
        _PR,
    ),
    "protokoll-inga-paragrafer": Doc(
        "Ett protokoll har minst en paragraf: varje ärende på föredragningslistan blir en, "
        "utom de som är markerade ”utgår”. Ett protokoll där allt utgår är nästan alltid ett "
        "skrivfel (t.ex. en kopierad rad).",
        "paragrafer:\n  - ärende: 1\n    utgår: ja\n  - ärende: 2\n    utgår: ja   # … alla",
        "Ta bort ”utgår: ja” från de ärenden som behandlades vid sammanträdet.",
        _PR,
    ),
    "protokoll-dubblett": Doc(
        "Två protokollfiler gäller samma sammanträde. Ett sammanträde har ett protokoll, och "
        "paragraferna skulle annars numreras två gånger.",
        "# content/protokoll/2022-06-14-hsn.yaml och content/protokoll/kopia.yaml\n"
        "sammanträde: 2022-06-14-hsn",
        "Skriv allt i det ena protokollet och ta bort det andra, eller rätta ”sammanträde” i den "
        "fil som gäller ett annat möte.",
        _PR,
    ),
    "protokoll-okänd-person": Doc(
        "Ett namn i protokollet (frånvarande, ersättare, justerare, yrkande, reservation, "
        "protokollsanteckning, jäv eller röst) finns inte bland sammanträdets ledamöter och "
        "ersättare. Namnen jämförs utan parti och roll: ”Anna Berglund” och ”Anna Berglund (S), "
        "förste vice ordförande” är samma person.",
        "justerare:\n  - Ana Berglund (S)   # mötesfilen har Anna Berglund (S)",
        "Skriv namnet som i mötesfilens ”ledamöter” eller ”ersättare” (beslut föreslår det "
        "närmaste), eller lägg till personen i mötesfilen.",
        _PR,
    ),
    "protokoll-fel-roll": Doc(
        "Under frånvarande och ”ersätter” står bara ledamöter, under tjänstgörande och ej "
        "tjänstgörande ersättare bara ersättare.",
        "ej_tjänstgörande_ersättare:\n  - Mats Lindgren (KD)   # en ledamot",
        "Flytta namnet till rätt lista, eller rätta mötesfilens ledamöter och ersättare.",
        _PR,
    ),
    "protokoll-ej-tjänstgörande": Doc(
        "Bara de som tjänstgör i en paragraf kan yrka och reservera sig: inte en frånvarande "
        "eller ersatt ledamot, inte en ersättare som inte tjänstgör och inte den som anmält jäv "
        "i paragrafen.",
        "frånvarande:\n  - Jonas Ek (SD)\nparagrafer:\n  - ärende: 7\n    yrkanden:\n"
        "      - av: Jonas Ek (SD)\n        yrkande: bifall till förslaget",
        "Rätta namnet (kanske var det ersättaren som yrkade), eller rätta frånvaron eller jävet.",
        _PR,
    ),
    "protokoll-ersättare": Doc(
        "En tjänstgörande ersättare ersätter en ledamot som är borta. Den ersatta ledamoten "
        "måste stå under frånvarande för samma ärenden, och en ledamot kan inte ha två "
        "ersättare samtidigt.",
        "tjänstgörande_ersättare:\n  - namn: Emma Strand (V)\n    ersätter: Mats Lindgren "
        "(KD)   # som inte står under frånvarande",
        "Skriv den ersatta ledamoten under frånvarande (med ”ärenden” om hen var borta en del "
        "av mötet), rätta vem som ersätts, eller ange ”ärenden” för var och en av två ersättare.",
        _PR,
    ),
    "protokoll-okänt-ärende": Doc(
        "Ett ärendenummer i protokollet (under paragrafer eller i ”ärenden” för en frånvarande "
        "eller en ersättare) finns inte på sammanträdets föredragningslista.",
        "paragrafer:\n  - ärende: 23   # listan har ärende 1–16",
        "Rätta numret. Ett ärende som lades till vid sammanträdet skrivs med ”tillagt: ja”, "
        "”rubrik” och ”beslut” i stället för ”ärende”.",
        _PR,
    ),
    "protokoll-röster": Doc(
        "Protokollet ska visa hur varje ledamot röstade (kommunallagen). En "
        "omröstning tar upp exakt de tjänstgörande i paragrafen: närvarande ledamöter och "
        "tjänstgörande ersättare, utom den som anmält jäv.",
        "omröstning:\n  ja: förvaltningens förslag\n  nej: Per Nilssons (M) yrkande\n"
        "  röster:   # en tjänstgörande saknas\n    Gilbert Tribo (L): ja",
        "Lägg till den som saknas och ta bort den som inte tjänstgjorde, eller rätta frånvaron "
        "och ersättarna.",
        _PR,
    ),
    "protokoll-jäv-röstar": Doc(
        "Den som anmält jäv i ett ärende deltar inte i beslutet och röstar inte.",
        "jäv: [Karin Håkansson (C)]\nomröstning:\n  röster:\n    Karin Håkansson (C): ja",
        "Ta bort rösten, eller ta bort namnet under ”jäv” om personen inte var jävig.",
        _PR,
    ),
    "protokoll-paragraf-krock": Doc(
        "Paragrafnumren löper genom kalenderåret per instans. Två protokoll för samma instans "
        "och år kan inte ha samma nummer.",
        "första_paragraf: 50   # men förra protokollet slutade på § 55",
        "Ta bort ”första_paragraf” så följer numret på det förra protokollet samma år, eller "
        "ändra det till numret efter det förra protokollets sista paragraf.",
        _PR,
    ),
    "protokoll-paragraf-lucka": Doc(
        "Protokollets första paragraf följer inte direkt på förra protokollet samma år, så "
        "några nummer används inte.",
        "första_paragraf: 60   # förra protokollet slutade på § 55",
        "Ta bort ”första_paragraf” så följer numret på det förra protokollet, eller rätta numret.",
        _PR,
    ),
    "protokoll-dubbel-paragraf": Doc(
        "Ett ärende har en paragraf; två poster för samma ärende under paragrafer går inte att "
        "slå ihop.",
        "paragrafer:\n  - ärende: 7\n    jäv: [Elin Forsberg (MP)]\n  - ärende: 7\n    utgår: ja",
        "Skriv allt om ärendet under den första posten och ta bort den andra.",
        _PR,
    ),
    "protokoll-justerare-frånvarande": Doc(
        "Justeraren väljs bland de ledamöter och tjänstgörande ersättare som var med på "
        "sammanträdet.",
        "frånvarande:\n  - Jonas Ek (SD)\njusterare:\n  - Jonas Ek (SD)",
        "Välj en närvarande ledamot eller tjänstgörande ersättare som justerare.",
        _PR,
    ),
    "protokoll-justerare-ordförande": Doc(
        "Ordföranden justerar alltid protokollet; justeraren är någon annan, så att två "
        "personer granskar det.",
        "justerare:\n  - Gilbert Tribo (L)   # sammanträdets ordförande",
        "Välj en annan närvarande ledamot som justerare.",
        _PR,
    ),
    "protokoll-justeringsdatum": Doc(
        "Protokollet justeras efter sammanträdet och senast 14 dagar efter det (kommunallagen 5 kap. 69 § "
        "och 6 kap. 35 §).",
        "justering:\n  datum: 2022-06-29   # sammanträdet var 2022-06-14\n  plats: Regionens hus",
        "Rätta justeringsdatumet till en dag mellan sammanträdet och 14 dagar efter det.",
        _PR,
    ),
    "protokoll-anslagsdatum": Doc(
        "Justeringen tillkännages på anslagstavlan efter justeringen och senast andra dagen "
        "efter den (kommunallagen 8 kap. 12 §).",
        "justering:\n  datum: 2022-06-21\n  plats: Regionens hus\nanslag: 2022-06-24",
        "Rätta anslagsdatumet, eller ta bort ”anslag” så gäller justeringsdagen.",
        _PR,
    ),
    "protokoll-beslut-saknas": Doc(
        "Förslaget i ärendefilen blir nämndens beslut i protokollet. En paragraf utan "
        "ärendefil (”underlag” i mötesfilen, eller ett ärende som lades till vid sammanträdet) "
        "har inget förslag att ta över, så beslutet måste stå i protokollet.",
        "paragrafer:\n  - ärende: 9\n    text: Redovisades muntligt.   # men inget beslut",
        "Skriv beslutet under paragrafer med ärendets nummer: ”- ärende: 9” och ”beslut:” med "
        "”beslutspunkter:”, eller ”utgår: ja” om ärendet utgick.",
        _PR,
    ),
    "protokoll-propositionsordning": Doc(
        "Protokollet ska visa i vilken ordning ordföranden ställde förslagen (kommunallagen) när det finns en omröstning eller flera yrkanden.",
        "yrkanden:\n  - av: Anna Berglund (S)\n    yrkande: bifall\n  - av: Per Nilsson (M)\n"
        "    yrkande: avslag\n# men ingen propositionsordning",
        "Skriv under ”propositionsordning” hur ordföranden ställde förslagen mot varandra och "
        "vad hen fann.",
        _PR,
    ),
    "protokoll-reservation-majoritet": Doc(
        "Den som röstade för beslutet reserverar sig inte mot det; en reservation av någon som "
        "röstade med majoriteten är troligen ett skrivfel i rösten eller reservationen.",
        "röster:\n  Anna Berglund (S): ja   # ja vann\nreservationer:\n  - Anna Berglund (S)",
        "Kontrollera hur personen röstade och vem som reserverade sig.",
        _PR,
    ),
    # -- profile and exemptions ---------------------------------------------------------------
    "okänd-regel": Doc(
        "En kod i profilens ”kontroller.regler” eller i ett ”undantag” finns inte, eller kan "
        "inte ställas in (koder som bara rapporteras vid bygget).",
        "kontroller:\n  regler:\n    procentt: av",
        "Rätta koden; ”beslut regel” listar alla.",
        _P,
        True,
    ),
    "nivå-låst": Doc(
        "En kod som inte får sänkas har satts till en lägre nivå i profilen.",
        "kontroller:\n  regler:\n    personnummer: varning",
        "Ta bort raden och rätta det koden pekar på i stället.",
        _P,
        True,
    ),
    "undantag-ej-tillåtet": Doc(
        "Ett undantag som inte är tillåtet, t.ex. för personnummer.",
        "undantag:\n  - regel: personnummer\n    skäl: Sökanden vill det",
        "Ta bort undantaget och rätta texten.",
        _C,
        True,
    ),
    "onödigt-undantag": Doc(
        "Ett undantag för en regel som inte längre hittar något i filen.",
        "undantag:\n  - regel: procent\n    skäl: Citat",
        "Ta bort undantaget.",
        _C,
        True,
    ),
    # -- build ------------------------------------------------------------------------------
    "mallfel": Doc(
        "Wordmallen i templates/ kan inte fyllas i (t.ex. en trasig {{ … }}-tagg).",
        "{{ rubrik } i templates/tjänsteskrivelse.docx",
        "Rätta taggen i mallen, eller skapa om mallarna med ”beslut mallar --bygg --tvinga”.",
        _B,
    ),
    "okänd-mallvariabel": Doc(
        "Mallen använder en uppgift som inte finns i ärendet eller profilen.",
        "{{ rubirk }} i en mall",
        "Rätta namnet i mallen; nyckelreferensen visar vilka uppgifter som finns.",
        _B,
    ),
    "mall-saknar-tagg": Doc(
        "En mall i templates/ saknar en tagg som dokumenttypen behöver, t.ex. beslutspunkterna; "
        "handlingen skulle bli ofullständig. Rapporteras också av ”beslut check”.",
        "templates/tjänsteskrivelse.docx där {{p förslag }} har tagits bort",
        "Lägg tillbaka taggen (”beslut mallar” listar taggarna) eller bygg om mallarna med "
        "”beslut mallar --bygg”.",
        _B,
    ),
    "pdf-fel": Doc(
        "PDF-filen kan inte skapas, oftast för att LibreOffice saknas eller avbröts.",
        "beslut build utan LibreOffice installerat.",
        "Installera LibreOffice, eller bygg bara .docx med --format docx.",
        _B,
    ),
    "paketfel": Doc(
        "Sammanträdets handlingspaket kan inte sättas ihop.",
        "En bilaga som inte går att läsa som PDF.",
        "Rätta det meddelandet pekar på och bygg igen.",
        _B,
    ),
    "paket-ej-pdfa": Doc(
        "Paketet kan inte märkas som PDF/A eller PDF/UA eftersom en bilaga inte uppfyller kraven.",
        "En extern PDF-bilaga utan taggar.",
        "Be om en tillgänglig PDF, eller spara om bilagan som PDF/A med taggar.",
        _B,
    ),
    "sidnummer-instabila": Doc(
        "Paketets sidnummer ändras mellan två genomgångar och kan inte sättas säkert.",
        "Ett paket där innehållsförteckningen växer när sidnumren sätts.",
        "Bygg igen; kvarstår felet, meddela den som förvaltar beslut.",
        _B,
    ),
    "ärende-saknas-i-paket": Doc(
        "Ett ärende på föredragningslistan kom inte med i paketet.",
        "Ett ärende vars PDF inte kunde byggas.",
        "Rätta ärendets fel och bygg igen.",
        _B,
    ),
    "protokoll-läcker": Doc(
        "Det offentliga protokollet innehåller ett personnummer eller text ur en paragraf som "
        "inte publiceras; det offentliga protokollet publiceras inte.",
        "Ett personnummer i en paragrafs text, eller en mening ur en paragraf med sekretess som "
        "står i en annan paragraf.",
        "Ta bort uppgiften, eller ge paragrafen sekretess eller en offentlig rubrik, och bygg igen.",
        _B,
    ),
    "protokoll-underlag-fel": Doc(
        "Protokollet byggs inte eftersom dess sammanträde eller ett av dess ärenden inte kunde "
        "byggas.",
        "Ett ärende på föredragningslistan med ett fel i förslaget.",
        "Rätta felen i ärendet eller mötesfilen och bygg igen.",
        _B,
    ),
    "bilaga-konvertering": Doc(
        "En .docx- eller .odt-bilaga kan inte göras om till PDF.",
        "En .docx-bilaga som LibreOffice inte kan öppna.",
        "Öppna bilagan i Word och spara den som PDF.",
        _B,
    ),
    "bilaga-krypterad": Doc(
        "En bilaga är lösenordsskyddad och kan inte tas med.",
        "En PDF som kräver lösenord för att öppnas.",
        "Spara en version utan lösenord.",
        _B,
    ),
    "bilaga-för-stor": Doc(
        "En bilaga skulle packas upp till mer än beslut läser: en Word- eller ODT-fil som "
        "packas upp till mer än 200 MB, eller en PDF med en ström, sidträd eller lista över "
        "PDF-läsarens gränser. Så stora filer är nästan alltid trasiga eller gjorda för att "
        "fylla minnet (en ”zip-bomb”).",
        "En .docx på några MB som packas upp till flera GB.",
        "Öppna filen i programmet den gjordes i och spara eller skriv ut den som en ny PDF; "
        "dela en mycket stor bilaga i flera.",
        _B,
    ),
    "bilaga-skadad": Doc(
        "En bilaga är skadad eller tom (0 byte) och kan inte läsas.",
        "En PDF som bara laddats ned till hälften.",
        "Lägg in rätt fil igen.",
        _B,
    ),
    "bilaga-utan-text": Doc(
        "En PDF-bilaga har ingen sökbar text (troligen en skannad bild) och är inte tillgänglig.",
        "En inskannad PDF.",
        "Be om originalet, eller kör textigenkänning (OCR) på filen.",
        _B,
    ),
    "bilaga-sidformat": Doc(
        "En bilaga har sidor som inte är A4; de tas med i sin egen storlek.",
        "En bilaga i A3 liggande.",
        "Inget krävs; spara som A4 om paketet ska skrivas ut.",
        _B,
    ),
    "rubrik-nivå-1": Doc(
        "En rubrik med en # i texten; nivå 1 är dokumentets titel (”rubrik”).",
        "# Bakgrund",
        "Använd ## för avsnitt och ### för underrubriker.",
        _B,
    ),
    "rubriknivå-stöds-inte": Doc(
        "Rubriker på nivå 5 och djupare finns inte i mallen.",
        "##### Detalj",
        "Använd högst ####.",
        _B,
    ),
    "html-stöds-inte": Doc(
        "HTML i Markdowntexten tas inte med i dokumentet.",
        "<b>Viktigt</b>",
        "Skriv Markdown i stället: **Viktigt**.",
        _B,
    ),
    "tematisk-brytning": Doc(
        "En avdelare (---, ***) i texten tas inte med.",
        "Stycke.\n\n***\n\nStycke.",
        "Ta bort avdelaren; använd en rubrik för att dela texten.",
        _B,
    ),
    "lista-för-djup": Doc(
        "En lista i fler nivåer än mallen har.",
        "- a\n  - b\n    - c\n      - d",
        "Använd högst tre nivåer.",
        _B,
    ),
    # -- beslut granska (beslut.validate.pdf_audit) -----------------------------------------
    "pdf-oläslig": Doc(
        "Filen kan inte läsas som PDF: den finns inte, är en annan sorts fil eller är skadad.",
        "beslut granska protokoll.docx",
        "Kontrollera att det är rätt fil; spara om originalet som PDF.",
        _PDF,
    ),
    "pdf-krypterad": Doc(
        "PDF-filen är lösenordsskyddad eller har behörighetsskydd; PDF/A tillåter inte det och "
        "filen kan inte granskas.",
        "En PDF som kräver lösenord för att öppnas eller skrivas ut.",
        "Spara en version utan lösenord och behörighetsskydd.",
        _PDF,
    ),
    "pdf-ej-pdfa": Doc(
        "Filen är inte märkt som PDF/A (pdfaid:part och pdfaid:conformance i XMP-metadata), "
        "det format som krävs för arkivering.",
        "En PDF sparad med Skriv ut → Microsoft Print to PDF.",
        _RESAVE_PDFA,
        _PDF,
    ),
    "pdf-xmp-fel": Doc(
        "Filens XMP-metadata (egenskaperna i XML-form) är inte giltig XML.",
        "En PDF vars metadata har redigerats för hand.",
        _RESAVE_PDFA,
        _PDF,
    ),
    "pdf-xmp-schema-saknas": Doc(
        "XMP-metadata använder en namnrymd som inte ingår i PDF/A (t.ex. pdfuaid för PDF/UA) "
        "utan ett tilläggsschema under pdfaExtension:schemas som beskriver den och dess "
        "egenskaper.",
        "<pdfuaid:part>1</pdfuaid:part> utan pdfaExtension:schemas",
        _RESAVE_PDFA,
        _PDF,
    ),
    "pdf-metadata-olika": Doc(
        "Dokumentegenskaperna (Title, Author, Subject, Keywords, Producer, Creator, "
        "CreationDate, ModDate) och XMP-metadata säger olika saker; PDF/A kräver att de "
        "stämmer.",
        "Titeln i dokumentegenskaperna men ingen dc:title i XMP-metadata.",
        _RESAVE_PDFA,
        _PDF,
    ),
    "pdf-färgprofil-saknas": Doc(
        "Filen saknar en färgprofil för PDF/A (OutputIntent GTS_PDFA1 med en ICC-profil), så "
        "färgerna inte kan återges säkert i framtiden.",
        "En PDF utan /OutputIntents.",
        _RESAVE_PDFA,
        _PDF,
    ),
    "pdf-typsnitt-ej-inbäddat": Doc(
        "Ett typsnitt finns inte i filen; då kan texten se annorlunda ut hos mottagaren och "
        "PDF/A tillåter det inte.",
        "En PDF som använder Helvetica utan att bädda in det.",
        _RESAVE_PDFA,
        _PDF,
    ),
    "pdf-otillåten-åtgärd": Doc(
        "Filen innehåller JavaScript, start av andra program eller en annan åtgärd som PDF/A "
        "förbjuder.",
        "Ett formulär med en knapp som kör ett skript.",
        "Ta bort skript, knappar och makron i originalet och spara om som PDF/A.",
        _PDF,
    ),
    "pdf-ej-pdfua": Doc(
        "Filen är inte märkt som tillgänglig PDF/UA (pdfuaid:part saknas i XMP-metadata).",
        "En PDF exporterad utan tillgänglighetsinställningar.",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-språk": Doc(
        "Filen anger inte vilket språk texten är på (/Lang), så en skärmläsare kan läsa upp "
        "den med fel uttal.",
        "En PDF utan /Lang i katalogen.",
        "Ange språket i originalet (i Word: Granska → Språk → svenska) och exportera igen.",
        _PDF,
    ),
    "pdf-titel": Doc(
        "Filen saknar titel i XMP-metadata (dc:title) eller visar filnamnet i stället för "
        "titeln (ViewerPreferences/DisplayDocTitle).",
        "En PDF som visar ”dokument1.pdf” i fönstrets namnlist.",
        "Skriv en titel under Arkiv → Egenskaper i Word och exportera igen som taggad PDF.",
        _PDF,
    ),
    "pdf-ej-taggad": Doc(
        "Filen är inte taggad (inget strukturträd eller MarkInfo /Marked saknas), så en "
        "skärmläsare inte kan följa rubriker, listor och tabeller.",
        "En inskannad PDF, eller en PDF gjord med Skriv ut till PDF.",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-rollmappning": Doc(
        "Filens RoleMap gör om en standardtyp (t.ex. Quote till P); PDF/UA tillåter bara att "
        "egna typer mappas till standardtyper.",
        "/RoleMap << /Quote /P >>",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-okänd-strukturtyp": Doc(
        "Ett strukturelement har en typ som varken är standard eller mappas till en "
        "standardtyp i RoleMap, så en skärmläsare inte vet vad det är.",
        "Ett element /S /Rubrik utan /RoleMap << /Rubrik /H1 >>",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-rubriknivå": Doc(
        "Den första rubriken är inte H1, eller en rubriknivå hoppas över på vägen ned "
        "(H1 följd av H3), så rubrikstrukturen blir fel i en skärmläsare.",
        "Rubrik 1 följd direkt av Rubrik 3 i Word.",
        "Använd rubrikformaten i ordning (Rubrik 1, Rubrik 2, …) och exportera igen.",
        _PDF,
    ),
    "pdf-tabell-utan-th": Doc(
        "En tabell har ingen rubrikcell (TH), så en skärmläsare inte kan säga vilken kolumn "
        "ett värde hör till.",
        "En tabell i Word utan markerad rubrikrad.",
        "Markera första raden som rubrikrad (Tabellegenskaper → Rad → ”Upprepa som rubrikrad” "
        "i Word) och exportera igen.",
        _PDF,
    ),
    "pdf-th-utan-scope": Doc(
        "En rubrikcell (TH) anger inte om den gäller en kolumn eller en rad (/Scope i dess "
        "attribut).",
        "/S /TH utan /A << /O /Table /Scope /Column >>",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-bild-utan-alt": Doc(
        "En bild (Figure) saknar alternativtext (/Alt), så en skärmläsare inte kan beskriva den.",
        "En bild i Word utan alternativtext.",
        "Högerklicka på bilden i Word → ”Redigera alternativtext”, skriv vad bilden visar och "
        "exportera igen.",
        _PDF,
    ),
    "pdf-not-id": Doc(
        "En fotnot (Note) saknar /ID eller har samma /ID som en annan; PDF/UA kräver ett unikt "
        "ID per not.",
        "/S /Note utan /ID",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-länk-utan-text": Doc(
        "Ett Link-element har varken text (märkt innehåll) eller alternativtext (/Alt), så en "
        "skärmläsare läser bara ”länk” utan att säga vart den leder.",
        "/S /Link /K [<< /Type /OBJR … >>] utan /Alt och utan text",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-länk-otaggad": Doc(
        "En länk på sidan finns inte i strukturträdet som ett Link-element (med en OBJR som "
        "pekar på länken), så en skärmläsare inte hittar den.",
        "En länkannotering utan /StructParent.",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-annotering-otaggad": Doc(
        "En annotering (kommentar, formulärfält eller liknande) finns inte i strukturträdet.",
        "En kommentar tillagd i en PDF-läsare efter exporten.",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-tabs": Doc(
        "En sida med länkar eller andra annoteringar saknar tabbordning efter strukturen "
        "(/Tabs /S), så tabbtangenten hoppar i fel ordning.",
        "En sida med en länk men utan /Tabs.",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-struktur": Doc(
        "Strukturträdet stämmer inte med sidornas innehåll: taggat innehåll som saknas i "
        "trädet eller tvärtom, fel förälder, ett element som förekommer två gånger eller en "
        "felaktig ParentTree.",
        "En PDF där sidor har satts ihop utan att strukturträden följt med.",
        _RESAVE_TAGS,
        _PDF,
    ),
    "pdf-otaggat-innehåll": Doc(
        "Text på en sida som inte är taggad (inte heller markerad som sidhuvud eller annat "
        "dekorativt), så en skärmläsare kan hoppa över den.",
        "En sida som lagts till med ett annat program efter exporten.",
        _RESAVE_TAGS,
        _PDF,
    ),
}
"""The documentation of every code beslut can report."""


@dataclass(frozen=True)
class Entry:
    """Everything known about one code: registry facts and documentation."""

    code: str
    level: Level
    group: str
    summary: str
    locked: bool
    fixable: bool
    build: bool
    doc: Doc | None
    audit: bool = False
    """True for the codes of ``beslut granska`` (about a PDF file, not the workspace)."""


def entries() -> list[Entry]:
    """Return every registered code: content rules, load and validate codes, build codes."""
    found = [
        Entry(
            r.code,
            r.level,
            r.group,
            r.summary,
            r.code in LOCKED,
            r.fixable,
            False,
            DOCS.get(r.code),
        )
        for r in RULES.values()
    ]
    for table, build in ((CODES, False), (BUILD, True)):
        found += [
            Entry(
                c.code,
                c.level,
                c.group,
                c.summary,
                c.code in LOCKED,
                False,
                build,
                DOCS.get(c.code),
            )
            for c in table.values()
        ]
    found += [
        Entry(c.code, c.level, c.group, c.summary, False, False, False, DOCS.get(c.code), True)
        for c in AUDIT.values()
    ]
    return found


def suggestion(code: str) -> str | None:
    """Return the registered code closest to an unknown one, or None."""
    close = difflib.get_close_matches(code, [e.code for e in entries()], n=1, cutoff=0.6)
    return close[0] if close else None


def _level_line(entry: Entry) -> str:
    if entry.audit:
        return f"{entry.level.value} (rapporteras av ”beslut granska”; nivån kan inte ändras)"
    if entry.build:
        return f"{entry.level.value} (rapporteras när handlingarna byggs; nivån kan inte ändras)"
    if entry.locked:
        return f"{entry.level.value} (låst: kan höjas men inte sänkas i profilen)"
    return f"{entry.level.value} (kan ändras i profilen under kontroller.regler)"


def explain(code: str) -> str | None:
    """Return the documentation of one code as text for the terminal (None for an unknown code)."""
    entry = next((e for e in entries() if e.code == code), None)
    if entry is None:
        return None
    lines = [
        f"{entry.code} – {entry.summary}",
        "",
        f"Grupp: {entry.group}",
        f"Nivå:  {_level_line(entry)}",
    ]
    if entry.fixable:
        lines.append("Rättas av ”beslut check --fix”.")
    if entry.doc is not None:
        where = {
            Where.TEXT: "i ärendets text",
            Where.CASE: "i ärendets front matter",
            Where.PROFILE: "i content/profil.yaml",
            Where.MEETING: "i en sammanträdesfil",
            Where.FILE: "om en fil",
            Where.BUILD: "när handlingarna byggs",
            Where.PDF: "i en PDF-fil som beslut granska läser",
            Where.MINUTES: "i en protokollfil",
        }[entry.doc.where]
        example = "\n".join("    " + line for line in entry.doc.example.splitlines())
        lines += [
            "",
            "Vad det betyder",
            f"  {entry.doc.meaning}",
            "",
            f"Exempel ({where})",
            example,
            "",
            "Så rättar du",
            f"  {entry.doc.fix}",
        ]
    return "\n".join(lines) + "\n"


def listing() -> str:
    """Return every code with its level and one-line summary, grouped, for the terminal."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries():
        groups.setdefault(entry.group, []).append(entry)
    width = max(len(e.code) for e in entries())
    lines: list[str] = []
    for group, members in groups.items():
        lines += ["", group] if lines else [group]
        for entry in members:
            mark = "*" if entry.locked else " "
            lines.append(f"  {entry.code:<{width}}  {entry.level.value:<7} {mark} {entry.summary}")
    lines += ["", "* låst: nivån kan bara höjas.  Mer om en kod: beslut regel KOD"]
    return "\n".join(lines) + "\n"
