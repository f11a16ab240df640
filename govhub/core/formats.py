"""Dates and country names in the page language, from CLDR (babel).

Numeric dates ("12/02/2026") read differently in every country; GovHub writes the month as
a word ("2 December 2026"), with the Afghan (fa_AF) Gregorian month names in Dari.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from django.utils import timezone, translation

# Django language code -> babel locale.
_LOCALES = {"en": "en_GB", "ru": "ru", "fa-af": "fa_AF"}
# Day-month-year in English too: "2 December 2026" ("December 2, 2026" is en_US).
_DATE_PATTERNS = {"en": "d MMMM y"}
_SEPARATORS = {"fa-af": "، "}


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    """The babel locale of a language code (parsing one costs more than formatting a date)."""
    return Locale.parse(_LOCALES[code])


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "en").lower()
    if code in _LOCALES:
        return code
    return code.split("-")[0] if code.split("-")[0] in _LOCALES else "en"


def long_date(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """Return `value` as an unambiguous date in the language, e.g. "2 December 2026"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    code = _language(language)
    return format_date(value, _DATE_PATTERNS.get(code, "long"), locale=_locale(code))


def long_datetime(value: dt.datetime | None, language: str | None = None) -> str:
    """Return `value` as date and time in the language, e.g. "2 December 2026, 14:29"."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    code = _language(language)
    time = format_time(value, "HH:mm", locale=_locale(code))
    return f"{long_date(value, code)}{_SEPARATORS.get(code, ', ')}{time}"


def country_name(alpha2: str, fallback: str, language: str | None = None) -> str:
    """Return the CLDR name of the territory `alpha2` in the language, else `fallback`."""
    code = _language(language)
    if code == "en" or not alpha2:
        return fallback
    name = _locale(code).territories.get(alpha2.upper())
    return str(name) if name else fallback
