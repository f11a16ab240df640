"""The gate conditions of programmes, as named workflow guards (the model file names which
step needs which). Each returns what is still unmet, as (code, translated message); an empty
list opens the gate. A guard looks at the step it guards: the state being left."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govhub.core.api import Unmet, guard_register
from govhub.organisations.api import Sector, organisations_brief
from govhub.programmes.governance import subject_step
from govhub.programmes.models import Contribution, ContributionStatus, Programme


def _of(programme_id: int, step: int, *types: str) -> list[Contribution]:
    """The step's contributions of `types` that count (withdrawn and set-aside ones don't)."""
    return list(
        Contribution.objects.filter(
            programme_id=programme_id, step=step, type__in=types, status=ContributionStatus.ACTIVE
        ).order_by("id")
    )


def _sector_label(sector: str) -> str:
    labels = {str(k): str(v) for k, v in Sector.choices}
    return labels.get(sector, sector).lower()


def commission_balanced(ctx: Any, arg: Any) -> list[Unmet]:
    """At least N members per sector, and one chair from the configured sector (the model's
    argument, else GOVHUB_COMMISSION_BALANCE, else one per sector and a government chair)."""
    rule: dict[str, Any] = {
        "min_per_sector": 1,
        "chair_sector": "government",
        **getattr(settings, "GOVHUB_COMMISSION_BALANCE", {}),
        **(arg or {}),
    }
    members = _of(*subject_step(ctx), "commission_member")
    orgs = organisations_brief([m.data["organisation_id"] for m in members])
    unmet: list[Unmet] = []
    for sector in ("government", "business", "civil_society"):
        count = sum(
            1
            for m in members
            if getattr(orgs.get(m.data["organisation_id"]), "sector", "") == sector
        )
        if count < rule["min_per_sector"]:
            unmet.append(
                Unmet(
                    f"commission_needs_{sector}",
                    ngettext(
                        "The commission needs at least %(n)d member from the %(sector)s sector.",
                        "The commission needs at least %(n)d members from the %(sector)s sector.",
                        rule["min_per_sector"],
                    )
                    % {"n": rule["min_per_sector"], "sector": _sector_label(sector)},
                )
            )
    chairs = [m for m in members if m.data.get("role") == "chair"]
    chair_sectors = {getattr(orgs.get(m.data["organisation_id"]), "sector", "") for m in chairs}
    if len(chairs) != 1 or chair_sectors != {rule["chair_sector"]}:
        unmet.append(
            Unmet(
                "commission_chair",
                _("The commission needs exactly one chair, from the %(sector)s sector.")
                % {"sector": _sector_label(rule["chair_sector"])},
            )
        )
    return unmet


def _check_commission(arg: Any) -> str | None:
    if arg is None:
        return None
    if not isinstance(arg, dict) or set(arg) - {"min_per_sector", "chair_sector"}:
        return "takes {min_per_sector: N, chair_sector: sector}"
    return None


def _needs(type_: str, code: str, message: Any) -> Any:
    def guard(ctx: Any, arg: Any) -> list[Unmet]:
        programme_id, step = subject_step(ctx)
        found = Contribution.objects.filter(
            programme_id=programme_id, step=step, type=type_, status=ContributionStatus.ACTIVE
        ).exists()
        return [] if found else [Unmet(code, str(message()))]

    return guard


def _answered(types: tuple[str, ...], code: str, *, only_objections: bool = False) -> Any:
    def guard(ctx: Any, arg: Any) -> list[Unmet]:
        programme_id, step = subject_step(ctx)
        asked = _of(programme_id, step, *types)
        if only_objections:
            asked = [c for c in asked if c.data.get("verdict") == "object"]
        answered = {a.data.get("answers_id") for a in _of(programme_id, step, "answer")}
        open_ = [c for c in asked if c.pk not in answered]
        if not open_:
            return []
        return [
            Unmet(
                code,
                ngettext(
                    "%(n)d item still awaits the lead agency's answer: %(ids)s.",
                    "%(n)d items still await the lead agency's answer: %(ids)s.",
                    len(open_),
                )
                % {"n": len(open_), "ids": ", ".join(str(c.pk) for c in open_)},
            )
        ]

    return guard


def document_issued(ctx: Any, arg: Any) -> list[Unmet]:
    programme_id, _step = subject_step(ctx)
    if Programme.objects.filter(pk=programme_id).exclude(document_id="").exists():
        return []
    return [Unmet("document_not_issued", _("The official document has not been issued yet."))]


def tasks_closed(ctx: Any, arg: Any) -> list[Unmet]:
    programme_id, step = subject_step(ctx)
    tasks = _of(programme_id, step, "task")
    if not tasks:
        return [Unmet("no_tasks", _("The lead agency has not split the programme into tasks yet."))]
    done = {
        r.data.get("task_id")
        for r in _of(programme_id, step, "progress_report")
        if r.data.get("percent", 0) >= 100
    }
    open_ = [t for t in tasks if t.pk not in done]
    if not open_:
        return []
    return [
        Unmet(
            "tasks_open",
            ngettext(
                "%(n)d task is not complete: %(ids)s.",
                "%(n)d tasks are not complete: %(ids)s.",
                len(open_),
            )
            % {"n": len(open_), "ids": ", ".join(str(t.pk) for t in open_)},
        )
    ]


def register() -> None:
    """Name the guards for the workflow engine (called from the app's `ready`)."""
    guard_register(
        "problem_stated",
        _needs("problem", "no_problem_statement", lambda: _("Nobody has stated the problem yet.")),
    )
    guard_register("commission_balanced", commission_balanced, check_arg=_check_commission)
    guard_register(
        "objectives_adopted",
        _needs(
            "adoption",
            "objectives_not_adopted",
            lambda: _("The commission has not adopted objectives yet."),
        ),
    )
    guard_register(
        "lead_agency_named",
        _needs("designation", "no_lead_agency", lambda: _("No lead agency has been designated.")),
    )
    guard_register(
        "proposals_answered", _answered(("proposal", "position"), "proposals_unanswered")
    )
    guard_register(
        "draft_present",
        _needs(
            "draft", "no_draft", lambda: _("The lead agency has not drafted the programme yet.")
        ),
    )
    guard_register(
        "assessment_filed",
        _needs("assessment", "no_assessment", lambda: _("No assessment has been filed yet.")),
    )
    guard_register(
        "objections_answered",
        _answered(("assessment",), "objections_unanswered", only_objections=True),
    )
    guard_register("document_issued", document_issued)
    guard_register("tasks_closed", tasks_closed)
    guard_register(
        "review_written",
        _needs("review", "no_review", lambda: _("The review report has not been written yet.")),
    )
