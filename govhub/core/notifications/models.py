"""Notifications: what a person is told, each delivery by email or SMS and its attempts, and
each person's choice of channels (docs/adr/0015-notifications.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message (SMS)")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one person about one thing (a programme, later an application).

    `kind` names its templates (notifications/<kind>/...); `reference` and `url` say what it
    is about and travel with every channel; `context` holds the templates' other values.
    `in_app` rows are listed on the person's notifications page until read.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    reference = models.CharField(_("about"), max_length=254)
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    context = models.JSONField(default=dict, blank=True)
    in_app = models.BooleanField(default=True)
    # Set by a caller that may run twice (a task run again after its worker died): one
    # notification per person and key (docs/adr/0025-task-leases-and-cache-outages.md).
    once_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The header's unread count on every page: one lookup in this partial index.
            models.Index(
                fields=["recipient"],
                condition=models.Q(in_app=True, read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-id"], name="notification_recipient_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["once_key", "recipient"],
                condition=~models.Q(once_key=""),
                name="notification_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.reference}"


class Delivery(models.Model):
    """Sending one notification over one channel: queued until sent, retried with backoff."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["claimed_by"], name="delivery_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.address}: {self.status}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, and the error if it failed ("" when sent)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"))
    succeeded = models.BooleanField(_("sent"))
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at}: {'sent' if self.succeeded else self.error}"


class NotificationPreference(models.Model):
    """A person's channels, phone number for SMS and language of messages ("" = the site's).

    Without a row a person gets email and in-app notifications, no SMS.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by text message (SMS)"), default=False)
    in_app = models.BooleanField(_("on this site"), default=True)
    phone = models.CharField(_("mobile phone number"), max_length=32, blank=True)
    language = models.CharField(_("language of messages"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
