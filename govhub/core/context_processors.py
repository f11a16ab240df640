"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": "GovHub",
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "OIDC_ENABLED": bool(settings.OIDC_SERVER_URL),
        "SOURCE_URL": settings.GOVHUB_SOURCE_URL,
    }
