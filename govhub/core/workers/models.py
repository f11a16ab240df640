"""A task worker's sign of life (docs/adr/0025-task-leases-and-cache-outages.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One running `govhub db_worker`: it moves `seen_at` on every few seconds, from a thread
    of its own, for as long as the process lives (even while a long task runs). A task whose
    worker has not been seen for the lease is taken back (`tasks_release_lost`)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        # The sweep forgets workers gone for long by this column.
        indexes = [models.Index(fields=["seen_at"], name="worker_heartbeat_seen")]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
