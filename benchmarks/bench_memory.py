"""Benchmark: peak memory and time of ``beslut check`` on hostile inputs (issue 14, point 4).

Copies the example workspace, runs ``beslut check`` on it as the baseline, then once per
hostile input (the example workspace plus one bad file), each in a new process with an address
space cap (``--cap-mb``) and a time limit. Prints one JSON line per input: exit code, the
diagnostic code reported, peak RSS of the child (``ru_maxrss`` from ``wait4``), its ratio to
the baseline's, and the time.

    python benchmarks/bench_memory.py              # every input
    python benchmarks/bench_memory.py --only md-50mb-line deep-list-one-line

The generators (``HOSTILE``) are shared with ``tests/test_input_limits.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generate import REPO, example_workspace

sys.path.insert(0, str(REPO / "tests"))

from samples import CASE  # the tests' valid case: each hostile input is built on it

MB = 1_000_000
CAP_MB = 2048
"""Address-space cap for each child: far above a normal check, far below a runaway."""
TIMEOUT_S = 120.0

CASE_FRONT = CASE[: CASE.index("---\n", 4)]
"""The test case's front matter up to (not with) its closing ``---``."""


def case_with_body(body: str) -> str:
    """The test case with ``body`` (Markdown) added at the end."""
    return CASE + "\n" + body + "\n"


def case_with_front(extra: str) -> str:
    """The test case with ``extra`` (YAML lines) added after its first key (line 3 on)."""
    return CASE.replace("typ: tjänsteskrivelse\n", f"typ: tjänsteskrivelse\n{extra}", 1)


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs": every level refers nine times to the level before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def png(width: int, height: int, rows: int | None = None) -> bytes:
    """A 1-bit greyscale PNG of ``width`` × ``height`` white pixels (compressed small); with
    ``rows``, only that many rows of pixel data (the header still says ``height``)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    parts = [packer.compress(row) for _ in range(min(height, 1))]
    remaining = (height if rows is None else rows) - 1
    block = row * 1024
    while remaining >= 1024:
        parts.append(packer.compress(block))
        remaining -= 1024
    parts.append(packer.compress(row * remaining))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog) with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_flate_bomb(inflated: int = 2_000_000_000) -> bytes:
    """One A4 page whose content stream inflates to ``inflated`` bytes of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * 10_000_000
    parts = [packer.compress(b"BT /F1 12 Tf 72 720 Td (Bomb) Tj ET\n")]
    for _ in range(inflated // len(chunk)):
        parts.append(packer.compress(chunk))
    parts.append(packer.flush())
    stream = b"".join(parts)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_deep_pages(depth: int = 10_000) -> bytes:
    """A page tree nested ``depth`` levels deep with one page at the bottom."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = level + 2
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (number + 1, parent))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return _pdf(objects)


def pdf_many_pages(count: int = 1_000_000) -> bytes:
    """A page tree that claims ``count`` pages: one /Kids array with the same page many times."""
    kids = b" ".join([b"3 0 R"] * count)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def _zip_bomb(
    member: str, inflated: int, extra: dict[str, bytes] | None = None, level: int = 9
) -> bytes:
    """A zip whose ``member`` inflates to ``inflated`` bytes (plus small ``extra`` members)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"<w:p/>" * 1_000_000
            for _ in range(inflated // len(chunk)):
                handle.write(chunk)
    return out.getvalue()


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_bomb(inflated: int = 3_000_000_000, level: int = 9) -> bytes:
    return _zip_bomb(
        "word/document.xml",
        inflated,
        {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS},
        level,
    )


_SVG_BOMB = (
    """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="100" height="100">
<defs><g id="a0"><rect width="1" height="1"/></g>
"""
    + "".join(
        f'<g id="a{i}">' + f'<use xlink:href="#a{i - 1}"/>' * 10 + "</g>\n" for i in range(1, 12)
    )
    + """</defs><use xlink:href="#a11"/></svg>
"""
)

_SVG_ENTITIES = (
    """<?xml version="1.0"?>
<!DOCTYPE svg [
<!ENTITY a0 "lol">
"""
    + "".join(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">\n' for i in range(1, 10))
    + """]>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&a9;</text></svg>
"""
)


def image_case(name: str) -> str:
    return case_with_body(f"![En bild](../bilder/{name})")


def attachment_case(name: str) -> str:
    return CASE.replace(
        "förslag:\n", f"bilagor:\n  - fil: ../bilagor/{name}\n    titel: En bilaga\nförslag:\n", 1
    )


def decision_points(count: int, text: str | None = None) -> str:
    points = "".join(f"    - {text or f'Nämnden godkänner punkt {n}'}\n" for n in range(count))
    return CASE.replace("    - Hälso- och sjukvårdsnämnden godkänner planen\n", points, 1)


def _fit(unit: str, prefix: str = "", suffix: str = "", budget: int = 990_000) -> str:
    """``unit`` repeated as often as fits, with the case around it, in ``budget`` bytes."""
    room = budget - len(CASE.encode()) - len((prefix + suffix).encode())
    return prefix + unit * (room // len(unit.encode())) + suffix


@dataclass(frozen=True)
class Input:
    """A hostile workspace change: files to write (relative to the workspace) and the code a
    check must report (``None``: the input is within limits and must check without error)."""

    files: Callable[[], dict[str, str | bytes]]
    code: str | None
    rel: str = "content/ärenden/fientlig.md"


HOSTILE: dict[str, Input] = {
    "md-50mb-line": Input(
        lambda: {"content/ärenden/fientlig.md": case_with_body("x" * 50 * MB)}, "för-stor-fil"
    ),
    "yaml-50mb-line": Input(
        lambda: {"content/ärenden/fientlig.yaml": "text: " + "x" * 50 * MB + "\n"},
        "för-stor-fil",
        "content/ärenden/fientlig.yaml",
    ),
    "front-matter-50mb": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_front("underrubrik: " + "x" * 50 * MB + "\n")
        },
        "för-stor-fil",
    ),
    "meeting-50mb": Input(
        lambda: {"content/möten/fientlig.yaml": "typ: sammanträde\nplats: " + "x" * 50 * MB + "\n"},
        "för-stor-fil",
        "content/möten/fientlig.yaml",
    ),
    "profile-50mb": Input(
        lambda: {"content/profil.yaml": "organisation:\n  namn: " + "x" * 50 * MB + "\n"},
        "för-stor-fil",
        "content/profil.yaml",
    ),
    "deep-list-one-line": Input(
        lambda: {"content/ärenden/fientlig.md": case_with_body("- " * 10_000 + "x")},
        "för-djup-text",
    ),
    "deep-list-lines": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_body(
                "".join("  " * i + "- x\n" for i in range(990))
            )
        },
        "för-djup-text",
    ),
    "deep-quote": Input(
        lambda: {"content/ärenden/fientlig.md": case_with_body("> " * 10_000 + "x")},
        "för-djup-text",
    ),
    "deep-emphasis": Input(
        lambda: {"content/ärenden/fientlig.md": case_with_body("*" * 10_000 + "x" + "*" * 10_000)},
        None,
    ),
    "deep-brackets": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_body("[" * 10_000 + "x" + "](u)" * 10_000)
        },
        None,
    ),
    "deep-links": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_body(
                "[" * 5_000 + "x" + "](https://a.se)" * 5_000
            )
        },
        None,
    ),
    "deep-yaml-flow": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_front(
                "underrubrik: " + "[" * 10_000 + "]" * 10_000 + "\n"
            )
        },
        "för-djup-nästling",
    ),
    "deep-yaml-block": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_front(
                "underrubrik:\n  " + "- " * 10_000 + "x\n"
            )
        },
        "för-djup-nästling",
    ),
    "alias-bomb": Input(
        lambda: {"content/ärenden/fientlig.md": case_with_front(alias_bomb())}, "yaml-ankare"
    ),
    "decision-points-15k": Input(
        lambda: {"content/ärenden/fientlig.md": decision_points(15_000)}, None
    ),
    "decision-points-110k": Input(
        lambda: {"content/ärenden/fientlig.md": decision_points(110_000, "a")},
        "för-många-värden",
    ),
    "table-rows-1mb": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_body(
                _fit("| 1 | 2 |\n", "| a | b |\n|---|---|\n")
            )
        },
        "för-lång-text",
    ),
    "table-wide": Input(
        lambda: {
            "content/ärenden/fientlig.md": case_with_body(
                "| " + "a | " * 50_000 + "\n|" + "---|" * 50_000 + "\n" + "| " + "1 | " * 50_000
            )
        },
        "för-lång-text",
    ),
    "pdf-flate-bomb": Input(
        lambda: {
            "content/ärenden/fientlig.md": attachment_case("bomb.pdf"),
            "content/bilagor/bomb.pdf": pdf_flate_bomb(),
        },
        "bilaga-för-stor",
    ),
    "pdf-deep-pages": Input(
        lambda: {
            "content/ärenden/fientlig.md": attachment_case("djup.pdf"),
            "content/bilagor/djup.pdf": pdf_deep_pages(),
        },
        "bilaga-för-stor",
    ),
    "pdf-many-pages": Input(
        lambda: {
            "content/ärenden/fientlig.md": attachment_case("sidor.pdf"),
            "content/bilagor/sidor.pdf": pdf_many_pages(),
        },
        "bilaga-för-stor",
    ),
    "docx-zip-bomb": Input(
        lambda: {
            "content/ärenden/fientlig.md": attachment_case("bomb.docx"),
            "content/bilagor/bomb.docx": docx_bomb(),
        },
        "bilaga-för-stor",
    ),
    "png-100k": Input(
        lambda: {
            "content/ärenden/fientlig.md": image_case("stor.png"),
            "content/bilder/stor.png": png(100_000, 100_000),
        },
        "bild-fel",
    ),
    "svg-use-bomb": Input(
        lambda: {
            "content/ärenden/fientlig.md": image_case("bomb.svg"),
            "content/bilder/bomb.svg": _SVG_BOMB,
        },
        "bild-fel",
    ),
    "svg-entity-bomb": Input(
        lambda: {
            "content/ärenden/fientlig.md": image_case("entiteter.svg"),
            "content/bilder/entiteter.svg": _SVG_ENTITIES,
        },
        "bild-fel",
    ),
    "template-zip-bomb": Input(
        lambda: {"templates/tjänsteskrivelse.docx": docx_bomb()},
        "mallfel",
        "templates/tjänsteskrivelse.docx",
    ),
}


def write_inputs(root: Path, name: str) -> None:
    for rel, data in HOSTILE[name].files().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


@dataclass(frozen=True)
class Run:
    """One capped child process: exit code, combined output, peak RSS and time."""

    exit: int
    output: str
    peak_rss_mb: float
    seconds: float
    timed_out: bool


def run_capped(args: list[str], *, cap_mb: int = CAP_MB, timeout: float = TIMEOUT_S) -> Run:
    """Run ``args`` with an address-space cap (``RLIMIT_AS``) and a time limit; the peak RSS
    is the child's own ``ru_maxrss`` from ``wait4`` (not the benchmark's, not other children's)."""

    # A small launcher forks and execs the command and reports its rusage: the peak RSS must be
    # the command's own. In a fork of this process (preexec_fn, or even vfork) ru_maxrss keeps
    # the high-water mark from before exec, so a big parent (pytest after hundreds of tests)
    # would be reported instead; a fork of the launcher starts at a few MB.
    launcher = (
        "import json, os, resource, sys\n"
        "report, cap = sys.argv[1], int(sys.argv[2]) * 1024 * 1024\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
        "    os.execv(sys.argv[3], sys.argv[3:])\n"
        "_, status, usage = os.wait4(pid, 0)\n"
        "with open(report, 'w') as fh:\n"
        "    json.dump({'status': status, 'maxrss': usage.ru_maxrss}, fh)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "NO_COLOR": "1"}
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile() as out:
        report = Path(scratch) / "rusage.json"
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-I", "-c", launcher, str(report), str(cap_mb), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        timed_out = False
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        if report.is_file():
            found = json.loads(report.read_text())
            code = os.waitstatus_to_exitcode(found["status"])
            peak = round(found["maxrss"] / 1024, 1)
        else:  # killed before the command ended
            code, peak = child.returncode, 0.0
    return Run(code, text, peak, seconds, timed_out)


def check(root: Path, cap_mb: int = CAP_MB) -> Run:
    return run_capped([sys.executable, "-m", "beslut", "check", str(root)], cap_mb=cap_mb)


def _codes(output: str) -> list[str]:
    return sorted(set(re.findall(r": fel: .*\[([\w-]+)\]$", output, re.MULTILINE)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=list(HOSTILE))
    parser.add_argument("--cap-mb", type=int, default=CAP_MB)
    parser.add_argument("--show", action="store_true", help="print each check's output")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="beslut-minne-") as tmp:
        base = example_workspace(Path(tmp) / "normal")
        baseline = check(base, cap_mb=args.cap_mb)
        print(
            json.dumps(
                {
                    "input": "exempelarbetsytan",
                    "exit": baseline.exit,
                    "peak_rss_mb": baseline.peak_rss_mb,
                    "seconds": round(baseline.seconds, 2),
                }
            ),
            flush=True,
        )
        for name in args.only:
            root = Path(tmp) / name
            shutil.copytree(base, root, ignore=shutil.ignore_patterns(".beslut-cache"))
            write_inputs(root, name)
            result = check(root, cap_mb=args.cap_mb)
            line = {
                "input": name,
                "exit": result.exit,
                "expected": HOSTILE[name].code,
                "codes": _codes(result.output),
                "traceback": "Traceback" in result.output or "internt fel" in result.output,
                "timed_out": result.timed_out,
                "peak_rss_mb": result.peak_rss_mb,
                "rss_ratio": round(result.peak_rss_mb / baseline.peak_rss_mb, 2),
                "seconds": round(result.seconds, 2),
                "seconds_ratio": round(result.seconds / baseline.seconds, 2),
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
            if args.show:
                print(result.output[-3000:], flush=True)
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
