"""Programmes through the steps of their governance model, and their contributions (their
step decisions are their workflow instance's, in core.workflow)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", pgettext_lazy("programme status", "Closed")


class Programme(models.Model):
    """A public programme, from an exposed problem (step 1) to a reviewed result."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    initiator = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("initiating organisation"),
        on_delete=models.PROTECT,
        related_name="initiated_programmes",
    )
    # The governance model (workflow definition) the programme started on, "key:version";
    # its instance of that workflow holds its state and decisions (core.workflow).
    model_version = models.CharField(max_length=64)
    # Its instance of that workflow, read with the programme in one query by every transition.
    workflow = models.OneToOneField(
        "core.WorkflowInstance",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    step_started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(_("deadline of the current step"), null=True, blank=True)
    lead_agency = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_programmes",
    )
    # Public id of the issued document (core's IssuedDocument), once step 8 is done.
    document_id = models.CharField(max_length=64, blank=True, default="")
    previous_cycle = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_cycles"
    )
    # When the programme first became public (left step 1, or closed). Once public, always
    # public: a return to step 1 does not hide it or its decisions.
    first_public_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=models.Q(current_step__gte=1), name="prog_step_from_1")
        ]
        # The list's ordering, alone and after each filter that narrows it (ADR 0018).
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="prog_list"),
            models.Index(fields=["status", "-created_at", "-id"], name="prog_list_status"),
            models.Index(fields=["current_step", "-created_at", "-id"], name="prog_list_step"),
        ]

    def __str__(self) -> str:
        return self.title


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Participants only")
    DRAFT = "draft", _("Private draft")


class ContributionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SET_ASIDE = "set_aside", _("Set aside")


class Contribution(models.Model):
    """An artefact an organisation adds to a programme at a step (typed by the step)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="contributions")
    step = models.PositiveSmallIntegerField(_("step"))
    type = models.CharField(_("type"), max_length=32)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contributions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("structured data"), default=dict, blank=True)
    # The version of the type's form (`programmes.<type>`) the answers in `data` were given
    # under; empty for contributions added before artefacts were forms (read as version 1).
    form_version = models.PositiveIntegerField(_("form version"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A contribution is never deleted: its author may withdraw it, or the step's gatekeepers
    # set it aside with a reason, before the step closes. Only active ones count for gates.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ContributionStatus.choices,
        default=ContributionStatus.ACTIVE,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    class Meta:
        ordering = ["step", "created_at", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        indexes = [models.Index(fields=["programme", "step"])]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"

    @property
    def counts(self) -> bool:
        """Whether the contribution counts for gates and figures (not withdrawn or set aside)."""
        return self.status == ContributionStatus.ACTIVE


class DecisionAction(models.TextChoices):
    """The names of a programme's transitions in its model, for their labels."""

    ADVANCE = "advance", _("Advanced")
    RETURN = "return", _("Returned")
    CLOSE = "close", pgettext_lazy("step decision", "Closed")
