"""Gate conditions: what must be true before a programme leaves each step of the seed model.

Each condition returns the unmet conditions as (code, message) pairs; an empty list opens the
gate. Programmes on another governance model have no conditions beyond the decision itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govhub.organisations.api import Sector, organisations_brief
from govhub.programmes.models import Contribution, ContributionStatus, Programme

Unmet = list[tuple[str, str]]


def _of(programme: Programme, step: int, *types: str) -> list[Contribution]:
    """The step's contributions of `types` that count (withdrawn and set-aside ones don't)."""
    return list(
        programme.contributions.filter(
            step=step, type__in=types, status=ContributionStatus.ACTIVE
        ).order_by("id")
    )


def commission_balance(programme: Programme) -> Unmet:
    """At least N members per sector, and one chair from the configured sector."""
    rule: dict[str, Any] = {
        "min_per_sector": 1,
        "chair_sector": "government",
        **getattr(settings, "GOVHUB_COMMISSION_BALANCE", {}),
    }
    members = _of(programme, 2, "commission_member")
    orgs = organisations_brief([m.data["organisation_id"] for m in members])
    unmet: Unmet = []
    for sector in ("government", "business", "civil_society"):
        count = sum(
            1
            for m in members
            if getattr(orgs.get(m.data["organisation_id"]), "sector", "") == sector
        )
        if count < rule["min_per_sector"]:
            unmet.append(
                (
                    f"commission_needs_{sector}",
                    ngettext(
                        "The commission needs at least %(n)d member from the %(sector)s sector.",
                        "The commission needs at least %(n)d members from the %(sector)s sector.",
                        rule["min_per_sector"],
                    )
                    % {"n": rule["min_per_sector"], "sector": _sector_label(sector)},
                )
            )
    chairs = [m for m in members if m.data["role"] == "chair"]
    chair_sectors = {getattr(orgs.get(m.data["organisation_id"]), "sector", "") for m in chairs}
    if len(chairs) != 1 or chair_sectors != {rule["chair_sector"]}:
        unmet.append(
            (
                "commission_chair",
                _("The commission needs exactly one chair, from the %(sector)s sector.")
                % {"sector": _sector_label(rule["chair_sector"])},
            )
        )
    return unmet


def _sector_label(sector: str) -> str:
    labels = {str(k): str(v) for k, v in Sector.choices}
    return labels.get(sector, sector).lower()


def needs(
    step: int, types: tuple[str, ...], code: str, message: str
) -> Callable[[Programme], Unmet]:
    def condition(programme: Programme) -> Unmet:
        found = programme.contributions.filter(
            step=step, type__in=types, status=ContributionStatus.ACTIVE
        ).exists()
        return [] if found else [(code, message)]

    return condition


def all_answered(
    step: int, types: tuple[str, ...], code: str, only_objections: bool = False
) -> Callable[[Programme], Unmet]:
    def condition(programme: Programme) -> Unmet:
        asked = _of(programme, step, *types)
        if only_objections:
            asked = [c for c in asked if c.data.get("verdict") == "object"]
        answered = {a.data["answers_id"] for a in _of(programme, step, "answer")}
        open_ = [c for c in asked if c.pk not in answered]
        if not open_:
            return []
        return [
            (
                code,
                ngettext(
                    "%(n)d item still awaits the lead agency's answer: %(ids)s.",
                    "%(n)d items still await the lead agency's answer: %(ids)s.",
                    len(open_),
                )
                % {"n": len(open_), "ids": ", ".join(str(c.pk) for c in open_)},
            )
        ]

    return condition


def document_issued(programme: Programme) -> Unmet:
    if programme.document_id:
        return []
    return [("document_not_issued", _("The official document has not been issued yet."))]


def tasks_closed(programme: Programme) -> Unmet:
    tasks = _of(programme, 9, "task")
    if not tasks:
        return [("no_tasks", _("The lead agency has not split the programme into tasks yet."))]
    done = {
        r.data["task_id"] for r in _of(programme, 9, "progress_report") if r.data["percent"] >= 100
    }
    open_ = [t for t in tasks if t.pk not in done]
    if not open_:
        return []
    return [
        (
            "tasks_open",
            ngettext(
                "%(n)d task is not complete: %(ids)s.",
                "%(n)d tasks are not complete: %(ids)s.",
                len(open_),
            )
            % {"n": len(open_), "ids": ", ".join(str(t.pk) for t in open_)},
        )
    ]


def _gates() -> dict[int, list[Callable[[Programme], Unmet]]]:
    return {
        1: [
            needs(1, ("problem",), "no_problem_statement", _("Nobody has stated the problem yet."))
        ],
        2: [commission_balance],
        3: [
            needs(
                3,
                ("adoption",),
                "objectives_not_adopted",
                _("The commission has not adopted objectives yet."),
            )
        ],
        4: [needs(4, ("designation",), "no_lead_agency", _("No lead agency has been designated."))],
        5: [all_answered(5, ("proposal", "position"), "proposals_unanswered")],
        6: [
            needs(
                6, ("draft",), "no_draft", _("The lead agency has not drafted the programme yet.")
            )
        ],
        7: [
            needs(7, ("assessment",), "no_assessment", _("No assessment has been filed yet.")),
            all_answered(7, ("assessment",), "objections_unanswered", only_objections=True),
        ],
        8: [document_issued],
        9: [tasks_closed],
        10: [needs(10, ("review",), "no_review", _("The review report has not been written yet."))],
    }


def unmet_conditions(programme: Programme, *, seed_model: bool) -> Unmet:
    """Everything that still stops the programme leaving its current step."""
    if not seed_model:
        return []
    unmet: Unmet = []
    for condition in _gates().get(programme.current_step, []):
        unmet.extend(condition(programme))
    return unmet
