"""Deployment check (`govhub check --deploy`): the audit log has its own key."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from govhub.core.audit.keys import audit_keys


@register(Tags.security, deploy=True)
def check_audit_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Without GOVHUB_AUDIT_KEY, whoever holds the database could rewrite the audit log."""
    try:
        audit_keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="core.E003")]
    return []
