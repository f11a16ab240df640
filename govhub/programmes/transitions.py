"""A programme's way through its governance model, on core's workflow engine: start, advance
(close the gate), send back, issue the document, open a new cycle.

Each transition reads and checks first (the programme, who acts, the expected step, the
gate's guards: `workflow_transition` plans before its transaction) and then writes in one
short transaction: the instance's conditional update (a concurrent change gets 409
state_changed), the decision row, the audit entry, and the programme's own step, deadline
and status. Side effects (telling the next step's participants) run after it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from govhub.core.api import (
    Conflict,
    InvalidInput,
    RuleBroken,
    audit_record,
    reject_nul,
    workflow_adopt,
    workflow_instance_for,
    workflow_instance_ids,
    workflow_start,
    workflow_transition,
)
from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes import permissions
from govhub.programmes.actions import (
    Locked,
    acting_organisation,
    gate_decider,
    programme_locked,
    require_active,
)
from govhub.programmes.governance import (
    HOLDS_DRAFTS,
    ISSUES_DOCUMENT,
    SUBJECT,
    GovernanceModel,
    current_model,
    model_key,
    programme_model,
)
from govhub.programmes.models import (
    ContributionStatus,
    Programme,
    ProgrammeStatus,
    Visibility,
)
from govhub.programmes.search import programme_index
from govhub.programmes.tasks import announce_step_reached
from govhub.programmes.versions import programme_changed


def _start(actor: Any, programme: Programme, organisation_id: int) -> None:
    """Put a new programme on the model's workflow (inside the caller's transaction)."""
    instance = workflow_start(
        actor=actor,
        definition_key=model_key(),
        subject_type=SUBJECT,
        subject_id=programme.pk,
        organisation_id=organisation_id,
    )
    Programme.objects.filter(pk=programme.pk).update(deadline=instance.deadline, workflow=instance)
    programme.deadline, programme.workflow = instance.deadline, instance


def programmes_adopt(programmes: Iterable[Programme]) -> int:
    """Put programmes written without the actions (bulk loads, test fixtures) on their
    model's workflow, each at its current step since it entered it, and link each to its
    instance; no decision is recorded. Programmes that have their instance already keep it."""
    by_version: dict[tuple[str, int], list[Programme]] = {}
    for p in programmes:
        model = programme_model(p)
        by_version.setdefault((model.definition.key, model.definition.version), []).append(p)
    made = 0
    for (key, number), group in by_version.items():
        model = programme_model(group[0])
        rows = [
            (
                p.pk,
                model.state_of(p.current_step, closed=p.status == ProgrammeStatus.CLOSED),
                p.step_started_at,
            )
            for p in group
        ]
        made += workflow_adopt(
            definition_key=key, version=number, subject_type=SUBJECT, subjects=rows
        )
        ids = workflow_instance_ids(SUBJECT, [p.pk for p in group], key)
        for p in group:
            p.workflow_id = ids[str(p.pk)]
        Programme.objects.bulk_update(group, ["workflow"], batch_size=1000)
    return made


def _new(*, actor: Any, model: GovernanceModel, organisation_id: int, **fields: Any) -> Programme:
    programme = Programme.objects.create(
        initiator_id=organisation_id, model_version=model.version, **fields
    )
    _start(actor, programme, organisation_id)
    programme_index(programme)  # found by search (its initiator only, until it is public)
    return programme


def programme_create(
    *, actor: Any, organisation_id: int | None, title: str, summary: str = ""
) -> Programme:
    """Expose a problem: start a programme at step 1 for an organisation the actor acts for."""
    model = current_model()
    membership = acting_organisation(
        memberships=memberships_for(actor), model=model, step=1, named=organisation_id
    )
    reject_nul(title, summary)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("The title must have 1 to 200 characters."), code="invalid_title")
    with transaction.atomic():
        programme = _new(
            actor=actor,
            model=model,
            organisation_id=membership.organisation_id,
            title=title,
            summary=(summary or "").strip(),
        )
        audit_record(
            actor=actor,
            verb="programme.create",
            target=programme,
            organisation_id=membership.organisation_id,
            changes={"title": title, "model_version": model.version},
        )
    return programme


def _instance(programme: Programme) -> Any:
    """The programme's workflow instance, with its definition version (read with the
    programme by `programme_locked`, else here)."""
    if programme.workflow_id is not None and Programme.workflow.is_cached(programme):
        return programme.workflow
    key = programme.model_version.rpartition(":")[0]
    instance = workflow_instance_for(SUBJECT, programme.pk, key)
    if instance is None:  # every programme starts on its workflow (migration 0005 for old ones)
        raise Conflict(_("This programme has no workflow."), code="workflow_missing")
    return instance


def _expect(programme: Programme, expected_step: int | None) -> None:
    """A transition names the step it expects, so a repeated request never moves twice."""
    if expected_step is not None and expected_step != programme.current_step:
        raise Conflict(
            _("The programme is now at step %(step)d; reload and decide again.")
            % {"step": programme.current_step},
            code="step_changed",
        )


def _gate_refused(error: RuleBroken) -> RuleBroken:
    """The engine's unmet conditions under programmes' public code."""
    return RuleBroken(
        _("The step cannot close yet."),
        code="gate_conditions_unmet",
        details=[{"code": d["code"], "message": d["message"]} for d in error.details or []],
    )


def _take(
    *,
    actor: Any,
    locked: Locked,
    membership: MembershipInfo,
    transition: str,
    to_step: int | None = None,
    close: bool = False,
    reason: str = "",
) -> Programme:
    """Take `transition` on the programme's instance and move the programme with it."""
    programme, model = locked.programme, locked.model
    from_step = programme.current_step
    target = model.step(to_step).state if to_step is not None else None
    new_step = to_step if to_step is not None else (from_step if close else from_step + 1)

    def within(decision: Any) -> None:
        now = decision.created_at
        moved = Programme.objects.filter(pk=programme.pk, current_step=from_step).update(
            current_step=new_step,
            step_started_at=now,
            deadline=None if close else decision.deadline,
            status=ProgrammeStatus.CLOSED if close else ProgrammeStatus.ACTIVE,
            first_public_at=Coalesce(F("first_public_at"), now)
            if (new_step > 1 or close)
            else F("first_public_at"),
        )
        if moved != 1:  # the programme moved under another instance: never half-written
            raise Conflict(_("The programme moved on; reload and try again."), code="state_changed")
        programme.current_step = new_step
        programme.step_started_at = now
        programme.deadline = None if close else decision.deadline
        programme.status = ProgrammeStatus.CLOSED if close else ProgrammeStatus.ACTIVE
        if programme.first_public_at is None and (new_step > 1 or close):
            programme.first_public_at = now

    instance = _instance(programme)
    try:
        workflow_transition(
            actor=actor,
            instance_id=instance.pk,
            instance=instance,
            transition=transition,
            to=target,
            organisation_id=membership.organisation_id,
            memberships=[membership],
            expected_state=model.state_of(from_step),
            reason=reason,
            within=within,
        )
    except RuleBroken as error:
        if error.code == "conditions_unmet":
            raise _gate_refused(error) from error
        raise
    if programme.previous_cycle_id:  # its page shows this cycle's step
        programme_changed(programme.previous_cycle_id)
    return programme


def programme_advance(
    *,
    actor: Any,
    programme_id: int,
    organisation_id: Any = None,
    expected_step: int | None = None,
) -> Programme:
    """Close the current step's gate and move on (from the last step: close the programme).
    `expected_step` (required over REST and the web) refuses a stale or repeated request."""
    locked = programme_locked(actor, programme_id, lock=False)
    programme, model = locked.programme, locked.model
    membership = gate_decider(locked, organisation_id)
    _expect(programme, expected_step)
    require_active(programme)
    last = programme.current_step == model.step_count
    moved = _take(
        actor=actor,
        locked=locked,
        membership=membership,
        transition="close" if last else "advance",
        close=last,
    )
    if not last:  # those taking part in the new step are told, once the move commits
        transaction.on_commit(
            partial(
                announce_step_reached.enqueue,
                programme_id=moved.pk,
                step=moved.current_step,
                actor_id=getattr(actor, "pk", None),
            )
        )
    return moved


def programme_return(
    *,
    actor: Any,
    programme_id: int,
    to_step: int,
    reason: str,
    organisation_id: Any = None,
    expected_step: int | None = None,
) -> Programme:
    """Send the programme back to an earlier step, saying why."""
    locked = programme_locked(actor, programme_id, lock=False)
    programme = locked.programme
    membership = gate_decider(locked, organisation_id)
    _expect(programme, expected_step)
    require_active(programme)
    if not isinstance(to_step, int) or not 1 <= to_step < programme.current_step:
        raise InvalidInput(
            _("Return to an earlier step, between 1 and %(n)d.")
            % {"n": programme.current_step - 1},
            code="invalid_step",
        )
    reject_nul(reason)
    reason = (reason or "").strip()
    if not reason or len(reason) > 5000:
        raise InvalidInput(_("Say why the programme goes back."), code="reason_required")
    return _take(
        actor=actor,
        locked=locked,
        membership=membership,
        transition="return",
        to_step=to_step,
        reason=reason,
    )


def _final_text(programme: Programme, model: GovernanceModel) -> str:
    """The frozen text: the latest public draft's clauses, with the objectives they serve.
    The issued document is public, so it is made of public artefacts only (a private or
    participants-only draft, or objective, never reaches it)."""
    public = programme.contributions.filter(
        visibility=Visibility.PUBLIC, status=ContributionStatus.ACTIVE
    )
    objectives = {c.pk: c.title for c in public.filter(type="objective").order_by("id")}
    draft = public.filter(type="draft", step__in=model.tagged(HOLDS_DRAFTS)).order_by("-id").first()
    lines = (
        [programme.title, "", programme.summary, ""] if programme.summary else [programme.title, ""]
    )
    for number, clause in enumerate((draft.data.get("clauses", []) if draft else []), start=1):
        served = ", ".join(objectives.get(i, f"#{i}") for i in clause.get("objective_ids", []))
        lines.append(f"{number}. {clause['text']}")
        if served:
            lines.append("   (" + _("Serves objectives: %(list)s") % {"list": served} + ")")
    return "\n".join(lines)


def programme_issue(
    *,
    actor: Any,
    programme_id: int,
    legal_status: str,
    organisation_id: Any = None,
    expected_step: int | None = None,
) -> Programme:
    """At the step the model tags `issues_document`, a body that decides its gate issues the
    official document (numbered, frozen, signed PDF)."""
    from govhub.core.api import document_issue

    with transaction.atomic():
        locked = programme_locked(actor, programme_id)
        programme, model = locked.programme, locked.model
        _expect(programme, expected_step)
        if not model.has_tag(programme.current_step, ISSUES_DOCUMENT):
            steps = model.tagged(ISSUES_DOCUMENT)
            raise Conflict(
                _("The document is issued at step %(step)d.") % {"step": steps[0]}
                if steps
                else _("This programme's model issues no document."),
                code="not_issuance_step",
            )
        membership = gate_decider(locked, organisation_id, rule=permissions.can_issue)
        if programme.document_id:
            raise Conflict(_("The document has already been issued."), code="already_issued")
        if not programme.contributions.filter(
            type="draft",
            status=ContributionStatus.ACTIVE,
            visibility=Visibility.PUBLIC,
            step__in=model.tagged(HOLDS_DRAFTS),
        ).exists():
            raise RuleBroken(_("There is no public draft to issue."), code="no_draft")
        document = document_issue(
            actor=actor,
            title=programme.title,
            number_prefix="PRG",
            legal_status=legal_status,
            text=_final_text(programme, model),
            issuer_label=membership.organisation_name,
            issuer_organisation_id=membership.organisation_id,
            subject_type=SUBJECT,
            subject_id=str(programme.pk),
        )
        programme.document_id = document.public_id
        programme.save(update_fields=["document_id"])
        audit_record(
            actor=actor,
            verb="programme.issue",
            target=programme,
            organisation_id=membership.organisation_id,
            changes={"document": document.public_id, "number": document.number},
        )
    return programme


def programme_new_cycle(
    *, actor: Any, programme_id: int, title: str = "", organisation_id: Any = None
) -> Programme:
    """The last step's other outcome: close the programme (its gate must be open, as for
    advance) and open a new cycle linked to it, back at step 1, initiated by the deciding
    body. A programme already closed may also be continued, once: it has at most one next
    cycle."""
    reject_nul(title)
    title = (title or "").strip()
    if len(title) > 200:
        raise InvalidInput(_("The title must have 1 to 200 characters."), code="invalid_title")
    locked = programme_locked(actor, programme_id, lock=False)
    programme, model = locked.programme, locked.model
    last = model.step_count
    if programme.current_step != last:
        raise Conflict(
            _("A new cycle opens from the last step (%(step)d), after the review.")
            % {"step": last},
            code="not_last_step",
        )
    if programme.next_cycles.exists():
        raise Conflict(_("This programme already has a next cycle."), code="cycle_exists")
    membership = gate_decider(locked, organisation_id)
    with transaction.atomic():
        if programme.status == ProgrammeStatus.ACTIVE:
            _take(actor=actor, locked=locked, membership=membership, transition="close", close=True)
        locked_again = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked_again.next_cycles.exists():
            raise Conflict(_("This programme already has a next cycle."), code="cycle_exists")
        cycle = 2
        earlier = programme.previous_cycle_id
        while earlier is not None and cycle < 1000:
            cycle += 1
            earlier = (
                Programme.objects.filter(pk=earlier).values_list("previous_cycle_id", flat=True)
            ).first()
        successor = _new(
            actor=actor,
            model=current_model(),
            organisation_id=membership.organisation_id,
            title=title
            or (_("%(title)s (cycle %(n)d)") % {"title": programme.title, "n": cycle})[:200],
            summary=programme.summary,
            previous_cycle=programme,
        )
        audit_record(
            actor=actor,
            verb="programme.new_cycle",
            target=successor,
            organisation_id=membership.organisation_id,
            changes={"previous_cycle": programme.pk, "title": successor.title, "cycle": cycle},
        )
    return successor
