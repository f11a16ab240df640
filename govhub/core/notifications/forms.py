"""The notification preferences form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govhub.core.i18n import LANGUAGE_NAMES


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label=_("Email me"), required=False)
    in_app = forms.BooleanField(label=_("Show them on this site"), required=False)
    sms = forms.BooleanField(label=_("Send me text messages (SMS)"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone number"),
        help_text=_("With the country code, for example +992 93 123 4567."),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "dir": "ltr", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language of messages"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("The site's language")),
            *((code, LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES),
        ]

    def clean_phone(self) -> str:
        phone = "".join(str(self.cleaned_data["phone"]).split())
        digits = phone[1:] if phone.startswith("+") else phone
        if phone and (not digits.isdigit() or not 6 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number of digits, for example +992931234567.")
            )
        return phone
