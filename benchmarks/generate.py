"""Generate a workspace with N realistic synthetic cases for benchmarks.

Each case is 2–4 pages: numbered decision points, several sections of prose drawn from the
example cases, a structured cost table with a sum row and a footnote. Deterministic for a seed.

    python benchmarks/generate.py DEST --n 100
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SECTIONS = (
    "Sammanfattning",
    "Ärendebeskrivning",
    "Förvaltningens bedömning",
    "Ekonomiska konsekvenser",
)


def _corpus() -> list[str]:
    sentences: list[str] = []
    for path in sorted((REPO / "content" / "ärenden").glob("*.md")):
        body = path.read_text("utf-8").split("\n---\n", 1)[-1]
        for line in body.splitlines():
            if line and line[0].isalpha() and len(line) > 80:
                sentences.extend(s.strip() for s in re.split(r"(?<=\.)\s+", line) if len(s) > 40)
    return sentences


def _paragraph(rng: random.Random, corpus: list[str]) -> str:
    return " ".join(rng.sample(corpus, rng.randint(3, 6)))


def _case(index: int, rng: random.Random, corpus: list[str]) -> str:
    dnr = f"26HSN{1000 + index}"
    points = "\n".join(
        f"    - Hälso- och sjukvårdsnämnden {verb} {obj}"
        for verb, obj in rng.sample(
            [
                ("godkänner", "förslaget till handlingsplan för vårdplatser"),
                (
                    "uppdrar åt",
                    "hälso- och sjukvårdsdirektören att återrapportera senast i juni 2027",
                ),
                ("avsätter", "400 000 kronor för uppföljning under 2027"),
                ("fastställer", "riktlinjer för samverkan med kommunerna"),
                ("överlämnar", "ärendet till regionstyrelsen för kännedom"),
            ],
            rng.randint(2, 4),
        )
    )
    rows = "\n".join(
        f"      - [{name}, {rng.randint(2, 90) * 50}]"
        for name in rng.sample(
            [
                "Samordnare",
                "Administrativt stöd",
                "Utvecklingsmedel",
                "Kommunikation",
                "Resor",
                "Utbildning",
                "Lokaler",
                "IT-stöd",
            ],
            5,
        )
    )
    body = []
    for number, section in enumerate(SECTIONS):
        body.append(f"## {section}\n")
        for _ in range(rng.randint(2, 4)):
            body.append(_paragraph(rng, corpus) + "\n")
        if number == 1:
            body.append("Beräkningen följer regionens modell.[^1]\n")
        if number == 3:
            body.append("```tabell kostnader\n```\n")
    body.append("[^1]: Se regionens anvisningar för ekonomisk planering 2026–2028.\n")
    return f"""---
typ: tjänsteskrivelse
rubrik: Syntetiskt ärende {index} om vårdens organisation
diarienummer: {dnr}
instans: hsn
datum: 2026-10-{1 + index % 28:02d}
handläggare:
  namn: Anna Berg
  titel: Utredare
förslag:
  inledning: Förvaltningens förslag till beslut
  beslutspunkter:
{points}
beslutsunderlag:
  - Tjänsteskrivelse
delges:
  - Hälso- och sjukvårdsförvaltningen
tabeller:
  - id: kostnader
    rubrik: Kostnader 2027
    kolumner:
      - rubrik: Post
      - rubrik: Belopp (tkr)
        typ: belopp
        enhet: tkr
    rader:
{rows}
    summarad: Summa
---

""" + "\n".join(body)


def example_workspace(target: Path) -> Path:
    """Copy the example workspace (content and templates) to ``target``."""
    shutil.copytree(REPO / "content", target / "content")
    shutil.copytree(REPO / "templates", target / "templates")
    return target


def generate(dest: Path, n: int, seed: int = 1) -> Path:
    """Write a workspace with the repository's profile and templates and ``n`` cases."""
    rng = random.Random(seed)
    corpus = _corpus()
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "content" / "ärenden").mkdir(parents=True)
    shutil.copy(REPO / "content" / "profil.yaml", dest / "content" / "profil.yaml")
    # the profile names logos (content/bilder/): without them the build stops at logotyp-fel
    shutil.copytree(REPO / "content" / "bilder", dest / "content" / "bilder")
    shutil.copytree(REPO / "templates", dest / "templates")
    for index in range(n):
        (dest / "content" / "ärenden" / f"syntetiskt-{index:04d}.md").write_text(
            _case(index, rng, corpus), encoding="utf-8"
        )
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.dest, args.n, args.seed)


if __name__ == "__main__":
    main()
