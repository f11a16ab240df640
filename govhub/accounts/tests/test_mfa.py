"""The second factor on every route to privilege: API tokens, sessions, /admin/, session API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govhub.accounts.actions import token_create
from govhub.accounts.models import ApiToken
from govhub.accounts.queries import user_for_token
from govhub.accounts.tests.factories import UserFactory, totp_enable
from govhub.core.models import AuditEntry
from govhub.organisations.models import Organisation
from govhub.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ENROL = "/accounts/2fa/totp/activate/"


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _assert_mfa_required(response) -> None:
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_required"


# API tokens


def test_a_token_made_before_joining_a_government_body_stops_working(user, ministry):
    # given: a token that works while its person acts for nobody
    secret = token_create(actor=user, user=user, name="script").secret
    client = Client()
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 200
    # when: they join a ministry, without a second factor
    MembershipFactory(user=user, organisation=ministry, totp=False)
    # then
    _assert_mfa_required(client.get("/api/v1/me", headers=_bearer(secret)))
    # public operations that read the token refuse it too
    _assert_mfa_required(client.get("/api/v1/programmes", headers=_bearer(secret)))


def test_a_token_made_with_the_command_needs_a_second_factor(ministry, capsys):
    # given: a government member without TOTP, and a token made on the command line
    member = MembershipFactory(organisation=ministry, totp=False).user
    call_command("token", "create", "--user", member.email)
    secret = capsys.readouterr().out.strip()
    # when
    response = Client().get("/api/v1/me", headers=_bearer(secret))
    # then: refused, and the refused call is not recorded as a use
    _assert_mfa_required(response)
    assert ApiToken.objects.get(user=member).last_used_at is None


def test_a_token_works_once_its_government_member_has_a_second_factor(ministry):
    # given
    member = MembershipFactory(organisation=ministry, totp=False).user
    secret = token_create(actor=member, user=member, name="script").secret
    # when
    totp_enable(member)
    response = Client().get("/api/v1/me", headers=_bearer(secret))
    # then
    assert response.status_code == 200
    assert response.json()["email"] == member.email


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_staff_or_superuser_token_needs_a_second_factor(flag):
    # given
    person = UserFactory(totp=False, **{flag: True})
    secret = token_create(actor=person, user=person, name="script").secret
    # when
    response = Client().get("/api/v1/me", headers=_bearer(secret))
    # then
    _assert_mfa_required(response)
    totp_enable(person)
    assert Client().get("/api/v1/me", headers=_bearer(secret)).status_code == 200


def test_a_refused_token_writes_nothing(ministry):
    # given
    member = MembershipFactory(organisation=ministry, totp=False).user
    secret = token_create(actor=member, user=member, name="script").secret
    audit_before = AuditEntry.objects.count()
    # when
    response = Client().post(
        "/api/v1/programmes",
        {"title": "A way around the second factor", "problem": "none"},
        content_type="application/json",
        headers=_bearer(secret),
    )
    # then
    _assert_mfa_required(response)
    assert AuditEntry.objects.count() == audit_before
    from govhub.programmes.models import Programme

    assert Programme.objects.count() == 0


def test_business_members_tokens_need_no_second_factor(business_org):
    member = MembershipFactory(organisation=business_org).user
    secret = token_create(actor=member, user=member, name="script").secret
    assert Client().get("/api/v1/me", headers=_bearer(secret)).status_code == 200


def test_token_check_is_one_query(ministry):
    # given: a government member with TOTP, whose token was used a moment ago
    member = MembershipFactory(organisation=ministry).user
    secret = token_create(actor=member, user=member, name="script").secret
    user_for_token(secret)
    # when
    with CaptureQueriesContext(connection) as queries:
        found = user_for_token(secret)
    # then: the token with its person, privilege and second factor together
    assert found == member
    assert len(queries) == 1
    assert "accounts_apitoken" in queries[0]["sql"]
    assert "mfa_authenticator" in queries[0]["sql"]
    assert "organisations_membership" in queries[0]["sql"]


def test_a_token_used_over_a_minute_ago_records_its_use_once(ministry):
    # given
    member = MembershipFactory(organisation=ministry).user
    issued = token_create(actor=member, user=member, name="script")
    user_for_token(issued.secret)
    first = ApiToken.objects.get(pk=issued.id).last_used_at
    assert first is not None
    # when: used again at once, then after the minute
    user_for_token(issued.secret)
    again = ApiToken.objects.get(pk=issued.id).last_used_at
    ApiToken.objects.filter(pk=issued.id).update(last_used_at=first - timedelta(minutes=2))
    user_for_token(issued.secret)
    later = ApiToken.objects.get(pk=issued.id).last_used_at
    # then
    assert again == first
    assert later is not None
    assert later > first - timedelta(minutes=2)


def test_the_government_rule_can_be_switched_off_but_staff_still_need_a_factor(ministry, settings):
    # given
    member = MembershipFactory(organisation=ministry, totp=False).user
    staff = UserFactory(is_staff=True, totp=False)
    member_secret = token_create(actor=member, user=member, name="t").secret
    staff_secret = token_create(actor=staff, user=staff, name="t").secret
    _assert_mfa_required(Client().get("/api/v1/me", headers=_bearer(member_secret)))
    # when
    settings.GOVHUB_MFA_REQUIRED_FOR_GOVERNMENT = False
    # then
    assert Client().get("/api/v1/me", headers=_bearer(member_secret)).status_code == 200
    _assert_mfa_required(Client().get("/api/v1/me", headers=_bearer(staff_secret)))


# Sessions


def test_a_session_is_sent_to_enrol_at_the_next_request_after_joining(user, ministry):
    # given: a signed-in person without TOTP, acting for nobody
    client = Client()
    client.force_login(user)
    assert client.get("/account/").status_code == 200
    # when: they join a ministry
    MembershipFactory(user=user, organisation=ministry, totp=False)
    # then: the very next request goes to enrolment, no sign-out needed
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == ENROL


def test_a_session_is_sent_to_enrol_when_its_organisation_becomes_government(user):
    # given: a business member, signed in, passing
    from govhub.organisations.tests.factories import OrganisationFactory

    org = OrganisationFactory(kind="business", subtype="small")
    MembershipFactory(user=user, organisation=org)
    client = Client()
    client.force_login(user)
    assert client.get("/programmes/").status_code == 200
    # when: the registry makes the organisation a government body
    Organisation.objects.filter(pk=org.pk).update(
        kind="ministry_agency", sector="government", subtype=""
    )
    # then
    response = client.get("/programmes/")
    assert response.status_code == 302
    assert response["Location"] == ENROL


@pytest.mark.parametrize("path", ["/admin/", "/programmes/", "/account/"])
def test_a_staff_session_without_totp_is_sent_to_enrol(path):
    # given
    staff = UserFactory(is_staff=True, is_superuser=True, totp=False)
    client = Client()
    client.force_login(staff)
    # when
    response = client.get(path)
    # then
    assert response.status_code == 302
    assert response["Location"] == ENROL


def test_a_staff_session_with_totp_reaches_the_admin():
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_the_admin_signs_in_through_the_sign_in_that_asks_for_the_second_factor():
    # when: the admin's own password-only form is asked for
    response = Client().get("/admin/login/?next=/admin/")
    # then: it sends to GovHub's sign-in (password, then the code)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_session_api_call_without_totp_is_403_json(ministry):
    # given: a government member without TOTP, signed in
    member = MembershipFactory(organisation=ministry, totp=False).user
    client = Client()
    client.force_login(member)
    # when: the session calls the API
    response = client.get("/api/v1/programmes")
    # then
    _assert_mfa_required(response)
    assert response.json()["error"]["message"]


def test_a_staff_session_api_call_without_totp_is_403_json():
    staff = UserFactory(is_staff=True, totp=False)
    client = Client()
    client.force_login(staff)
    _assert_mfa_required(client.get("/api/v1/programmes"))


def test_anonymous_and_enrolled_session_api_calls_are_unaffected(ministry):
    assert Client().get("/api/v1/programmes").status_code == 200
    member = MembershipFactory(organisation=ministry).user
    client = Client()
    client.force_login(member)
    assert client.get("/api/v1/programmes").status_code == 200


def test_removing_the_second_factor_applies_the_rule_at_once(ministry):
    # given: an enrolled government member, signed in
    from allauth.mfa.models import Authenticator

    member = MembershipFactory(organisation=ministry).user
    client = Client()
    client.force_login(member)
    assert client.get("/account/").status_code == 200
    # when: the authenticator is removed (by any route)
    Authenticator.objects.filter(user=member).delete()
    # then
    assert client.get("/account/")["Location"] == ENROL


def test_the_session_check_is_one_query(ministry):
    # given
    from govhub.accounts.mfa import mfa_status

    member = MembershipFactory(organisation=ministry).user
    # when
    with CaptureQueriesContext(connection) as queries:
        status = mfa_status(member)
    # then
    assert (status.privileged, status.enrolled, status.missing) == (True, True, False)
    assert len(queries) == 1
