from typing import Any

import factory

from govhub.programmes.governance import current_model
from govhub.programmes.models import Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Programme {n}")
    initiator = factory.SubFactory("govhub.organisations.tests.factories.OrganisationFactory")
    model_version = factory.LazyFunction(lambda: current_model().version)
    current_step = 1

    @factory.post_generation  # type: ignore[untyped-decorator]
    def workflow(self: Programme, create: bool, extracted: object, **kwargs: object) -> None:
        """Every programme runs on its model's workflow, at its current step."""
        if create:
            from govhub.programmes.transitions import programmes_adopt

            programmes_adopt([self])


# A programme's step decisions are its workflow instance's (core.workflow); tests read and
# write them through these.


def _rows(programme_id: int | None = None, action: str | None = None) -> Any:
    from govhub.core.workflow.models import WorkflowDecision

    rows = WorkflowDecision.objects.filter(
        kind="transition", instance__subject_type="programmes.programme"
    )
    if programme_id is not None:
        rows = rows.filter(instance__subject_id=str(programme_id))
    if action is not None:
        rows = rows.filter(transition=action)
    return rows.select_related("instance").order_by("id")


def decision_count(*, programme_id: int | None = None, action: str | None = None) -> int:
    return int(_rows(programme_id, action).count())


def decision_get(*, programme_id: int | None = None, action: str | None = None) -> Any:
    """The one step decision (of a programme, of a kind), read as programmes read it."""
    from govhub.programmes.queries import decisions_of

    row = _rows(programme_id, action).get()
    programme = Programme.objects.get(pk=int(row.instance.subject_id))
    return next(d for d in decisions_of([programme])[programme.pk] if d.id == row.pk)


def decision_create(
    *,
    programme: Programme,
    action: str,
    from_step: int,
    to_step: int,
    actor: Any,
    organisation: Any,
    created_at: Any = None,
    reason: str = "",
) -> Any:
    """Record a past step decision on the programme's instance (history for a test)."""
    from django.utils import timezone

    from govhub.core.workflow.models import WorkflowDecision, WorkflowInstance
    from govhub.programmes.governance import programme_model

    model = programme_model(programme)
    instance = WorkflowInstance.objects.get(
        subject_type="programmes.programme", subject_id=str(programme.pk)
    )
    return WorkflowDecision.objects.create(
        instance=instance,
        kind="transition",
        transition=action,
        from_state=model.state_of(from_step),
        to_state=model.final_state if action == "close" else model.state_of(to_step),
        reason=reason,
        actor=actor,
        organisation_id=getattr(organisation, "pk", organisation),
        created_at=created_at or timezone.now(),
    )


def model_document(
    key: str,
    steps: list[dict[str, Any]],
    *,
    phases: list[tuple[str, str]] | None = None,
    version: int = 1,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A governance model as a workflow document: each step a state (name, phase,
    participants, forms, guards, tags), advanced and sent back by a government body taking
    part, the last one closed."""
    phases = phases or [("only", "Only")]
    gatekeeper = ["takes_part", {"sector": "government"}]
    states = [
        {
            "key": f"step_{n}",
            "name": s.get("name", f"Step {n}"),
            "phase": s.get("phase", phases[0][0]),
            "participants": s["participants"],
            **{k: s[k] for k in ("forms", "guards", "tags", "time_limit") if k in s},
        }
        for n, s in enumerate(steps, start=1)
    ]
    states.append({"key": "closed", "name": "Closed", "final": True})
    count = len(steps)
    transitions: list[dict[str, Any]] = [
        {"name": "advance", "from": f"step_{n}", "to": f"step_{n + 1}", "who": gatekeeper}
        for n in range(1, count)
    ]
    transitions.append(
        {"name": "close", "from": f"step_{count}", "to": "closed", "who": gatekeeper}
    )
    transitions += [
        {
            "name": "return",
            "kind": "return",
            "reason": "required",
            "from": [f"step_{m}" for m in range(n + 1, count + 1)],
            "to": f"step_{n}",
            "who": gatekeeper,
        }
        for n in range(1, count)
    ]
    document: dict[str, Any] = {
        "key": key,
        "version": version,
        "name": key,
        "initial": "step_1",
        "phases": [{"key": k, "name": n} for k, n in phases],
        "states": states,
        "transitions": transitions,
    }
    if names:
        document["participant_names"] = names
    return document


def model_store(document: dict[str, Any]) -> str:
    """Store a model as a workflow definition version programmes can run on (as if
    programmes had started on it); returns its "key:version"."""
    from govhub.core.workflow.definition import digest, parse
    from govhub.core.workflow.models import WorkflowDefinitionVersion

    parse(document)
    WorkflowDefinitionVersion.objects.get_or_create(
        key=document["key"],
        version=document["version"],
        defaults={"document": document, "sha256": digest(document)},
    )
    return f"{document['key']}:{document['version']}"
