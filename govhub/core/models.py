"""The audit log (an append-only, keyed hash chain of every change), issued documents and
stored files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AnsweredForm",
    "AuditEntry",
    "AuditHead",
    "DocumentSeries",
    "FormDefinition",
    "FormStatus",
    "IdempotencyKey",
    "IssuedDocument",
]


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
    # Which audit key made `entry_hash` (an HMAC); "" for an entry made before the log was
    # keyed (a plain SHA-256), accepted only at the start of the chain.
    key_id = models.CharField(_("audit key"), max_length=32, blank=True, default="")

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


class DocumentSeries(models.Model):
    """The last number given in one series of issued documents (a prefix and a year).

    Issuing locks its row, so two documents never get the same number and none is skipped.
    """

    prefix = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document series")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="core_document_series_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class StoredFile(models.Model):
    """One stored file. Never changed after it is stored; served only through an access check.

    `key` is the storage path, made by GovHub (never from the uploaded name); `original_name`
    is the sanitised name people see and download it as; `content_type` was detected from the
    content. The uploader and organisation are plain ids, as in the audit log: deleting a
    person must not touch what they stored.
    """

    public_id = models.CharField(_("public id"), max_length=32, unique=True, editable=False)
    key = models.CharField(_("storage key"), max_length=255, unique=True, editable=False)
    use = models.CharField(_("use"), max_length=64, db_index=True)
    original_name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    scanned_by = models.CharField(_("scanned by"), max_length=32, blank=True)
    uploaded_by_id = models.BigIntegerField(_("uploaded by id"), null=True, blank=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)
    created_at = models.DateTimeField(_("stored at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        indexes = [
            models.Index(fields=["uploaded_by_id", "-created_at"], name="core_file_uploader")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.content_type}, {self.size} bytes)"


class IssuedDocument(models.Model):
    """A numbered, frozen, signed PDF: what was issued, by whom, about what.

    Never changed after issue. Issuer, subject and creator are plain values, not foreign keys:
    core knows no domain app, and deleting a person or an organisation must not touch what
    was issued. The signed PDF is a stored file (core.files, ADR 14); `sha256` is the issued
    PDF's own fingerprint, kept here so that a damaged stored copy is detected.
    """

    public_id = models.CharField(_("public id"), max_length=32, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    legal_status = models.CharField(_("legal status"), max_length=500)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issuer_label = models.CharField(_("issued by"), max_length=300)
    issuer_organisation_id = models.BigIntegerField(
        _("issuing organisation id"), null=True, blank=True, db_index=True
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, unique=True)
    file = models.OneToOneField(
        StoredFile,
        on_delete=models.PROTECT,
        related_name="issued_document",
        verbose_name=_("signed PDF"),
    )
    created_by_id = models.BigIntegerField(_("created by id"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # The public register's order (newest first, paged by cursor on both fields).
            models.Index(fields=["-issued_at", "-id"], name="core_document_register"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DataVersion(models.Model):
    """A named counter that cached pages put in their keys (govhub.core.versions): bumped after
    each committed write that changes what those pages show, read by primary key."""

    name = models.CharField(primary_key=True, max_length=100)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class IdempotencyKey(models.Model):
    """A REST write's `Idempotency-Key` and the answer it got (docs/adr/0024): a retry with
    the same key gets the same answer back instead of a second write.

    Written in the write's own transaction, so a key is stored exactly when its write is;
    `status` is null only inside that transaction (a key being used). Swept after
    `expires_at` (24 hours)."""

    # No index of its own: the unique (user, key) index starts with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.TextField(help_text="The path and its sorted query string")
    request_sha256 = models.CharField(max_length=64, help_text="Of the canonical request body")
    status = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(default=b"")
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


# Defined in their own package; imported last, as that package reads the models above.
from govhub.core.forms.models import AnsweredForm, FormDefinition, FormStatus  # noqa: E402

# Notifications live in their own package (docs/adr/0015-notifications.md).
from govhub.core.notifications.models import (  # noqa: E402, F401
    Delivery,
    DeliveryAttempt,
    Notification,
    NotificationPreference,
)
from govhub.core.search.models import SearchEntry  # noqa: E402, F401
from govhub.core.workers.models import WorkerHeartbeat  # noqa: E402, F401
from govhub.core.workflow.models import (  # noqa: E402, F401  (registered through core)
    WorkflowDecision,
    WorkflowDefinitionVersion,
    WorkflowInstance,
)
