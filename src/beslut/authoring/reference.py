"""The input-format reference in the README, generated from the models' Swedish descriptions."""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from beslut.model.minutes import Minutes
from beslut.model.models import Case, Meeting, Profile

_TYPE_NAMES = {str: "text", int: "tal", float: "tal", Decimal: "tal", bool: "ja/nej"}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        names = dict.fromkeys(_type_name(a) for a in args)
        if "ja/nej" in names:  # bool written as true/false or ja/nej
            names.pop("ja / nej", None)
        return " eller ".join(names)
    if origin is typing.Annotated:
        written = _written_as(typing.get_args(annotation)[1:])
        return _type_name(written if written is not None else args[0])
    if origin in (tuple, list):
        return f"lista av {_type_name(args[0])}" if args else "lista"
    if origin is dict:
        key = typing.get_args(annotation)[0]
        if hasattr(key, "__members__"):
            return "grupp per dokumenttyp"
        return f"grupp av {_type_name(typing.get_args(annotation)[1])} per namn"
    if origin is typing.Literal:
        return " / ".join(str(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "grupp"
    if hasattr(annotation, "__members__"):
        return " / ".join(m.value for m in annotation)
    if getattr(annotation, "__name__", "") == "date":
        return "datum"
    return _TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _written_as(metadata: typing.Iterable[Any]) -> Any:
    """What a value may be written as, when a validator accepts more than it stores (e.g. one
    person or a list of persons); None when it accepts only what it stores."""
    for item in metadata:
        written = getattr(item, "json_schema_input_type", None)
        if written is not None and written is not PydanticUndefined:
            return written
    return None


def _nested(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in typing.get_args(annotation):
        found.extend(_nested(arg))
    return found


def _table(model: type[BaseModel], prefix: str, seen: set[type[BaseModel]]) -> list[str]:
    rows = []
    children: list[tuple[str, type[BaseModel]]] = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key == "$schema":
            continue
        required = "ja" if field.is_required() else ""
        written = _written_as(field.metadata)
        shown = _type_name(written if written is not None else field.annotation)
        rows.append(f"| `{prefix}{key}` | {shown} | {required} | {field.description or ''} |")
        for child in _nested(field.annotation):
            if child not in seen:
                seen.add(child)
                children.append((f"{prefix}{key}.", child))
    for child_prefix, child in children:
        rows.extend(_table(child, child_prefix, seen))
    return rows


def markdown_reference() -> str:
    """Return the key reference for profile, case, meeting and protokoll files as tables."""
    parts = []
    for title, model in (
        ("Ärendefil (`content/**/*.md`)", Case),
        ("Sammanträde (`typ: sammanträde`)", Meeting),
        ("Protokoll (`typ: protokoll`)", Minutes),
        ("Organisationsprofil (`content/profil.yaml`)", Profile),
    ):
        header = ["| Nyckel | Typ | Krävs | Beskrivning |", "|---|---|---|---|"]
        parts.append(f"### {title}\n\n" + "\n".join(header + _table(model, "", set())) + "\n")
    parts.append(_rules())
    return "\n".join(parts)


def _rules() -> str:
    """Return the content checks as a Markdown table (from the rule catalogue)."""
    from beslut.checks.catalogue import RULES
    from beslut.validate.codes import AUDIT, BUILD, CODES

    rows = [
        "### Innehållskontroller (`beslut check`)",
        "",
        "Nivån kan ändras för varje kod i profilen under `kontroller.regler` (av, varning, fel), "
        "både för innehållskontrollerna här och för de övriga koderna nedan. `personnummer` och "
        "koderna markerade ”ja” under Låst får bara höjas, aldrig sänkas. "
        "En fil kan undanta sig från en regel med `undantag:` (regel och skäl), utom "
        "personnummer. Regler markerade ”ja” rättas av `beslut check --fix`. "
        "`beslut regel KOD` förklarar en kod med ett exempel och hur den rättas; "
        "`beslut regel` listar alla.",
        "",
        "| Regel | Grupp | Nivå | Rättas | Vad kontrolleras |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        rows.append(
            f"| `{rule.code}` | {rule.group} | {rule.level.value} | "
            f"{'ja' if rule.fixable else ''} | {rule.summary} |"
        )
    rows += [
        "",
        "#### Övriga koder",
        "",
        "Koderna när filerna läses och valideras. ”Låst” betyder att nivån inte får sänkas: då "
        "skulle något fel eller hemligt kunna byggas och publiceras.",
        "",
        "| Kod | Grupp | Nivå | Låst | Vad det betyder |",
        "|---|---|---|---|---|",
    ]
    for code in CODES.values():
        rows.append(
            f"| `{code.code}` | {code.group} | {code.level.value} | "
            f"{'ja' if code.locked else ''} | {code.summary} |"
        )
    rows += [
        "",
        "#### Koder när handlingarna byggs",
        "",
        "Rapporteras av `beslut build` (mallarnas fel också av `beslut check`); nivån kan inte "
        "ändras i profilen.",
        "",
        "| Kod | Nivå | Vad det betyder |",
        "|---|---|---|",
    ]
    rows += [f"| `{c.code}` | {c.level.value} | {c.summary} |" for c in BUILD.values()]
    rows += [
        "",
        "#### Koder från `beslut granska`",
        "",
        "Rapporteras av `beslut granska FIL…` om en PDF-fil (beslut egna handlingar eller en "
        "bilaga utifrån) mot PDF/A-2b och PDF/UA-1; nivån kan inte ändras.",
        "",
        "| Kod | Nivå | Vad det betyder |",
        "|---|---|---|",
    ]
    rows += [f"| `{c.code}` | {c.level.value} | {c.summary} |" for c in AUDIT.values()]
    return "\n".join(rows) + "\n"


START = "<!-- referens:start (genereras av: python -m beslut.authoring.reference) -->"
END = "<!-- referens:slut -->"


def update_readme(text: str) -> str:
    """Return README text with the reference section between the markers regenerated."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n\n{markdown_reference()}\n{END}{tail}"


if __name__ == "__main__":
    from pathlib import Path

    readme = Path("README.md")
    readme.write_text(update_readme(readme.read_text("utf-8")), encoding="utf-8")
