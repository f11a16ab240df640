"""Template filters: `{{ value|long_date }}` and `{{ value|long_datetime }}`."""

from __future__ import annotations

import datetime as dt

from django import template

from govhub.core import formats

register = template.Library()


@register.filter
def long_date(value: dt.date | dt.datetime | None) -> str:
    """Format a date unambiguously in the active language."""
    return formats.long_date(value)


@register.filter
def long_datetime(value: dt.datetime | None) -> str:
    """Format a date and time unambiguously in the active language."""
    return formats.long_datetime(value)
