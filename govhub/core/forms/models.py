"""Stored form definitions: one row per version of a form; a published one never changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class FormDefinition(models.Model):
    """One version of one form: its document (pages of questions) and whether it is published.

    Answers are stored with the key and version they were given under, so a published
    version's document is frozen (`form_definition_save` refuses to change it; a change is a
    new version).
    """

    key = models.CharField(_("key"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=FormStatus.choices, default=FormStatus.DRAFT
    )
    document = models.JSONField(_("definition"))
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("The file it was loaded from.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["key", "version"]
        verbose_name = _("form definition")
        verbose_name_plural = _("form definitions")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="core_form_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version} ({self.status})"


class AnsweredForm(models.Model):
    """Abstract: a record holding answers with the form key and version they were given under."""

    form_key = models.CharField(_("form"), max_length=100)
    form_version = models.PositiveIntegerField(_("form version"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta:
        abstract = True
