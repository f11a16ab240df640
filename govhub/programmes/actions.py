"""Every write to programmes: participation rule first, then validation, one transaction,
one audit entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.api import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    answers_validate,
    audit_record,
    form_definition_get,
    reject_nul,
)
from govhub.organisations.api import MembershipInfo, memberships_for, organisations_brief
from govhub.programmes import permissions, queries
from govhub.programmes.governance import GovernanceModel, programme_model
from govhub.programmes.models import (
    Contribution,
    ContributionStatus,
    Programme,
    ProgrammeStatus,
    Visibility,
)
from govhub.programmes.references import form_key
from govhub.programmes.versions import programme_changed

# Types only the lead agency may add (it answers, drafts and splits the work).
LEAD_AGENCY_TYPES = {"answer", "draft", "task"}
MAX_DATA_BYTES = 64 * 1024


def contribution_types(model: GovernanceModel, step: int) -> tuple[str, ...]:
    """The artefact types that may be added at `step` under `model` (the model file's
    `forms` of the step)."""
    return model.types_at(step)


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
    model = programme_model(programme)
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
        programme_changed(programme.pk)
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
    changes = {
        "status": status,
        "status_reason": reason,
        "status_changed_at": timezone.now(),
        "status_changed_by": actor,
        "status_organisation_id": organisation_id,
    }
    # Read and checked before the transaction: the update applies only if the contribution is
    # still active and its step still open, else a concurrent change is refused (409).
    moved = Contribution.objects.filter(
        pk=contribution.pk,
        status=ContributionStatus.ACTIVE,
        programme__status=ProgrammeStatus.ACTIVE,
        programme__current_step=contribution.step,
    ).update(**changes)
    if not moved:
        _changed_meanwhile(contribution)
    for name, value in changes.items():
        setattr(contribution, name, value)
    if contribution.type == "designation":
        latest = (
            programme.contributions.filter(type="designation", status=ContributionStatus.ACTIVE)
            .order_by("-id")
            .first()
        )
        programme.lead_agency_id = latest.data["lead_organisation_id"] if latest else None
        Programme.objects.filter(pk=programme.pk).update(lead_agency_id=programme.lead_agency_id)
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


def _changed_meanwhile(contribution: Contribution) -> None:
    """Raise the conflict a concurrent change caused: the step closed, or the contribution was
    withdrawn or set aside, since it was read."""
    fresh = Contribution.objects.select_related("programme").get(pk=contribution.pk)
    _open(fresh.programme, fresh)
    raise Conflict(_("The programme changed meanwhile: reload and try again."), code="conflict")


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
    read = programme_locked(actor, programme_id, lock=False)  # read and checked first
    contribution = _own_contribution(read.programme, contribution_id, actor, read.memberships)
    why = _reason(reason, required=False)
    with transaction.atomic():  # then one conditional update, and the audit entry
        _retire(
            read.programme,
            contribution,
            status=ContributionStatus.WITHDRAWN,
            actor=actor,
            organisation_id=contribution.organisation_id,
            reason=why,
            verb="contribution.withdraw",
        )
        programme_changed(read.programme.pk)
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
    read = programme_locked(actor, programme_id, lock=False)  # read and checked first
    membership = gate_decider(read, organisation_id)
    contribution = _visible_contribution(read.programme, contribution_id, actor)
    _open(read.programme, contribution)
    why = _reason(reason, required=True)
    with transaction.atomic():  # then one conditional update, and the audit entry
        _retire(
            read.programme,
            contribution,
            status=ContributionStatus.SET_ASIDE,
            actor=actor,
            organisation_id=membership.organisation_id,
            reason=why,
            verb="contribution.set_aside",
        )
        programme_changed(read.programme.pk)
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


def gate_decider(
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


@dataclass(frozen=True)
class Locked:
    """A programme locked for the current transaction, its model, and the actor's
    memberships (read once: every gate action needs them for access and for acting)."""

    programme: Programme
    model: GovernanceModel
    memberships: list[MembershipInfo]


def programme_locked(actor: Any, programme_id: int, *, lock: bool = True) -> Locked:
    """The programme, locked for this transaction (`lock`; call inside
    `transaction.atomic()`), or read for a workflow transition, which catches a concurrent
    change itself; 404 if the actor cannot see it."""
    rows = (
        Programme.objects.select_for_update()
        if lock
        # A transition's read: the programme with its workflow instance, in one query.
        else Programme.objects.select_related("workflow__definition").defer(
            "workflow__definition__document"
        )
    )
    programme = rows.filter(pk=programme_id).first()
    memberships = memberships_for(actor)
    if programme is None or not permissions.can_view_programme(
        actor, programme, memberships=memberships
    ):
        raise NotFound(_("No such programme."), code="programme_not_found")
    return Locked(programme, programme_model(programme), memberships)


def require_active(programme: Programme) -> None:
    if programme.status != ProgrammeStatus.ACTIVE:
        raise Conflict(_("The programme is closed."), code="programme_closed")
