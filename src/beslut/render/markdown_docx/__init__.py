"""Markdown body → Word: the case text inserted at the anchor paragraph of a rendered template.

The body is converted *after* docxtpl has rendered the template, so case text is data: a
``{{ 7*7 }}`` or ``{% for %}`` written in the Markdown ends up literally in the document.
Only the document's own named styles are used (the template decides how everything looks);
styles a conversion needs but the document lacks (footnote text and reference, Hyperlink,
Table Grid) are created.

Supported Markdown (CommonMark plus GFM tables, strikethrough and footnotes):

* ``##`` → Heading 1, ``###`` → Heading 2, ``####`` → Heading 3. A ``#`` heading also becomes
  Heading 1, with a warning: the document's title (rubrik) comes from the front matter.
  Heading text is kept as written, including numbers typed by the author ("1.1 Bakgrund").
* paragraphs with **bold**, *italic*, ~~struck~~, ``code``, links (real Word hyperlinks) and
  hard line breaks; soft line breaks become spaces.
* bullet and ordered lists, nested up to three levels. Every ordered list restarts its
  numbering (and honours its first number, e.g. a list starting at 3).
* GFM tables: the header row repeats on every page; columns whose cells are all numbers
  ("1 300", "−3", "15 %") are right-aligned.
* structured tables: a fenced block with the info string ``tabell <id>`` is replaced by the
  case's table with that id, formatted the Swedish way, with an optional sum row.
* footnotes: ``[^1]`` references and ``[^1]: text`` definitions become real Word footnotes.
* block quotes (style Quote, shown as "Citat" in Swedish Word).
* page breaks: a paragraph consisting only of ``\\sidbrytning`` (also accepted: an HTML
  comment ``<!-- sidbrytning -->`` on its own, and the thematic break ``***``).

Not supported, kept as plain text with a warning: HTML (``html-stöds-inte``) and images
(``bild-stöds-inte``). The thematic breaks ``---`` and ``___`` are dropped with a warning.

A heading level whose style the document lacks raises :class:`MissingStyleError`.
"""

from beslut.render.markdown_docx.base import BodyWarning, MissingStyleError
from beslut.render.markdown_docx.convert import insert_markdown

__all__ = ["BodyWarning", "MissingStyleError", "insert_markdown"]
