"""Swedish titles and descriptions for the JSON Schema of an enum.

Pydantic writes an enum's class name as its schema title and its docstring as the
description; both are English in this code base. ``swedish`` puts the Swedish texts a case
officer reads in an editor next to the enum, once: the schema's title, description and one
description per value (``enumDescriptions``/``markdownEnumDescriptions``, shown by the YAML
language server when it completes or explains a value).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=type[Enum])


def swedish(title: str, description: str, values: Mapping[str, str]) -> Callable[[E], E]:
    """Class decorator: the enum's JSON Schema gets these Swedish texts. ``values`` maps every
    value to its description; a missing or unknown value is a programming error."""

    def decorate(cls: E) -> E:
        known = [member.value for member in cls]
        if sorted(map(str, known)) != sorted(values):
            raise ValueError(f"{cls.__name__}: describe exactly the values {known}")

        def schema(core_schema: Any, handler: Any) -> dict[str, Any]:
            result: dict[str, Any] = handler.resolve_ref_schema(handler(core_schema))
            result["title"] = title
            result["description"] = description
            texts = [values[str(value)] for value in result.get("enum", known)]
            result["enumDescriptions"] = texts
            result["markdownEnumDescriptions"] = texts
            return result

        cls.__get_pydantic_json_schema__ = classmethod(  # type: ignore[attr-defined]
            lambda _cls, core_schema, handler: schema(core_schema, handler)
        )
        return cls

    return decorate
