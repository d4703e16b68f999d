"""Benchmark: ``beslut build`` against the naive way, in one run on the same machine.

The naive way renders each case with docxtpl (beslut's own renderer, so the documents are the
same) and then starts one ``soffice --convert-to pdf`` process per file, with the same PDF/A-2b
and tagging options. Both start cold: no LibreOffice running, a fresh output folder.

The LibreOffice limit (issue 14): beslut's own .docx files (from ``beslut build --format docx``,
not timed) converted by two plain ``soffice --convert-to`` batch processes at once, one per
core, each with its own fresh profile and half of the files, with the same PDF/A filter. A cold
``beslut build`` is compared with that: ``limit_ratio`` = beslut / limit (target ≤ 1.1).

``--seeded-limit`` also times the limit with profiles prepared as beslut prepares its own
(:mod:`beslut.convert.office_profile`: the installed version recorded, so LibreOffice skips its
graphics self-test): ``seeded_limit_ratio`` shows how much of beslut's lead over plain soffice
is that one trick.

``--repeat N`` measures beslut and the limit N times, alternating, and prints medians (and the
median of each round's own ratio, ``limit_ratio_rounds``, which a machine whose speed drifts
between rounds disturbs less).

Every timed run also records the CPU seconds the whole machine spent meanwhile (``/proc/stat``;
run it on an otherwise idle machine). ``cpu_bound_ratio`` = beslut's CPU seconds / cores /
the limit's wall time: the best ratio beslut's work could reach if it kept every core busy all
the time, which shows whether the target is a matter of overlap (wall ratio above the bound) or
of the work itself (the bound above the target).

``--against SRC`` also times a cold build of another checkout's sources (e.g. ``/work/main/src``)
in the same run, so that both ratios see the same machine load; ``--breakdown`` then runs one
traced cold build (``build_trace.py``) and prints where its time went.

    python benchmarks/bench_build.py --n 100 [--skip-naive] [--skip-limit] [--repeat 3]
        [--against ../main/src] [--breakdown]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

from beslut.convert.office_profile import product_version, seed_profile

REPO = Path(__file__).resolve().parents[1]
BESLUT = [sys.executable, "-m", "beslut"]
FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)


CORES = os.cpu_count() or 1


def busy_seconds() -> float:
    """CPU seconds the machine has spent busy since boot (all cores, from ``/proc/stat``)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


class Timed:
    """Wall and machine CPU seconds of the ``with`` block."""

    def __enter__(self) -> Timed:
        self.cpu = busy_seconds()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = busy_seconds() - self.cpu


CPU: dict[str, list[float]] = {}
"""CPU seconds of each timed run, by what ran (``beslut``, ``limit`` …)."""


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


def time_beslut(workspace: Path, src: Path | None = None) -> float:
    """Return the wall time of a cold ``beslut build`` (docx + pdf): no output, no cache.

    ``src``: run the beslut sources there (PYTHONPATH) instead of the installed ones.
    """
    shutil.rmtree(workspace / "output", ignore_errors=True)
    shutil.rmtree(workspace / ".beslut-cache", ignore_errors=True)
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    stop_service(workspace, env)
    with Timed() as timed:
        subprocess.run(
            [*BESLUT, "build", str(workspace), "--tyst"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    CPU.setdefault("beslut" if src is None else "against", []).append(timed.cpu)
    stop_service(workspace, env)
    return timed.wall


def stop_service(workspace: Path, env: dict[str, str] | None = None) -> None:
    """Stop the workspace's build service (not timed). Cold means no service: each timed build
    pays for starting one (Python imports, LibreOffice) as a first build does, and no idle
    service sits beside the soffice runs of the limit."""
    # check=False: code from before the service (--against) has no such command
    subprocess.run(
        [*BESLUT, "tjänst", "stopp", str(workspace)], check=False, env=env, capture_output=True
    )


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


def limit_files(workspace: Path, scratch: Path) -> list[str]:
    """beslut's own .docx of the workspace (``beslut build --format docx``, not timed)."""
    docx_out = scratch / "docx-only"
    subprocess.run(
        [*BESLUT, "build", str(workspace), "--format", "docx", "--utdata", str(docx_out), "--tyst"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stop_service(workspace)
    files = sorted(str(p) for p in docx_out.rglob("*.docx"))
    if not files:
        raise SystemExit("beslut build --format docx wrote no .docx")
    return files


def time_limit(
    files: list[str], scratch: Path, processes: int = 2, *, seeded: bool = False
) -> float:
    """Return the wall time of ``processes`` plain soffice batch conversions of ``files``,
    each with a fresh profile (``seeded``: prepared as beslut prepares its own, not timed)."""
    out = scratch / "limit"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    version = _installed_version() if seeded else None
    for index in range(processes):
        shutil.rmtree(scratch / f"limit-profile-{index}", ignore_errors=True)
        if version is not None:
            seed_profile(scratch / f"limit-profile-{index}", version)
    with Timed() as timed:
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
    CPU.setdefault("seeded_limit" if seeded else "limit", []).append(timed.cpu)
    elapsed = timed.wall
    made = len(list(out.glob("*.pdf")))
    if made != len(files):
        raise SystemExit(f"the limit run made {made} PDFs of {len(files)}")
    return elapsed


def _installed_version() -> str:
    """The installed LibreOffice's version, as beslut records it in its profiles."""
    version = product_version(shutil.which("soffice") or "soffice")
    if version is None:
        raise SystemExit("the installed LibreOffice's version is unknown")
    return version


def _round_ratio(ours: list[float], limits: list[float]) -> float:
    """The median of each round's ratio (both timed in the same round, so at one machine speed)."""
    return round(statistics.median(a / b for a, b in zip(ours, limits, strict=True)), 2)


def breakdown(workspace: Path) -> None:
    """One traced cold build (build_trace.py); prints its stage table."""
    trace = Path(__file__).with_name("build_trace.py")
    done = subprocess.run(
        [sys.executable, str(trace), str(workspace), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    sys.path.insert(0, str(trace.parent))
    from build_trace import print_table

    print_table(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100, help="antal syntetiska ärenden")
    parser.add_argument("--skip-naive", action="store_true", help="mät inte det naiva sättet")
    parser.add_argument(
        "--skip-limit", action="store_true", help="mät inte två rena soffice-batchprocesser"
    )
    parser.add_argument(
        "--seeded-limit",
        action="store_true",
        help="mät också gränsen med profiler förberedda som beslut förbereder sina",
    )
    parser.add_argument("--repeat", type=int, default=1, help="mät så många gånger (median)")
    parser.add_argument(
        "--against", type=Path, help="mät också en annan utcheckning (dess src-mapp)"
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="visa var tiden går i ett kallt bygge"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="beslut-bench-") as tmp:
        scratch = Path(tmp)
        workspace = generate(scratch / "arbetsyta", args.n)
        files = [] if args.skip_limit else limit_files(workspace, scratch)
        times: dict[str, list[float]] = {}
        for _ in range(max(1, args.repeat)):
            times.setdefault("beslut", []).append(time_beslut(workspace))
            pdfs = len(list((workspace / "output").rglob("*.pdf")))
            assert pdfs == args.n, f"{pdfs} PDF-filer, väntade {args.n}"
            if args.against is not None:
                times.setdefault("against", []).append(time_beslut(workspace, args.against))
            if not args.skip_limit:
                times.setdefault("limit", []).append(time_limit(files, scratch))
                if args.seeded_limit:
                    seeded = time_limit(files, scratch, seeded=True)
                    times.setdefault("seeded_limit", []).append(seeded)
        ours = statistics.median(times["beslut"])
        result: dict[str, object] = {
            "n": args.n,
            "beslut_s": round(ours, 2),
            "beslut_ms_per_doc": round(1000 * ours / args.n, 1),
            "beslut_docs_per_s": round(args.n / ours, 1),
        }
        result["cpu_s"] = {k: round(statistics.median(v), 2) for k, v in CPU.items()}
        result["cores"] = CORES
        if args.repeat > 1:
            result["runs_s"] = {k: [round(t, 2) for t in v] for k, v in times.items()}
        if not args.skip_naive:
            naive = time_naive(workspace, scratch)
            result |= {
                "naive_s": round(naive, 2),
                "naive_ms_per_doc": round(1000 * naive / args.n, 1),
                "naive_docs_per_s": round(args.n / naive, 2),
                "ratio": round(naive / ours, 1),
            }
        if not args.skip_limit:
            limit = statistics.median(times["limit"])
            result |= {
                "limit_s": round(limit, 2),
                "limit_ratio": round(ours / limit, 2),
                "cpu_bound_ratio": round(statistics.median(CPU["beslut"]) / CORES / limit, 2),
            }
            if args.repeat > 1:
                result["limit_ratio_rounds"] = _round_ratio(times["beslut"], times["limit"])
            if args.seeded_limit:
                seeded = statistics.median(times["seeded_limit"])
                result |= {
                    "seeded_limit_s": round(seeded, 2),
                    "seeded_limit_ratio": round(ours / seeded, 2),
                }
            if args.against is not None:
                other = statistics.median(times["against"])
                result |= {
                    "against_s": round(other, 2),
                    "against_limit_ratio": round(other / limit, 2),
                }
                if args.repeat > 1:
                    result["against_limit_ratio_rounds"] = _round_ratio(
                        times["against"], times["limit"]
                    )
        print(json.dumps(result, ensure_ascii=False))
        targets = (
            ["mål: ≤ 60 ms per dokument"]
            + ([] if args.skip_naive else ["≥ 10× snabbare än naivt"])
            + ([] if args.skip_limit else ["kall build ≤ 1,1 × två soffice-batchprocesser"])
        )
        print("; ".join(targets))
        if args.breakdown:
            breakdown(workspace)


if __name__ == "__main__":
    main()
