"""Sign-in for newcomers: why they are asked, a way forward, landing on their work."""

from __future__ import annotations

import pytest
from django.test import Client

from govhub.accounts.tests.factories import totp_code
from govhub.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ENROL = "/accounts/2fa/totp/activate/"


def _government_member_signed_in(ministry) -> tuple[Client, object]:
    member = MembershipFactory(organisation=ministry, totp=False).user
    client = Client()
    client.force_login(member)
    return client, member


def test_the_password_page_says_why_before_asking(ministry):
    # given: a government member without a second factor, sent to set one up
    client, _member = _government_member_signed_in(ministry)
    # when
    page = client.get(ENROL, follow=True)
    # then: the re-authentication page explains, above the password field
    assert page.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    body = page.content.decode()
    why = body.index("Why you are asked for your password again")
    assert "You act for a government organisation or administer the platform" in body
    assert why < body.index('name="password"')


def test_the_password_page_of_a_voluntary_change_gives_the_general_reason(business_org):
    member = MembershipFactory(organisation=business_org).user
    client = Client()
    client.force_login(member)
    body = client.get(ENROL, follow=True).content.decode()
    assert "Why you are asked for your password again" not in body
    assert "To make sure it is you, please confirm your identity first." in body


def test_the_authenticator_page_says_why_and_how_before_asking(ministry):
    # given: past the password check
    client, _member = _government_member_signed_in(ministry)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    # when
    response = client.get(ENROL)
    # then
    assert response.status_code == 200
    body = response.content.decode()
    why = body.index("Why a second factor")
    assert "Until it is set up, GovHub shows you only this page" in body
    assert "Install an authenticator app on your phone" in body
    assert why < body.index('name="code"')


def test_the_recovery_codes_page_leads_on_to_the_persons_work(ministry):
    # given: a government member setting up the second factor
    client, _member = _government_member_signed_in(ministry)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get(ENROL)
    secret = client.session["mfa.totp.secret"]
    # when: the code is entered
    response = client.post(ENROL, {"code": totp_code(secret)}, follow=True)
    # then: the recovery codes, and a way on to their work, which opens
    assert response.redirect_chain[-1][0] == "/accounts/2fa/recovery-codes/"
    body = response.content.decode()
    assert 'id="recovery-codes-next"' in body
    assert '<a class="button" href="/programmes/mine/">Continue to my work</a>' in body
    assert client.get("/programmes/mine/").status_code == 200


def test_after_sign_in_a_person_lands_on_their_work(business_org):
    # given
    member = MembershipFactory(organisation=business_org).user
    # when
    response = Client().post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/programmes/mine/"


def test_the_navigation_links_analytics_and_my_work():
    # anonymous: analytics, no "My work"
    body = Client().get("/").content.decode()
    nav = body[body.index('class="main-nav"') : body.index("</nav>")]
    assert '<a href="/programmes/analytics/">Analytics</a>' in nav
    assert "/programmes/mine/" not in nav


def test_the_navigation_of_a_signed_in_person_links_their_work(user):
    client = Client()
    client.force_login(user)
    body = client.get("/programmes/analytics/").content.decode()
    nav = body[body.index('class="main-nav"') : body.index("</nav>")]
    assert '<a href="/programmes/analytics/">Analytics</a>' in nav
    assert '<a href="/programmes/mine/">My work</a>' in nav
