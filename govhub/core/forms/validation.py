"""Server-side checks of answers given as JSON values (the REST API's and the HTML form's).

`answers_check` returns the cleaned answers and every problem, each naming its field by path
(`("indicators", 0, "target")`) with a message in the request's language; `answers_validate`
raises InvalidInput `invalid_data` naming the first one, for an app's REST API.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from govhub.core.errors import InvalidInput
from govhub.core.forms.definition import Definition, Question, text
from govhub.core.forms.registry import file_hooks, reference_source

Path = tuple[str | int, ...]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,28}[0-9]$")
PHONE_PATTERN = PHONE.pattern
ADDRESS_PARTS: tuple[tuple[str, int, bool], ...] = (
    ("line1", 200, True),
    ("line2", 200, False),
    ("town", 100, True),
    ("region", 100, False),
    ("postcode", 20, False),
    ("country", 100, False),
)
EMPTY: tuple[Any, ...] = (None, "", [], {})


@dataclass(frozen=True)
class FieldError:
    path: Path
    message: str

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)


@dataclass
class Checked:
    answers: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)


class _Problem(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in EMPTY


def _string(q: Question, value: Any, label: str) -> str:
    if not isinstance(value, str):
        raise _Problem(_("“%(label)s” must be text.") % {"label": label})
    limit = q.limit
    if limit is not None and len(value) > limit:
        raise _Problem(
            _("“%(label)s” must be %(limit)d characters or fewer.")
            % {"label": label, "limit": limit}
        )
    value = value.strip()
    if q.min_length and len(value) < q.min_length:
        raise _Problem(
            _("“%(label)s” must be %(limit)d characters or more.")
            % {"label": label, "limit": q.min_length}
        )
    return str(value)


def _number(q: Question, value: Any, label: str) -> int | float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise _Problem(_("“%(label)s” must be a number.") % {"label": label})
    if q.integer:
        if isinstance(value, float) and not value.is_integer():
            raise _Problem(_("“%(label)s” must be a whole number.") % {"label": label})
        value = int(value)
    if q.minimum is not None and value < q.minimum:
        raise _Problem(
            _("“%(label)s” must be %(min)s or more.") % {"label": label, "min": _n(q.minimum)}
        )
    if q.maximum is not None and value > q.maximum:
        raise _Problem(
            _("“%(label)s” must be %(max)s or less.") % {"label": label, "max": _n(q.maximum)}
        )
    return cast(int | float, value)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _date(value: Any, label: str) -> str:
    try:
        if not isinstance(value, str) or not DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise _Problem(_("“%(label)s” must be a real date.") % {"label": label}) from exc


def _ids(q: Question, value: Any, label: str) -> int | list[int]:
    def one(v: Any) -> int:
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise _Problem(_("Choose “%(label)s” from the list.") % {"label": label})
        return v

    if q.multiple:
        if not isinstance(value, list):
            raise _Problem(_("Choose “%(label)s” from the list.") % {"label": label})
        return sorted({one(v) for v in value})
    return one(value)


def _address(value: Any, label: str) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) - {p for p, _l, _r in ADDRESS_PARTS}:
        raise _Problem(_("“%(label)s” must be an address.") % {"label": label})
    cleaned = {}
    for part, limit, required in ADDRESS_PARTS:
        v = value.get(part)
        if v is None or (isinstance(v, str) and not v.strip()):
            if required:
                raise _Problem(
                    _("Enter the building and street, and the town, of “%(label)s”.")
                    % {"label": label}
                )
            continue
        if not isinstance(v, str) or len(v) > limit:
            raise _Problem(_("“%(label)s” must be an address.") % {"label": label})
        cleaned[part] = v.strip()
    return cleaned


def _choice(q: Question, value: Any, label: str) -> Any:
    if q.type == "choice":
        if value not in q.values:
            raise _Problem(_("Choose one of the options for “%(label)s”.") % {"label": label})
        return value
    if not isinstance(value, list) or any(v not in q.values for v in value):
        raise _Problem(_("Choose from the options for “%(label)s”.") % {"label": label})
    if len(set(value)) != len(value):
        raise _Problem(_("Choose each option of “%(label)s” once.") % {"label": label})
    return [v for v in q.values if v in value]  # in the definition's order


def _value(q: Question, value: Any, path: Path, errors: list[FieldError]) -> Any:
    """The cleaned value of one answered question (or None after recording its problem)."""
    label = text(q.label)
    try:
        if q.type in ("text", "long_text"):
            return _string(q, value, label)
        if q.type == "email":
            value = _string(q, value, label)
            try:
                validate_email(value)
            except ValidationError as exc:
                raise _Problem(
                    _("“%(label)s” must be an email address, like name@example.org.")
                    % {"label": label}
                ) from exc
            return value
        if q.type == "phone":
            value = _string(q, value, label)
            if not PHONE.fullmatch(value):
                raise _Problem(
                    _("“%(label)s” must be a phone number, like +93 20 210 0000.")
                    % {"label": label}
                )
            return value
        if q.type == "number":
            return _number(q, value, label)
        if q.type == "date":
            return _date(value, label)
        if q.type in ("choice", "multiple_choice"):
            return _choice(q, value, label)
        if q.type == "yes_no":
            if not isinstance(value, bool):
                raise _Problem(_("Choose yes or no for “%(label)s”.") % {"label": label})
            return value
        if q.type == "address":
            return _address(value, label)
        if q.type in ("organisation", "reference"):
            return _ids(q, value, label)
        if q.type == "file":
            message = file_hooks().validate(value, q) if isinstance(value, str) else "x"
            if message:
                raise _Problem(_("Choose a file for “%(label)s”.") % {"label": label})
            return value
        return _group(q, value, path, errors, label)
    except _Problem as problem:
        errors.append(FieldError(path, problem.message))
        return None


def _group(q: Question, value: Any, path: Path, errors: list[FieldError], label: str) -> Any:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise _Problem(_("“%(label)s” must be a list of rows.") % {"label": label})
    low, high = q.min_items or 0, q.max_items
    if len(value) < low or (high is not None and len(value) > high):
        raise _Problem(
            _("“%(label)s” needs between %(low)d and %(high)d rows.")
            % {"label": label, "low": max(low, 1 if q.required else 0), "high": high}
            if high is not None
            else _("“%(label)s” needs at least %(low)d rows.") % {"label": label, "low": low}
        )
    rows = []
    for i, row in enumerate(value):
        rows.append(_questions(q.questions, row, (*path, i), errors))
    return rows


def _questions(
    questions: tuple[Question, ...],
    answers: Mapping[str, Any],
    path: Path,
    errors: list[FieldError],
    page_shown: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    known = {q.key for q in questions}
    for key in answers:
        if key not in known:
            errors.append(
                FieldError(
                    (*path, key), _("“%(key)s” is not a question of this form.") % {"key": key}
                )
            )
    cleaned: dict[str, Any] = {}
    for q in questions:
        if page_shown is not None and not page_shown[q.key]:
            continue
        if q.when is not None and not q.when.holds(cleaned):
            continue
        value = answers.get(q.key)
        if _empty(value):
            if q.required:
                errors.append(
                    FieldError((*path, q.key), _("Answer “%(label)s”.") % {"label": text(q.label)})
                )
            continue
        result = _value(q, value, (*path, q.key), errors)
        if result is not None:
            cleaned[q.key] = result
    return cleaned


def answers_check(
    definition: Definition,
    answers: Any,
    *,
    context: Mapping[str, Any] | None = None,
    check_references: bool = True,
) -> Checked:
    """The cleaned answers and every problem with them (an empty list when they are valid)."""
    if not isinstance(answers, dict):
        return Checked({}, [FieldError((), _("The answers must be a JSON object."))])
    errors: list[FieldError] = []
    shown: dict[str, bool] = {}
    cleaned: dict[str, Any] = {}
    for page in definition.pages:
        # A page's condition names an earlier page's answer, already cleaned.
        visible = page.when is None or page.when.holds(cleaned)
        shown.update({q.key: visible for q in page.questions})
        cleaned.update(
            _questions(
                page.questions,
                {
                    k: v
                    for k, v in answers.items()
                    if k in shown and k in {q.key for q in page.questions}
                },
                (),
                errors,
                shown,
            )
        )
    known = {q.key for q in definition.questions}
    errors.extend(
        FieldError((key,), _("“%(key)s” is not a question of this form.") % {"key": key})
        for key in answers
        if key not in known
    )
    if check_references and not errors:
        errors.extend(_missing_references(definition, cleaned))
    return Checked(cleaned, errors)


def _references(
    questions: tuple[Question, ...], answers: Mapping[str, Any], path: Path
) -> list[tuple[Question, Path, int]]:
    found = []
    for q in questions:
        value = answers.get(q.key)
        if value is None:
            continue
        if q.type in ("organisation", "reference"):
            for v in value if isinstance(value, list) else [value]:
                found.append((q, (*path, q.key), v))
        elif q.type == "group":
            for i, row in enumerate(value):
                found.extend(_references(q.questions, row, (*path, q.key, i)))
    return found


def _missing_references(definition: Definition, answers: Mapping[str, Any]) -> list[FieldError]:
    """Ids that no registered source knows (sources not registered are not checked)."""
    wanted = _references(definition.questions, answers, ())
    by_source: dict[str, set[int]] = {}
    for q, _path, v in wanted:
        by_source.setdefault(q.reference_source, set()).add(v)
    known: dict[str, Mapping[int, Any]] = {}
    for name, ids in by_source.items():
        source = reference_source(name)
        if source is not None:
            known[name] = source.resolve(ids)
    errors: list[FieldError] = []
    for q, path, v in wanted:
        if q.reference_source in known and v not in known[q.reference_source]:
            message = _("Choose “%(label)s” from the list.") % {"label": text(q.label)}
            if not errors or errors[-1].path != path:
                errors.append(FieldError(path, message))
    return errors


def answers_validate(
    definition: Definition, answers: Any, *, context: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The cleaned answers, or InvalidInput `invalid_data` naming each field (REST: 400)."""
    checked = answers_check(definition, answers, context=context)
    if checked.errors:
        first = checked.errors[0]
        raise InvalidInput(
            _("'%(field)s': %(message)s")
            % {"field": first.dotted or "data", "message": first.message},
            code="invalid_data",
            details=[{"loc": ["body", "data", *e.path], "msg": e.message} for e in checked.errors],
        )
    return checked.answers
