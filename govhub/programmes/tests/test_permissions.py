"""Who may do what with programmes: the predicates of `programmes/permissions.py`, tested
directly, and proof that actions and pages ask the same predicate (one rule, one place)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import signed_in_client
from govhub.core.api import Forbidden
from govhub.core.testing import assert_nothing_written
from govhub.organisations.api import MembershipInfo
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes import permissions, transitions
from govhub.programmes.governance import current_model
from govhub.programmes.models import Contribution, Programme, ProgrammeStatus
from govhub.programmes.tests.factories import ProgrammeFactory

SECTOR = {
    "higher_body": "government",
    "ministry_agency": "government",
    "local_body": "government",
    "business": "business",
    "cso": "civil_society",
}
# The seed's participation matrix (docs: the governance model), written out here so that a
# change to the predicates or to the model file is caught.
TAKES_PART = {
    "higher_body": {1, 3, 4, 8, 10},
    "ministry_agency": {1, 2, 3, 5, 6, 7, 9, 10},
    "local_body": {1, 2, 3, 5, 6, 7, 9, 10},
    "business": {1, 3, 5, 9},
    "cso": {1, 3, 5, 9},
}
STEPS = range(1, 11)


def _membership(kind: str, organisation_id: int = 7) -> MembershipInfo:
    return MembershipInfo(
        organisation_id=organisation_id,
        organisation_name=f"A {kind}",
        kind=kind,
        sector=SECTOR[kind],
        role="member",
    )


def _at(step: int, **fields: Any) -> Programme:
    model = current_model()
    return Programme(current_step=step, model_version=model.version, **fields)


@pytest.mark.parametrize("kind", sorted(TAKES_PART))
def test_contributors_of_each_step_are_exactly_the_matrix(kind):
    # given
    model, membership = current_model(), _membership(kind)
    # when
    steps = {s for s in STEPS if permissions.can_contribute(membership, _at(s), model)}
    # then
    assert steps == TAKES_PART[kind]


@pytest.mark.parametrize("kind", sorted(TAKES_PART))
def test_gate_deciders_are_the_government_bodies_taking_part(kind):
    # given
    model, membership = current_model(), _membership(kind)
    # when
    steps = {s for s in STEPS if permissions.can_decide_gate(membership, _at(s), model)}
    # then
    assert steps == (TAKES_PART[kind] if SECTOR[kind] == "government" else set())


def test_a_government_body_not_taking_part_does_not_decide_the_gate():
    # given: step 5, where higher bodies do not take part
    model, higher = current_model(), _membership("higher_body")
    # when / then
    assert permissions.can_decide_gate(higher, _at(5), model) is False
    assert permissions.can_decide_gate(_membership("ministry_agency"), _at(5), model) is True


def test_the_document_is_issued_by_the_issuance_steps_deciders():
    # given: step 8, where only higher bodies take part
    model, programme = current_model(), _at(8)
    # when
    issuers = [
        k for k in sorted(TAKES_PART) if permissions.can_issue(_membership(k), programme, model)
    ]
    # then
    assert issuers == ["higher_body"]


@pytest.mark.parametrize("kind", sorted(TAKES_PART))
def test_every_kind_may_expose_a_problem_under_the_seed(kind):
    assert permissions.can_start_programme(_membership(kind), current_model()) is True


def test_only_the_author_still_acting_for_its_organisation_withdraws():
    # given
    author = SimpleNamespace(pk=5)
    contribution = Contribution(author_id=5, organisation_id=7)
    own, other = [_membership("cso", 7)], [_membership("cso", 8)]
    # when / then
    assert permissions.can_withdraw_contribution(author, contribution, memberships=own) is True
    assert permissions.can_withdraw_contribution(author, contribution, memberships=other) is False
    assert permissions.can_withdraw_contribution(author, contribution, memberships=[]) is False
    stranger = SimpleNamespace(pk=6)
    assert permissions.can_withdraw_contribution(stranger, contribution, memberships=own) is False
    anonymous = AnonymousUser()
    assert permissions.can_withdraw_contribution(anonymous, contribution, memberships=[]) is False


def test_acting_for_keeps_the_memberships_the_rule_allows_in_order():
    # given: a person acting for a business, a ministry and a municipality at step 5
    memberships = [
        _membership("business", 1),
        _membership("ministry_agency", 2),
        _membership("local_body", 3),
    ]
    model, programme = current_model(), _at(5)
    # when
    deciders = permissions.acting_for(permissions.can_decide_gate, memberships, programme, model)
    contributors = permissions.acting_for(permissions.can_contribute, memberships, programme, model)
    # then
    assert [m.organisation_id for m in deciders] == [2, 3]
    assert [m.organisation_id for m in contributors] == [1, 2, 3]


def test_a_step_1_programme_is_seen_by_its_participants_and_staff_only():
    # given
    programme = _at(1, status=ProgrammeStatus.ACTIVE)
    person = SimpleNamespace(is_authenticated=True, is_staff=False, is_active=True)
    staff = SimpleNamespace(is_authenticated=True, is_staff=True, is_active=True)
    # when / then
    assert permissions.can_view_programme(AnonymousUser(), programme) is False
    assert permissions.can_view_programme(person, programme, memberships=[]) is False
    member = [_membership("cso")]
    assert permissions.can_view_programme(person, programme, memberships=member) is True
    assert permissions.can_view_programme(staff, programme, memberships=[]) is True
    assert permissions.can_view_programme(AnonymousUser(), _at(2)) is True
    closed = _at(1, status=ProgrammeStatus.CLOSED)
    assert permissions.can_view_programme(AnonymousUser(), closed) is True


@pytest.mark.django_db
def test_the_gate_rule_is_one_rule_for_the_action_and_the_page(monkeypatch):
    # given: a ministry at step 3, whom the seed's rule lets decide; then no one may
    programme = ProgrammeFactory(current_step=3)
    org = OrganisationFactory(kind="ministry_agency")
    person = MembershipFactory(organisation=org).user
    client = signed_in_client(person)
    url = f"/programmes/{programme.pk}/steps/3/"
    assert "Advance to the next step" in client.get(url).content.decode()
    monkeypatch.setattr(permissions, "can_decide_gate", lambda *args: False)
    # when
    page = client.get(url).content.decode()
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=3)
    # then: both follow the one predicate
    assert "Advance to the next step" not in page
    assert "Add a contribution" in page  # contributing is another rule
    assert refused.value.code == "not_a_gate_keeper"
