"""The periodic sweep: named jobs that `govhub sweep` runs, e.g. every minute from cron or as
`govhub sweep --every 60` beside the workers (docs/adr/0004-background-tasks-django-tasks.md).

Each job must be safe to run twice at once (several hosts may sweep): it claims its rows with
a conditional update, or only queues a task. Deadline reminders and escalations register here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger("govhub.sweep")

SweepJob = Callable[[datetime], int]
_JOBS: dict[str, SweepJob] = {}


def sweep_register(name: str, job: SweepJob) -> None:
    """Run `job(now)` on every sweep; it returns how many things it did."""
    _JOBS[name] = job


def sweep_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every registered job once; a failing job is logged and the others still run."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for name, job in sorted(_JOBS.items()):
        try:
            done[name] = job(now)
        except Exception:
            logger.exception("Sweep job %s failed", name)
            done[name] = -1
    return done
