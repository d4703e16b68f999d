"""The document types, in a module of its own so the command line can list them cheaply.

``beslut.model.models`` re-exports ``DocumentType``; import it from there elsewhere.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentType(StrEnum):
    """Kinds of case papers beslut can produce."""

    TJANSTESKRIVELSE = "tjänsteskrivelse"
    BESLUTSFORSLAG = "beslutsförslag"
    DIREKTIV = "direktiv"
