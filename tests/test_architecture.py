"""The tree shows the pipeline, and the import rules of docs/architecture.md hold."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

SRC = REPO / "src" / "beslut"

# Each part of the package and what it may import from beslut (besides itself).
FOUNDATION = {"errors", "diagnostics", "atomic", "fingerprint", "stages", "__version__"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "diagnostics": set(),
    "atomic": set(),
    "stages": set(),
    "fingerprint": {"__version__"},
    "model": FOUNDATION,
    "disclosure": {"model"},
    "load": FOUNDATION | {"model"},
    "validate": FOUNDATION | {"model", "load", "checks"},
    "checks": FOUNDATION | {"model", "load", "validate"},
    "render": FOUNDATION | {"model", "load", "validate", "disclosure"},
    "convert": FOUNDATION | {"model"},
    "assemble": FOUNDATION | {"model", "load", "validate", "disclosure", "render", "convert"},
    "signing": FOUNDATION,
    "publish": FOUNDATION | {"load", "signing", "model", "site"},
    "site": FOUNDATION | {"model", "disclosure"},
    "pipeline": FOUNDATION
    | {"model", "load", "validate", "render", "convert", "assemble", "publish"},
    "versioning": FOUNDATION
    | {"model", "load", "validate", "disclosure", "render", "convert", "assemble", "publish"}
    | {"pipeline"},
    "service": FOUNDATION | {"fingerprint", "load", "convert", "pipeline"},
    "watching": FOUNDATION | {"load", "convert", "pipeline", "service"},
    "authoring": FOUNDATION | {"model", "load", "validate", "checks", "render"},
    "api": FOUNDATION
    | {"model", "load", "validate", "checks", "render", "convert", "pipeline", "watching"}
    | {"authoring"},
    "cli": FOUNDATION
    | {"api", "model", "load", "validate", "checks", "publish", "convert", "authoring"}
    | {"service", "web", "versioning"},
    "web": FOUNDATION
    | {"api", "model", "load", "validate", "checks", "authoring", "service", "publish"}
    | {"pipeline", "render", "disclosure", "convert"},
}
KNOWN_EXCEPTIONS = {
    # one function decides PDF/A conformance of a part, for check and for build
    ("validate", "assemble"),
    # one function reads a figure's image, for check and for build
    ("validate", "render"),
}


def _part(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "beslut":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("beslut."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("beslut.")}
    return found


def test_each_part_imports_only_what_the_architecture_allows() -> None:
    broken = []
    for path in sorted(SRC.rglob("*.py")):
        part = _part(path)
        if part in ("__init__", "__main__") or path.name == "_uno_worker.py":
            continue
        assert part in ALLOWED, f"{part} saknas i ALLOWED och i docs/architecture.md"
        for target in _imports(path) - {part}:
            if target not in ALLOWED[part] and (part, target) not in KNOWN_EXCEPTIONS:
                broken.append(f"{path.relative_to(SRC)} importerar {target}")
    assert broken == []


def test_nothing_imports_a_front_end() -> None:
    for path in sorted(SRC.rglob("*.py")):
        if _part(path) not in ("cli", "__main__"):
            assert "cli" not in _imports(path), path


def test_architecture_page_names_every_part_of_the_tree() -> None:
    page = (REPO / "docs" / "architecture.md").read_text("utf-8")
    for entry in sorted(SRC.iterdir()):
        if entry.name.startswith("__") or entry.name.endswith(".typed"):
            continue
        name = f"{entry.name}/" if entry.is_dir() else entry.name
        assert name in page, f"docs/architecture.md nämner inte {name}"
        if entry.is_dir():
            for module in sorted(entry.glob("*.py")):
                if module.name != "__init__.py":
                    assert module.name in page or module.stem in page, module
