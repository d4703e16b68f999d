"""Content checks on the decision points (beslutspunkter).

A decision point is moved word for word into the protokoll, so it must stand on its own
(swedish-conventions.md §1.3, §2): it names what is decided instead of pointing to the
proposal or an attachment, carries one decision only, in numbered style has the organ as
subject, and leaves "att", numbering and punctuation to the renderer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from beslut.checks.base import Context
from beslut.checks.catalogue import RULES
from beslut.checks.prose import Block
from beslut.diagnostics import Diagnostic, Fix
from beslut.model.decisions import normalise_point
from beslut.model.models import DecisionSettings, DecisionStyle, Proposal, Punctuation
from beslut.validate.findings_cache import decode_findings, encode_findings
from beslut.validate.workspace import PLACEHOLDER

if TYPE_CHECKING:
    from beslut.validate.workspace import CaseDocument

POINTS = ("förslag", "beslutspunkter")
_SENTENCES = (DecisionStyle.NUMRERAD, DecisionStyle.ONUMRERAD)

# Finite (present tense) and infinitive forms of verbs that make a decision.
_VERBS: tuple[tuple[str, str], ...] = (
    ("godkänner", "godkänna"),
    ("antar", "anta"),
    ("fastställer", "fastställa"),
    ("ger", "ge"),
    ("uppdrar", "uppdra"),
    ("beslutar", "besluta"),
    ("överlämnar", "överlämna"),
    ("översänder", "översända"),
    ("avslår", "avslå"),
    ("bifaller", "bifalla"),
    ("noterar", "notera"),
    ("upphäver", "upphäva"),
    ("beviljar", "bevilja"),
    ("utser", "utse"),
    ("väljer", "välja"),
    ("föreslår", "föreslå"),
    ("lägger", "lägga"),
    ("återremitterar", "återremittera"),
    ("tillstyrker", "tillstyrka"),
    ("avstyrker", "avstyrka"),
    ("delegerar", "delegera"),
    ("förklarar", "förklara"),
    ("tilldelar", "tilldela"),
    ("anvisar", "anvisa"),
    ("avsätter", "avsätta"),
    ("tillsätter", "tillsätta"),
    ("anser", "anse"),
    ("besvarar", "besvara"),
    ("hemställer", "hemställa"),
    ("avger", "avge"),
    ("entledigar", "entlediga"),
    ("återkallar", "återkalla"),
    ("avskriver", "avskriva"),
    ("inrättar", "inrätta"),
)
_FINITE = frozenset(f for f, _ in _VERBS)
_INFINITIVE = frozenset(i for _, i in _VERBS)


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# One point, two decisions: a conjunction (or comma) followed by a second decision verb.
_SECOND_FINITE = re.compile(
    rf"(?:,\s*(?:och\s+|samt\s+)?|\s+(?:och|samt)\s+)({_alternatives(_FINITE)})\b", re.IGNORECASE
)
_SECOND_INFINITIVE = re.compile(
    rf"\s*(?:,\s*|\s+)(?:och|samt)\s+(?:att\s+(\w+)|({_alternatives(_INFINITIVE)})\b)",
    re.IGNORECASE,
)

# Phrases that point away from the decision instead of saying what it is.
_GENITIVE = r"(?:[\w-]+ ){0,2}?[\w-]+s "  # "förvaltningens ", "Hälso- och sjukvårdsnämndens "
_REFERRALS = re.compile(
    rf"\b(?:i enlighet med|enligt) (?:föreliggande |ovanstående |{_GENITIVE})?förslag\w*\b(?! till\b)"
    r"|\b(?:föreliggande|ovanstående) förslag\w*\b(?! till\b)"
    r"|\benligt ovan\b",
    re.IGNORECASE,
)
_BY_ATTACHMENT = re.compile(
    r"\b(?:enligt|i enlighet med) (?:bifogade? )?bilag(?:a|an|orna)\b(?:\s*\d+)?", re.IGNORECASE
)
# Words that do not name what is decided ("godkänner förslaget enligt bilaga 1").
_VAGUE = frozenset(
    {
        "förslaget",
        "förslag",
        "förslagen",
        "dokumentet",
        "handlingen",
        "handlingarna",
        "underlaget",
        "bilagan",
        "ärendet",
        "detta",
        "det",
        "den",
        "dessa",
        "de",
        "redovisade",
        "bifogade",
        "bifogat",
        "upprättade",
        "upprättat",
        "föreliggande",
        "ovanstående",
        "om",
        "att",
    }
)
# Stock numbered sentences without the organ as subject (swedish-conventions.md §2.2, §2.4).
_STOCK = re.compile(r"^(?:paragrafen förklaras omedelbart justerad|informationen noteras)$", re.I)
# A fix may not make a plain YAML scalar start with an indicator or end with ":".
_YAML_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield findings for every decision point of every case.

    What is found depends only on the case file and the profile, so it is kept per file
    (:meth:`Context.one_file`), fixes included.
    """
    for case in context.cases:
        compute = partial(_case_findings, context, case)
        yield from context.one_file(
            context.case_document(case), "förslag", compute, encode_findings, decode_findings
        )


def _case_findings(context: Context, case: CaseDocument) -> list[Diagnostic]:
    return list(_case_points(context, case))


@dataclass(frozen=True)
class PointToCheck:
    """One decision point of a förslag (or a protokoll's changed beslut) with what the rules
    need: its number through all blocks, its key path under the förslag, and the style,
    preset text and possible subjects that apply to it."""

    number: int
    path: tuple[str | int, ...]
    """("block", i, "beslutspunkter", j) or ("beslutspunkter", j), under the förslag's key."""
    text: str
    style: DecisionStyle
    preset: str
    subjects: list[str]


def points_to_check(
    proposal: Proposal, settings: DecisionSettings, organ: str | None
) -> Iterator[PointToCheck]:
    """Every point of ``proposal`` that is no scaffold placeholder, with its style resolved
    (block, else proposal, else ``settings``) and the organ's name last among the subjects."""
    number = 0
    for where, block in proposal.parts():
        style = block.style or proposal.style or settings.style
        punctuation = block.punctuation or proposal.punctuation or settings.punctuation
        own = any(
            v is not None
            for v in (block.style, block.punctuation, proposal.style, proposal.punctuation)
        )
        preset = preset_text(style, punctuation, own=own)
        subjects = [n for n in (block.decider, proposal.decider) if n]
        if organ is not None:
            subjects.append(organ)
        for index, point in enumerate(block.points):
            number += 1
            if PLACEHOLDER in point.text:
                continue  # still the scaffold's text; reported as a placeholder
            path = (*where, "beslutspunkter", index)
            yield PointToCheck(number, path, point.text, style, preset, subjects)


def _case_points(context: Context, case: CaseDocument) -> Iterator[Diagnostic]:
    document = context.case_document(case)
    blocks = {b.path: b for b in document.field_blocks}
    organ = context.profile.organ(case.case.organ)
    settings = context.profile.decision_for(case.case.doc_type)
    for point in points_to_check(case.case.proposal, settings, organ.name if organ else None):
        path: tuple[str | int, ...] = ("förslag", *point.path)
        if isinstance(_value(document.source.data, path), dict):
            path = (*path, "punkt")
        line, column = document.at(path)
        for code, message, fix in point_findings(
            point.number, point.text, point.style, point.preset, point.subjects, blocks.get(path)
        ):
            yield RULES[code].at(case.rel, line, column, message, fix)


def _value(data: object, path: tuple[str | int, ...]) -> object:
    """The raw value at a key path of the file's data, or None."""
    for key in path:
        if isinstance(key, int) and isinstance(data, list) and key < len(data):
            data = data[key]
        elif isinstance(key, str) and isinstance(data, dict):
            data = data.get(key)
        else:
            return None
    return data


def point_findings(
    number: int,
    raw: str,
    style: DecisionStyle,
    preset: str,
    subjects: list[str],
    block: Block | None,
) -> Iterator[tuple[str, str, Fix | None]]:
    """Yield (rule code, message, fix) for one decision point.

    ``number`` is the point's number in the message, ``preset`` the sentence of
    :func:`preset_text`, ``subjects`` who may start a numbered sentence (the decider first, the
    organ last) and ``block`` the point's text in the file (for a fix; None: no fix). The case
    förslag and a protokoll's changed beslut (:mod:`beslut.validate.minutes_rules`) both use it.
    """
    try:
        result = normalise_point(raw, style.value)
    except ValueError:
        yield (
            "beslutspunkt-normaliserad",
            f"Beslutspunkt {number} innehåller bara det som beslut själv lägger till. {preset} "
            "Skriv vad som beslutas.",
            None,
        )
        return
    text = result.text
    if result.changed:
        reasons = _quotes(_join(result.reasons))
        message = (
            f"Beslutspunkt {number} innehåller {reasons}, som inte ska stå i ärendet. {preset} "
            f"Skriv bara ”{text}”."
        )
        if any(re.match(r"inledande \"att[\s-]*(?:sats\s*)?\d", r) for r in result.reasons):
            message += (
                " Numrerade att-satser (att 1, att 2 …) får du med ”numrera: ja” under förslag "
                "(eller i profilens beslut)."
            )
        yield "beslutspunkt-normaliserad", message, _fix(block, text)
    referral = _referral(text)
    if referral:
        yield (
            "beslut-hänvisar",
            f"Beslutspunkt {number} hänvisar bort med ”{referral}” i stället för att säga vad som "
            "beslutas. Beslutspunkten ska gå att läsa i protokollet utan bilagorna: skriv ut vad "
            f"som beslutas, t.ex. ”{_example(style, subjects)}”.",
            None,
        )
    verbs = _two_decisions(text, style, subjects)
    if verbs:
        yield (
            "två-beslut",
            f"Beslutspunkt {number} innehåller två beslut (”{verbs[0]}” och ”{verbs[1]}”). Dela "
            "upp den i två beslutspunkter, så att varje beslut kan bifallas eller avslås för sig.",
            None,
        )
    if (
        style in _SENTENCES
        and subjects
        and not any(_starts_with(text, name) for name in subjects)
        and not _STOCK.match(text)
    ):
        whose = "instansen" if len(subjects) == 1 else f"{subjects[0]} (beslutande)"
        yield (
            "beslut-subjekt",
            f"Beslutspunkt {number} börjar inte med {whose}. I {style.value} stil är varje "
            f"beslutspunkt en hel mening med {whose} som subjekt, så att den kan flyttas "
            f"oförändrad till protokollet, t.ex. ”{subjects[0]} godkänner …”.",
            None,
        )


def _join(parts: tuple[str, ...]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _quotes(text: str) -> str:
    """Replace the straight quotes of :func:`normalise_point`'s reasons with ”…”."""
    return re.sub(r'"([^"]*)"', r"”\1”", text)


def preset_text(style: DecisionStyle, punctuation: Punctuation, *, own: bool) -> str:
    """Say what the renderer adds in this style, and whose choice the style is."""
    whose = "ärendets val" if own else "profilens förval"
    if style is DecisionStyle.NUMRERAD:
        return (
            f"Beslutspunkterna skrivs som numrerade meningar ({whose}): beslut numrerar dem "
            "själv och avslutar varje mening med punkt."
        )
    if style is DecisionStyle.ONUMRERAD:
        return (
            f"Beslutspunkterna skrivs som hela meningar utan nummer ({whose}): beslut avslutar "
            "varje mening med punkt."
        )
    if punctuation is Punctuation.INGEN:
        return (
            f"Beslutspunkterna skrivs som att-satser utan skiljetecken ({whose}): beslut sätter "
            "själv ut ”att” före varje punkt och punkt efter den sista."
        )
    mark = "semikolon" if punctuation is Punctuation.SEMIKOLON else "komma"
    return (
        f"Beslutspunkterna skrivs som att-satser med {mark} ({whose}): beslut sätter själv ut "
        f"”att” före varje punkt, {mark} mellan att-satserna, ”samt” före den sista och punkt "
        "efter den."
    )


def _fix(block: Block | None, text: str) -> Fix | None:
    """Return a fix writing the normalised point over a one-line YAML value, if safe."""
    if (
        block is None
        or len(block.spans) != 1
        or text.startswith(_YAML_INDICATORS)
        or text.endswith(":")
    ):
        return None
    span = block.spans[0]  # masked list markers ("1. ") are part of what is replaced
    if not span.fixable:
        return None
    return Fix(span.line, span.column, span.line, span.column + len(span.text), text)


def _referral(text: str) -> str | None:
    """Return the phrase by which a point points away from what it decides, if any."""
    found = _REFERRALS.search(text)
    if found:
        return found.group(0)
    for match in _BY_ATTACHMENT.finditer(text):
        words = re.findall(r"[\w-]+", text[: match.start()].casefold())
        verbs = [i for i, w in enumerate(words) if w in _FINITE or w in _INFINITIVE]
        named = [w for w in words[verbs[0] + 1 if verbs else 0 :] if w not in _VAGUE]
        if not named:
            return match.group(0)
    return None


def _two_decisions(text: str, style: DecisionStyle, subjects: list[str]) -> tuple[str, str] | None:
    """Return the two decision verbs of a point that carries two decisions, else None."""
    if style in _SENTENCES:
        second = _SECOND_FINITE.search(text)
        if not second:
            return None
        before = text[: second.start()]
        first = next((w for w in re.findall(r"\w+", before) if w.casefold() in _FINITE), None)
        subject = next((n for n in subjects if _starts_with(before, n)), None)
        if first is None and subject is not None:
            first = next(iter(before[len(subject) :].split()), None)
        return (first, second.group(1)) if first else None
    for second in _SECOND_INFINITIVE.finditer(text):
        before = text[: second.start()]
        if re.search(r"\batt\b", before, re.IGNORECASE):
            return None  # inside an embedded att-clause ("uppdra åt X att … och …")
        words = before.split()
        if words:
            return words[0], second.group(1) or second.group(2)
    return None


def _starts_with(text: str, name: str) -> bool:
    head = text[: len(name)]
    rest = text[len(name) : len(name) + 1]
    return (
        len(head) == len(name)
        and head[:1].casefold() == name[:1].casefold()
        and head[1:] == name[1:]
        and rest in ("", " ", "\u00a0")
    )


def _example(style: DecisionStyle, subjects: list[str]) -> str:
    if style in _SENTENCES:
        subject = subjects[0] if subjects else "Nämnden"
        return f"{subject} antar riktlinjer för … enligt bilaga 1"
    return "anta riktlinjer för … enligt bilaga 1"
