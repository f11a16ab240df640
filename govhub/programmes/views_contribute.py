"""Adding a contribution, type first: the step page links to one page per type the person may
add; that page asks what every contribution has (title, text, who may see it, what it
replaces) and the type's own questions, from its form definition (GOV.UK patterns: one error
summary at the top, each error beside its field, no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import RadioSelect
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from govhub.core.api import AnswersForm, DomainError, NotFound, form_definition_get, signed_in
from govhub.organisations.api import MembershipInfo, memberships_for
from govhub.programmes import actions, permissions, queries
from govhub.programmes.forms import ContributionForm, add_domain_error, type_label
from govhub.programmes.governance import GovernanceModel, programme_model
from govhub.programmes.models import Contribution, ContributionStatus, Programme, ProgrammeStatus
from govhub.programmes.references import form_key

PREFIX, ANSWERS_PREFIX = "contribution", "data"
FIELDS = ("organisation", "title", "body", "visibility", "replaces")


def addable_types(
    model: GovernanceModel, programme: Programme, step: int, participants: list[MembershipInfo]
) -> list[str]:
    """The types the person may add at the step: those offered there, less the lead agency's
    own if they do not act for it."""
    is_lead = any(m.organisation_id == programme.lead_agency_id for m in participants)
    return [
        kind
        for kind in actions.contribution_types(model, step)
        if is_lead or kind not in actions.LEAD_AGENCY_TYPES
    ]


def _back(programme: Programme, number: int, message: str, request: HttpRequest) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseRedirect(reverse("programmes:step", args=[programme.pk, number]))


def _own_of_type(
    request: HttpRequest, programme: Programme, number: int, kind: str
) -> list[Contribution]:
    """The person's own active contributions of this type at the open step (replaceable)."""
    memberships = memberships_for(request.user)
    mine = queries.contribution_list(programme=programme, viewer=request.user).filter(
        step=number, type=kind, author_id=request.user.pk, status=ContributionStatus.ACTIVE
    )
    return [
        c
        for c in mine
        if permissions.can_withdraw_contribution(request.user, c, memberships=memberships)
    ]


def _initial(request: HttpRequest, own: list[Contribution]) -> tuple[dict[str, Any], Any]:
    """With `?replaces=<number>` of one's own contribution: its fields and answers, to edit."""
    wanted = request.GET.get("replaces", "")
    replaced = next((c for c in own if str(c.pk) == wanted), None)
    if replaced is None:
        return {}, None
    fields = {
        "title": replaced.title,
        "body": replaced.body,
        "visibility": replaced.visibility,
        "replaces": replaced.pk,
        "organisation": replaced.organisation_id,
    }
    return fields, replaced.data


def _fields_of(post: QueryDict) -> dict[str, Any]:
    """The posted fields of the contribution form, as initial values (after "Add another row",
    the page comes back with what was typed and no errors)."""
    return {name: post.get(f"{PREFIX}-{name}") for name in FIELDS if post.get(f"{PREFIX}-{name}")}


def _refusal(form: ContributionForm, answers: AnswersForm, error: DomainError) -> None:
    """Show an action's refusal beside the question it names, else on the form."""
    loc: list[Any] = []
    if isinstance(error.details, list) and error.details and isinstance(error.details[0], dict):
        loc = list(error.details[0].get("loc", []))
    keys = {q.key for q in answers.definition.questions}
    if len(loc) > 2 and loc[:2] == ["body", "data"] and loc[2] in keys:
        answers.errors["-".join(str(p) for p in loc[2:])] = error.message
    else:
        add_domain_error(form, error)


def _errors(form: ContributionForm, answers: AnswersForm) -> list[tuple[str, str]]:
    """(link target, message) of every error, in the order of the page, for the summary."""
    found: list[tuple[str, str]] = []
    for name, messages_ in form.errors.items():
        field = form.fields.get(name)
        target = "" if field is None else f"id_{PREFIX}-{name}"
        if field is not None and isinstance(field.widget, RadioSelect):
            target += "_0"
        found.extend((target, str(m)) for m in messages_)
    return found + answers.error_list()


@signed_in(permissions.can_contribute)
@require_http_methods(["GET", "HEAD", "POST"])
def contribute(request: HttpRequest, programme_id: int, number: int, kind: str) -> HttpResponse:
    """The page adding one type of contribution to the current step."""
    programme = permissions.access_programme(request.user, programme_id)
    model = programme_model(programme)
    if not 1 <= number <= model.step_count or kind not in actions.contribution_types(model, number):
        raise Http404
    if number != programme.current_step or programme.status != ProgrammeStatus.ACTIVE:
        return _back(
            programme,
            number,
            gettext("The programme has moved on since the page was loaded; nothing was done."),
            request,
        )
    participants = permissions.acting_for(
        permissions.can_contribute, memberships_for(request.user), programme, model
    )
    if not participants or kind not in addable_types(model, programme, number, participants):
        return _back(
            programme,
            number,
            gettext("Your organisation does not take part in this step; nothing was done."),
            request,
        )
    definition = form_definition_get(form_key(kind))
    own = _own_of_type(request, programme, number, kind)
    replaceable = [(c.pk, f"{c.pk}: {c.title}") for c in own]
    context = {"programme": programme, "viewer": request.user}
    if request.method != "POST":
        initial, answers_initial = _initial(request, own)
        form = ContributionForm(
            prefix=PREFIX, memberships=participants, replaceable=replaceable, initial=initial
        )
        answers = AnswersForm(
            definition, initial=answers_initial, context=context, prefix=ANSWERS_PREFIX
        )
        return _page(request, programme, model, number, kind, form, answers)
    answers = AnswersForm(
        definition, request.POST, request.FILES, context=context, prefix=ANSWERS_PREFIX
    )
    answers_valid = answers.is_valid()
    if answers.added_row:  # "Add another row": the same page, one more row, no errors yet
        form = ContributionForm(
            prefix=PREFIX,
            memberships=participants,
            replaceable=replaceable,
            initial=_fields_of(request.POST),
        )
        return _page(request, programme, model, number, kind, form, answers)
    form = ContributionForm(
        request.POST, prefix=PREFIX, memberships=participants, replaceable=replaceable
    )
    if form.is_valid() and answers_valid:
        try:
            contribution = actions.contribution_add(
                actor=request.user,
                programme_id=programme.pk,
                organisation_id=form.acting_for(),
                payload=form.payload(kind, answers.answers),
            )
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            _refusal(form, answers, exc)
        else:
            messages.success(
                request,
                gettext("Your contribution replaced no. %(number)d, which is now withdrawn.")
                % {"number": contribution.replaces_id}
                if contribution.replaces_id
                else gettext("Your contribution was added."),
            )
            url = reverse("programmes:step", args=[programme.pk, number])
            return HttpResponseRedirect(f"{url}#contribution-{contribution.pk}")
    return _page(request, programme, model, number, kind, form, answers)


def _page(
    request: HttpRequest,
    programme: Programme,
    model: GovernanceModel,
    number: int,
    kind: str,
    form: ContributionForm,
    answers: AnswersForm,
) -> HttpResponse:
    step = model.step(number)
    errors = _errors(form, answers) if form.is_bound or answers.is_bound else []
    return render(
        request,
        "programmes/contribute.html",
        {
            "programme": programme,
            "step": {"number": number, "name": gettext(step.name)},
            "kind": kind,
            "type_label": type_label(kind),
            "form": form,
            "answers": answers,
            "pages": answers.pages(),
            "add_name": answers.add_name,
            "errors": errors if not answers.added_row else [],
            "participants": form.memberships,
        },
    )
