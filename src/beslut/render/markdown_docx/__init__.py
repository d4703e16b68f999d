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
  ("1 300", "−3", "15 %") are right-aligned, an empty cell in them prints "–".
* structured tables: a fenced block with the info string ``tabell <id>`` is replaced by the
  case's table with that id, formatted the Swedish way, with description rows over the full
  width, subtotals and an optional sum row (with a comment).
* every table: columns as wide as their longest unbreakable value (amounts, dates), rows that
  never split, tables of up to about a dozen rows kept on one page, and a longer table's last
  row kept with the row above it.
* figures: a paragraph holding only ``![alt](file "caption"){bredd=60%}`` becomes a centred
  picture (style Bild) with the caption below it (style Bildtext); an image inside a sentence
  becomes an inline picture. The alt text is the picture's description (the PDF's /Alt). The
  caller reads the images (``images``); one it did not read prints its alt text, with a
  warning (``bild-fel``).
* footnotes: ``[^1]`` references and ``[^1]: text`` definitions become real Word footnotes.
* block quotes (style Quote, shown as "Citat" in Swedish Word).
* page breaks: a paragraph consisting only of ``\\sidbrytning`` (also accepted: an HTML
  comment ``<!-- sidbrytning -->`` on its own, and the thematic break ``***``).

Not supported, kept as plain text with a warning: HTML (``html-stöds-inte``). The thematic
breaks ``---`` and ``___`` are dropped with a warning.

A heading level whose style the document lacks raises :class:`MissingStyleError`.
"""

from beslut.render.markdown_docx.base import BodyWarning, MissingStyleError
from beslut.render.markdown_docx.convert import insert_markdown

__all__ = ["BodyWarning", "MissingStyleError", "insert_markdown"]
