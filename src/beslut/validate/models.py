"""Stage 2, validate: raw sources → models, with every problem located and in Swedish.

pydantic reports errors by key path; the position map from the loader turns each path into a
line and column. Rules that need more than one field or file (diarienummer format, known organ,
attachments, duplicate diarienummer, required sections) run after the models are built.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from beslut.diagnostics import Diagnostic, error, warning
from beslut.load.source import Source
from beslut.load.yamlpos import PathKey
from beslut.model.typography import MONTHS

M = TypeVar("M", bound=BaseModel)


def _aliases(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _submodel(model: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    """Return the model class that owns the mapping at ``path`` (for key suggestions)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        current = _innermost_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _innermost_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _innermost_model(arg)
        if found is not None:
            return found
    return None


def _key_name(loc: PathKey) -> str:
    names = [str(p) for p in loc if isinstance(p, str)]
    return names[-1] if names else "(filen)"


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _date_problem(value: Any, key: str) -> str:
    text = str(value)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12:
            days = calendar.monthrange(year, month)[1]
            if day > days or day < 1:
                return f"Datumet {text} finns inte: {MONTHS[month - 1]} {year} har {days} dagar."
        else:
            return f"Datumet {text} finns inte: månaden måste vara 01–12."
    return f"”{key}” ska vara ett datum på formen ÅÅÅÅ-MM-DD, t.ex. 2025-09-10 (inte ”{text}”)."


def _expected_list(ctx: dict[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return expected.replace("'", "”").replace(" or ", " eller ")


def _model_path(loc: tuple[int | str, ...]) -> PathKey:
    """Drop pydantic's union/type tags ('str', 'int', …) that are not keys in the file."""
    return tuple(p for p in loc if isinstance(p, int) or not p.startswith(("function-", "tagged-")))


def _message(err: ErrorDetails, model: type[BaseModel]) -> tuple[str, str]:
    """Return (Swedish message, code) for one pydantic error."""
    kind = err["type"]
    loc = _model_path(err["loc"])
    key = _key_name(loc)
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    if kind == "missing":
        return f"Obligatorisk uppgift ”{key}” saknas. Lägg till ”{key}: …”.", "saknas"
    if kind == "extra_forbidden":
        owner = _submodel(model, tuple(loc[:-1]))
        allowed = _aliases(owner) if owner else []
        close = _suggest(key, allowed)
        if close:
            return f"Okänd nyckel ”{key}” – menade du ”{close}”?", "okänd-nyckel"
        listed = ", ".join(a for a in allowed if a != "$schema")
        hint = f" Tillåtna nycklar här: {listed}." if listed else ""
        return f"Okänd nyckel ”{key}”.{hint}", "okänd-nyckel"
    if kind in {
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "date_from_datetime_inexact",
    }:
        return _date_problem(value, key), "ogiltigt-datum"
    if kind in {"enum", "literal_error"}:
        close = _suggest(str(value), re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        hint = f" Menade du ”{close}”?" if close else ""
        return (
            f"”{key}” kan inte vara ”{value}”. Tillåtna värden: {_expected_list(ctx)}.{hint}",
            "ogiltigt-värde",
        )
    if kind == "inga_beslutspunkter":
        return str(err["msg"]), "inga-beslutspunkter"
    if kind == "too_short" and key == "beslutspunkter":
        return (
            "Förslaget har inga beslutspunkter. Skriv minst en beslutspunkt under ”beslutspunkter:”, "
            "en per rad som börjar med -.",
            "inga-beslutspunkter",
        )
    if kind == "too_short":
        return f"”{key}” får inte vara tom; ange minst {ctx.get('min_length', 1)}.", "för-kort"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        length = len(value) if isinstance(value, str) else "fler"
        return (
            f"”{key}” är för lång: {length} tecken, men högst {limit} tecken är tillåtet. "
            "Korta texten; det som inte får plats kan stå i brödtexten.",
            "för-lång",
        )
    if kind == "string_too_short":
        return f"”{key}” får inte vara tom.", "tomt-värde"
    if kind == "string_type":
        return (
            f"”{key}” ska vara text. Sätt värdet inom citattecken om det ser ut som ett tal.",
            "fel-typ",
        )
    if kind in {"int_parsing", "int_type", "float_parsing", "float_type", "decimal_parsing"}:
        return f"”{key}” ska vara ett tal, inte ”{value}”.", "fel-typ"
    if kind in {"list_type", "tuple_type"}:
        return f"”{key}” ska vara en lista: en rad per punkt som börjar med - .", "fel-typ"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"”{key}” ska vara en grupp av nycklar på indragna rader (nyckel: värde).", "fel-typ"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"”{key}” ska vara ja eller nej (true/false).", "fel-typ"
    if kind == "string_pattern_mismatch":
        return f"”{key}” har fel format: ”{value}”.", "fel-format"
    if kind == "value_error":
        reason = str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
        return f"”{key}”: {reason}.", "ogiltigt-värde"
    bounds = {
        "greater_than_equal": "minst",
        "greater_than": "större än",
        "less_than_equal": "högst",
        "less_than": "mindre än",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")  # pydantic's ctx: {"ge": 1} and so on
        return f"”{key}” ska vara {bounds[kind]} {limit}, inte ”{value}”.", "ogiltigt-värde"
    if kind == "too_long":
        return (
            f"”{key}” har för många värden: högst {ctx.get('max_length')} är tillåtet.",
            "ogiltigt-värde",
        )
    # pydantic's own text is English: never shown; the value and the key say enough
    return f"”{key}” kan inte vara ”{value}”. Se ”beslut regel ogiltigt-värde”.", "ogiltigt-värde"


def _in_data(loc: PathKey, data: Any) -> PathKey:
    """The key path as written in the file: a list index the model added to a value written in
    short form (one person for a list of persons, a point written as text) is dropped, and so is
    a key below a value that is not a group."""
    path: list[str | int] = []
    for key in loc:
        if isinstance(key, int) and isinstance(data, dict):
            continue  # one group written where a list of groups is stored
        if isinstance(key, str) and not isinstance(data, dict):
            break  # a text written where a group is stored
        path.append(key)
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else None
        else:
            data = data.get(key)
    return tuple(path)


def _position(err: ErrorDetails, source: Source) -> tuple[int, int]:
    loc = _in_data(_model_path(err["loc"]), source.data)
    if err["type"] == "missing":
        parent = tuple(loc[:-1])
        pos = source.positions.find(parent, want_key=True) if parent else source.positions.root
    elif err["type"] == "extra_forbidden":
        pos = source.positions.find(loc, want_key=True)
    else:
        pos = source.positions.find(loc)
    return pos.line, pos.column


def _without_misspelt_missing(
    errors: list[ErrorDetails], model: type[BaseModel]
) -> list[ErrorDetails]:
    """Drop "missing X" when an unknown key right beside it is a misspelling of X."""
    suggested = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _model_path(err["loc"])
            owner = _submodel(model, tuple(loc[:-1]))
            close = _suggest(_key_name(loc), _aliases(owner) if owner else [])
            if close:
                suggested.add((*loc[:-1], close))
    return [
        e for e in errors if not (e["type"] == "missing" and _model_path(e["loc"]) in suggested)
    ]


def build_model(model: type[M], source: Source) -> tuple[M | None, list[Diagnostic]]:
    """Validate a source against a model; translate every error to a located diagnostic."""
    try:
        return model.model_validate(source.data), []
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        for err in _without_misspelt_missing(errors, model):
            message, code = _message(err, model)
            line, column = _position(err, source)
            problems.append(error(source.rel, line, column, message, code))
        return None, problems


def check_attachment_path(
    raw: str, case_path: Path, root: Path
) -> tuple[Path | None, str | None, str]:
    """Resolve an attachment path; return (path, Swedish problem, code)."""
    if Path(raw).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", raw):
        return (
            None,
            (
                f"Bilagan ”{raw}” har en absolut sökväg. Ange sökvägen relativt till ärendefilen, "
                "t.ex. ../bilagor/fil.pdf, och lägg filen i arbetsytan."
            ),
            "bilaga-absolut",
        )
    resolved = (case_path.parent / raw).resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        return (
            None,
            (
                f"Bilagan ”{raw}” pekar utanför arbetsytan. Lägg filen i arbetsytan, t.ex. i content/bilagor/."
            ),
            "bilaga-utanför",
        )
    if not resolved.is_file():
        return (
            None,
            (
                f"Bilagan ”{raw}” finns inte. Kontrollera filnamnet (stora och små bokstäver räknas) "
                "och att sökvägen är relativ till ärendefilen."
            ),
            "bilaga-saknas",
        )
    if resolved.suffix.lower() not in {".pdf", ".docx", ".odt"}:
        return (
            None,
            (f"Bilagan ”{raw}” har ett format som inte stöds; använd PDF, DOCX eller ODT."),
            "bilaga-format",
        )
    return resolved, None, ""


def duplicates(items: Sequence[tuple[str, str, int, int]]) -> list[Diagnostic]:
    """Report diarienummer used by more than one case; items are (dnr, rel, line, col)."""
    seen: dict[str, tuple[str, int]] = {}
    problems = []
    for dnr, rel, line, column in sorted(items, key=lambda i: (i[1], i[2])):
        if dnr in seen:
            first_rel, first_line = seen[dnr]
            problems.append(
                error(
                    rel,
                    line,
                    column,
                    f"Diarienumret ”{dnr}” används redan i {first_rel}:{first_line}. "
                    "Varje ärende ska ha ett eget diarienummer.",
                    "dubblett-diarienummer",
                )
            )
        else:
            seen[dnr] = (rel, line)
    return problems


def note(source: Source, path: PathKey, message: str, code: str, *, is_error: bool) -> Diagnostic:
    """Return a diagnostic located at a key path of a source."""
    pos = source.positions.find(path)
    make = error if is_error else warning
    return make(source.rel, pos.line, pos.column, message, code)
