"""Template helpers of the sign-in pages."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.shortcuts import resolve_url

register = template.Library()


@register.simple_tag
def landing_url() -> str:
    """Where a person's work is: the page they land on after signing in."""
    return str(resolve_url(settings.LOGIN_REDIRECT_URL))
