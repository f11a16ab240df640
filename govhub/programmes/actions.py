"""Every write to programmes: participation rule first, then validation, one transaction,
one audit entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.api import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    answers_validate,
    audit_record,
    form_definition_get,
    reject_nul,
)
from govhub.organisations.api import MembershipInfo, memberships_for, organisations_brief
from govhub.programmes import permissions, queries
from govhub.programmes.gates import unmet_conditions
from govhub.programmes.governance import (
    GovernanceModel,
    current_model,
    seed_version,
    snapshot_model,
)
from govhub.programmes.models import (
    Contribution,
    ContributionStatus,
    DecisionAction,
    Programme,
    ProgrammeStatus,
    StepDecision,
    Visibility,
)
from govhub.programmes.references import form_key
from govhub.programmes.tasks import announce_step_reached

# Artefact types of the seed's ten steps; a programme on another model uses "contribution".
STEP_TYPES: dict[int, tuple[str, ...]] = {
    1: ("problem", "evidence"),
    2: ("commission_member",),
    3: ("objective", "adoption"),
    4: ("designation",),
    5: ("proposal", "position", "answer"),
    6: ("draft",),
    7: ("assessment", "answer"),
    8: ("comment",),
    9: ("task", "progress_report"),
    10: ("review",),
}
ISSUANCE_STEP = 8
# Types only the lead agency may add (it answers, drafts and splits the work).
LEAD_AGENCY_TYPES = {"answer", "draft", "task"}
GENERIC_TYPES = ("contribution",)
MAX_DATA_BYTES = 64 * 1024


def contribution_types(model: GovernanceModel, step: int) -> tuple[str, ...]:
    """The artefact types that may be added at `step` under `model`."""
    if model.version == seed_version():
        return STEP_TYPES[step]
    return GENERIC_TYPES


def _not_a_participant(step: int) -> Forbidden:
    return Forbidden(
        _("Your organisation does not take part in step %(step)d of this programme.")
        % {"step": step},
        code="not_a_participant_at_step",
    )


def acting_organisation(
    *, memberships: list[MembershipInfo], model: GovernanceModel, step: int, named: Any
) -> MembershipInfo:
    """The organisation the person acts for at `step`; refuses anyone the matrix excludes.

    This runs before the request body is validated, so someone who may not take part learns
    nothing about what a valid contribution looks like.
    """
    if named is not None:
        chosen = [m for m in memberships if str(m.organisation_id) == str(named)]
    else:
        chosen = [m for m in memberships if permissions.takes_part(m, model, step)]
    allowed = [m for m in chosen if permissions.takes_part(m, model, step)]
    if not allowed:
        raise _not_a_participant(step)
    if len(allowed) > 1:
        raise InvalidInput(
            _("You act for several organisations here: name one with organisation_id."),
            code="organisation_required",
        )
    return allowed[0]


def _text(payload: dict[str, Any], field: str, *, required: bool, limit: int) -> str:
    value = payload.get(field, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise InvalidInput(
            _("'%(field)s' must be text of up to %(limit)d characters.")
            % {"field": field, "limit": limit},
            code="invalid_input",
            details=[{"loc": ["body", field]}],
        )
    return value.strip()


def _validated(payload: Any, types: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput(_("The request body must be a JSON object."), code="invalid_input")
    reject_nul(payload)
    kind = payload.get("type")
    if kind not in types:
        raise InvalidInput(
            _("At this step a contribution's type must be one of: %(types)s.")
            % {"types": ", ".join(types)},
            code="invalid_type",
            details=[{"loc": ["body", "type"]}],
        )
    data = payload.get("data", {})
    if not isinstance(data, dict) or len(json.dumps(data)) > MAX_DATA_BYTES:
        raise InvalidInput(
            _("'data' must be a JSON object of at most 64 KiB."), code="invalid_input"
        )
    visibility = payload.get("visibility", Visibility.PUBLIC)
    if visibility not in Visibility.values:
        raise InvalidInput(
            _("'visibility' must be public, restricted or draft."), code="invalid_input"
        )
    return {
        "type": kind,
        "title": _text(payload, "title", required=True, limit=200),
        "body": _text(payload, "body", required=False, limit=20_000),
        "data": data,
        "visibility": visibility,
    }


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
        programme = Programme.objects.create(
            title=title,
            summary=(summary or "").strip(),
            initiator_id=membership.organisation_id,
            model_version=model.version,
            model_snapshot=model.raw,
            deadline=timezone.now() + timedelta(days=_step_days(1)),
        )
        audit_record(
            actor=actor,
            verb="programme.create",
            target=programme,
            organisation_id=membership.organisation_id,
            changes={"title": title, "model_version": model.version},
        )
    return programme


def _replaces(payload: Any) -> int | None:
    """The contribution a new one replaces (`replaces` in the body), if any."""
    value = payload.get("replaces") if isinstance(payload, dict) else None
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**63:
        raise InvalidInput(
            _("'replaces' must be the number of a contribution."),
            code="invalid_input",
            details=[{"loc": ["body", "replaces"]}],
        )
    return value


def contribution_add(
    *, actor: Any, programme_id: int, organisation_id: Any, payload: Any
) -> Contribution:
    """Add an artefact at the programme's current step (participants of that step only);
    with `replaces`, it takes the place of the author's own earlier one, which is withdrawn."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None or not permissions.can_view_programme(actor, programme):
        raise NotFound(_("No such programme."), code="programme_not_found")
    model = snapshot_model(programme.model_snapshot)
    step = programme.current_step
    membership = acting_organisation(
        memberships=memberships_for(actor), model=model, step=step, named=organisation_id
    )
    if programme.status != ProgrammeStatus.ACTIVE:
        raise Conflict(_("The programme is closed."), code="programme_closed")
    values = _validated(payload, contribution_types(model, step))
    replaces_id = _replaces(payload)
    # The type's form says what `data` holds: the answers are checked as the page's form
    # checks them, and stored with the form's version.
    definition = form_definition_get(form_key(values["type"]))
    values["data"] = answers_validate(
        definition, values["data"], context={"programme": programme, "viewer": actor}
    )
    values["form_version"] = definition.version
    _check_references(programme, membership, values, actor)
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked.current_step != step:
            raise Conflict(_("The programme moved on; reload and try again."), code="step_changed")
        replaced = None
        if replaces_id is not None:
            replaced = _own_contribution(locked, replaces_id, actor, memberships_for(actor))
            if replaced.type != values["type"]:
                raise InvalidInput(
                    _("A contribution is replaced by one of the same type."),
                    code="invalid_replacement",
                    details=[{"loc": ["body", "replaces"]}],
                )
        _check_chair(locked, step, values, replaced)
        contribution = Contribution.objects.create(
            programme=locked,
            step=step,
            organisation_id=membership.organisation_id,
            author=actor,
            created_at=timezone.now(),
            replaces=replaced,
            **values,
        )
        if replaced is not None:
            _retire(
                locked,
                replaced,
                status=ContributionStatus.WITHDRAWN,
                actor=actor,
                organisation_id=replaced.organisation_id,
                reason=_("Replaced by no. %(number)d.") % {"number": contribution.pk},
            )
        if values["type"] == "designation":
            locked.lead_agency_id = values["data"]["lead_organisation_id"]
            locked.save(update_fields=["lead_agency"])
        changes: dict[str, Any] = {"programme": programme.pk, "step": step, "type": values["type"]}
        if replaced is not None:
            changes["replaces"] = replaced.pk
        audit_record(
            actor=actor,
            verb="contribution.replace" if replaced else "contribution.add",
            target=contribution,
            organisation_id=membership.organisation_id,
            changes=changes,
        )
    return contribution


def _check_chair(
    programme: Programme, step: int, values: dict[str, Any], replaced: Contribution | None
) -> None:
    """A commission has one chair: a second claim is refused when it is made (under the
    programme's row lock, so two concurrent claims cannot both win)."""
    if values["type"] != "commission_member" or values["data"].get("role") != "chair":
        return
    chairs = Contribution.objects.filter(
        programme=programme,
        step=step,
        type="commission_member",
        status=ContributionStatus.ACTIVE,
        data__role="chair",
    )
    if replaced is not None:
        chairs = chairs.exclude(pk=replaced.pk)
    if chairs.exists():
        raise Conflict(
            _(
                "The commission already has a chair; its author may withdraw it, or the "
                "step's gatekeepers set it aside."
            ),
            code="chair_taken",
        )


def _visible_contribution(programme: Programme, contribution_id: int, actor: Any) -> Contribution:
    """A contribution of the programme the actor may see, else 404."""
    found = (
        queries.contribution_list(programme=programme, viewer=actor)
        .select_related(None)
        .filter(pk=contribution_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such contribution."), code="contribution_not_found")
    return found


def _open(programme: Programme, contribution: Contribution) -> None:
    """A contribution changes only while its step is open, and only once."""
    if programme.status != ProgrammeStatus.ACTIVE or contribution.step != programme.current_step:
        raise Conflict(
            _("Step %(step)d is closed: its contributions stay as they are.")
            % {"step": contribution.step},
            code="step_closed",
        )
    if contribution.status != ContributionStatus.ACTIVE:
        raise Conflict(
            _("This contribution has already been withdrawn or set aside."),
            code="contribution_not_active",
        )


def _own_contribution(
    programme: Programme, contribution_id: int, actor: Any, memberships: list[MembershipInfo]
) -> Contribution:
    """The actor's own contribution at the open step, still acting for its organisation."""
    contribution = _visible_contribution(programme, contribution_id, actor)
    if not permissions.can_withdraw_contribution(actor, contribution, memberships=memberships):
        raise Forbidden(
            _("Only the contribution's author may withdraw or replace it."),
            code="not_the_author",
        )
    _open(programme, contribution)
    return contribution


def _retire(
    programme: Programme,
    contribution: Contribution,
    *,
    status: str,
    actor: Any,
    organisation_id: int,
    reason: str,
    verb: str = "",
) -> None:
    """Mark a contribution withdrawn or set aside (it stays in the record and no longer
    counts), with the audit entry `verb` if given; a designation's lead agency goes back to
    the previous designation's."""
    contribution.status = status
    contribution.status_reason = reason
    contribution.status_changed_at = timezone.now()
    contribution.status_changed_by = actor
    contribution.status_organisation_id = organisation_id
    contribution.save(
        update_fields=[
            "status",
            "status_reason",
            "status_changed_at",
            "status_changed_by",
            "status_organisation",
        ]
    )
    if contribution.type == "designation":
        latest = (
            programme.contributions.filter(type="designation", status=ContributionStatus.ACTIVE)
            .order_by("-id")
            .first()
        )
        programme.lead_agency_id = latest.data["lead_organisation_id"] if latest else None
        programme.save(update_fields=["lead_agency"])
    if verb:
        audit_record(
            actor=actor,
            verb=verb,
            target=contribution,
            organisation_id=organisation_id,
            changes={
                "programme": programme.pk,
                "step": contribution.step,
                "type": contribution.type,
                "author_organisation": contribution.organisation_id,
                "reason": reason,
            },
        )


def _reason(value: Any, *, required: bool) -> str:
    reason = value.strip() if isinstance(value, str) else ""
    reject_nul(reason)
    if (required and not reason) or len(reason) > 5000:
        raise InvalidInput(
            _("Say why, in up to 5,000 characters."),
            code="reason_required",
            details=[{"loc": ["body", "reason"]}],
        )
    return reason


def contribution_withdraw(
    *, actor: Any, programme_id: int, contribution_id: int, reason: str = ""
) -> Contribution:
    """The author withdraws their own contribution before its step closes: it stays in the
    record, marked withdrawn, and no longer counts for the step's gate."""
    with transaction.atomic():
        locked = _locked(actor, programme_id)
        contribution = _own_contribution(
            locked.programme, contribution_id, actor, locked.memberships
        )
        _retire(
            locked.programme,
            contribution,
            status=ContributionStatus.WITHDRAWN,
            actor=actor,
            organisation_id=contribution.organisation_id,
            reason=_reason(reason, required=False),
            verb="contribution.withdraw",
        )
    return contribution


def contribution_set_aside(
    *,
    actor: Any,
    programme_id: int,
    contribution_id: int,
    reason: str,
    organisation_id: Any = None,
) -> Contribution:
    """A gatekeeper of the open step (who may advance it) sets a contribution aside, saying
    why: it stays in the record, marked set aside, and no longer counts for the gate."""
    with transaction.atomic():
        locked = _locked(actor, programme_id)
        membership = _decider(locked, organisation_id)
        contribution = _visible_contribution(locked.programme, contribution_id, actor)
        _open(locked.programme, contribution)
        _retire(
            locked.programme,
            contribution,
            status=ContributionStatus.SET_ASIDE,
            actor=actor,
            organisation_id=membership.organisation_id,
            reason=_reason(reason, required=True),
            verb="contribution.set_aside",
        )
    return contribution


def _refused(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, details=[{"loc": ["body", "data"]}])


def _own(programme: Programme, contribution_id: int, step: int, types: tuple[str, ...]) -> bool:
    return programme.contributions.filter(
        pk=contribution_id, step=step, type__in=types, status=ContributionStatus.ACTIVE
    ).exists()


def _cited_objectives(kind: str, data: dict[str, Any]) -> set[int]:
    """The objectives a draft's clauses serve, or a progress report measures."""
    if kind == "draft":
        return {i for clause in data.get("clauses", []) for i in clause.get("objective_ids", [])}
    if kind == "progress_report":
        return {m["objective_id"] for m in data.get("measurements", [])}
    return set()


def _check_references(
    programme: Programme, membership: MembershipInfo, values: dict[str, Any], actor: Any
) -> None:
    """Rules that need the database: who may add what, and what an artefact may point at."""
    kind, data, step = values["type"], values["data"], programme.current_step
    is_lead = membership.organisation_id == programme.lead_agency_id
    if kind in LEAD_AGENCY_TYPES and not is_lead:
        raise Forbidden(_("Only the lead agency may add this."), code="lead_agency_only")
    if kind == "commission_member" and not organisations_brief([data["organisation_id"]]):
        raise _refused(_("The nominated organisation does not exist."), "unknown_organisation")
    if kind == "designation" and values["visibility"] != Visibility.PUBLIC:
        # It names the lead agency, a fact of the programme that everyone sees.
        raise InvalidInput(
            _("A designation names the lead agency, which everyone sees: make it public."),
            code="public_only",
            details=[{"loc": ["body", "visibility"]}],
        )
    if kind == "designation":
        lead = organisations_brief([data["lead_organisation_id"]]).get(data["lead_organisation_id"])
        if lead is None or lead.kind not in ("ministry_agency", "local_body"):
            raise _refused(
                _("The lead agency must be a ministry, an agency or a local body."),
                "invalid_lead_agency",
            )
        co_executors = data.get("co_executor_ids", [])
        if len(organisations_brief(co_executors)) != len(co_executors):
            raise _refused(_("A co-executor does not exist."), "unknown_organisation")
    if kind == "adoption":
        if membership.organisation_id not in queries.commission_organisation_ids(programme):
            raise Forbidden(_("Only the commission adopts objectives."), code="commission_only")
        found = programme.contributions.filter(
            pk__in=data["objective_ids"], type="objective", status=ContributionStatus.ACTIVE
        )
        if found.count() != len(data["objective_ids"]):
            raise _refused(_("Adopt only objectives of this programme."), "unknown_objective")
    if kind == "answer" and not _own(
        programme, data["answers_id"], step, ("proposal", "position", "assessment")
    ):
        raise _refused(
            _("Answer a proposal, position or assessment of this step."), "invalid_answer"
        )
    if kind == "task" and not organisations_brief([data["assignee_organisation_id"]]):
        raise _refused(_("The assignee organisation does not exist."), "unknown_organisation")
    if kind == "progress_report":
        task = programme.contributions.filter(
            pk=data["task_id"], type="task", status=ContributionStatus.ACTIVE
        ).first()
        if task is None:
            raise _refused(_("Report progress on a task of this programme."), "unknown_task")
        if membership.organisation_id not in (
            task.data["assignee_organisation_id"],
            programme.lead_agency_id,
        ):
            raise Forbidden(
                _("Only the task's assignee or the lead agency reports on it."), code="not_assignee"
            )
    cited = _cited_objectives(kind, data)
    if cited and programme.contributions.filter(pk__in=cited, type="objective").count() != len(
        cited
    ):
        raise _refused(_("Cite only objectives of this programme."), "unknown_objective")
    if kind == "draft":
        data["version"] = programme.contributions.filter(type="draft").count() + 1
    if kind == "review":
        # The achievement is computed here, never taken from the request: the review records
        # what the indicators showed when it was written, from inputs at least as public as
        # the review itself (a public review never carries a restricted figure).
        data["achievement"] = [
            asdict(row)
            for row in queries.achievement_for_artefact(
                programme=programme,
                visibility=values["visibility"],
                organisation_id=membership.organisation_id,
            )
        ]
        data["achievement_visibility"] = values["visibility"]


def _step_days(step: int) -> int:
    days: dict[str, int] = getattr(settings, "GOVHUB_STEP_DAYS", {})
    return int(days.get(str(step), days.get("default", 30)))


def _decider(
    locked: Locked, named: Any, *, rule: Callable[..., bool] | None = None
) -> MembershipInfo:
    """The organisation the actor acts for, if `rule` (by default `can_decide_gate`) lets it
    decide the current step's gate."""
    membership = acting_organisation(
        memberships=locked.memberships,
        model=locked.model,
        step=locked.programme.current_step,
        named=named,
    )
    if not (rule or permissions.can_decide_gate)(membership, locked.programme, locked.model):
        raise Forbidden(
            _("Only a government body taking part in this step may decide its gate."),
            code="not_a_gate_keeper",
        )
    return membership


def _move(
    *,
    actor: Any,
    programme: Programme,
    membership: MembershipInfo,
    action: str,
    to_step: int,
    reason: str,
) -> Programme:
    now = timezone.now()
    decision = StepDecision.objects.create(
        programme=programme,
        action=action,
        from_step=programme.current_step,
        to_step=to_step,
        reason=reason,
        actor=actor,
        organisation_id=membership.organisation_id,
        created_at=now,
    )
    from_step = programme.current_step
    programme.current_step = to_step
    programme.step_started_at = now
    if action == DecisionAction.CLOSE:
        programme.status = ProgrammeStatus.CLOSED
        programme.deadline = None
    else:
        programme.deadline = now + timedelta(days=_step_days(to_step))
    if programme.first_public_at is None and (to_step > 1 or action == DecisionAction.CLOSE):
        programme.first_public_at = now
    programme.save(
        update_fields=["current_step", "step_started_at", "status", "deadline", "first_public_at"]
    )
    audit_record(
        actor=actor,
        verb=f"programme.{action}",
        target=programme,
        organisation_id=membership.organisation_id,
        changes={"step": [from_step, to_step], "reason": reason, "decision": decision.pk},
    )
    return programme


@dataclass(frozen=True)
class Locked:
    """A programme locked for the current transaction, its model, and the actor's
    memberships (read once: every gate action needs them for access and for acting)."""

    programme: Programme
    model: GovernanceModel
    memberships: list[MembershipInfo]


def _locked(actor: Any, programme_id: int) -> Locked:
    """The programme, locked for this transaction; 404 if the actor cannot see it. Call
    inside `transaction.atomic()`."""
    programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
    memberships = memberships_for(actor)
    if programme is None or not permissions.can_view_programme(
        actor, programme, memberships=memberships
    ):
        raise NotFound(_("No such programme."), code="programme_not_found")
    return Locked(programme, snapshot_model(programme.model_snapshot), memberships)


def _expect(programme: Programme, expected_step: int | None) -> None:
    """A transition names the step it expects, so a repeated request never moves twice."""
    if expected_step is not None and expected_step != programme.current_step:
        raise Conflict(
            _("The programme is now at step %(step)d; reload and decide again.")
            % {"step": programme.current_step},
            code="step_changed",
        )


def programme_advance(
    *,
    actor: Any,
    programme_id: int,
    organisation_id: Any = None,
    expected_step: int | None = None,
) -> Programme:
    """Close the current step's gate and move on (from the last step: close the programme).
    `expected_step` (required over REST and the web) refuses a stale or repeated request."""
    with transaction.atomic():
        locked = _locked(actor, programme_id)
        programme, model = locked.programme, locked.model
        membership = _decider(locked, organisation_id)
        _expect(programme, expected_step)
        if programme.status != ProgrammeStatus.ACTIVE:
            raise Conflict(_("The programme is closed."), code="programme_closed")
        unmet = unmet_conditions(programme, seed_model=model.version == seed_version())
        if unmet:
            raise RuleBroken(
                _("The step cannot close yet."),
                code="gate_conditions_unmet",
                details=[{"code": code, "message": message} for code, message in unmet],
            )
        last = programme.current_step == model.step_count
        moved = _move(
            actor=actor,
            programme=programme,
            membership=membership,
            action=DecisionAction.CLOSE if last else DecisionAction.ADVANCE,
            to_step=programme.current_step if last else programme.current_step + 1,
            reason="",
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
    with transaction.atomic():
        locked = _locked(actor, programme_id)
        programme = locked.programme
        membership = _decider(locked, organisation_id)
        _expect(programme, expected_step)
        if programme.status != ProgrammeStatus.ACTIVE:
            raise Conflict(_("The programme is closed."), code="programme_closed")
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
        return _move(
            actor=actor,
            programme=programme,
            membership=membership,
            action=DecisionAction.RETURN,
            to_step=to_step,
            reason=reason,
        )


def _final_text(programme: Programme) -> str:
    """The frozen text: the latest public draft's clauses, with the objectives they serve.
    The issued document is public, so it is made of public artefacts only (a private or
    participants-only draft, or objective, never reaches it)."""
    public = programme.contributions.filter(
        visibility=Visibility.PUBLIC, status=ContributionStatus.ACTIVE
    )
    objectives = {c.pk: c.title for c in public.filter(type="objective").order_by("id")}
    draft = public.filter(type="draft").order_by("-id").first()
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
    """Step 8: a higher body issues the official document (numbered, frozen, signed PDF)."""
    from govhub.core.api import document_issue

    with transaction.atomic():
        locked = _locked(actor, programme_id)
        programme, model = locked.programme, locked.model
        _expect(programme, expected_step)
        if model.version != seed_version() or programme.current_step != ISSUANCE_STEP:
            raise Conflict(
                _("The document is issued at step %(step)d.") % {"step": ISSUANCE_STEP},
                code="not_issuance_step",
            )
        membership = _decider(locked, organisation_id, rule=permissions.can_issue)
        if programme.document_id:
            raise Conflict(_("The document has already been issued."), code="already_issued")
        if not programme.contributions.filter(
            type="draft", status=ContributionStatus.ACTIVE, visibility=Visibility.PUBLIC
        ).exists():
            raise RuleBroken(_("There is no public draft to issue."), code="no_draft")
        document = document_issue(
            actor=actor,
            title=programme.title,
            number_prefix="PRG",
            legal_status=legal_status,
            text=_final_text(programme),
            issuer_label=membership.organisation_name,
            issuer_organisation_id=membership.organisation_id,
            subject_type="programmes.programme",
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
    """Step 10's other outcome: close the programme (its gate must be open, as for advance)
    and open a new cycle linked to it, back at step 1, initiated by the deciding body. A
    programme already closed may also be continued, once: it has at most one next cycle."""
    reject_nul(title)
    title = (title or "").strip()
    if len(title) > 200:
        raise InvalidInput(_("The title must have 1 to 200 characters."), code="invalid_title")
    with transaction.atomic():
        locked = _locked(actor, programme_id)
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
        membership = _decider(locked, organisation_id)
        if programme.status == ProgrammeStatus.ACTIVE:
            unmet = unmet_conditions(programme, seed_model=model.version == seed_version())
            if unmet:
                raise RuleBroken(
                    _("The step cannot close yet."),
                    code="gate_conditions_unmet",
                    details=[{"code": code, "message": message} for code, message in unmet],
                )
            _move(
                actor=actor,
                programme=programme,
                membership=membership,
                action=DecisionAction.CLOSE,
                to_step=last,
                reason="",
            )
        cycle = 2
        earlier = programme.previous_cycle_id
        while earlier is not None and cycle < 1000:
            cycle += 1
            earlier = (
                Programme.objects.filter(pk=earlier).values_list("previous_cycle_id", flat=True)
            ).first()
        current = current_model()
        successor = Programme.objects.create(
            title=title
            or (_("%(title)s (cycle %(n)d)") % {"title": programme.title, "n": cycle})[:200],
            summary=programme.summary,
            initiator_id=membership.organisation_id,
            model_version=current.version,
            model_snapshot=current.raw,
            deadline=timezone.now() + timedelta(days=_step_days(1)),
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
