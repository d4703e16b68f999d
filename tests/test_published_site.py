"""The example as `make demo` publishes it, end to end: build, `beslut publicera
--kallelsen-först` (version 1 as the kallelse was sent, version 2 with the tilläggslista), the
public website built from those versions, and then

* no byte of withheld content in any file under webb/ (bytes, HTML text, PDF text), while the
  same markers are in the internal version (so the markers are real),
* axe-core in Chromium finds no WCAG 2.1 AA violation on any page of the real site,
* the site shows both versions, the tilläggslista and its item.

The fixture-based tests in test_site.py and test_site_browser.py check each page type in
detail; this module checks the real pipeline's output, so it runs in every fresh clone.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from beslut.publish import versions
from beslut.versioning import Renumbered, publish_meeting
from browser_support import assert_accessible
from conftest import need_libreoffice
from site_fixtures import pdf_text
from test_packet_build import PROTOKOLL_SECRET_MARKERS, SECRET_MARKERS
from test_render import copy_example_workspace
from test_site import _leaks

MEETING = "2022-06-14-hsn"
WHEN = dt.datetime(2022, 6, 10, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
MARKERS = SECRET_MARKERS + PROTOKOLL_SECRET_MARKERS


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("publicerat") / "arbetsyta")
    outcome = publish_meeting(root, MEETING, sent_first=True, now=WHEN)
    assert [s.version for s in outcome.steps] == [1, 2]
    assert outcome.site == root / "output" / "webb"
    return root / "output"


@pytest.mark.libreoffice
def test_two_versions_and_the_tillaggslista(published: Path) -> None:
    assert versions.list_versions(published, MEETING) == [1, 2]
    one = versions.version_folder(published, MEETING, 1)
    two = versions.version_folder(published, MEETING, 2)
    assert not (one / "tilläggslista.pdf").exists()
    assert "TILLÄGGSLISTA" in pdf_text(two / "offentlig" / "tilläggslista.pdf")
    packet = pdf_text(two / "offentlig" / "handlingar.pdf")
    first = PdfReader(two / "offentlig" / "handlingar.pdf").pages[0].extract_text()
    assert "Ändringar sedan version 1" in first and "ÄNDRINGAR" in first
    assert "Ändringar sedan version 1" in packet


@pytest.mark.libreoffice
def test_no_withheld_content_in_any_file_of_the_real_site(published: Path) -> None:
    internal = "\n".join(
        pdf_text(p)
        for p in (published / "versioner").rglob("*.pdf")
        if "offentlig" not in p.relative_to(published).parts
    )
    for marker in MARKERS:
        assert marker in internal, marker  # the markers are in what is withheld
    webb = published / "webb"
    assert len(list(webb.rglob("*.pdf"))) > 10
    assert _leaks(webb, MARKERS) == []


@pytest.mark.libreoffice
def test_the_real_site_shows_both_versions_and_the_added_item(published: Path) -> None:
    page = published / "webb" / "hsn" / MEETING / "index.html"
    doc = etree.parse(str(page), etree.HTMLParser())
    text = " ".join(" ".join(doc.getroot().itertext()).split())
    assert "17. Tillfällig ersättning för extra arbetspass sommaren 2022" in text
    assert "Tillägg 2022-06-10" in text
    assert "Upphandling – tilldelningsbeslut" in text  # the secret item's public title
    links = {a.get("href") for a in doc.iter("a")}
    assert {"version-1/index.html", "version-2/index.html"} <= links
    version = published / "webb" / "hsn" / MEETING / "version-2" / "index.html"
    changes = " ".join(
        " ".join(etree.parse(str(version), etree.HTMLParser()).getroot().itertext()).split()
    )
    assert (
        "Punkt 17 Tillfällig ersättning för extra arbetspass sommaren 2022 har lagts till "
        "genom tilläggslistan 2022-06-10." in changes
    )
    atom = (published / "webb" / "flode.atom").read_text("utf-8")
    assert "Hälso- och sjukvårdsnämnden" in atom


@pytest.mark.libreoffice
def test_every_page_of_the_real_site_is_accessible(published: Path, page: Any) -> None:
    pages = sorted((published / "webb").rglob("*.html"))
    assert len(pages) >= 7
    for path in pages:
        page.goto(path.as_uri())
        assert page.evaluate("() => document.documentElement.lang") == "sv", path
        assert_accessible(page)


@pytest.mark.libreoffice
def test_a_rebuild_from_scratch_is_no_new_version(published: Path) -> None:
    """`make clean` and a new build give new bytes (the PDFs carry the time they were made),
    but the same content: no version, and nothing in a change log says "ersatts"."""
    root = published.parent
    shutil.rmtree(root / ".beslut-cache")
    shutil.rmtree(published / "möten")
    outcome = publish_meeting(root, MEETING, now=WHEN)
    [step] = outcome.steps
    assert step.version is None, [c.text for c in step.changes]
    built = {
        e["path"]: e["sha256"]
        for e in json.loads((published / "manifest.json").read_text())["outputs"]
    }
    two = versions.read_manifest(versions.version_folder(published, MEETING, 2), versions.MANIFEST)
    item = two.file("ärende-04.pdf")
    assert item is not None
    assert built[f"möten/{MEETING}/ärende-04.pdf"] != item.sha256  # the bytes did change


@pytest.mark.libreoffice
def test_a_version_that_renumbers_published_items_is_refused(published: Path) -> None:
    """Runs last in this module: with --nya-nummer it publishes version 3."""
    root = published.parent
    meeting = root / "content" / "möten" / f"{MEETING}.yaml"
    text = meeting.read_text("utf-8")
    # item 6 (22HSN5103) taken out of the list: items 7–17 would move up one number
    start = text.index("  - typ: beslut\n    diarienummer: 22HSN5103\n")
    end = text.index("  - typ: beslut\n    diarienummer: 22HSN5104\n")
    meeting.write_text(text[:start] + text[end:], "utf-8")
    # the protokoll refers to the items by number: it goes, so the build has no error
    (root / "content" / "protokoll" / f"{MEETING}.yaml").unlink()
    before = sorted(p.relative_to(published).as_posix() for p in published.rglob("*"))
    with pytest.raises(Renumbered) as info:
        publish_meeting(root, MEETING, now=WHEN)
    message = str(info.value)
    assert message.startswith(
        "Version 3 skulle ändra numren i version 2, som redan är publicerad: punkt 6 "
        "Uppföljning av det fallpreventiva arbetet finns inte längre; punkt 7 "
    )
    assert "--nya-nummer" in message
    assert versions.list_versions(published, MEETING) == [1, 2]
    after = sorted(p.relative_to(published).as_posix() for p in published.rglob("*"))
    assert [p for p in after if "versioner" in p or p.startswith("webb")] == [
        p for p in before if "versioner" in p or p.startswith("webb")
    ]
    outcome = publish_meeting(root, MEETING, renumber=True, now=WHEN)
    assert [s.version for s in outcome.steps] == [3]
    texts = [c.text for c in outcome.steps[0].changes]
    assert (
        "Punkt 6 Uppföljning av det fallpreventiva arbetet har tagits bort från "
        "föredragningslistan." in texts
    )
