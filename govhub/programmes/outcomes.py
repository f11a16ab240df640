"""What the steps produce, computed from their artefacts: the diff between two versions of
the programme document (step 6) and the achievement of every adopted indicator (step 10).

Pure functions over plain artefact data; `queries` feeds them what the viewer may see.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["equal", "insert", "delete", "replace"]
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    """A run of words in a changed clause: kept, added or removed."""

    op: Literal["equal", "insert", "delete"]
    text: str


@dataclass(frozen=True)
class ClauseChange:
    """One clause position in the comparison of two document versions."""

    op: Op
    old_number: int | None
    new_number: int | None
    old_text: str
    new_text: str
    old_objective_ids: list[int]
    new_objective_ids: list[int]
    segments: list[Segment] = field(default_factory=list)  # word-level, for "replace"


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _segments(old: str, new: str) -> list[Segment]:
    a, b = _words(old), _words(new)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Segment("insert", "".join(b[j1:j2])))
    return out


def _clause(clauses: Sequence[Mapping[str, Any]], index: int) -> tuple[str, list[int]]:
    clause = clauses[index]
    return str(clause.get("text", "")), [int(i) for i in clause.get("objective_ids", [])]


def diff_clauses(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[ClauseChange]:
    """Clause-by-clause comparison of two drafts. Unchanged clauses are `equal`; a clause
    rewritten in place is `replace` with word-level segments; others are `insert`/`delete`.
    A clause whose text is the same but cites other objectives is also a `replace`."""
    old_texts = [str(c.get("text", "")) for c in old]
    new_texts = [str(c.get("text", "")) for c in new]
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    changes: list[ClauseChange] = []

    def add(op: Op, i: int | None, j: int | None) -> None:
        old_text, old_ids = _clause(old, i) if i is not None else ("", [])
        new_text, new_ids = _clause(new, j) if j is not None else ("", [])
        if op == "equal" and old_ids != new_ids:
            op = "replace"
        segments = _segments(old_text, new_text) if op == "replace" else []
        changes.append(
            ClauseChange(
                op=op,
                old_number=None if i is None else i + 1,
                new_number=None if j is None else j + 1,
                old_text=old_text,
                new_text=new_text,
                old_objective_ids=old_ids,
                new_objective_ids=new_ids,
                segments=segments,
            )
        )

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                add("equal", i1 + k, j1 + k)
        elif tag == "replace":
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                add("replace", i1 + k, j1 + k)
            for i in range(i1 + paired, i2):
                add("delete", i, None)
            for j in range(j1 + paired, j2):
                add("insert", None, j)
        elif tag == "delete":
            for i in range(i1, i2):
                add("delete", i, None)
        else:
            for j in range(j1, j2):
                add("insert", None, j)
    return changes


# --------------------------------------------------------------------------------------
# Achievement at review (step 10)
# --------------------------------------------------------------------------------------

Status = Literal["met", "partly_met", "not_met", "no_data", "undefined"]


@dataclass(frozen=True)
class IndicatorAchievement:
    """How far one indicator of an adopted objective got from its baseline to its target."""

    objective_id: int
    objective: str
    indicator: str
    unit: str
    baseline: float
    target: float
    target_date: str | None
    latest: float | None  # the last value reported in a progress report
    measured_at: str | None
    achievement_pct: float | None  # (latest - baseline) / (target - baseline) * 100
    status: Status
    # Why achievement_pct is null: "no_data", "target_equals_baseline" or "out_of_range".
    null_reason: str | None = None


def _status(pct: float | None, latest: float | None, target_equals_baseline: bool) -> Status:
    if latest is None:
        return "no_data"
    if target_equals_baseline or pct is None:
        return "undefined"
    if pct >= 100:
        return "met"
    if pct > 0:
        return "partly_met"
    return "not_met"


def _pct(value: float | None, baseline: float, target: float) -> tuple[float | None, str | None]:
    """The percentage, always finite, or None with the reason it has none."""
    if value is None:
        return None, "no_data"
    if target == baseline:
        return None, "target_equals_baseline"
    try:
        pct = (value - baseline) / (target - baseline) * 100
    except (OverflowError, ZeroDivisionError):
        return None, "out_of_range"
    if not math.isfinite(pct) or not all(math.isfinite(x) for x in (value, baseline, target)):
        return None, "out_of_range"
    return round(pct, 1), None


def achievement(
    objectives: Iterable[tuple[int, str, Mapping[str, Any]]],
    adopted_ids: set[int] | None,
    measurements: Iterable[tuple[str, Mapping[str, Any]]],
) -> list[IndicatorAchievement]:
    """Achievement per indicator of each adopted objective.

    `objectives` are (id, title, data) of objective artefacts; `adopted_ids` the ids the
    commission adopted (None: no adoption yet, so no objective counts); `measurements` are
    (timestamp, measurement) pairs from progress reports, oldest first: the last value for an
    (objective, indicator) is the one that counts. Achievement works both ways (a target
    below the baseline, e.g. fewer deaths, is met by going down) and is not capped, so
    over-achievement shows; a target equal to its baseline has no defined percentage.
    """
    latest: dict[tuple[int, str], tuple[float, str]] = {}
    for at, m in measurements:
        try:
            key = (int(m["objective_id"]), str(m["indicator"]).strip().casefold())
            latest[key] = (float(m["value"]), at)
        except (KeyError, TypeError, ValueError, OverflowError):
            continue
    rows: list[IndicatorAchievement] = []
    for objective_id, title, data in objectives:
        if adopted_ids is None or objective_id not in adopted_ids:
            continue
        for indicator in data.get("indicators", []):
            name = str(indicator.get("name", ""))
            try:
                baseline, target = float(indicator["baseline"]), float(indicator["target"])
            except (KeyError, TypeError, ValueError, OverflowError):
                continue
            found = latest.get((objective_id, name.strip().casefold()))
            value = found[0] if found else None
            measured_at = found[1] if found else None
            flat = target == baseline
            pct, reason = _pct(value, baseline, target)
            rows.append(
                IndicatorAchievement(
                    objective_id=objective_id,
                    objective=title,
                    indicator=name,
                    unit=str(indicator.get("unit", "")),
                    baseline=baseline,
                    target=target,
                    target_date=indicator.get("target_date"),
                    latest=value,
                    measured_at=measured_at,
                    achievement_pct=pct,
                    status=_status(pct, value, flat),
                    null_reason=reason,
                )
            )
    return rows
