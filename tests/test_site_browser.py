"""The public website in a real Chromium, from file:// URLs: axe-core finds no WCAG 2.1 AA
violation on any page type, the skip link works from the keyboard, the pages read on a phone,
and a screenshot of each page type is kept (test-artefakter/skärmbilder/webb-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from beslut.publish.website import publish_site
from browser_support import assert_accessible, screenshot
from site_fixtures import write_versions

MEETING = "hsn/2022-06-14-hsn"
PAGE_TYPES = {
    "start": "index.html",
    "organ": "hsn/index.html",
    "mote": f"{MEETING}/index.html",
    "version": f"{MEETING}/version-2/index.html",
    "forsta-version": f"{MEETING}/version-1/index.html",
    "protokoll": f"{MEETING}/protokoll.html",
    "om": "om-webbplatsen.html",
    "mote-utan-protokoll": "rs/2022-06-16-rs/index.html",
}


@pytest.fixture(scope="module")
def webb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = write_versions(tmp_path_factory.mktemp("webb") / "output")
    return publish_site(out)


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_every_page_type_is_accessible(webb: Path, page: Any, name: str) -> None:
    page.goto((webb / PAGE_TYPES[name]).as_uri())
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    assert page.locator("h1").count() == 1
    # the style sheet loaded from file:// (relative link): the header has its colour
    colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('header')).backgroundColor"
    )
    assert colour == "rgb(11, 79, 138)"
    assert_accessible(page)
    screenshot(page, f"webb-{name}")


def test_pages_are_accessible_on_a_phone(webb: Path, browser: Any) -> None:
    context = browser.new_context(locale="sv-SE", viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto((webb / PAGE_TYPES["mote"]).as_uri())
        # nothing wider than the screen: no horizontal scrolling
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        assert_accessible(page)
        screenshot(page, "webb-mote-mobil")
    finally:
        context.close()


def test_skip_link_and_links_work_from_the_keyboard(webb: Path, page: Any) -> None:
    page.goto((webb / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Hoppa till innehållet"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "innehall"
    # from the start page to a meeting, its version 2 and a public PDF, by links only
    page.get_by_role("link", name="Sammanträde tisdagen den 14 juni 2022").click()
    assert page.url.endswith(f"{MEETING}/index.html")
    page.get_by_role("link", name="Version 2", exact=True).first.click()
    assert page.url.endswith(f"{MEETING}/version-2/index.html")
    assert page.get_by_role("heading", name="Ändringar sedan version 1").is_visible()
    href = page.get_by_role("link", name="Tilläggslista").first.get_attribute("href")
    assert href == "tillaggslista.pdf"
