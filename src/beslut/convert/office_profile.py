"""A LibreOffice profile that starts as fast as a profile LibreOffice has seen before.

At start-up LibreOffice compares its version with the one last recorded in the profile
(``/org.openoffice.Setup/Product/ooSetupLastVersion``); when the profile's is older or missing it
runs its graphics self-test (``GraphicsRenderTests``: drawing on 4096×4096 bitmaps, ≈1 CPU-s and
≈1 GB of page faults) before it does anything else. The version is only recorded by the
graphical first-start path, so a headless process runs the self-test on *every* start with a
private profile. The test decides whether a graphical LibreOffice may draw with Skia (GPU);
the headless back end never does, so a conversion gains nothing from it but a log file.

:func:`seed_profile` records the installed version in the profile before LibreOffice starts,
exactly as the first graphical start would, so that the test is skipped. The version comes from
the installation's ``program/bootstraprc`` (``ProductKey=LibreOffice 7.4``); when it cannot be
read (an unusual installation), nothing is written and LibreOffice behaves as before, only slower.
"""

from __future__ import annotations

import configparser
import re
from html import escape
from pathlib import Path

__all__ = ["product_version", "seed_profile"]

_SETTING = "ooSetupLastVersion"
_ITEM = (
    '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="{name}" oor:op="fuse">'
    "<value>{value}</value></prop></item>"
)
_EMPTY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    "</oor:items>\n"
)
_CLOSING = "</oor:items>"
_RECORDED = re.compile(
    r'<item oor:path="/org\.openoffice\.Setup/Product"><prop oor:name="'
    + re.escape(_SETTING)
    + r'"[^>]*>\s*<value>([^<]*)</value>\s*</prop></item>'
)


def product_version(soffice: str) -> str | None:
    """The installed LibreOffice's ``major.minor`` (e.g. ``"7.4"``), or None when unknown.

    ``soffice``: the path of the ``soffice`` executable (a symbolic link such as
    ``/usr/bin/soffice`` is followed to the installation's ``program`` folder).
    """
    try:
        program = Path(soffice).resolve().parent
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string((program / "bootstraprc").read_text(encoding="utf-8"))
        key = parser.get("Bootstrap", "ProductKey", fallback="")
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    found = re.search(r"(\d+)\.(\d+)", key)
    return f"{int(found[1])}.{int(found[2])}" if found else None


def seed_profile(profile: Path, version: str) -> None:
    """Record ``version`` as the profile's last seen LibreOffice version.

    Creates ``user/registrymodifications.xcu`` in a new profile; in an existing one adds the
    item, or replaces it when it names another version (LibreOffice was updated since), and
    leaves the file alone when it is right already. LibreOffice keeps the item when it
    rewrites the file. Raises OSError when the profile cannot be written; the caller may go on
    without (the start is then only slower).
    """
    settings = profile / "user" / "registrymodifications.xcu"
    try:
        text = settings.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = _EMPTY
    except UnicodeDecodeError:
        return  # not a file we know how to change; LibreOffice starts as it would anyway
    # html.escape, not xml.sax.saxutils: that one imports urllib.request (and http.client),
    # which a build must not load (tests/test_public_api.py)
    value = escape(version, quote=False)
    item = _ITEM.format(name=_SETTING, value=value)
    recorded = _RECORDED.search(text)
    if recorded is not None:
        if recorded[1] == value:
            return
        text = text[: recorded.start()] + item + text[recorded.end() :]
    elif _CLOSING in text:
        at = text.rindex(_CLOSING)
        text = text[:at] + item + "\n" + text[at:]
    else:
        return  # not a file we know how to change; LibreOffice starts as it would anyway
    settings.parent.mkdir(parents=True, exist_ok=True)
    temporary = settings.with_name(settings.name + ".beslut-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(settings)
