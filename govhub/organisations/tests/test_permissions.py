from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from conftest import signed_in_client
from govhub.core.models import AuditEntry
from govhub.organisations import permissions
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_managers_and_staff_manage_members_and_others_do_not(
    ministry, ministry_manager, staff, user
):
    member = MembershipFactory(organisation=ministry, role="member").user
    assert permissions.can_manage_organisation(ministry_manager, ministry)
    assert permissions.can_manage_organisation(staff, ministry)
    assert not permissions.can_manage_organisation(member, ministry)
    assert not permissions.can_manage_organisation(user, ministry)
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_manage_organisation(AnonymousUser(), ministry)


def test_inactive_manager_loses_rights(ministry, ministry_manager):
    ministry_manager.is_active = False
    ministry_manager.save()
    assert not permissions.can_manage_organisation(ministry_manager, ministry)


def test_member_list_is_private_to_the_organisation(ministry, ministry_manager, business_manager):
    assert permissions.can_view_members(ministry_manager, ministry)
    assert not permissions.can_view_members(business_manager, ministry)


def test_inactive_organisation_is_hidden_as_not_found(user):
    hidden = OrganisationFactory(is_active=False)
    with pytest.raises(Http404):
        permissions.access_organisation(user, hidden.pk)
    assert Client().get(f"/organisations/{hidden.pk}/").status_code == 404


def test_profile_page_shows_members_only_to_insiders(ministry, ministry_manager, business_manager):
    insider, outsider, anonymous = (
        signed_in_client(ministry_manager),
        signed_in_client(business_manager),
        Client(),
    )
    email_marker = ministry_manager.get_full_name()
    assert email_marker in insider.get(f"/organisations/{ministry.pk}/").content.decode()
    assert email_marker not in outsider.get(f"/organisations/{ministry.pk}/").content.decode()
    assert email_marker not in anonymous.get(f"/organisations/{ministry.pk}/").content.decode()


def test_manage_and_audit_pages_are_for_managers_only(
    business_org, business_manager, ministry_manager
):
    manager, outsider = signed_in_client(business_manager), signed_in_client(ministry_manager)
    for suffix in ("manage/", "audit/"):
        assert manager.get(f"/organisations/{business_org.pk}/{suffix}").status_code == 200
        assert outsider.get(f"/organisations/{business_org.pk}/{suffix}").status_code == 403
    assert Client().get(f"/organisations/{business_org.pk}/manage/").status_code == 302


def test_manage_page_saves_the_profile_and_adds_a_member(business_org, business_manager, user):
    client = Client()
    client.force_login(business_manager)
    response = client.post(
        f"/organisations/{business_org.pk}/manage/",
        {
            "name": "BrightPath Software Ltd",
            "kind": "business",
            "subtype": "medium",
            "name_ru": "БрайтПас",
        },
    )
    assert response.status_code == 302
    business_org.refresh_from_db()
    assert (business_org.name, business_org.subtype) == ("BrightPath Software Ltd", "medium")
    assert business_org.name_translations == {"ru": "БрайтПас"}
    client.post(
        f"/organisations/{business_org.pk}/members/", {"email": user.email, "role": "member"}
    )
    # an invitation, not yet a membership
    assert business_org.invitations.filter(email=user.email, role="member").exists()
    assert not business_org.memberships.filter(user=user).exists()
    audit_page = client.get(f"/organisations/{business_org.pk}/audit/").content.decode()
    assert "organisation.update" in audit_page
    assert "invitation.create" in audit_page


def test_manage_page_shows_a_form_error_not_a_500(business_org, business_manager):
    client = Client()
    client.force_login(business_manager)
    response = client.post(
        f"/organisations/{business_org.pk}/manage/",
        {"name": "BrightPath", "kind": "business", "subtype": "ngo"},
    )
    assert response.status_code == 200
    assert "Choose a size or type" in response.content.decode()
    business_org.refresh_from_db()
    assert business_org.subtype == "small"


def test_manage_page_offers_no_kind_or_parent_and_ignores_them(
    business_org, business_manager, ministry
):
    # given: a business manager on their profile page
    client = Client()
    client.force_login(business_manager)
    page = client.get(f"/organisations/{business_org.pk}/manage/").content.decode()
    assert 'name="kind"' not in page
    assert 'name="parent_id"' not in page
    entries = AuditEntry.objects.count()
    # when: they post a government kind and a parent anyway, with an unchanged profile
    response = client.post(
        f"/organisations/{business_org.pk}/manage/",
        {
            "name": business_org.name,
            "kind": "higher_body",
            "parent_id": ministry.pk,
            "subtype": business_org.subtype,
        },
    )
    # then: the registry facts are untouched and nothing was written
    assert response.status_code == 302
    business_org.refresh_from_db()
    assert (business_org.kind, business_org.sector, business_org.parent_id) == (
        "business",
        "business",
        None,
    )
    assert AuditEntry.objects.count() == entries
