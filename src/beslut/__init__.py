"""beslut: Swedish committee papers (tjänsteskrivelser, beslutsförslag, direktiv, kallelser and
agenda packets) from structured content, as Word and PDF.

The public API; the ``beslut`` command is a thin layer over it::

    import beslut
    workspace = beslut.load_workspace("min-arbetsyta")
    for problem in beslut.check("min-arbetsyta"):
        print(problem.format())
    report = beslut.build("min-arbetsyta")

Names are imported on first use, so ``import beslut`` (and a no-op ``beslut build``) stays fast.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# pypdf warns in English about damaged files ("EOF marker not found") on stderr; beslut reports
# every problem with a file as a located Swedish diagnostic, so those warnings are not printed.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

_EXPORTS: dict[str, str] = {
    "BeslutError": "errors",
    "UserError": "errors",
    "ContentError": "errors",
    "TemplateError": "errors",
    "ConversionError": "errors",
    "AssemblyError": "errors",
    "PublishError": "errors",
    "BuildLocked": "errors",
    "UsageError": "errors",
    "build": "api",
    "build_templates": "api",
    "check": "api",
    "init_workspace": "api",
    "load_workspace": "api",
    "new_case": "api",
    "template_tags": "api",
    "write_editor_settings": "api",
    "write_schemas": "api",
    "watch": "api",
    "ConversionJob": "convert.libreoffice",
    "ConversionResult": "convert.libreoffice",
    "Converter": "convert.libreoffice",
    "FakeConverter": "convert.libreoffice",
    "LibreOfficeConverter": "convert.libreoffice",
    "Diagnostic": "diagnostics",
    "Level": "diagnostics",
    "Case": "model.models",
    "DocumentType": "model.models",
    "Meeting": "model.models",
    "Profile": "model.models",
    "BuildReport": "pipeline",
    "Output": "pipeline",
    "CaseDocument": "validate.workspace",
    "MeetingDocument": "validate.workspace",
    "Workspace": "validate.workspace",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'beslut' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports lazily
    from beslut.api import (
        build,
        build_templates,
        check,
        init_workspace,
        load_workspace,
        new_case,
        template_tags,
        watch,
        write_editor_settings,
        write_schemas,
    )
    from beslut.convert.libreoffice import (
        ConversionJob,
        ConversionResult,
        Converter,
        FakeConverter,
        LibreOfficeConverter,
    )
    from beslut.diagnostics import Diagnostic, Level
    from beslut.errors import (
        AssemblyError,
        BeslutError,
        BuildLocked,
        ContentError,
        ConversionError,
        PublishError,
        TemplateError,
        UsageError,
        UserError,
    )
    from beslut.model.models import Case, DocumentType, Meeting, Profile
    from beslut.pipeline import BuildReport, Output
    from beslut.validate.workspace import CaseDocument, MeetingDocument, Workspace
