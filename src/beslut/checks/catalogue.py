"""The catalogue of content checks: one entry per rule, with its code, default level and a
Swedish summary. The catalogue drives ``beslut check --regler``, the profile's ``kontroller``
settings, file exemptions (``undantag``) and the README reference."""

from __future__ import annotations

from dataclasses import dataclass

from beslut.diagnostics import Diagnostic, Fix, Level


@dataclass(frozen=True)
class Rule:
    """One content check."""

    code: str
    level: Level
    group: str
    summary: str
    fixable: bool = False
    exemptable: bool = True
    """False when a file may not exempt itself (``undantag``), e.g. personal data."""

    def at(
        self, path: str, line: int, column: int, message: str, fix: Fix | None = None
    ) -> Diagnostic:
        """Return a finding of this rule at a position, at the rule's default level."""
        return Diagnostic(path, line, column, self.level, message, self.code, fix)


_E, _W = Level.ERROR, Level.WARNING

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        # 1. Beslutspunkter
        Rule(
            "beslut-hänvisar",
            _W,
            "Beslutspunkter",
            "Beslutspunkten hänvisar bort (”i enlighet med föreliggande förslag”, ”enligt bilaga”) "
            "i stället för att stå på egna ben.",
        ),
        Rule("två-beslut", _W, "Beslutspunkter", "En beslutspunkt innehåller två beslut."),
        Rule(
            "beslut-subjekt",
            _W,
            "Beslutspunkter",
            "I numrerad stil ska varje beslutspunkt börja med instansen som subjekt.",
        ),
        Rule(
            "beslutspunkt-normaliserad",
            _W,
            "Beslutspunkter",
            "Beslutspunkten har egna skiljetecken, att, samt eller numrering som beslut sätter "
            "enligt profilens förval.",
            fixable=True,
        ),
        # 2. Avsnitt
        Rule(
            "avsnitt-saknas",
            _E,
            "Avsnitt",
            "Ett avsnitt som profilen kräver saknas.",
        ),
        Rule("tomt-avsnitt", _E, "Avsnitt", "Ett obligatoriskt avsnitt är tomt."),
        Rule(
            "konsekvens-saknas",
            _E,
            "Avsnitt",
            "Ett konsekvensavsnitt som profilen kräver saknas eller säger inte uttryckligen om "
            "ärendet påverkar.",
        ),
        # 3. Typografi
        Rule("procent", _W, "Typografi", "Procenttecken utan mellanslag (15% → 15 %).", True),
        Rule(
            "siffergruppering",
            _W,
            "Typografi",
            "Stora tal utan mellanslag mellan siffergrupperna (12500000 → 12 500 000).",
            True,
        ),
        Rule(
            "tankstreck-intervall",
            _W,
            "Typografi",
            "Bindestreck i stället för tankstreck i intervall (2022-2025 → 2022–2025).",
            True,
        ),
        Rule("minustecken", _W, "Typografi", "Bindestreck som minustecken (-50 → −50).", True),
        Rule(
            "valutaförkortning",
            _W,
            "Typografi",
            "Mkr, MSEK, kkr och liknande där profilen vill ha mnkr, tkr och mdkr.",
            True,
        ),
        Rule(
            "klockslag",
            _W,
            "Typografi",
            "Klockslag med kolon eller utan punkt (kl 13:00 → kl. 13.00).",
            True,
        ),
        Rule("upprepat-ord", _W, "Typografi", "Samma ord två gånger i följd (Mkr Mkr)."),
        Rule("justeringsman", _W, "Typografi", "”Justeringsman” i stället för ”justerare”.", True),
        Rule("dubbla-mellanslag", _W, "Typografi", "Två eller fler mellanslag i rad.", True),
        Rule(
            "inklistrad-lista",
            _W,
            "Typografi",
            "Punkt- eller numrerad lista inklistrad från Word (•, o, 1) och tabb) som Markdown "
            "slår ihop till ett stycke.",
            True,
        ),
        Rule(
            "inklistrad-tabell",
            _W,
            "Typografi",
            "Tabell med tabbar mellan kolumnerna, inklistrad från Word, som Markdown slår ihop "
            "till ett stycke.",
            True,
        ),
        Rule(
            "datumformat",
            _W,
            "Datum",
            "Datum skrivet som 250910 eller 25-09-10 i stället för 2025-09-10.",
        ),
        # 4. Tal
        Rule(
            "summa-stämmer-inte",
            _E,
            "Tal",
            "En angiven summa stämmer inte med tabellens rader.",
        ),
        Rule("radsumma", _E, "Tal", "En summakolumn stämmer inte med radens övriga belopp."),
        Rule(
            "delsumma-stämmer-inte",
            _E,
            "Tal",
            "En angiven delsumma stämmer inte med raderna ovanför.",
        ),
        Rule(
            "dubblett-rad", _W, "Tal", "Samma radetikett (t.ex. ett årtal) förekommer två gånger."
        ),
        Rule(
            "källtabell",
            _E,
            "Tal",
            "En sammanställningsrad stämmer inte med tabellen den sammanfattar.",
        ),
        # 5. Datum
        Rule("tidsfrist", _W, "Datum", "En tidsfrist (”senast …”) ligger före beslutsdagen."),
        Rule("fel-veckodag", _E, "Datum", "Veckodagen stämmer inte med datumet."),
        # 6. Hänvisningar
        Rule(
            "fil-ej-listad",
            _W,
            "Hänvisningar",
            "En fil i arbetsytan är inte listad som bilaga eller handling någonstans.",
        ),
        Rule(
            "beslutsunderlag-ordning",
            _W,
            "Hänvisningar",
            "Beslutsunderlaget ska börja med handlingen själv, med rätt datum.",
        ),
        # 7. Läsbarhet
        Rule("lix", _W, "Läsbarhet", "Avsnittet har för högt LIX (läsbarhetsindex)."),
        Rule("lång-mening", _W, "Läsbarhet", "Meningen är längre än profilens gräns."),
        # 8. Personuppgifter
        Rule(
            "personnummer",
            _E,
            "Personuppgifter",
            "Personnummer eller samordningsnummer i text som publiceras.",
            exemptable=False,
        ),
        Rule(
            "bilaga-ej-granskad",
            _E,
            "Personuppgifter",
            "En bilaga kunde inte läsas och granskas för personnummer (fel om den publiceras, "
            "annars varning).",
            exemptable=False,
        ),
    )
}


def rule(code: str) -> Rule:
    """Return the rule with this code (KeyError for an unknown code)."""
    return RULES[code]
