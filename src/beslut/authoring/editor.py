"""Editor help for the workspace: which schema checks which file, for VS Code's YAML extension.

The association lives in the workspace (``.vscode/settings.json``, ``yaml.schemas``) as globs
over folders, so a file keeps its help when it is moved into a subfolder; a relative
``# yaml-language-server: $schema=`` line in each file broke on such a move. The YAML language
server does not read Markdown, so a case's front matter in a ``.md`` file gets no editor help
from this; ``beslut check`` is the help there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from beslut.atomic import write_text_atomic
from beslut.authoring.schema import (
    CASE_SCHEMA,
    MEETING_SCHEMA,
    MINUTES_SCHEMA,
    PROFILE_SCHEMA,
    SCHEMA_DIR,
)

SETTINGS = Path(".vscode") / "settings.json"
EXTENSIONS = Path(".vscode") / "extensions.json"
YAML_EXTENSION = "redhat.vscode-yaml"


def yaml_schemas() -> dict[str, list[str]]:
    """The ``yaml.schemas`` entries beslut owns: schema file (relative to the workspace root,
    as VS Code resolves it) → the globs of the files it checks.

    Every glob with ä or ö is also given percent-encoded (``content/%C3%A4renden/…``): the YAML
    language server (1.25) matches some globs against the document's URI as the editor sends
    it, encoded, so ``content/ärenden/**`` alone never matches there
    (tests/test_editor_help.py runs the real server)."""
    globs = {
        CASE_SCHEMA: ["content/ärenden/**/*.yaml", "content/ärenden/**/*.yml"],
        MEETING_SCHEMA: ["content/möten/**/*.yaml", "content/möten/**/*.yml"],
        MINUTES_SCHEMA: ["content/protokoll/**/*.yaml", "content/protokoll/**/*.yml"],
        PROFILE_SCHEMA: ["content/profil.yaml"],
    }
    return {
        f"./{SCHEMA_DIR}/{name}": [
            *patterns,
            *(quote(p, safe="/*") for p in patterns if quote(p, safe="/*") != p),
        ]
        for name, patterns in globs.items()
    }


@dataclass(frozen=True)
class EditorSettings:
    """What ``write_editor_settings`` did: the files it wrote, the content files it took the
    old schema line out of, and, in Swedish, what it left."""

    written: tuple[Path, ...]
    warnings: tuple[str, ...]
    modelines_removed: tuple[Path, ...] = ()


MODELINE = re.compile(
    r"\A(---\r?\n)?# yaml-language-server: \$schema=(?:\.\./)*"
    + re.escape(SCHEMA_DIR + "/")
    + "(?:"
    + "|".join(re.escape(name) for name in (CASE_SCHEMA, MEETING_SCHEMA, PROFILE_SCHEMA))
    + r")[ \t]*\r?\n"
)
"""The schema line earlier versions of ``beslut init``/``beslut new`` wrote first in a file
(after ``---`` in a Markdown case): a path relative to the file, wrong once the file moves,
and it overrides the workspace association in the editor."""


def write_editor_settings(root: Path) -> EditorSettings:
    """Merge beslut's schema association into ``.vscode/settings.json`` and recommend the YAML
    extension in ``.vscode/extensions.json``, keeping every other setting. A file that is not
    plain JSON (VS Code also allows comments) is left as it is, with a warning saying what to
    add by hand."""
    written: list[Path] = []
    warnings: list[str] = []
    associated = True
    schemas = yaml_schemas()
    for relative, merge, hand in (
        (SETTINGS, _merge_settings, {"yaml.schemas": schemas}),
        (EXTENSIONS, _merge_extensions, {"recommendations": [YAML_EXTENSION]}),
    ):
        path = root / relative
        try:
            text = path.read_text("utf-8") if path.exists() else "{}"
            current = json.loads(text)
            if not isinstance(current, dict):
                raise ValueError("filen är inte ett JSON-objekt")
            merged = merge(current)
        except (ValueError, OSError) as exc:
            snippet = json.dumps(hand, ensure_ascii=False, indent=2)
            warnings.append(
                f"{relative.as_posix()}: ändrades inte ({_reason(exc)}), så editorn vet inte "
                f"vilket schema som gäller för vilken fil. Lägg själv till:\n{snippet}"
            )
            associated = associated and relative != SETTINGS
            continue
        if merged != current or not path.exists():
            write_text_atomic(path, json.dumps(merged, ensure_ascii=False, indent=2) + "\n")
            written.append(path)
    removed = _remove_modelines(root) if associated else []
    return EditorSettings(tuple(written), tuple(warnings), tuple(removed))


def _remove_modelines(root: Path) -> list[Path]:
    """Take beslut's old schema line out of the content files, now that the workspace
    association applies (a line pointing elsewhere is the user's and stays)."""
    removed = []
    for path in sorted((root / "content").rglob("*")):
        if path.suffix.lower() not in (".md", ".yaml", ".yml") or not path.is_file():
            continue
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # beslut check reports a file it cannot read
        match = MODELINE.match(text)
        if match:
            write_text_atomic(path, (match.group(1) or "") + text[match.end() :])
            removed.append(path)
    return removed


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"inte giltig JSON, rad {exc.lineno} kolumn {exc.colno}; kanske en kommentar"
    if isinstance(exc, OSError):
        return f"kunde inte läsas: {exc.strerror or exc}"
    return str(exc)


def _merge_settings(current: dict[str, object]) -> dict[str, object]:
    existing = current.get("yaml.schemas", {})
    if not isinstance(existing, dict):
        raise ValueError("”yaml.schemas” är inte ett JSON-objekt")
    return {**current, "yaml.schemas": {**existing, **yaml_schemas()}}


def _merge_extensions(current: dict[str, object]) -> dict[str, object]:
    existing = current.get("recommendations", [])
    if not isinstance(existing, list):
        raise ValueError("”recommendations” är inte en lista")
    if YAML_EXTENSION in existing:
        return current
    return {**current, "recommendations": [*existing, YAML_EXTENSION]}
