"""Writes of notifications: telling people, marking read, saving preferences."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from govhub.core.audit import audit_record
from govhub.core.errors import InvalidInput
from govhub.core.notifications.models import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
)
from govhub.core.notifications.tasks import deliver_soon

# Without a preference row: email and in-app, no SMS.
DEFAULT_CHANNELS: dict[str, Any] = {"email": True, "sms": False, "in_app": True, "phone": ""}


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    reference: str,
    url: str = "",
    subject: Any = None,
    context: dict[str, Any] | None = None,
    once_key: str = "",
) -> None:
    """Tell these people about `subject` (by their chosen channels) once the current
    transaction commits; if it rolls back, nobody is told. `reference` (e.g. a programme's
    number and title) and `url` travel with every message; templates: notifications/<kind>/.
    With `once_key` (e.g. the id of the task calling), a second call tells nobody twice."""
    ids = sorted(set(recipient_ids))
    if not ids:
        return
    transaction.on_commit(
        partial(
            notify_now,
            recipient_ids=ids,
            kind=kind,
            reference=reference[:254],
            url=url,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            context=context or {},
            once_key=once_key[:64],
        )
    )


def notify_now(
    *,
    recipient_ids: list[int],
    kind: str,
    reference: str,
    url: str,
    subject_type: str = "",
    subject_id: str = "",
    context: dict[str, Any],
    once_key: str = "",
) -> list[Notification]:
    """Store the notifications and their queued deliveries now, and have a worker send them
    (to those not yet told under `once_key`, when given)."""
    users = get_user_model().objects.filter(pk__in=recipient_ids, is_active=True)
    if once_key:
        told = Notification.objects.filter(once_key=once_key).values("recipient_id")
        users = users.exclude(pk__in=told)
    addresses: dict[int, str] = dict(users.values_list("pk", "email"))
    chosen: dict[int, dict[str, Any]] = {
        p["user_id"]: dict(p)
        for p in NotificationPreference.objects.filter(user_id__in=addresses).values(
            "user_id", "email", "sms", "in_app", "phone"
        )
    }
    now = timezone.now()
    rows: list[tuple[Notification, dict[str, Any]]] = []
    for user_id in sorted(addresses):
        channels = chosen.get(user_id, DEFAULT_CHANNELS)
        if not (channels["email"] or channels["sms"] or channels["in_app"]):
            continue
        notification = Notification(
            recipient_id=user_id,
            kind=kind,
            reference=reference,
            url=url,
            subject_type=subject_type,
            subject_id=subject_id,
            context=context,
            in_app=channels["in_app"],
            once_key=once_key,
        )
        rows.append((notification, channels))
    with transaction.atomic():
        created = Notification.objects.bulk_create([n for n, _ in rows])
        deliveries = []
        for notification, channels in zip(created, (c for _, c in rows), strict=True):
            if channels["email"] and addresses[notification.recipient_id]:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=Channel.EMAIL,
                        address=addresses[notification.recipient_id],
                        next_attempt_at=now,
                    )
                )
            if channels["sms"] and channels["phone"]:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        channel=Channel.SMS,
                        address=channels["phone"],
                        next_attempt_at=now,
                    )
                )
        Delivery.objects.bulk_create(deliveries)
        if deliveries:
            deliver_soon()
    return created


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def notification_preferences_save(
    *,
    actor: Any,
    email: bool,
    sms: bool,
    in_app: bool,
    phone: str,
    language: str,
) -> NotificationPreference:
    """Save the actor's own channels, phone number and language of messages."""
    phone = "".join(phone.split())
    if sms and not phone:
        raise InvalidInput(
            gettext("Enter a mobile phone number to get text messages."),
            code="phone_required",
            details={"field": "phone"},
        )
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput(
            gettext("Choose a language from the list."),
            code="invalid_data",
            details={"field": "language"},
        )
    fields = {"email": email, "sms": sms, "in_app": in_app, "phone": phone, "language": language}
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
            user=actor, defaults=fields
        )
        for name, value in fields.items():
            setattr(preference, name, value)
        preference.save()
        audit_record(
            actor=actor,
            verb="notifications.preferences_save",
            target=preference,
            changes={k: v for k, v in fields.items() if k != "phone"} | {"phone_set": bool(phone)},
        )
    return preference
