"""Benchmark: agenda packet assembly beyond conversion, and peak memory for a big packet.

Builds N synthetic cases once (real LibreOffice, PDF/A-2b tagged), adds a multi-page external
attachment per item, then times the assembly of the packet, the public packet and the per-item
PDFs from those PDFs. Peak memory is measured in a fresh process for a ~1 000-page packet.

    python benchmarks/bench_packet.py            # 40 items ≈ 400 pages, and 1 000 pages
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from beslut.assemble import (  # noqa: E402
    PacketDocument,
    PacketItem,
    PacketJob,
    assemble_many,
    assemble_packet,
    plan_pages,
)


def _attachment(path: Path, pages: int) -> Path:
    drawing = canvas.Canvas(str(path), pagesize=A4)
    for page in range(pages):
        for line in range(40):
            drawing.drawString(
                72, 780 - 18 * line, f"Bilaga sida {page + 1}, rad {line + 1}: text."
            )
        drawing.showPage()
    drawing.save()
    return path


def _items(papers: list[Path], attachment: Path, count: int) -> list[PacketItem]:
    items = []
    for number in range(count):
        paper = papers[number % len(papers)]
        documents = (
            PacketDocument(paper, f"Tjänsteskrivelse {number + 1}"),
            PacketDocument(attachment, f"Bilaga 1 Underlag {number + 1}"),
        )
        items.append(PacketItem(number + 1, f"Syntetiskt ärende {number + 1}", documents))
    return items


def assemble_all(front: Path, items: list[PacketItem], out: Path) -> dict[str, float]:
    """Time plan + internal packet + public packet + item PDFs of both, as a build does."""
    started = time.perf_counter()
    planned = plan_pages(front, items)
    public = [
        PacketItem(
            i.number,
            i.title,
            tuple(
                PacketDocument(
                    d.path,
                    d.title,
                    "Handlingen omfattas av sekretess enligt 25 kap. 1 § OSL och publiceras inte."
                    if i.number % 10 == 0
                    else None,
                )
                for d in i.documents
            ),
        )
        for i in items
    ]
    jobs = [
        PacketJob(front, tuple(items), out / "handlingar.pdf", "Handlingar", planned),
        PacketJob(front, tuple(public), out / "offentlig.pdf", "Handlingar (offentlig)"),
    ]
    for variant, folder in ((items, "intern"), (public, "offentlig")):
        for item in variant:
            target = out / folder / f"ärende-{item.number:02d}.pdf"
            target.parent.mkdir(exist_ok=True)
            jobs.append(PacketJob(None, (item,), target, item.title))
    results = assemble_many(jobs)
    packet = results[0]
    assert not isinstance(packet, Exception), packet
    return {"seconds": time.perf_counter() - started, "pages": packet.page_count}


def _peak(front: Path, papers: list[Path], attachment: Path, count: int, out: Path) -> None:
    items = _items(papers, attachment, count)
    started = time.perf_counter()
    result = assemble_packet(front, items, out / "stor.pdf", title="Stor")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "what": "one packet of about 1 000 pages, in a fresh process",
                "pages": result.page_count,
                "seconds": round(time.perf_counter() - started, 2),
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--peak-items", type=int, default=100)
    parser.add_argument("--peak-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_child:
        folder, count = Path(args.peak_child[0]), int(args.peak_child[1])
        papers = sorted((folder / "arbetsyta" / "output" / "ärenden").glob("*.pdf"))
        _peak(papers[0], papers, folder / "bilaga.pdf", count, folder)
        return
    with tempfile.TemporaryDirectory(prefix="beslut-packet-") as tmp:
        folder = Path(tmp)
        workspace = generate(folder / "arbetsyta", 20)
        subprocess.run(
            [sys.executable, "-m", "beslut", "build", str(workspace), "--format", "pdf", "--tyst"],
            check=True,
        )
        papers = sorted((workspace / "output" / "ärenden").glob("*.pdf"))
        attachment = _attachment(folder / "bilaga.pdf", 7)
        front = papers[0]
        out = folder / "paket"
        out.mkdir()
        timing = assemble_all(front, _items(papers, attachment, args.items), out)
        print(
            json.dumps(
                {
                    "items": args.items,
                    "pages": timing["pages"],
                    "assembly_s": round(timing["seconds"], 2),
                    "what": "plan + packet + public packet + one PDF per item in both",
                }
            )
        )
        print("mål: ≤ 3 s", flush=True)
        child = subprocess.run(
            [sys.executable, __file__, "--peak-child", str(folder), str(args.peak_items)],
            check=True,
            capture_output=True,
            text=True,
        )
        print(child.stdout.strip())
        print("mål: ≤ 500 MB för ett paket på 1 000 sidor")


if __name__ == "__main__":
    main()
