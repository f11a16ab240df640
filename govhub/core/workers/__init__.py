"""Task workers with a lease: a worker that dies mid-task loses no task
(docs/adr/0025-task-leases-and-cache-outages.md)."""

from govhub.core.workers.lease import (
    WorkerLost,
    tasks_release_lost,
    worker_beat,
    worker_gone,
    worker_start,
)

__all__ = ["WorkerLost", "tasks_release_lost", "worker_beat", "worker_gone", "worker_start"]
