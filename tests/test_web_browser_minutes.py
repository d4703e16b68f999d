"""The meeting page's Protokoll section in a real Chromium, checked with axe-core: the example's
protokoll (paragraphs, marks, anslag dates), and "Skapa protokoll" on a meeting without one."""

from __future__ import annotations

from typing import Any

from browser_support import assert_accessible, screenshot

MEETING = "content/möten/2022-06-14-hsn.yaml"
NEW = "content/möten/2022-09-13-hsn.yaml"


def test_the_protokoll_section_and_skapa_protokoll_are_accessible(served: Any, page: Any) -> None:
    text = (served.root / MEETING).read_text("utf-8")
    (served.root / NEW).write_text(text.replace("datum: 2022-06-14", "datum: 2022-09-13"), "utf-8")

    page.goto(served.url + "mote/" + MEETING, timeout=60_000)  # the first page loads all
    section = page.locator("#protokoll")
    assert section.get_by_role("heading", level=2).inner_text() == "Protokoll"
    table = section.get_by_role("table", name="Protokollets paragrafer")
    assert table.get_by_role("row").count() == 17  # the header and §§ 41–56
    secret = table.get_by_role("row", name="§ 52")
    assert "sekretess" in secret.inner_text()
    assert "omröstning" in table.get_by_role("row", name="§ 51").inner_text()
    assert section.locator("#anslag-overklagande").inner_text() == "2022-07-12"
    assert_accessible(page)
    screenshot(page, "mote-protokoll")

    page.goto(served.url + "mote/" + NEW, timeout=60_000)
    section = page.locator("#protokoll")
    assert "Sammanträdet har inget protokoll ännu" in section.inner_text()
    assert_accessible(page)
    section.get_by_role("button", name="Skapa protokoll").click()
    page.wait_for_url("**?sparat=protokoll#protokoll")
    status = page.locator("#protokoll-skapat")
    assert status.get_attribute("role") == "status"
    assert "content/protokoll/2022-09-13-hsn.yaml" in status.inner_text()
    assert (served.root / "content/protokoll/2022-09-13-hsn.yaml").is_file()
    # The new file's placeholders are listed as its findings.
    assert page.locator("#protokoll .diagnostics li").count() >= 1
    assert_accessible(page)
    screenshot(page, "mote-protokoll-skapat")
