"""The audit log: an append-only, hash-chained record of every state change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One action: who did what to which target, when, from where, with which change.

    Actor and organisation are plain ids, not foreign keys, so that deleting a person or an
    organisation never rewrites (and so never breaks) the chain.
    """

    sequence = models.BigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    organisation_id = models.BigIntegerField(
        _("acting organisation id"), null=True, blank=True, db_index=True
    )
    verb = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=254, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_address = models.CharField(_("client address"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.verb} {self.target_type}:{self.target_id}"


class AuditHead(models.Model):
    """The chain's head: the sequence number and hash of the last entry.

    One row. Appending locks it, so concurrent writers take turns; verification compares it
    with the last entry, so deleting the newest entries is detected too.
    """

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"audit head #{self.last_sequence}"
