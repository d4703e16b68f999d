"""Benchmark: finishing LibreOffice's PDFs (convert.pdf_finish) against the conversion itself.

Converts every .docx the example build wrote (papers and kallelse) with one warm LibreOffice,
without the finishing step, then times ``finish_pdf`` on each of those PDFs (best of three).
The target is that finishing costs less than 5 % of the conversion.

    python -m beslut build . && python benchmarks/bench_pdf_finish.py [output]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from beslut.convert import libreoffice  # noqa: E402
from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter  # noqa: E402
from beslut.convert.pdf_finish import finish_pdf  # noqa: E402


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "output"
    sources = sorted(output.rglob("*.docx"))
    if not sources:
        raise SystemExit(f"Inga .docx i {output}: bygg exemplet först (python -m beslut build .).")
    libreoffice.finish_file = lambda path: None  # time LibreOffice alone
    with tempfile.TemporaryDirectory() as folder, LibreOfficeConverter(workers=1) as converter:
        converter.convert([ConversionJob(sources[0], Path(folder, "warm.pdf"), "warm")])
        total_convert = total_finish = 0.0
        print(f"{'konvertering':>13} {'efterbehandling':>16} {'andel':>6}  dokument")
        for index, source in enumerate(sources):
            target = Path(folder, f"{index}.pdf")
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


if __name__ == "__main__":
    main()
