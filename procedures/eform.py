"""The e-form as an HTML form: generated from a procedure's JSON Schema, cleaned back to the
nested JSON the schema describes. Used by the citizen's wizard and the admin's preview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dvctt.forms import DayFirstDateField, DayFirstDateInput

from .forms_schema import ordered_properties

SEP = "__"
MAX_ARRAY_ROWS = 10


@dataclass
class FieldSpec:
    path: tuple  # e.g. ("cha", "ho_ten") or ("con", 0, "ten")
    schema: dict
    required: bool

    @property
    def name(self) -> str:
        return "f" + SEP + SEP.join(str(p) for p in self.path)

    @property
    def error_key(self) -> str:
        return ".".join(str(p) for p in self.path)


@dataclass
class Group:
    legend: str
    specs: list[FieldSpec] = field(default_factory=list)
    fields: list = field(default_factory=list)  # bound fields, filled by the form
    remove_value: str = ""  # set on a row of a list: the value of its "Xoá" button


@dataclass
class ArrayBlock:
    """A repeatable group (a list of objects): its rows and the "Thêm" / "Xoá" buttons."""

    legend: str
    key: str  # the list's path joined by SEP, e.g. "thanh_vien"
    rows: list[Group]
    can_add: bool
    can_remove: bool
    add_label: str

    @property
    def rows_name(self) -> str:
        return ROWS + self.key


ROWS = "rows" + SEP


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and len(data) > part else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def _row_count(prop: dict, key: str, data: dict, posted: Any) -> int:
    # A bound form says how many rows it shows (hidden "rows__<list>"), so that "Thêm" and
    # "Xoá" work by a plain POST without JavaScript; otherwise the saved rows, at least minItems.
    limit = min(prop.get("maxItems", MAX_ARRAY_ROWS), MAX_ARRAY_ROWS)
    low = min(prop.get("minItems", 0) or 0, limit)
    count = None
    if posted is not None:
        try:
            count = int(posted.get(ROWS + key, ""))
        except (TypeError, ValueError):
            count = None
    if count is None:
        existing = _get(data, tuple(key.split(SEP)) if key else ())
        count = len(existing) if isinstance(existing, list) else 0
    return max(low, min(count, limit))


def _walk(
    schema: dict, data: dict, prefix: tuple, legend: str, groups: list, posted: Any = None
) -> Group:
    group = Group(legend=legend)
    groups.append(group)
    required = set(schema.get("required", []))
    for name, prop in ordered_properties(schema):
        path = (*prefix, name)
        kind = prop.get("type")
        if kind == "object":
            _walk(prop, data, path, prop.get("title", name), groups, posted)
        elif kind == "array":
            title = prop.get("title", name)
            key = SEP.join(str(p) for p in path)
            count = _row_count(prop, key, data, posted)
            limit = min(prop.get("maxItems", MAX_ARRAY_ROWS), MAX_ARRAY_ROWS)
            block = ArrayBlock(
                legend=title,
                key=key,
                rows=[],
                can_add=count < limit,
                can_remove=count > (prop.get("minItems", 0) or 0),
                add_label=str(_("Thêm %(title)s") % {"title": title.lower()}),
            )
            groups.append(block)
            for index in range(count):
                row_groups: list = []
                row = _walk(
                    prop.get("items", {}),
                    data,
                    (*path, index),
                    _("%(title)s — mục %(n)s") % {"title": title, "n": index + 1},
                    row_groups,
                    posted,
                )
                row.remove_value = f"{key}{SEP}{index}"
                block.rows.append(row)
                groups.extend(g for g in row_groups if g is not row)
            # Fields after a list start a new group so that the page keeps the schema's order.
            group = Group(legend=legend)
            groups.append(group)
        else:
            group.specs.append(FieldSpec(path=path, schema=prop, required=name in required))
    return group


def _django_field(spec: FieldSpec) -> forms.Field:
    prop = spec.schema
    kind, fmt = prop.get("type"), prop.get("format")
    label = prop.get("title") or spec.path[-1]
    common = {
        "label": label,
        "help_text": prop.get("description", ""),
        # Required-ness is checked by the schema validator so that a draft can be saved half
        # filled; the label still shows the asterisk and aria-required.
        "required": False,
    }
    attrs = {"aria-required": "true"} if spec.required else {}
    if "enum" in prop:
        choices = [("", "—")] + [(str(v), str(v)) for v in prop["enum"]]
        return forms.ChoiceField(choices=choices, widget=forms.Select(attrs=attrs), **common)
    if kind == "boolean":
        return forms.BooleanField(widget=forms.CheckboxInput(attrs=attrs), **common)
    if kind == "integer":
        return forms.IntegerField(widget=forms.NumberInput(attrs=attrs), **common)
    if kind == "number":
        return forms.FloatField(widget=forms.NumberInput(attrs=attrs), **common)
    if fmt == "date":
        # Vietnamese dates are written dd/mm/yyyy; a text box takes them as people write them
        # (a browser date picker would show the browser's own order).
        common["help_text"] = " ".join(
            filter(None, [str(common["help_text"]), str(_("Ngày/tháng/năm, ví dụ 12/05/1990."))])
        )
        return DayFirstDateField(
            widget=DayFirstDateInput(attrs=attrs),
            error_messages={
                "invalid": _("Nhập %(title)s theo dạng ngày/tháng/năm, ví dụ 12/05/1990.")
                % {"title": label}
            },
            **common,
        )
    if fmt == "email":
        return forms.EmailField(widget=forms.EmailInput(attrs=attrs), **common)
    max_length = prop.get("maxLength")
    widget = (
        forms.Textarea(attrs={**attrs, "rows": 3})
        if (max_length or 0) > 200 or prop.get("x-widget") == "textarea"
        else forms.TextInput(attrs={**attrs, "autocomplete": "off"})
    )
    return forms.CharField(max_length=max_length, widget=widget, **common)


def _initial(spec: FieldSpec, value: Any) -> Any:
    if spec.schema.get("format") == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def display_value(value: Any) -> str:
    """Return an answer as people read it: Có/Không, dates dd/mm/yyyy."""
    if value is True:
        return str(_("Có"))
    if value is False:
        return str(_("Không"))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


class SchemaForm(forms.Form):
    """The e-form of a procedure, built from its JSON Schema; cleans to nested JSON data."""

    def __init__(self, schema: dict, initial_data: dict | None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema or {}
        self.groups: list = []
        if self.schema.get("properties"):
            _walk(
                self.schema,
                initial_data or {},
                (),
                str(_("Thông tin tờ khai")),
                self.groups,
                self.data if self.is_bound else None,
            )
        self.specs: dict[str, FieldSpec] = {}
        for spec in self._all_specs():
            self.fields[spec.name] = _django_field(spec)
            self.specs[spec.name] = spec
            value = _get(initial_data or {}, spec.path)
            if value is not None:
                self.initial[spec.name] = _initial(spec, value)
        self.groups = [g for g in self.groups if isinstance(g, ArrayBlock) or g.specs]
        for group in self._plain_groups():
            group.fields = [self[spec.name] for spec in group.specs]
        # Rows render inside their block, not again in the flat list.
        in_rows = {id(row) for block in self.blocks for row in block.rows}
        self.groups = [g for g in self.groups if id(g) not in in_rows]

    def _plain_groups(self):
        for group in self.groups:
            if isinstance(group, ArrayBlock):
                yield from group.rows
            else:
                yield group

    def _all_specs(self):
        seen = set()
        for group in self._plain_groups():
            if id(group) in seen:
                continue
            seen.add(id(group))
            yield from group.specs

    @property
    def blocks(self) -> list[ArrayBlock]:
        return [g for g in self.groups if isinstance(g, ArrayBlock)]

    def required_names(self) -> set[str]:
        return {name for name, spec in self.specs.items() if spec.required}

    def answer_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Return (legend, [(title, answer)]) in the form's order, for the review page."""
        sections = []
        for group in self.groups:
            rows = group.rows if isinstance(group, ArrayBlock) else [group]
            for row in rows:
                answers = [
                    (str(bf.label), display_value(self.initial.get(bf.name))) for bf in row.fields
                ]
                if answers:
                    sections.append((str(row.legend), answers))
        return sections

    def to_data(self) -> dict:
        """Return the cleaned values as the nested JSON the schema describes."""
        data: dict = {}
        for name, spec in self.specs.items():
            value = self.cleaned_data.get(name)
            if value in (None, "") or (value is False and not spec.required):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif "enum" in spec.schema:
                value = next((v for v in spec.schema["enum"] if str(v) == value), value)
            node: Any = data
            for part, nxt in zip(spec.path, spec.path[1:], strict=False):
                default: Any = [] if isinstance(nxt, int) else {}
                if isinstance(part, int):
                    while len(node) <= part:
                        node.append({})
                    node = node[part]
                else:
                    node = node.setdefault(part, default)
            node[spec.path[-1]] = value
        return _drop_empty_rows(data)

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        by_key = {spec.error_key: name for name, spec in self.specs.items()}
        for key, messages in errors.items():
            name = by_key.get(key)
            # One message per field: the first is the one to fix first.
            self.add_error(name if name in self.fields else None, messages[0])


def apply_row_command(post) -> tuple[Any, str]:
    """Apply a "Thêm" (add_row=<list>) or "Xoá" (remove_row=<list>__<n>) button to posted
    data; return the new data and the name of the field to focus (the new row's first)."""
    data = post.copy()
    if data.get("add_row"):
        key = data["add_row"]
        count = int(data.get(ROWS + key) or 0)
        data[ROWS + key] = str(count + 1)
        return data, f"f{SEP}{key}{SEP}{count}{SEP}"
    key, _sep, index = (data.get("remove_row") or "").rpartition(SEP)
    if not key or not index.isdigit():
        return data, ""
    removed, prefix = int(index), f"f{SEP}{key}{SEP}"
    moved = {}
    for name in list(data.keys()):
        if not name.startswith(prefix):
            continue
        row, _sep, rest = name[len(prefix) :].partition(SEP)
        if not row.isdigit():
            continue
        values = data.getlist(name)
        del data[name]
        if int(row) > removed:
            moved[f"{prefix}{int(row) - 1}{SEP}{rest}"] = values
        elif int(row) < removed:
            moved[name] = values
    for name, values in moved.items():
        data.setlist(name, values)
    count = int(data.get(ROWS + key) or 1)
    data[ROWS + key] = str(max(count - 1, 0))
    return data, ""


def _drop_empty_rows(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty_rows(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_empty_rows(v) for v in value if v not in ({}, None)]
    return value
