"""Sending queued deliveries: claimed in batches by a conditional update (so two workers never
send the same one), email over one SMTP connection per batch, failures retried with
exponential backoff. A down SMTP server loses nothing: its deliveries stay queued, each failed
attempt recorded with its reason, until it is back."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from govhub.core.notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    NotificationPreference,
)
from govhub.core.notifications.render import Message, render_message
from govhub.core.notifications.sms import SmsError, sms_provider

logger = logging.getLogger("govhub.notifications")

BATCH = 200
# A claim older than this belongs to a worker that died mid-batch: the sweep queues it again.
STALE_CLAIM = timedelta(minutes=15)


class SendFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:500]
        self.permanent = permanent


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: the base, doubled each time, capped."""
    base = settings.GOVHUB_NOTIFY_RETRY_SECONDS
    seconds = min(base * 2 ** min(attempts - 1, 30), settings.GOVHUB_NOTIFY_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _claim(now: datetime) -> list[Delivery]:
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:BATCH]
    )
    if not ids:
        return []
    token = uuid.uuid4().hex
    Delivery.objects.filter(id__in=ids, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, claimed_by=token, claimed_at=now
    )
    return list(Delivery.objects.filter(claimed_by=token).select_related("notification__recipient"))


def _languages(deliveries: Sequence[Delivery]) -> dict[int, str]:
    users = {d.notification.recipient_id for d in deliveries}
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=users)
        .exclude(language="")
        .values_list("user_id", "language")
    )
    return {user: chosen.get(user, settings.LANGUAGE_CODE) for user in users}


def _smtp_failure(exc: Exception) -> SendFailed:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return SendFailed(f"recipient refused: {exc.recipients}", permanent=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = (
            exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        )
        return SendFailed(f"SMTP {exc.smtp_code} {message}", permanent=500 <= exc.smtp_code < 600)
    return SendFailed(f"{type(exc).__name__}: {exc}", permanent=False)


def _send_emails(batch: list[tuple[Delivery, Message]]) -> dict[int, SendFailed | None]:
    """Send a batch over GOVHUB_NOTIFY_SMTP_CONNECTIONS connections at once: each message
    waits for several replies of the server, so parallel connections hide that wait."""
    size = max(1, settings.GOVHUB_NOTIFY_SMTP_CONNECTIONS)
    slices = [batch[i::size] for i in range(size) if batch[i::size]]
    if len(slices) == 1:
        return _send_over_one_connection(slices[0])
    outcome: dict[int, SendFailed | None] = {}
    with ThreadPoolExecutor(max_workers=len(slices)) as pool:
        for part in pool.map(_send_in_a_pool_thread, slices):
            outcome.update(part)
    return outcome


def _send_in_a_pool_thread(
    batch: list[tuple[Delivery, Message]],
) -> dict[int, SendFailed | None]:
    try:
        return _send_over_one_connection(batch)
    finally:
        # This pool thread's own database connections, if rendering opened one; never the
        # caller's (closing that one would break its transaction).
        connections.close_all()


def _send_over_one_connection(
    batch: list[tuple[Delivery, Message]],
) -> dict[int, SendFailed | None]:
    outcome: dict[int, SendFailed | None] = {}
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001  (any failure to connect: retried later)
        failure = _smtp_failure(exc)
        return {delivery.id: failure for delivery, _ in batch}
    try:
        for delivery, message in batch:
            email = EmailMultiAlternatives(
                subject=message.subject,
                body=message.text,
                to=[delivery.address],
                headers={"Message-ID": f"<notification-{delivery.id}@govhub>"},
                connection=connection,
            )
            email.attach_alternative(message.html, "text/html")
            try:
                email.send()
                outcome[delivery.id] = None
            except Exception as exc:  # noqa: BLE001
                outcome[delivery.id] = _smtp_failure(exc)
                if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                    connection.close()  # the next message reconnects
    finally:
        with contextlib.suppress(Exception):  # closing a broken connection
            connection.close()
    return outcome


def _send_sms(batch: list[tuple[Delivery, Message]]) -> dict[int, SendFailed | None]:
    outcome: dict[int, SendFailed | None] = {}
    provider = sms_provider()
    for delivery, message in batch:
        try:
            provider.send(to=delivery.address, text=message.sms)
            outcome[delivery.id] = None
        except SmsError as exc:
            outcome[delivery.id] = SendFailed(str(exc), permanent=exc.permanent)
    return outcome


def _record(deliveries: list[Delivery], outcome: dict[int, SendFailed | None]) -> None:
    """Store each delivery's attempt and new state: one UPDATE per distinct outcome (in a
    batch nearly all share one), not one per row."""
    now = timezone.now()
    groups: dict[tuple[str, str, datetime | None], list[int]] = defaultdict(list)
    attempts = []
    for delivery in deliveries:
        failure = outcome.get(delivery.id, SendFailed("not sent", permanent=False))
        tries = delivery.attempts + 1
        if failure is None:
            groups[(DeliveryStatus.SENT, "", None)].append(delivery.id)
        else:
            give_up = failure.permanent or tries >= settings.GOVHUB_NOTIFY_MAX_ATTEMPTS
            status = DeliveryStatus.FAILED if give_up else DeliveryStatus.QUEUED
            groups[(status, failure.reason, now + backoff(tries))].append(delivery.id)
            logger.warning("Delivery %s failed: %s", delivery.id, failure.reason)
        attempts.append(
            DeliveryAttempt(
                delivery_id=delivery.id,
                at=now,
                succeeded=failure is None,
                error="" if failure is None else failure.reason,
            )
        )
    with transaction.atomic():
        for (new_status, error, retry_at), ids in groups.items():
            changes: dict[str, Any] = {"status": new_status, "last_error": error}
            changes |= {"sent_at": now} if retry_at is None else {"next_attempt_at": retry_at}
            Delivery.objects.filter(id__in=ids).update(
                attempts=F("attempts") + 1, claimed_by="", claimed_at=None, **changes
            )
        DeliveryAttempt.objects.bulk_create(attempts)


def deliveries_send_due(*, now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every delivery that is due (at most `limit`); returns counts of sent and failed."""
    counts = {"sent": 0, "failed": 0}
    while limit is None or counts["sent"] + counts["failed"] < limit:
        deliveries = _claim(now or timezone.now())
        if not deliveries:
            break
        languages = _languages(deliveries)
        names = {u.pk: u.get_full_name() for u in _recipients(deliveries)}
        messages: dict[str, list[tuple[Delivery, Message]]] = {Channel.EMAIL: [], Channel.SMS: []}
        outcome: dict[int, SendFailed | None] = {}
        for delivery in deliveries:
            user_id = delivery.notification.recipient_id
            try:
                message = render_message(
                    delivery.notification,
                    language=languages[user_id],
                    name=names[user_id],
                    sms=delivery.channel == Channel.SMS,
                )
            except Exception as exc:  # noqa: BLE001  (a broken template fails its delivery only)
                outcome[delivery.id] = SendFailed(f"template: {exc}", permanent=True)
                continue
            messages[delivery.channel].append((delivery, message))
        if messages[Channel.EMAIL]:
            outcome.update(_send_emails(messages[Channel.EMAIL]))
        if messages[Channel.SMS]:
            outcome.update(_send_sms(messages[Channel.SMS]))
        _record(deliveries, outcome)
        failed = sum(1 for f in outcome.values() if f is not None)
        counts["failed"] += failed
        counts["sent"] += len(deliveries) - failed
    return counts


def _recipients(deliveries: Sequence[Delivery]) -> list[Any]:
    return [d.notification.recipient for d in deliveries]


def deliveries_requeue_stale(*, now: datetime | None = None) -> int:
    """Queue again the deliveries a worker claimed and never finished (it died mid-batch)."""
    cutoff = (now or timezone.now()) - STALE_CLAIM
    return Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff).update(
        status=DeliveryStatus.QUEUED, claimed_by="", claimed_at=None
    )


def next_retry_at() -> datetime | None:
    """When the earliest queued delivery is due (None when none is queued)."""
    return (
        Delivery.objects.filter(status=DeliveryStatus.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
