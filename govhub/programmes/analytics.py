"""Programme analytics: who took part where (against the prescribed matrix), time per step,
overdue steps. Reads only, as plain dataclasses.

Only public data is counted: programmes the viewer may see (`queries.programme_list`) and
contributions whose visibility is public, so the numbers are the same for everyone who sees
the same programmes. Every function runs a fixed number of SQL queries whatever the data size:
participation is aggregated by the database; time per step walks the step decisions (one
row per transition) in Python, because a median is not portable SQL.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from govhub.core.api import workflow_decisions
from govhub.programmes.governance import (
    SUBJECT,
    GovernanceModel,
    current_model,
    model_of_version,
    programme_model,
)
from govhub.programmes.models import (
    Contribution,
    Programme,
    ProgrammeStatus,
    Visibility,
)
from govhub.programmes.queries import programme_list

SECONDS_PER_DAY = 86_400
# The overall list of overdue programmes is capped (oldest deadline first); the count is not.
OVERDUE_LIST_LIMIT = 100
PROGRAMME_FIELDS = (
    "id",
    "created_at",
    "current_step",
    "status",
    "step_started_at",
    "model_version",
)


@dataclass(frozen=True)
class Cell:
    """Public contributions of one organisation kind at one step."""

    kind: str
    step: int
    contributions: int
    organisations: int


@dataclass(frozen=True)
class KindStep:
    kind: str
    step: int


@dataclass(frozen=True)
class StepTime:
    """One programme's time at a step: every visit summed; a return makes a re-entry."""

    step: int
    days: float
    visits: int
    re_entries: int
    current: bool


@dataclass(frozen=True)
class StepTimeSummary:
    """Across programmes: how long they spent at a step (each programme's visits summed)."""

    step: int
    programmes: int
    median_days: float | None
    mean_days: float | None
    re_entries: int


@dataclass(frozen=True)
class OverdueStep:
    programme_id: int
    title: str
    step: int
    deadline: datetime
    days_overdue: float


@dataclass(frozen=True)
class Participation:
    """The actual matrix beside the prescribed one, and where they disagree."""

    prescribed: dict[str, list[int]]
    actual: list[Cell]
    outside_prescription: list[Cell]
    never_took_part: list[KindStep]
    steps_reached: int


@dataclass(frozen=True)
class ProgrammeAnalytics:
    programme_id: int
    title: str
    status: str
    current_step: int
    model_version: str
    contributions: int
    prescribed: dict[str, list[int]]
    actual: list[Cell]
    outside_prescription: list[Cell]
    never_took_part: list[KindStep]
    steps_reached: int
    time_per_step: list[StepTime]
    overdue: list[OverdueStep]


@dataclass(frozen=True)
class OverallAnalytics:
    model_version: str
    programmes: int
    contributions: int
    prescribed: dict[str, list[int]]
    actual: list[Cell]
    outside_prescription: list[Cell]
    never_took_part: list[KindStep]
    steps_reached: int
    time_per_step: list[StepTimeSummary]
    overdue_count: int
    overdue: list[OverdueStep]


def _days(seconds: float) -> float:
    return round(seconds / SECONDS_PER_DAY, 2)


def actual_cells(contributions: QuerySet[Contribution]) -> list[Cell]:
    """Public contributions aggregated by step and organisation kind (one query)."""
    rows = (
        contributions.filter(visibility=Visibility.PUBLIC)
        .values("step", "organisation__kind")
        .annotate(contributions=Count("id"), organisations=Count("organisation_id", distinct=True))
        .order_by("step", "organisation__kind")
    )
    return [
        Cell(
            kind=row["organisation__kind"],
            step=row["step"],
            contributions=row["contributions"],
            organisations=row["organisations"],
        )
        for row in rows
    ]


def compare(model: GovernanceModel, actual: list[Cell], steps_reached: int) -> Participation:
    """Set the actual cells against the model: participation it does not prescribe, and
    prescribed kinds without a contribution at a step already reached."""
    took_part = {(c.kind, c.step) for c in actual}
    return Participation(
        prescribed={
            k.key: sorted(model.participation.get(k.key, frozenset())) for k in model.kinds
        },
        actual=actual,
        outside_prescription=[c for c in actual if not model.may_take_part(c.kind, c.step)],
        never_took_part=[
            KindStep(kind=k.key, step=s.number)
            for s in model.steps
            if s.number <= steps_reached
            for k in model.kinds
            if model.may_take_part(k.key, s.number) and (k.key, s.number) not in took_part
        ],
        steps_reached=steps_reached,
    )


@dataclass
class _Walk:
    """Per programme: seconds and visits by step, the current step, the highest step reached."""

    seconds: dict[int, float]
    visits: dict[int, int]
    current: int | None
    reached: int


def _walk(
    programme: Mapping[str, Any], decisions: Iterable[Mapping[str, Any]], now: datetime
) -> _Walk:
    """Step 1 is entered at creation, each decision leaves `from_step` and enters `to_step`
    (a close leaves the last step for good), and an active programme's current step counts
    from `step_started_at` until `now`."""
    seconds: dict[int, float] = defaultdict(float)
    visits: dict[int, int] = defaultdict(int)
    entered = programme["created_at"]
    reached = programme["current_step"]
    for decision in decisions:
        step = decision["from_step"]
        seconds[step] += max((decision["created_at"] - entered).total_seconds(), 0.0)
        visits[step] += 1
        reached = max(reached, step)
        entered = decision["created_at"]
    current = None
    if programme["status"] == ProgrammeStatus.ACTIVE:
        current = programme["current_step"]
        seconds[current] += max((now - programme["step_started_at"]).total_seconds(), 0.0)
        visits[current] += 1
    return _Walk(seconds=dict(seconds), visits=dict(visits), current=current, reached=reached)


def _walks(rows: list[Mapping[str, Any]], programme_ids: Any, now: datetime) -> list[_Walk]:
    """Walk the programmes `rows` (one query: the decisions of `programme_ids`)."""
    by_programme: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    versions = {row["id"]: row["model_version"] for row in rows}
    for decision in workflow_decisions(SUBJECT, programme_ids):
        programme_id = int(decision["subject_id"])
        model = model_of_version(versions[programme_id])
        by_programme[programme_id].append(
            {"from_step": model.step_of(decision["from_state"]), **decision}
        )
    return [_walk(row, by_programme.get(row["id"], []), now) for row in rows]


def _overdue_step(row: Mapping[str, Any], now: datetime) -> OverdueStep:
    return OverdueStep(
        programme_id=row["id"],
        title=row["title"],
        step=row["current_step"],
        deadline=row["deadline"],
        days_overdue=_days((now - row["deadline"]).total_seconds()),
    )


def _is_overdue(row: Mapping[str, Any], now: datetime) -> bool:
    return bool(
        row["status"] == ProgrammeStatus.ACTIVE
        and row["deadline"] is not None
        and row["deadline"] < now
    )


def programme_analytics(*, programme: Programme, now: datetime | None = None) -> ProgrammeAnalytics:
    """One programme (already checked as visible): participation against its own model
    snapshot, days at each step it visited, and whether its current step is overdue."""
    now = now or timezone.now()
    model = programme_model(programme)
    actual = actual_cells(Contribution.objects.filter(programme=programme))
    row = {field: getattr(programme, field) for field in (*PROGRAMME_FIELDS, "title", "deadline")}
    walk = _walks([row], [programme.pk], now)[0]
    participation = compare(model, actual, walk.reached)
    return ProgrammeAnalytics(
        programme_id=programme.pk,
        title=programme.title,
        status=programme.status,
        current_step=programme.current_step,
        model_version=programme.model_version,
        contributions=sum(c.contributions for c in actual),
        prescribed=participation.prescribed,
        actual=participation.actual,
        outside_prescription=participation.outside_prescription,
        never_took_part=participation.never_took_part,
        steps_reached=participation.steps_reached,
        time_per_step=[
            StepTime(
                step=step,
                days=_days(walk.seconds[step]),
                visits=walk.visits[step],
                re_entries=walk.visits[step] - 1,
                current=step == walk.current,
            )
            for step in sorted(walk.seconds)
        ],
        overdue=[_overdue_step(row, now)] if _is_overdue(row, now) else [],
    )


def _summaries(walks: list[_Walk], steps: Iterable[int]) -> list[StepTimeSummary]:
    per_step: dict[int, list[float]] = defaultdict(list)
    re_entries: dict[int, int] = defaultdict(int)
    for walk in walks:
        for step, seconds in walk.seconds.items():
            per_step[step].append(seconds)
            re_entries[step] += walk.visits[step] - 1
    summaries = []
    for step in sorted(set(steps) | set(per_step)):
        values = per_step.get(step, [])
        summaries.append(
            StepTimeSummary(
                step=step,
                programmes=len(values),
                median_days=_days(statistics.median(values)) if values else None,
                mean_days=_days(statistics.fmean(values)) if values else None,
                re_entries=re_entries.get(step, 0),
            )
        )
    return summaries


def overall_analytics(*, viewer: Any, now: datetime | None = None) -> OverallAnalytics:
    """Every programme the viewer may see: participation against the current model, the
    median and mean days per step, and the overdue programmes (five queries).

    A programme keeps the model it started with, so after a change of model file a cell can
    show as outside the (current) prescription although that programme's own model allowed
    it; `programme_analytics` judges each programme by its own snapshot."""
    now = now or timezone.now()
    model = current_model()
    programmes = programme_list(viewer=viewer).order_by()
    ids = programmes.values("pk")
    actual = actual_cells(Contribution.objects.filter(programme_id__in=ids))
    rows = list(programmes.values(*PROGRAMME_FIELDS))
    walks = _walks(rows, [r["id"] for r in rows], now)
    participation = compare(model, actual, max((w.reached for w in walks), default=0))
    late = programmes.filter(
        status=ProgrammeStatus.ACTIVE, deadline__isnull=False, deadline__lt=now
    ).order_by("deadline", "id")
    return OverallAnalytics(
        model_version=model.version,
        programmes=len(walks),
        contributions=sum(c.contributions for c in actual),
        prescribed=participation.prescribed,
        actual=participation.actual,
        outside_prescription=participation.outside_prescription,
        never_took_part=participation.never_took_part,
        steps_reached=participation.steps_reached,
        time_per_step=_summaries(walks, (s.number for s in model.steps)),
        overdue_count=late.count(),
        overdue=[
            _overdue_step(row, now)
            for row in late.values("id", "title", "current_step", "deadline")[:OVERDUE_LIST_LIMIT]
        ],
    )
