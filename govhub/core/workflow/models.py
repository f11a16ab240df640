"""Workflow instances and their decisions; the definition versions they started on.

Registered through core's app (imported by `govhub.core.models`). The subject is a plain
type and id, not a foreign key: core knows no domain app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkflowDefinitionVersion(models.Model):
    """One version of a definition, stored as it was when its first instance started: a
    running instance keeps its rules whatever later happens to the file."""

    key = models.CharField(_("key"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("definition"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)

    class Meta:
        app_label = "core"
        verbose_name = _("workflow definition version")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="core_workflow_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class WorkflowInstance(models.Model):
    """A subject's way through a definition: where it is, since when, until when.

    `revision` grows with every change, so a write conditioned on the revision it read
    catches any concurrent change (409 state_changed) without a lock held while checking.
    """

    definition = models.ForeignKey(
        WorkflowDefinitionVersion, on_delete=models.PROTECT, related_name="instances"
    )
    definition_key = models.CharField(_("workflow"), max_length=64)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    state = models.CharField(_("state"), max_length=64)
    revision = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    entered_at = models.DateTimeField(_("in this state since"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended since"), null=True, blank=True)
    extended_days = models.PositiveIntegerField(_("working days of extension"), default=0)
    # The next reminder or escalation ("reminder:5", "escalation:0") and when it is due; the
    # periodic sweep finds due ones by this index alone.
    next_alert = models.CharField(max_length=32, blank=True, default="")
    next_alert_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("workflow instance")
        constraints = [
            models.UniqueConstraint(
                fields=["definition_key", "subject_type", "subject_id"],
                name="core_workflow_one_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_workflow_subject"),
            models.Index(fields=["next_alert_at"], name="core_workflow_next_alert"),
        ]

    def __str__(self) -> str:
        return f"{self.definition_key} {self.subject_type}:{self.subject_id} at {self.state}"

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None


class DecisionKind(models.TextChoices):
    START = "start", _("Started")
    TRANSITION = "transition", _("Moved")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    EXTEND = "extend", _("Extended")


class WorkflowDecision(models.Model):
    """One decision on an instance: who, acting for which organisation, when, from which
    state to which, by which transition, and why. The instance's history is these rows."""

    instance = models.ForeignKey(
        WorkflowInstance, on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DecisionKind.choices)
    transition = models.CharField(_("transition"), max_length=64, blank=True)
    from_state = models.CharField(_("from"), max_length=64, blank=True)
    to_state = models.CharField(_("to"), max_length=64)
    reason = models.TextField(_("reason"), blank=True)
    working_days = models.IntegerField(_("working days"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation_id = models.BigIntegerField(_("acting organisation id"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline after"), null=True, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["created_at", "id"]
        verbose_name = _("workflow decision")
        verbose_name_plural = _("workflow decisions")
        indexes = [models.Index(fields=["instance", "id"], name="core_workflow_history")]

    def __str__(self) -> str:
        return (
            f"{self.instance_id}: {self.kind} {self.transition} {self.from_state}->{self.to_state}"
        )
