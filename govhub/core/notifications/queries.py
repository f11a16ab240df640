"""Reads of notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from govhub.core.notifications.models import Notification, NotificationPreference


def notification_unread_count(*, viewer: Any) -> int:
    """How many of the viewer's in-app notifications are unread (one partial-index lookup)."""
    return Notification.objects.filter(recipient=viewer, in_app=True, read_at__isnull=True).count()


def notification_list(*, viewer: Any) -> QuerySet[Notification]:
    """The viewer's in-app notifications, newest first."""
    return Notification.objects.filter(recipient=viewer, in_app=True).order_by("-id")


def notification_preferences_get(*, viewer: Any) -> NotificationPreference:
    """The viewer's preferences (an unsaved default row when they never chose)."""
    found = NotificationPreference.objects.filter(user=viewer).first()
    return found or NotificationPreference(user=viewer)
