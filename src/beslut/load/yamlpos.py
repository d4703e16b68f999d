"""Line-aware YAML loading with ruamel.yaml.

Returns plain Python data plus a map from key path to the (line, column) of each key and value,
so validation errors can point at the exact place in the file, also inside Markdown front matter
(``line_offset`` is added to every line).

Two routes to the same result. The C route (:class:`_CReader`) reads libyaml's events
(``ruamel.yaml.clib``) straight into plain data and positions, every plain value typed by
ruamel's resolver and constructor; it is many times cheaper than the pure route, ruamel's
pure-Python scanner, parser, the refusing ``_Composer`` and round-trip ``_Constructor``. The pure
route reads whatever the C route cannot read exactly as it would: malformed or refused YAML
(so every message, position and code is ruamel's, as before), anything unusual (see
``_CReader``), text libyaml reads differently (``_PURE_ONLY``), and everything when the C parser
is missing. tests/test_yamlpos_fast.py compares the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

try:
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - a dependency on CPython; other Pythons read pure
    _CParser = None

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Located:
    """Where a key and its value start."""

    key: Pos
    value: Pos


@dataclass
class PositionMap:
    """Key path → position of the key and of its value. ``()`` is the document itself."""

    root: Pos
    entries: dict[PathKey, Located] = field(default_factory=dict)

    def find(self, path: PathKey, *, want_key: bool = False) -> Pos:
        """Return the position of the longest existing prefix of ``path``."""
        for end in range(len(path), 0, -1):
            found = self.entries.get(tuple(path[:end]))
            if found is not None:
                if end == len(path):
                    return found.key if want_key else found.value
                return found.key
        return self.root


MAX_DEPTH = 50
"""How deeply lists and groups may nest; real files need fewer than ten levels."""

MAX_VALUES = 20_000
"""Most keys and values (YAML nodes) in one file; the example profile and meeting have under
200. Each one is validated, checked and rendered on its own: 110 000 one-word decision points
(880 kB) took over two minutes and 380 MB to check."""

ALLOWED_TAGS = frozenset(
    {"!"}
    | {
        f"tag:yaml.org,2002:{name}"
        for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
    }
)
"""Explicit tags a file may use (``!!str 12`` and the like); everything else is refused."""

ANCHOR_MESSAGE = (
    "YAML-ankare (&namn), hänvisningar (*namn) och sammanslagningar (<<) stöds inte i beslut: "
    "en fil med hänvisningar i flera led kan växa till miljarder värden. Skriv ut värdet på "
    "varje ställe där det behövs i stället."
)


class YamlSyntaxError(Exception):
    """A YAML text could not be parsed; carries a Swedish explanation and its position."""

    def __init__(self, message: str, pos: Pos, code: str = "yaml-syntax") -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.code = code


class _Refused(YAMLError):
    """Raised while composing: a construct beslut does not accept (anchors, unknown tags)."""

    def __init__(self, message: str, mark: Any, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.code = code


class _Composer(Composer):
    """Refuses anchors, aliases, merge keys and unknown tags before anything is built.

    Aliases are what make a "billion laughs" file explode (every alias is a shared copy that
    later walks visit again and again); nothing a case, meeting or profile needs uses them.
    """

    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise _Refused(ANCHOR_MESSAGE, event.start_mark, "yaml-ankare")
        self.nodes += 1
        if self.nodes > MAX_VALUES:
            raise _Refused(
                f"Filen har fler än {MAX_VALUES} nycklar och värden; beslut läser högst så många "
                "i en fil, och här passeras gränsen. Så många uppgifter behövs inte i ett "
                "ärende, ett sammanträde eller en profil: lägg långa listor och tabeller som en "
                "bilaga (PDF under bilagor:) i stället.",
                event.start_mark,
                "för-många-värden",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and str(tag) not in ALLOWED_TAGS:
            raise _Refused(
                f"Okänd tagg ”{tag}”: beslut läser bara vanlig text, tal, listor och grupper. "
                "Ta bort taggen (det som börjar med !).",
                event.start_mark,
                "okänd-tagg",
            )
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        for key, _ in node.value:
            if getattr(key, "value", None) == "<<" and not getattr(key, "style", None):
                raise _Refused(ANCHOR_MESSAGE, key.start_mark, "yaml-ankare")
        return node


class _Constructor(RoundTripConstructor):
    """Keeps timestamps as text so that impossible dates reach validation, not a crash."""


def _timestamp_as_text(constructor: Any, node: Any) -> str:
    return str(constructor.construct_scalar(node))


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

# ruamel's English problem texts (problem and context joined) → Swedish explanations, first
# match wins. Anything not listed gets PROBLEM_FALLBACK; ruamel's English is never shown.
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), swedish)
    for pattern, swedish in (
        (
            r"found duplicate key",
            "samma nyckel förekommer två gånger i samma grupp. Ta bort eller byt namn på den ena.",
        ),
        (
            r"found unknown escape character '(?P<char>.)'",
            "ett omvänt snedstreck (\\) inom dubbla citattecken följs av ett tecken som inte "
            "kan stå där. Skriv \\\\ för ett snedstreck, eller använd enkla citattecken.",
        ),
        (
            r"expected escape sequence of \d+ hexdecimal numbers",
            "en teckenkod (\\u eller \\x) inom dubbla citattecken är ofullständig. Skriv "
            "tecknet direkt i stället, eller använd enkla citattecken.",
        ),
        (
            r"while scanning a block scalar",
            "tecknet efter | eller > är fel. Skriv bara | (eller >) efter kolonet och texten "
            "indragen på raderna under.",
        ),
        (
            r"while scanning an? (?:anchor|alias)",
            "efter & eller * ska ett namn stå, men ankare och hänvisningar stöds inte i beslut. "
            "Sätt värdet inom citattecken.",
        ),
        (
            r"while (?:scanning|parsing) an? tag",
            "en tagg (det som börjar med !) är ofullständig. Ta bort den, eller sätt värdet inom "
            "citattecken.",
        ),
        (
            r"YAML directive|TAG directive|while scanning a directive",
            "en rad som börjar med % (ett YAML-direktiv) kan inte tolkas. Ta bort raden, eller "
            "sätt texten inom citattecken.",
        ),
        (
            r"sequence entries are not allowed here",
            "ett bindestreck (-) står där det inte kan inleda en listpunkt. Sätt listpunkten på "
            "en egen rad under sin nyckel, eller sätt värdet inom citattecken om - hör till "
            "texten.",
        ),
        (
            r"mapping keys are not allowed here",
            "ett frågetecken (?) står där det inte kan stå. Sätt värdet inom citattecken.",
        ),
        (
            r"mapping values are not allowed",
            "ett kolon står på fel ställe. Sätt värdet inom citattecken om det innehåller ”: ”.",
        ),
        (
            r"but found another document",
            "filen innehåller flera YAML-dokument (en rad med --- eller ... mitt i). En fil är "
            "ett dokument; ta bort raden.",
        ),
        (r"could not find expected ':'", "ett kolon saknas efter nyckeln (skriv nyckel: värde)."),
        (r"found character '\\t'", "tabbtecken är inte tillåtet; använd mellanslag för indrag."),
        (
            r"expected <block end>, but found '-'",
            "en listpunkt (-) står där en nyckel väntades. Ge punkten samma indrag som listans "
            "andra punkter under sin nyckel, eller skriv nyckel: värde.",
        ),
        (
            r"expected <block end>, but found '\?'",
            "en nyckel står där en listpunkt (-) väntades. Börja raden med - , eller ge den samma "
            "indrag som nycklarna ovanför.",
        ),
        (r"expected <block end>", "indraget stämmer inte med raderna ovanför."),
        (
            r"expected '?<document start>",
            "texten kan inte tolkas som nycklar med värden; kontrollera indraget.",
        ),
        (r"unexpected end of stream", "ett citattecken avslutas aldrig."),
        (r"expected ',' or '\]'", "en lista inom [ ] avslutas aldrig med ]."),
        (r"expected ',' or '\}'", "en grupp inom { } avslutas aldrig med }."),
        (
            r"expected the node content, but found '(?:\]|\})'",
            "en ] eller } stänger något som aldrig öppnades. Ta bort tecknet, eller sätt hela "
            "värdet inom citattecken.",
        ),
        (
            r"expected the node content, but found ','",
            "ett värde saknas mellan två kommatecken. Ta bort det ena kommatecknet.",
        ),
        (r"expected the node content", "ett värde saknas."),
        (
            r"found undefined alias",
            "en hänvisning med * pekar på ett ankare (&) som inte finns.",
        ),
        (
            r"found character",
            "ett tecken kan inte inleda ett värde här; sätt värdet inom citattecken.",
        ),
        (r"did not find expected key", "en nyckel saknas eller indraget är fel."),
        (r"did not find expected", "indraget eller skiljetecknen stämmer inte."),
    )
)

PROBLEM_FALLBACK = "texten kunde inte tolkas här. Kontrollera indrag, kolon och citattecken."


def _swedish_problem(exc: MarkedYAMLError) -> str:
    text = f"{exc.problem or ''} {exc.context or ''}"
    for pattern, swedish in _PROBLEMS:
        if pattern.search(text):
            return swedish
    return PROBLEM_FALLBACK


_NO_SPACE_AFTER_COLON = re.compile(r"^\s*(?:- +)?([^\s:#'\"\[{][^:#]*?):(?![\s/])(\S.*)$")
"""A line such as ``rubrik:Text`` (no space after the colon); ``http://`` is left alone."""


def _mark_pos(mark: Any, offset: int) -> Pos:
    return Pos(mark.line + 1 + offset, mark.column + 1)


def _no_space_line(lines: list[str], first: int, last: int) -> tuple[int, int, str] | None:
    """Find a ``nyckel:värde`` line (0-based ``first``..``last``): its index, colon column, key."""
    for index in range(max(first, 0), min(last, len(lines) - 1) + 1):
        match = _NO_SPACE_AFTER_COLON.match(lines[index])
        if match:
            return index, match.end(1) + 1, match.group(1).strip()
    return None


def _located_problem(exc: MarkedYAMLError, text: str, offset: int) -> tuple[str, Pos]:
    """Explain a ruamel error in Swedish and place it where the mistake is, not where the
    parser noticed it (an unclosed [ is noticed on a later line; its context mark is the [)."""
    problem = exc.problem or ""
    context = exc.context or ""
    lines = text.split("\n")
    mark = exc.problem_mark or exc.context_mark
    pos = _mark_pos(mark, offset) if mark else Pos(1 + offset, 1)
    opened = exc.context_mark
    if opened is not None and "flow sequence" in context:
        return (
            "YAML-syntaxfel: hakparentesen [ som börjar här stängs aldrig. Avsluta listan med ], "
            "eller sätt värdet inom citattecken om [ hör till texten.",
            _mark_pos(opened, offset),
        )
    if opened is not None and "flow mapping" in context:
        return (
            "YAML-syntaxfel: klammerparentesen { som börjar här stängs aldrig. Avsluta gruppen "
            "med }, eller sätt värdet inom citattecken om { hör till texten.",
            _mark_pos(opened, offset),
        )
    if opened is not None and "quoted scalar" in context and "end of stream" in problem:
        quote = lines[opened.line][opened.column] if opened.line < len(lines) else '"'
        quote = quote if quote in "\"'" else '"'
        return (
            f"YAML-syntaxfel: citattecknet {quote} som börjar här avslutas aldrig. Lägg till "
            f"ett avslutande {quote} efter texten.",
            _mark_pos(opened, offset),
        )
    if "duplicate key" in problem and exc.problem_mark is not None:
        key_pos = _mark_pos(exc.problem_mark, offset)
        line = lines[exc.problem_mark.line] if exc.problem_mark.line < len(lines) else ""
        key = line[exc.problem_mark.column :].split(":", 1)[0].strip()
        first = next(
            (
                number + 1 + offset
                for number in range(
                    exc.context_mark.line if exc.context_mark else 0, exc.problem_mark.line
                )
                if lines[number][exc.problem_mark.column :].split(":", 1)[0].strip() == key
                and lines[number][: exc.problem_mark.column].strip(" -") == ""
            ),
            None,
        )
        where = f" (första gången på rad {first})" if first is not None else ""
        return (
            f"YAML-syntaxfel: nyckeln ”{key}” förekommer två gånger i samma grupp{where}. "
            "Ta bort den ena eller byt namn på den.",
            key_pos,
        )
    if ("expected ':'" in problem or "mapping values" in problem) and mark is not None:
        start = exc.context_mark.line if exc.context_mark is not None else mark.line - 2
        found = _no_space_line(lines, start, mark.line)
        if found is not None:
            index, column, key = found
            return (
                f"YAML-syntaxfel: mellanslag saknas efter kolon. Skriv ”{key}: …” med ett "
                "mellanslag efter kolonet (eller sätt hela värdet inom citattecken).",
                Pos(index + 1 + offset, column),
            )
    if "mapping values" in problem and mark is not None and 0 < mark.line < len(lines):
        here, above = lines[mark.line], lines[mark.line - 1]
        indent = len(here) - len(here.lstrip(" "))
        if (
            above.strip()
            and not above.rstrip().endswith(":")
            and indent > len(above) - len(above.lstrip(" "))
        ):
            return (
                "YAML-syntaxfel: raden är mer indragen än raden ovanför. Ge nycklar i samma "
                "grupp samma indrag.",
                Pos(mark.line + 1 + offset, indent + 1),
            )
    if "escape" in problem and exc.problem_mark is not None:
        line = lines[mark.line] if mark.line < len(lines) else ""
        backslash = line.rfind("\\", 0, mark.column + 1)
        if backslash >= 0:  # point at the backslash, not the character after it
            pos = Pos(mark.line + 1 + offset, backslash + 1)
    if "but found '<scalar>'" in problem and exc.problem_mark is not None:
        line = lines[mark.line] if mark.line < len(lines) else ""
        before = line[: mark.column].rstrip()
        if before.endswith(("'", '"')) and before.count(before[-1]) >= 2:
            return (
                "YAML-syntaxfel: text står efter det avslutande citattecknet. Sätt hela värdet "
                "inom citattecken, eller ta bort citattecknen.",
                pos,
            )
    if "expected <block end>" in problem and "block sequence start" in problem:
        return (
            "YAML-syntaxfel: listpunkten (-) har ett annat indrag än raderna ovanför. Ge alla "
            "punkter i samma lista samma indrag, med mellanslag.",
            pos,
        )
    return f"YAML-syntaxfel: {_swedish_problem(exc)}", pos


def _plain(node: Any, path: PathKey, positions: PositionMap, offset: int) -> Any:
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key in node:
            child = (*path, str(key))
            kl, kc = node.lc.key(key)
            vl, vc = node.lc.value(key)
            positions.entries[child] = Located(
                Pos(kl + 1 + offset, kc + 1), Pos(vl + 1 + offset, vc + 1)
            )
            result[str(key)] = _plain(node[key], child, positions, offset)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            child = (*path, index)
            il, ic = node.lc.item(index)
            pos = Pos(il + 1 + offset, ic + 1)
            positions.entries[child] = Located(pos, pos)
            items.append(_plain(item, child, positions, offset))
        return items
    return plain_scalar(node)


def plain_scalar(node: Any) -> Any:
    """A scalar of round-trip data as the loader hands it on: plain bool, int, float, str
    (ruamel's subclasses keep formatting we do not want past this point)."""
    if isinstance(node, TaggedScalar):  # !!str 12: the only tag that keeps its node
        return "" if node.value is None else str(node.value)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


_PURE_ONLY = re.compile(r"[\t\ufeff\x85\u2028\u2029]|^%", re.MULTILINE)
"""Text the C route leaves to the pure one because libyaml reads it differently from ruamel
(tests/test_yamlpos_fast.py shows each): tabs (ruamel refuses some that libyaml accepts), a
byte-order mark (ruamel keeps a second one as text), the Unicode line breaks NEL, LS and PS
(YAML 1.1 line breaks to libyaml, text to ruamel's YAML 1.2) and ``%`` directives (a ``%YAML``
version changes how values resolve). Content as read (``load.source.read_text``) has none of
them except, rarely, a tab inside a text."""


class _Unusual(Exception):
    """Something the C route leaves to ruamel's pure route (see :func:`_read_c`)."""


_STR_TAG = "tag:yaml.org,2002:str"
_TYPED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)


class _Scalars:
    """ruamel's resolver and round-trip constructor for the C route's plain scalars: what a
    plain value is (text, number, yes/no, date, nothing) and its value, exactly as the pure
    route decides it. Like ruamel's own ``XLoader`` for its C parser, it is the loader through
    which the resolver and the constructor find each other."""

    yaml_version = None
    """Asked through ``_scanner`` by the resolver: no ``%YAML`` reaches this route (YAML 1.2)."""
    comment_handling = None

    def __init__(self) -> None:
        self._scanner = self
        self._resolver = VersionedResolver(loader=self)
        self._constructor = _Constructor(loader=self)

    def tag(self, value: str) -> str:
        return str(self._resolver.resolve(ScalarNode, value, (True, False)))

    def value(self, tag: str, value: str, mark: Any) -> Any:
        node = ScalarNode(Tag(suffix=tag), value, mark, mark)
        return plain_scalar(self._constructor.construct_object(node))


class _CReader:
    """Plain data and positions straight from libyaml's events (``ruamel.yaml.clib``).

    ruamel's round-trip composer and constructor, which the pure route uses, build nodes and
    comment-keeping objects that :func:`_plain` then copies into plain data; here the same data
    and positions come from the events directly, every plain scalar typed and valued by ruamel
    (:class:`_Scalars`). Everything this reader does not read exactly as the pure route raises
    :class:`_Unusual`: anchors and aliases, explicit tags, empty nodes (libyaml places
    ``nyckel:`` with nothing after it elsewhere than ruamel), keys that are lists or groups,
    repeated keys, merge keys, more documents, and the limits (``MAX_DEPTH``, counted as the
    composer counts, and ``MAX_VALUES``). The pure route then reads the text and refuses or
    reports what it must."""

    def __init__(self, text: str, offset: int) -> None:
        assert _CParser is not None
        self.parser = _CParser(text)
        self.offset = offset
        self.positions = PositionMap(root=Pos(1 + offset, 1))
        self.nodes = 0
        self.scalars: _Scalars | None = None

    def read(self) -> Any:
        get = self.parser.get_event
        get()  # stream start
        event = get()
        if type(event) is StreamEndEvent:
            return None
        if event.version is not None or event.tags:
            raise _Unusual
        data = self.node(get(), 1, ())
        get()  # document end
        if type(get()) is not StreamEndEvent:
            raise _Unusual
        return data

    def pos(self, mark: Any) -> Pos:
        return Pos(mark.line + 1 + self.offset, mark.column + 1)

    def node(self, event: Any, depth: int, path: PathKey) -> Any:
        kind = type(event)
        if kind is AliasEvent or event.anchor is not None or event.ctag is not None:
            raise _Unusual
        self.nodes += 1
        if self.nodes > MAX_VALUES or depth > MAX_DEPTH:
            raise _Unusual
        if kind is ScalarEvent:
            return self.scalar(event)
        get = self.parser.get_event
        entries = self.positions.entries
        if kind is SequenceStartEvent:
            items: list[Any] = []
            child = get()
            while type(child) is not SequenceEndEvent:
                at = (*path, len(items))
                pos = self.pos(child.start_mark)
                entries[at] = Located(pos, pos)
                items.append(self.node(child, depth + 1, at))
                child = get()
            return items
        if kind is not MappingStartEvent:
            raise _Unusual
        result: dict[str, Any] = {}
        keys: set[Any] = set()
        key_event = get()
        while type(key_event) is not MappingEndEvent:
            if type(key_event) is not ScalarEvent:
                raise _Unusual
            key = self.node(key_event, depth + 1, path)
            name = str(key)
            if key in keys or name in result or (name == "<<" and not key_event.style):
                raise _Unusual
            keys.add(key)
            value_event = get()
            at = (*path, name)
            entries[at] = Located(self.pos(key_event.start_mark), self.pos(value_event.start_mark))
            result[name] = self.node(value_event, depth + 1, at)
            key_event = get()
        return result

    def scalar(self, event: Any) -> Any:
        value: str = event.value
        if event.style:  # quoted, | or >: text
            return value
        if not value:  # plain text is never empty: an empty node
            raise _Unusual
        if self.scalars is None:
            self.scalars = _Scalars()
        tag = self.scalars.tag(value)
        if tag == _STR_TAG:
            return value
        if tag not in _TYPED_TAGS:  # the merge key <<, and the like
            raise _Unusual
        return self.scalars.value(tag, value, event.start_mark)


def _read_c(text: str, offset: int) -> tuple[Any, PositionMap]:
    """Plain data and positions by libyaml (:class:`_CReader`); raises where the pure route
    must read instead."""
    if _CParser is None:
        raise _Unusual
    reader = _CReader(text, offset)
    try:
        return reader.read(), reader.positions
    finally:
        reader.parser.dispose()


def _parse_pure(text: str) -> Any:
    """Round-trip data from ruamel's pure-Python reader, scanner and parser."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    yaml.max_depth = MAX_DEPTH
    return yaml.load(text)


def load(text: str, *, line_offset: int = 0) -> tuple[Any, PositionMap]:
    """Parse YAML text; return plain data and the position map (lines shifted by offset)."""
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise YamlSyntaxError(
                "Tabbtecken används för indrag; YAML kräver mellanslag. Byt tabben mot mellanslag.",
                Pos(number + line_offset, indent.index("\t") + 1),
            )
    if _CParser is not None and _PURE_ONLY.search(text) is None:
        try:
            return _read_c(text, line_offset)
        except Exception:  # malformed, refused or unusual: the pure route reads, says where
            pass
    try:
        data = _parse_pure(text)
    except _Refused as exc:
        mark = exc.mark
        raise YamlSyntaxError(
            exc.message, Pos(mark.line + 1 + line_offset, mark.column + 1), exc.code
        ) from None
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1 + line_offset, mark.column + 1) if mark else Pos(1 + line_offset, 1)
        raise YamlSyntaxError(
            f"Listorna och grupperna är nästlade i mer än {MAX_DEPTH} nivåer. Så djupt nästlade "
            "uppgifter behövs aldrig; kontrollera hakparenteser, klammerparenteser och indrag.",
            pos,
            "för-djup-nästling",
        ) from None
    except ReaderError as exc:
        # Normally caught before parsing (load.control_characters); kept as a safety net.
        char = (
            exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
        )
        before = text[: int(exc.position or 0)]
        raise YamlSyntaxError(
            f"Filen innehåller ett otillåtet tecken (U+{char:04X}). Ta bort det.",
            Pos(before.count("\n") + 1 + line_offset, len(before) - before.rfind("\n")),
            "otillåtet-tecken",
        ) from None
    except MarkedYAMLError as exc:
        message, pos = _located_problem(exc, text, line_offset)
        raise YamlSyntaxError(message, pos) from None
    positions = PositionMap(root=Pos(1 + line_offset, 1))
    return _plain(data, (), positions, line_offset), positions
