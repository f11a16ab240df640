"""Idempotency keys on the organisation writes (docs/adr/0024)."""

from __future__ import annotations

import pytest
from django.core import mail

from govhub.core.models import AuditEntry
from govhub.core.testing import assert_nothing_written
from govhub.organisations.models import Invitation, Organisation

pytestmark = pytest.mark.django_db


def test_a_change_retried_with_its_key_is_answered_again_and_audited_once(
    api_client, ministry, ministry_manager
):
    # given
    client = api_client.as_user(ministry_manager)
    path = f"/organisations/{ministry.pk}"
    key = {"Idempotency-Key": "site-1"}
    first = client.send("PATCH", path, {"website": "https://digital.example"}, headers=key)
    assert first.status_code == 200
    # when
    with assert_nothing_written():
        again = client.send("PATCH", path, {"website": "https://digital.example"}, headers=key)
    # then
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert again.content == first.content
    assert AuditEntry.objects.filter(verb="organisation.update").count() == 1
    # and the key sent with another change is refused, the organisation unchanged
    with assert_nothing_written():
        refused = client.send("PATCH", path, {"website": "https://other.example"}, headers=key)
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        422,
        "idempotency_key_reused",
    )
    assert Organisation.objects.get(pk=ministry.pk).website == "https://digital.example"


def test_an_invitation_retried_with_its_key_is_sent_once(
    api_client, ministry, ministry_manager, django_capture_on_commit_callbacks
):
    # given
    client = api_client.as_user(ministry_manager)
    path = f"/organisations/{ministry.pk}/members"
    body = {"email": "new.person@example.org", "role": "member"}
    key = {"Idempotency-Key": "invite-new-person"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.send("POST", path, body, headers=key)
    assert first.status_code == 202
    # when
    with django_capture_on_commit_callbacks(execute=True), assert_nothing_written():
        again = client.send("POST", path, body, headers=key)
    # then
    assert (again.status_code, again["Idempotent-Replayed"]) == (202, "true")
    assert again.json() == first.json()
    assert Invitation.objects.filter(email="new.person@example.org").count() == 1
    assert len(mail.outbox) == 1
