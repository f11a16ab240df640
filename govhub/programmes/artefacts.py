"""What each artefact type of the seed's ten steps carries in `data`, and its checks.

Each validator takes the submitted `data` (already a JSON object) and returns the cleaned
copy, or raises InvalidInput naming the field. Rules that need the database (an organisation
exists, the parent is a proposal of this programme) are checked by the actions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from govhub.core.api import InvalidInput

Validator = Callable[[dict[str, Any]], dict[str, Any]]

ROLES = ("chair", "member")
ASSESSMENT_KINDS = ("expert", "budget", "legal", "impact")
VERDICTS = ("support", "support_with_changes", "object")
# Figures beyond this magnitude are typing errors, and their ratios overflow.
MAX_MAGNITUDE = 1e15


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_data", details=[{"loc": ["body", "data", field]}])


def _int(data: dict[str, Any], field: str, *, required: bool = True) -> int | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _bad(field, _("'%(field)s' must be a positive whole number.") % {"field": field})
    return value


def _choice(data: dict[str, Any], field: str, choices: tuple[str, ...]) -> str:
    value = data.get(field)
    if value not in choices:
        raise _bad(
            field,
            _("'%(field)s' must be one of: %(choices)s.")
            % {"field": field, "choices": ", ".join(choices)},
        )
    return str(value)


def _text(data: dict[str, Any], field: str, *, limit: int = 2000, required: bool = True) -> str:
    value = data.get(field, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise _bad(
            field,
            _("'%(field)s' must be text of up to %(limit)d characters.")
            % {"field": field, "limit": limit},
        )
    return value.strip()


def _date(data: dict[str, Any], field: str, *, required: bool = True) -> str | None:
    value = data.get(field)
    if value is None and not required:
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise _bad(field, _("'%(field)s' must be a date (YYYY-MM-DD).") % {"field": field}) from exc


def _number(value: Any, field: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _bad(field, _("'%(field)s' must be a number.") % {"field": field})
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        raise InvalidInput(
            _("'%(field)s' must be a finite number between -10^15 and 10^15.") % {"field": field},
            code="number_out_of_range",
            details=[{"loc": ["body", "data", field]}],
        )
    return number


def commission_member(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "organisation_id": _int(data, "organisation_id"),
        "person": _text(data, "person", limit=200),
        "role": _choice(data, "role", ROLES),
        "mandate": _text(data, "mandate"),
        "conflict_of_interest": _text(data, "conflict_of_interest"),
    }


def objective(data: dict[str, Any]) -> dict[str, Any]:
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators or len(indicators) > 20:
        raise _bad("indicators", _("An objective needs 1 to 20 measurable indicators."))
    cleaned = []
    for item in indicators:
        if not isinstance(item, dict):
            raise _bad("indicators", _("Each indicator must be an object."))
        cleaned.append(
            {
                "name": _text(item, "name", limit=200),
                "unit": _text(item, "unit", limit=50),
                "baseline": _number(item.get("baseline"), "baseline"),
                "target": _number(item.get("target"), "target"),
                "target_date": _date(item, "target_date"),
            }
        )
    return {"indicators": cleaned}


def adoption(data: dict[str, Any]) -> dict[str, Any]:
    ids = data.get("objective_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise _bad("objective_ids", _("Name the adopted objectives by their ids."))
    return {"objective_ids": sorted(set(ids))}


def designation(data: dict[str, Any]) -> dict[str, Any]:
    co = data.get("co_executor_ids", [])
    if not isinstance(co, list) or not all(isinstance(i, int) for i in co):
        raise _bad("co_executor_ids", _("Co-executors must be a list of organisation ids."))
    return {
        "lead_organisation_id": _int(data, "lead_organisation_id"),
        "co_executor_ids": sorted(set(co)),
        "deadline": _date(data, "deadline"),
    }


def proposal(data: dict[str, Any]) -> dict[str, Any]:
    cost = data.get("cost_estimate")
    return {
        "options": _text(data, "options", limit=5000, required=False),
        "cost_estimate": None if cost is None else _number(cost, "cost_estimate"),
        "risks": _text(data, "risks", limit=5000, required=False),
    }


def answer(data: dict[str, Any]) -> dict[str, Any]:
    return {"answers_id": _int(data, "answers_id")}


def draft(data: dict[str, Any]) -> dict[str, Any]:
    clauses = data.get("clauses", [])
    if not isinstance(clauses, list):
        raise _bad("clauses", _("Clauses must be a list."))
    cleaned = []
    for clause in clauses:
        if not isinstance(clause, dict):
            raise _bad("clauses", _("Each clause must be an object."))
        serves = clause.get("objective_ids", [])
        if not isinstance(serves, list) or not all(isinstance(i, int) for i in serves):
            raise _bad("clauses", _("A clause cites objectives by their ids."))
        cleaned.append({"text": _text(clause, "text", limit=10_000), "objective_ids": serves})
    return {"clauses": cleaned}


def assessment(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": _choice(data, "kind", ASSESSMENT_KINDS),
        "verdict": _choice(data, "verdict", VERDICTS),
    }


def task(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "assignee_organisation_id": _int(data, "assignee_organisation_id"),
        "due": _date(data, "due"),
        "milestone": bool(data.get("milestone", False)),
    }


def progress_report(data: dict[str, Any]) -> dict[str, Any]:
    percent = _number(data.get("percent"), "percent")
    if not 0 <= percent <= 100:
        raise _bad("percent", _("'percent' must be between 0 and 100."))
    measurements = data.get("measurements", [])
    if not isinstance(measurements, list):
        raise _bad("measurements", _("Measurements must be a list."))
    cleaned = []
    for m in measurements:
        if not isinstance(m, dict):
            raise _bad("measurements", _("Each measurement must be an object."))
        cleaned.append(
            {
                "objective_id": _int(m, "objective_id"),
                "indicator": _text(m, "indicator", limit=200),
                "value": _number(m.get("value"), "value"),
            }
        )
    return {"task_id": _int(data, "task_id"), "percent": percent, "measurements": cleaned}


def free(data: dict[str, Any]) -> dict[str, Any]:
    return data


VALIDATORS: dict[str, Validator] = {
    "problem": free,
    "evidence": free,
    "commission_member": commission_member,
    "objective": objective,
    "adoption": adoption,
    "designation": designation,
    "proposal": proposal,
    "position": proposal,
    "answer": answer,
    "draft": draft,
    "assessment": assessment,
    "task": task,
    "progress_report": progress_report,
    "review": free,
    "contribution": free,
}
