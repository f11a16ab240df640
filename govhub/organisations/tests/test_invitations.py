"""Item 11 of issue 8: a membership needs the invited person's consent."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import DomainError
from govhub.core.models import AuditEntry
from govhub.organisations import actions
from govhub.organisations.models import Invitation, Membership
from govhub.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https://govhub\.example/organisations/invitations/([A-Za-z0-9_-]+)/")


def _written() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Memberships, invitations and the audit length (a refusal leaves all three as they were)."""
    return (
        list(Membership.objects.order_by("pk").values_list("pk", "user", "organisation", "role")),
        list(Invitation.objects.order_by("pk").values_list("pk", "status", "token_hash", "role")),
        AuditEntry.objects.count(),
    )


def _invite(actor: Any, org: Any, email: str, role: str, capture: Any) -> str:
    """Invite and return the secret from the email sent after commit."""
    with capture(execute=True):
        actions.invitation_create(actor=actor, organisation_id=org.pk, email=email, role=role)
    match = LINK.search(str(mail.outbox[-1].body))
    assert match is not None
    return match.group(1)


def test_inviting_writes_an_invitation_and_mails_it_after_commit(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = actions.invitation_create(
            actor=business_manager,
            organisation_id=business_org.pk,
            email="  Ada@Example.ORG ",
            role="manager",
        )
        # then: nothing is sent before the commit
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ada@example.org"]
    assert sent.subject == "Invitation to join BrightPath Software on GovHub"
    token = LINK.search(str(sent.body)).group(1)  # type: ignore[union-attr]
    assert actions.token_hash(token) == invitation.token_hash
    assert token not in invitation.token_hash
    invitation.refresh_from_db()
    assert (invitation.email, invitation.role, invitation.status) == (
        "ada@example.org",
        "manager",
        "pending",
    )
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert not Membership.objects.filter(user__email="ada@example.org").exists()
    entry = AuditEntry.objects.get(verb="invitation.create")
    assert (entry.actor_id, entry.organisation_id) == (business_manager.pk, business_org.pk)
    assert entry.changes == {"email": "ada@example.org", "role": "manager", "renewed": False}


def test_the_invited_person_accepts_and_becomes_a_member(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    # given
    person = UserFactory(email="ada@example.org")
    token = _invite(
        business_manager,
        business_org,
        "ADA@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    # when
    membership = actions.invitation_accept(actor=person, token=token)
    # then
    assert (membership.user_id, membership.organisation_id, membership.role) == (
        person.pk,
        business_org.pk,
        "member",
    )
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.responded_by_id) == ("accepted", person.pk)
    entry = AuditEntry.objects.get(verb="invitation.accept")
    assert entry.changes == {
        "user": person.pk,
        "role": "member",
        "membership": membership.pk,
        "already_member": False,
    }
    # and the link works once only
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.invitation_accept(actor=person, token=token)
    assert (exc.value.status, exc.value.code) == (409, "invitation_closed")
    assert _written() == before


def test_the_invited_person_declines(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ada@example.org")
    token = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    actions.invitation_decline(actor=person, token=token)
    assert Invitation.objects.get().status == "declined"
    assert not Membership.objects.filter(user=person).exists()
    assert AuditEntry.objects.get(verb="invitation.decline").changes == {"user": person.pk}


def test_another_account_cannot_answer(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    token = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "manager",
        django_capture_on_commit_callbacks,
    )
    intruder = UserFactory(email="mallory@example.org")
    before = _written()
    for answer in (actions.invitation_accept, actions.invitation_decline):
        with pytest.raises(DomainError) as exc:
            answer(actor=intruder, token=token)
        assert (exc.value.status, exc.value.code) == (403, "invitation_other_account")
    assert _written() == before


def test_an_unknown_or_expired_link_is_refused(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ada@example.org")
    token = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = _written()
    with pytest.raises(DomainError) as expired:
        actions.invitation_accept(actor=person, token=token)
    assert (expired.value.status, expired.value.code) == (409, "invitation_expired")
    with pytest.raises(DomainError) as unknown:
        actions.invitation_accept(actor=person, token=token + "x")
    assert (unknown.value.status, unknown.value.code) == (404, "invitation_not_found")
    assert _written() == before


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_manager_cannot_make_a_platform_administrator_a_member(
    business_org, business_manager, django_capture_on_commit_callbacks, flag
):
    # given: the invitation is made like any other (so it tells the manager nothing)
    admin = UserFactory(email="root@example.org", **{flag: True})
    token = _invite(
        business_manager,
        business_org,
        "root@example.org",
        "manager",
        django_capture_on_commit_callbacks,
    )
    before = _written()
    # when
    with pytest.raises(DomainError) as exc:
        actions.invitation_accept(actor=admin, token=token)
    # then
    assert (exc.value.status, exc.value.code) == (403, "staff_cannot_join")
    assert _written() == before
    assert not Membership.objects.filter(user=admin).exists()


def test_a_manager_lists_and_revokes_pending_invitations(
    api_client, business_org, business_manager, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ada@example.org")
    token = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    _invite(
        business_manager,
        business_org,
        "bob@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    client = api_client.as_user(business_manager)
    listed = client.get(f"/organisations/{business_org.pk}/invitations")
    assert listed.status_code == 200
    assert [i["email"] for i in listed.json()] == ["bob@example.org", "ada@example.org"]
    ada = Invitation.objects.get(email="ada@example.org")
    # when
    revoked = client.send("POST", f"/organisations/{business_org.pk}/invitations/{ada.pk}/revoke")
    # then
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert AuditEntry.objects.get(verb="invitation.revoke").changes == {
        "email": "ada@example.org",
        "role": "member",
    }
    assert [
        i["email"] for i in client.get(f"/organisations/{business_org.pk}/invitations").json()
    ] == ["bob@example.org"]
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.invitation_accept(actor=person, token=token)
    assert exc.value.code == "invitation_closed"
    again = client.send("POST", f"/organisations/{business_org.pk}/invitations/{ada.pk}/revoke")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invitation_closed")
    assert _written() == before


def test_others_neither_see_nor_revoke_invitations(
    api_client, business_org, business_manager, django_capture_on_commit_callbacks
):
    _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    invitation = Invitation.objects.get()
    for person in (MembershipFactory(organisation=business_org).user, UserFactory()):
        client = api_client.as_user(person)
        before = _written()
        assert client.get(f"/organisations/{business_org.pk}/invitations").status_code == 403
        revoke = client.send(
            "POST", f"/organisations/{business_org.pk}/invitations/{invitation.pk}/revoke"
        )
        assert (revoke.status_code, revoke.json()["error"]["code"]) == (403, "permission_denied")
        invite = client.send(
            "POST", f"/organisations/{business_org.pk}/members", {"email": "eve@example.org"}
        )
        assert (invite.status_code, invite.json()["error"]["code"]) == (403, "permission_denied")
        assert _written() == before


def test_inviting_again_renews_the_link(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ada@example.org")
    first = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    second = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "manager",
        django_capture_on_commit_callbacks,
    )
    assert Invitation.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        actions.invitation_accept(actor=person, token=first)
    assert exc.value.code == "invitation_not_found"
    assert actions.invitation_accept(actor=person, token=second).role == "manager"


def test_an_existing_member_is_not_invited_again(business_org, business_manager):
    member = MembershipFactory(organisation=business_org).user
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.invitation_create(
            actor=business_manager,
            organisation_id=business_org.pk,
            email=member.email,
            role="manager",
        )
    assert (exc.value.status, exc.value.code) == (409, "already_member")
    assert _written() == before


# No account-existence leak


def _rest_invite(
    client: Any, org: Any, email: str, capture: Any
) -> tuple[int, dict[str, Any], int]:
    with capture(execute=True), CaptureQueriesContext(connection) as queries:
        response = client.send(
            "POST", f"/organisations/{org.pk}/members", {"email": email, "role": "member"}
        )
    body = response.json()
    return (
        response.status_code,
        {k: v for k, v in body.items() if k not in ("id", "email", "created_at", "expires_at")},
        len(queries),
    )


def test_the_api_answers_the_same_whether_or_not_the_address_has_an_account(
    api_client, business_org, business_manager, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    UserFactory(email="root@example.org", is_staff=True)
    client = api_client.as_user(business_manager)
    # (a first request warms the token's caches, so the query counts below compare like for like)
    _rest_invite(client, business_org, "warm-up@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    answers = [
        _rest_invite(client, business_org, email, django_capture_on_commit_callbacks)
        for email in ("known@example.org", "unknown@example.org", "root@example.org")
    ]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (
        202,
        {"organisation_id": business_org.pk, "role": "member", "status": "pending"},
    )
    assert [m.to for m in mail.outbox] == [
        ["known@example.org"],
        ["unknown@example.org"],
        ["root@example.org"],
    ]


def test_the_form_answers_the_same_whether_or_not_the_address_has_an_account(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    client = signed_in_client(business_manager)
    pages = []
    for email in ("known@example.org", "unknown@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/organisations/{business_org.pk}/members/",
                {"email": email, "role": "member"},
                follow=True,
            )
        pages.append((response.status_code, [str(m) for m in response.context["messages"]]))
    then = "The person becomes a member when they accept it."
    assert pages == [
        (200, [f"An invitation was sent to known@example.org. {then}"]),
        (200, [f"An invitation was sent to unknown@example.org. {then}"]),
    ]
    assert Membership.objects.filter(organisation=business_org).count() == 1


# The invited person's page


def test_the_invited_person_accepts_on_the_page(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ada@example.org")
    token = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    url = f"/organisations/invitations/{token}/"
    # anonymous people are sent to sign in first (and come back)
    from django.test import Client

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    client = signed_in_client(person)
    page = client.get(url).content.decode()
    assert "Invitation to join BrightPath Software" in page
    assert 'value="accept"' in page
    assert 'value="decline"' in page
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{business_org.pk}/"
    assert Membership.objects.get(user=person).organisation_id == business_org.pk


def test_the_page_tells_another_account_and_staff_why_not(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    token = _invite(
        business_manager,
        business_org,
        "root@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    url = f"/organisations/invitations/{token}/"
    other = signed_in_client(UserFactory(email="mallory@example.org"))
    refused = other.get(url)
    assert refused.status_code == 403
    assert "sent to another email address" in refused.content.decode()
    admin = signed_in_client(UserFactory(email="root@example.org", is_staff=True))
    told = admin.get(url).content.decode()
    assert "Platform administrators cannot become members of an organisation" in told
    assert 'value="accept"' not in told
    assert 'value="decline"' in told
    before = _written()
    answer = admin.post(url, {"decision": "accept"})
    assert answer.status_code == 400
    assert "Platform administrators cannot become members" in answer.content.decode()
    assert _written() == before
    assert (
        signed_in_client(business_manager).get("/organisations/invitations/nonsense/").status_code
        == 404
    )


def test_the_manage_page_lists_pending_invitations_and_withdraws_them(
    business_org, business_manager, django_capture_on_commit_callbacks
):
    _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    invitation = Invitation.objects.get()
    client = signed_in_client(business_manager)
    page = client.get(f"/organisations/{business_org.pk}/manage/").content.decode()
    assert "ada@example.org" in page
    revoke_url = f"/organisations/{business_org.pk}/invitations/{invitation.pk}/revoke/"
    assert f'action="{revoke_url}"' in page
    assert client.post(revoke_url).status_code == 302
    assert Invitation.objects.get().status == "revoked"


def test_the_invited_person_answers_over_the_api(
    api_client, business_org, business_manager, django_capture_on_commit_callbacks
):
    person = UserFactory(email="ada@example.org")
    token = _invite(
        business_manager,
        business_org,
        "ada@example.org",
        "member",
        django_capture_on_commit_callbacks,
    )
    client = api_client.as_user(person)
    unknown = client.send("POST", "/invitations/accept", {"token": "nonsense"})
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "invitation_not_found")
    accepted = client.send("POST", "/invitations/accept", {"token": token})
    assert accepted.status_code == 200
    assert accepted.json() == {
        "organisation_id": business_org.pk,
        "organisation_name": "BrightPath Software",
        "kind": "business",
        "sector": "business",
        "role": "member",
    }
    declined = client.send("POST", "/invitations/decline", {"token": token})
    assert (declined.status_code, declined.json()["error"]["code"]) == (409, "invitation_closed")


def test_a_manager_changes_a_role_on_the_manage_page(business_org, business_manager):
    member = MembershipFactory(organisation=business_org, role="member")
    client = signed_in_client(business_manager)
    url = f"/organisations/{business_org.pk}/members/{member.pk}/role/"
    assert (
        f'action="{url}"'
        in client.get(f"/organisations/{business_org.pk}/manage/").content.decode()
    )
    changed = client.post(url, {"role": "manager"}, follow=True)
    assert [str(m) for m in changed.context["messages"]] == ["The role was changed."]
    assert Membership.objects.get(pk=member.pk).role == "manager"
    # the last manager cannot step down (a message, not a 500), and nothing is written
    only = Membership.objects.get(user=business_manager)
    Membership.objects.filter(pk=member.pk).update(role="member")
    before = _written()
    refused = client.post(
        f"/organisations/{business_org.pk}/members/{only.pk}/role/", {"role": "member"}, follow=True
    )
    assert [str(m) for m in refused.context["messages"]] == [
        "An organisation needs at least one manager; appoint another manager first."
    ]
    assert _written() == before
