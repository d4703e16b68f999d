"""The one Jinja environment (strict undefined, autoescaping, Swedish filters) and the
docxtpl template class that uses it.

docxtpl compiles each XML part of a template with ``from_string`` on every render, and
re-runs its tag-patching regexes; both depend only on the template, so both are cached here.
That makes rendering many cases from one template about twice as fast.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cache
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from beslut.model.formatting import FILTERS

_CACHE_SIZE = 256


class _CachingEnvironment(jinja2.Environment):
    """A Jinja environment that reuses compiled templates for identical sources."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()

    def from_string(  # type: ignore[override]
        self, source: str, globals: dict[str, Any] | None = None, template_class: Any = None
    ) -> jinja2.Template:
        if globals or template_class is not None:
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            found = super().from_string(source)
            self._compiled[source] = found
            if len(self._compiled) > _CACHE_SIZE:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(source)
        return found


@cache
def environment() -> jinja2.Environment:
    """Return the shared Jinja environment used for every template."""
    env = _CachingEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env


_PATCHED: OrderedDict[str, str] = OrderedDict()


class Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template with its (pure) tag-patching step cached per XML part."""

    def patch_xml(self, xml: str) -> str:
        found = _PATCHED.get(xml)
        if found is None:
            found = str(super().patch_xml(xml))
            _PATCHED[xml] = found
            if len(_PATCHED) > _CACHE_SIZE:
                _PATCHED.popitem(last=False)
        return found
