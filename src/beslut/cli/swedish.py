"""Swedish for everything click prints: help headings, its errors and "Aborted!".

click wraps each of its texts in the standard library's ``gettext``/``ngettext``, imported into
each click module as ``_`` and ``ngettext``. Installing a compiled ``.mo`` catalogue for the
default gettext domain would depend on the user's locale variables (``LANGUAGE``, ``LANG``) and
would translate every other library that uses the default domain too. Instead :func:`install`
points the ``_`` and ``ngettext`` names of click's modules at :class:`SwedishCatalog`, a
dictionary catalogue that answers the same way whatever the locale. Texts click does not pass
through gettext (``[OPTIONS]``, ``COMMAND [ARGS]...``, the type names in ``--fil FILE``) are set
by the command classes in :mod:`beslut.cli.main`. A test compares the catalogue with every text
in the installed click, so a click upgrade with new texts fails the test suite rather than
printing English.
"""

from __future__ import annotations

import gettext
import importlib
import sys

#: click's message id → the Swedish text (same ``{placeholders}``).
MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "env var: {var}": "miljövariabel: {var}",
    "default: {default}": "standard: {default}",
    "required": "krävs",
    "(dynamic)": "(dynamiskt)",
    "deprecated": "föråldrad",
    "Do you want to continue?": "Vill du fortsätta?",
    "Confirm the action without prompting.": "Bekräfta utan att fråga.",
    # errors
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för hjälp.",
    "Aborted!": "beslut: avbrutet.",
    "Missing command.": "Kommando saknas.",
    "No such command {name!r}.": "Kommandot {name!r} finns inte.",
    "No such option {name!r}.": "Flaggan {name!r} finns inte.",
    "Missing argument": "Saknat argument",
    "Missing option": "Saknad flagga",
    "Missing parameter": "Saknad parameter",
    "Missing parameter: {param_name}": "Parameter saknas: {param_name}",
    "Missing {param_type}": "{param_type} saknas",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Flaggan {name!r} tar inget värde.",
    "Argument {name!r} takes {nargs} values.": "Argumentet {name!r} tar {nargs} värden.",
    "Invalid start character for option ({option})": "Ogiltigt första tecken i flaggan ({option})",
    "Value must be an iterable.": "Värdet måste vara en följd av värden.",
    "unknown error": "okänt fel",
    "Could not open file {filename!r}: {message}": "Kunde inte öppna filen {filename!r}: {message}",
    "Choose from:\n\t{choices}": "Välj bland:\n\t{choices}",
    "Choice({choices})": "Val({choices})",
    "{value} is not in the range {range}.": "{value} ligger inte i intervallet {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} är inte ett sanningsvärde. Giltiga värden: {states}"
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt {number_type}.",
    "{value!r} is not a valid UUID.": "{value!r} är inte ett giltigt UUID.",
    "file": "filen",
    "directory": "mappen",
    "path": "sökvägen",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} går inte att läsa.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} går inte att skriva till.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} går inte att köra.",
    # prompts and terminal helpers
    "Press any key to continue...": "Tryck på valfri tangent för att fortsätta …",
    "Repeat for confirmation": "Upprepa för att bekräfta",
    "Error: The two entered values do not match.": "Fel: De två värdena är inte lika.",
    "Error: invalid input": "Fel: ogiltig inmatning",
    "Unknown color {colour!r}": "Okänd färg {colour!r}",
    "Unknown standard stream '{name}'": "Okänd standardström '{name}'",
    "{editor}: Editing failed": "{editor}: redigeringen misslyckades",
    "{editor}: Editing failed: {e}": "{editor}: redigeringen misslyckades: {e}",
    "Windows error: {error}": "Windowsfel: {error}",
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Komplettering i skalet fungerar inte i Bash äldre än 4.4."
    ),
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Kunde inte avgöra Bash-versionen; komplettering i skalet fungerar inte."
    ),
    # mistakes in the program itself (shown only to beslut's developers)
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Varning: kommandot {name!r} är föråldrat.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Varning: {param_type} {name!r} är föråldrad.{extra_message}"
    ),
    "Could not determine name for option with declarations {decls!r}": (
        "Kunde inte avgöra namnet på flaggan {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": (
        "Inga flaggor angivna men ett namn ({name}). Menade du ett argument eller '--{name}'?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Ett argument har exakt ett namn, men fick {length}: {decls}."
    ),
    "Name '{name}' defined twice": "Namnet '{name}' är angivet två gånger",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "Flaggan {decl!r} kan inte använda samma namn för sant och falskt."
    ),
}

#: click's (singular, plural) message ids → the Swedish (singular, plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Oväntat extra argument ({args})",
        "Oväntade extra argument ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Tar {nargs} värden men fick 1.",
        "Tar {nargs} värden men fick {len}.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Menade du {possibility}?",
        "(Menade du någon av: {possibilities}?)",
    ),
    (
        "Option {name!r} requires an argument.",
        "Option {name!r} requires {nargs} arguments.",
    ): (
        "Flaggan {name!r} behöver ett värde.",
        "Flaggan {name!r} behöver {nargs} värden.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} är inte {choice}.",
        "{value!r} är inte något av {choices}.",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        "{value!r} följer inte formatet {format}.",
        "{value!r} följer inte något av formaten {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} värden krävs, men {len_value} angavs.",
        "{len_type} värden krävs, men {len_value} angavs.",
    ),
}

#: click's modules that import ``gettext as _`` (and ``ngettext``).
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)


class SwedishCatalog(gettext.NullTranslations):
    """A gettext catalogue from :data:`MESSAGES` and :data:`PLURALS`; unknown ids pass through."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        pair = PLURALS.get((msgid1, msgid2))
        if pair is None:
            return msgid1 if n == 1 else msgid2
        return pair[0] if n == 1 else pair[1]


CATALOG = SwedishCatalog()


def install() -> None:
    """Make click speak Swedish (idempotent; call before click's decorators run)."""
    names = CLICK_MODULES + (("click._winconsole",) if sys.platform == "win32" else ())
    for name in names:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module missing on this platform or click version
            continue
        if hasattr(module, "_"):
            module._ = CATALOG.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = CATALOG.ngettext  # type: ignore[attr-defined]
