"""The document types, in a module of its own so the command line can list them cheaply.

``beslut.model.models`` re-exports ``DocumentType``; import it from there elsewhere.
"""

from __future__ import annotations

from enum import StrEnum

from beslut.model.schematext import swedish


@swedish(
    "Dokumenttyp",
    "Vilken sorts handling ärendet blir; profilen ger etikett, mall och obligatoriska avsnitt.",
    {
        "tjänsteskrivelse": "Förvaltningens tjänsteskrivelse med förslag till beslut.",
        "beslutsförslag": "Ett förslag till beslut, t.ex. ordförandens förslag.",
        "direktiv": "Ett direktiv, t.ex. för ett program eller en utredning.",
    },
)
class DocumentType(StrEnum):
    """Kinds of case papers beslut can produce."""

    TJANSTESKRIVELSE = "tjänsteskrivelse"
    BESLUTSFORSLAG = "beslutsförslag"
    DIREKTIV = "direktiv"
