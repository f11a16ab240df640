"""A definition as a server-rendered, accessible HTML form (GOV.UK patterns, no JavaScript).

The form reads the POSTed fields into answers (typed JSON values), then runs the same
`answers_check` as the REST API, so both refuse the same things with the same messages.
A repeatable group shows its rows plus an "Add another" submit button; blank rows are
dropped. Questions with a condition are shown with a hint saying when to answer them, and
their answers are ignored when the condition does not hold.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from govhub.core.forms.definition import Condition, Definition, Question, text
from govhub.core.forms.registry import file_hooks, reference_source
from govhub.core.forms.validation import ADDRESS_PARTS, answers_check

ADD = "add_row"
MAX_ROWS = 20
# Eastern Arabic-Indic (Dari, Persian) and Arabic-Indic digits, read as 0-9.
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _name(path: tuple[str | int, ...]) -> str:
    return "-".join(str(p) for p in path)


@dataclass
class Field:
    """One question as rendered: its ids, texts, current value and error."""

    question: Question
    name: str
    label: str
    hint: str = ""
    error: str = ""
    raw: Any = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    condition: str = ""
    unit: str = ""
    parts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link goes: the first input of the question."""
        if self.options:
            return str(self.options[0]["id"])
        if self.parts:
            return str(self.parts[0]["id"])
        return self.id

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def uses_fieldset(self) -> bool:
        q = self.question
        return q.type in ("choice", "multiple_choice", "yes_no", "date", "address", "group") or (
            q.type in ("organisation", "reference") and q.multiple
        )

    @property
    def described_by(self) -> str:
        ids = []
        if self.hint or self.condition:
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def _condition_text(c: Condition, definition: Definition) -> str:
    earlier = definition.question(c.question)
    label = text(earlier.label)
    if c.answered is not None:
        return (
            _("Answer this only if you answered “%(label)s”.")
            if c.answered
            else _("Answer this only if you did not answer “%(label)s”.")
        ) % {"label": label}
    wanted = [c.equals] if not c.one_of else list(c.one_of)
    names = {o.value: text(o.label) for o in earlier.options}
    shown = [
        names.get(w) or (_("Yes") if w is True else _("No") if w is False else str(w))
        for w in wanted
    ]
    return _("Answer this only if “%(label)s” is %(values)s.") % {
        "label": label,
        "values": _(" or ").join(f"“{s}”" for s in shown),
    }


class AnswersForm:
    """The HTML form of one definition, bound to POSTed data (and files) or to answers."""

    def __init__(
        self,
        definition: Definition,
        data: QueryDict | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        prefix: str = "",
    ) -> None:
        self.definition = definition
        # Put before every field name, so the questions sit beside another form's fields.
        self.prefix = prefix
        self.data = data
        self.files = files or {}
        self.context = context or {}
        self.initial = dict(initial or {})
        self.errors: dict[str, str] = {}
        self.answers: dict[str, Any] = {}
        self.rows: dict[str, int] = {}
        self.added_row = False
        self._checked = False

    @property
    def is_bound(self) -> bool:
        return self.data is not None

    @property
    def is_multipart(self) -> bool:
        return any(q.type == "file" for q in self.definition.questions)

    # Reading the POST -------------------------------------------------------------------

    def is_valid(self) -> bool:
        """True when the POSTed answers pass every check (False after "Add another")."""
        if self.data is None:
            return False
        if not self._checked:
            self._checked = True
            answers: dict[str, Any] = {}
            for q in self.definition.questions:
                value = self._read(q, (q.key,))
                if value is not None:
                    answers[q.key] = value
            self.added_row = self.data.get(self.add_name) in self.rows
            if self.added_row:
                key = str(self.data.get(self.add_name))
                self.rows[key] = min(self.rows[key] + 1, self._max_rows(key))
                return False
            checked = answers_check(self.definition, answers, context=self.context)
            for error in checked.errors:
                self.errors.setdefault(_name(error.path), error.message)
            self.answers = checked.answers
        return not self.errors and not self.added_row

    def _html(self, name: str) -> str:
        """The POST name (and, after "f-", the id) of a field."""
        return f"{self.prefix}-{name}" if self.prefix else name

    @property
    def add_name(self) -> str:
        return self._html(ADD)

    def _max_rows(self, key: str) -> int:
        return self.definition.question(key).max_items or MAX_ROWS

    def _fail(self, path: tuple[str | int, ...], message: str) -> None:
        self.errors.setdefault(_name(path), message)

    def _read(self, q: Question, path: tuple[str | int, ...]) -> Any:
        assert self.data is not None
        name = self._html(_name(path))
        label = text(q.label)
        if q.type in ("text", "long_text", "email", "phone", "choice"):
            return self.data.get(name, "") or None
        if q.type == "number":
            raw = (self.data.get(name, "") or "").translate(DIGITS).strip().replace(",", "")
            raw = re.sub(r"\s", "", raw)
            if not raw:
                return None
            try:
                number = float(raw)
                return int(number) if re.fullmatch(r"[+-]?\d+", raw) else number
            except ValueError:
                self._fail(path, _("“%(label)s” must be a number.") % {"label": label})
                return None
        if q.type == "date":
            parts = [
                (self.data.get(f"{name}-{p}", "") or "").translate(DIGITS).strip()
                for p in ("day", "month", "year")
            ]
            if not any(parts):
                return None
            try:
                day, month, year = (int(p) for p in parts)
                return dt.date(year, month, day).isoformat()
            except ValueError:
                self._fail(path, _("“%(label)s” must be a real date.") % {"label": label})
                return None
        if q.type == "multiple_choice":
            return self.data.getlist(name) or None
        if q.type == "yes_no":
            return {"yes": True, "no": False}.get(self.data.get(name, ""))
        if q.type == "address":
            address = {p: self.data.get(f"{name}-{p}", "") for p, _l, _r in ADDRESS_PARTS}
            return {k: v for k, v in address.items() if v and v.strip()} or None
        if q.type in ("organisation", "reference"):
            raw_ids = self.data.getlist(name) if q.multiple else [self.data.get(name, "")]
            raw_ids = [r for r in raw_ids if r]
            if not raw_ids:
                return None
            if not all(r.isdigit() for r in raw_ids):
                self._fail(path, _("Choose “%(label)s” from the list.") % {"label": label})
                return None
            ids = [int(r) for r in raw_ids]
            return ids if q.multiple else ids[0]
        if q.type == "file":
            upload = self.files.get(name)
            hooks = file_hooks()
            if upload is not None:
                if hooks.receive is None:
                    self._fail(path, _("Files cannot be uploaded here yet."))
                    return None
                return hooks.receive(upload, q)
            return self.data.get(f"{name}-current", "") or None
        return self._read_rows(q, path)

    def _read_rows(self, q: Question, path: tuple[str | int, ...]) -> list[dict[str, Any]] | None:
        assert self.data is not None
        name = self._html(_name(path))
        try:
            count = int(self.data.get(f"{name}-rows", q.rows))
        except ValueError:
            count = q.rows
        count = max(1, min(count, self._max_rows(q.key)))
        self.rows[q.key] = count
        rows = []
        for i in range(count):
            row = {}
            for sub in q.questions:
                value = self._read(sub, (*path, i, sub.key))
                if value is not None:
                    row[sub.key] = value
            if row:
                rows.append(row)
        return rows or None

    # Rendering --------------------------------------------------------------------------

    def fields(self) -> list[Field]:
        """Every question of every page, in order, ready for the templates."""
        values = self.initial if not self.is_bound else {}
        return [self._field(q, (q.key,), values.get(q.key)) for q in self.definition.questions]

    def pages(self) -> list[dict[str, Any]]:
        fields = {f.question.key: f for f in self.fields()}
        return [
            {
                "key": page.key,
                "title": text(page.title),
                "condition": _condition_text(page.when, self.definition) if page.when else "",
                "fields": [fields[q.key] for q in page.questions],
            }
            for page in self.definition.pages
        ]

    def _raw(self, name: str, initial: Any) -> Any:
        if self.data is not None:
            return self.data.get(name, "")
        return "" if initial is None else initial

    def _field(self, q: Question, path: tuple[str | int, ...], initial: Any) -> Field:
        name = self._html(_name(path))
        f = Field(
            question=q,
            name=name,
            label=text(q.label),
            hint=text(q.hint),
            error=self.errors.get(_name(path), ""),
            unit=text(q.unit),
            condition=_condition_text(q.when, self.definition) if q.when else "",
        )
        if q.type in ("choice", "multiple_choice", "yes_no", "organisation", "reference"):
            f.options = self._options(q, name, initial)
        elif q.type == "date":
            parts = str(initial or "").split("-") if initial else ["", "", ""]
            labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
            f.parts = [
                {
                    "id": f"{f.id}-{p}",
                    "name": f"{name}-{p}",
                    "label": labels[p],
                    "value": self._raw(f"{name}-{p}", parts[i].lstrip("0") if parts[i] else ""),
                    "width": 4 if p == "year" else 2,
                }
                for i, p in ((2, "day"), (1, "month"), (0, "year"))
            ]
        elif q.type == "address":
            labels = {
                "line1": _("Building and street"),
                "line2": _("Building and street, line 2"),
                "town": _("Town or city"),
                "region": _("Province or region"),
                "postcode": _("Postcode"),
                "country": _("Country"),
            }
            f.parts = [
                {
                    "id": f"{f.id}-{p}",
                    "name": f"{name}-{p}",
                    "label": labels[p],
                    "optional": not required,
                    "value": self._raw(f"{name}-{p}", (initial or {}).get(p, "")),
                    "limit": limit,
                }
                for p, limit, required in ADDRESS_PARTS
            ]
        elif q.type == "group":
            initial_rows = list(initial or [])
            count = self.rows.get(q.key) or max(q.rows, len(initial_rows))
            f.rows = [
                [
                    self._field(
                        sub,
                        (*path, i, sub.key),
                        (initial_rows[i] if i < len(initial_rows) else {}).get(sub.key),
                    )
                    for sub in q.questions
                ]
                for i in range(count)
            ]
            f.raw = count
        elif q.type == "number" and self.data is None:
            f.raw = "" if initial is None else str(initial)
        else:
            f.raw = self._raw(name, initial)
        return f

    def _options(self, q: Question, name: str, initial: Any) -> list[dict[str, Any]]:
        if q.type == "yes_no":
            choices = [("yes", _("Yes"), ""), ("no", _("No"), "")]
            chosen = {"yes" if initial else "no"} if isinstance(initial, bool) else set()
        elif q.type in ("organisation", "reference"):
            source = reference_source(q.reference_source)
            found = source.choices(self.context) if source else []
            choices = [(str(i), label, "") for i, label in found]
            chosen = {str(v) for v in (initial if isinstance(initial, list) else [initial])}
        else:
            choices = [(o.value, text(o.label), text(o.hint)) for o in q.options]
            chosen = set(initial if isinstance(initial, list) else [initial])
        if self.data is not None:
            chosen = set(self.data.getlist(name))
        return [
            {
                "id": f"f-{name}-{n}",
                "value": value,
                "label": label,
                "hint": hint,
                "checked": value in chosen,
            }
            for n, (value, label, hint) in enumerate(choices)
        ]

    def error_list(self) -> list[tuple[str, str]]:
        """(link target id, message) for the error summary, in the order of the questions."""
        found: list[tuple[str, str]] = []

        def walk(fields: list[Field]) -> None:
            for f in fields:
                if f.error:
                    found.append((f.first_input_id, f.error))
                for row in f.rows:
                    walk(row)

        walk(self.fields())
        return found

    def render(
        self, request: HttpRequest | None = None, *, submit: str | None = None, action: str = ""
    ) -> SafeString:
        """The whole form (with `request`, its CSRF token) or, without, only its fields to
        put inside the caller's own <form>: error summary, pages as sections, questions."""
        return render_to_string(
            "core/forms/form.html" if request is not None else "core/forms/fields.html",
            {
                "form": self,
                "pages": self.pages(),
                "errors": self.error_list() if self.is_bound else [],
                "submit": submit or _("Continue"),
                "action": action,
                "add_name": self.add_name,
            },
            request=request,
        )
