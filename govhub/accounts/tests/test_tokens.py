from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from govhub.accounts.actions import token_create, token_revoke
from govhub.accounts.models import ApiToken
from govhub.accounts.queries import user_for_token
from govhub.accounts.tests.factories import UserFactory
from govhub.accounts.tokens import hash_secret
from govhub.core.api import Forbidden, InvalidInput, NotFound
from govhub.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_resolves_to_its_user(user):
    # when
    issued = token_create(actor=user, user=user, name="reporting script")
    # then
    token = ApiToken.objects.get(pk=issued.id)
    assert token.token_hash == hash_secret(issued.secret)
    assert issued.secret not in (token.token_hash, token.prefix, token.name)
    assert issued.secret.startswith("ghb_")
    assert user_for_token(issued.secret) == user
    assert AuditEntry.objects.filter(verb="token.create", target_id=str(token.pk)).count() == 1


def test_revoked_token_no_longer_authenticates(user):
    issued = token_create(actor=user, user=user, name="t")
    token_revoke(actor=user, token_id=issued.id)
    assert user_for_token(issued.secret) is None
    assert ApiToken.objects.get(pk=issued.id).revoked_at is not None
    assert AuditEntry.objects.filter(verb="token.revoke").count() == 1


def test_unknown_or_malformed_tokens_resolve_to_nobody(user):
    token_create(actor=user, user=user, name="t")
    assert user_for_token("ghb_not-a-real-token") is None
    assert user_for_token("") is None
    assert user_for_token("x" * 5000) is None


def test_token_of_an_inactive_user_is_refused(user):
    issued = token_create(actor=user, user=user, name="t")
    user.is_active = False
    user.save()
    assert user_for_token(issued.secret) is None


def test_nobody_creates_tokens_for_someone_else(user):
    other = UserFactory()
    with pytest.raises(Forbidden):
        token_create(actor=other, user=user, name="t")
    assert ApiToken.objects.count() == 0


def test_nobody_revokes_someone_elses_token(user):
    issued = token_create(actor=user, user=user, name="t")
    with pytest.raises(NotFound):
        token_revoke(actor=UserFactory(), token_id=issued.id)
    assert ApiToken.objects.get(pk=issued.id).revoked_at is None


def test_token_name_is_required(user):
    with pytest.raises(InvalidInput) as exc:
        token_create(actor=user, user=user, name="   ")
    assert exc.value.code == "invalid_name"
    assert ApiToken.objects.count() == 0


def test_token_command_prints_a_working_token(user, capsys):
    call_command("token", "create", "--user", user.email.upper())
    secret = capsys.readouterr().out.strip()
    assert user_for_token(secret) == user


def test_account_page_shows_new_token_once_and_lists_it(user):
    # given
    client = Client()
    client.force_login(user)
    # when
    response = client.post("/account/", {"name": "my laptop"}, headers={"X-Request-ID": "req-42"})
    # then
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    body = response.content.decode()
    secret = body.split('id="new-token"')[1].split(">")[1].split("<")[0]
    assert hash_secret(secret) == token.token_hash
    assert response["Cache-Control"] == "no-store"
    again = client.get("/account/").content.decode()
    assert "my laptop" in again
    assert secret not in again
    entry = AuditEntry.objects.get(verb="token.create")
    assert entry.request_id == "req-42"
    assert entry.client_address == "127.0.0.1"


def test_account_page_revokes_a_token(user):
    client = Client()
    client.force_login(user)
    issued = token_create(actor=user, user=user, name="t")
    response = client.post(f"/account/tokens/{issued.id}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=issued.id).revoked_at is not None


def test_account_page_requires_sign_in():
    response = Client().get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
