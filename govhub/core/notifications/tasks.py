"""Background tasks of notifications (run by `govhub db_worker`)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django_tasks import task

from govhub.core.notifications.delivery import (
    deliveries_requeue_stale,
    deliveries_send_due,
    next_retry_at,
)

logger = logging.getLogger("govhub.notifications")


@task()
def deliver_due() -> dict[str, int]:
    """Send every queued delivery that is due; if some failed, come back when the first retry
    is due (where the backend can defer a task; otherwise `govhub sweep` does)."""
    counts = deliveries_send_due()
    if counts["failed"]:
        retry_at = next_retry_at()
        if retry_at is not None and deliver_due.get_backend().supports_defer:
            deliver_due.using(run_after=retry_at).enqueue()
    return counts


def _already_waiting() -> bool:
    # A deliver_due task that has not started yet will see every delivery committed before it
    # starts, so one waiting task is enough (10,000 notifications queue one task, not 10,000).
    from django_tasks_db.backend import DatabaseBackend

    backend = deliver_due.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=deliver_due.module_path, backend_name=backend.alias)
        .exists()
    )


def deliver_soon() -> None:
    """Have a worker send the queued deliveries once the current transaction commits."""

    def enqueue() -> None:
        try:
            if not _already_waiting():
                deliver_due.enqueue()
        except Exception:  # the deliveries are stored; `govhub sweep` sends them later
            logger.exception("Could not queue the delivery task")

    transaction.on_commit(enqueue)


def sweep_deliveries(now: datetime) -> int:
    """Sweep job: queue again the deliveries of a worker that died, and have a worker send
    every delivery now due (retries, or ones whose task was lost); returns how many are due."""
    from govhub.core.notifications.models import Delivery, DeliveryStatus

    deliveries_requeue_stale(now=now)
    due = Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).count()
    if due and not _already_waiting():
        deliver_due.enqueue()
    return due
