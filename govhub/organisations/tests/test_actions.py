from __future__ import annotations

import pytest

from govhub.accounts.tests.factories import UserFactory
from govhub.core.api import Conflict, Forbidden, InvalidInput, NotFound, RuleBroken
from govhub.core.models import AuditEntry
from govhub.core.testing import assert_nothing_written
from govhub.organisations import actions
from govhub.organisations.data import OrganisationInput
from govhub.organisations.kinds import ALLOWED_PARENT_KINDS
from govhub.organisations.models import Invitation, Membership, Organisation
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# What an organisations action may write: a refusal leaves every row of these as it was.
WRITES = (Organisation, Membership, Invitation, AuditEntry)


def test_staff_creates_an_organisation_with_sector_from_kind(staff):
    # when
    org = actions.organisation_create(
        actor=staff,
        data=OrganisationInput(
            name="  Elder Care Network ",
            kind="cso",
            subtype="ngo",
            name_translations={"ru": "Сеть помощи пожилым"},
        ),
    )
    # then
    org.refresh_from_db()
    assert (org.name, org.kind, org.sector, org.subtype) == (
        "Elder Care Network",
        "cso",
        "civil_society",
        "ngo",
    )
    assert org.display_name("ru") == "Сеть помощи пожилым"
    assert org.display_name("fa-af") == "Elder Care Network"
    entry = AuditEntry.objects.get(verb="organisation.create")
    assert entry.actor_id == staff.pk
    assert entry.organisation_id == org.pk
    assert entry.changes["kind"] == "cso"


def test_a_plain_user_cannot_create_an_organisation(user):
    # when
    with assert_nothing_written(), pytest.raises(Forbidden) as exc:
        actions.organisation_create(
            actor=user, data=OrganisationInput(name="X", kind="cso", subtype="ngo")
        )
    # then
    assert exc.value.code == "permission_denied"


def test_a_ministry_manager_adds_an_agency_under_it(ministry, ministry_manager):
    agency = actions.organisation_create(
        actor=ministry_manager,
        data=OrganisationInput(
            name="E-Government Agency", kind="ministry_agency", parent_id=ministry.pk
        ),
    )
    assert agency.parent == ministry


@pytest.mark.parametrize(
    ("kind", "subtype", "code"),
    [
        ("business", "", "invalid_subtype"),
        ("business", "ngo", "invalid_subtype"),
        ("ministry_agency", "large", "invalid_subtype"),
        ("planet", "", "invalid_kind"),
    ],
)
def test_kind_and_subtype_must_fit(staff, kind, subtype, code):
    # when
    with assert_nothing_written(*WRITES), pytest.raises(InvalidInput) as exc:
        actions.organisation_create(
            actor=staff, data=OrganisationInput(name="X", kind=kind, subtype=subtype)
        )
    # then
    assert exc.value.code == code


def test_names_only_in_site_languages(staff):
    with assert_nothing_written(*WRITES), pytest.raises(InvalidInput) as exc:
        actions.organisation_create(
            actor=staff,
            data=OrganisationInput(name="X", kind="higher_body", name_translations={"xx": "?"}),
        )
    assert exc.value.code == "invalid_name_translations"


def test_a_municipality_cannot_sit_under_a_business(staff, business_org):
    with assert_nothing_written(*WRITES), pytest.raises(RuleBroken) as exc:
        actions.organisation_create(
            actor=staff,
            data=OrganisationInput(name="Town", kind="local_body", parent_id=business_org.pk),
        )
    assert exc.value.code == "invalid_parent_kind"


def test_no_parent_cycles_and_no_parent_change_through_update(staff, ministry):
    # given
    agency = OrganisationFactory(kind="ministry_agency", parent=ministry)
    # when
    with assert_nothing_written(*WRITES), pytest.raises(Forbidden) as exc:
        actions.organisation_update(
            actor=staff, organisation_id=ministry.pk, changes={"parent_id": agency.pk}
        )
    # then
    assert exc.value.code == "field_not_editable"


def test_manager_updates_profile_and_the_diff_is_audited(ministry, ministry_manager):
    # when
    actions.organisation_update(
        actor=ministry_manager,
        organisation_id=ministry.pk,
        changes={"website": "https://digital.example", "phone": "+1 555 0100"},
    )
    # then
    ministry.refresh_from_db()
    assert ministry.website == "https://digital.example"
    entry = AuditEntry.objects.get(verb="organisation.update")
    assert entry.changes == {
        "website": ["", "https://digital.example"],
        "phone": ["", "+1 555 0100"],
    }


def test_member_who_is_not_manager_cannot_update(ministry):
    # given
    member = MembershipFactory(organisation=ministry, role="member").user
    # when
    with assert_nothing_written(*WRITES), pytest.raises(Forbidden) as exc:
        actions.organisation_update(
            actor=member, organisation_id=ministry.pk, changes={"name": "Hijacked"}
        )
    # then
    assert exc.value.code == "permission_denied"


def test_update_rejects_unknown_fields_and_sector(ministry, ministry_manager):
    # when
    with assert_nothing_written(*WRITES):
        with pytest.raises(Forbidden) as sector:
            actions.organisation_update(
                actor=ministry_manager, organisation_id=ministry.pk, changes={"sector": "business"}
            )
        with pytest.raises(InvalidInput) as unknown:
            actions.organisation_update(
                actor=ministry_manager, organisation_id=ministry.pk, changes={"id": 9}
            )
    # then
    assert (sector.value.code, unknown.value.code) == ("field_not_editable", "invalid_field")


def test_update_of_a_missing_organisation_is_not_found(staff):
    with assert_nothing_written(*WRITES), pytest.raises(NotFound) as exc:
        actions.organisation_update(actor=staff, organisation_id=999999, changes={"name": "x"})
    assert exc.value.code == "organisation_not_found"


def test_staff_add_directly_change_role_and_remove(ministry, ministry_manager, staff, user):
    # add (staff may add without an invitation)
    membership = actions.membership_create(
        actor=staff, organisation_id=ministry.pk, user=user, role="member"
    )
    assert membership.role == "member"
    # promote
    actions.membership_create(actor=staff, organisation_id=ministry.pk, user=user, role="manager")
    assert Membership.objects.get(pk=membership.pk).role == "manager"
    # remove
    actions.membership_remove(actor=staff, membership_id=membership.pk)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    verbs = list(AuditEntry.objects.order_by("sequence").values_list("verb", flat=True))
    assert verbs == ["membership.add", "membership.change_role", "membership.remove"]


def test_a_manager_changes_a_members_role(ministry, ministry_manager):
    member = MembershipFactory(organisation=ministry, role="member")
    actions.membership_change_role(actor=ministry_manager, membership_id=member.pk, role="manager")
    assert Membership.objects.get(pk=member.pk).role == "manager"
    entry = AuditEntry.objects.get(verb="membership.change_role")
    assert entry.changes == {"user": member.user_id, "role": ["member", "manager"]}


def test_a_manager_cannot_add_a_member_without_an_invitation(ministry, ministry_manager, user):
    with assert_nothing_written(), pytest.raises(Forbidden) as exc:
        actions.membership_create(
            actor=ministry_manager, organisation_id=ministry.pk, user=user, role="member"
        )
    assert exc.value.code == "permission_denied"


def test_the_last_manager_cannot_leave(ministry, ministry_manager):
    # given
    only = Membership.objects.get(user=ministry_manager)
    # when
    with assert_nothing_written(*WRITES):
        with pytest.raises(Conflict) as leave:
            actions.membership_remove(actor=ministry_manager, membership_id=only.pk)
        with pytest.raises(Conflict) as demote:
            actions.membership_change_role(
                actor=ministry_manager, membership_id=only.pk, role="member"
            )
    # then
    assert (leave.value.code, demote.value.code) == ("last_manager", "last_manager")


def test_an_outsider_cannot_invite_or_change_roles(ministry):
    # given
    outsider = MembershipFactory(role="manager").user  # manager elsewhere
    member = MembershipFactory(organisation=ministry, role="member")
    # when
    with assert_nothing_written(*WRITES):
        with pytest.raises(Forbidden) as invite:
            actions.invitation_create(
                actor=outsider, organisation_id=ministry.pk, email="x@example.org", role="manager"
            )
        with pytest.raises(Forbidden) as promote:
            actions.membership_change_role(actor=outsider, membership_id=member.pk, role="manager")
    # then
    assert (invite.value.code, promote.value.code) == ("permission_denied", "permission_denied")


KINDS = ("higher_body", "ministry_agency", "local_body", "business", "cso")
SUBTYPE = {"business": "small", "cso": "ngo"}


def _person(role, org):
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    if role == "staff":
        return UserFactory(is_staff=True)
    if role == "outsider":
        return UserFactory()
    return MembershipFactory(organisation=org, role=role).user


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "manager", "staff"])
@pytest.mark.parametrize("new_kind", KINDS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_one_changes_kind_or_parent_through_update(kind, new_kind, role):
    # given
    org = OrganisationFactory(kind=kind, subtype=SUBTYPE.get(kind, ""), name="BrightPath Software")
    actor = _person(role, org)
    changes = (
        {"kind": new_kind, "subtype": SUBTYPE.get(new_kind, "")}
        if new_kind != kind
        else {"parent_id": OrganisationFactory(kind=kind, subtype=SUBTYPE.get(kind, "")).pk}
    )
    # when
    with assert_nothing_written(*WRITES), pytest.raises((Forbidden, NotFound)) as exc:
        actions.organisation_update(actor=actor, organisation_id=org.pk, changes=changes)
    # then
    expected = "field_not_editable" if role in ("manager", "staff") else "permission_denied"
    assert exc.value.code == expected


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "manager", "staff"])
@pytest.mark.parametrize("new_kind", KINDS)
@pytest.mark.parametrize("parent_kind", KINDS)
def test_who_may_create_which_kind_under_which_parent(parent_kind, new_kind, role):
    # given
    parent = OrganisationFactory(kind=parent_kind, subtype=SUBTYPE.get(parent_kind, ""))
    actor = _person(role, parent)
    data = OrganisationInput(
        name="New unit", kind=new_kind, subtype=SUBTYPE.get(new_kind, ""), parent_id=parent.pk
    )
    fits = parent_kind in ALLOWED_PARENT_KINDS[new_kind]
    government = {"higher_body", "ministry_agency", "local_body"}
    allowed = role == "staff" or (
        role == "manager" and fits and (new_kind not in government or parent_kind in government)
    )
    # when / then
    if allowed and fits:
        assert actions.organisation_create(actor=actor, data=data).parent_id == parent.pk
        return
    with assert_nothing_written(*WRITES), pytest.raises((Forbidden, RuleBroken)) as exc:
        actions.organisation_create(actor=actor, data=data)
    assert exc.value.code == ("invalid_parent_kind" if not fits else "permission_denied")


def test_a_business_manager_cannot_create_a_top_level_government_body(business_manager):
    with assert_nothing_written(), pytest.raises(Forbidden) as exc:
        actions.organisation_create(
            actor=business_manager, data=OrganisationInput(name="Presidency", kind="higher_body")
        )
    assert exc.value.code == "permission_denied"
