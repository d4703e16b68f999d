"""LibreOffice's private profiles skip the graphics self-test (issue 14: LibreOffice start).

LibreOffice runs ``GraphicsRenderTests`` (≈1 CPU-s) on every start whose profile has not
recorded the installed version; :mod:`beslut.convert.office_profile` records it first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter, _find_executable
from beslut.convert.office_profile import product_version, seed_profile
from test_convert import make_docx

OOR = "{http://openoffice.org/2001/registry}"
WRITTEN_BY_LIBREOFFICE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
{extra}</oor:items>
"""  # as LibreOffice writes it: one item per line


def _installation(tmp_path: Path, product_key: str) -> Path:
    """A fake installation: program/soffice (reached through a link) and program/bootstraprc."""
    program = tmp_path / "lib" / "libreoffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice").write_text("#!/bin/sh\n", encoding="utf-8")
    (program / "bootstraprc").write_text(
        f"[Bootstrap]\nInstallMode=<installmode>\nProductKey={product_key}\n"
        "UserInstallation=$SYSUSERCONFIG/libreoffice/4\n",
        encoding="utf-8",
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").symlink_to(program / "soffice")
    return bin_dir / "soffice"


def _recorded(profile: Path) -> list[str]:
    """Every ooSetupLastVersion value in the profile (parsed as XML: the file stays valid)."""
    tree = ET.parse(profile / "user" / "registrymodifications.xcu")
    return [
        (prop.findtext("value") or "")
        for item in tree.getroot().iter("item")
        if item.get(f"{OOR}path") == "/org.openoffice.Setup/Product"
        for prop in item.iter("prop")
        if prop.get(f"{OOR}name") == "ooSetupLastVersion"
    ]


@pytest.mark.parametrize(
    ("key", "version"),
    [("LibreOffice 7.4", "7.4"), ("LibreOffice 24.2", "24.2"), ("LibreOfficeDev 25.8", "25.8")],
)
def test_the_version_comes_from_the_installations_bootstraprc(
    tmp_path: Path, key: str, version: str
) -> None:
    assert product_version(str(_installation(tmp_path, key))) == version


def test_an_unknown_installation_has_no_version(tmp_path: Path) -> None:
    assert product_version(str(tmp_path / "nowhere" / "soffice")) is None
    soffice = _installation(tmp_path, "LibreOffice")
    assert product_version(str(soffice)) is None
    (soffice.resolve().parent / "bootstraprc").write_bytes(b"\xff\xfe not text")
    assert product_version(str(soffice)) is None


def test_a_new_profile_gets_the_version(tmp_path: Path) -> None:
    seed_profile(tmp_path / "p", "7.4")
    assert _recorded(tmp_path / "p") == ["7.4"]


def test_a_profile_libreoffice_wrote_keeps_its_settings(tmp_path: Path) -> None:
    settings = tmp_path / "p" / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True)
    settings.write_text(WRITTEN_BY_LIBREOFFICE.format(extra=""), encoding="utf-8")
    seed_profile(tmp_path / "p", "7.4")
    assert _recorded(tmp_path / "p") == ["7.4"]
    assert 'oor:name="FirstRun"' in settings.read_text(encoding="utf-8")


def test_a_recorded_version_is_left_alone_and_an_older_one_replaced(tmp_path: Path) -> None:
    settings = tmp_path / "p" / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True)
    item = (
        '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
        'oor:op="fuse"><value>{}</value></prop></item>\n'
    )
    settings.write_text(WRITTEN_BY_LIBREOFFICE.format(extra=item.format("7.4")), encoding="utf-8")
    before = settings.stat().st_mtime_ns, settings.read_bytes()
    seed_profile(tmp_path / "p", "7.4")
    assert (settings.stat().st_mtime_ns, settings.read_bytes()) == before
    settings.write_text(WRITTEN_BY_LIBREOFFICE.format(extra=item.format("7.3")), encoding="utf-8")
    seed_profile(tmp_path / "p", "7.4")
    assert _recorded(tmp_path / "p") == ["7.4"]


@pytest.mark.parametrize("content", ["något annat\n".encode(), b"\xff\xfe<oor:items>\x00"])
def test_a_file_of_another_shape_is_not_touched(tmp_path: Path, content: bytes) -> None:
    """Text without LibreOffice's items, or bytes that are not UTF-8 (a damaged profile): left
    as it is, and no exception (LibreOffice then starts as it would, with its self-test)."""
    settings = tmp_path / "p" / "user" / "registrymodifications.xcu"
    settings.parent.mkdir(parents=True)
    settings.write_bytes(content)
    seed_profile(tmp_path / "p", "7.4")
    assert settings.read_bytes() == content


def test_libreoffice_starts_without_its_graphics_self_test(
    require_libreoffice: None, tmp_path: Path
) -> None:
    """The real thing: a fresh private profile, one conversion; LibreOffice writes the
    self-test's log into the profile whenever it runs the test."""
    soffice = _find_executable("soffice")
    assert soffice is not None
    version = product_version(soffice)
    assert version is not None, "Debians LibreOffice har program/bootstraprc med ProductKey"
    source = make_docx(tmp_path / "d.docx", "Profil")
    profiles = tmp_path / "profiler"
    with LibreOfficeConverter(workers=1, timeout=120, profile_root=profiles) as converter:
        (result,) = converter.convert([ConversionJob(source, tmp_path / "d.pdf", "d")])
    assert result.ok, result.message
    assert "Profil – rubrik" in PdfReader(tmp_path / "d.pdf").pages[0].extract_text()
    profile = profiles / "lo-0"
    assert (profile / "user" / "registrymodifications.xcu").is_file()
    assert not (profile / "user" / "GraphicsRenderTests.log").exists()
    assert _recorded(profile) == [version]  # kept when LibreOffice rewrote the file
