"""The ``beslut`` command: argument plumbing only; the work happens in the public API."""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, api
from .diagnostics import Diagnostic, Level, has_errors, sort, summary_line, to_json
from .models import DocumentType

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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
        except api.UserError as exc:
            click.secho(f"beslut: {exc}", fg="red", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", message="beslut %(version)s")
def cli() -> None:
    """beslut gör nämndhandlingar (tjänsteskrivelser, beslutsförslag, direktiv) i Word och PDF
    från ärendefiler i Markdown och YAML."""


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Utskriftsformat: text för människor, json för verktyg.",
)
@click.option("--strikt", is_flag=True, help="Behandla varningar som fel.")
@_user_errors
def check(arbetsyta: Path, fmt: str, strikt: bool) -> None:
    """Kontrollera alla filer i arbetsytan och lista alla problem på en gång."""
    diagnostics = api.check(arbetsyta)
    _echo_diagnostics(diagnostics, fmt)
    failed = has_errors(diagnostics) or (strikt and bool(diagnostics))
    sys.exit(1 if failed else 0)


@cli.command(context_settings=CONTEXT)
@click.argument("mapp", type=click.Path(file_okay=False, path_type=Path))
@_user_errors
def init(mapp: Path) -> None:
    """Skapa en ny arbetsyta med profil, mallar, scheman och ett exempelärende."""
    written = api.init_workspace(mapp)
    for path in written:
        click.echo(f"skapade {path}")
    click.echo(f"Klart. Redigera {mapp / 'content' / 'profil.yaml'} och kör: beslut check {mapp}")


@cli.command(context_settings=CONTEXT)
@click.argument("typ", type=click.Choice([t.value for t in DocumentType]))
@click.option("--dnr", required=True, help="Diarienummer, t.ex. 25HSN3392.")
@click.option("--instans", required=True, help="Id för nämnden i profilen, t.ex. hsn.")
@click.option("--rubrik", default=None, help="Ärendets rubrik.")
@click.option(
    "--arbetsyta",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="Arbetsytan (standard: aktuell mapp).",
)
@click.option(
    "--fil", default=None, type=click.Path(dir_okay=False, path_type=Path), help="Filnamn."
)
@_user_errors
def new(
    typ: str, dnr: str, instans: str, rubrik: str | None, arbetsyta: Path, fil: Path | None
) -> None:
    """Skapa en ny ärendefil med alla avsnitt som profilen kräver."""
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
    for path in api.write_schemas(arbetsyta):
        click.echo(f"skrev {path}")


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@click.option("--bygg", is_flag=True, help="Bygg om mallarna i templates/ från källkoden.")
@_user_errors
def mallar(arbetsyta: Path, bygg: bool) -> None:
    """Lista varje malls taggar (variabler), eller bygg om mallarna med --bygg."""
    if bygg:
        for path in api.build_templates(arbetsyta):
            click.echo(f"byggde {path}")
        return
    for name, tags in api.template_tags(arbetsyta).items():
        click.echo(f"{name}: {', '.join(tags)}")


@cli.command(context_settings=CONTEXT)
@_workspace_arg
@click.option(
    "-o",
    "--utdata",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Mapp att skriva till (standard: output/ i arbetsytan).",
)
@click.option(
    "--format",
    "formats",
    default="docx,pdf",
    show_default=True,
    help="Vilka format som ska skrivas, kommaseparerat: docx, pdf.",
)
@click.option("-q", "--tyst", "quiet", is_flag=True, help="Skriv bara ut problem.")
@_user_errors
def build(arbetsyta: Path, out_dir: Path | None, formats: str, quiet: bool) -> None:
    """Bygg Word- och PDF-filer för alla ärenden i arbetsytan."""
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in ("docx", "pdf")]
    if unknown or not chosen:
        raise click.BadParameter(
            f"okänt format {', '.join(unknown) or '(tomt)'}; välj docx, pdf eller docx,pdf.",
            param_hint="--format",
        )
    report = api.build(arbetsyta, out_dir=out_dir, formats=chosen)
    _echo_diagnostics(list(report.diagnostics), "text", quiet=True)
    for message in report.messages:
        click.secho(f"beslut: {message}", fg="red", err=True)
    if not quiet:
        counts = {k: sum(1 for o in report.outputs if o.kind == k) for k in ("docx", "pdf")}
        seconds = f"{report.seconds:.1f}".replace(".", ",")
        meetings = len(report.meetings)
        meeting_text = (
            f" och {meetings} {'sammanträde' if meetings == 1 else 'sammanträden'}"
            if meetings
            else ""
        )
        click.echo(
            f"beslut: {len(report.built)} ärenden{meeting_text} byggda ({counts['docx']} docx, "
            f"{counts['pdf']} pdf, {len(report.outputs)} filer) · {seconds} s",
            err=True,
        )
    sys.exit(0 if report.ok else 1)


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
        click.echo("beslut: avbrutet.", err=True)
        sys.exit(130)
    except Exception as exc:
        report = _crash_report(exc)
        click.secho(
            f"beslut: ett oväntat internt fel inträffade ({type(exc).__name__}). "
            f"Detaljerna har sparats i {report}; skicka filen till den som förvaltar beslut.",
            fg="red",
            err=True,
        )
        sys.exit(3)
