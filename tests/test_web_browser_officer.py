"""The officer's pages in a real Chromium: create a case through the form, see an error beside
its field and fix it, edit decision points with their live preview, and get a conflict when the
file changed behind the form. Every page passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any

from browser_support import assert_accessible, screenshot

KS = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"


def test_create_a_case_see_an_error_beside_its_field_and_fix_it(served: Any, page: Any) -> None:
    page.goto(served.url + "arenden")
    assert_accessible(page)
    page.get_by_role("link", name="Nytt ärende").click()
    page.wait_for_url("**/arende/ny")
    assert page.title() == "Nytt ärende – beslut"
    assert_accessible(page)

    page.get_by_label("Instans").select_option("hsn")
    page.get_by_label("Dokumenttyp").select_option("tjänsteskrivelse")
    page.get_by_label("Rubrik").fill("Ny vårdcentral i Bjuv")
    dnr = page.get_by_label("Diarienummer")
    status = page.locator("#ny-diarienummer-status")
    dnr.press_sequentially("HSN 2026", delay=20)
    page.wait_for_function(
        "() => document.querySelector('#ny-diarienummer-status').textContent"
        ".includes('följer inte')"
    )
    assert dnr.get_attribute("aria-invalid") == "true"
    assert status.get_attribute("aria-live") == "polite"
    assert_accessible(page)
    screenshot(page, "arende-ny")
    dnr.fill("")
    dnr.press_sequentially("26HSN88", delay=20)
    page.wait_for_function(
        "() => document.querySelector('#ny-diarienummer-status').textContent"
        ".includes('följer organisationens format')"
    )
    assert dnr.get_attribute("aria-invalid") is None
    page.get_by_label("Datum").fill("2026-03-01")
    page.get_by_role("button", name="Skapa ärendet").click()
    page.wait_for_url("**/arende/redigera/**")
    assert page.get_by_role("status").first.inner_text().startswith("Ärendet är skapat")
    created = served.root / "content" / "ärenden" / "26HSN88.md"
    assert "Ny vårdcentral i Bjuv" in created.read_text(encoding="utf-8")

    # clear the rubrik: after saving, the error stands beside the field and in the summary
    rubrik = page.locator("#f-rubrik")
    assert rubrik.input_value() == "Ny vårdcentral i Bjuv"
    rubrik.fill("")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**meddelande=sparat**")
    message = page.locator("#f-rubrik-fel")
    assert message.is_visible()
    assert "rubrik" in message.inner_text().lower() or "tom" in message.inner_text().lower()
    assert rubrik.get_attribute("aria-invalid") == "true"
    assert "f-rubrik-fel" in (rubrik.get_attribute("aria-describedby") or "")
    summary_link = page.locator("#sammanfattning a[href='#f-rubrik']")
    assert summary_link.is_visible()
    assert_accessible(page)

    # fix it: the error is gone
    page.locator("#f-rubrik").fill("Ny vårdcentral i Bjuv")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**meddelande=sparat**")
    assert page.locator("#f-rubrik-fel").count() == 0
    assert page.locator("#f-rubrik").get_attribute("aria-invalid") is None


def test_decision_points_preview_live_and_rows_by_keyboard(served: Any, page: Any) -> None:
    page.goto(served.url + "arende/redigera/" + KS)
    preview = page.locator("#beslutspunkter-forhandsvisning")
    assert preview.get_attribute("aria-live") == "polite"
    assert "Kommunfullmäktige antar handlingsplan" in preview.inner_text()
    # add a decision point to the first block with the keyboard
    block = page.locator("fieldset[data-path='förslag.block.0.beslutspunkter']")
    add = block.locator(":scope > button.add-row")
    add.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("() => document.activeElement.name")
    assert focused == "förslag.block.0.beslutspunkter.1.punkt"
    page.keyboard.type("kommunfullmäktige anslår 80 000 kronor för utbildningen")
    page.wait_for_function(
        "() => document.querySelector('#beslutspunkter-forhandsvisning').textContent"
        ".includes('kronor för utbildningen')"
    )
    # move it above the first point, still with the keyboard
    row = block.locator("li.row").nth(1)
    row.get_by_role("button", name="Flytta upp").focus()
    page.keyboard.press("Enter")
    first = block.locator("li.row").first.locator("input[type=text]").first
    assert first.input_value().startswith("kommunfullmäktige anslår")
    assert page.locator("#radstatus").inner_text() == "Raden flyttades upp till plats 1."
    page.wait_for_function(
        "() => { const t = document.querySelector('#beslutspunkter-forhandsvisning').textContent;"
        " return t.indexOf('anslår') < t.indexOf('antar handlingsplan'); }"
    )
    # the Markdown toolbar inserts Markdown into the body
    body = page.locator("#f-brödtext")
    body.focus()
    page.keyboard.press("Control+End")
    page.get_by_role("button", name="Fet").click()
    assert body.input_value().endswith("**fet text**")
    assert_accessible(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "arende-redigera")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**meddelande=sparat**")
    text = (served.root / KS).read_text(encoding="utf-8")
    assert (
        "      beslutspunkter:\n"
        "        - kommunfullmäktige anslår 80 000 kronor för utbildningen\n"
        "        - Kommunfullmäktige antar handlingsplan för klarspråk 2026–2027\n"
    ) in text
    assert text.endswith("**fet text**")


def test_a_concurrent_edit_shows_the_conflict_page(served: Any, page: Any) -> None:
    path = served.root / KS
    before = path.read_bytes()
    page.goto(served.url + "arende/redigera/" + KS)
    # saving the form as loaded leaves the file byte for byte as it was
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**meddelande=oforandrat**")
    assert path.read_bytes() == before
    path.write_text(
        path.read_text(encoding="utf-8").replace("Elin Bergkvist", "Elin Berg", 1),
        encoding="utf-8",
    )
    page.locator("#f-rubrik").fill("Min rubrik")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.get_by_role("button", name="Spara", exact=True).click()
    assert info.value.status == 409
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Filen har ändrats sedan du öppnade den"
    )
    assert "rubrik: Min rubrik" in page.locator("#din-version").input_value()
    assert "namn: Elin Berg\n" in page.locator("#filens-version").input_value()
    assert "Min rubrik" not in path.read_text(encoding="utf-8")
    assert_accessible(page)
    screenshot(page, "konflikt")
    page.get_by_role("link", name="Ladda om filens version").click()
    page.wait_for_url("**/arende/redigera/**")
    assert page.locator("#f-handläggare-0-namn").input_value() == "Elin Berg"
