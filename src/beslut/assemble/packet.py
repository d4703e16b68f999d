"""The entry points: :func:`plan_pages`, :func:`assemble_packet` and :func:`assemble_many`."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfWriter

from beslut.assemble.builder import _Builder
from beslut.assemble.conformance import _inspect
from beslut.assemble.model import (
    SUPPLEMENT_OUTLINE_TITLE,
    AssemblyError,
    PacketItem,
    PacketResult,
)
from beslut.assemble.overlays import _render_overlays
from beslut.assemble.parts import (
    READERS,
    _check_items,
    _counted_pages,
    _document_label,
    _front_label,
    _open_data,
    _open_parts,
    _Part,
    _release_parts,
    _supplement_label,
    packet_order,
)
from beslut.assemble.stamp import FontMissing
from beslut.assemble.writer import _deduplicate, _write_atomic


def plan_pages(
    front: Path | None, items: Sequence[PacketItem], supplement: Path | None = None
) -> dict[int, int]:
    """Item number → 1-based start page in the packet, without writing anything.

    Counts pages with pypdf; a withheld document counts as its one notice page and is not opened.
    ``supplement`` is the tilläggslista, placed by :func:`~beslut.assemble.parts.packet_order`.
    """
    _check_items(items)
    page = 0
    starts: dict[int, int] = {}
    for item, document in packet_order(front, items, supplement):
        if isinstance(document, Path):
            label = _front_label(document) if document == front else _supplement_label(document)
            page += _counted_pages(document, label)
            continue
        assert item is not None
        starts.setdefault(item.number, page + 1)
        if document.withheld_notice is not None:
            page += 1
        else:
            page += _counted_pages(document.path, _document_label(item, document))
    return starts


def assemble_packet(
    front: Path | None,
    items: Sequence[PacketItem],
    target: Path,
    *,
    title: str,
    stamp_label: str = "Ärende",
    lang: str = "sv-SE",
    planned: Mapping[int, int] | None = None,
    supplement: Path | None = None,
) -> PacketResult:
    """Write the packet to ``target`` (atomically) and report what it contains.

    ``front`` is the kallelse with the föredragningslista, followed by the tilläggslista
    ``supplement`` when given (bookmark "Tilläggslista"); ``None`` builds a file of items only,
    e.g. one item's own PDF, whose stamps count that file's pages. ``planned`` is what
    :func:`plan_pages` returned when the föredragningslista was filled in: when given, the
    packet's real start pages must match it, or :class:`AssemblyError` is raised and nothing is
    written. Damaged, encrypted or missing files also raise :class:`AssemblyError`.
    """
    with _collector_paused():
        return _assemble(front, items, target, title, stamp_label, lang, planned, supplement)


class _CollectorPause:
    """Keeps Python's cycle collector out of the assembly.

    A packet is thousands of small PDF objects that live until it is written, all in reference
    cycles (object ↔ writer); the collector's repeated full passes over them cost as much as a
    third of the assembly and free nothing. Calls may overlap in threads: the collector is
    switched back on when the last one ends, and only if it was on when the first began.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1
        try:
            yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0 and self.was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


def _assemble(
    front: Path | None,
    items: Sequence[PacketItem],
    target: Path,
    title: str,
    stamp_label: str,
    lang: str,
    planned: Mapping[int, int] | None,
    supplement: Path | None = None,
) -> PacketResult:
    _check_items(items)
    parts = _open_parts(front, items, stamp_label, supplement)
    if not parts:
        raise AssemblyError(f"Paketet {target.name} får inga sidor: det finns inga handlingar.")
    total = 0
    starts: dict[int, int] = {}
    for part in parts:
        part.start = total
        if part.item is not None:
            starts.setdefault(part.item.number, total + 1)
        total += part.page_count
    if planned is not None and dict(planned) != starts:
        raise AssemblyError(_plan_mismatch(planned, starts))

    problems, warnings, profile, known = _inspect(parts, lang)
    claim = not problems
    try:
        overlay = _open_data(_render_overlays(parts, total, stamp_label), "Sidstämplarna")
    except FontMissing as exc:
        raise AssemblyError(str(exc)) from exc

    builder = _Builder(PdfWriter(), lang, overlay.reader, stamp_label)
    # Items without documents but with a note are bookmarked in agenda order (packets only).
    waiting = [i for i in items if not i.documents and i.note] if front is not None else []
    order = {item.number: position for position, item in enumerate(items)}
    listed = next((p.start for p in parts if p.stamp == SUPPLEMENT_OUTLINE_TITLE), 0)

    def listing_page(item: PacketItem) -> int:
        return listed if item.supplement else 0

    def due(part: _Part) -> bool:
        """The first waiting item is bookmarked before ``part``: it comes earlier on the
        agenda, or ``part`` is the tilläggslista and the item was on the kallelse."""
        if part.item is not None:
            return order[waiting[0].number] < order[part.item.number]
        return part.stamp == SUPPLEMENT_OUTLINE_TITLE and not waiting[0].supplement

    for part in parts:
        while waiting and due(part):
            item = waiting.pop(0)
            builder._outline_without_papers(item, listing_page(item))
        builder.add(part)
    for item in waiting:
        builder._outline_without_papers(item, listing_page(item))
    if builder.total_pages != total:  # a part changed between counting and merging
        raise AssemblyError(f"Paketet {target.name} fick fel antal sidor; bygg om det.")
    builder.stamp_all()
    builder.finish_structure()
    builder.set_catalog(title=title, intent=profile if claim else None, claim=claim)
    _deduplicate(builder.writer)
    _write_atomic(builder.writer, target)
    # The packet's objects and the writer refer to each other; letting go of the list frees
    # them at once instead of leaving thousands of cycles to the collector.
    builder.writer._objects.clear()
    _release_parts(parts)
    READERS.give(overlay)
    return PacketResult(
        page_count=total,
        item_start_pages=starts,
        conformance_problems=tuple(p for p in problems if p not in known),
        warnings=tuple(warnings),
    )


def _plan_mismatch(planned: Mapping[int, int], actual: Mapping[int, int]) -> str:
    for number in sorted(set(planned) | set(actual)):
        want, got = planned.get(number), actual.get(number)
        if want != got:
            where = f"sidan {got}" if got is not None else "inga sidor"
            said = f"sidan {want}" if want is not None else "inget sidnummer"
            return (
                f"Föredragningslistans sidnummer stämmer inte med paketet: ärende {number} börjar "
                f"på {where}, men listan anger {said}. Kallelsen har troligen fått ett annat antal "
                "sidor när sidnumren fylldes i; bygg om paketet."
            )
    return "Föredragningslistans sidnummer stämmer inte med paketet; bygg om paketet."


# --------------------------------------------------------------------------------------------
# Many packets at once
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PacketJob:
    """One call of :func:`assemble_packet`, for :func:`assemble_many`."""

    front: Path | None
    items: tuple[PacketItem, ...]
    target: Path
    title: str
    planned: Mapping[int, int] | None = None
    lang: str = "sv-SE"
    """The packet's language (the profile's ``språk``)."""
    supplement: Path | None = None
    """The tilläggslista, after the kallelse (``front``)."""


def _run_job(job: PacketJob) -> PacketResult | AssemblyError:
    try:
        return assemble_packet(
            job.front,
            job.items,
            job.target,
            title=job.title,
            planned=job.planned,
            lang=job.lang,
            supplement=job.supplement,
        )
    except AssemblyError as exc:
        return exc


def assemble_many(
    jobs: Sequence[PacketJob], workers: int | None = None
) -> list[PacketResult | AssemblyError]:
    """Run independent assembly jobs on all cores; results (or errors) in job order.

    Assembly is pure-Python CPU work, so threads would not help; forked processes do, and
    LibreOffice is idle by the time packets are assembled. This process assembles the largest
    job itself while the others run in forked workers: its parsed files stay in
    :data:`~.parts.READERS` for the next build of a long-lived process (``watch``, the build
    service), and the workers, forked from it, start with them too. Small work is not worth a
    fork of a large process: it all runs here.
    """
    count = min(len(jobs), workers or os.cpu_count() or 1)
    if count <= 1 or len(jobs) <= 1:
        return [_run_job(job) for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -_weight(jobs[i]))
    mine, rest = order[0], order[1:]
    if sum(_weight(jobs[i]) for i in rest) < _FORK_WORTH:
        return [_run_job(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    results: list[PacketResult | AssemblyError | None] = [None] * len(jobs)
    context = multiprocessing.get_context("fork")
    workers_used = min(count - 1, len(rest)) or 1
    with ProcessPoolExecutor(max_workers=workers_used, mp_context=context) as pool:
        futures = [(i, pool.submit(_run_job, jobs[i])) for i in rest]
        results[mine] = _run_job(jobs[mine])
        for i, future in futures:
            results[i] = future.result()
    return [r for r in results if r is not None]


_FORK_WORTH = 12
"""Documents (plus a front) in the jobs besides the largest below which forking does not pay:
a fork of a large process and the pickled results cost about as much as assembling a dozen
papers (measured on a 40-item meeting: an item PDF takes 0.04 s, a fork 0.05–0.1 s)."""


def _weight(job: PacketJob) -> int:
    fronts = (job.front is not None) + (job.supplement is not None)
    return sum(len(item.documents) for item in job.items) + fronts
