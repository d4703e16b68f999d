"""The names of a build's progress steps, as people read them (Swedish phrases).

Standard library only and free of imports, so that a front end can show progress without
importing the pipeline (a build through the service would otherwise import all of beslut in the
client: about a second). ``pipeline.build`` calls ``progress(stage, done, total)`` with these.
"""

from __future__ import annotations

READING = "läser innehållet"
STARTING = "startar LibreOffice"
RENDERING = "renderar"
CONVERTING = "konverterar"
ASSEMBLING = "sätter ihop handlingar för"
"""Followed by a meeting's name, as that meeting (number ``done`` of ``total``) starts."""
MINUTES = "gör protokoll och utdrag för"
"""Followed by a meeting's name, as its protokoll starts (announced with ``total == 0``)."""
PUBLISHING = "publicerar"
