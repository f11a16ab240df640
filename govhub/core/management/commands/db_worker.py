"""`govhub db_worker`: django-tasks-db's worker, with a heartbeat so that a task whose worker
dies is run again (docs/adr/0025-task-leases-and-cache-outages.md).

Same options as the library's command. At start the worker records itself and releases the
tasks an earlier process with the same `--worker-id` left RUNNING; while it lives a thread
keeps its heartbeat fresh; on a clean stop it forgets itself.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from govhub.core.workers import worker_gone, worker_start
from govhub.core.workers.heartbeat import Heartbeat


class Command(db_worker.Command):
    help = "Run background tasks from the database queue (with a lease: see ADR 0025)."

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        ):
            # The reloader's watching process runs no task; its child (this command again,
            # with the variable set) does, and beats.
            super().handle(*args, **options)
            return
        worker_id = options["worker_id"]
        worker_start(worker_id)
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            worker_gone(worker_id)
