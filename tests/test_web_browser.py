"""The app in a real Chromium: the case list, its filters, keyboard use and accessibility."""

from __future__ import annotations

from typing import Any

from browser_support import assert_accessible, screenshot


def test_case_list_filters_and_is_accessible(served: Any, page: Any) -> None:
    page.goto(served.url)
    assert page.url.endswith("/arenden")
    assert page.title() == "Ärenden – beslut"
    rows = page.locator("table.cases tbody tr")
    assert rows.count() == 12
    assert page.get_by_role("link", name="Handlingsplan för klarspråk 2026–2027").is_visible()
    assert_accessible(page)
    screenshot(page, "arenden")

    page.get_by_label("Instans").select_option("ks")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url("**/arenden?instans=ks*")
    titles = page.locator("table.cases tbody tr td:nth-child(3)").all_inner_texts()
    assert titles and set(titles) == {"ks"}
    assert page.get_by_role("status").inner_text().startswith(f"Visar {len(titles)} av 12")


def test_skip_link_is_first_and_works_from_keyboard(served: Any, page: Any) -> None:
    page.goto(served.url + "arenden")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "innehall"
