from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from govhub.core.models import AuditEntry
from govhub.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_email_sign_in_works_and_is_audited(user):
    client = Client()
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(verb="user.sign_in", actor_id=user.pk).count() == 1


def test_wrong_password_is_refused_and_audited(user):
    client = Client()
    response = _sign_in(client, user.email, "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(verb="user.sign_in_failed").count() == 1


def test_account_locks_after_repeated_failures(user):
    # given: five failures (the per-account limit in the test settings)
    client = Client()
    for _ in range(5):
        _sign_in(client, user.email, "wrong-password")
    # when: the right password comes next
    response = _sign_in(client, user.email)
    # then: still refused while the lock lasts
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_up_validates_the_password():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "too short" in response.content.decode()


def test_government_member_without_totp_is_sent_to_enrol(ministry):
    # given
    member = MembershipFactory(organisation=ministry, totp=False).user
    client = Client()
    client.force_login(member)
    # when
    response = client.get("/account/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # enrolment (behind allauth's re-authentication) is reachable, not a redirect loop
    enrol = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert enrol.status_code == 200
    assert enrol.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")


def test_government_member_with_totp_goes_through(ministry):
    member = MembershipFactory(organisation=ministry, totp=False).user
    Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(member)
    assert client.get("/account/").status_code == 200


def test_business_member_needs_no_totp(business_org):
    member = MembershipFactory(organisation=business_org).user
    client = Client()
    client.force_login(member)
    assert client.get("/account/").status_code == 200


def test_sign_in_with_totp_needs_the_current_code(ministry):
    import time

    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )

    # given: a government member with TOTP set up
    member = MembershipFactory(organisation=ministry, totp=False).user
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    client = Client()
    # when: the password is right, a code is still asked for
    response = _sign_in(client, member.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200
    # then: the current code signs in
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.get("/account/").status_code == 200


def test_password_change_is_audited(user):
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")
    assert AuditEntry.objects.filter(verb="user.password_change", actor_id=user.pk).count() == 1
