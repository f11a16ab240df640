"""The seed's ten-step process as a definition: the engine expresses its rules (who takes
part where, which sector decides a gate, returns with a reason), and guards decide exactly
as registered."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from govhub.accounts.tests.factories import UserFactory
from govhub.core.errors import DomainError
from govhub.core.tests.workflow_support import (
    BUSINESS,
    HIGHER,
    ISG,
    ISG_GUARDS,
    LOCAL,
    MINISTRY,
    SIX_STEPS,
    workflow_registry,
)
from govhub.core.workflow import (
    definition_register,
    guard_register,
    workflow_start,
    workflow_transition,
)
from govhub.core.workflow.registry import Unmet

__all__ = ["workflow_registry"]

pytestmark = pytest.mark.django_db

# Who decides each step's gate under the seed's matrix: a government participant of the step.
DECIDES = {1: LOCAL, 2: MINISTRY, 3: LOCAL, 4: HIGHER, 5: MINISTRY, 6: LOCAL, 7: MINISTRY}
DECIDES |= {8: HIGHER, 9: LOCAL, 10: MINISTRY}


@pytest.fixture
def isg(workflow_registry: Any) -> set[str]:
    """The ISG definition registered, with its gate conditions as guards that open when
    their name is in the returned set."""
    definition_register(ISG)
    opened: set[str] = set()
    for name in ISG_GUARDS:

        def guard(ctx: Any, arg: Any, name: str = name) -> list[Unmet]:
            return [] if name in opened else [Unmet(name, f"{name} is not met.")]

        guard_register(name, guard)
    return opened


def test_a_programme_runs_through_the_ten_steps_decided_by_their_government_participants(isg):
    # given
    person = UserFactory()
    isg.update(ISG_GUARDS)
    instance = workflow_start(
        actor=person, definition_key="isg-programme", subject_type="p.programme", subject_id=1
    )
    # when
    path = []
    for step in range(1, 11):
        decision = workflow_transition(
            actor=person,
            instance_id=instance.pk,
            transition="close" if step == 10 else "advance",
            memberships=[DECIDES[step], BUSINESS],
            expected_state=f"step_{step}",
        )
        path.append((decision.to_state, decision.organisation_id))
    # then
    assert path == [
        *[(f"step_{s + 1}", DECIDES[s].organisation_id) for s in range(1, 10)],
        ("closed", MINISTRY.organisation_id),
    ]


@pytest.mark.parametrize(
    ("step", "member"),
    [
        (1, BUSINESS),  # takes part in step 1, but business does not decide gates
        (4, MINISTRY),  # government, but only higher bodies take part in step 4
        (8, LOCAL),  # issuance: higher bodies only
        (2, HIGHER),  # the commission is formed by ministries and local bodies
    ],
)
def test_only_a_government_participant_of_the_step_decides_its_gate(isg, step, member):
    # given
    person = UserFactory()
    isg.update(ISG_GUARDS)
    instance = workflow_start(
        actor=person, definition_key="isg-programme", subject_type="p.programme", subject_id=2
    )
    instance.__class__.objects.filter(pk=instance.pk).update(state=f"step_{step}")
    # when
    with pytest.raises(DomainError) as refused:
        workflow_transition(
            actor=person, instance_id=instance.pk, transition="advance", memberships=[member]
        )
    # then
    assert refused.value.code == "transition_not_allowed"


def test_a_return_to_an_earlier_step_needs_a_reason_and_no_gate(isg):
    # given: at step 5, no gate condition met
    person = UserFactory()
    instance = workflow_start(
        actor=person, definition_key="isg-programme", subject_type="p.programme", subject_id=3
    )
    instance.__class__.objects.filter(pk=instance.pk).update(state="step_5")
    # when
    with pytest.raises(DomainError) as no_reason:
        workflow_transition(
            actor=person,
            instance_id=instance.pk,
            transition="return",
            to="step_2",
            memberships=[MINISTRY],
        )
    with pytest.raises(DomainError) as no_target:
        workflow_transition(
            actor=person,
            instance_id=instance.pk,
            transition="return",
            memberships=[MINISTRY],
            reason="Why",
        )
    decision = workflow_transition(
        actor=person,
        instance_id=instance.pk,
        transition="return",
        to="step_2",
        memberships=[MINISTRY],
        reason="The commission lacks a civil-society member.",
    )
    # then
    assert (no_reason.value.code, no_target.value.code) == ("reason_required", "target_required")
    assert (decision.from_state, decision.to_state) == ("step_5", "step_2")


@given(open_=st.sets(st.sampled_from(["a", "b", "c"])))
@hyp_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_transition_is_taken_exactly_when_every_guard_is_met(
    workflow_registry, tmp_path, settings, open_
):
    # given: a state guarded by three flags, some of them set
    from govhub.core.workflow.models import WorkflowInstance

    document = yaml.safe_load(SIX_STEPS.read_text())
    document["key"] = "guarded"
    document["states"][0].pop("required_inputs")
    document["states"][0]["guards"] = [{"flag": "a"}, {"flag": "b"}, {"flag": "c"}]
    path = tmp_path / "guarded.yaml"
    path.write_text(yaml.safe_dump(document))
    settings.GOVHUB_WORKFLOWS = [str(path)]
    subject = f"G-{WorkflowInstance.objects.count()}"
    workflow_registry.flags.update((subject, name) for name in open_)
    person = UserFactory()
    instance = workflow_start(
        actor=person, definition_key="guarded", subject_type="g", subject_id=subject
    )
    # when
    try:
        workflow_transition(
            actor=person, instance_id=instance.pk, transition="accept", memberships=[MINISTRY]
        )
        outcome: Any = "taken"
    except DomainError as exc:
        outcome = [d["code"] for d in exc.details]
    # then
    missing = [f"{name}_missing" for name in "abc" if name not in open_]
    assert outcome == (missing or "taken")
