"""beslut: Swedish committee papers (tjänsteskrivelser, beslutsförslag, direktiv) from
structured content, as Word and PDF.

The public API; the ``beslut`` command is a thin layer over it::

    import beslut
    workspace = beslut.load_workspace("min-arbetsyta")
    for problem in beslut.check("min-arbetsyta"):
        print(problem.format())
    report = beslut.build("min-arbetsyta")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import (
    UserError,
    build,
    build_templates,
    check,
    init_workspace,
    load_workspace,
    new_case,
    template_tags,
    write_schemas,
)
from .convert import ConversionJob, ConversionResult, Converter, FakeConverter, LibreOfficeConverter
from .diagnostics import Diagnostic, Level
from .models import Case, DocumentType, Profile
from .pipeline import BuildReport, Output
from .workspace import CaseDocument, Workspace

__all__ = [
    "BuildReport",
    "Case",
    "CaseDocument",
    "ConversionJob",
    "ConversionResult",
    "Converter",
    "Diagnostic",
    "DocumentType",
    "FakeConverter",
    "Level",
    "LibreOfficeConverter",
    "Output",
    "Profile",
    "UserError",
    "Workspace",
    "__version__",
    "build",
    "build_templates",
    "check",
    "init_workspace",
    "load_workspace",
    "new_case",
    "template_tags",
    "write_schemas",
]
