"""`govhub db_worker`: django-tasks-db's worker, with a heartbeat so that a task whose worker
dies is run again (docs/adr/0025-task-leases-and-cache-outages.md).

Same options as the library's command. At start the worker records itself and releases the
tasks an earlier process with the same `--worker-id` left RUNNING; while it lives a thread
keeps its heartbeat fresh; on a clean stop it forgets itself. A result that cannot be recorded
because the database is away (a restart) is retried for a while instead of killing the worker
with the task left RUNNING, which would have it run a second time.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from govhub.core.workers import worker_gone, worker_start
from govhub.core.workers.heartbeat import Heartbeat, PatientWorker


class Command(db_worker.Command):
    help = "Run background tasks from the database queue (with a lease: see ADR 0025)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The library's `handle`, with our worker and its heartbeat.
        self.configure_logging(options["verbosity"])
        reload = options["reload"] and not options["batch"]
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PatientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            # The reloader's watching process runs no task; its child (this command again,
            # with the variable set) does, and beats.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
                run_with_reloader(lambda: _run_beating(worker))
            else:
                run_with_reloader(worker.run)
            return
        worker.configure_signals()
        _run_beating(worker)


def _run_beating(worker: PatientWorker) -> None:
    worker_start(worker.worker_id)
    heartbeat = Heartbeat(worker.worker_id)
    heartbeat.start()
    try:
        worker.run()
    finally:
        heartbeat.stop()
        worker_gone(worker.worker_id)
