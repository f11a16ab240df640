"""Leases on running tasks: a task whose worker died is run again, or failed with the reason.

django-tasks-db marks a task RUNNING when a worker claims it and appends the worker's id to
`worker_ids`; nothing ever looks at it again if that worker is killed (SIGKILL, the OOM
killer, a lost host). Here every worker keeps a `WorkerHeartbeat` row fresh, and a RUNNING task
whose last worker has not been seen for GOVHUB_TASK_LEASE_SECONDS is *released*: back to READY
(another worker runs it) while it has been claimed fewer than GOVHUB_TASK_MAX_ATTEMPTS times,
else FAILED with `WorkerLost` and a sentence saying why. Tasks are therefore run at least once,
and must be safe to run twice (ADR 0025 lists them).

Every release is one conditional update (the status and the claim time it was read with), so
several workers and sweeps may look at once and a task is released once. Releases are logged
(warning), not audited: they change the queue's bookkeeping, not the public record, and the
task row keeps the evidence (every worker that claimed it, the failure text).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from govhub.core.workers.models import WorkerHeartbeat

logger = logging.getLogger("govhub.workers")

TaskRow = DBTaskResult[..., object]  # one row of django-tasks-db's queue

# A worker not seen for this long is forgotten (its tasks were released long before).
FORGET_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The worker running a task stopped (killed, or its host lost) before recording a result."""


def worker_start(worker_id: str, *, now: datetime | None = None) -> int:
    """A worker is starting: record it, and release the tasks an earlier process with the same
    id left RUNNING (a worker runs one task at a time, so any is an orphan); how many."""
    now = now or timezone.now()
    worker_beat(worker_id, now=now, starting=True)
    orphans = [row for row in _running() if row.worker_ids and row.worker_ids[-1] == worker_id]
    return sum(_release(row, now=now, seen=None, restarted=True) for row in orphans)


def worker_beat(worker_id: str, *, now: datetime | None = None, starting: bool = False) -> None:
    """The worker is alive: move its `seen_at` on (one indexed update)."""
    now = now or timezone.now()
    fields = {"seen_at": now, "pid": os.getpid(), "host": socket.gethostname()[:255]}
    if starting:
        fields["started_at"] = now
    if WorkerHeartbeat.objects.filter(pk=worker_id).update(**fields):
        return
    try:
        with transaction.atomic():
            WorkerHeartbeat.objects.create(worker_id=worker_id, **{"started_at": now, **fields})
    except IntegrityError:  # another process with this id beat us to it
        WorkerHeartbeat.objects.filter(pk=worker_id).update(**fields)


def worker_gone(worker_id: str) -> None:
    """The worker stopped cleanly: forget it."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def tasks_release_lost(now: datetime) -> int:
    """Release every RUNNING task whose worker has not been seen for the lease (the sweep job
    `task_leases`, and every worker every half lease); returns how many were released."""
    cutoff = now - timedelta(seconds=settings.GOVHUB_TASK_LEASE_SECONDS)
    suspects = list(_running().filter(started_at__lt=cutoff))
    released = 0
    if suspects:
        workers = {row.worker_ids[-1] for row in suspects if row.worker_ids}
        seen = dict(
            WorkerHeartbeat.objects.filter(worker_id__in=workers).values_list(
                "worker_id", "seen_at"
            )
        )
        for row in suspects:
            last_seen = seen.get(row.worker_ids[-1]) if row.worker_ids else None
            if last_seen is None or last_seen < cutoff:
                released += _release(row, now=now, seen=last_seen, restarted=False)
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return released


def _running() -> QuerySet[TaskRow]:
    # Served by the index `govhub_task_running` (status, started_at), made by core's migration.
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "started_at", "task_path"
    )


def _why(row: TaskRow, *, seen: datetime | None, restarted: bool) -> str:
    worker = row.worker_ids[-1] if row.worker_ids else "?"
    if restarted:
        return f"worker {worker} was restarted while it ran this task"
    if seen is None:
        return f"worker {worker} was never seen"
    return f"worker {worker} was last seen at {seen.isoformat(timespec='seconds')}"


def _release(row: TaskRow, *, now: datetime, seen: datetime | None, restarted: bool) -> int:
    attempts = len(row.worker_ids)
    why = _why(row, seen=seen, restarted=restarted)
    claimed = DBTaskResult.objects.filter(
        pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
    )
    if attempts >= settings.GOVHUB_TASK_MAX_ATTEMPTS:
        text = (
            f"{WorkerLost.__module__}.WorkerLost: the worker running this task stopped before "
            f"it finished, {attempts} times (last: {why}); it is not tried again.\n"
        )
        changed = claimed.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.WorkerLost",
            traceback=text,
        )
        outcome = "failed"
    else:
        changed = claimed.update(status=TaskResultStatus.READY)
        outcome = "queued again"
    if changed:
        logger.warning(
            "Task %s (%s) %s after attempt %d of %d: %s",
            row.pk,
            row.task_path,
            outcome,
            attempts,
            settings.GOVHUB_TASK_MAX_ATTEMPTS,
            why,
        )
    return changed
