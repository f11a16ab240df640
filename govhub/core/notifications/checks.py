"""Start-up check of the notification channels' configuration (run by every `govhub` command
and by the servers as they start)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from govhub.core.notifications.sms import sms_configuration_errors


@checks.register()
def sms_configured(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(message, id="govhub.notifications.E001")
        for message in sms_configuration_errors()
    ]
