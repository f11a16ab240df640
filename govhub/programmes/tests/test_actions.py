"""The programme actions' contracts, called directly: what each writes (the row, the decision,
one audit entry) and what each refuses (the error code, and nothing written)."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.api import Conflict, Forbidden, InvalidInput, NotFound
from govhub.core.models import AuditEntry
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes import actions, transitions
from govhub.programmes.governance import current_model
from govhub.programmes.models import (
    Contribution,
    ContributionStatus,
    Programme,
    ProgrammeStatus,
)
from govhub.programmes.tests.factories import ProgrammeFactory, decision_count, decision_get

pytestmark = pytest.mark.django_db

SUBTYPE = {"business": "small", "cso": "ngo"}


def _member(kind: str) -> tuple[Any, Any]:
    org = OrganisationFactory(kind=kind, subtype=SUBTYPE.get(kind, ""))
    return MembershipFactory(organisation=org).user, org


def _evidence(programme: Programme, author: Any, org: Any) -> Contribution:
    return Contribution.objects.create(
        programme=programme,
        step=programme.current_step,
        type="proposal",
        title="Village hubs",
        organisation=org,
        author=author,
    )


def test_programme_create_starts_at_step_1_on_its_workflow_with_its_audit_entries():
    # given
    person, org = _member("cso")
    # when
    programme = transitions.programme_create(
        actor=person, organisation_id=None, title="  Digital divide  ", summary="Villages"
    )
    # then
    stored = Programme.objects.get(pk=programme.pk)
    assert (stored.title, stored.current_step, stored.status, stored.initiator_id) == (
        "Digital divide",
        1,
        ProgrammeStatus.ACTIVE,
        org.pk,
    )
    assert stored.model_version == current_model().version
    started, created = AuditEntry.objects.order_by("id")
    assert (created.verb, created.organisation_id) == ("programme.create", org.pk)
    assert created.changes == {"title": "Digital divide", "model_version": current_model().version}
    assert (started.verb, started.changes["subject"], started.changes["to"]) == (
        "workflow.start",
        f"programmes.programme:{programme.pk}",
        "step_1",
    )


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_programme_create_refuses_a_bad_title_and_writes_nothing(title):
    # given
    person, _org = _member("cso")
    # when
    with assert_nothing_written(), pytest.raises(InvalidInput) as refused:
        transitions.programme_create(actor=person, organisation_id=None, title=title)
    # then
    assert refused.value.code == "invalid_title"


def test_programme_create_without_an_organisation_is_refused(user):
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        transitions.programme_create(actor=user, organisation_id=None, title="Digital divide")
    assert refused.value.code == "not_a_participant_at_step"


def test_contribution_add_records_the_acting_organisation_and_one_audit_entry():
    # given
    programme = ProgrammeFactory(current_step=5)
    person, org = _member("business")
    # when
    contribution = actions.contribution_add(
        actor=person,
        programme_id=programme.pk,
        organisation_id=None,
        payload={"type": "proposal", "title": "Village hubs", "data": {"options": "Hubs"}},
    )
    # then
    stored = Contribution.objects.get(pk=contribution.pk)
    assert (stored.step, stored.type, stored.organisation_id, stored.author_id) == (
        5,
        "proposal",
        org.pk,
        person.pk,
    )
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.organisation_id) == ("contribution.add", org.pk)
    assert entry.changes == {"programme": programme.pk, "step": 5, "type": "proposal"}


def test_contribution_add_to_a_closed_programme_is_refused():
    # given
    programme = ProgrammeFactory(current_step=5, status=ProgrammeStatus.CLOSED)
    person, _org = _member("business")
    # when
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        actions.contribution_add(
            actor=person,
            programme_id=programme.pk,
            organisation_id=None,
            payload={"type": "proposal", "title": "Village hubs"},
        )
    # then
    assert refused.value.code == "programme_closed"


def test_contribution_add_to_a_programme_one_cannot_see_is_not_found(user):
    # given: a step-1 programme, seen only by people of participating organisations
    programme = ProgrammeFactory(current_step=1)
    # when
    with assert_nothing_written(), pytest.raises(NotFound) as refused:
        actions.contribution_add(
            actor=user, programme_id=programme.pk, organisation_id=None, payload={}
        )
    # then
    assert refused.value.code == "programme_not_found"


def test_programme_advance_moves_one_step_with_a_decision_and_one_audit_entry():
    # given: step 5 with nothing to answer
    programme = ProgrammeFactory(current_step=5)
    person, ministry = _member("ministry_agency")
    # when
    moved = transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=5)
    # then
    assert Programme.objects.get(pk=programme.pk).current_step == moved.current_step == 6
    decision = decision_get()
    assert (decision.action, decision.from_step, decision.to_step, decision.organisation_id) == (
        "advance",
        5,
        6,
        ministry.pk,
    )
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.organisation_id) == ("workflow.transition", ministry.pk)
    assert {k: entry.changes[k] for k in ("transition", "from", "to", "decision")} == {
        "transition": "advance",
        "from": "step_5",
        "to": "step_6",
        "decision": decision.id,
    }


@pytest.mark.parametrize(
    ("kind", "code"),
    [("business", "not_a_gate_keeper"), ("higher_body", "not_a_participant_at_step")],
)
def test_programme_advance_by_someone_who_may_not_decide_is_refused(kind, code):
    # given: step 5, where businesses take part (not government) and higher bodies do not
    programme = ProgrammeFactory(current_step=5)
    person, _org = _member(kind)
    # when
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=5)
    # then
    assert refused.value.code == code


def test_programme_advance_with_a_stale_step_is_refused():
    # given
    programme = ProgrammeFactory(current_step=5)
    person, _org = _member("ministry_agency")
    # when
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=4)
    # then
    assert refused.value.code == "step_changed"


def test_programme_return_goes_back_with_its_reason():
    # given
    programme = ProgrammeFactory(current_step=6)
    person, town = _member("local_body")
    # when
    transitions.programme_return(
        actor=person,
        programme_id=programme.pk,
        to_step=3,
        reason="Objectives lack baselines",
        expected_step=6,
    )
    # then
    decision = decision_get()
    assert (decision.action, decision.from_step, decision.to_step, decision.reason) == (
        "return",
        6,
        3,
        "Objectives lack baselines",
    )
    assert decision.organisation_id == town.pk
    entry = AuditEntry.objects.get()
    assert (entry.verb, entry.changes["transition"], entry.changes["reason"]) == (
        "workflow.transition",
        "return",
        "Objectives lack baselines",
    )


def test_contribution_withdraw_by_someone_else_is_refused():
    # given
    programme = ProgrammeFactory(current_step=5)
    author, org = _member("business")
    contribution = _evidence(programme, author, org)
    other = MembershipFactory(organisation=org).user  # same organisation, not the author
    # when
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        actions.contribution_withdraw(
            actor=other, programme_id=programme.pk, contribution_id=contribution.pk
        )
    # then
    assert refused.value.code == "not_the_author"


def test_contribution_withdraw_by_its_author_marks_it_withdrawn():
    # given
    programme = ProgrammeFactory(current_step=5)
    author, org = _member("business")
    contribution = _evidence(programme, author, org)
    # when
    actions.contribution_withdraw(
        actor=author, programme_id=programme.pk, contribution_id=contribution.pk, reason="Dup"
    )
    # then
    stored = Contribution.objects.get(pk=contribution.pk)
    assert (stored.status, stored.status_reason, stored.status_organisation_id) == (
        ContributionStatus.WITHDRAWN,
        "Dup",
        org.pk,
    )
    assert AuditEntry.objects.get().verb == "contribution.withdraw"


@pytest.mark.parametrize(
    ("meanwhile", "code"),
    [
        ({"status": ContributionStatus.SET_ASIDE}, "contribution_not_active"),
        ({"step": 6}, "step_closed"),
    ],
)
def test_a_withdrawal_that_a_concurrent_change_overtook_is_refused_and_writes_nothing(
    monkeypatch, meanwhile, code
):
    # given: the author's contribution, read and checked as open before the transaction...
    programme = ProgrammeFactory(current_step=5)
    author, org = _member("business")
    contribution = _evidence(programme, author, org)
    read = actions._own_contribution

    def overtaken(*args: Any, **kwargs: Any) -> Contribution:
        found = read(*args, **kwargs)
        # ...then changed by someone else before the write: set aside, or the step closed
        if "status" in meanwhile:
            Contribution.objects.filter(pk=found.pk).update(status=meanwhile["status"])
        else:
            Programme.objects.filter(pk=programme.pk).update(current_step=meanwhile["step"])
        return found

    monkeypatch.setattr(actions, "_own_contribution", overtaken)
    audited = AuditEntry.objects.count()
    # when
    with pytest.raises(Conflict) as refused:
        actions.contribution_withdraw(
            actor=author, programme_id=programme.pk, contribution_id=contribution.pk
        )
    # then: the refusal says why; the conditional update moved nothing, nothing was audited
    assert refused.value.code == code
    assert refused.value.status == 409
    stored = Contribution.objects.get(pk=contribution.pk)
    assert stored.status == meanwhile.get("status", ContributionStatus.ACTIVE)
    assert (stored.status_changed_by_id, stored.status_reason) == (None, "")
    assert AuditEntry.objects.count() == audited


def test_contribution_set_aside_by_a_non_government_participant_is_refused():
    # given
    programme = ProgrammeFactory(current_step=5)
    author, org = _member("business")
    contribution = _evidence(programme, author, org)
    # when
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        actions.contribution_set_aside(
            actor=author, programme_id=programme.pk, contribution_id=contribution.pk, reason="x"
        )
    # then
    assert refused.value.code == "not_a_gate_keeper"


def test_contribution_set_aside_needs_a_reason():
    # given
    programme = ProgrammeFactory(current_step=5)
    author, org = _member("business")
    contribution = _evidence(programme, author, org)
    keeper, _ministry = _member("ministry_agency")
    # when
    with assert_nothing_written(), pytest.raises(InvalidInput) as refused:
        actions.contribution_set_aside(
            actor=keeper, programme_id=programme.pk, contribution_id=contribution.pk, reason=" "
        )
    # then
    assert refused.value.code == "reason_required"


def test_programme_issue_outside_the_issuance_step_is_refused():
    # given
    programme = ProgrammeFactory(current_step=7)
    person, _org = _member("ministry_agency")
    # when
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        transitions.programme_issue(
            actor=person, programme_id=programme.pk, legal_status="Decree", expected_step=7
        )
    # then
    assert refused.value.code == "not_issuance_step"


def test_programme_issue_by_a_body_not_taking_part_in_step_8_is_refused():
    # given: at step 8 only higher bodies take part
    programme = ProgrammeFactory(current_step=8)
    person, _org = _member("ministry_agency")
    # when
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        transitions.programme_issue(
            actor=person, programme_id=programme.pk, legal_status="Decree", expected_step=8
        )
    # then
    assert refused.value.code == "not_a_participant_at_step"


def test_programme_new_cycle_before_the_last_step_is_refused():
    # given
    programme = ProgrammeFactory(current_step=9)
    person, _org = _member("ministry_agency")
    # when
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        transitions.programme_new_cycle(actor=person, programme_id=programme.pk)
    # then
    assert refused.value.code == "not_last_step"


@pytest.mark.django_db(transaction=True)
def test_of_concurrent_advances_of_one_programme_exactly_one_wins():
    # given: on PostgreSQL, four government participants deciding step 5 at the same moment
    import threading

    from django.db import connection

    from govhub.core.api import DomainError

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are exercised on PostgreSQL (CI runs the suite there)")
    programme = ProgrammeFactory(current_step=5)
    people = [_member("ministry_agency")[0] for _ in range(4)]
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def decide(person: Any) -> None:
        try:
            barrier.wait()
            transitions.programme_advance(actor=person, programme_id=programme.pk, expected_step=5)
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=decide, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: one move, one decision, one audit entry; the others were told it changed (by the
    # conditional update if they had read before the move, by their stale step if after)
    assert outcomes.count("won") == 1
    assert set(outcomes) - {"won"} <= {"state_changed", "step_changed"}
    assert Programme.objects.get(pk=programme.pk).current_step == 6
    assert decision_count(programme_id=programme.pk) == 1
    assert AuditEntry.objects.filter(verb="workflow.transition").count() == 1
