"""Benchmark: the officer's edit page of ``beslut serve`` (in process, Starlette's TestClient).

On a copy of the example workspace, for one case: the first load of the edit page (loading and
checking the workspace), a load with nothing changed, a save (merge and atomic write), and the
load right after a save (the workspace state reloads; only the saved case is validated and
rendered again, the other cases' results are remembered). Medians and 95th percentiles over
N rounds.

    python benchmarks/bench_web_edit.py --rounds 20
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from starlette.testclient import TestClient

from beslut.web import files, forms
from beslut.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
CASE = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"


def _submitted(nodes: list[forms.Node]) -> list[tuple[str, str]]:
    """What a browser submits for the form's fields as shown (rows with their markers)."""
    out: list[tuple[str, str]] = []
    for node in nodes:
        if isinstance(node, forms.FormField):
            if node.kind == "checkbox":
                if node.checked:
                    out.append((node.path, "ja"))
            elif node.kind == "select" and not node.value and node.options:
                out.append((node.path, node.options[0][0]))
            else:
                out.append((node.path, node.value))
        elif isinstance(node, forms.FormGroup):
            out.extend(_submitted(node.children))
        else:
            for item in node.items:
                out.append((f"{item.path.removesuffix(forms.YAML_SUFFIX)}.{forms.ROW_MARK}", "1"))
                out.extend(_submitted([item]))
    return out


def _quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "arbetsyta"
        for part in ("content", "templates"):
            shutil.copytree(REPO / part, root / part)
        (root / "output").mkdir()
        client = TestClient(
            create_app(root.resolve()), base_url="http://127.0.0.1:8000", follow_redirects=False
        )
        url = "/arende/redigera/" + quote(CASE)
        started = time.perf_counter()
        page = client.get(url)
        first = time.perf_counter() - started
        token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        loads, saves, reloads = [], [], []
        for round_ in range(args.rounds):
            started = time.perf_counter()
            client.get(url)
            loads.append(time.perf_counter() - started)
            source = files.read_case(root, CASE)
            data = files.plain(source.front)
            data["rubrik"] = f"Handlingsplan för klarspråk, version {round_}"
            items = [
                ("csrf", token),
                ("version", source.version),
                (forms.BODY_FIELD, source.body),
                *_submitted(forms.case_form(data)),
            ]
            started = time.perf_counter()
            response = client.post(
                url,
                content=urlencode(items).encode(),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            saves.append(time.perf_counter() - started)
            assert response.status_code == 303, response.text[:300]
            started = time.perf_counter()
            client.get(response.headers["location"])
            reloads.append(time.perf_counter() - started)
    print(f"first load of the edit page (load and check the workspace): {first * 1000:.0f} ms")
    print(f"edit page, nothing changed: {_quantiles(loads)}")
    print(f"save (merge into the file, atomic write): {_quantiles(saves)}")
    print(f"edit page right after a save (reload and check): {_quantiles(reloads)}")


if __name__ == "__main__":
    main()
