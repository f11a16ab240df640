"""Notifications: email over a real SMTP server (aiosmtpd), after commit, in the recipient's
language, with retries; SMS providers; in-app notifications and preferences."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import notify
from govhub.core.models import AuditEntry
from govhub.core.notifications.delivery import _claim, backoff, deliveries_send_due
from govhub.core.notifications.models import (
    Delivery,
    DeliveryAttempt,
    Notification,
    NotificationPreference,
)
from govhub.core.notifications.sms import sms_configuration_errors
from govhub.core.notifications.testing import smtp_down, smtp_server
from govhub.core.testing import free_port, task_queue_run

__all__ = ["smtp_down", "smtp_server"]

pytestmark = pytest.mark.django_db


def _tell(people: list[Any], *, reference: str = "GH-2026-0001 Digital ID") -> None:
    notify(
        recipient_ids=[p.pk for p in people],
        kind="core.notice",
        reference=reference,
        url="/programmes/1/",
        context={"title": "Step 2 has begun", "text": "Your organisation takes part."},
    )


def test_email_goes_after_commit_in_each_recipients_language_with_its_reference(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    # given
    settings.GOVHUB_PUBLIC_URL = "https://govhub.example"
    anna = UserFactory(email="anna@example.org", full_name="Anna Karimova")
    boris = UserFactory(email="boris@example.org")
    NotificationPreference.objects.create(user=boris, language="ru")
    # when
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _tell([anna, boris])
        assert Notification.objects.count() == 0  # nothing before the commit
    # then
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    assert sorted(by_recipient) == ["anna@example.org", "boris@example.org"]
    mail = by_recipient["anna@example.org"]
    assert mail["Subject"] == "[GH-2026-0001 Digital ID] Step 2 has begun"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Anna Karimova," in text
    assert "Your organisation takes part." in text
    assert "GH-2026-0001 Digital ID" in text
    assert "https://govhub.example/programmes/1/" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="https://govhub.example/programmes/1/"' in html
    russian = by_recipient["boris@example.org"].get_body(preferencelist=("html",)).get_content()
    assert '<html lang="ru" dir="ltr">' in russian
    assert list(Delivery.objects.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]
    assert list(DeliveryAttempt.objects.values_list("succeeded", "error")) == [
        (True, ""),
        (True, ""),
    ]


def test_a_rolled_back_action_tells_nobody(smtp_server, django_capture_on_commit_callbacks):
    # given
    anna = UserFactory()

    # when
    def failing_action() -> None:
        with transaction.atomic():
            _tell([anna])
            raise RuntimeError("the action failed after notify")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_action()
    # then
    assert callbacks == []
    assert smtp_server.inbox.count == 0
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_a_down_smtp_server_loses_nothing_the_retry_sends_it_once_back(
    smtp_down, settings, django_capture_on_commit_callbacks
):
    # given: the SMTP server is down
    settings.GOVHUB_NOTIFY_RETRY_SECONDS = 60
    anna = UserFactory(email="anna@example.org")
    started = timezone.now()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna])
    # then: a failed attempt with its reason, queued again a minute later
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")
    assert timedelta(seconds=59) < delivery.next_attempt_at - started < timedelta(seconds=70)
    failed = DeliveryAttempt.objects.get()
    assert (failed.succeeded, failed.error) == (False, delivery.last_error)
    # when: not yet due, nothing is tried; once the server is back and the retry is due, it goes
    assert deliveries_send_due() == {"sent": 0, "failed": 0}
    smtp_down.start()
    counts = deliveries_send_due(now=timezone.now() + timedelta(seconds=61))
    # then
    assert counts == {"sent": 1, "failed": 0}
    assert [m["To"] for m in smtp_down.messages] == ["anna@example.org"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert list(DeliveryAttempt.objects.values_list("succeeded", flat=True)) == [False, True]


def test_backoff_doubles_from_the_base_up_to_the_cap(settings):
    # given
    settings.GOVHUB_NOTIFY_RETRY_SECONDS = 60
    settings.GOVHUB_NOTIFY_RETRY_MAX_SECONDS = 600
    # when
    waits = [backoff(n).total_seconds() for n in range(1, 7)]
    # then
    assert waits == [60, 120, 240, 480, 600, 600]


def test_a_refused_recipient_fails_for_good_without_retries(
    smtp_server, django_capture_on_commit_callbacks
):
    # given
    nobody = UserFactory(email="refused@example.org")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _tell([nobody])
    # then
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error.startswith("recipient refused")
    assert smtp_server.inbox.count == 0


def test_after_the_last_allowed_attempt_a_delivery_is_failed(
    smtp_down, settings, django_capture_on_commit_callbacks
):
    # given
    settings.GOVHUB_NOTIFY_MAX_ATTEMPTS = 2
    settings.GOVHUB_NOTIFY_RETRY_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        _tell([UserFactory()])
    # when
    deliveries_send_due()
    # then
    assert list(Delivery.objects.values_list("status", "attempts")) == [("failed", 2)]


def test_a_claimed_delivery_is_not_claimed_again():
    # given: two workers look for due deliveries at once
    notification = Notification.objects.create(
        recipient=UserFactory(), kind="core.notice", reference="GH-1"
    )
    Delivery.objects.create(
        notification=notification,
        channel="email",
        address="a@example.org",
        next_attempt_at=timezone.now(),
    )
    # when
    first, second = _claim(timezone.now()), _claim(timezone.now())
    # then
    assert [d.status for d in first] == ["sending"]
    assert second == []


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_database_queue_holds_one_waiting_task_and_the_worker_drains_it(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    # given: the database backend, as `govhub db_worker` runs it
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    people = UserFactory.create_batch(3)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _tell(people[:2])
    with django_capture_on_commit_callbacks(execute=True):
        _tell(people[2:])
    # then: nothing sent yet, one task waiting
    assert smtp_server.inbox.count == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    # when: a worker runs
    task_queue_run()
    # then
    assert smtp_server.inbox.count == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]


# --- SMS ---


def test_sms_goes_through_the_file_provider_with_the_reference(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    # given
    settings.GOVHUB_SMS_PROVIDER = "file"
    settings.GOVHUB_SMS_FILE = str(tmp_path / "sms.jsonl")
    settings.GOVHUB_PUBLIC_URL = "https://govhub.example"
    anna = UserFactory()
    NotificationPreference.objects.create(user=anna, email=False, sms=True, phone="+992931234567")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna])
    # then
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "to": "+992931234567",
            "text": "Step 2 has begun GH-2026-0001 Digital ID https://govhub.example/programmes/1/",
        }
    ]
    assert list(Delivery.objects.values_list("channel", "status")) == [("sms", "sent")]


class _Gateway(BaseHTTPRequestHandler):
    received: list[Any] = []
    status = 202

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sms_gateway(settings):
    server = HTTPServer(("127.0.0.1", free_port()), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.status = [], 202
    settings.GOVHUB_SMS_PROVIDER = "http"
    settings.GOVHUB_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.GOVHUB_SMS_TOKEN = "s3cret"
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_sms_goes_through_the_http_provider_and_a_4xx_is_not_retried(
    sms_gateway, django_capture_on_commit_callbacks
):
    # given
    anna, boris = UserFactory(), UserFactory()
    for person, phone in ((anna, "+992931111111"), (boris, "+992932222222")):
        NotificationPreference.objects.create(user=person, email=False, sms=True, phone=phone)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna])
    sms_gateway.status = 400
    with django_capture_on_commit_callbacks(execute=True):
        _tell([boris])
    # then
    assert [(auth, body["to"]) for auth, body in sms_gateway.received] == [
        ("Bearer s3cret", "+992931111111"),
        ("Bearer s3cret", "+992932222222"),
    ]
    assert list(Delivery.objects.values_list("status", "last_error")) == [
        ("sent", ""),
        ("failed", "HTTP 400"),
    ]


def test_the_start_up_check_names_an_unknown_or_misconfigured_sms_provider(settings):
    # given / when / then
    settings.GOVHUB_SMS_PROVIDER = "pigeon"
    assert sms_configuration_errors() == [
        "GOVHUB_SMS_PROVIDER 'pigeon' is not a known SMS provider (known: console, file, http)."
    ]
    settings.GOVHUB_SMS_PROVIDER, settings.GOVHUB_SMS_URL = "http", "ftp://gateway"
    assert sms_configuration_errors() == [
        "GOVHUB_SMS_URL must be an http(s) address for the http SMS provider: 'ftp://gateway'"
    ]
    settings.GOVHUB_SMS_PROVIDER = "console"
    assert sms_configuration_errors() == []


def test_govhub_check_fails_on_a_misconfigured_sms_provider(settings):
    # given
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.GOVHUB_SMS_PROVIDER = "pigeon"
    # when / then
    with pytest.raises(SystemCheckError, match=r"govhub\.notifications\.E001"):
        call_command("check")


# --- In-app notifications and preferences ---


def test_the_header_shows_the_unread_count_with_one_query(django_capture_on_commit_callbacks):
    # given
    anna = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna])
        _tell([anna], reference="GH-2026-0002 Open data")
    client = signed_in_client(anna)
    # when
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    # then
    html = page.content.decode()
    assert (
        'Notifications <span class="badge"><span aria-hidden="true">2</span>'
        '<span class="visually-hidden">2 unread</span></span>'
    ) in html
    assert sum("core_notification" in q["sql"] for q in queries.captured_queries) == 1


def test_the_notifications_page_lists_them_and_marks_them_read(django_capture_on_commit_callbacks):
    # given
    anna, boris = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna, boris])
    client = signed_in_client(anna)
    mine = Notification.objects.get(recipient=anna)
    theirs = Notification.objects.get(recipient=boris)
    # when
    page = client.get("/notifications/")
    # then
    html = page.content.decode()
    assert '<a href="/programmes/1/">Step 2 has begun</a>' in html
    assert "GH-2026-0001 Digital ID" in html
    # when: she marks hers read, and tries boris's too
    response = client.post("/notifications/read", {"notification": [mine.pk, theirs.pk]})
    # then
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert 'class="badge"' not in client.get("/notifications/").content.decode()


def test_preferences_are_saved_through_the_form_and_choose_the_channels(
    django_capture_on_commit_callbacks,
):
    # given
    anna = UserFactory(email="anna@example.org")
    client = signed_in_client(anna)
    # when
    response = client.post(
        "/notifications/preferences/",
        {"sms": "on", "in_app": "on", "phone": "+992 93 123 4567", "language": "fa-af"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna])
    # then
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=anna)
    assert (preference.email, preference.sms, preference.in_app) == (False, True, True)
    assert (preference.phone, preference.language) == ("+992931234567", "fa-af")
    assert list(Delivery.objects.values_list("channel", "address")) == [("sms", "+992931234567")]
    assert AuditEntry.objects.filter(verb="notifications.preferences_save").count() == 1


def test_text_messages_without_a_phone_number_are_refused_beside_the_field():
    # given
    anna = UserFactory()
    client = signed_in_client(anna)
    audit_before = AuditEntry.objects.count()
    # when
    response = client.post("/notifications/preferences/", {"email": "on", "sms": "on"})
    # then
    assert response.status_code == 200
    assert "Enter a mobile phone number to get text messages." in response.content.decode()
    assert NotificationPreference.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_nobody_is_told_on_a_channel_they_turned_off(django_capture_on_commit_callbacks):
    # given
    anna = UserFactory()
    NotificationPreference.objects.create(user=anna, email=False, sms=False, in_app=False)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _tell([anna])
    # then
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


# The worker closes connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_after_a_failure_the_worker_queues_itself_again_for_the_first_retry(
    smtp_down, settings, django_capture_on_commit_callbacks
):
    # given: the database queue, and the SMTP server down
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        _tell([UserFactory()])
    # when
    task_queue_run()
    # then: a retry task waits until the delivery's next attempt
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after == delivery.next_attempt_at
