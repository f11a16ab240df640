"""Pages of programmes: the list, "my organisation's work", exposing a problem, a programme's
timeline and the governance model. A step's page and its forms are in `views_steps`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from govhub.core.api import (
    DomainError,
    ListPage,
    anonymous_page_cache,
    chained_list_page,
    list_page,
    list_query,
    page_cache_serve,
    public,
    signed_in,
    versions_read,
)
from govhub.organisations.api import ORGANISATIONS_VERSION, MembershipInfo, memberships_for
from govhub.programmes import permissions, queries, transitions
from govhub.programmes.forms import (
    ProgrammeFilterForm,
    ProgrammeForm,
    add_domain_error,
)
from govhub.programmes.governance import GovernanceModel, current_model, programme_model
from govhub.programmes.models import (
    DecisionAction,
    Programme,
    ProgrammeStatus,
)
from govhub.programmes.queries import StepDecision

PAGE_SIZE = 25


@public
@require_GET
@anonymous_page_cache(seconds=3600)
def governance_model(request: HttpRequest) -> HttpResponse:
    """Kinds by steps, grouped by phase, with a dot where a kind takes part."""
    model = current_model()
    rows = [
        {
            "name": gettext(kind.name),
            "sector": kind.sector,
            "cells": [model.may_take_part(kind.key, s.number) for s in model.steps],
        }
        for kind in model.kinds
    ]
    return render(
        request,
        "programmes/governance_model.html",
        {
            "phases": [
                {"number": p.number, "name": gettext(p.name), "span": len(p.steps)}
                for p in model.phases
            ],
            "steps": [
                {"number": s.number, "name": gettext(s.name), "phase": s.phase} for s in model.steps
            ],
            "rows": rows,
        },
    )


# The list, and "my organisation's work"


@dataclass(frozen=True)
class ProgrammeRow:
    url: str
    title: str
    step: int
    step_name: str
    phase_name: str
    initiator: str
    status: str
    status_label: str
    deadline: datetime | None
    overdue: bool
    parts: tuple[tuple[str, str], ...] = ()  # (key, label)


def _rows(
    programmes: Iterable[Programme],
    models: dict[str, GovernanceModel],
    memberships: list[MembershipInfo] | None = None,
) -> list[ProgrammeRow]:
    """Plain rows for a programme table, names resolved once per model, not once per cell."""
    language = get_language() or ""
    statuses = {k: str(v) for k, v in ProgrammeStatus.choices}
    own = {m.organisation_id for m in memberships or []}
    rows = []
    for p in programmes:
        model = models.get(p.model_version) or current_model()
        step = model.step(min(p.current_step, model.step_count))
        phase = next((ph for ph in model.phases if ph.number == step.phase), None)
        parts: list[tuple[str, str]] = []
        if memberships is not None:
            if getattr(p, "can_act", False):
                parts.append(("act", gettext("You can act now")))
            if p.initiator_id in own:
                parts.append(("initiator", gettext("Initiator")))
            if p.lead_agency_id in own:
                parts.append(("lead", gettext("Lead agency")))
            if getattr(p, "contributed", False):
                parts.append(("contributed", gettext("Contributed")))
        rows.append(
            ProgrammeRow(
                url=reverse("programmes:detail", args=[p.pk]),
                title=p.title,
                step=step.number,
                step_name=gettext(step.name),
                phase_name=gettext(phase.name) if phase else "",
                initiator=p.initiator.display_name(language),
                status=p.status,
                status_label=statuses.get(p.status, p.status),
                deadline=p.deadline if p.status == ProgrammeStatus.ACTIVE else None,
                overdue=queries.is_overdue(p),
                parts=tuple(parts),
            )
        )
    return rows


def _filter_fields(form: ProgrammeFilterForm, chosen: dict[str, Any]) -> list[dict[str, Any]]:
    """The select filters as plain data, each option marked when chosen."""
    selected = {**chosen, "overdue": {True: "yes", False: "no"}.get(chosen["overdue"], "")}
    return [
        {
            "name": name,
            "label": form.fields[name].label,
            "options": [
                (value, str(label), str(value) == str(selected.get(name) or ""))
                for value, label in form.fields[name].choices  # type: ignore[attr-defined]
            ],
        }
        for name in ("phase", "step", "sector", "overdue", "status")
    ]


@public
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    """Programmes the visitor may see, filtered by phase, step, sector, deadline and status.

    Rendering the page costs far more than reading its rows (by an index), so an anonymous
    visitor gets a copy cached under the rows themselves: never stale, and the same cost at
    any number of programmes."""
    form = ProgrammeFilterForm(request.GET or None, model=current_model())
    filters = form.filters()
    programmes = queries.programme_browse(viewer=request.user, **filters).defer("summary")
    page = list_page(programmes, request.GET, PAGE_SIZE)
    models = queries.models_by_version()
    query = list_query(request.GET)

    def produce() -> HttpResponse:
        return render(
            request,
            "programmes/list.html",
            {
                "filters": _filter_fields(form, filters),
                "page": page,
                "rows": _rows(page.object_list, models),
                "query": query,
            },
        )

    if set(request.GET) - LIST_PARAMETERS:
        return produce()  # unknown parameters: shown, never stored (they cannot fill the cache)
    return page_cache_serve(
        request, parts=_list_identity(request, page, models, query), seconds=600, produce=produce
    )


LIST_PARAMETERS = frozenset({"phase", "step", "sector", "overdue", "status", "after", "before"})


def _list_identity(
    request: HttpRequest, page: ListPage[Programme], models: dict[str, GovernanceModel], query: str
) -> list[str]:
    """Everything the list page shows: its filters and place, the count, the cursors, each
    row as read (an overdue flag included: it changes with the clock), the organisations'
    names (their data version) and the governance models' versions."""
    rows = [
        repr(
            (
                p.pk,
                p.title,
                p.current_step,
                p.status,
                p.model_version,
                p.initiator_id,
                p.deadline,
                queries.is_overdue(p),
            )
        )
        for p in page.object_list
    ]
    return [
        request.path,
        query,
        repr((page.count, page.count_exact, page.next_cursor, page.previous_cursor)),
        repr(sorted(models)),
        versions_read(ORGANISATIONS_VERSION),
        *rows,
    ]


@signed_in()  # their own organisations' programmes (none: an empty list)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Programmes of the person's organisations, and those they can act on now."""
    memberships = memberships_for(request.user)
    parts = [part.defer("summary") for part in queries.programme_mine(viewer=request.user)]
    page = chained_list_page(parts, request.GET, PAGE_SIZE)
    return render(
        request,
        "programmes/mine.html",
        {
            "memberships": memberships,
            "page": page,
            "rows": _rows(page.object_list, queries.models_by_version(), memberships),
            "query": "",
        },
    )


@signed_in(permissions.can_start_programme)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Expose a problem: a new programme at step 1."""
    model = current_model()
    eligible = [
        m for m in memberships_for(request.user) if permissions.can_start_programme(m, model)
    ]
    form = ProgrammeForm(request.POST or None, memberships=eligible)
    if request.method == "POST" and eligible and form.is_valid():
        try:
            programme = transitions.programme_create(
                actor=request.user,
                organisation_id=form.acting_for(),
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except DomainError as exc:
            if exc.code == "invalid_title":
                form.add_error("title", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(
                request, gettext("The problem is exposed: the programme is at step 1.")
            )
            return HttpResponseRedirect(reverse("programmes:detail", args=[programme.pk]))
    return render(request, "programmes/form.html", {"form": form, "eligible": eligible})


# A programme and its timeline


@dataclass
class StepEntry:
    number: int
    name: str
    state: str  # done, current, next, later
    state_label: str
    url: str
    organisations: list[str] = field(default_factory=list)
    contributions: int = 0
    decision: StepDecision | None = None


STATE_LABELS = {
    "done": _("Done"),
    "current": _("Current step"),
    "next": _("Next"),
    "later": _("Later"),
}


def step_state(programme: Programme, number: int) -> str:
    if programme.status != ProgrammeStatus.ACTIVE or number < programme.current_step:
        return "done"
    if number == programme.current_step:
        return "current"
    return "next" if number == programme.current_step + 1 else "later"


def closing_decision(decisions: list[StepDecision], number: int) -> StepDecision | None:
    """The latest decision that moved the programme on from (or closed) step `number`."""
    closing = [
        d
        for d in decisions
        if d.from_step == number and d.action in (DecisionAction.ADVANCE, DecisionAction.CLOSE)
    ]
    return closing[-1] if closing else None


def _timeline(
    programme: Programme, model: GovernanceModel, decisions: list[StepDecision], viewer: Any
) -> list[dict[str, Any]]:
    """The steps by phase: state, who took part (visible contributions), the closing decision."""
    language = get_language() or ""
    entries = {
        s.number: StepEntry(
            number=s.number,
            name=gettext(s.name),
            state=step_state(programme, s.number),
            state_label=str(STATE_LABELS[step_state(programme, s.number)]),
            url=reverse("programmes:step", args=[programme.pk, s.number]),
        )
        for s in model.steps
    }
    visible = (
        queries.contribution_list(programme=programme, viewer=viewer)
        .select_related(None)
        .select_related("organisation")
        .only("step", "organisation__id", "organisation__name", "organisation__name_translations")
    )
    for contribution in visible:
        entry = entries.get(contribution.step)
        if entry is None:
            continue
        entry.contributions += 1
        name = contribution.organisation.display_name(language)
        if name not in entry.organisations:
            entry.organisations.append(name)
    for entry in entries.values():
        if entry.state == "done":
            entry.decision = closing_decision(decisions, entry.number)
    return [
        {
            "number": phase.number,
            "name": gettext(phase.name),
            "steps": [entries[n] for n in phase.steps],
        }
        for phase in model.phases
    ]


def _programme_version(request: HttpRequest) -> str:
    match = request.resolver_match
    return queries.programme_version(int(match.kwargs["programme_id"])) if match else ""


@public
@require_GET
@anonymous_page_cache(
    seconds=600,
    key=lambda request: request.path,
    version=_programme_version,
)
def detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme: facts, the timeline of its steps by phase, and its decisions."""
    programme = permissions.access_programme(request.user, programme_id)
    model = programme_model(programme)
    decisions = list(queries.decision_list(programme=programme))
    current = model.step(min(programme.current_step, model.step_count))
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "current_step_name": gettext(current.name),
            "step_count": model.step_count,
            "lead_agency": programme.lead_agency,
            "overdue": queries.is_overdue(programme),
            "phases": _timeline(programme, model, decisions, request.user),
            "decisions": decisions,
            "step_names": {s.number: gettext(s.name) for s in model.steps},
            "next_cycles": queries.next_cycles(programme=programme, viewer=request.user),
        },
    )
