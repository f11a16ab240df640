"""Generated programmes for load benchmarks (`govhub demo --bench-programmes N`).

Written in bulk, without the actions or the audit log: this is load-test data for a
throw-away database, never demo or production data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhub.programmes.governance import current_model
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
