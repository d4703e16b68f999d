"""The one Jinja environment: strict undefined, autoescaping and the Swedish filters."""

from __future__ import annotations

from functools import cache

import jinja2

from .formatting import FILTERS


@cache
def environment() -> jinja2.Environment:
    """Return the shared Jinja environment used for every template."""
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env
