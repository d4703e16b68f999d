"""The public website (output/webb/): pages, links, feed, site manifest, leaks, atomic replace.

Built from published versions written by ``site_fixtures.write_versions`` (the export contract's
shape), so these tests do not depend on the version-writing code.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from lxml import etree, html

from beslut.cli.main import cli
from beslut.errors import PublishError
from beslut.publish import website
from beslut.publish.website import NothingPublished, publish_site
from beslut.site.pages import file_detail
from site_fixtures import (
    HIDDEN_PUBLIC_TITLE,
    PLANTED,
    PUBLIC_TITLE,
    SECRET_TITLE,
    make_writable,
    pdf_text,
    write_versions,
)
from test_packet_build import SECRET_MARKERS as SECRET_MARKERS_REAL

ATOM = "{http://www.w3.org/2005/Atom}"
MEETING = "hsn/2022-06-14-hsn"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``output/`` with the fixture's versions and the site built from them."""
    out = write_versions(tmp_path_factory.mktemp("webb") / "output")
    publish_site(out)
    return out


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A site of its own for a test that changes something."""
    out = write_versions(tmp_path / "output")
    publish_site(out)
    return out


def _pages(webb: Path) -> list[Path]:
    return sorted(webb.rglob("*.html"))


def _doc(path: Path) -> Any:
    return html.fromstring(path.read_bytes())


def _s(value: Any) -> str:
    """Text with runs of white space (no-break spaces too) as one space."""
    text = value if isinstance(value, str) else value.text_content()
    return " ".join(text.replace("\u00a0", " ").split())


def _text(path: Path) -> str:
    return _s(_doc(path))


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- every page


def test_every_page_is_swedish_semantic_html_with_relative_links_that_resolve(built: Path) -> None:
    webb = built / "webb"
    pages = _pages(webb)
    names = {p.relative_to(webb).as_posix() for p in pages}
    assert {
        "index.html",
        "om-webbplatsen.html",
        "hsn/index.html",
        "rs/index.html",
        f"{MEETING}/index.html",
        f"{MEETING}/protokoll.html",
        f"{MEETING}/version-1/index.html",
        f"{MEETING}/version-2/index.html",
        "rs/2022-06-16-rs/index.html",
        "rs/2022-06-16-rs/version-1/index.html",
    } == names
    for path in pages:
        doc = _doc(path)
        where = path.relative_to(webb)
        assert doc.get("lang") == "sv", where
        assert len(doc.xpath("//h1")) == 1, where
        for landmark in ("header", "nav", "main", "footer"):
            assert doc.xpath(f"//{landmark}"), (where, landmark)
        assert doc.xpath("//main/@id") == ["innehall"], where
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#innehall", where
        assert first_link.text_content() == "Hoppa till innehållet"
        assert not doc.xpath("//script"), where
        assert doc.xpath("//title/text()")[0].strip(), where
        hrefs = doc.xpath("//a/@href | //link/@href")
        for href in hrefs:
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, (where, href)
            assert not href.startswith("/"), (where, href)
            if href.startswith("#"):
                assert doc.xpath(f"//*[@id='{href[1:]}']"), (where, href)
                continue
            assert not href.endswith("/"), (where, href)  # index.html named: works from file://
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (where, href)
            assert target.is_relative_to(webb.resolve()), (where, href)
    # file names are ASCII, the whole tree
    for path in webb.rglob("*"):
        assert path.relative_to(webb).as_posix().isascii(), path


def test_start_page_lists_organs_and_their_meetings_newest_first(built: Path) -> None:
    doc = _doc(built / "webb" / "index.html")
    assert doc.xpath("//h1/text()") == ["Sammanträden och handlingar"]
    organs = [" ".join(h.text_content().split()) for h in doc.xpath("//main//h2")]
    assert organs == ["Hälso- och sjukvårdsnämnden", "Regionstyrelsen"]
    links = doc.xpath("//main//ul[@class='meetings']//a")
    assert [a.get("href") for a in links] == [
        f"{MEETING}/index.html",
        "rs/2022-06-16-rs/index.html",
    ]
    assert _s(links[0]) == "Sammanträde tisdagen den 14 juni 2022"
    text = _text(built / "webb" / "index.html")
    assert "Version 2, publicerad 21 juni 2022 kl. 10.30" in text


def test_meeting_page_shows_the_latest_agenda(built: Path) -> None:
    page = built / "webb" / MEETING / "index.html"
    doc = _doc(page)
    text = _text(page)
    assert _s(doc.xpath("//h1")[0]) == (
        "Hälso- och sjukvårdsnämnden, sammanträde tisdagen den 14 juni 2022"
    )
    facts = {_s(dt): _s(dt.getnext()) for dt in doc.xpath("//dl[@class='facts']/dt")}
    assert facts == {
        "Datum": "tisdagen den 14 juni 2022",
        "Tid": "kl. 09.00",
        "Plats": "Regionens hus, sammanträdesrum Storsjön",
        "Kallelsen skickades": "7 juni 2022",
        "Version": "Version 2, publicerad 21 juni 2022 kl. 10.30",
    }
    assert "Region Exempel" in text
    items = doc.xpath("//ol[@class='agenda']/li")
    assert [i.xpath("string(.//h3)").split(".")[0] for i in items] == [str(n) for n in range(1, 18)]
    # the supplement item: its marker, proposal as a list, its public PDF with type and size
    last = items[16]
    assert "Tillfällig förstärkning av ambulanssjukvården i sommar" in last.xpath("string(.//h3)")
    assert last.xpath("string(.//*[contains(@class, 'supplement')])") == "Tillägg 2022-06-10"
    assert last.xpath(".//div[@class='proposal']/p/text()") == [
        "Hälso- och sjukvårdsnämnden beslutar"
    ]
    assert last.xpath(".//div[@class='proposal']/ul/li/text()") == [
        "att förstärka ambulanssjukvården under juli och augusti 2022."
    ]
    link = last.xpath(".//ul[@class='files']//a")[0]
    assert link.get("href") == "version-2/arende-17.pdf"
    assert link.text_content() == "Handlingar till punkt 17"
    size = (page.parent / "version-2" / "arende-17.pdf").stat().st_size
    assert f"(PDF, {round(size / 1000)}\u00a0kB)" in last.text_content()
    assert "Tillägg" not in items[3].text_content()
    assert _s(last.xpath(".//p[@class='pages']")[0]) == "Sidorna 3–4 i alla handlingar"
    assert not items[0].xpath(".//p[@class='pages']")
    # item 4: two att-satser
    assert items[3].xpath(".//div[@class='proposal']/ul/li/text()") == [
        "att godkänna delårsrapporten per april 2022,",
        "att överlämna den till regionstyrelsen.",
    ]
    # withheld items: the public title and the notice, no proposal, no file
    secret = items[11]
    assert PUBLIC_TITLE in secret.xpath("string(.//h3)")
    assert secret.xpath("string(.//p[@class='notice'])") == (
        "Handlingarna omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte."
    )
    assert not secret.xpath(".//div[@class='proposal'] | .//a")
    hidden = items[10]
    assert HIDDEN_PUBLIC_TITLE in hidden.xpath("string(.//h3)")
    assert hidden.xpath("string(.//p[@class='notice'])") == (
        "Handlingarna publiceras inte på webben. De kan begäras ut från registraturen."
    )
    assert not hidden.xpath(".//div[@class='proposal'] | .//a")
    # the meeting's documents and versions
    documents = doc.xpath("//section[@aria-labelledby='handlingar']//a")
    assert [(a.text_content(), a.get("href")) for a in documents] == [
        ("Kallelse", "version-2/kallelse.pdf"),
        ("Tilläggslista", "version-2/tillaggslista.pdf"),
        ("Alla handlingar", "version-2/handlingar.pdf"),
        ("Protokoll", "protokoll.html"),
    ]
    versions = doc.xpath("//section[@aria-labelledby='versioner']//li")
    assert [_s(v) for v in versions] == [
        "Version 2, publicerad 21 juni 2022 kl. 10.30 (5 ändringar sedan version 1)",
        "Version 1, publicerad 7 juni 2022 kl. 16.05",
    ]


def test_version_pages_show_the_change_log_and_that_versions_files(built: Path) -> None:
    folder = built / "webb" / MEETING
    second = _doc(folder / "version-2" / "index.html")
    assert second.xpath("string(//h2[@id='andringar'])") == "Ändringar sedan version 1"
    changes = [_s(li) for li in second.xpath("//ul[@class='changes']/li")]
    assert changes[0].startswith(
        "Punkt 17 Tillfällig förstärkning av ambulanssjukvården i sommar har lagts till genom "
        "tilläggslistan 2022-06-10. – Punkt 17: Tillfällig förstärkning"
    )
    assert "Sidorna 30–41 i handlingarna har flyttats till sidorna 32–43." in changes[3]
    assert "Publicerad 21 juni 2022 kl. 10.30" in _text(folder / "version-2" / "index.html")
    files = [a.get("href") for a in second.xpath("//section[@aria-labelledby='filer']//a")]
    assert "tillaggslista.pdf" in files and "protokoll.pdf" in files
    first = _doc(folder / "version-1" / "index.html")
    assert first.xpath("string(//h2[@id='andringar'])") == "Första versionen"
    first_text = _text(folder / "version-1" / "index.html")
    assert "Det finns en nyare version: version 2." in first_text
    files = [a.get("href") for a in first.xpath("//section[@aria-labelledby='filer']//a")]
    assert "tillaggslista.pdf" not in files and "arende-04.pdf" in files
    # each version keeps its own copy: version 1's item 4 is not version 2's
    assert (folder / "version-1" / "arende-04.pdf").read_bytes() != (
        folder / "version-2" / "arende-04.pdf"
    ).read_bytes()


def test_protokoll_page_lists_paragraphs_with_public_titles(built: Path) -> None:
    page = built / "webb" / MEETING / "protokoll.html"
    doc = _doc(page)
    rows = doc.xpath("//table[@class='paragraphs']/tbody/tr")
    assert [r.xpath("string(th)") for r in rows] == [f"§\u00a0{n}" for n in range(41, 58)]
    secret = rows[11]
    assert secret.xpath("string(td)").startswith(PUBLIC_TITLE)
    assert "Paragrafen omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte." in (
        secret.xpath("string(td)")
    )
    hidden = rows[10].xpath("string(td)")
    assert "Paragrafen publiceras inte på webben. Den kan begäras ut från registraturen." in hidden
    link = doc.xpath("//main//a[text()='Protokollet']")[0]
    assert link.get("href") == "version-2/protokoll.pdf"


def test_file_sizes_in_swedish() -> None:
    from beslut.site.manifests import PublicFile

    def detail(name: str, size: int) -> str:
        return file_detail(PublicFile(name, Path(name), "m", 1, "0" * 64, size, None))

    assert detail("offentlig/a.pdf", 120_400) == "PDF, 120\u00a0kB"
    assert detail("offentlig/a.pdf", 300) == "PDF, 1\u00a0kB"
    assert detail("offentlig/a.pdf", 1_234_567) == "PDF, 1,2\u00a0MB"
    assert detail("offentlig/a.docx", 16_400) == "Word, 16\u00a0kB"


# --------------------------------------------------------------------------- feed and manifest


def test_atom_feed_is_atom_1_0_with_an_entry_per_meeting_newest_first(built: Path) -> None:
    webb = built / "webb"
    feed = etree.parse(str(webb / "flode.atom")).getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.findtext(f"{ATOM}id", "").startswith("tag:beslut,")
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == "flode.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert [_s(e.findtext(f"{ATOM}title", "")) for e in entries] == [
        "Regionstyrelsen 16 juni 2022",
        "Hälso- och sjukvårdsnämnden 14 juni 2022",
    ]
    rfc3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)")
    ids = set()
    for entry in entries:
        ids.add(entry.findtext(f"{ATOM}id"))
        assert re.fullmatch(
            r"tag:beslut,\d{4}:[a-z0-9-]+/[a-z0-9-]+", entry.findtext(f"{ATOM}id", "")
        )
        assert rfc3339.fullmatch(entry.findtext(f"{ATOM}updated", ""))
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None and (webb / link.get("href", "")).is_file()
        assert entry.findtext(f"{ATOM}summary")
    assert len(ids) == 2
    hsn = entries[1]
    assert hsn.findtext(f"{ATOM}updated") == "2022-06-21T10:30:00+02:00"
    assert hsn.findtext(f"{ATOM}published") == "2022-06-07T16:05:00+02:00"
    assert "Tilläggslistan 2022-06-10 har lagts till." in hsn.findtext(f"{ATOM}summary", "")


def test_site_manifest_lists_every_file_with_its_checksum(built: Path) -> None:
    webb = built / "webb"
    data = json.loads((webb / "manifest.json").read_text("utf-8"))
    assert data["format"] == "beslut-webb"
    listed = {e["path"]: e for e in data["files"]}
    on_disk = _tree(webb)
    del on_disk["manifest.json"]
    assert set(listed) == set(on_disk)
    for path, digest in on_disk.items():
        assert listed[path]["sha256"] == digest, path
        assert listed[path]["bytes"] == (webb / path).stat().st_size
    document = listed[f"{MEETING}/version-2/tillaggslista.pdf"]
    assert document["kind"] == "document"
    assert (document["meeting"], document["version"]) == ("2022-06-14-hsn", 2)
    assert document["source"] == "offentlig/tilläggslista.pdf"


def test_same_versions_give_the_same_site(built: Path, tmp_path: Path) -> None:
    again = write_versions(tmp_path / "output")
    publish_site(again)
    assert _tree(again / "webb") == _tree(built / "webb")


# --------------------------------------------------------------------------- leaks


def _leaks(webb: Path, markers: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(webb.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        texts = [data.decode("utf-8", "replace")]
        if path.suffix == ".pdf":
            texts.append(pdf_text(path))
        if path.suffix in (".html", ".atom"):
            texts.append(" ".join(etree.fromstring(data, etree.HTMLParser()).itertext()))
        for marker in markers:
            if marker.encode("utf-8") in data or any(marker in t for t in texts):
                found.append(f"{marker!r} i {path.relative_to(webb)}")
    return found


def test_no_withheld_content_in_any_file_of_the_site(built: Path) -> None:
    internal = json.loads(
        (built / "versioner" / "2022-06-14-hsn" / "2" / "manifest.json").read_text("utf-8")
    )
    planted = json.dumps(internal, ensure_ascii=False)
    for marker in PLANTED:
        assert marker in planted or any(
            marker in pdf_text(p) for p in (built / "versioner").rglob("*.pdf")
        ), marker  # the markers are real: the internal side has them
    assert SECRET_TITLE in planted
    assert _leaks(built / "webb", PLANTED) == []
    # no internal file was copied: every PDF on the site is a public one
    public = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (built / "versioner").rglob("offentlig/*.pdf")
    }
    for path in (built / "webb").rglob("*.pdf"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in public, path


def test_a_withheld_items_proposal_in_a_public_manifest_never_reaches_the_site(fresh: Path) -> None:
    """A writer that forgot to strip a withheld item: the site still shows only the notice."""
    make_writable(fresh)
    manifest = fresh / "versioner" / "2022-06-14-hsn" / "2" / "offentlig" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    secret = next(i for i in data["items"] if i["number"] == 12)
    secret["proposal"] = ["Hälso- och sjukvårdsnämnden beslutar", "att anta Kappa Diagnostik"]
    secret["files"] = ["offentlig/ärende-04.pdf"]
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    publish_site(fresh)
    assert _leaks(fresh / "webb", ("Kappa Diagnostik",)) == []


def test_a_public_manifest_that_lists_an_internal_file_is_refused(fresh: Path) -> None:
    make_writable(fresh)
    before = _tree(fresh / "webb")
    manifest = fresh / "versioner" / "2022-06-14-hsn" / "2" / "offentlig" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    internal = json.loads((manifest.parent.parent / "manifest.json").read_text("utf-8"))
    data["files"].append(next(f for f in internal["files"] if f["path"] == "ärende-12.pdf"))
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(PublishError, match="ligger inte under offentlig/"):
        publish_site(fresh)
    assert _tree(fresh / "webb") == before


def test_an_internal_manifest_is_never_read(fresh: Path) -> None:
    make_writable(fresh)
    manifest = fresh / "versioner" / "2022-06-16-rs" / "1" / "offentlig" / "manifest.json"
    internal = manifest.parent.parent / "manifest.json"
    manifest.write_bytes(internal.read_bytes())
    with pytest.raises(PublishError, match="inte det offentliga"):
        publish_site(fresh)


# --------------------------------------------------------------------------- replacing the site


@pytest.fixture
def failing_copy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The third public file cannot be copied (a full disk, say)."""
    real = website._copy_checked
    calls = []

    def copy(source: Path, target: Path, sha256: str) -> None:
        calls.append(source)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(source, target, sha256)

    monkeypatch.setattr(website, "_copy_checked", copy)
    yield


def test_a_failure_mid_build_leaves_the_old_site_intact(fresh: Path, failing_copy: None) -> None:
    before = _tree(fresh / "webb")
    with pytest.raises(PublishError, match="Den gamla webbplatsen är orörd"):
        publish_site(fresh)
    assert _tree(fresh / "webb") == before
    assert sorted(p.name for p in fresh.iterdir()) == ["versioner", "webb"]  # no temp folder left


def test_a_changed_version_file_is_refused_and_the_old_site_stays(fresh: Path) -> None:
    before = _tree(fresh / "webb")
    make_writable(fresh)
    changed = fresh / "versioner" / "2022-06-14-hsn" / "2" / "offentlig" / "kallelse.pdf"
    changed.write_bytes(changed.read_bytes() + b"\n% edited\n")
    with pytest.raises(PublishError, match="har ändrats sedan den publicerades"):
        publish_site(fresh)
    assert _tree(fresh / "webb") == before
    assert sorted(p.name for p in fresh.iterdir()) == ["versioner", "webb"]


def test_the_site_is_replaced_whole(fresh: Path) -> None:
    stray = fresh / "webb" / "gammal.html"
    stray.write_text("kvar?", "utf-8")
    make_writable(fresh)
    (fresh / "versioner" / "2022-06-16-rs").rename(fresh / "versioner" / ".borta")
    publish_site(fresh)
    assert not stray.exists()
    assert not (fresh / "webb" / "rs").exists()
    assert sorted(p.name for p in fresh.iterdir()) == ["versioner", "webb"]


def test_the_exchange_fallback_replaces_the_site_too(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(website, "_exchange", lambda a, b: False)
    (fresh / "webb" / "gammal.html").write_text("kvar?", "utf-8")
    publish_site(fresh)
    assert not (fresh / "webb" / "gammal.html").exists()
    assert (fresh / "webb" / "index.html").is_file()
    assert sorted(p.name for p in fresh.iterdir()) == ["versioner", "webb"]


def test_a_version_being_written_is_passed_over(fresh: Path) -> None:
    temp = fresh / "versioner" / "2022-06-14-hsn" / ".3-skrivs"
    temp.mkdir()
    (temp / "skräp").write_text("x", "utf-8")
    publish_site(fresh)
    assert not (fresh / "webb" / MEETING / "version-3").exists()


# --------------------------------------------------------------------------- the command


def test_beslut_webb_rebuilds_the_site(make_workspace: Any) -> None:
    root = make_workspace()
    runner = CliRunner()
    result = runner.invoke(cli, ["webb", str(root)])
    assert result.exit_code == 1
    assert "Det finns inga publicerade versioner" in result.output
    assert "beslut publicera MÖTE" in result.output
    assert not (root / "output" / "webb").exists()
    write_versions(root / "output")
    result = runner.invoke(cli, ["webb", str(root)])
    assert result.exit_code == 0, result.output
    assert "byggde webbplatsen" in result.output and "(10 sidor)" in result.output
    assert (root / "output" / "webb" / MEETING / "index.html").is_file()


def test_publish_site_without_versions_says_so(tmp_path: Path) -> None:
    with pytest.raises(NothingPublished, match="inga publicerade versioner"):
        publish_site(tmp_path / "output")


def test_relative_links_from_nested_pages() -> None:
    from beslut.site.pages import relative

    assert relative("hsn/m/version-2/index.html", "stil.css") == "../../../stil.css"
    assert relative("index.html", "hsn/index.html") == "hsn/index.html"
    assert relative("hsn/m/index.html", "hsn/m/version-2/a.pdf") == "version-2/a.pdf"
    assert posixpath.normpath("hsn/m/" + relative("hsn/m/index.html", "hsn/index.html")) == (
        "hsn/index.html"
    )


def test_the_site_of_the_published_example_leaks_nothing(tmp_path: Path) -> None:
    """After ``make demo`` the repository's own output/versioner holds the example's real
    versions (real packets, real secret item): the site built from a copy of them has none of
    the secret markers. In a fresh clone, the fixture's versions stand in."""
    import shutil

    from conftest import REPO

    out = tmp_path / "output"
    real = REPO / "output" / "versioner"
    if real.is_dir() and any(real.glob("*/*/offentlig/manifest.json")):
        shutil.copytree(real, out / "versioner")
    else:
        write_versions(out)
    internal = " ".join(
        pdf_text(p) for p in (out / "versioner").rglob("*.pdf") if "offentlig" not in p.parts
    )
    assert SECRET_MARKERS_REAL[0] in internal  # the internal side has the secret paper
    publish_site(out)
    assert _leaks(out / "webb", PLANTED) == []


def test_the_manifest_reader_ignores_new_keys_and_names_file_and_key_of_a_wrong_one(
    fresh: Path,
) -> None:
    from beslut.site.manifests import ManifestError, read_public_manifest

    make_writable(fresh)
    manifest = fresh / "versioner" / "2022-06-16-rs" / "1" / "offentlig" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["something_new"] = {"a": 1}
    data["items"][1]["later_field"] = [1, 2]
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    version = read_public_manifest(manifest)
    assert version.items[1].proposal == (
        "Regionstyrelsen föreslår regionfullmäktige besluta",
        "att anta strategin.",
    )
    assert version.meeting.date.isoformat() == "2022-06-16"
    data["meeting"]["date"] = "16 juni"
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(ManifestError) as caught:
        read_public_manifest(manifest)
    assert str(caught.value) == (f"{manifest} (meeting.date): förväntade ett datum ÅÅÅÅ-MM-DD.")
    data["meeting"]["date"] = "2022-06-16"
    data["published"] = "2022-06-09T08:00:00"  # no offset
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(ManifestError, match=r"\(published\): förväntade en tidpunkt med tidszon"):
        read_public_manifest(manifest)
    data["published"] = "2022-06-09T08:00:00+02:00"
    data["files"][0]["open"] = False
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(ManifestError, match=r"\(files\[0\]\.open\): .* inte offentlig"):
        read_public_manifest(manifest)
    data["files"][0]["open"] = True
    data["files"][0]["path"] = "offentlig/../ärende-02.pdf"
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(
        ManifestError, match=r"\(files\[0\]\.path\): .* ligger inte under offentlig/"
    ):
        read_public_manifest(manifest)
    manifest.write_text("{", "utf-8")
    with pytest.raises(ManifestError, match="kunde inte läsas som JSON"):
        publish_site(fresh)
