"""Scaffolding: ``beslut init`` (a new workspace) and ``beslut new`` (a new case, meeting or
protokoll file)."""

from __future__ import annotations

import datetime as dt
import os
import re
from importlib import resources
from pathlib import Path

from beslut.atomic import write_text_atomic
from beslut.authoring.schema import write_schemas
from beslut.errors import UsageError
from beslut.load.paths import MEETINGS_DIR
from beslut.load.source import CASE_SUFFIXES, load_source
from beslut.model import formatting
from beslut.model.minutes import display_name, person_key
from beslut.model.models import (
    PROCEDURAL_TITLES,
    DecisionStyle,
    DocumentType,
    ItemKind,
    Meeting,
    Profile,
)
from beslut.validate.models import build_model
from beslut.validate.workspace import (
    CONTENT_DIR,
    PLACEHOLDER,
    PROFILE_FILE,
    TEMPLATES_DIR,
    load_profile,
)

CASES_DIR = "ärenden"


class ScaffoldError(UsageError):
    """A scaffolding request that cannot be carried out; the message is Swedish."""


def init_workspace(folder: Path) -> list[Path]:
    """Create a new, working workspace in ``folder``; return the files written."""
    from beslut.render.templates_build import build_templates

    if (folder / PROFILE_FILE).exists():
        raise ScaffoldError(f"{folder} är redan en arbetsyta ({PROFILE_FILE.as_posix()} finns).")
    profile_text = (
        resources.files("beslut").joinpath("authoring/skeleton/profil.yaml").read_text("utf-8")
    )
    written = [folder / PROFILE_FILE]
    write_text_atomic(folder / PROFILE_FILE, profile_text)
    (folder / CONTENT_DIR / "bilagor").mkdir(parents=True, exist_ok=True)
    (folder / "output").mkdir(exist_ok=True)
    written += write_schemas(folder)
    written += build_templates(folder / TEMPLATES_DIR)
    example = new_case(
        folder,
        Profile.model_validate(_yaml(profile_text)),
        DocumentType.TJANSTESKRIVELSE,
        dnr="KS 2026/1",
        organ="ks",
        title="Exempelärende",
    )
    write_text_atomic(example, _filled_example(example.read_text("utf-8")))
    written.append(example)
    return written


_EXAMPLE = {
    "ditt namn": "Anna Andersson",
    "din titel": "Utredare",
    "en hel mening": "Kommunstyrelsen godkänner exempelärendet.",
}
"""What the example case of ``beslut init`` says instead of the placeholders (by prompt)."""


def _filled_example(text: str) -> str:
    """Return the scaffolded example case with every placeholder filled in, so that a new
    workspace checks and builds clean (a placeholder left in a file is an error)."""

    def fill(match: re.Match[str]) -> str:
        prompt = match.group(1)
        for start, filled in _EXAMPLE.items():
            if prompt.startswith(start):
                return filled
        section = prompt.removeprefix("text under ").capitalize()
        return (
            f"{section} för exempelärendet. Skriv ärendets egen text här; kör sedan "
            "beslut check och beslut build."
        )

    return re.sub(re.escape(PLACEHOLDER) + r": ([^\]]*)\]", fill, text)


def _yaml(text: str) -> object:
    from beslut.load.yamlpos import load

    return load(text)[0]


def case_filename(dnr: str) -> str:
    """Return a safe file name for a diarienummer, e.g. ``KS 2018/14`` → ``KS-2018-14.md``."""
    stem = re.sub(r"[^\w.-]+", "-", dnr, flags=re.UNICODE).strip("-.")
    return f"{stem or 'ärende'}.md"


def new_case(
    root: Path,
    profile: Profile,
    doc_type: DocumentType,
    *,
    dnr: str,
    organ: str | None,
    title: str | None = None,
    today: dt.date | None = None,
    target: Path | None = None,
) -> Path:
    """Write a complete, commented case file with every section the profile requires."""
    found = profile.organ(resolve_organ(profile, organ))
    assert found is not None
    path = (
        _target(root, target)
        if target is not None
        else root / CONTENT_DIR / CASES_DIR / case_filename(dnr)
    )
    if path.exists():
        raise ScaffoldError(
            f"Filen {path} finns redan; välj ett annat diarienummer eller ta bort filen."
        )
    today = today or dt.date.today()
    settings = profile.type_settings(doc_type)
    style = profile.decision_for(doc_type).style
    if style is DecisionStyle.ATT_SATSER:
        point = f"{PLACEHOLDER}: vad {found.name.lower()} ska besluta, t.ex. godkänna …]"
        lead = f"{found.name} beslutar"
    else:
        point = f"{PLACEHOLDER}: en hel mening, t.ex. {found.name} godkänner …]"
        lead = "Förvaltningens förslag till beslut"
    sections = settings.required_sections or ("Sammanfattning",)
    body = "\n".join(
        f"## {name}\n\n{PLACEHOLDER}: text under {name.lower()}]\n" for name in sections
    )
    impact = [name for name in settings.impact_sections if name not in sections]
    body += "".join(
        f"\n## {name}\n\n{PLACEHOLDER}: påverkar förslaget {name.lower()}? Skriv det "
        "uttryckligen, också när inget påverkas]\n"
        for name in impact
    )
    front = f"""# Skapad med "beslut new". Ersätt allt inom [fyll i …] och kör "beslut check".
typ: {doc_type.value}
rubrik: "{_quote(title) if title else PLACEHOLDER + ": ärendets rubrik]"}"
diarienummer: "{_quote(dnr)}"
instans: {found.id}   # {found.name}
datum: {today.isoformat()}
handläggare:
  namn: "{PLACEHOLDER}: ditt namn]"
  titel: "{PLACEHOLDER}: din titel]"
förslag:
  inledning: {lead}
  # En beslutspunkt per rad. beslut lägger själv till "att", numrering och skiljetecken.
  beslutspunkter:
    - "{point}"
# Handlingar som beslutet grundas på; tjänsteskrivelsen först.
beslutsunderlag:
  - {settings.label.capitalize()} {formatting.long_date(today)}
# Bilagor: titel och fil relativt till den här filen, t.ex. ../bilagor/plan.pdf
bilagor: []
# Vilka beslutet ska skickas till.
delges: []
"""
    if path.suffix.lower() == ".md":
        text = f"---\n{front}---\n\n{body}"
    else:  # a pure YAML case: the Markdown body is the block scalar under text
        indented = "".join(f"  {line}" if line.strip() else "\n" for line in body.splitlines(True))
        text = (
            f"{front}# Brödtexten i Markdown, indragen två steg under text: |\ntext: |\n{indented}"
        )
    write_text_atomic(path, text)
    return path


def _target(root: Path, target: Path) -> Path:
    """Resolve ``--fil``: relative to the current directory, inside the workspace's content/."""
    path = Path(os.path.abspath(target))
    content = (root / CONTENT_DIR).resolve()
    try:
        path.parent.resolve().relative_to(content)
    except ValueError:
        raise ScaffoldError(
            f"Filen {target} ligger inte i arbetsytans {CONTENT_DIR}/-mapp ({content}); "
            "beslut hittar bara ärenden där. Ange en sökväg i content/, t.ex. "
            "content/ärenden/mitt-ärende.md."
        ) from None
    if path.suffix.lower() not in CASE_SUFFIXES:
        raise ScaffoldError(
            f"Filen {target} har fel filändelse; ett ärende är en .md-fil (Markdown med front "
            "matter) eller en .yaml-fil (ren YAML med texten under text: |)."
        )
    return path.parent.resolve() / path.name


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def resolve_organ(profile: Profile, organ: str | None) -> str:
    """Return the organ id to scaffold for: ``organ`` when given, otherwise the profile's only
    organ; with several organs and none given, ask for ``--instans``."""
    known = ", ".join(o.id for o in profile.organs)
    if organ is None:
        if len(profile.organs) == 1:
            return profile.organs[0].id
        raise ScaffoldError(f"Ange vilken instans med --instans; profilen har flera: {known}.")
    found = profile.organ(organ)
    if found is None:
        raise ScaffoldError(f"Instansen ”{organ}” finns inte i profilen. Kända instanser: {known}.")
    return found.id


def new_meeting(
    root: Path,
    profile: Profile,
    *,
    date: dt.date,
    organ: str | None = None,
) -> Path:
    """Write a meeting file (``typ: sammanträde``) for ``date`` with the standard procedural
    items; what only the secretary knows (time, place, ordförande, sekreterare, justerare) is
    a placeholder that ``beslut check`` reports until it is filled in."""
    organ_id = resolve_organ(profile, organ)
    found = profile.organ(organ_id)
    assert found is not None
    path = root / CONTENT_DIR / MEETINGS_DIR / f"{date.isoformat()}-{organ_id}.yaml"
    if path.exists():
        raise ScaffoldError(f"Filen {path} finns redan; välj ett annat datum eller ta bort filen.")
    text = f"""# Skapad med "beslut new sammanträde". Ersätt allt inom [fyll i …] och kör "beslut check".
typ: sammanträde
instans: {organ_id}   # {found.name}
datum: {date.isoformat()}
tid: "{PLACEHOLDER}: klockslag, t.ex. 09.00]"
plats: "{PLACEHOLDER}: plats, t.ex. Kommunhuset, sammanträdesrum A]"
ordförande:
  namn: "{PLACEHOLDER}: ordförandens namn]"
  titel: Ordförande
sekreterare:
  namn: "{PLACEHOLDER}: sekreterarens namn]"
  titel: Nämndsekreterare
# Ledamöter och ersättare (valfritt), en per rad, t.ex. Anna Andersson (S), ordförande
ledamöter: []
ersättare: []
# utskicksdatum: {date.isoformat()}
# Punkterna på föredragningslistan, i ordning.
ärenden:
  - typ: {ItemKind.JUSTERARE.value}   # {PROCEDURAL_TITLES[ItemKind.JUSTERARE]}
    notering: "{PLACEHOLDER}: förslag till justerare och tid för justering]"
  - typ: {ItemKind.FOREDRAGNINGSLISTA.value}   # {PROCEDURAL_TITLES[ItemKind.FOREDRAGNINGSLISTA]}
  # Ett beslutsärende per ärendefil i content/ärenden/, med ärendets diarienummer:
  # - typ: beslut
  #   diarienummer: ärendets diarienummer, som i ärendefilen
  # Information, delegationsbeslut och meddelanden har punkter:
  # - typ: information
  #   rubrik: Information från förvaltningen
  #   punkter: [Ekonomisk uppföljning]
  # - typ: delegationsbeslut
  #   punkter: [Anställningsbeslut]
  # - typ: meddelanden
  #   punkter: [Protokoll från …]
  - typ: {ItemKind.OVRIGT.value}   # {PROCEDURAL_TITLES[ItemKind.OVRIGT]}
  # Ärenden som läggs till efter att kallelsen skickats (tilläggslista) står sist, med
  # tilläggslistans datum; de får nästa nummer och ingen annan punkt byter nummer:
  # - typ: beslut
  #   diarienummer: ärendets diarienummer
  #   tillägg: ÅÅÅÅ-MM-DD
"""
    write_text_atomic(path, text)
    return path


MINUTES_DIR = "protokoll"


def new_minutes(root: Path, meeting_file: Path) -> Path:
    """Write a protokoll (``typ: protokoll``) for a meeting file: content/protokoll/<möte>.yaml.

    What the meeting says is filled in: its name, the start of ``tid``, the justerare and the
    justering day when the justerare item's note names them (a ledamot's name, a date
    ÅÅÅÅ-MM-DD), and an entry with a placeholder beslut for every beslut item without a case
    file (those need their beslut written in the protokoll). The rest is a placeholder that
    ``beslut check`` reports until it is filled in.
    """
    path = Path(os.path.abspath(meeting_file))
    if not path.is_file():
        raise ScaffoldError(
            f"Mötesfilen {meeting_file} finns inte. Ange sökvägen till sammanträdets fil, "
            "t.ex. content/möten/2026-03-11-ks.yaml."
        )
    source, problems = load_source(path, root)
    meeting = None
    if source is not None:
        meeting, problems = build_model(Meeting, source)
    if meeting is None:
        lines = "\n".join(p.format() for p in problems) or f"{meeting_file} är inget sammanträde"
        raise ScaffoldError(f"mötesfilen har fel; rätta dem först:\n{lines}")
    target = root / CONTENT_DIR / MINUTES_DIR / f"{path.stem}.yaml"
    if target.exists():
        shown = target.relative_to(root).as_posix()
        raise ScaffoldError(
            f"Filen {shown} finns redan; ett sammanträde har ett protokoll. Öppna den och skriv "
            "i den i stället."
        )
    note = " ".join(item.note or "" for item in meeting.items if item.kind is ItemKind.JUSTERARE)
    chair = person_key(meeting.chair.name)
    named = [
        display_name(m)
        for m in meeting.members
        if person_key(m) != chair and person_key(m) in person_key(note.replace(",", " "))
    ]
    day = re.search(r"\b\d{4}-\d{2}-\d{2}\b", note)
    adjuster = _quote(named[0]) if named else f"{PLACEHOLDER}: justerarens namn, som i mötesfilen]"
    adjusted = day.group(0) if day else f'"{PLACEHOLDER}: justeringsdag ÅÅÅÅ-MM-DD]"'
    profile, _ = load_profile(root)
    first = profile.agenda.first_number if profile is not None else 1
    without_case = [
        (number, item.title or item.diary_number or "")
        for number, item in enumerate(meeting.items, start=first)
        if item.kind is ItemKind.BESLUT and item.papers is not None
    ]
    entries = "".join(
        f"  - ärende: {number}   # {title} (ingen ärendefil)\n"
        f'    beslut:\n      beslutspunkter:\n        - "{PLACEHOLDER}: beslutet]"\n'
        for number, title in without_case
    )
    text = f"""# Skapad med "beslut new protokoll". Ersätt allt inom [fyll i …] och kör "beslut check".
# Varje punkt på föredragningslistan blir en paragraf, och förslaget i ärendefilen blir
# beslutet ord för ord. Under "paragrafer" skriver du bara det som skiljer sig.
typ: protokoll
sammanträde: {path.stem}
tid: "{meeting.time}–{PLACEHOLDER} sluttid]"
# Ledamöter som inte var med, som i mötesfilen; "ärenden: [5, 6]" när de bara var borta då:
frånvarande: []
# tjänstgörande_ersättare:
#   - namn: en av mötets ersättare
#     ersätter: ledamoten som var borta
# ej_tjänstgörande_ersättare: []
justerare:
  - "{adjuster}"
justering:
  datum: {adjusted}
  plats: "{PLACEHOLDER}: var protokollet justeras]"
paragrafer:
{entries}  # Exempel på en paragraf med yrkanden, omröstning och reservation:
  # - ärende: 5
  #   yrkanden:
  #     - av: Anna Andersson (S)
  #       yrkande: bifall till förvaltningens förslag
  #   propositionsordning: Ordföranden ställer proposition på … och finner att …
  #   omröstning:
  #     ja: förvaltningens förslag
  #     nej: Per Perssons (M) yrkande
  #     röster:
  #       Anna Andersson (S): ja
  #   reservationer:
  #     - Per Persson (M)
"""
    if not entries:
        # an empty list, said so; the example below shows what to write after removing "[]"
        text = text.replace(
            "paragrafer:\n",
            "paragrafer: []   # ta bort [] när du skriver paragrafer, som i exemplet nedan\n",
        )
    write_text_atomic(target, text)
    return target
