"""A form for a case, generated from the same pydantic models as the JSON Schema.

:func:`case_form` walks :class:`beslut.model.models.Case` (the model ``beslut check`` validates
against and ``beslut schema`` exports) and builds a tree of form nodes: every field with its
Swedish key as label and its description as help; text, date, number, select (enums), checkbox
(yes/no), fieldsets for nested models and repeatable rows for lists. Values the form cannot
show as fields (table rows, dictionaries) get a small YAML text box. Field names are dotted key
paths (``förslag.block.0.beslutspunkter.1.punkt``), the same paths diagnostics are mapped to.

:func:`parse_case_form` reads a submitted form back into plain data, driven by the same model:
list items in the order they were submitted (so rows can be moved without renaming fields),
empty optional fields dropped, and keys the model does not know kept from the file.

:func:`model_form` and :func:`parse_model_form` do the same for any model with a key prefix:
the meeting page uses them for the Meeting model and each AgendaItem (``ärenden.3.rubrik``).

The HTML is written here rather than in a Jinja macro because the tree is recursive and each
node needs its diagnostics and ids; every text goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Union, get_args, get_origin

from markupsafe import Markup
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from beslut.diagnostics import Diagnostic, Level
from beslut.model.models import Case, DecisionPoint

__all__ = [
    "FormField",
    "FormGroup",
    "FormList",
    "Node",
    "case_form",
    "dom_id",
    "field_paths",
    "model_form",
    "parse_case_form",
    "parse_model_form",
    "render_form",
]

BODY_FIELD = "brödtext"
"""The form field (and diagnostic target) of a Markdown case's body."""
ROW_MARK = "_rad"
"""A hidden input in every list row, so a row whose fields are all empty still counts."""
YAML_SUFFIX = ".__yaml"
"""Suffix of a field written as YAML (values the form has no fields for)."""
_TEXTAREA_OVER = 300
"""Text fields that may hold more characters than this get a text area."""
_SKIP_IN_MARKDOWN = ("text",)
"""Keys of a Markdown case that the form leaves out (its body is in the Markdown editor)."""
_YES = "ja"
_NO = "nej"

Kind = Literal["text", "textarea", "date", "number", "select", "checkbox", "yesno", "yaml"]


@dataclass
class FormField:
    """One input: ``path`` is its dotted key path and form name."""

    path: str
    label: str
    help: str
    kind: Kind
    value: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    checked: bool = False


@dataclass
class FormGroup:
    """A nested model, shown as a fieldset."""

    path: str
    label: str
    help: str
    children: list[Node] = field(default_factory=list)


@dataclass
class FormList:
    """A list whose rows can be added, removed and moved; ``template`` is an empty row with
    the index placeholder ``__i<depth>__``."""

    path: str
    label: str
    help: str
    items: list[Node]
    template: Node
    depth: int
    item_label: str


Node = FormField | FormGroup | FormList


# ----------------------------------------------------------------------------------------------
# Types


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Annotated and Optional; return (type, optional)."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) < len(get_args(annotation)):
                optional = True
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, optional


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _row_type(item: Any) -> bool:
    """True when list rows of this type get their own fields (else the list is YAML)."""
    item_type, _ = _unwrap(item)
    return (
        item_type in (str, int, dt.date)
        or _is_model(item_type)
        or (isinstance(item_type, type) and issubclass(item_type, enum.Enum))
    )


def _list_item(annotation: Any) -> Any | None:
    """The item type of ``tuple[X, ...]`` or ``list[X]``, else None."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    if origin is list and args:
        return args[0]
    return None


def _one_or_more(info: FieldInfo) -> bool:
    """A field that accepts one item written as a group as well as a list (handläggare)."""
    return any(
        getattr(getattr(m, "func", None), "__name__", "") == "_one_or_more" for m in info.metadata
    )


def _max_length(info: FieldInfo) -> int | None:
    for meta in info.metadata:
        value = getattr(meta, "max_length", None)
        if isinstance(value, int):
            return value
    return None


def _title(key: str) -> str:
    text = " ".join("LIX" if word == "lix" else word for word in key.lstrip("$").split("_"))
    return text[:1].upper() + text[1:]


def _key(name: str, info: FieldInfo) -> str:
    return info.alias or name


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES if value else _NO
    return str(value)


def _yaml_text(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return ""
    import io

    yaml = YAML(typ="safe")
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(_plain_for_yaml(value), out)
    return out.getvalue()


def _plain_for_yaml(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain_for_yaml(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_for_yaml(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _placeholder(depth: int) -> str:
    return f"__i{depth}__"


# ----------------------------------------------------------------------------------------------
# Building the tree


def case_form(
    data: Mapping[str, Any],
    *,
    markdown: bool = True,
    choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> list[Node]:
    """Return the form nodes of a case's front matter (plain data).

    ``choices`` turns top-level text fields into selects (``instans`` → the profile's organs,
    as (value, text)); a value the file has that is not a choice stays selectable.
    """
    return model_form(Case, data, skip=_SKIP_IN_MARKDOWN if markdown else (), choices=choices)


def model_form(
    model: type[BaseModel],
    data: Any,
    *,
    prefix: str = "",
    skip: Sequence[str] = (),
    choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> list[Node]:
    """Return the form nodes of any model's data (a case, a meeting, one agenda item).

    Field names start with ``prefix`` (``ärenden.3.`` for a meeting's fourth item), so they are
    the key paths diagnostics point at. Keys in ``skip`` get no field (the parser keeps their
    values from the file). ``choices`` as for :func:`case_form`, by full path.
    """
    nodes = _model_nodes(model, data, prefix, 0, skip=skip)
    for node in nodes:
        options = (choices or {}).get(node.path)
        if isinstance(node, FormField) and node.kind == "text" and options:
            listed = tuple((value, text) for value, text in options)
            if node.value not in {value for value, _ in listed}:
                listed = ((node.value, node.value or "(välj)"), *listed)
            node.kind = "select"
            node.options = listed
    return nodes


def _model_nodes(
    model: type[BaseModel],
    data: Any,
    prefix: str,
    depth: int,
    skip: Sequence[str] = (),
) -> list[Node]:
    values = data if isinstance(data, Mapping) else {}
    nodes: list[Node] = []
    for name, info in model.model_fields.items():
        key = _key(name, info)
        if key in skip:
            continue
        path = f"{prefix}{key}"
        nodes.append(_node(info, key, values.get(key), path, depth))
    return nodes


def _node(info: FieldInfo, key: str, value: Any, path: str, depth: int) -> Node:
    annotation, optional = _unwrap(info.annotation)
    label = _title(key)
    help_text = info.description or ""
    required = info.is_required()
    item = _list_item(annotation)
    if item is not None and _row_type(item):
        if _one_or_more(info) and isinstance(value, Mapping):
            value = [value]
        return _list_node(item, value, path, label, help_text, depth)
    if item is not None:
        annotation = object  # rows of cells and the like: one YAML box for the whole list
    return _single(annotation, optional, required, info, value, path, label, help_text, depth)


def _single(
    annotation: Any,
    optional: bool,
    required: bool,
    info: FieldInfo | None,
    value: Any,
    path: str,
    label: str,
    help_text: str,
    depth: int,
) -> Node:
    if annotation is DecisionPoint:
        return _point_group(value, path, label, help_text, depth)
    if _is_model(annotation):
        doc = help_text or (annotation.__doc__ or "").strip().splitlines()[0]
        return FormGroup(path, label, doc, _model_nodes(annotation, value, f"{path}.", depth))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        options = tuple((str(m.value), str(m.value)) for m in annotation)
        if optional or not required:
            options = (("", "(standard)"), *options)
        return FormField(path, label, help_text, "select", _text(value), required, options)
    if get_origin(annotation) is Literal:
        options = tuple((str(a), str(a)) for a in get_args(annotation))
        return FormField(path, label, help_text, "select", _text(value), required, options)
    if annotation is bool:
        if optional:
            options = (("", "(standard)"), (_YES, "Ja"), (_NO, "Nej"))
            shown = "" if value is None else (_YES if _truthy(value) else _NO)
            return FormField(path, label, help_text, "yesno", shown, required, options)
        return FormField(path, label, help_text, "checkbox", "", required, checked=_truthy(value))
    if annotation is dt.date:
        return FormField(path, label, help_text, "date", _text(value), required)
    if annotation is int:
        return FormField(path, label, help_text, "number", _text(value), required)
    if annotation is str:
        limit = _max_length(info) if info is not None else None
        kind: Kind = "textarea" if limit is not None and limit > _TEXTAREA_OVER else "text"
        if isinstance(value, str) and "\n" in value.strip():
            kind = "textarea"
        return FormField(path, label, help_text, kind, _text(value), required)
    help_yaml = (help_text + " " if help_text else "") + "Skrivs som YAML, som i filen."
    return FormField(path + YAML_SUFFIX, label, help_yaml, "yaml", _yaml_text(value), required)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in ("ja", "true", "yes")
    return bool(value)


def _list_node(
    item: Any, value: Any, path: str, label: str, help_text: str, depth: int
) -> FormList:
    item_type, _ = _unwrap(item)
    values = list(value) if isinstance(value, list | tuple) else []
    item_label = _item_label(item_type, label)

    def row(index: str, item_value: Any) -> Node:
        row_path = f"{path}.{index}"
        return _single(
            item_type, False, True, None, item_value, row_path, item_label, "", depth + 1
        )

    items = [row(str(i), v) for i, v in enumerate(values)]
    template = row(_placeholder(depth), None)
    return FormList(path, label, help_text, items, template, depth, item_label)


def _item_label(item_type: Any, label: str) -> str:
    if item_type is DecisionPoint:
        return "Beslutspunkt"
    if _is_model(item_type):
        title = item_type.model_config.get("title")
        if isinstance(title, str):
            return title
    return label


def _point_group(value: Any, path: str, label: str, help_text: str, depth: int) -> FormGroup:
    """A decision point: its text, and a list under it (written as text when it has none)."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = {"punkt": str(value)}
    return FormGroup(path, label, help_text, _model_nodes(DecisionPoint, value, f"{path}.", depth))


# ----------------------------------------------------------------------------------------------
# Paths and ids


def dom_id(path: str) -> str:
    """The HTML id of a field (``f-`` and the path with ``-`` for ``.``)."""
    return "f-" + path.removesuffix(YAML_SUFFIX).replace(".", "-")


def readable(path: str) -> str:
    """A field's path as a person reads it: ``handläggare.0.namn`` → ``Handläggare 1 › Namn``,
    ``brödtext:Bakgrund`` → ``Brödtext, avsnittet Bakgrund``."""
    path, _, section = path.removesuffix(YAML_SUFFIX).partition(":")
    words: list[str] = []
    for part in path.split("."):
        if part.isdigit() and words:
            words[-1] = f"{words[-1]} {int(part) + 1}"
        elif part:
            words.append(_title(part))
    text = " › ".join(words)
    return f"{text}, avsnittet {section}" if section else text


def field_paths(nodes: Iterable[Node]) -> set[str]:
    """Every path the form shows (fields, fieldsets and lists; YAML boxes without suffix)."""
    found: set[str] = set()
    for node in nodes:
        found.add(node.path.removesuffix(YAML_SUFFIX))
        if isinstance(node, FormGroup):
            found |= field_paths(node.children)
        elif isinstance(node, FormList):
            found |= field_paths(node.items)
    return found


def target_path(path: str, known: set[str]) -> str | None:
    """The shown field a diagnostic at ``path`` belongs to: the path itself, its decision
    point's text, its one-item list's row, or the nearest shown parent."""
    for candidate in (path, f"{path}.punkt"):
        if candidate in known:
            return candidate
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        head = ".".join(parts[:end])
        rest = parts[end:]
        if head in known:
            # a list written as one group (handläggare: {namn: …}) is row 0 in the form
            with_row = ".".join([head, "0", *rest])
            if rest and with_row in known:
                return with_row
            return head
    return None


# ----------------------------------------------------------------------------------------------
# Rendering


def render_form(
    nodes: Sequence[Node],
    diagnostics: Mapping[str, Sequence[Diagnostic]],
    *,
    fold_empty: bool = False,
) -> Markup:
    """Return the HTML of the form's fields; ``diagnostics`` by target path.

    With ``fold_empty``, optional fields the file leaves empty go last, into a closed
    "Fler uppgifter" section (open when one of them has a diagnostic), so a case shows first
    what it has.
    """
    if not fold_empty:
        return Markup("").join(_render(node, diagnostics) for node in nodes)
    shown = [n for n in nodes if not _foldable(n)]
    folded = [n for n in nodes if _foldable(n)]
    html = Markup("").join(_render(node, diagnostics) for node in shown)
    if folded:
        paths = field_paths(folded)
        is_open = any(path in diagnostics for path in paths)
        html += Markup(
            '<details class="more-fields"{open}><summary>Fler uppgifter (valfria, tomma nu): '
            "{names}</summary>{fields}</details>"
        ).format(
            open=Markup(" open") if is_open else Markup(""),
            names=", ".join(n.label.lower() for n in folded),
            fields=Markup("").join(_render(node, diagnostics) for node in folded),
        )
    return html


def _foldable(node: Node) -> bool:
    if isinstance(node, FormField):
        return not node.required and _blank(node)
    return _blank(node)


def _blank(node: Node) -> bool:
    """Nothing filled in (an optional group such as ansvarig counts as empty)."""
    if isinstance(node, FormField):
        return not node.value and not node.checked
    if isinstance(node, FormList):
        return not node.items
    return all(_blank(child) for child in node.children)


def _messages(path: str, diagnostics: Mapping[str, Sequence[Diagnostic]]) -> tuple[Markup, bool]:
    found = diagnostics.get(path, ())
    if not found:
        return Markup(""), False
    lines = Markup("").join(
        Markup(
            '<li class="diagnostic {cls}">{level}: {msg} <span class="code">[{code}]</span></li>'
        ).format(
            cls="fel" if d.level == Level.ERROR else "varning",
            level="Fel" if d.level == Level.ERROR else "Varning",
            msg=d.message,
            code=d.code,
        )
        for d in found
    )
    has_error = any(d.level == Level.ERROR for d in found)
    return (
        Markup('<ul class="field-messages" id="{id}-fel">{lines}</ul>').format(
            id=dom_id(path), lines=lines
        ),
        has_error,
    )


def _help(path: str, text: str) -> Markup:
    if not text:
        return Markup("")
    return Markup('<p class="help" id="{id}-hjalp">{text}</p>').format(id=dom_id(path), text=text)


def _describedby(path: str, help_text: str, messages: Markup) -> Markup:
    ids = []
    if help_text:
        ids.append(f"{dom_id(path)}-hjalp")
    if messages:
        ids.append(f"{dom_id(path)}-fel")
    if not ids:
        return Markup("")
    return Markup(' aria-describedby="{ids}"').format(ids=" ".join(ids))


def _render(node: Node, diagnostics: Mapping[str, Sequence[Diagnostic]]) -> Markup:
    if isinstance(node, FormField):
        return _render_field(node, diagnostics)
    if isinstance(node, FormGroup):
        messages, _ = _messages(node.path, diagnostics)
        return Markup(
            '<fieldset class="group" id="{id}" data-path="{path}"{described}>'
            "<legend>{label}</legend>{help}{messages}{children}</fieldset>"
        ).format(
            id=dom_id(node.path),
            path=node.path,
            described=_describedby(node.path, node.help, messages),
            label=node.label,
            help=_help(node.path, node.help),
            messages=messages,
            children=render_form(node.children, diagnostics),
        )
    return _render_list(node, diagnostics)


def _render_list(node: FormList, diagnostics: Mapping[str, Sequence[Diagnostic]]) -> Markup:
    messages, _ = _messages(node.path, diagnostics)
    rows = Markup("").join(_row(node, item, diagnostics) for item in node.items)
    template = _row(node, node.template, {})
    return Markup(
        '<fieldset class="list" id="{id}" data-path="{path}" data-depth="{depth}"{described}>'
        "<legend>{label}</legend>{help}{messages}"
        '<ol class="rows">{rows}</ol>'
        "<template>{template}</template>"
        '<button type="button" class="secondary add-row">Lägg till: {item}</button>'
        "</fieldset>"
    ).format(
        id=dom_id(node.path),
        path=node.path,
        depth=node.depth,
        described=_describedby(node.path, node.help, messages),
        label=node.label,
        help=_help(node.path, node.help),
        messages=messages,
        rows=rows,
        template=template,
        item=node.item_label.lower() if node.item_label[1:2].islower() else node.item_label,
    )


def _row(node: FormList, item: Node, diagnostics: Mapping[str, Sequence[Diagnostic]]) -> Markup:
    row_path = item.path.removesuffix(YAML_SUFFIX)
    return Markup(
        '<li class="row" data-path="{path}">'
        '<input type="hidden" name="{path}.{mark}" value="1">'
        "{content}"
        '<div class="row-buttons" role="group" aria-label="Flytta eller ta bort">'
        '<button type="button" class="secondary move-up">Flytta upp</button>'
        '<button type="button" class="secondary move-down">Flytta ned</button>'
        '<button type="button" class="secondary remove-row">Ta bort</button>'
        "</div></li>"
    ).format(path=row_path, mark=ROW_MARK, content=_render(item, diagnostics))


def _render_field(node: FormField, diagnostics: Mapping[str, Sequence[Diagnostic]]) -> Markup:
    target = node.path.removesuffix(YAML_SUFFIX)
    messages, has_error = _messages(target, diagnostics)
    ident = dom_id(node.path)
    attrs = Markup('id="{id}" name="{name}"{described}{invalid}{required}').format(
        id=ident,
        name=node.path,
        described=_describedby(target, node.help, messages),
        invalid=Markup(' aria-invalid="true"') if has_error else Markup(""),
        required=Markup(' aria-required="true"') if node.required else Markup(""),
    )
    if node.kind in ("select", "yesno"):
        options = Markup("").join(
            Markup('<option value="{v}"{sel}>{t}</option>').format(
                v=v, t=t, sel=Markup(" selected") if v == node.value else Markup("")
            )
            for v, t in node.options
        )
        control = Markup("<select {attrs}>{options}</select>").format(attrs=attrs, options=options)
    elif node.kind == "checkbox":
        control = Markup('<input type="checkbox" value="ja" {attrs}{checked}>').format(
            attrs=attrs, checked=Markup(" checked") if node.checked else Markup("")
        )
    elif node.kind in ("textarea", "yaml"):
        rows = 6 if node.kind == "yaml" else 4
        # the newline after the opening tag is dropped by HTML parsing; a value's own
        # leading newline stays
        control = Markup('<textarea rows="{rows}" {attrs}>\n{value}</textarea>').format(
            rows=rows, attrs=attrs, value=node.value
        )
    else:
        kind = {"text": "text", "date": "date", "number": "number"}[node.kind]
        control = Markup('<input type="{kind}" value="{value}" {attrs}>').format(
            kind=kind, value=node.value, attrs=attrs
        )
    css = "field checkbox" if node.kind == "checkbox" else "field"
    if has_error:
        css += " has-error"
    return Markup(
        '<div class="{css}" data-path="{path}"><label for="{id}">{label}{req}</label>'
        "{control}{help}{messages}</div>"
    ).format(
        css=css,
        path=target,
        id=ident,
        label=node.label,
        req=Markup(' <span class="req">(krävs)</span>') if node.required else Markup(""),
        control=control,
        help=_help(target, node.help),
        messages=messages,
    )


# ----------------------------------------------------------------------------------------------
# Parsing a submitted form


class FormData(typing.Protocol):
    """What the parser needs of a submitted form (Starlette's FormData has it)."""

    def multi_items(self) -> list[tuple[str, Any]]: ...


@dataclass(frozen=True)
class _Submitted:
    values: dict[str, str]
    order: list[str]
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(path, Swedish message) of fields that could not be read."""

    def has_prefix(self, prefix: str) -> bool:
        return any(k == prefix or k.startswith(prefix + ".") for k in self.values)

    def indices(self, prefix: str) -> list[str]:
        """Row indices under ``prefix`` in the order their first field was submitted."""
        pattern = re.compile(re.escape(prefix) + r"\.([^.]+)(?:\.|$)")
        seen: list[str] = []
        for key in self.order:
            match = pattern.match(key)
            if match and match.group(1) not in seen and not match.group(1).startswith("__i"):
                seen.append(match.group(1))
        return seen


class FormError(ValueError):
    """Fields of the form could not be read (YAML that does not parse).

    ``data`` is the rest of the form, read as usual, with the file's value kept for each field
    that could not be read, so a page can show the user's other changes again.
    """

    def __init__(self, problems: list[tuple[str, str]], data: dict[str, Any]) -> None:
        super().__init__(" ".join(message for _, message in problems))
        self.paths = [path for path, _ in problems]
        self.data = data


def parse_case_form(
    form: FormData, original: Mapping[str, Any], *, markdown: bool = True
) -> dict[str, Any]:
    """Return the front matter as plain data from a submitted form.

    ``original`` is the file's front matter (plain data): keys the model does not know stay,
    a list written as one group stays one group while it has one row, and an optional field
    left empty is dropped. Raises :class:`FormError` for a YAML box that does not parse
    (it carries the rest of the form's data).
    """
    return parse_model_form(Case, form, original, skip=_SKIP_IN_MARKDOWN if markdown else ())


def parse_model_form(
    model: type[BaseModel],
    form: FormData,
    original: Any,
    *,
    prefix: str = "",
    skip: Sequence[str] = (),
) -> dict[str, Any]:
    """Return one model's data (fields named ``prefix`` + key path) from a submitted form.

    As :func:`parse_case_form`: keys in ``skip`` and keys the model does not know are kept
    from ``original``; raises :class:`FormError` for a YAML box that does not parse.
    """
    values: dict[str, str] = {}
    order: list[str] = []
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, value)
            order.append(key)
    submitted = _Submitted(values, order)
    result = _parse_model(model, submitted, prefix, original, skip)
    if submitted.problems:
        raise FormError(submitted.problems, result)
    return result


def _parse_model(
    model: type[BaseModel],
    form: _Submitted,
    prefix: str,
    original: Any,
    skip: Sequence[str] = (),
) -> dict[str, Any]:
    old = dict(original) if isinstance(original, Mapping) else {}
    known = {_key(n, i) for n, i in model.model_fields.items()}
    result: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = _key(name, info)
        if key in skip:
            if key in old:
                result[key] = old[key]
            continue
        found, value = _parse_field(info, form, f"{prefix}{key}", old.get(key), key in old)
        if found:
            result[key] = value
    for key, value in old.items():  # keys the model does not know: never lost by a save
        if key not in known:
            result[key] = value
    return result


def _parse_field(
    info: FieldInfo, form: _Submitted, path: str, old: Any, had: bool
) -> tuple[bool, Any]:
    annotation, optional = _unwrap(info.annotation)
    required = info.is_required()
    item = _list_item(annotation)
    if item is not None and not _row_type(item):
        return _parse_single(object, optional, required, form, path, old, had)
    if item is not None:
        if not form.has_prefix(path) and not had:
            return False, None
        rows = _parse_list(item, form, path, old)
        if _one_or_more(info) and isinstance(old, Mapping) and len(rows) == 1:
            return True, rows[0]
        if not rows and not had:
            return False, None
        return True, rows
    return _parse_single(annotation, optional, required, form, path, old, had)


def _parse_list(item: Any, form: _Submitted, path: str, old: Any) -> list[Any]:
    item_type, _ = _unwrap(item)
    old_rows = list(old) if isinstance(old, list | tuple) else ([old] if old else [])
    rows = []
    for index in form.indices(path):
        row_path = f"{path}.{index}"
        previous = old_rows[int(index)] if index.isdigit() and int(index) < len(old_rows) else None
        found, value = _parse_single(item_type, False, True, form, row_path, previous, True)
        if found and value not in ("", None, {}):
            rows.append(value)
    return rows


def _empty(value: Any) -> bool:
    """True for data with nothing filled in (an optional group the user left blank)."""
    if isinstance(value, Mapping):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_empty(v) for v in value)
    return value in ("", None, False)


def _parse_single(
    annotation: Any,
    optional: bool,
    required: bool,
    form: _Submitted,
    path: str,
    old: Any,
    had: bool,
) -> tuple[bool, Any]:
    if annotation is DecisionPoint:
        data = _parse_model(
            DecisionPoint, form, f"{path}.", old if isinstance(old, Mapping) else {}
        )
        text = data.get("punkt", "")
        if set(data) <= {"punkt"} or (set(data) == {"punkt", "lista"} and not data["lista"]):
            return True, text
        return True, data
    if _is_model(annotation):
        if not form.has_prefix(path) and not had:
            return False, None
        data = _parse_model(annotation, form, f"{path}.", old)
        if not required and _empty(data):
            return False, None
        return True, data
    if annotation is bool and not optional:
        checked = _truthy(form.values.get(path, ""))
        if not checked and not had:
            return False, None
        return True, checked
    if annotation is bool:
        raw = form.values.get(path, "")
        if raw == "":
            return False, None
        return True, raw == _YES
    yaml_key = path + YAML_SUFFIX
    if yaml_key in form.values:
        text = form.values[yaml_key]
        if not text.strip():
            return (True, old) if had and required else (False, None)
        try:
            return True, YAML(typ="safe").load(text)
        except YAMLError as exc:
            first = str(exc).splitlines()[0]
            form.problems.append(
                (
                    path,
                    f"Fältet {path} är inte giltig YAML ({first}) och sparades inte; "
                    "det visar filens värde igen. Skriv det i samma form som i filen.",
                )
            )
            return (True, old) if had else (False, None)
    if path not in form.values:
        return (True, old) if had else (False, None)
    raw = form.values[path].replace("\r\n", "\n")
    text = raw if "\n" in raw.strip() else raw.strip()
    if text == "":
        return (True, "") if required else (False, None)
    if annotation is int:
        try:
            return True, int(text)
        except ValueError:
            return True, text
    return True, text
