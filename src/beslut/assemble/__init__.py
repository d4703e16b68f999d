"""The agenda packet ("handlingar"): the kallelse followed by every item's documents, as one PDF.

:func:`plan_pages` tells, without writing anything, on which packet page each item will start, so
that the föredragningslista can print the numbers before the kallelse is rendered for good.
:func:`assemble_packet` then builds the packet (or, with ``front=None`` and one item, a per-item
PDF) in one pass with pypdf, and checks the start pages against that plan:

* pages: the front matter, then each item's documents in order; a withheld document is replaced
  by a notice page (see :mod:`beslut.assemble.stamp`) and its file is never opened, so nothing of it can
  reach the public packet;
* outline: "Kallelse och föredragningslista", "Tilläggslista" (when the meeting has one: a
  second front part, ``supplement``), then "Ärende N: titel" → each document → that document's
  own heading outline;
* page labels 1, 2, 3 … equal to the physical page numbers and to the stamps;
* a stamp on every page ("Ärende 5 · Sida 37 av 212") in the bottom margin of the page as shown,
  in an embedded font, marked as a pagination artifact;
* the parts' structure trees merged under one ``/Document`` (each part a ``/Part``, each item a
  ``/Sect``), with ``/StructParents`` (pages, annotations, forms) and the parent tree renumbered
  and the role maps merged; an untagged attachment gets one ``/Div`` per page so that its text
  stays reachable for screen readers;
* a fresh XMP packet and an Info dictionary that agree, ``/Lang``, ``/MarkInfo`` and
  ``DisplayDocTitle``. PDF/A-2b and PDF/UA-1 are claimed (XMP identification and output intent)
  only when every part is PDF/A and tagged PDF/UA; otherwise nothing is claimed and
  :attr:`PacketResult.conformance_problems` names each part that stops it.

The output is deterministic: the same inputs and ``SOURCE_DATE_EPOCH`` give the same bytes.
Every message meant for a user is in Swedish and names the file.

Speed (a 40-item packet of ~125 pages takes about 0.35 s): the structure trees are copied by
:class:`~.structure._StructCopier`, which parses plain objects itself
(:func:`~.plain._parse_plain`) and stores equal attribute objects once; identical streams are
merged afterwards; bookmarks to one place share their action; and the cycle collector is paused
while the objects are built.

Modules: :mod:`.packet` (the entry points), :mod:`.model` (the interface types and the error),
:mod:`.parts` (opening and counting the parts), :mod:`.conformance` (PDF/A and PDF/UA checks,
XMP), :mod:`.builder` (pages, structure tree, catalog), :mod:`.structure` and :mod:`.plain`
(copying the structure trees), :mod:`.bookmarks` (outline), :mod:`.overlays` and :mod:`.stamp`
(stamps and notice pages), :mod:`.writer` (deduplication, atomic write) and :mod:`.objects`
(small PDF object readers).

pypdf internals used (pinned by ``pypdf>=5,<8``): ``PdfWriter._add_object``, ``_objects``,
``_ID`` and ``_id_translated`` (the reader → writer object numbers that ``clone`` and ``append``
keep); ``PdfReader.xref``, ``xref_objStm`` and ``xref_free_entry``; ``StreamObject._data``.
"""

from beslut.assemble.model import FRONT_OUTLINE_TITLE as FRONT_OUTLINE_TITLE
from beslut.assemble.model import FRONT_STAMP_LABEL as FRONT_STAMP_LABEL
from beslut.assemble.model import PRODUCER as PRODUCER
from beslut.assemble.model import AssemblyError as AssemblyError
from beslut.assemble.model import PacketDocument as PacketDocument
from beslut.assemble.model import PacketItem as PacketItem
from beslut.assemble.model import PacketResult as PacketResult
from beslut.assemble.packet import PacketJob as PacketJob
from beslut.assemble.packet import assemble_many as assemble_many
from beslut.assemble.packet import assemble_packet as assemble_packet
from beslut.assemble.packet import plan_pages as plan_pages
from beslut.assemble.plain import _parse_plain as _parse_plain

__all__ = [
    "FRONT_OUTLINE_TITLE",
    "AssemblyError",
    "PacketDocument",
    "PacketItem",
    "PacketResult",
    "assemble_packet",
    "plan_pages",
]
