"""Item 1 of issue 8: only platform administrators change kind, sector and parent, with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import DomainError
from govhub.core.models import AuditEntry
from govhub.organisations import actions
from govhub.organisations.models import Organisation
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "member", "manager", "staff", "superuser")
CHANGES = [
    # (kind, subtype) before -> (kind, subtype, sector) after
    (("business", "small"), ("higher_body", "", "government")),
    (("ministry_agency", ""), ("cso", "ngo", "civil_society")),
    (("cso", "union"), ("business", "micro", "business")),
    (("local_body", ""), ("ministry_agency", "", "government")),
]


def _person(role: str, org: Organisation) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    if role == "staff":
        return UserFactory(is_staff=True)
    if role == "superuser":
        return UserFactory(is_superuser=True)
    if role == "outsider":
        return UserFactory()
    return MembershipFactory(organisation=org, role=role).user


def _written() -> tuple[list[tuple[Any, ...]], int]:
    """The organisations' registry facts and the audit length (a refusal leaves both as is)."""
    rows = list(
        Organisation.objects.order_by("pk").values_list("pk", "kind", "sector", "subtype", "parent")
    )
    return rows, AuditEntry.objects.count()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("old", "new"), CHANGES)
def test_only_administrators_reclassify(role, old, new):
    # given
    org = OrganisationFactory(kind=old[0], subtype=old[1], name="BrightPath Software")
    actor = _person(role, org)
    before = _written()
    # when
    if role in ("staff", "superuser"):
        result = actions.organisation_reclassify(
            actor=actor,
            organisation_id=org.pk,
            kind=new[0],
            subtype=new[1],
            parent_id=None,
            reason="Registry extract 2026/114",
        )
        # then
        org.refresh_from_db()
        assert (result.pk, org.kind, org.subtype, org.sector) == (org.pk, *new)
        entry = AuditEntry.objects.get(verb="organisation.reclassify")
        assert entry.actor_id == actor.pk
        assert entry.changes == {
            "kind": [old[0], new[0]],
            **({"sector": [before[0][0][2], new[2]]} if before[0][0][2] != new[2] else {}),
            **({"subtype": [old[1], new[1]]} if old[1] != new[1] else {}),
            "reason": "Registry extract 2026/114",
        }
        return
    with pytest.raises(DomainError) as exc:
        actions.organisation_reclassify(
            actor=actor,
            organisation_id=org.pk,
            kind=new[0],
            subtype=new[1],
            parent_id=None,
            reason="Because I say so",
        )
    # then
    assert (exc.value.status, exc.value.code) == (403, "permission_denied")
    assert _written() == before


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reason_is_required(staff, business_org, reason):
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.organisation_reclassify(
            actor=staff,
            organisation_id=business_org.pk,
            kind="cso",
            subtype="ngo",
            parent_id=None,
            reason=reason,
        )
    assert (exc.value.status, exc.value.code) == (400, "reason_required")
    assert _written() == before


def test_the_kind_must_fit_under_the_new_parent(staff, ministry, business_org):
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.organisation_reclassify(
            actor=staff,
            organisation_id=business_org.pk,
            kind="business",
            subtype="small",
            parent_id=ministry.pk,
            reason="Bought by the ministry",
        )
    assert (exc.value.status, exc.value.code) == (422, "invalid_parent_kind")
    assert _written() == before


def test_a_subtype_must_fit_the_new_kind(staff, business_org):
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.organisation_reclassify(
            actor=staff,
            organisation_id=business_org.pk,
            kind="cso",
            subtype="small",
            parent_id=None,
            reason="It is an NGO",
        )
    assert (exc.value.status, exc.value.code) == (400, "invalid_subtype")
    assert _written() == before


def test_no_organisation_sits_under_itself_or_its_own_units(staff):
    # given: a ministry with an agency with a sub-agency
    ministry = OrganisationFactory(kind="ministry_agency")
    agency = OrganisationFactory(kind="ministry_agency", parent=ministry)
    sub_agency = OrganisationFactory(kind="ministry_agency", parent=agency)
    before = _written()
    for new_parent in (ministry, agency, sub_agency):
        # when
        with pytest.raises(DomainError) as exc:
            actions.organisation_reclassify(
                actor=staff,
                organisation_id=ministry.pk,
                kind="ministry_agency",
                subtype="",
                parent_id=new_parent.pk,
                reason="Reorganisation",
            )
        # then
        assert (exc.value.status, exc.value.code) == (422, "parent_cycle")
    assert _written() == before


def test_a_unit_moves_to_another_parent(staff):
    # given
    old_ministry = OrganisationFactory(kind="ministry_agency")
    new_ministry = OrganisationFactory(kind="ministry_agency")
    agency = OrganisationFactory(kind="ministry_agency", parent=old_ministry)
    # when
    actions.organisation_reclassify(
        actor=staff,
        organisation_id=agency.pk,
        kind="ministry_agency",
        subtype="",
        parent_id=new_ministry.pk,
        reason="Decree 12 moved the agency",
    )
    # then
    agency.refresh_from_db()
    assert agency.parent_id == new_ministry.pk
    assert AuditEntry.objects.get(verb="organisation.reclassify").changes == {
        "parent_id": [old_ministry.pk, new_ministry.pk],
        "reason": "Decree 12 moved the agency",
    }


def test_units_that_would_no_longer_fit_are_refused(staff, ministry):
    OrganisationFactory(kind="ministry_agency", parent=ministry)
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.organisation_reclassify(
            actor=staff,
            organisation_id=ministry.pk,
            kind="business",
            subtype="large",
            parent_id=None,
            reason="Privatised",
        )
    assert (exc.value.status, exc.value.code) == (422, "units_do_not_fit")
    assert _written() == before


def test_nothing_to_change_is_refused(staff, business_org):
    before = _written()
    with pytest.raises(DomainError) as exc:
        actions.organisation_reclassify(
            actor=staff,
            organisation_id=business_org.pk,
            kind="business",
            subtype="small",
            parent_id=None,
            reason="Checking",
        )
    assert (exc.value.status, exc.value.code) == (400, "nothing_changed")
    assert _written() == before


# REST


def test_staff_reclassifies_over_the_api(api_client, staff, business_org):
    response = api_client.as_user(staff).send(
        "POST",
        f"/organisations/{business_org.pk}/reclassify",
        {"kind": "cso", "subtype": "ngo", "parent_id": None, "reason": "Registered as an NGO"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["sector"], body["subtype"]) == ("cso", "civil_society", "ngo")
    assert AuditEntry.objects.get(verb="organisation.reclassify").changes["reason"] == (
        "Registered as an NGO"
    )


@pytest.mark.parametrize("role", ["outsider", "member", "manager"])
def test_the_api_refuses_everyone_but_administrators(api_client, business_org, role):
    client = api_client.as_user(_person(role, business_org))
    before = _written()
    response = client.send(
        "POST",
        f"/organisations/{business_org.pk}/reclassify",
        {"kind": "higher_body", "parent_id": None, "reason": "We govern now"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert _written() == before


def test_the_api_needs_a_token_and_a_reason(api_client, staff, business_org):
    body = {"kind": "cso", "subtype": "ngo"}
    before = _written()
    anonymous = api_client.send("POST", f"/organisations/{business_org.pk}/reclassify", body)
    assert anonymous.status_code == 401
    client = api_client.as_user(staff)
    before = _written()
    no_reason = client.send("POST", f"/organisations/{business_org.pk}/reclassify", body)
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["code"] == "reason_required"
    assert _written() == before


# The staff page


def test_staff_reclassify_through_the_page_linked_from_the_profile(staff, business_org):
    client = signed_in_client(staff)
    profile = client.get(f"/organisations/{business_org.pk}/").content.decode()
    assert f'href="/organisations/{business_org.pk}/reclassify/"' in profile
    page = client.get(f"/organisations/{business_org.pk}/reclassify/").content.decode()
    assert 'name="reason"' in page
    # a missing reason is a form error
    missing = client.post(
        f"/organisations/{business_org.pk}/reclassify/", {"kind": "cso", "subtype": "ngo"}
    )
    assert missing.status_code == 200
    assert AuditEntry.objects.filter(verb="organisation.reclassify").count() == 0
    # a complete form changes the facts
    response = client.post(
        f"/organisations/{business_org.pk}/reclassify/",
        {"kind": "cso", "subtype": "ngo", "parent_id": "", "reason": "Registered as an NGO"},
    )
    assert response.status_code == 302
    business_org.refresh_from_db()
    assert (business_org.kind, business_org.sector) == ("cso", "civil_society")


def test_staff_page_shows_a_refused_change_as_a_form_error(staff, ministry, business_org):
    client = signed_in_client(staff)
    before = _written()
    response = client.post(
        f"/organisations/{business_org.pk}/reclassify/",
        {"kind": "business", "subtype": "small", "parent_id": ministry.pk, "reason": "x"},
    )
    assert response.status_code == 200
    assert "cannot sit under" in response.content.decode()
    assert _written() == before


def test_managers_neither_see_nor_use_the_page(business_org, business_manager):
    client = signed_in_client(business_manager)
    profile = client.get(f"/organisations/{business_org.pk}/").content.decode()
    assert "/reclassify/" not in profile
    before = _written()
    assert client.get(f"/organisations/{business_org.pk}/reclassify/").status_code == 403
    posted = client.post(
        f"/organisations/{business_org.pk}/reclassify/",
        {"kind": "higher_body", "reason": "We govern now"},
    )
    assert posted.status_code == 403
    assert _written() == before


# The create-unit form


def _kind_options(page: str) -> list[str]:
    import re

    select = re.search(r'<select name="kind".*?</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([a-z_]+)"', select.group(0))


def test_the_create_form_lists_only_the_kinds_one_may_create(
    staff, ministry, ministry_manager, business_org, business_manager
):
    business = signed_in_client(business_manager)
    assert _kind_options(
        business.get(f"/organisations/new/?parent={business_org.pk}").content.decode()
    ) == ["business"]
    government = signed_in_client(ministry_manager)
    assert _kind_options(
        government.get(f"/organisations/new/?parent={ministry.pk}").content.decode()
    ) == ["ministry_agency"]
    nowhere = business.get("/organisations/new/").content.decode()
    assert _kind_options(nowhere) == []
    assert "You may not add an organisation here" in nowhere
    admin = signed_in_client(staff)
    assert _kind_options(admin.get("/organisations/new/").content.decode()) == [
        "higher_body",
        "ministry_agency",
        "local_body",
        "business",
        "cso",
    ]
    assert _kind_options(
        admin.get(f"/organisations/new/?parent={ministry.pk}").content.decode()
    ) == ["ministry_agency"]


def test_the_create_form_refuses_an_unlisted_kind(business_org, business_manager):
    client = signed_in_client(business_manager)
    before = _written()
    response = client.post(
        "/organisations/new/",
        {"name": "Presidency", "kind": "higher_body", "parent_id": business_org.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _written() == before
