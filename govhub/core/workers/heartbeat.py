"""The thread in each worker process that keeps its heartbeat fresh and, every half lease,
releases the tasks of workers that are gone (so no task waits for the sweep to be running)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.utils import timezone

from govhub.core.workers.lease import tasks_release_lost, worker_beat

logger = logging.getLogger("govhub.workers")


class Heartbeat(threading.Thread):
    """Beats every GOVHUB_TASK_HEARTBEAT_SECONDS until `stop()`; a database error is logged
    and the next beat tried (the lease is several beats long)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self._stopping = threading.Event()

    def run(self) -> None:
        every = float(settings.GOVHUB_TASK_HEARTBEAT_SECONDS)
        check_every = settings.GOVHUB_TASK_LEASE_SECONDS / 2
        next_check = time.monotonic() + check_every
        try:
            while not self._stopping.wait(every):
                try:
                    worker_beat(self.worker_id)
                    if time.monotonic() >= next_check:
                        next_check = time.monotonic() + check_every
                        tasks_release_lost(timezone.now())
                except Exception:  # the database is away: beat again later
                    logger.warning("Worker %s could not beat", self.worker_id, exc_info=True)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        """Stop beating (the worker is stopping) and wait for the thread."""
        self._stopping.set()
        self.join(timeout=10)
