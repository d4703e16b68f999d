"""Benchmark: finishing LibreOffice's PDFs (convert.pdf_finish) against the conversion itself.

Converts every .docx a build wrote (papers and kallelse) with one warm LibreOffice, without the
finishing step, then times ``finish_pdf`` on each of those PDFs (best of three). The target is
that finishing costs less than 5 % of the conversion.

    python -m beslut build . && python benchmarks/bench_pdf_finish.py [output]

``--råa DIR`` keeps LibreOffice's PDFs in DIR (and, when DIR already has PDFs, uses them without
converting). ``--mot SRC`` then compares the CPU time (``time.process_time``, all PDFs, best of
three, each tree in a process of its own, the two trees alternated three times) of this tree's
``finish_pdf`` with the one in another source tree, e.g. the main branch's, and checks that both
give the same bytes for every PDF:

    python benchmarks/bench_pdf_finish.py /tmp/gen/output --råa /tmp/raa --mot /work/main/src
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_MEASURE = """
import hashlib, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from beslut.convert.pdf_finish import finish_pdf
files = [p.read_bytes() for p in sorted(Path(sys.argv[2]).glob("*.pdf"))]
digest = hashlib.sha256()
for data in files:
    digest.update(hashlib.sha256(finish_pdf(data)).digest())
best = float("inf")
for _ in range(3):
    started = time.process_time()
    for data in files:
        finish_pdf(data)
    best = min(best, time.process_time() - started)
print(best, digest.hexdigest(), len(files))
"""


def convert(output: Path, folder: Path) -> None:
    """LibreOffice's PDF of every .docx under ``output`` into ``folder``; the timing table."""
    sys.path.insert(0, str(REPO / "src"))
    from beslut.convert import libreoffice
    from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter
    from beslut.convert.pdf_finish import finish_pdf

    sources = sorted(output.rglob("*.docx"))
    if not sources:
        raise SystemExit(f"Inga .docx i {output}: bygg exemplet först (python -m beslut build .).")
    libreoffice.finish_file = lambda path: 1  # time LibreOffice alone
    with LibreOfficeConverter(workers=1) as converter:
        converter.convert([ConversionJob(sources[0], folder / "warm.pdf", "warm")])
        (folder / "warm.pdf").unlink()
        total_convert = total_finish = 0.0
        print(f"{'konvertering':>13} {'efterbehandling':>16} {'andel':>6}  dokument")
        for index, source in enumerate(sources):
            target = folder / f"{index:04d}-{source.stem}.pdf"
            [result] = converter.convert([ConversionJob(source, target, source.name)])
            if not result.ok:
                raise SystemExit(result.message)
            data = target.read_bytes()
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                finish_pdf(data)
                best = min(best, time.perf_counter() - started)
            total_convert += result.seconds
            total_finish += best
            print(
                f"{result.seconds * 1000:10.0f} ms {best * 1000:13.1f} ms "
                f"{100 * best / result.seconds:5.1f} %  {source.relative_to(output)}"
            )
        print(
            f"{total_convert * 1000:10.0f} ms {total_finish * 1000:13.1f} ms "
            f"{100 * total_finish / total_convert:5.1f} %  totalt ({len(sources)} dokument)"
        )


def compare(folder: Path, other: Path) -> None:
    """CPU of ``finish_pdf`` here and in the source tree ``other``, on the PDFs in ``folder``."""
    trees = {"jämförd": other.resolve(), "denna": REPO / "src"}
    seconds: dict[str, list[float]] = {name: [] for name in trees}
    digests: dict[str, set[str]] = {name: set() for name in trees}
    count = ""
    for _ in range(3):
        for name, source in trees.items():
            done = subprocess.run(
                [sys.executable, "-c", _MEASURE, str(source), str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            best, digest, count = done.stdout.split()
            seconds[name].append(float(best))
            digests[name].add(digest)
    before, after = min(seconds["jämförd"]), min(seconds["denna"])
    same = digests["jämförd"] == digests["denna"] and len(digests["denna"]) == 1
    print(f"{count} PDF-filer i {folder}, CPU-tid (bästa av tre) för alla:")
    print(f"  {other}: {before * 1000:7.1f} ms")
    print(f"  {REPO / 'src'}: {after * 1000:7.1f} ms")
    print(f"  kvot {before / after:.2f}; samma utdata: {'ja' if same else 'NEJ'}")
    if not same:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=REPO / "output")
    parser.add_argument("--råa", type=Path, help="mappen för LibreOffice:s PDF-filer")
    parser.add_argument("--mot", type=Path, help="källträdet (src) att jämföra med")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = arguments.råa or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.glob("*.pdf")):
            convert(arguments.output, folder)
        if arguments.mot is not None:
            compare(folder, arguments.mot)


if __name__ == "__main__":
    main()
