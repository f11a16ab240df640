"""Generated programmes for load benchmarks: `govhub demo --bench-programmes N` (programmes
to advance) and `govhub bench load --programmes N` (a million spread over the steps).

Written in bulk, without the actions or the audit log: this is load-test data for a
throw-away database, never demo or production data.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, Protocol

from django.db import reset_queries, transaction
from django.utils import timezone

from govhub.core.api import (
    bulk_analyze,
    bulk_ids_settle,
    bulk_insert,
    bulk_next_id,
    workflow_adopt,
)
from govhub.organisations.api import Kind
from govhub.programmes.governance import (
    ISSUES_DOCUMENT,
    SUBJECT,
    GovernanceModel,
    current_model,
)
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.transitions import programmes_adopt

BIG_TITLE = "Benchmark: programme with 200 contributions and 50 tasks"
STEP_TITLE = "Benchmark: step 3 with 200 objectives"
INDICATOR = {"unit": "%", "baseline": 10, "target": 90, "target_date": "2028-12-31"}


@transaction.atomic
def bench_programmes_create(
    *, count: int, author: Any, initiator_id: int, contributor_ids: list[int], lead_id: int
) -> dict[str, Any]:
    """One large programme at step 9, and `count` programmes at step 1 ready to advance."""
    model = current_model()
    now = timezone.now()
    big = Programme.objects.create(
        title=BIG_TITLE,
        initiator_id=initiator_id,
        model_version=model.version,
        current_step=9,
        lead_agency_id=lead_id,
        deadline=now + timedelta(days=30),
    )
    rows = [
        Contribution(
            programme=big,
            step=1 + n % 8,
            type="proposal" if n % 8 == 4 else "evidence",
            organisation_id=contributor_ids[n % len(contributor_ids)],
            author=author,
            title=f"Contribution {n}",
            data={},
        )
        for n in range(150)
    ]
    rows += [
        Contribution(
            programme=big,
            step=9,
            type="task",
            organisation_id=lead_id,
            author=author,
            title=f"Task {n}",
            data={
                "assignee_organisation_id": contributor_ids[n % len(contributor_ids)],
                "due": "2027-12-31",
                "milestone": n % 10 == 0,
            },
        )
        for n in range(50)
    ]
    Contribution.objects.bulk_create(rows)
    ready = Programme.objects.bulk_create(
        Programme(
            title=f"Benchmark: ready to advance {n:05d}",
            initiator_id=initiator_id,
            model_version=model.version,
            deadline=now + timedelta(days=30),
        )
        for n in range(count)
    )
    Contribution.objects.bulk_create(
        Contribution(
            programme=p,
            step=1,
            type="problem",
            organisation_id=initiator_id,
            author=author,
            title="Problem",
        )
        for p in ready
    )
    step = Programme.objects.create(
        title=STEP_TITLE,
        initiator_id=initiator_id,
        model_version=model.version,
        current_step=3,
        deadline=now + timedelta(days=30),
    )
    Contribution.objects.bulk_create(
        Contribution(
            programme=step,
            step=3,
            type="objective",
            organisation_id=contributor_ids[n % len(contributor_ids)],
            author=author,
            title=f"Objective {n}",
            body="Why this objective matters, in a sentence or two.",
            form_version=1,  # as `contribution_add` stores it
            data={"indicators": [{"name": f"Indicator {n}.{i}", **INDICATOR} for i in (1, 2)]},
        )
        for n in range(200)
    )
    programmes_adopt([big, step, *ready])
    return {"big": big.pk, "step200": step.pk, "ready": [p.pk for p in ready]}


# A generated programme's step, weighted toward the early steps as real ones are; only
# steps before the document is issued (later ones would need an issued document).
STEP_WEIGHTS = (30, 15, 12, 10, 10, 8, 8, 7)
CONTRIBUTION_SHARE = 0.25  # programmes with a problem statement (and some evidence)
LEAD_STEP = 5  # from this step on a programme has its lead agency (named at step 4)
PROBLEMS = ("Access to", "Waiting times for", "Cost of", "Quality of", "Reach of")
PLACES = ("Arden", "Belmor", "Carrow", "Dunmere", "Elsby", "Farrow", "Glenholt", "Harwick")
TOPICS = ("health care", "schooling", "clean water", "power", "farm credit", "public transport")
SUMMARY = "A problem raised for the scale benchmark: who is affected, since when, and how much."
FIELDS = (
    "id",
    "title",
    "summary",
    "initiator_id",
    "model_version",
    "workflow_id",
    "deadline",
    "current_step",
    "created_at",
    "step_started_at",
    "first_public_at",
    "lead_agency_id",
)
CONTRIBUTION_FIELDS = (
    "programme_id",
    "step",
    "type",
    "organisation_id",
    "author_id",
    "title",
    "body",
    "visibility",
    "created_at",
)


class Organisations(Protocol):
    """Where generated programmes find their organisations (organisations' bench pools)."""

    def pick(self, rng: random.Random, kind: str | None = None) -> int: ...

    def some(self, most: int) -> list[int]: ...


def _steps(model: GovernanceModel) -> tuple[list[int], list[int]]:
    issuing = model.tagged(ISSUES_DOCUMENT)
    last = min([model.step_count, *issuing])
    steps = list(range(1, last + 1))
    return steps, [STEP_WEIGHTS[min(n, len(STEP_WEIGHTS)) - 1] for n in steps]


def _programme(pk: int, ctx: dict[str, Any]) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """One programme row and its contribution rows."""
    rng: random.Random = ctx["rng"]
    now = ctx["now"]
    step = rng.choices(ctx["steps"], ctx["weights"])[0]
    created = now - timedelta(days=rng.random() * 3 * 365)
    entered = created + (now - created) * (rng.random() if step > 1 else 0)
    public = created + (entered - created) * rng.random() if step > 1 else None
    contributes = ctx["authors"] and rng.random() < CONTRIBUTION_SHARE
    pool: Organisations = ctx["organisations"]
    initiator = rng.choice(ctx["authors"]) if contributes else pool.pick(rng)
    lead = pool.pick(rng, Kind.MINISTRY_AGENCY) if step >= LEAD_STEP else None
    title = f"{rng.choice(PROBLEMS)} {rng.choice(TOPICS)} in {rng.choice(PLACES)} ({pk})"
    # The workflow instance and its deadline are filled in once the instances exist.
    row = (
        pk,
        title,
        SUMMARY,
        initiator,
        ctx["version"],
        None,
        None,
        step,
        created,
        entered,
        public,
        lead,
    )
    contributions = []
    if contributes:
        for n in range(rng.randint(1, 3)):
            kind, heading = ("problem", "The problem") if n == 0 else ("evidence", f"Evidence {n}")
            contributions.append(
                (pk, 1, kind, initiator, ctx["author"], heading, SUMMARY, "public", created)
            )
    return row, contributions


def _write(
    rows: list[tuple[Any, ...]], contributions: list[tuple[Any, ...]], ctx: dict[str, Any]
) -> None:
    """One batch: the workflow instances, the programmes linked to them, their contributions."""
    model: GovernanceModel = ctx["model"]
    key, number = model.definition.key, model.definition.version
    workflow_adopt(
        definition_key=key,
        version=number,
        subject_type=SUBJECT,
        subjects=[(r[0], model.state_of(r[7]), r[9]) for r in rows],
    )
    # Each instance's id and deadline (the programme keeps a copy of the deadline, as
    # `programme_create` does), read through the programme's own foreign key: programmes
    # import no core model, and core's public lookup gives ids only.
    instance = Programme._meta.get_field("workflow").related_model
    found = {
        subject: (pk, deadline)
        for subject, pk, deadline in instance._default_manager.filter(
            definition_key=key, subject_type=SUBJECT, subject_id__in=[str(r[0]) for r in rows]
        ).values_list("subject_id", "id", "deadline")
    }
    linked = [(*r[:5], *found[str(r[0])], *r[7:]) for r in rows]
    bulk_insert(Programme, FIELDS, linked)
    bulk_insert(Contribution, CONTRIBUTION_FIELDS, contributions)


def bench_programmes_load(
    *,
    count: int,
    organisations: Organisations,
    author: Any = None,
    seed: int = 0,
    batch: int = 5000,
) -> range:
    """Write `count` generated programmes, each on its workflow instance at its step, in
    batches (one transaction each); a quarter (of those started by the organisations
    `author` acts for) have a problem statement. Returns their ids."""
    model = current_model()
    steps, weights = _steps(model)
    ctx: dict[str, Any] = {
        "rng": random.Random(seed),  # noqa: S311 (reproducible test data, not secrets)
        "now": timezone.now(),
        "model": model,
        "version": model.version,
        "steps": steps,
        "weights": weights,
        "organisations": organisations,
        "author": author.pk if author is not None else None,
        "authors": organisations.some(100) if author is not None else [],
    }
    first = bulk_next_id(Programme)
    for start in range(first, first + count, batch):
        rows, contributions = [], []
        for pk in range(start, min(first + count, start + batch)):
            row, more = _programme(pk, ctx)
            rows.append(row)
            contributions += more
        with transaction.atomic():
            _write(rows, contributions, ctx)
        reset_queries()  # with DEBUG on, Django keeps every statement (each batch's, large)
    bulk_ids_settle(Programme)
    return range(first, first + count)


def programme_tables_analyze() -> None:
    """Refresh the planner's statistics of the programme tables (and of their workflow
    instances) after a load."""
    bulk_analyze(Programme, Contribution, Programme._meta.get_field("workflow").related_model)
