"""Session limits of privileged people; API token expiry; a new password revokes tokens."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from govhub.accounts.actions import token_create
from govhub.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from govhub.accounts.models import ApiToken
from govhub.accounts.queries import user_for_token
from govhub.accounts.tests.factories import UserFactory
from govhub.core.models import AuditEntry
from govhub.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _signed_in(user, *, idle_minutes: float = 0, hours_since_sign_in: float = 0) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    now = int(time.time())
    session[LAST_SEEN_AT] = now - int(idle_minutes * 60)
    session[SIGNED_IN_AT] = now - int(hours_since_sign_in * 3600)
    session.save()
    return client


def _assert_signed_out(client: Client, response, next_url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={next_url.replace('/', '%2F')}"
    assert "_auth_user_id" not in client.session


# Idle timeout and absolute limit


def test_a_government_session_idle_for_31_minutes_is_signed_out(ministry):
    # given
    member = MembershipFactory(organisation=ministry).user
    client = _signed_in(member, idle_minutes=31)
    # when
    response = client.get("/account/")
    # then
    _assert_signed_out(client, response, "/account/")
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_a_staff_session_idle_for_31_minutes_is_signed_out():
    staff = UserFactory(is_staff=True)
    client = _signed_in(staff, idle_minutes=31)
    _assert_signed_out(client, client.get("/admin/"), "/admin/")


def test_activity_within_the_idle_limit_keeps_the_session_and_is_recorded(ministry):
    # given
    member = MembershipFactory(organisation=ministry).user
    client = _signed_in(member, idle_minutes=29)
    before = int(time.time())
    # when
    response = client.get("/account/")
    # then
    assert response.status_code == 200
    assert client.session[LAST_SEEN_AT] >= before


@override_settings(GOVHUB_SESSION_IDLE_MINUTES=5)
def test_the_idle_limit_is_configurable(ministry):
    member = MembershipFactory(organisation=ministry).user
    client = _signed_in(member, idle_minutes=6)
    _assert_signed_out(client, client.get("/account/"), "/account/")


def test_a_privileged_session_ends_12_hours_after_sign_in_even_when_active(ministry):
    # given: active a minute ago, signed in 12 hours and 1 minute ago
    member = MembershipFactory(organisation=ministry).user
    client = _signed_in(member, idle_minutes=1, hours_since_sign_in=12.02)
    # when
    response = client.get("/account/")
    # then
    _assert_signed_out(client, response, "/account/")


@override_settings(GOVHUB_SESSION_MAX_HOURS=2)
def test_the_absolute_limit_is_configurable(ministry):
    member = MembershipFactory(organisation=ministry).user
    client = _signed_in(member, hours_since_sign_in=2.1)
    _assert_signed_out(client, client.get("/account/"), "/account/")


def test_an_expired_session_calling_the_api_gets_401_json(ministry):
    member = MembershipFactory(organisation=ministry).user
    client = _signed_in(member, idle_minutes=31)
    response = client.get("/api/v1/programmes")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
    assert "_auth_user_id" not in client.session


def test_other_people_keep_their_sessions(business_org):
    member = MembershipFactory(organisation=business_org).user
    client = _signed_in(member, idle_minutes=120, hours_since_sign_in=24)
    assert client.get("/account/").status_code == 200


def test_sign_in_starts_the_clocks(user):
    # when
    client = Client()
    before = int(time.time())
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # then
    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[LAST_SEEN_AT] >= before


# API tokens expire


@override_settings(GOVHUB_TOKEN_DAYS=7)
def test_a_token_expires_after_the_configured_days(user):
    # when
    before = timezone.now()
    issued = token_create(actor=user, user=user, name="script")
    # then
    token = ApiToken.objects.get(pk=issued.id)
    assert before + timedelta(days=7) <= token.expires_at <= timezone.now() + timedelta(days=7)
    assert issued.expires_at == token.expires_at


def test_a_token_lasts_90_days_by_default(user):
    issued = token_create(actor=user, user=user, name="script")
    token = ApiToken.objects.get(pk=issued.id)
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_an_expired_token_no_longer_authenticates(user):
    # given
    issued = token_create(actor=user, user=user, name="script")
    assert user_for_token(issued.secret) == user
    # when: its time is up
    ApiToken.objects.filter(pk=issued.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    # then
    assert user_for_token(issued.secret) is None
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_expired_tokens_do_not_count_against_the_limit(user):
    # given: the maximum of active tokens, all expired
    from govhub.accounts.actions import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        token_create(actor=user, user=user, name=f"t{n}")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when
    issued = token_create(actor=user, user=user, name="fresh")
    # then
    assert user_for_token(issued.secret) == user


def test_the_account_page_shows_when_a_token_expires(user):
    issued = token_create(actor=user, user=user, name="script")
    ApiToken.objects.filter(pk=issued.id).update(expires_at=timezone.now() - timedelta(days=1))
    client = Client()
    client.force_login(user)
    body = client.get("/account/").content.decode()
    assert "Expires" in body
    assert "Expired" in body


# A new password revokes the tokens


def test_a_password_change_revokes_the_persons_tokens(user):
    # given: two active tokens of the person, one of someone else
    mine = [token_create(actor=user, user=user, name=f"t{n}") for n in range(2)]
    other = UserFactory()
    theirs = token_create(actor=other, user=other, name="t")
    client = Client()
    client.force_login(user)
    # when
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    # then
    assert response.status_code == 302
    assert all(user_for_token(t.secret) is None for t in mine)
    assert user_for_token(theirs.secret) == other
    entry = AuditEntry.objects.get(verb="token.revoke_all")
    assert entry.actor_id == user.pk
    assert entry.changes == {"tokens": sorted(t.id for t in mine), "reason": "password_change"}


def test_a_password_reset_revokes_the_persons_tokens(user):
    # given
    issued = token_create(actor=user, user=user, name="script")
    client = Client()
    # when: the reset link from the email is followed and a new password set
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body)
    )
    assert link is not None
    form = client.get(link.group(1), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    # then
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")
    assert user_for_token(issued.secret) is None
    assert AuditEntry.objects.get(verb="token.revoke_all").changes["reason"] == "password_change"


def test_the_changepassword_command_revokes_the_persons_tokens(user, monkeypatch):
    # given: the person's token, and an administrator at the command line
    from django.contrib.auth.management.commands.changepassword import Command

    issued = token_create(actor=user, user=user, name="script")
    monkeypatch.setattr(Command, "_get_pass", lambda self, prompt="": "a-new-long-passphrase")
    # when
    call_command("changepassword", user.email, stdout=io.StringIO())
    # then
    assert user_for_token(issued.secret) is None
    assert AuditEntry.objects.get(verb="token.revoke_all").changes["reason"] == "password_change"


def test_a_password_saved_by_code_revokes_the_persons_tokens(user):
    # given
    issued = token_create(actor=user, user=user, name="script")
    # when: the password is saved by code (as an import or a shell would)
    user.set_password("a-new-long-passphrase")
    user.save()
    # then
    assert user_for_token(issued.secret) is None


def test_a_new_person_with_a_password_writes_no_revocation():
    # when
    UserFactory()
    # then
    assert not AuditEntry.objects.filter(verb="token.revoke_all").exists()
