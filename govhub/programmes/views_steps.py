"""A programme's step: its artefacts, and at the current step the participants' forms
(add a contribution; for government bodies, advance or send back)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_lazy
from django.views.decorators.http import require_GET

from govhub.core.api import DomainError, public
from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes import permissions, queries
from govhub.programmes.display import contribution_summaries
from govhub.programmes.forms import (
    AdvanceForm,
    IssueForm,
    NewCycleForm,
    ReturnForm,
    SetAsideForm,
    type_label,
)
from govhub.programmes.governance import (
    HOLDS_DRAFTS,
    HOLDS_REVIEW,
    ISSUES_DOCUMENT,
    GovernanceModel,
    programme_model,
)
from govhub.programmes.models import (
    Contribution,
    ContributionStatus,
    Programme,
    ProgrammeStatus,
    Visibility,
)
from govhub.programmes.views import STATE_LABELS, closing_decision, step_state
from govhub.programmes.views_contribute import addable_types


@dataclass(frozen=True)
class Artefact:
    id: int
    kind: str
    type: str
    title: str
    body: str
    answers: SafeString  # the summary of its answers, as HTML (core forms' display)
    organisation: str
    organisation_id: int
    visibility: str
    visibility_label: str
    created_at: datetime
    achievement: list[tuple[dict[str, Any], str]]  # a review's record, with status labels
    status: str = ContributionStatus.ACTIVE
    status_label: str = ""
    status_reason: str = ""
    status_organisation: str = ""  # who withdrew it (its organisation) or set it aside
    status_changed_at: datetime | None = None
    replaces_id: int | None = None
    can_withdraw: bool = False  # the viewer wrote it, and its step is open
    set_aside_form: SetAsideForm | None = None  # for the step's gatekeepers


def _artefacts(contributions: Sequence[Contribution]) -> list[Artefact]:
    language = get_language() or ""
    labels = {k: str(v) for k, v in Visibility.choices}
    statuses = {k: str(v) for k, v in ContributionStatus.choices}
    return [
        Artefact(
            id=c.pk,
            kind=c.type,
            type=type_label(c.type),
            title=c.title,
            body=c.body,
            answers=answers,
            achievement=[
                (row, str(STATUS_LABELS.get(row.get("status", ""), "")))
                for row in c.data.get("achievement", [])
                if isinstance(row, dict)
            ]
            if c.type == "review"
            else [],
            organisation=c.organisation.display_name(language),
            organisation_id=c.organisation_id,
            visibility=c.visibility,
            visibility_label=labels.get(c.visibility, c.visibility),
            created_at=c.created_at,
            status=c.status,
            status_label=statuses.get(c.status, c.status),
            status_reason=c.status_reason,
            status_organisation=(
                c.status_organisation.display_name(language) if c.status_organisation else ""
            ),
            status_changed_at=c.status_changed_at,
            replaces_id=c.replaces_id,
        )
        for c, answers in zip(contributions, contribution_summaries(contributions), strict=True)
    ]


def _with_controls(
    artefacts: list[Artefact],
    contributions: list[Contribution],
    *,
    user: Any,
    memberships: list[MembershipInfo],
    keepers: list[MembershipInfo],
    set_aside: tuple[int, SetAsideForm] | None,
) -> list[Artefact]:
    """At the open step: a withdraw button on the viewer's own active contributions, and a
    set-aside form on every active one for the step's gatekeepers (`memberships`: the
    viewer's)."""
    by_id = {c.pk: c for c in contributions}
    out = []
    for a in artefacts:
        if a.status != ContributionStatus.ACTIVE:
            out.append(a)
            continue
        c = by_id[a.id]
        form = None
        if keepers:
            form = (
                set_aside[1]
                if set_aside and set_aside[0] == a.id
                else SetAsideForm(prefix=f"aside-{a.id}", memberships=keepers)
            )
        out.append(
            replace(
                a,
                can_withdraw=permissions.can_withdraw_contribution(
                    user, c, memberships=memberships
                ),
                set_aside_form=form,
            )
        )
    return out


def _participants(
    memberships: list[MembershipInfo], model: GovernanceModel, programme: Programme
) -> list[MembershipInfo]:
    """Of the person's organisations, those that take part in the programme's current step."""
    if programme.status != ProgrammeStatus.ACTIVE:
        return []
    return permissions.acting_for(permissions.can_contribute, memberships, programme, model)


def _keepers(
    participants: list[MembershipInfo], programme: Programme, model: GovernanceModel
) -> list[MembershipInfo]:
    """Of the person's participating organisations, those that may decide the step's gate."""
    return permissions.acting_for(permissions.can_decide_gate, participants, programme, model)


def _step_page(
    request: HttpRequest,
    programme: Programme,
    model: GovernanceModel,
    number: int,
    *,
    advance_form: AdvanceForm | None = None,
    return_form: ReturnForm | None = None,
    issue_form: IssueForm | None = None,
    cycle_form: NewCycleForm | None = None,
    set_aside: tuple[int, SetAsideForm] | None = None,
    unmet: list[str] | None = None,
) -> HttpResponse:
    """Render a step's page; forms passed in (with their errors) replace the blank ones."""
    step = model.step(number)
    phase = next(p for p in model.phases if p.number == step.phase)
    is_current = number == programme.current_step and programme.status == ProgrammeStatus.ACTIVE
    memberships = memberships_for(request.user) if is_current else []
    participants = _participants(memberships, model, programme)
    keepers = _keepers(participants, programme, model)
    contributions = list(
        queries.contribution_list(programme=programme, viewer=request.user)
        .filter(step=number)
        .select_related("status_organisation")
    )
    if keepers and advance_form is None:
        advance_form = AdvanceForm(prefix="advance", memberships=keepers)
    if keepers and return_form is None and number > 1:
        return_form = ReturnForm(
            prefix="return", model=model, current_step=number, memberships=keepers
        )
    issuers = permissions.acting_for(permissions.can_issue, keepers, programme, model)
    if (
        issuers
        and issue_form is None
        and model.has_tag(number, ISSUES_DOCUMENT)
        and not programme.document_id
    ):
        issue_form = IssueForm(prefix="issue", memberships=issuers)
    kinds = {k.key: gettext(k.name) for k in model.kinds}
    artefacts = _artefacts(contributions)
    if participants:
        artefacts = _with_controls(
            artefacts,
            contributions,
            user=request.user,
            memberships=memberships,
            keepers=keepers,
            set_aside=set_aside,
        )
    decisions = list(queries.decision_list(programme=programme))
    state = step_state(programme, number)
    last_step = number == model.step_count
    if keepers and last_step and cycle_form is None:
        cycle_form = NewCycleForm(prefix="cycle", memberships=keepers)
    return render(
        request,
        "programmes/step.html",
        {
            "programme": programme,
            "step": {"number": number, "name": gettext(step.name)},
            "phase": {"number": phase.number, "name": gettext(phase.name)},
            "step_count": model.step_count,
            "state": state,
            "state_label": str(STATE_LABELS[state]),
            "kinds": [kinds[k] for k in model.kinds_at(number)],
            "artefacts": artefacts,
            "decision": closing_decision(decisions, number) if state == "done" else None,
            "returns": [d for d in decisions if d.action == "return" and d.to_step == number],
            "overdue": queries.is_overdue(programme),
            "is_current": is_current,
            "participants": participants,
            "add_types": [
                (kind, type_label(kind))
                for kind in addable_types(model, programme, number, participants)
            ]
            if participants
            else [],
            "advance_form": advance_form,
            "return_form": return_form,
            "issue_form": issue_form,
            "issuance_step": model.has_tag(number, ISSUES_DOCUMENT),
            "cycle_form": cycle_form,
            "unmet": unmet or [],
            **_outputs(request, programme, model, number),
        },
    )


CHANGE_LABELS = {
    "equal": gettext_lazy("Unchanged"),
    "insert": gettext_lazy("Added"),
    "delete": gettext_lazy("Removed"),
    "replace": gettext_lazy("Changed"),
}
STATUS_LABELS = {
    "met": gettext_lazy("Met"),
    "partly_met": gettext_lazy("Partly met"),
    "not_met": gettext_lazy("Not met"),
    "no_data": gettext_lazy("No measurement yet"),
    "undefined": gettext_lazy("Target equals baseline"),
}


def _number_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 6 else None


def _outputs(
    request: HttpRequest, programme: Programme, model: GovernanceModel, number: int
) -> dict[str, Any]:
    """What the step produced, computed: the document's versions and their diff (step 6),
    the achievement of every adopted indicator (at the steps the model tags as holding the
    drafts and the review)."""
    if model.has_tag(number, HOLDS_DRAFTS):
        versions = queries.draft_versions(programme=programme, viewer=request.user)
        if len(versions) < 2:
            return {}
        try:
            diff = queries.draft_diff(
                drafts=versions,
                old=_number_param(request, "from"),
                new=_number_param(request, "to"),
            )
        except DomainError as exc:
            return {"versions": versions, "diff_error": exc.message}
        return {
            "versions": versions,
            "diff": diff,
            "changes": [(c, CHANGE_LABELS[c.op]) for c in diff.changes],
        }
    if model.has_tag(number, HOLDS_REVIEW):
        rows = queries.achievement(programme=programme, viewer=request.user)
        return {"achievement": [(r, STATUS_LABELS[r.status]) for r in rows]}
    return {}


def _programme_and_model(
    request: HttpRequest, programme_id: int, number: int
) -> tuple[Programme, GovernanceModel]:
    """The programme if the person may see it, its model, and 404 for a step it does not have."""
    programme = permissions.access_programme(request.user, programme_id)
    model = programme_model(programme)
    if not 1 <= number <= model.step_count:
        raise Http404
    return programme, model


@public
@require_GET
def step(request: HttpRequest, programme_id: int, number: int) -> HttpResponse:
    """One step: its visible artefacts; at the current step, the participants' forms."""
    programme, model = _programme_and_model(request, programme_id, number)
    return _step_page(request, programme, model, number)


def _moved_on(request: HttpRequest, programme: Programme, number: int) -> HttpResponse | None:
    """A form sent for a step that is no longer current (a stale page, a second click)."""
    if number == programme.current_step and programme.status == ProgrammeStatus.ACTIVE:
        return None
    messages.error(
        request, gettext("The programme has moved on since the page was loaded; nothing was done.")
    )
    return HttpResponseRedirect(reverse("programmes:step", args=[programme.pk, number]))


def _not_taking_part(request: HttpRequest, programme: Programme, number: int) -> HttpResponse:
    messages.error(
        request, gettext("Your organisation does not take part in this step; nothing was done.")
    )
    return HttpResponseRedirect(reverse("programmes:step", args=[programme.pk, number]))


def _back_to(programme: Programme, number: int, contribution_id: int) -> HttpResponse:
    url = reverse("programmes:step", args=[programme.pk, number])
    return HttpResponseRedirect(f"{url}#contribution-{contribution_id}")
