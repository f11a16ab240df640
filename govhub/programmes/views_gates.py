"""The decisions taken from a step page: withdraw or set aside a contribution, advance, send
back, issue the document, open a new cycle. Each re-renders the step page with the refusal
on its form, or redirects with what was done."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from govhub.core.api import DomainError, NotFound, signed_in
from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes import actions, permissions, transitions
from govhub.programmes.forms import (
    AdvanceForm,
    IssueForm,
    NewCycleForm,
    ReturnForm,
    SetAsideForm,
    add_domain_error,
)
from govhub.programmes.governance import GovernanceModel
from govhub.programmes.models import Programme, ProgrammeStatus
from govhub.programmes.views_steps import (
    _back_to,
    _keepers,
    _moved_on,
    _not_taking_part,
    _participants,
    _programme_and_model,
    _step_page,
)


@signed_in(permissions.can_withdraw_contribution)
@require_POST
def withdraw(
    request: HttpRequest, programme_id: int, number: int, contribution_id: int
) -> HttpResponse:
    """The author withdraws their own contribution (it stays, marked withdrawn)."""
    programme, _model = _programme_and_model(request, programme_id, number)
    if stale := _moved_on(request, programme, number):
        return stale
    try:
        actions.contribution_withdraw(
            actor=request.user, programme_id=programme.pk, contribution_id=contribution_id
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("Contribution no. %(number)d is withdrawn: it no longer counts.")
            % {"number": contribution_id},
        )
    return _back_to(programme, number, contribution_id)


@signed_in(permissions.can_decide_gate)
@require_POST
def set_aside(
    request: HttpRequest, programme_id: int, number: int, contribution_id: int
) -> HttpResponse:
    """A gatekeeper of the open step sets a contribution aside, with a reason."""
    gate = _gate_request(request, programme_id, number)
    if isinstance(gate, HttpResponse):
        return gate
    programme, model, keepers = gate.programme, gate.model, gate.keepers
    form = SetAsideForm(request.POST, prefix=f"aside-{contribution_id}", memberships=keepers)
    if form.is_valid():
        try:
            actions.contribution_set_aside(
                actor=request.user,
                programme_id=programme.pk,
                contribution_id=contribution_id,
                reason=form.cleaned_data["reason"],
                organisation_id=form.acting_for(),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            if exc.code == "reason_required":
                form.add_error("reason", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(
                request,
                gettext("Contribution no. %(number)d is set aside: it no longer counts.")
                % {"number": contribution_id},
            )
            return _back_to(programme, number, contribution_id)
    return _step_page(request, programme, model, number, set_aside=(contribution_id, form))


@dataclass(frozen=True)
class GateRequest:
    """A gate form post for the current step, by a government body that takes part in it."""

    programme: Programme
    model: GovernanceModel
    keepers: list[MembershipInfo]


def _gate_request(
    request: HttpRequest, programme_id: int, number: int
) -> GateRequest | HttpResponse:
    """The programme, its model and the poster's government memberships at this step, or
    the redirect that explains why nothing was done."""
    programme, model = _programme_and_model(request, programme_id, number)
    if stale := _moved_on(request, programme, number):
        return stale
    participants = _participants(memberships_for(request.user), model, programme)
    keepers = _keepers(participants, programme, model)
    if not keepers:
        return _not_taking_part(request, programme, number)
    return GateRequest(programme, model, keepers)


def _refused(form: forms.Form, error: DomainError) -> list[str]:
    """Show a refused gate decision on its form; the unmet conditions, if that was why."""
    add_domain_error(form, error)
    if error.code == "gate_conditions_unmet" and isinstance(error.details, list):
        return [str(d.get("message", "")) for d in error.details if isinstance(d, dict)]
    return []


@signed_in(permissions.can_decide_gate)
@require_POST
def advance(request: HttpRequest, programme_id: int, number: int) -> HttpResponse:
    """Close the current step's gate; unmet conditions come back as a list."""
    gate = _gate_request(request, programme_id, number)
    if isinstance(gate, HttpResponse):
        return gate
    programme, model, keepers = gate.programme, gate.model, gate.keepers
    form = AdvanceForm(request.POST, prefix="advance", memberships=keepers)
    unmet: list[str] = []
    if form.is_valid():
        try:
            moved = transitions.programme_advance(
                actor=request.user,
                programme_id=programme.pk,
                organisation_id=form.acting_for(),
                expected_step=number,
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            unmet = _refused(form, exc)
        else:
            if moved.status == ProgrammeStatus.CLOSED:
                messages.success(request, gettext("The programme is complete and closed."))
            else:
                messages.success(
                    request,
                    gettext("Step %(done)d is closed; the programme is now at step %(step)d.")
                    % {"done": number, "step": moved.current_step},
                )
            return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))
    return _step_page(request, programme, model, number, advance_form=form, unmet=unmet)


@signed_in(permissions.can_decide_gate)
@require_POST
def send_back(request: HttpRequest, programme_id: int, number: int) -> HttpResponse:
    """Return the programme to an earlier step, with a reason."""
    gate = _gate_request(request, programme_id, number)
    if isinstance(gate, HttpResponse):
        return gate
    programme, model, keepers = gate.programme, gate.model, gate.keepers
    if number == 1:
        return _not_taking_part(request, programme, number)
    form = ReturnForm(
        request.POST, prefix="return", model=model, current_step=number, memberships=keepers
    )
    if form.is_valid():
        try:
            moved = transitions.programme_return(
                actor=request.user,
                programme_id=programme.pk,
                to_step=form.cleaned_data["to_step"],
                reason=form.cleaned_data["reason"],
                organisation_id=form.acting_for(),
                expected_step=number,
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            if exc.code == "reason_required":
                form.add_error("reason", exc.message)
            elif exc.code == "invalid_step":
                form.add_error("to_step", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(
                request,
                gettext("The programme went back to step %(step)d.") % {"step": moved.current_step},
            )
            return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))
    return _step_page(request, programme, model, number, return_form=form)


@signed_in(permissions.can_issue)
@require_POST
def issue(request: HttpRequest, programme_id: int, number: int) -> HttpResponse:
    """Issue the official, signed document of the programme (step 8)."""
    gate = _gate_request(request, programme_id, number)
    if isinstance(gate, HttpResponse):
        return gate
    programme, model, keepers = gate.programme, gate.model, gate.keepers
    issuers = permissions.acting_for(permissions.can_issue, keepers, programme, model)
    form = IssueForm(request.POST, prefix="issue", memberships=issuers)
    if form.is_valid():
        try:
            transitions.programme_issue(
                actor=request.user,
                programme_id=programme.pk,
                legal_status=form.cleaned_data["legal_status"],
                organisation_id=form.acting_for(),
                expected_step=number,
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, gettext("The document was issued and signed."))
            return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))
    return _step_page(request, programme, model, number, issue_form=form)


@signed_in(permissions.can_decide_gate)
@require_POST
def new_cycle(request: HttpRequest, programme_id: int, number: int) -> HttpResponse:
    """Close the programme after its review and open the next cycle, linked to it."""
    gate = _gate_request(request, programme_id, number)
    if isinstance(gate, HttpResponse):
        return gate
    programme, model, keepers = gate.programme, gate.model, gate.keepers
    if number != model.step_count:
        return _not_taking_part(request, programme, number)
    form = NewCycleForm(request.POST, prefix="cycle", memberships=keepers)
    unmet: list[str] = []
    if form.is_valid():
        try:
            successor = transitions.programme_new_cycle(
                actor=request.user,
                programme_id=programme.pk,
                title=form.cleaned_data["title"],
                organisation_id=form.acting_for(),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            unmet = _refused(form, exc)
        else:
            messages.success(
                request,
                gettext("The programme is closed and its next cycle is open at step 1."),
            )
            return HttpResponseRedirect(reverse("programmes:detail", args=[successor.pk]))
    return _step_page(request, programme, model, number, cycle_form=form, unmet=unmet)
