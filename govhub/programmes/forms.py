"""Forms of the programme pages: list filters, exposing a problem, contributions, gates."""

from __future__ import annotations

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
    """What every contribution has (title, text, who may see it, what it replaces); the
    type's own questions are its form definition's (an `AnswersForm` beside this one)."""

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
        widget=forms.RadioSelect,
        help_text=_(
            "Participants only: people acting for any organisation. Private draft: your "
            "organisation only."
        ),
    )

    def __init__(
        self,
        *args: Any,
        memberships: list[MembershipInfo],
        replaceable: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, memberships=memberships, **kwargs)
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

    def payload(self, kind: str, answers: dict[str, Any]) -> dict[str, Any]:
        """The action's payload: these fields, the type and the type form's answers."""
        data = self.cleaned_data
        payload = {
            "type": kind,
            **{k: data[k] for k in ("title", "body", "visibility")},
            "data": answers,
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
