"""The officials' forms (a service with rows for its laws and evidence) and the catalogue's
filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govhub.core.api import LANGUAGE_NAMES
from govhub.services.data import EvidenceItem, LegalBasisItem, ServiceInput
from govhub.services.models import Audience, Channel, Event, OutputType, Stage


def _other_languages() -> list[str]:
    return [code for code, _label in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices]
    )
    event = forms.ChoiceField(label=_("Life or business event"), required=False)
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All stages")), *Stage.choices],
    )
    output = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("Any result")), *OutputType.choices]
    )

    def __init__(self, *args: Any, events: list[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [  # type: ignore[attr-defined]
            ("", _("All events")),
            *((e.code, e.display_name()) for e in events),
        ]


class ServiceForm(forms.Form):
    authority_id = forms.TypedChoiceField(label=_("Competent authority"), coerce=int)
    identifier = forms.SlugField(
        label=_("Identifier"),
        max_length=80,
        help_text=_(
            "Lower-case words joined by hyphens, e.g. birth-certificate. It is part of the "
            "service's address and never changes."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000, widget=forms.Textarea
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who the service is for"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    event_codes = forms.MultipleChoiceField(
        label=_("Life and business events"), required=False, widget=forms.CheckboxSelectMultiple
    )
    output_type = forms.ChoiceField(
        label=_("What the applicant receives"), choices=OutputType.choices
    )
    processing_days = forms.IntegerField(
        label=_("Legal processing time (working days)"), required=False, min_value=0, max_value=3650
    )
    cost_amount = forms.DecimalField(
        label=_("Cost"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("0 for a free service; leave empty if the cost is not set."),
    )
    cost_currency = forms.CharField(
        label=_("Currency (three-letter code)"), required=False, max_length=3
    )
    cost_description = forms.CharField(label=_("About the cost"), required=False, max_length=500)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the service is offered in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        authorities: list[tuple[int, str]],
        events: list[Event],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority_id"].choices = authorities  # type: ignore[attr-defined]
        self.fields["event_codes"].choices = [  # type: ignore[attr-defined]
            (e.code, e.display_name()) for e in events
        ]
        self.fields["languages"].choices = [  # type: ignore[attr-defined]
            (code, LANGUAGE_NAMES.get(code, code)) for code, _label in settings.LANGUAGES
        ]
        if editing:  # the authority and identifier of a service never change
            for name in ("authority_id", "identifier"):
                self.fields[name].disabled = True
        for code in _other_languages():
            language = LANGUAGE_NAMES.get(code, code)
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": language},
                required=False,
                max_length=200,
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": language},
                required=False,
                max_length=10_000,
                widget=forms.Textarea,
            )

    def translations(self, prefix: str) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"{prefix}_{code}"].strip()
            for code in _other_languages()
            if (self.cleaned_data.get(f"{prefix}_{code}") or "").strip()
        }


class LegalBasisForm(forms.Form):
    title = forms.CharField(label=_("Law or regulation"), max_length=300)
    article = forms.CharField(label=_("Article"), required=False, max_length=100)
    url = forms.URLField(
        label=_("Web address"), required=False, max_length=500, assume_scheme="https"
    )


class EvidenceForm(forms.Form):
    name = forms.CharField(label=_("Document or proof"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, max_length=1000)


LegalBasisFormSet = forms.formset_factory(
    LegalBasisForm, extra=2, can_delete=True, max_num=30, validate_max=True
)
EvidenceFormSet = forms.formset_factory(
    EvidenceForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


def _rows(formset: Any) -> list[dict[str, Any]]:
    """The filled-in, not deleted rows (an untouched extra row is skipped)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def service_input(form: ServiceForm, laws: Any, evidence: Any) -> ServiceInput:
    """The action's input from a valid form and its two sets of rows."""
    data = form.cleaned_data
    return ServiceInput(
        identifier=data["identifier"],
        name=data["name"],
        authority_id=data["authority_id"],
        audiences=tuple(data["audiences"]),
        name_translations=form.translations("name"),
        description=data["description"],
        description_translations=form.translations("description"),
        event_codes=tuple(data["event_codes"]),
        legal_basis=tuple(
            LegalBasisItem(r["title"], r.get("article", ""), r.get("url", "")) for r in _rows(laws)
        ),
        evidence=tuple(EvidenceItem(r["name"], r.get("description", "")) for r in _rows(evidence)),
        cost_amount=data["cost_amount"],
        cost_currency=data["cost_currency"],
        cost_description=data["cost_description"],
        processing_days=data["processing_days"],
        output_type=data["output_type"],
        channels=tuple(data["channels"]),
        languages=tuple(data["languages"]),
    )


def service_initial(service: Any) -> dict[str, Any]:
    """A service's values as the form's initial data."""
    initial: dict[str, Any] = {
        f: getattr(service, f)
        for f in (
            "authority_id",
            "identifier",
            "name",
            "description",
            "output_type",
            "processing_days",
            "cost_amount",
            "cost_currency",
            "cost_description",
            "channels",
            "languages",
        )
    }
    initial["audiences"] = service.audiences
    initial["event_codes"] = list(service.events.values_list("code", flat=True))
    for code in _other_languages():
        initial[f"name_{code}"] = (service.name_translations or {}).get(code, "")
        initial[f"description_{code}"] = (service.description_translations or {}).get(code, "")
    return initial


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the service withdrawn?"), max_length=1000, widget=forms.Textarea
    )


class NewsForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=_("What changes or is new"), max_length=2000, widget=forms.Textarea
    )
