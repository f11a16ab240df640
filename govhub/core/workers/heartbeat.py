"""The thread in each worker process that keeps its heartbeat fresh and, every half lease,
releases the tasks of workers that are gone (so no task waits for the sweep to be running);
and the worker itself, patient with a database that is restarting."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from govhub.core.workers.lease import tasks_release_lost, worker_beat, worker_start

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


class PatientWorker(Worker):
    """django-tasks-db's worker, patient with a database that restarts: it waits up to
    GOVHUB_TASK_RESULT_PATIENCE_SECONDS to record a result (the library tries three times in
    0.2 s, then the worker dies with the task RUNNING, and the task runs again after the
    lease), and when the database goes away between tasks it waits for it instead of dying."""

    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                # Inside a transaction (a caller's, a test's) a closed connection never comes
                # back: waiting would wait for ever.
                if not self.running or connection.in_atomic_block:
                    raise
                self._wait_for_database(error)

    def _wait_for_database(self, error: Exception) -> None:
        waited = 0
        while self.running:
            if waited % 60 == 0:
                logger.warning(
                    "Worker %s lost the database (%s); waiting for it", self.worker_id, error
                )
            time.sleep(1)
            waited += 1
            close_old_connections()  # drops the broken connection; the next reconnects
            try:
                # Back: anything this worker still held (a result it could not record) is
                # released, as at a restart; it runs no task now.
                worker_start(self.worker_id)
            except (OperationalError, InterfaceError):
                continue
            logger.warning("Worker %s has the database again", self.worker_id)
            return

    def run_task(self, db_task_result: DBTaskResult[..., object]) -> None:
        for name in ("set_successful", "set_failed"):
            setattr(db_task_result, name, _patient(getattr(db_task_result, name)))
        super().run_task(db_task_result)


def _patient(record: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(record)
    def patiently(*args: Any, **kwargs: Any) -> None:
        deadline = time.monotonic() + settings.GOVHUB_TASK_RESULT_PATIENCE_SECONDS
        wait = 0.25
        while True:
            try:
                record(*args, **kwargs)
                return
            except (OperationalError, InterfaceError):
                if time.monotonic() + wait > deadline:
                    raise
                logger.warning("Database away while recording a task's result; retrying")
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
                close_old_connections()  # drops the broken connection; the next reconnects

    return patiently
