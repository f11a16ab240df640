from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govhub.core.api import LANGUAGE_NAMES
from govhub.organisations.kinds import Kind, Sector, Subtype
from govhub.organisations.models import Role


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )


def _subtype_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Size or type"),
        required=False,
        choices=[("", _("None")), *Subtype.choices],
        help_text=_("Businesses give their size; civil-society organisations their type."),
    )


def _parent_field(help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Parent organisation number"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=help_text,
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    subtype = _subtype_field()
    parent_id = _parent_field(
        _("For an agency under a ministry, or a municipality under a province.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            # Only the kinds this person may create under the chosen parent.
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in Kind.choices if value in kinds
            ]
        for code, _label in settings.LANGUAGES[1:]:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": LANGUAGE_NAMES[code]},
                required=False,
                max_length=200,
            )

    def name_translations(self) -> dict[str, str]:
        return {
            code: self.cleaned_data[f"name_{code}"].strip()
            for code, _label in settings.LANGUAGES[1:]
            if self.cleaned_data.get(f"name_{code}", "").strip()
        }


class OrganisationProfileForm(OrganisationForm):
    """A manager's profile form: kind and parent are registry facts, not offered here."""

    REGISTRY_FIELDS = ("kind", "parent_id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REGISTRY_FIELDS:
            del self.fields[name]


class ReclassifyForm(forms.Form):
    """An administrator changes the registry facts: kind (and so sector), type and parent."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    subtype = _subtype_field()
    parent_id = _parent_field(_("Leave empty for a top-level organisation."))
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded in the audit log, e.g. the registry extract or decision it rests on."
        ),
    )


class MembershipForm(forms.Form):
    """Invite a person by email; they become a member when they accept."""

    email = forms.EmailField(label=_("Person's email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
