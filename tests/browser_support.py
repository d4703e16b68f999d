"""The browser tests' machinery: a real ``beslut serve`` process, Debian's Chromium driven by
Playwright, axe-core for accessibility, and screenshots kept as test artefacts.

The fixtures that use this live in conftest.py (``served``, ``browser``, ``page``). Nothing here
is skipped in CI: a missing Chromium or axe-core fails there (``make test`` installs both).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = REPO / "test-artefakter"
SCREENSHOTS = ARTEFACTS / "skärmbilder"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ADDRESS = re.compile(r"(http://[^\s]+/)")
# The rules that make WCAG 2.1 AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def copy_example(target: Path) -> Path:
    """Copy the example workspace (content/ and templates/ of the repository) to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "content", target / "content")
    shutil.copytree(REPO / "templates", target / "templates")
    (target / "output").mkdir()
    return target


@dataclass
class Served:
    """A running ``beslut serve`` process and the address it printed."""

    root: Path
    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def stop(self) -> str:
        """Stop the server (SIGINT, as Ctrl-C) and return what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        rest = ""
        if self.process.stderr:
            rest = self.process.stderr.read()
            self.process.stderr.close()
        if self.process.stdout:
            self.process.stdout.close()
        return "".join(self.lines) + rest


def start_server(root: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    """Start ``beslut serve ROOT --port 0 …`` and wait for its address (at most 30 s)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "beslut", "serve", str(root), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        match = ADDRESS.search(line)
        if match:
            return Served(root, match.group(1), process, lines)
    process.kill()
    raise AssertionError("beslut serve startade inte:\n" + "".join(lines))


def require_browser_tools() -> None:
    """Fail (never skip) when Chromium or axe-core is missing: make test installs them."""
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    if missing:
        raise AssertionError(
            f"Saknas: {', '.join(missing)}. Kör ”make test” (eller ”make browser”), som "
            "installerar Chromium och axe-core."
        )


def launch(playwright: Any) -> Any:
    """Launch Debian's Chromium headless through Playwright."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) in the page and return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluate() is not subject to the page's Content-Security-Policy, which forbids
        # injected scripts (the app's own CSP stays on in the tests)
        page.evaluate(AXE.read_text("utf-8"))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable list of axe violations for an assertion message."""
    lines = []
    for v in violations:
        targets = "; ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {targets}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Assert that axe-core finds no WCAG 2.1 AA violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, "axe-core hittade brister:\n" + describe(violations)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artefact (test-artefakter/skärmbilder/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
