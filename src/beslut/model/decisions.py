"""Decision points (beslutspunkter): normalisation and rendering.

Cases store decision points as plain clauses. Numbering, the leading "att", the
punctuation between the lines and the "samt" before the last point are added by
:func:`render_points`, following swedish-conventions.md §2.2:

* ``att-satser`` with punctuation ``semikolon`` (preset A, default), ``komma``
  (preset B) or ``ingen`` (preset C);
* ``numrerad``: numbered full sentences, each ending with a full stop;
* ``onumrerad``: full sentences without numbers (e.g. one sentence "Kommunstyrelsen
  godkänner …");
* att-satser may be numbered as in a motion ("att 1", "att 2" …, ``numbered=True``).

A point may carry a bulleted list (``items``): the point's text then ends with a colon and
the separator, "samt" or final stop that would end the point goes after the last item.

Authors often paste points with that punctuation already in place; :func:`normalise_point`
removes it again and reports what it removed, so rendering never doubles it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "PUNCTUATIONS",
    "SENTENCE_STYLES",
    "STYLES",
    "NormalisedPoint",
    "RenderedPoint",
    "full_line",
    "normalise_point",
    "render_points",
]

STYLES: tuple[str, ...] = ("att-satser", "numrerad", "onumrerad")
SENTENCE_STYLES: tuple[str, ...] = ("numrerad", "onumrerad")
"""Styles whose points are full sentences (the organ as subject, capital, final stop)."""
PUNCTUATIONS: tuple[str, ...] = ("semikolon", "komma", "ingen")

# Abbreviations whose final full stop belongs to the word and must survive
# normalisation ("… m.m." is not followed by another "." and takes "m.m.;").
_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "bl.a",
        "d.v.s",
        "dvs",
        "etc",
        "exkl",
        "fr.o.m",
        "inkl",
        "jfr",
        "m.fl",
        "m.m",
        "o.d",
        "o.dyl",
        "o.s.v",
        "osv",
        "resp",
        "s.k",
        "t.ex",
        "t.o.m",
        "u.p.a",
    }
)

# Whitespace other than (narrow) no-break spaces, which authors put there on purpose.
_BREAKING_WS_RE = re.compile(r"[^\S\u00a0\u202f]+")
_LEADING_BULLET_RE = re.compile(r"^([-–•*])\s+")
_LEADING_ATT_RE = re.compile(r"^att(?:\s+|$)", re.IGNORECASE)
# A motion's numbered att ("att1", "att 1.", "att-sats 1"), never "att 1 000 kr …".
_LEADING_NUMBERED_ATT_RE = re.compile(
    r"^(att(?:\d{1,2}|[\s-]sats\s*\d{1,2}[.)]?|\s+\d{1,2}[.)]))(?:\s+|$)", re.IGNORECASE
)
_LEADING_SAMT_RE = re.compile(r"^samt\s+(?=att(?:\s|$))", re.IGNORECASE)
_LEADING_NUMBER_RE = re.compile(r"^(\d{1,3})\s*([.)])\s*")
_TRAILING_SAMT_RE = re.compile(r"\s*([;,]?)\s*(?<!\w)samt$", re.IGNORECASE)
_TRAILING_PUNCT_RE = re.compile(r"\s*([;,.][;,.\s]*)$")
_FINAL_MARKS = (".", "?", "!")


@dataclass(frozen=True)
class NormalisedPoint:
    """A decision point with the renderer's punctuation and labels removed.

    ``changed`` is True when anything other than whitespace was removed;
    ``reasons`` describes each removal in Swedish (for messages to the author).
    """

    text: str
    changed: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RenderedPoint:
    """One rendered line: ``label`` ("att", "1.", "att 1", or "" for an unnumbered sentence),
    ``text`` with punctuation and the bulleted ``items`` under it (the last one punctuated)."""

    label: str
    text: str
    items: tuple[str, ...] = ()


def _check_style(style: str) -> None:
    if style not in STYLES:
        allowed = ", ".join(f'"{s}"' for s in STYLES)
        raise ValueError(f'Okänd stil för beslutspunkter "{style}". Tillåtna stilar: {allowed}.')


def _check_punctuation(punctuation: str) -> None:
    if punctuation not in PUNCTUATIONS:
        allowed = ", ".join(f'"{p}"' for p in PUNCTUATIONS)
        raise ValueError(f'Okänd interpunktion "{punctuation}". Tillåtna värden: {allowed}.')


def _collapse_whitespace(raw: str) -> str:
    text = _BREAKING_WS_RE.sub(" ", raw)
    # A no-break space next to an ordinary space: keep just the no-break space.
    text = re.sub(r" ?([\u00a0\u202f]) ?", r"\1", text)
    return text.strip()


def _ends_with_abbreviation(text: str) -> bool:
    """True if ``text + "."`` ends with a known abbreviation such as "m.m."."""
    words = text.split()
    return bool(words) and words[-1].lower() in _ABBREVIATIONS


def _strip_trailing(text: str, style: str, reasons: list[str]) -> str:
    """Remove trailing ";", ",", "." and "samt" until none is left."""
    while True:
        samt = _TRAILING_SAMT_RE.search(text)
        if samt:
            mark = samt.group(1)
            reasons.append(f'avslutande "{mark} samt"' if mark else 'avslutande "samt"')
            text = text[: samt.start()].rstrip()
            continue
        punct = _TRAILING_PUNCT_RE.search(text)
        if not punct:
            return text
        head = text[: punct.start()]
        run = re.sub(r"\s", "", punct.group(1))
        if run.startswith(".") and _ends_with_abbreviation(head):
            # "m.m." / "m.m.;": the first full stop belongs to the abbreviation.
            head += "."
            run = run[1:]
            if not run:
                return text
        if not (style in SENTENCE_STYLES and run == "."):
            # In numbered sentences a single final "." is correct; the renderer re-adds it.
            reasons.append(f'avslutande "{run}"')
        text = head.rstrip()


def normalise_point(raw: str, style: str) -> NormalisedPoint:
    """Normalise one decision point written as a plain clause or pasted line.

    Collapses whitespace and removes what the renderer adds itself: for
    ``att-satser`` a leading "att" (any case), a leading "samt" before "att",
    trailing ";", ",", "." and a trailing "samt"/"; samt"/", samt"; for
    ``numrerad`` and ``onumrerad`` leading numbering ("1.", "1)", "1 ."), trailing ";",
    "," and "samt", and a final "." (normalised silently, it is not reported as a change).
    A leading list bullet ("-", "–", "•") and a motion's numbered att ("att1", "att 1.",
    "att-sats 1") are removed in every style.
    """
    _check_style(style)
    text = _collapse_whitespace(raw)
    reasons: list[str] = []

    bullet = _LEADING_BULLET_RE.match(text)
    if bullet:
        reasons.append(f'inledande listtecken "{bullet.group(1)}"')
        text = text[bullet.end() :]

    numbered_att = _LEADING_NUMBERED_ATT_RE.match(text)
    if numbered_att:
        # "att1 …" is never a word: beslut numbers att-satser itself (numrera: ja).
        reasons.append(f'inledande "{numbered_att.group(1)}"')
        text = text[numbered_att.end() :]

    if style == "att-satser":
        samt = _LEADING_SAMT_RE.match(text)
        if samt:
            reasons.append('inledande "samt"')
            text = text[samt.end() :]
        att = _LEADING_ATT_RE.match(text)
        if att:
            reasons.append('inledande "att"')
            text = text[att.end() :]
    else:
        numbering = _LEADING_NUMBER_RE.match(text)
        if numbering:
            reasons.append(f'inledande numrering "{numbering.group(1)}{numbering.group(2)}"')
            text = text[numbering.end() :]

    text = _strip_trailing(text.strip(), style, reasons)
    if not text:
        raise ValueError(f"Beslutspunkten är tom: {raw!r}.")
    return NormalisedPoint(text=text, changed=bool(reasons), reasons=tuple(reasons))


def _with_final_stop(text: str) -> str:
    return text if text.endswith(_FINAL_MARKS) else text + "."


def _att_suffixes(count: int, punctuation: str) -> list[str]:
    """What follows each att-sats: separators, "samt" and the final full stop."""
    if punctuation == "ingen":
        return [""] * (count - 1) + ["."]
    separator = ";" if punctuation == "semikolon" else ","
    if count == 1:
        return ["."]
    return [separator] * (count - 2) + [f"{separator} samt", "."]


def _item_text(raw: str) -> str:
    """A list item without trailing separators (the renderer punctuates the last one)."""
    text = _collapse_whitespace(raw)
    text = _LEADING_BULLET_RE.sub("", text)
    while text and text[-1] in ";,":
        text = text[:-1].rstrip()
    if text.endswith(".") and not _ends_with_abbreviation(text[:-1]):
        text = text[:-1].rstrip()
    return text


def _with_list(text: str, items: Sequence[str], suffix: str) -> tuple[str, tuple[str, ...]]:
    """Move the point's ending to its last list item; the point itself ends with a colon."""
    cleaned = [_item_text(i) for i in items if _item_text(i)]
    if not cleaned:
        return text + suffix if suffix != "." else _with_final_stop(text), ()
    head = text if text.endswith(":") else text + ":"
    last = cleaned[-1]
    last = _with_final_stop(last) if suffix == "." else last + suffix
    return head, (*cleaned[:-1], last)


def render_points(
    points: Sequence[str],
    style: str,
    punctuation: str,
    *,
    numbered: bool = False,
    items: Sequence[Sequence[str]] | None = None,
) -> list[RenderedPoint]:
    """Render decision points as att-satser, numbered or unnumbered sentences.

    ``style`` is "att-satser", "numrerad" or "onumrerad"; ``punctuation`` is "semikolon",
    "komma" or "ingen" and is ignored for sentences. ``numbered`` numbers att-satser ("att 1").
    ``items`` gives each point's bulleted list (or nothing). Points are normalised first, so
    punctuation in the input is never doubled.
    """
    _check_style(style)
    if isinstance(points, str):
        raise TypeError("Beslutspunkterna ska vara en lista, inte en sträng.")
    if not points:
        raise ValueError("Det finns inga beslutspunkter att återge.")
    texts = [normalise_point(p, style).text for p in points]
    lists: list[Sequence[str]] = list(items) if items is not None else [() for _ in texts]
    if len(lists) != len(texts):
        raise ValueError("Varje beslutspunkt ska ha en lista (eller ingen).")

    if style in SENTENCE_STYLES:
        rendered = []
        for i, (t, listed) in enumerate(zip(texts, lists, strict=True), start=1):
            sentence = t[:1].upper() + t[1:]
            label = f"{i}." if style == "numrerad" else ""
            text, shown = _with_list(sentence, listed, ".")
            rendered.append(RenderedPoint(label=label, text=text, items=shown))
        return rendered

    _check_punctuation(punctuation)
    result: list[RenderedPoint] = []
    suffixes = _att_suffixes(len(texts), punctuation)
    for i, (text, suffix, listed) in enumerate(zip(texts, suffixes, lists, strict=True), start=1):
        label = f"att\u00a0{i}" if numbered else "att"
        if listed:
            line, shown = _with_list(text, listed, suffix)
        else:
            line, shown = (_with_final_stop(text) if suffix == "." else text + suffix), ()
        result.append(RenderedPoint(label=label, text=line, items=shown))
    return result


def full_line(p: RenderedPoint) -> str:
    """The whole line, label included: "att godkänna …;" or "1. Nämnden fastställer …."."""
    return f"{p.label} {p.text}" if p.label else p.text
