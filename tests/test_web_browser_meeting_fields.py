"""The meeting's own fields and an item's fields in a real Chromium: fill the form, see a
finding beside its field, fix it, add a ledamot from the keyboard, edit an item in place."""

from __future__ import annotations

import re
from typing import Any

from browser_support import assert_accessible, screenshot

MEETING = "content/möten/2022-06-14-hsn.yaml"


def test_fill_the_meeting_fields_fix_a_finding_and_edit_an_item(served: Any, page: Any) -> None:
    page.goto(served.url + "mote/" + MEETING, timeout=60_000)  # the first page checks all
    assert_accessible(page)
    form = page.locator("#uppgiftsformular")
    page.get_by_text("Ändra sammanträdets uppgifter").click()
    assert form.get_by_label("Plats").input_value() == "Regionens hus, sammanträdesrum Storsjön"
    assert_accessible(page)

    # A time the model does not accept: saved as typed, and the finding is shown beside it.
    form.get_by_label("Tid").fill("nio")
    form.get_by_label("Plats").fill("Regionens hus, sal B")
    page.get_by_role("button", name="Spara sammanträdets uppgifter").click()
    page.wait_for_url("**sparat=uppgifter#sammantradet")
    message = page.locator("#f-tid-fel")
    assert "”tid” har fel format" in message.inner_text()
    assert page.locator("#f-tid").get_attribute("aria-invalid") == "true"
    assert "f-tid-fel" in (page.locator("#f-tid").get_attribute("aria-describedby") or "")
    assert "plats: Regionens hus, sal B\n" in (served.root / MEETING).read_text("utf-8")
    assert_accessible(page)
    screenshot(page, "mote-uppgifter")

    # Fix it, and add a ledamot with the keyboard (the new row's field gets the focus).
    form.get_by_label("Tid").fill("09.30")
    form.get_by_role("button", name="Lägg till: ledamöter").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Ny Ledamot (V)")
    assert page.evaluate("() => document.activeElement.name") == "ledamöter.7"
    page.get_by_role("button", name="Spara sammanträdets uppgifter").click()
    page.wait_for_url("**sparat=uppgifter#sammantradet")
    assert page.locator("#f-tid-fel").count() == 0
    text = (served.root / MEETING).read_text("utf-8")
    assert 'tid: "09.30"\n' in text and "  - Ny Ledamot (V)\nersättare:" in text
    assert text.startswith("# Exempelsammanträde")  # the file's comments are kept
    assert_accessible(page)

    # Edit item 3 (information) in place: its title and one of its topics.
    item = page.locator("#punkt-2")
    item.get_by_text(re.compile("^Ändra")).click()
    item.get_by_label("Rubrik", exact=True).fill("Information från direktören")
    item.locator("[name='ärenden.2.punkter.3']").fill("Pandemiläget i juni")
    assert_accessible(page)
    item.get_by_role("button", name="Spara punkt 3").click()
    page.wait_for_url("**#punkt-2")
    assert "Information från direktören" in page.locator("#punkt-2 h3").inner_text()
    text = (served.root / MEETING).read_text("utf-8")
    assert "    rubrik: Information från direktören\n" in text
    assert "      - Pandemiläget i juni\n" in text
    assert_accessible(page)


def test_new_meeting_asks_for_what_the_kallelse_needs(served: Any, page: Any) -> None:
    page.goto(served.url + "moten/ny", timeout=60_000)
    assert_accessible(page)
    page.get_by_label("Instans").select_option("hsn")
    page.get_by_label("Datum").fill("2026-03-17")
    page.get_by_label("Tid", exact=True).fill("13.00")
    page.get_by_label("Plats").fill("Regionens hus, sal A")
    page.get_by_role("group", name="Ordförande").get_by_label("Namn").fill("Anna Andersson")
    page.get_by_role("group", name="Sekreterare").get_by_label("Namn").fill("Sara Ek")
    page.get_by_role("button", name="Skapa sammanträde").click()
    page.wait_for_url("**/2026-03-17-hsn.yaml?sparat=ny")
    assert "Kontrollen hittade inga fel eller varningar" in page.locator(".checks").inner_text()
    assert_accessible(page)
