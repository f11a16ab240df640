"""The public page's form: check a copy (a PDF file) or a fingerprint."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govhub.core.documents.verify import SHA256


class CopyCheckForm(forms.Form):
    file = forms.FileField(
        label=_("A copy of the document (PDF file)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    sha256 = forms.CharField(
        label=_("Or its SHA-256 fingerprint"),
        help_text=_("64 hexadecimal characters."),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"dir": "ltr", "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_sha256(self) -> str:
        value: str = self.cleaned_data["sha256"].strip().lower()
        if value and not SHA256.match(value):
            raise forms.ValidationError(_("A SHA-256 fingerprint is 64 hexadecimal characters."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("sha256") and not self.errors:
            raise forms.ValidationError(_("Choose a file or enter a fingerprint to check."))
        return data


class RegisterSearchForm(forms.Form):
    """The register's search: a number or words of a title, and a series."""

    q = forms.CharField(
        label=_("Number or title"),
        help_text=_("The start of a number, e.g. PRG-2026-000001, or words of the title."),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    series = forms.ChoiceField(label=_("Series"), required=False)

    def __init__(self, *args: Any, series: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All series"))] + [(s, s) for s in series]
        self.fields["series"].choices = choices  # type: ignore[attr-defined]
