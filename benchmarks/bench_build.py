"""Benchmark: ``beslut build`` against the naive way, in one run on the same machine.

The naive way renders each case with docxtpl (beslut's own renderer, so the documents are the
same) and then starts one ``soffice --convert-to pdf`` process per file, with the same PDF/A-2b
and tagging options. Both start cold: no LibreOffice running, a fresh output folder.

The LibreOffice limit (issue 14): beslut's own .docx files (from ``beslut build --format docx``,
not timed) converted by two plain ``soffice --convert-to`` batch processes at once, one per
core, each with its own fresh profile and half of the files, with the same PDF/A filter. A cold
``beslut build`` is compared with that: ``limit_ratio`` = beslut / limit (target ≤ 1.1).

    python benchmarks/bench_build.py --n 100 [--skip-naive] [--skip-limit]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

REPO = Path(__file__).resolve().parents[1]
BESLUT = [sys.executable, "-m", "beslut"]
FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)


def soffice(profile: Path, out: Path, files: list[str]) -> list[str]:
    """A plain ``soffice`` batch conversion of ``files`` with beslut's PDF/A filter."""
    return [
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        FILTER,
        "--outdir",
        str(out),
        *files,
    ]


def time_beslut(workspace: Path) -> float:
    """Return the wall time of a cold ``beslut build`` (docx + pdf)."""
    shutil.rmtree(workspace / "output", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([*BESLUT, "build", str(workspace), "--tyst"], check=True)
    return time.perf_counter() - started


def time_naive(workspace: Path, scratch: Path) -> float:
    """Return the wall time of docxtpl rendering plus one soffice process per file."""
    sys.path.insert(0, str(REPO / "src"))
    from beslut.render.case import render_case
    from beslut.validate.workspace import load_workspace

    profile = scratch / "lo-profile"
    out = scratch / "naive"
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    loaded = load_workspace(workspace)
    assert loaded.profile is not None
    for index, document in enumerate(loaded.cases):
        docx = out / f"{index:04d}.docx"
        docx.write_bytes(render_case(document, loaded.profile, loaded.root).data)
        subprocess.run(soffice(profile, out, [str(docx)]), check=True, capture_output=True)
        if not docx.with_suffix(".pdf").is_file():
            raise SystemExit(f"naive conversion lost {docx}")
    return time.perf_counter() - started


def time_limit(workspace: Path, scratch: Path, processes: int = 2) -> float:
    """Return the wall time of ``processes`` plain soffice batch conversions of beslut's .docx."""
    docx_out = scratch / "docx-only"
    subprocess.run(
        [*BESLUT, "build", str(workspace), "--format", "docx", "--utdata", str(docx_out), "--tyst"],
        check=True,
    )
    files = sorted(str(p) for p in docx_out.rglob("*.docx"))
    if not files:
        raise SystemExit("beslut build --format docx wrote no .docx")
    out = scratch / "limit"
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            soffice(scratch / f"limit-profile-{index}", out, files[index::processes]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for index in range(processes)
    ]
    for process in running:
        if process.wait() != 0:
            raise SystemExit("soffice failed in the limit run")
    elapsed = time.perf_counter() - started
    made = len(list(out.glob("*.pdf")))
    if made != len(files):
        raise SystemExit(f"the limit run made {made} PDFs of {len(files)}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100, help="antal syntetiska ärenden")
    parser.add_argument("--skip-naive", action="store_true", help="mät inte det naiva sättet")
    parser.add_argument(
        "--skip-limit", action="store_true", help="mät inte två rena soffice-batchprocesser"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="beslut-bench-") as tmp:
        scratch = Path(tmp)
        workspace = generate(scratch / "arbetsyta", args.n)
        ours = time_beslut(workspace)
        pdfs = len(list((workspace / "output").rglob("*.pdf")))
        assert pdfs == args.n, f"{pdfs} PDF-filer, väntade {args.n}"
        result = {
            "n": args.n,
            "beslut_s": round(ours, 2),
            "beslut_ms_per_doc": round(1000 * ours / args.n, 1),
            "beslut_docs_per_s": round(args.n / ours, 1),
        }
        if not args.skip_naive:
            naive = time_naive(workspace, scratch)
            result |= {
                "naive_s": round(naive, 2),
                "naive_ms_per_doc": round(1000 * naive / args.n, 1),
                "naive_docs_per_s": round(args.n / naive, 2),
                "ratio": round(naive / ours, 1),
            }
        if not args.skip_limit:
            limit = time_limit(workspace, scratch)
            result |= {"limit_s": round(limit, 2), "limit_ratio": round(ours / limit, 2)}
    print(json.dumps(result, ensure_ascii=False))
    targets = (
        ["mål: ≤ 60 ms per dokument"]
        + ([] if args.skip_naive else ["≥ 10× snabbare än naivt"])
        + ([] if args.skip_limit else ["kall build ≤ 1,1 × två soffice-batchprocesser"])
    )
    print("; ".join(targets))


if __name__ == "__main__":
    main()
