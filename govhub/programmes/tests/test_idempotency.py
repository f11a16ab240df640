"""Idempotency keys on the programme writes (docs/adr/0024): a gate decision retried with its
key is answered again, never taken twice."""

from __future__ import annotations

import pytest

from govhub.core.models import AuditEntry, IdempotencyKey
from govhub.core.testing import assert_nothing_written
from govhub.core.workflow.models import WorkflowDecision
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

KEY = {"Idempotency-Key": "advance-1"}


def _step_one_with_a_problem(api_client):
    province = OrganisationFactory(kind="local_body")
    person = MembershipFactory(organisation=province).user
    programme = ProgrammeFactory(current_step=1)
    Contribution.objects.create(
        programme=programme, step=1, type="problem", organisation=province, author=person
    )
    return programme, api_client.as_user(person)


def test_a_gate_decision_retried_with_its_key_gets_the_same_answer_and_moves_once(api_client):
    # given: the programme advanced with a key
    programme, client = _step_one_with_a_problem(api_client)
    path = f"/programmes/{programme.pk}/advance"
    first = client.send("POST", path, {"expected_step": 1}, headers=KEY)
    assert (first.status_code, first.json()["current_step"]) == (200, 2)
    # when: the answer was lost and the client sends the same request again
    with assert_nothing_written():
        again = client.send("POST", path, {"expected_step": 1}, headers=KEY)
    # then: the stored answer, not 409 step_changed, and one move
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert again.content == first.content
    assert Programme.objects.get(pk=programme.pk).current_step == 2
    programme.refresh_from_db()
    moves = WorkflowDecision.objects.filter(instance_id=programme.workflow_id).exclude(kind="start")
    assert list(moves.values_list("kind", flat=True)) == ["transition"]
    assert AuditEntry.objects.filter(verb="workflow.transition").count() == 1


def test_a_gate_decision_with_a_used_key_and_another_body_is_refused(api_client):
    # given
    programme, client = _step_one_with_a_problem(api_client)
    path = f"/programmes/{programme.pk}/advance"
    client.send("POST", path, {"expected_step": 1}, headers=KEY)
    # when
    with assert_nothing_written():
        refused = client.send("POST", path, {"expected_step": 2}, headers=KEY)
    # then
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "idempotency_key_reused"
    assert Programme.objects.get(pk=programme.pk).current_step == 2


def test_a_refused_gate_decision_keeps_no_key(api_client):
    # given: the wrong expected step
    programme, client = _step_one_with_a_problem(api_client)
    path = f"/programmes/{programme.pk}/advance"
    # when
    with assert_nothing_written():
        refused = client.send("POST", path, {"expected_step": 3}, headers=KEY)
    # then
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "step_changed")
    assert IdempotencyKey.objects.count() == 0
    # and the right request with the same key still runs
    moved = client.send("POST", path, {"expected_step": 1}, headers=KEY)
    assert (moved.status_code, moved.has_header("Idempotent-Replayed")) == (200, False)


def test_a_contribution_retried_with_its_key_is_added_once(api_client):
    # given
    programme, client = _step_one_with_a_problem(api_client)
    body = {"type": "problem", "title": "Floods", "data": {"details": "Every spring"}}
    path = f"/programmes/{programme.pk}/contributions"
    first = client.send("POST", path, body, headers=KEY)
    assert first.status_code == 201
    # when
    with assert_nothing_written():
        again = client.send("POST", path, body, headers=KEY)
    # then
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.json() == first.json()
    assert Contribution.objects.filter(programme=programme, title="Floods").count() == 1
