"""The ``beslut`` command: argument plumbing only; the work happens in the public API."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from beslut.cli import swedish
from beslut.stages import ASSEMBLING, READING  # showing progress never imports the pipeline

swedish.install()  # before click's decorators below build their help texts

from beslut import __version__  # noqa: E402
from beslut.diagnostics import (  # noqa: E402
    Diagnostic,
    Level,
    has_errors,
    sort,
    summary_line,
    to_json,
)
from beslut.errors import UserError  # noqa: E402
from beslut.model.doctype import DocumentType  # noqa: E402

if TYPE_CHECKING:
    import datetime as dt

    from beslut.authoring.editor import EditorSettings
    from beslut.model.models import RuleLevel

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: The exit codes; ``beslut --help`` and the README list them.
EXIT_OK = 0  # everything went well
EXIT_CONTENT = 1  # errors in the content, or the work could not be done (a Swedish line says why)
EXIT_USAGE = 2  # the command was called the wrong way (unknown flag, missing argument)
EXIT_INTERNAL = 3  # an unexpected internal error; the details are saved to a file
EXIT_INTERRUPTED = 130  # stopped with Ctrl-C

EPILOG = """\b
Slutkoder:
  0    allt gick bra
  1    fel i innehållet, eller något som inte kunde göras (en rad säger varför)
  2    användningsfel: okänd flagga, saknat eller ogiltigt argument
  3    oväntat internt fel; detaljerna sparas i en fil
  130  avbrutet med Ctrl-C

\b
Färger stängs av med NO_COLOR=1 eller TERM=dumb."""


def plain_output() -> bool:
    """Whether to print without colours and terminal control codes (NO_COLOR, TERM=dumb)."""
    import os

    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


def _console(*, stderr: bool = False, width: int | None = None) -> Any:
    """A rich console that honours NO_COLOR and TERM=dumb: no escape codes at all then."""
    from rich.console import Console

    if plain_output():
        return Console(stderr=stderr, width=width, color_system=None, no_color=True)
    return Console(stderr=stderr, width=width)


class _Command(click.Command):
    """A command whose usage line is Swedish ("[FLAGGOR]" for "[OPTIONS]")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[FLAGGOR]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    """The ``beslut`` group: Swedish usage line, NO_COLOR, and Ctrl-C → exit code 130.

    click's standalone mode prints "Aborted!" and exits 1 on Ctrl-C; here the group runs click in
    non-standalone mode and handles each outcome itself, so CliRunner tests and the installed
    command behave the same.
    """

    command_class = _Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[FLAGGOR]")
        kwargs.setdefault("subcommand_metavar", "KOMMANDO [ARGUMENT]...")
        super().__init__(*args, **kwargs)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if plain_output():
            extra.setdefault("color", False)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt, EOFError):
            _interrupted()
        except OSError as exc:
            import errno

            if exc.errno != errno.EPIPE:
                raise
            # The reader went away (beslut check | head): no second error while flushing at exit.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_CONTENT)
        sys.exit(result if isinstance(result, int) else EXIT_OK)


def _interrupted() -> None:
    """Print the one Swedish line for Ctrl-C and exit 130."""
    try:
        click.echo("beslut: avbrutet.", err=True)
    finally:
        sys.exit(EXIT_INTERRUPTED)


def _echo_diagnostics(diagnostics: list[Diagnostic], fmt: str, *, quiet: bool = False) -> None:
    if fmt == "json":
        click.echo(to_json(diagnostics))
        return
    for item in sort(diagnostics):
        colour = "red" if item.level is Level.ERROR else "yellow"
        click.secho(item.format(), fg=colour, err=False)
    if not quiet or diagnostics:
        click.echo(f"beslut: {summary_line(diagnostics)}.", err=True)


def _workspace_arg(func: F) -> F:
    return click.argument(
        "arbetsyta",
        required=False,
        default=".",
        type=click.Path(file_okay=False, path_type=Path),
    )(func)


def _user_errors(func: F) -> F:
    """Turn expected failures into one Swedish line and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            click.secho(f"beslut: {exc}", fg="red", err=True)
            sys.exit(EXIT_CONTENT)

    return wrapper  # type: ignore[return-value]


def _out_dir_option(func: F) -> F:
    return click.option(
        "-o",
        "--utdata",
        "out_dir",
        type=click.Path(path_type=Path),
        default=None,
        metavar="MAPP",
        help="Mapp att skriva till (standard: output/ i arbetsytan; inte i content/ eller "
        "templates/).",
    )(func)


_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Utskriftsformat: text för människor, json för verktyg.",
)


@click.group("beslut", cls=_Group, context_settings=CONTEXT, epilog=EPILOG)
@click.version_option(__version__, "--version", message="beslut %(version)s")
def cli() -> None:
    """beslut gör nämndhandlingar (tjänsteskrivelser, beslutsförslag, direktiv) i Word och PDF
    från ärendefiler i Markdown och YAML."""


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@_format_option
@click.option("--strikt", "--strict", "strikt", is_flag=True, help="Behandla varningar som fel.")
@click.option(
    "--fix",
    "--rätta",
    "do_fix",
    is_flag=True,
    help="Rätta de säkra typografiska problemen direkt i källfilerna.",
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Visa vad --fix ändrar (utan --fix: skriv inget)."
)
@click.option(
    "--regler", "list_rules", is_flag=True, help="Lista alla innehållskontroller och deras nivå."
)
@_user_errors
def check(
    arbetsyta: Path, fmt: str, strikt: bool, do_fix: bool, show_diff: bool, list_rules: bool
) -> None:
    """Kontrollera alla filer i arbetsytan och lista alla problem på en gång."""
    from beslut import api

    if list_rules:
        _print_rules(arbetsyta)
        return
    if do_fix or show_diff:
        from beslut.authoring.fix import unified_diff

        changes, diagnostics = api.fix(arbetsyta, write=do_fix)
        if show_diff:
            click.echo(unified_diff(changes), nl=False)
        fixes = sum(c.fixes for c in changes)
        files = len(changes)
        verb = "Rättade" if do_fix else "Kan rätta"
        click.echo(
            f"beslut: {verb} {fixes} problem i {files} {'fil' if files == 1 else 'filer'}.",
            err=True,
        )
        if not do_fix:
            diagnostics = [d for d in diagnostics if d.fix is None]
    else:
        diagnostics = api.check(arbetsyta)
    _echo_diagnostics(diagnostics, fmt)
    failed = has_errors(diagnostics) or (strikt and bool(diagnostics))
    sys.exit(1 if failed else 0)


def _print_rules(arbetsyta: Path) -> None:
    from rich.table import Table

    from beslut.checks import RULES
    from beslut.validate.codes import CODES
    from beslut.validate.workspace import NotAWorkspace, find_root, load_profile

    levels: dict[str, RuleLevel] = {}
    try:
        profile, _ = load_profile(find_root(arbetsyta))
    except NotAWorkspace:
        profile = None
    if profile is not None:
        levels = dict(profile.checks.rules)
    table = Table("Kod", "Grupp", "Nivå", "Rättas", "Vad kontrolleras", box=None)
    for rule in RULES.values():
        shown = _shown_level(rule.code, rule.level.value, levels)
        table.add_row(rule.code, rule.group, shown, "ja" if rule.fixable else "", rule.summary)
    for code in CODES.values():
        shown = _shown_level(code.code, code.level.value, levels)
        locked = " (kan bara höjas)" if code.locked else ""
        table.add_row(code.code, code.group, shown, "", code.summary + locked)
    _console(width=160).print(table)


def _shown_level(code: str, default: str, levels: dict[str, RuleLevel]) -> str:
    from beslut.validate.codes import LOCKED

    level = levels.get(code)
    if level is None or level.value == default:
        return default
    if code in LOCKED and level.value != "fel":
        return default
    return f"{level.value} (profilen)"


@cli.command(context_settings=CONTEXT)
@click.argument("kod", required=False)
def regel(kod: str | None) -> None:
    """Förklara en kod från beslut check eller build: vad den betyder, exempel och rättning.

    Utan KOD listas alla koder med nivå och en rad om vad de betyder."""
    from beslut.validate.code_docs import explain, listing, suggestion

    if kod is None:
        click.echo(listing(), nl=False)
        return
    text = explain(kod)
    if text is None:
        close = suggestion(kod)
        hint = f" Menade du ”{close}”?" if close else ""
        click.secho(
            f"beslut: det finns ingen kod som heter ”{kod}”.{hint} "
            "Kör ”beslut regel” för att se alla koder.",
            fg="red",
            err=True,
        )
        sys.exit(2)
    click.echo(text, nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument(
    "filer",
    nargs=-1,
    required=True,
    metavar="FIL...",
    type=click.Path(exists=True, path_type=Path),
)
@_format_option
def granska(filer: tuple[Path, ...], fmt: str) -> None:
    """Granska PDF-filer inför mötet: arkivering (PDF/A-2b) och tillgänglighet (PDF/UA-1).

    Fungerar på beslut egna handlingar och på bilagor från andra. En mapp granskas med alla
    PDF-filer i den. Varje problem skrivs på en rad med sida eller plats i dokumentets struktur
    och hur det rättas; ”beslut regel KOD” förklarar en kod. Granskningen läser filens
    uppbyggnad och ersätter inte en fullständig kontroll med veraPDF eller PAC.

    Slutkod 0 när inga fel hittades (varningar räknas inte), 1 när någon fil har fel."""
    from beslut.validate.pdf_audit import audit_pdf

    paths = _pdf_paths(filer)
    results = [(str(path), audit_pdf(path)) for path in paths]
    findings = [f for _, found in results for f in found]
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    warnings = len(findings) - errors
    if fmt == "json":
        import json

        files = [
            {
                "path": path,
                "findings": [
                    {
                        "code": f.code,
                        "level": f.level.value,
                        "message": f.message,
                        "page": f.page,
                        "where": f.where,
                    }
                    for f in found
                ],
            }
            for path, found in results
        ]
        summary = {"filer": len(results), "fel": errors, "varningar": warnings}
        click.echo(json.dumps({"files": files, "summary": summary}, ensure_ascii=False, indent=2))
    else:
        for path, found in results:
            for finding in found:
                colour = "red" if finding.level is Level.ERROR else "yellow"
                click.secho(finding.format(path), fg=colour)
            if not found:
                click.echo(f"{path}: inga problem hittades.")
        count = f"{len(results)} {'fil' if len(results) == 1 else 'filer'}"
        words = f"{warnings} {'varning' if warnings == 1 else 'varningar'}"
        click.echo(f"beslut: granskade {count}: {errors} fel, {words}.", err=True)
    sys.exit(EXIT_CONTENT if errors else EXIT_OK)


def _pdf_paths(given: tuple[Path, ...]) -> list[Path]:
    """The files to audit: each file as given, each folder's PDF files (also in subfolders)."""
    paths: list[Path] = []
    for path in given:
        if not path.is_dir():
            paths.append(path)
            continue
        found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
        if not found:
            raise click.UsageError(f"Mappen ”{path}” innehåller inga PDF-filer.")
        paths += found
    return paths


PASSPHRASE_ENV = "BESLUT_CERTIFIKAT_LOSENORD"
"""Environment variable with the certificate's passphrase (never on the command line)."""


@cli.command("signera", context_settings=CONTEXT)
@click.argument("fil", metavar="FIL", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--certifikat",
    "certificate",
    required=True,
    metavar="FIL",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Certifikat med privat nyckel i en PKCS#12-fil (.p12, .pfx).",
)
@click.option(
    "--lösenordsfil",
    "passphrase_file",
    default=None,
    metavar="FIL",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Fil med certifikatets lösenord (annars miljövariabeln {PASSPHRASE_ENV}).",
)
@click.option(
    "--namn", default=None, metavar="TEXT", help="Undertecknarens namn (standard: certifikatets)."
)
@click.option("--ort", default=None, metavar="TEXT", help="Orten där filen signeras.")
@click.option(
    "--skäl", "reason", default=None, metavar="TEXT", help="Varför filen signeras, t.ex. Justering."
)
@click.option("--ersätt", "replace", is_flag=True, help="Ersätt en signerad kopia som redan finns.")
@click.option(
    "--arbetsyta",
    "arbetsyta",
    default=".",
    metavar="MAPP",
    type=click.Path(file_okay=False, path_type=Path),
    help="Arbetsytan som byggde filen (standard: den här mappen eller en mapp ovanför).",
)
@click.option(
    "-o",
    "--utdata",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="MAPP",
    help="Utdatamappen som filen byggdes till (standard: output/ i arbetsytan).",
)
@_user_errors
def signera(
    fil: Path,
    certificate: Path,
    passphrase_file: Path | None,
    namn: str | None,
    ort: str | None,
    reason: str | None,
    replace: bool,
    arbetsyta: Path,
    out_dir: Path | None,
) -> None:
    """Signera en publicerad PDF (PAdES) och lägg den signerade kopian bredvid den.

    FIL är en fil som beslut build har publicerat, angiven från den här mappen eller inom
    utdatamappen. Kopian heter som filen med -signerat före .pdf, förblir PDF/A-2b och står i
    manifest.json. Signaturen görs utan nätverk: ingen tidsstämpel och ingen spärrkontroll
    (PAdES B-B). Lösenordet läses från --lösenordsfil eller miljövariabeln
    BESLUT_CERTIFIKAT_LOSENORD, aldrig från kommandoraden. Byggs filen om till en annan fil tas
    den signerade kopian bort; signera då igen."""
    from beslut.publish.signed import sign_output

    root, target = _root_and_output(arbetsyta, out_dir)
    passphrase: bytes | None = None
    if passphrase_file is not None:
        try:
            passphrase = passphrase_file.read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise UserError(
                f"Lösenordsfilen {passphrase_file} kunde inte läsas ({exc.strerror or exc})."
            ) from None
    elif os.environ.get(PASSPHRASE_ENV):
        passphrase = os.environ[PASSPHRASE_ENV].encode("utf-8")
    # A file named from here is used when it exists; otherwise FIL is inside the output folder.
    given: Path = fil.resolve() if fil.is_file() else fil
    result = sign_output(
        root,
        given,
        pkcs12=certificate,
        passphrase=passphrase,
        signer_name=namn,
        reason=reason,
        location=ort,
        out_dir=target,
        replace=replace,
    )
    click.echo(
        f"beslut: signerade {result.signed} och skrev {result.file} (i manifest.json som "
        f"{result.kind})."
    )


@cli.command("publicera", context_settings=CONTEXT)
@click.argument("möte", metavar="MÖTE")
@click.option(
    "--arbetsyta",
    "arbetsyta",
    default=".",
    metavar="MAPP",
    type=click.Path(file_okay=False, path_type=Path),
    help="Arbetsytan (standard: den här mappen eller en mapp ovanför).",
)
@_out_dir_option
@click.option(
    "--kallelsen-först",
    "sent_first",
    is_flag=True,
    help="Har mötet ingen publicerad version men punkter från en tilläggslista: publicera "
    "först kallelsen som den skickades (version 1), sedan läget nu (version 2).",
)
@click.option(
    "--nya-nummer",
    "renumber",
    is_flag=True,
    help="Publicera även om punkter i den senaste versionen får nya nummer eller tas bort.",
)
@click.option(
    "--lista", "list_only", is_flag=True, help="Visa mötets publicerade versioner; bygg inget."
)
@_user_errors
def publicera(
    möte: str,
    arbetsyta: Path,
    out_dir: Path | None,
    sent_first: bool,
    renumber: bool,
    list_only: bool,
) -> None:
    """Publicera en ny version av ett möte i output/versioner/MÖTE/N/.

    MÖTE är mötesfilens namn utan .yaml, t.ex. 2022-06-14-hsn. Först byggs allt som vanligt
    (fel stoppar publiceringen), sedan fryses mötets filer (kallelse, tilläggslista,
    handlingar, ärenden, protokoll och deras offentliga versioner) som version N med
    manifest.json och offentlig/manifest.json. En publicerad version ändras aldrig. Har inget
    ändrats sedan förra versionen blir det ingen ny version. Från version 2 börjar handlingarna
    med sidan ”Ändringar sedan version N-1”."""

    root, target = _root_and_output(arbetsyta, out_dir)
    from beslut import versioning
    from beslut.validate.workspace import load_workspace

    if list_only:
        document = versioning.find_meeting(load_workspace(root), möte)
        ident = versioning.meeting_id(document)
        found = versioning.version_list(target, ident)
        if not found:
            click.echo(f"beslut: {ident} har inga publicerade versioner.")
            return
        for publication in found:
            when = publication.published.strftime("%Y-%m-%d %H.%M")
            count = len(publication.changes)
            what = "första versionen" if publication.previous is None else f"{count} ändringar"
            click.echo(f"version {publication.version}  {when}  {what}")
            for change in publication.changes:
                click.echo(f"    {change.text}")
        return
    _stop_on_sigterm()
    progress = _Progress(False)
    progress(READING, 0, 0)
    try:
        outcome = versioning.publish_meeting(
            root,
            möte,
            out_dir=target,
            sent_first=sent_first,
            renumber=renumber,
            progress=progress,
        )
    except versioning.BuildFailed as exc:
        progress.stop()
        _print_report(exc.report, "text", True)
        raise
    finally:
        progress.stop()
    _print_report(outcome.report, "text", True)
    for note in outcome.notes:
        click.echo(f"beslut: {note}", err=True)
    for step in outcome.steps:
        click.echo(f"beslut: {step.message}")
        for change in step.changes:
            click.echo(f"    {change.text}")
    if outcome.site is not None:
        click.echo(
            f"beslut: den offentliga webbplatsen är uppdaterad: "
            f"{_relative(outcome.site / 'index.html', arbetsyta)}"
        )


@cli.command(context_settings=CONTEXT)
@click.argument("mapp", type=click.Path(file_okay=False, path_type=Path))
@_user_errors
def init(mapp: Path) -> None:
    """Skapa en ny arbetsyta med profil, mallar, scheman och ett exempelärende."""
    from beslut import api

    written = api.init_workspace(mapp)
    for path in written:
        click.echo(f"skapade {path}")
    _editor_settings(api.write_editor_settings(mapp), "skapade", mapp)
    click.echo(f"Klart. Redigera {mapp / 'content' / 'profil.yaml'} och kör: beslut check {mapp}")


MEETING = "sammanträde"
"""``beslut new sammanträde``: the meeting's ``typ`` (models.MEETING_TYPE, not imported here)."""
MINUTES = "protokoll"
"""``beslut new protokoll MÖTESFIL``: the protokoll's ``typ`` (minutes.MINUTES_TYPE)."""


class _Date(click.ParamType):  # type: ignore[type-arg]
    """A date written ÅÅÅÅ-MM-DD; a wrong one is explained in Swedish with an example."""

    name = "datum"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import datetime

        if isinstance(value, datetime.datetime):
            return value
        try:
            return datetime.datetime.strptime(str(value), "%Y-%m-%d")
        except ValueError:
            self.fail(f"”{value}” är inget datum skrivet ÅÅÅÅ-MM-DD, t.ex. 2026-03-13.", param, ctx)


@cli.command(context_settings=CONTEXT)
@click.argument(
    "typ",
    type=click.Choice([*(t.value for t in DocumentType), MEETING, MINUTES]),
    metavar="TYP",
)
@click.argument(
    "motesfil",
    required=False,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="[MÖTESFIL]",
)
@click.option(
    "--dnr", default=None, metavar="DNR", help="Diarienummer, t.ex. 25HSN3392 (krävs för ärenden)."
)
@click.option(
    "--instans",
    default=None,
    metavar="ID",
    help="Id för nämnden i profilen, t.ex. hsn (standard: profilens enda instans).",
)
@click.option("--rubrik", default=None, metavar="TEXT", help="Ärendets rubrik.")
@click.option(
    "--datum",
    default=None,
    type=_Date(),
    metavar="ÅÅÅÅ-MM-DD",
    help="Sammanträdesdag, ÅÅÅÅ-MM-DD (krävs för sammanträde).",
)
@click.option(
    "--arbetsyta",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="MAPP",
    help="Arbetsytan (standard: aktuell mapp).",
)
@click.option(
    "--fil",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FIL",
    help="Filen att skapa, relativt till aktuell mapp (inte arbetsytan); den ska ligga i "
    "arbetsytans content/. Slutar namnet på .yaml blir ärendet ren YAML med texten under "
    "text: |, annars Markdown med front matter. Standard: content/ärenden/<diarienummer>.md.",
)
@_user_errors
def new(
    typ: str,
    motesfil: Path | None,
    dnr: str | None,
    instans: str | None,
    rubrik: str | None,
    datum: dt.datetime | None,
    arbetsyta: Path,
    fil: Path | None,
) -> None:
    """Skapa en ny ärendefil med alla avsnitt som profilen kräver, med TYP sammanträde
    en mötesfil (content/möten/<datum>-<instans>.yaml) med procedurpunkterna, eller med
    TYP protokoll och en MÖTESFIL sammanträdets protokoll (content/protokoll/<möte>.yaml).

    TYP är tjänsteskrivelse, beslutsförslag, direktiv, sammanträde eller protokoll."""
    from beslut import api

    if typ == MINUTES:
        if motesfil is None:
            raise click.UsageError(
                "ange sammanträdets fil, t.ex. beslut new protokoll content/möten/2026-03-11-ks.yaml."
            )
        if any(v is not None for v in (dnr, instans, rubrik, datum, fil)):
            raise click.UsageError(
                "--dnr, --instans, --rubrik, --datum och --fil gäller inte protokoll; "
                "protokollet hämtar allt från mötesfilen."
            )
        path = api.new_minutes(arbetsyta, motesfil)
    elif motesfil is not None:
        raise click.UsageError("en mötesfil anges bara med TYP protokoll.")
    elif typ == MEETING:
        if datum is None:
            raise click.UsageError("ange sammanträdesdagen med --datum ÅÅÅÅ-MM-DD.")
        if dnr is not None or rubrik is not None or fil is not None:
            raise click.UsageError("--dnr, --rubrik och --fil gäller ärenden, inte sammanträden.")
        path = api.new_meeting(arbetsyta, date=datum.date(), organ=instans)
    else:
        if dnr is None:
            raise click.UsageError("ange ärendets diarienummer med --dnr.")
        if datum is not None:
            raise click.UsageError("--datum gäller sammanträden; ett nytt ärende får dagens datum.")
        path = api.new_case(
            arbetsyta, DocumentType(typ), dnr=dnr, organ=instans, title=rubrik, target=fil
        )
    click.echo(f"skapade {path}")
    click.echo("Fyll i uppgifterna och kör: beslut check")


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@_user_errors
def schema(arbetsyta: Path) -> None:
    """Skriv JSON Schema-filer som editorn använder för att komplettera och kontrollera nycklar."""
    from beslut import api

    for path in api.write_schemas(arbetsyta):
        click.echo(f"skrev {_relative(path, arbetsyta)}")
    _editor_settings(api.write_editor_settings(arbetsyta), "skrev", arbetsyta)


def _find_root(arbetsyta: Path) -> Path:
    """The workspace ``arbetsyta`` is in (it or a folder above); a Swedish error if none."""
    from beslut.load.paths import NotAWorkspace, find_root

    try:
        return find_root(arbetsyta)
    except NotAWorkspace as exc:
        raise UserError(str(exc)) from None


def _root_and_output(arbetsyta: Path, out_dir: Path | None) -> tuple[Path, Path]:
    """The workspace and its output folder (``--utdata`` or output/), checked to be usable."""
    from beslut.load.paths import check_out_dir, default_out_dir

    root = _find_root(arbetsyta)
    target = out_dir.resolve() if out_dir else default_out_dir(root)
    check_out_dir(root, target)
    return root, target


def _relative(path: Path, root: Path) -> str:
    """``path`` as the user named the workspace (``schemas/x.json`` for ``.``, ``ny/schemas/x.json``
    for ``ny``), like the other lines ``init`` prints."""
    try:
        return str(root / path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _editor_settings(result: EditorSettings, verb: str, root: Path) -> None:
    """Print what ``write_editor_settings`` wrote (relative to the workspace, like the other
    lines), and its warnings on stderr."""
    for path in result.written:
        click.echo(f"{verb} {_relative(path, root)}")
    for path in result.modelines_removed:
        click.echo(
            f"tog bort schemaraden (# yaml-language-server) ur {_relative(path, root)}; "
            ".vscode/settings.json kopplar nu schemat, också om filen flyttas"
        )
    for warning in result.warnings:
        click.secho(f"beslut: varning: {warning}", fg="yellow", err=True)


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@click.option("--bygg", is_flag=True, help="Bygg om mallarna i templates/ från källkoden.")
@click.option(
    "--tvinga",
    "--force",
    "force",
    is_flag=True,
    help="Med --bygg: skriv över också anpassade mallar; de gamla sparas först i "
    "templates/.säkerhetskopior/.",
)
@_user_errors
def mallar(arbetsyta: Path, bygg: bool, force: bool) -> None:
    """Lista varje malls taggar (variabler) och fel, eller bygg om mallarna med --bygg.

    --bygg skriver inte över en mall som ändrats (anpassats) utan --tvinga."""
    from beslut import api

    if bygg:
        result = api.build_templates(arbetsyta, force=force)
        for path in result.backups:
            click.echo(f"sparade den gamla mallen som {path}")
        for path in result.written:
            click.echo(f"byggde {path}")
        for path in result.unchanged:
            click.echo(f"oförändrad {path}")
        return
    tags, problems = api.inspect_templates(arbetsyta)
    for name, names in tags.items():
        click.echo(f"{name}: {', '.join(names)}")
    if problems:
        _echo_diagnostics(problems, "text")
    sys.exit(1 if has_errors(problems) else 0)


def _parse_formats(value: str) -> tuple[tuple[str, ...], str]:
    """Split ``--format``: file formats (docx, pdf) and the report format (text, json)."""
    tokens = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in tokens if t not in ("docx", "pdf", "json", "text")]
    if unknown:
        raise click.BadParameter(
            f"okänt format {', '.join(unknown)}; välj docx, pdf (filer) och json eller text "
            "(rapport), t.ex. docx,pdf eller pdf,json.",
            param_hint="--format",
        )
    files = tuple(t for t in ("docx", "pdf") if t in tokens) or ("docx", "pdf")
    report = "json" if "json" in tokens else "text"
    return files, report


def _decimal(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",")


def _summary(changed: int, unchanged: int, removed: int, seconds: float) -> str:
    parts = [f"{changed} {'ändrad' if changed == 1 else 'ändrade'}", f"{unchanged} oförändrade"]
    if removed:
        parts.append(f"{removed} {'borttagen' if removed == 1 else 'borttagna'}")
    return f"{', '.join(parts)} · {_decimal(seconds)} s"


def _report_json(report: Any) -> str:
    import json
    from dataclasses import asdict

    return json.dumps(
        {
            "ok": report.ok,
            "changed": list(report.changed),
            "unchanged": len(report.unchanged),
            "removed": list(report.removed),
            "failed": list(report.failed),
            "reasons": dict(report.reasons),
            "seconds": round(report.seconds, 3),
            "outputs": [asdict(o) for o in report.outputs],
            "diagnostics": json.loads(to_json(report.diagnostics))["diagnostics"],
            "messages": list(report.messages),
            "notes": list(report.notes),
        },
        ensure_ascii=False,
        indent=2,
    )


class _Progress:
    """Renders the pipeline's progress calls on stderr, from the first second of a build.

    A step that starts (``total == 0``) and each meeting being assembled is one line,
    ``beslut: läser innehållet…``. Counted stages (rendering, converting) are a transient rich
    bar on a terminal; otherwise (a pipe, NO_COLOR, TERM=dumb) one plain line when a stage with
    more than three documents is done. Nothing at all with ``quiet``.
    """

    def __init__(self, quiet: bool, *, terminal: bool | None = None) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}
        self.announced: set[str] = set()
        self.terminal = sys.stderr.isatty() and not plain_output() if terminal is None else terminal

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if total == 0:
            if stage not in self.announced:  # the CLI announces READING before the import
                self.announced.add(stage)
                self._line(f"beslut: {stage}…")
            return
        if stage.startswith(ASSEMBLING):
            counter = f" ({done} av {total})" if total > 1 else ""
            self._line(f"beslut: {stage}{counter}…")
        elif total <= 3:  # a handful of documents needs no progress report
            return
        elif not self.terminal:
            if done == total:
                click.echo(f"beslut: {stage} klart ({total})", err=True)
        else:
            self._bar(stage, done, total)

    def line(self, text: str) -> None:
        """Print one line on stderr, above a running bar (also with ``quiet``: for notices)."""
        self._line(text)

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            click.echo(text, err=True)

    def _bar(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description:>12}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=_console(stderr=True),
                transient=True,
            )
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done)
        if done == total:  # the finished stage leaves a line, as without a terminal
            self.bar.remove_task(self.tasks[stage])
            self._line(f"beslut: {stage} klart ({total})")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print_report(report: Any, fmt: str, quiet: bool, verbose: bool = False) -> None:
    if fmt == "json":
        click.echo(_report_json(report))
        return
    _echo_diagnostics(list(report.diagnostics), "text", quiet=True)
    for message in report.messages:
        click.secho(f"beslut: {message}", fg="red", err=True)
    if verbose:
        for unit, reason in sorted(report.reasons.items()):
            click.echo(f"beslut: bygger {unit}: {reason}", err=True)
    if report.failed:
        click.secho(
            f"beslut: {len(report.failed)} kunde inte byggas och publicerades inte; det som "
            f"publicerats tidigare av dem finns kvar: {', '.join(report.failed)}",
            fg="red",
            err=True,
        )
    if not quiet:
        for note in report.notes:
            click.echo(f"beslut: {note}", err=True)
        summary = _summary(
            len(report.changed), len(report.unchanged), len(report.removed), report.seconds
        )
        click.echo(f"beslut: {summary}", err=True)


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@_out_dir_option
@click.option(
    "--format",
    "formats",
    default="docx,pdf",
    show_default=True,
    metavar="FORMAT",
    help="Filformat (docx, pdf) och rapportformat (text, json), kommaseparerat.",
)
@click.option("--tvinga", "--force", "force", is_flag=True, help="Bygg om allt.")
@click.option(
    "--strikt",
    "--strict",
    "strict",
    is_flag=True,
    help="Behandla varningar som fel: inget med en varning publiceras.",
)
@click.option("-q", "--tyst", "--quiet", "quiet", is_flag=True, help="Skriv bara ut problem.")
@click.option(
    "-v", "--utförlig", "--verbose", "verbose", is_flag=True, help="Säg varför varje del byggs om."
)
@click.option(
    "--utan-tjänst",
    "no_service",
    is_flag=True,
    help="Bygg i den här processen, inte i arbetsytans byggtjänst (samma som BESLUT_TJANST=av).",
)
@_user_errors
def build(
    arbetsyta: Path,
    out_dir: Path | None,
    formats: str,
    force: bool,
    strict: bool,
    quiet: bool,
    verbose: bool,
    no_service: bool,
) -> None:
    """Bygg det som ändrats: Word och PDF för ärenden, kallelser och handlingar för möten."""
    import time

    from beslut import __version__ as version
    from beslut.publish import state

    started = time.perf_counter()
    files, fmt = _parse_formats(formats)
    root, target = _root_and_output(arbetsyta, out_dir)
    _stop_on_sigterm()
    if not force:
        saved = state.up_to_date(root, target, files, version)
        if saved is not None:  # nothing changed: answer without loading anything
            _report_unchanged(saved, fmt, quiet, strict, time.perf_counter() - started)
    progress = _Progress(quiet or fmt == "json")
    progress(READING, 0, 0)  # at once: loading the pipeline itself takes a moment
    try:
        report = None
        if not no_service:
            report = _service_build(root, target, files, force, strict, progress)
        if report is None:
            from beslut import api

            report = api.build(
                root, out_dir=target, formats=files, force=force, strict=strict, progress=progress
            )
    finally:
        progress.stop()
    _print_report(report, fmt, quiet, verbose)
    sys.exit(0 if report.ok else 1)


SERVICE_STARTED = (
    "startade byggtjänsten för den här arbetsytan (stängs efter {minutes} utan användning; "
    "”beslut tjänst stopp” stänger den nu)"
)


def _service_build(
    root: Path,
    target: Path,
    files: tuple[str, ...],
    force: bool,
    strict: bool,
    progress: _Progress,
) -> Any:
    """Build through the workspace's build service; None when the build is to run here
    instead (the service is off, cannot start, or died mid-build: one line says why)."""
    from beslut.service import client

    if client.disabled():
        return None
    try:
        conn, started = client.ensure_service(root)
    except client.ServiceUnavailable as exc:
        click.echo(
            f"beslut: byggtjänsten kunde inte användas ({exc}); bygger i den här processen.",
            err=True,
        )
        return None
    if started and not progress.quiet:
        from beslut.service.runtime import idle_seconds

        progress.line(f"beslut: {SERVICE_STARTED.format(minutes=_minutes(idle_seconds()))}")
    try:
        data = client.remote_build(
            conn, out_dir=target, formats=files, force=force, strict=strict, progress=progress
        )
    except client.ServiceGone as exc:
        progress.line(
            f"beslut: Byggtjänsten avslutades mitt i bygget ({exc}); bygger med egen "
            "LibreOffice i stället."
        )
        return None
    except client.RemoteError as exc:
        if exc.kind == "internal":
            progress.line(f"beslut: {exc.message}; bygger i den här processen i stället.")
            return None
        raise UserError(exc.message) from None
    finally:
        conn.close()
    from beslut.service.protocol import report_from_json

    return report_from_json(data)


def _minutes(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} {'minut' if minutes == 1 else 'minuter'}"
    return f"{_decimal(seconds) if seconds % 1 else int(seconds)} s"


def _report_unchanged(saved: Any, fmt: str, quiet: bool, strict: bool, seconds: float) -> None:
    """Answer a build where nothing changed: the last build's diagnostics, then exit."""
    from types import SimpleNamespace

    from beslut.diagnostics import Diagnostic

    diagnostics = [Diagnostic.from_dict(d) for d in saved.diagnostics]
    if strict:
        diagnostics = [d.with_level(Level.ERROR) for d in diagnostics]
    failed = has_errors(diagnostics)
    report = SimpleNamespace(
        ok=not failed,
        changed=(),
        unchanged=tuple(saved.units),
        removed=(),
        failed=(),
        reasons={},
        seconds=seconds,
        outputs=(),
        diagnostics=tuple(diagnostics),
        messages=(),
        notes=(),
    )
    _print_report(report, fmt, quiet)
    sys.exit(1 if failed else 0)


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so LibreOffice is stopped and temporary files go."""
    import signal

    def stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, stop)


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@_out_dir_option
@click.option(
    "--format",
    "formats",
    default="docx,pdf",
    show_default=True,
    metavar="FORMAT",
    help="docx, pdf.",
)
@_user_errors
def watch(arbetsyta: Path, out_dir: Path | None, formats: str) -> None:
    """Bygg om automatiskt när en fil sparas (avsluta med Ctrl-C)."""
    from beslut import api

    files, _ = _parse_formats(formats)
    _root_and_output(arbetsyta, out_dir)  # a workspace, and an output folder that can be used
    click.echo("beslut: bevakar content/ och templates/ – avsluta med Ctrl-C.", err=True)
    if "pdf" in files:
        click.echo("beslut: startar LibreOffice…", err=True)
    printer = _WatchPrinter()
    api.watch(arbetsyta, printer.finished, out_dir=out_dir, formats=files, on_start=printer.started)


@cli.command("webb", context_settings=CONTEXT)
@_workspace_arg
@_out_dir_option
@_user_errors
def webb(arbetsyta: Path, out_dir: Path | None) -> None:
    """Bygg om den offentliga webbplatsen (output/webb/) från de publicerade versionerna.

    Webbplatsen byggs bara av de offentliga versionerna i output/versioner/ (det beslut publicera
    har fryst), aldrig av interna handlingar. Den är statisk: öppna webb/index.html i en
    webbläsare eller kopiera mappen webb/ till en webbserver. Den gamla webbplatsen ersätts i ett
    steg först när den nya är klar."""
    from beslut.publish.website import publish_site

    _, target = _root_and_output(arbetsyta, out_dir)
    site = publish_site(target)
    pages = sum(1 for p in site.rglob("*.html"))
    click.echo(
        f"beslut: byggde webbplatsen {_relative(site, arbetsyta)} ({pages} sidor); "
        f"öppna {_relative(site / 'index.html', arbetsyta)}"
    )


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    metavar="PORT",
    help="Porten appen lyssnar på (0 = en ledig port).",
)
@click.option(
    "--värd",
    "host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADRESS",
    help="Adressen appen lyssnar på. Annat än den här datorn kräver lösenord "
    "(BESLUT_LOSENORD eller --lösenordsfil).",
)
@click.option(
    "--lösenordsfil",
    "password_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fil med lösenordet (i stället för BESLUT_LOSENORD).",
)
@click.option("--öppna", "open_browser", is_flag=True, help="Öppna appen i webbläsaren.")
@_user_errors
def serve(
    arbetsyta: Path, port: int, host: str, password_file: Path | None, open_browser: bool
) -> None:
    """Starta webbappen för handläggare och sekreterare (i webbläsaren)."""
    from beslut.web.server import password_from
    from beslut.web.server import serve as run

    root = _find_root(arbetsyta)
    password = password_from(dict(os.environ), password_file)
    run(
        root,
        host=host,
        port=port,
        password=password,
        open_browser=open_browser,
        echo=lambda line: click.echo(line, err=True),
    )


@cli.group("tjänst", cls=_Group, context_settings=CONTEXT)
def service() -> None:
    """Arbetsytans byggtjänst: en process som håller beslut och LibreOffice varma mellan
    byggen. ”beslut build” startar den själv; den stängs efter 15 minuter utan användning.
    BESLUT_TJANST=av stänger av den."""


def _megabytes(kilobytes: int | None) -> str:
    return "okänt" if kilobytes is None else f"{_decimal(kilobytes / 1024)} MB"


@service.command("status", context_settings=CONTEXT)
@_workspace_arg
@_user_errors
def service_status(arbetsyta: Path) -> None:
    """Visa om arbetsytans byggtjänst körs, och i så fall hur den mår."""
    from beslut.service import client

    root = _find_root(arbetsyta)
    try:
        info = client.status(root)
    except client.ServiceUnavailable as exc:
        raise UserError(f"byggtjänsten kan inte användas: {exc}") from None
    if info is None:
        click.echo(f"Ingen byggtjänst körs för {root}.")
        return
    rss = info.get("rss_kb", {})
    soffice = [int(p) for p in info.get("soffice_pids", [])]
    own = rss.get(str(info["pid"]))
    office = [rss.get(str(p)) for p in soffice]
    total = sum(k for k in [own, *office] if k is not None)
    lines = [
        f"Byggtjänsten för {info['root']} körs.",
        f"  process:      {info['pid']}",
        f"  startad:      {_local_time(str(info['started']))}",
        f"  oanvänd i:    {_decimal(float(info['idle_seconds']))} s "
        f"(stängs efter {_minutes(float(info['idle_limit']))} utan användning)",
        f"  byggen:       {info['builds']}",
        "  LibreOffice:  "
        + (", ".join(str(p) for p in soffice) if soffice else "startar inte / körs inte"),
        f"  minne:        {_megabytes(total)} (tjänsten {_megabytes(own)}, "
        f"LibreOffice {_megabytes(sum(k for k in office if k is not None))})",
        f"  version:      beslut {info['version']} (kod {info['fingerprint']})",
    ]
    click.echo("\n".join(lines))


def _local_time(iso: str) -> str:
    """An ISO time stamp as Swedish local date and time: "2026-12-02 kl. 17.05"."""
    import datetime as dt

    from beslut.model.formatting import clock, iso_date

    try:
        moment = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return f"{iso_date(moment.date())} {clock(moment.time())}"


@service.command("stopp", context_settings=CONTEXT)
@_workspace_arg
@click.option("--alla", "every", is_flag=True, help="Stoppa alla dina byggtjänster.")
@_user_errors
def service_stop(arbetsyta: Path, every: bool) -> None:
    """Stäng arbetsytans byggtjänst nu (och dess LibreOffice)."""
    from beslut.service import client

    try:
        if every:
            stopped = client.stop_all()
            for folder, number in stopped:
                click.echo(f"Stoppade byggtjänsten för {folder} (process {number}).")
            if not stopped:
                click.echo("Ingen byggtjänst kördes.")
            return
        root = _find_root(arbetsyta)
        pid = client.stop_service(root)
    except client.ServiceUnavailable as exc:
        raise UserError(f"byggtjänsten kan inte användas: {exc}") from None
    if pid is None:
        click.echo(f"Ingen byggtjänst kördes för {root}.")
    else:
        click.echo(f"Stoppade byggtjänsten för {root} (process {pid}).")


SHOWN_FILES = 3
"""How many changed files a watch line names before ”och N till”."""


class _WatchPrinter:
    """What ``beslut watch`` prints: a timestamped line as a build starts (which files changed),
    the build's findings, a timestamped result line, and, when a build has no errors after one
    that had, that the earlier errors are fixed. Plain lines only (no terminal control), so a
    pipe, NO_COLOR and TERM=dumb read the same; ``now`` and ``echo`` are replaceable for tests.
    """

    def __init__(
        self,
        now: Callable[[], dt.datetime] | None = None,
        echo: Callable[..., None] | None = None,
    ) -> None:
        import datetime

        self.now = now or datetime.datetime.now
        self.echo = echo or click.secho
        self.had_errors = False

    def _stamp(self) -> str:
        return self.now().strftime("[%H:%M:%S]")

    def started(self, files: tuple[str, ...]) -> None:
        if not files:
            self.echo(f"{self._stamp()} bygger…", err=True)
            return
        named = ", ".join(files[:SHOWN_FILES])
        if len(files) > SHOWN_FILES:
            named += f" och {len(files) - SHOWN_FILES} till"
        self.echo(f"{self._stamp()} ändrat: {named} — bygger om…", err=True)

    def finished(self, result: Any) -> None:
        if isinstance(result, Exception):
            message = (
                str(result)
                if isinstance(result, UserError)
                else f"ett oväntat fel ({type(result).__name__}) stoppade bygget"
            )
            self.echo(
                f"{self._stamp()} bygget misslyckades: {message} Bevakar vidare.",
                fg="red",
                err=True,
            )
            self.had_errors = True
            return
        for item in sort(list(result.diagnostics)):
            colour = "red" if item.level is Level.ERROR else "yellow"
            self.echo(item.format(), fg=colour)
        for message in result.messages:
            self.echo(f"beslut: {message}", fg="red", err=True)
        if result.failed:
            self.echo(
                f"beslut: {len(result.failed)} kunde inte byggas och publicerades inte: "
                f"{', '.join(result.failed)}",
                fg="red",
                err=True,
            )
        for note in result.notes:
            self.echo(f"beslut: {note}", err=True)
        errors = sum(d.level is Level.ERROR for d in result.diagnostics) + len(result.messages)
        warnings = sum(d.level is Level.WARNING for d in result.diagnostics)
        changed = len(result.changed)
        counts = (
            f"{changed} {'ändrad' if changed == 1 else 'ändrade'}, {errors} fel, "
            f"{warnings} {'varning' if warnings == 1 else 'varningar'} · "
            f"{_decimal(result.seconds)} s"
        )
        if errors:
            self.echo(
                f"{self._stamp()} klart med fel: {counts}. Rätta felen ovan och spara igen.",
                fg="red",
                err=True,
            )
        else:
            self.echo(f"{self._stamp()} klart: {counts}", err=True)
            if self.had_errors:
                self.echo(
                    f"{self._stamp()} felen från förra bygget är åtgärdade; de visas inte längre.",
                    fg="green",
                    err=True,
                )
        self.had_errors = bool(errors)


def _crash_report(exc: BaseException) -> Path:
    with tempfile.NamedTemporaryFile(
        "w", prefix="beslut-fel-", suffix=".txt", delete=False, encoding="utf-8"
    ) as handle:
        handle.write(f"beslut {__version__}\n{' '.join(sys.argv)}\n\n")
        handle.write("".join(traceback.format_exception(exc)))
    return Path(handle.name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; an unexpected error prints one Swedish line and a file path."""
    try:
        cli.main(args=argv, prog_name="beslut", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:
        report = _crash_report(exc)
        click.secho(
            f"beslut: ett oväntat internt fel inträffade ({type(exc).__name__}). "
            f"Detaljerna har sparats i {report}; skicka filen till den som förvaltar beslut.",
            fg="red",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
