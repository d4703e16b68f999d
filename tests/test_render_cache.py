"""What rendering keeps between cases in one process (the parsed template, the XML text of its
parts, the checks it passed) never changes a document: the same case renders to the same
document, and an edited template is read again, also by a long-lived process (the build
service, ``beslut watch``) and when the file's time stamp did not change."""

from __future__ import annotations

import io
import os
import zipfile

import docx
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from beslut.render.case import ANCHOR, render_case
from beslut.render.templating import PartSources, Template, environment
from beslut.validate.workspace import load_workspace
from conftest import CASE, MakeWorkspace
from test_render import OK_CASE, replace_text, rewrite_member

TEMPLATE = "templates/tjänsteskrivelse.docx"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def title_and_headers(data: bytes) -> tuple[str, list[str]]:
    document = docx.Document(io.BytesIO(data))
    headers = [  # the headers' text (it stands in a table)
        "".join(t.text or "" for t in header._element.iter(qn("w:t")))
        for section in document.sections
        for header in (section.first_page_header, section.header)
    ]
    return document.paragraphs[0].text, headers


def test_same_case_twice_and_an_edited_template_in_one_process(
    make_workspace: MakeWorkspace,
) -> None:
    # A list, a footnote and a link add numbering, styles, a footnotes part and relationships
    # to the copy a case renders on: the cached template must not get them.
    body = "1. ett\n2. två\n\nSe [sidan](https://example.org).[^1]\n\n[^1]: En fotnot.\n"
    root = make_workspace({OK_CASE: CASE.replace("Text med å, ä och ö.\n", body)})
    workspace = load_workspace(root)
    assert workspace.profile is not None
    case = workspace.cases[0]
    first = render_case(case, workspace.profile, workspace.root)
    again = render_case(case, workspace.profile, workspace.root)
    # The second render starts from the cached template: the same document, part by part.
    assert members(again.data) == members(first.data)
    parts = members(first.data)
    assert b"En fotnot." in parts["word/footnotes.xml"]
    assert parts["word/numbering.xml"].count(b"<w:startOverride") == 1
    title, headers = title_and_headers(first.data)
    assert title == "Ett ärende om åtgärder"
    assert len(headers) == 2 and all("Testregionen" in h for h in headers), headers
    assert not [h for h in headers if "Q" in h]

    # Edit the body and both headers, keeping the file's time stamp: read again all the same.
    template = root / TEMPLATE
    stamp = template.stat()
    rewrite_member(template, "word/document.xml", replace_text("{{ rubrik }}", "{{ rubrik}}X"))
    for header in ("word/header1.xml", "word/header2.xml"):
        rewrite_member(
            template,
            header,
            replace_text("{{ sidhuvud.sida.före }}", "Q{{ sidhuvud.sida.före}}"),
        )
    os.utime(template, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    edited = render_case(case, workspace.profile, workspace.root)
    title, headers = title_and_headers(edited.data)
    assert title == "Ett ärende om åtgärderX"
    assert len(headers) == 2 and all("Q" in h for h in headers), headers

    # And the edited template, rendered again, is again the same document.
    assert members(render_case(case, workspace.profile, workspace.root).data) == members(
        edited.data
    )


def test_resolve_listing_gives_docxtpls_text() -> None:
    """Tabs, line and page breaks and \\a in rendered text become Word's elements exactly as
    docxtpl makes them; paragraphs without them are left alone."""
    run = '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
    samples = [
        "<w:p><w:pPr><w:jc/></w:pPr>" + run.format("a\tb\nc") + "</w:p>"
        "\n<w:p>" + run.format("vanlig text") + "</w:p>"
        '<w:p w:rsidR="1">' + run.format("x\ay\fz") + "<w:r><w:t/></w:r></w:p>",
        "<w:body><w:p>" + run.format("ingen radbrytning") + "</w:p></w:body>",
        '<w:body>\n<w:tbl/><w:p><w:r><w:t xml:space="preserve"/>\t</w:r></w:p></w:body>',
    ]
    ours, docxtpls = Template("mall.docx"), DocxTemplate("mall.docx")
    for xml in samples:
        assert ours.resolve_listing(xml) == docxtpls.resolve_listing(xml)
    resolved = ours.resolve_listing(samples[0])
    assert "<w:tab/>" in resolved and "<w:br/>" in resolved
    assert '<w:br w:type="page"/>' in resolved
    assert "<w:t>vanlig text</w:t>" not in resolved  # the run kept its properties and text
    assert run.format("vanlig text") in resolved


def test_anchor_split_over_runs_is_found(make_workspace: MakeWorkspace) -> None:
    """The body's anchor paragraph is found by its text, also when it is split into runs."""
    root = make_workspace({OK_CASE: CASE})
    split = f"{ANCHOR[:7]}</w:t></w:r><w:r><w:t>{ANCHOR[7:]}"
    rewrite_member(root / TEMPLATE, "word/document.xml", replace_text("{{ brödtext }}", split))
    workspace = load_workspace(root)
    assert workspace.profile is not None
    rendered = render_case(workspace.cases[0], workspace.profile, workspace.root)
    texts = [p.text for p in docx.Document(io.BytesIO(rendered.data)).paragraphs]
    assert "Text med å, ä och ö." in texts
    assert not [t for t in texts if "BESLUT-" in t]


def test_core_properties_render_as_docxtpl_renders_them() -> None:
    """A core property without a tag is set again unchanged; one with a tag (or a line break
    Jinja would drop) is rendered, exactly as docxtpl does it."""
    values = {
        "author": "Åsa Öberg",
        "comments": "rad ett\n",
        "identifier": "",
        "language": "sv-SE",
        "subject": "{{ diarienummer }}",
        "title": "Ärende om {% if rubrik %}{{ rubrik }}{% endif %}",
    }
    context = {"diarienummer": "25HSN1", "rubrik": "åtgärder & <b>"}
    results = []
    for kind in (Template, DocxTemplate):
        document = docx.Document()
        for name, value in values.items():
            setattr(document.core_properties, name, value)
        template = kind("mall.docx")
        template.docx = document
        template.render_properties(context, environment())
        results.append({name: getattr(document.core_properties, name) for name in values})
    ours, docxtpls = results
    assert ours == docxtpls
    assert ours["subject"] == "25HSN1"
    assert ours["title"] == "Ärende om åtgärder &amp; &lt;b&gt;"
    assert ours["comments"] == "rad ett"
    assert ours["author"] == "Åsa Öberg"


def test_a_footnotes_part_in_the_template_is_rendered(make_workspace: MakeWorkspace) -> None:
    """docxtpl renders a template's footnotes as a template: a rendered case with a footnote
    (its text is data, so the tag stands in it) used as a template gets the tag filled in."""
    body = "Text med en fotnot.[^1]\n\n[^1]: Se {{ rubrik }}.\n"
    root = make_workspace({OK_CASE: CASE.replace("Text med å, ä och ö.\n", body)})
    workspace = load_workspace(root)
    assert workspace.profile is not None
    rendered = render_case(workspace.cases[0], workspace.profile, workspace.root)
    assert b"Se {{ rubrik }}." in members(rendered.data)["word/footnotes.xml"]
    document = docx.Document(io.BytesIO(rendered.data))
    template = Template("mall.docx")
    template.docx = document
    template.sources = PartSources.of(document)
    assert template.sources.footnotes
    template.render_footnotes({"rubrik": "Prov"}, environment())
    footnotes = next(
        part for part in document.part.package.iter_parts() if "footnotes" in part.partname
    )
    assert b"Se Prov." in footnotes.blob
