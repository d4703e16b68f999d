"""The secretary's pages in a real Chromium: reorder an item from the keyboard, build the
packet with live progress, see the internal and public packets side by side."""

from __future__ import annotations

import re
from typing import Any

from browser_support import assert_accessible, screenshot

MEETING = "content/möten/2022-06-14-hsn.yaml"


def _order(served: Any) -> list[str]:
    text = (served.root / MEETING).read_text("utf-8")
    return re.findall(r"diarienummer: (\S+)", text)


def test_meeting_list_and_new_meeting_form_are_accessible(served: Any, page: Any) -> None:
    page.goto(served.url + "moten", timeout=60_000)  # the first page loads and checks all
    assert page.title() == "Sammanträden – beslut"
    assert page.get_by_role("link", name="2022-06-14").is_visible()
    assert_accessible(page)
    screenshot(page, "moten")
    page.get_by_role("link", name="Nytt sammanträde").click()
    page.wait_for_url("**/moten/ny")
    assert_accessible(page)
    page.get_by_label("Instans").select_option("hsn")
    page.get_by_label("Datum").fill("2026-03-17")
    page.get_by_label("Tid", exact=True).fill("09.00")
    page.get_by_label("Plats").fill("Sal A")
    page.get_by_role("group", name="Ordförande").get_by_label("Namn").fill("Anna Andersson")
    page.get_by_role("group", name="Sekreterare").get_by_label("Namn").fill("Sara Ek")
    page.get_by_role("button", name="Skapa sammanträde").click()
    page.wait_for_url("**/2026-03-17-hsn.yaml?sparat=ny")
    assert "Sammanträdet är skapat" in page.get_by_role("status").first.inner_text()
    assert (served.root / "content/möten/2026-03-17-hsn.yaml").is_file()
    assert_accessible(page)


def test_reorder_build_and_see_both_packets(served: Any, page: Any) -> None:
    page.goto(served.url + "moten", timeout=60_000)  # the first page loads and checks all
    page.get_by_role("link", name="2022-06-14").click()
    page.wait_for_url("**/mote/content/**")
    assert_accessible(page)

    # Reorder from the keyboard: focus "move down" of item 4 and press Enter.
    before = _order(served)
    assert before[:2] == ["22HSN5101", "22HSN5102"]
    page.get_by_role("button", name=re.compile(r"^Flytta ned punkt 4: Månadsrapport")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#punkt-4")
    assert _order(served)[:2] == ["22HSN5102", "22HSN5101"]
    assert page.evaluate("() => document.activeElement.id") == "punkt-4"
    assert "Månadsrapport" in page.locator("#punkt-4 h3").inner_text()
    assert page.locator("#punkt-4 h3").inner_text().startswith("5.")
    assert "Ändringen är sparad" in page.locator("#sparat").inner_text()
    # The example's own comments are still in the file.
    assert (served.root / MEETING).read_text("utf-8").startswith("# Exempelsammanträde")
    screenshot(page, "mote")

    # Build with live progress; a second click is told a build runs.
    page.get_by_role("button", name="Bygg handlingarna").click()
    lines = page.locator("#bygglista li")
    lines.first.wait_for(timeout=60_000)
    assert page.locator("#byggstatus").get_attribute("aria-live") == "polite"
    assert page.get_by_role("button", name="Bygg handlingarna").is_disabled()
    page.wait_for_function(
        "() => document.getElementById('byggstatus').dataset.state !== 'running'",
        timeout=300_000,
    )
    summary = page.locator("#byggsammanfattning").inner_text()
    assert summary.startswith("Bygget är klart"), (
        summary + "\n" + "\n".join(lines.all_inner_texts())
    )
    texts = lines.all_inner_texts()
    assert any(t.startswith("Konverterar:") for t in texts), texts
    assert any(t.startswith("Sätter ihop handlingar") for t in texts), texts
    assert_accessible(page)
    screenshot(page, "mote-bygge")

    # After reloading: the new order's page numbers, current, and both packets side by side.
    page.get_by_role("link", name=re.compile("Ladda om sidan")).click()
    page.wait_for_url("**byggt=*")
    assert page.locator("#bygglista li").count() == 0  # a finished build is not replayed
    page.locator("#sidnummer-status").wait_for()
    assert "sidnumren gäller" in page.locator("#sidnummer-status").inner_text()
    internal = page.locator('iframe[title="Handlingarna, intern version"]')
    public = page.locator('iframe[title="Handlingarna, offentlig version"]')
    assert internal.get_attribute("src", timeout=5_000).endswith("/handlingar.pdf")
    assert public.get_attribute("src").endswith("/offentlig/handlingar.pdf")
    box_internal, box_public = internal.bounding_box(), public.bounding_box()
    assert box_internal and box_public
    assert box_internal["x"] < box_public["x"] and abs(box_internal["y"] - box_public["y"]) < 5
    withheld = page.locator("ul.withheld li").all_inner_texts()
    assert len(withheld) == 1 and withheld[0].startswith("Ärende 12:")
    assert "19 kap. 3 § OSL" in withheld[0]
    pdf = page.request.get(served.url + "mote/fil/möten/2022-06-14-hsn/offentlig/handlingar.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert_accessible(page)
    screenshot(page, "mote-paket")

    # On a narrow screen the frames give way to the links.
    page.set_viewport_size({"width": 420, "height": 900})
    assert not internal.is_visible() and not public.is_visible()
    assert page.get_by_role("link", name="Intern version (handlingar.pdf)").is_visible()
    assert page.get_by_role(
        "link", name="Offentlig version (offentlig/handlingar.pdf)"
    ).is_visible()
    assert_accessible(page)
