"""Forms of the programme pages: list filters, exposing a problem, contributions, gates."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from govhub.core.api import DomainError
from govhub.organisations.api import MembershipInfo, Sector
from govhub.programmes.governance import GovernanceModel
from govhub.programmes.models import ProgrammeStatus, Visibility

# What each artefact type is called on the pages.
TYPE_LABELS: dict[str, Promise] = {
    "problem": _("Problem statement"),
    "evidence": _("Evidence"),
    "commission_member": _("Commission member"),
    "objective": _("Objective"),
    "adoption": _("Adoption of objectives"),
    "designation": _("Designation of the lead agency"),
    "proposal": _("Proposal"),
    "position": _("Position"),
    "answer": _("Answer"),
    "draft": _("Draft programme"),
    "assessment": _("Assessment"),
    "comment": _("Comment"),
    "task": _("Task"),
    "progress_report": _("Progress report"),
    "review": _("Review report"),
    "contribution": _("Contribution"),
}

# What each type carries as structured data (see artefacts.py), with an example.
TYPE_DATA_HELP: dict[str, tuple[Promise, str]] = {
    "problem": (_("Any JSON object, or nothing."), '{"affected_groups": ["elderly"]}'),
    "evidence": (_("Any JSON object, or nothing."), '{"source": "Census 2025"}'),
    "commission_member": (
        _(
            "organisation_id (the organisation's number, as in its address), person, role "
            "(chair or member), mandate, conflict_of_interest."
        ),
        '{"organisation_id": 12, "person": "A. Karimi", "role": "member", '
        '"mandate": "...", "conflict_of_interest": "none"}',
    ),
    "objective": (
        _(
            "indicators: 1 to 20 measurable indicators, each with name, unit, baseline, "
            "target (numbers) and target_date (YYYY-MM-DD)."
        ),
        '{"indicators": [{"name": "Coverage", "unit": "%", "baseline": 40, "target": 80, '
        '"target_date": "2028-12-31"}]}',
    ),
    "adoption": (
        _("objective_ids: the numbers of the adopted objectives. The commission only."),
        '{"objective_ids": [31, 32]}',
    ),
    "designation": (
        _(
            "lead_organisation_id (a ministry, agency or local body), co_executor_ids (a list, "
            "optional), deadline (YYYY-MM-DD)."
        ),
        '{"lead_organisation_id": 3, "co_executor_ids": [7], "deadline": "2027-06-30"}',
    ),
    "proposal": (
        _("All optional: options, cost_estimate (a number), risks."),
        '{"options": "...", "cost_estimate": 1000, "risks": "..."}',
    ),
    "position": (
        _("All optional: options, cost_estimate (a number), risks."),
        '{"options": "...", "risks": "..."}',
    ),
    "answer": (
        _(
            "answers_id: the number of the proposal, position or assessment answered. "
            "The lead agency only."
        ),
        '{"answers_id": 41}',
    ),
    "draft": (
        _(
            "clauses: a list of clauses, each with text and objective_ids (the objectives it "
            "serves). The lead agency only; versions are numbered for you."
        ),
        '{"clauses": [{"text": "...", "objective_ids": [31]}]}',
    ),
    "assessment": (
        _(
            "kind (expert, budget, legal or impact) and verdict (support, "
            "support_with_changes or object)."
        ),
        '{"kind": "budget", "verdict": "support"}',
    ),
    "comment": (_("Any JSON object, or nothing."), "{}"),
    "task": (
        _(
            "assignee_organisation_id, due (YYYY-MM-DD), milestone (true or false). "
            "The lead agency only."
        ),
        '{"assignee_organisation_id": 7, "due": "2027-01-31", "milestone": false}',
    ),
    "progress_report": (
        _(
            "task_id, percent (0 to 100) and measurements: a list of objective_id, indicator "
            "and value. The task's assignee or the lead agency."
        ),
        '{"task_id": 51, "percent": 50, "measurements": []}',
    ),
    "review": (_("Any JSON object, or nothing."), "{}"),
    "contribution": (_("Any JSON object, or nothing."), "{}"),
}


def type_label(kind: str) -> str:
    return str(TYPE_LABELS.get(kind, kind))


class ActingForm(forms.Form):
    """A form sent on behalf of an organisation: people who act for several here pick one."""

    def __init__(self, *args: Any, memberships: list[MembershipInfo], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        if len(memberships) > 1:
            self.fields = {
                "organisation": forms.TypedChoiceField(
                    label=_("Acting for"),
                    coerce=int,
                    choices=[(m.organisation_id, m.organisation_name) for m in memberships],
                ),
                **self.fields,
            }

    def acting_for(self) -> int | None:
        """The chosen organisation, or the only one (named, since the person may also act for
        organisations that take part here but may not do this, e.g. decide a gate)."""
        if len(self.memberships) == 1:
            return self.memberships[0].organisation_id
        chosen: int | None = self.cleaned_data.get("organisation")
        return chosen


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show an action's refusal on the field it names (from `details`), else on the form."""
    loc: list[Any] = []
    if isinstance(error.details, list) and error.details and isinstance(error.details[0], dict):
        loc = list(error.details[0].get("loc", []))
    field = str(loc[1]) if len(loc) > 1 and loc[0] == "body" else ""
    field = {"data": "data_json"}.get(field, field)
    if field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


class ProgrammeFilterForm(forms.Form):
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, required=False, empty_value=None)
    step = forms.TypedChoiceField(
        label=_("Current step"), coerce=int, required=False, empty_value=None
    )
    sector = forms.ChoiceField(
        label=_("Initiator's sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
    )
    overdue = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Overdue")), ("no", _("Not overdue"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ProgrammeStatus.choices],
    )

    def __init__(self, *args: Any, model: GovernanceModel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [  # type: ignore[attr-defined]
            ("", _("All phases")),
            *[(p.number, f"{p.number}. {gettext(p.name)}") for p in model.phases],
        ]
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            ("", _("All steps")),
            *[(s.number, f"{s.number}. {gettext(s.name)}") for s in model.steps],
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is ignored, the others still apply)."""
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        overdue = {"yes": True, "no": False}.get(data.get("overdue", ""))
        return {
            "phase": data.get("phase"),
            "step": data.get("step"),
            "sector": data.get("sector", ""),
            "overdue": overdue,
            "status": data.get("status", ""),
        }


class ProgrammeForm(ActingForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Name the problem in a few words."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_("Who is affected, and how. You can add evidence once the programme exists."),
    )


class ContributionForm(ActingForm):
    type = forms.ChoiceField(label=_("Type"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        help_text=_(
            "Participants only: people acting for any organisation. Private draft: your "
            "organisation only."
        ),
    )
    data_json = forms.CharField(
        label=_("Structured data (JSON)"),
        required=False,
        help_text=_("A JSON object. What each type of this step carries:"),
        max_length=64 * 1024,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "ltr", "spellcheck": "false"}),
    )

    def __init__(
        self,
        *args: Any,
        types: tuple[str, ...],
        memberships: list[MembershipInfo],
        replaceable: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, memberships=memberships, **kwargs)
        self.fields["type"].choices = [(t, type_label(t)) for t in types]  # type: ignore[attr-defined]
        if replaceable:
            self.fields["replaces"] = forms.TypedChoiceField(
                label=_("Replaces"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Nothing: a new contribution")), *replaceable],
                help_text=_(
                    "Your own contribution at this step that this one replaces: it is "
                    "withdrawn, and stays in the record marked so."
                ),
            )

    def clean_data_json(self) -> dict[str, Any]:
        text = self.cleaned_data["data_json"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON: look at line %(line)d, column %(column)d."),
                params={"line": exc.lineno, "column": exc.colno},
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Enter a JSON object: {...}."))
        return value

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload = {
            **{k: data[k] for k in ("type", "title", "body", "visibility")},
            "data": data["data_json"],
        }
        if data.get("replaces"):
            payload["replaces"] = data["replaces"]
        return payload


class SetAsideForm(ActingForm):
    """A gatekeeper sets a contribution aside: it no longer counts for the gate."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Everyone who can see the contribution reads it."),
    )


class AdvanceForm(ActingForm):
    """Closing a step's gate: nothing to fill in but, for some, the organisation."""


class NewCycleForm(ActingForm):
    """Step 10's other outcome: close and open the next cycle."""

    title = forms.CharField(
        label=_("Title of the next cycle"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the title, with the cycle's number."),
    )


class IssueForm(ActingForm):
    """Step 8: issuing the official document (a higher body)."""

    legal_status = forms.CharField(
        label=_("Legal status"),
        max_length=500,
        help_text=_("For example: Decree of the President, in force from the date of issue."),
    )


class ReturnForm(ActingForm):
    to_step = forms.TypedChoiceField(label=_("Back to step"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Everyone who can see the programme reads it."),
    )

    def __init__(
        self,
        *args: Any,
        model: GovernanceModel,
        current_step: int,
        memberships: list[MembershipInfo],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, memberships=memberships, **kwargs)
        self.fields["to_step"].choices = [  # type: ignore[attr-defined]
            (s.number, f"{s.number}. {gettext(s.name)}")
            for s in model.steps
            if s.number < current_step
        ]
