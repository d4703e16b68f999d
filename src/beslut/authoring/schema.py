"""JSON Schema export, so editors with a YAML language server complete and check keys."""

from __future__ import annotations

import json
from pathlib import Path

from beslut.atomic import write_text_atomic
from beslut.model.minutes import Minutes
from beslut.model.models import Case, Meeting, Profile
from beslut.model.publication import Publication

SCHEMA_DIR = "schemas"
CASE_SCHEMA = "arende.schema.json"
PROFILE_SCHEMA = "profil.schema.json"
MEETING_SCHEMA = "mote.schema.json"
MINUTES_SCHEMA = "protokoll.schema.json"
PUBLICATION_SCHEMA = "publicering.schema.json"


def schemas() -> dict[str, dict[str, object]]:
    """Return the JSON Schemas by file name, keyed by the Swedish aliases."""
    result: dict[str, dict[str, object]] = {}
    models: tuple[tuple[str, type[Case | Profile | Meeting | Minutes]], ...] = (
        (CASE_SCHEMA, Case),
        (PROFILE_SCHEMA, Profile),
        (MEETING_SCHEMA, Meeting),
        (MINUTES_SCHEMA, Minutes),
    )
    for name, model in models:
        schema = model.model_json_schema(by_alias=True, mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        result[name] = schema
    # The export contract is JSON beslut writes (keys in English), read back by other apps.
    schema = Publication.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    result[PUBLICATION_SCHEMA] = schema
    return result


def write_schemas(root: Path) -> list[Path]:
    """Write the schema files into ``<root>/schemas`` and return their paths."""
    written = []
    for name, schema in schemas().items():
        path = root / SCHEMA_DIR / name
        write_text_atomic(path, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written
