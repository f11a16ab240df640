"""A service's UN stage, computed from what it offers (never typed in).

1 Emerging: information only. 2 Enhanced: a downloadable form or enquiries. 3 Transactional:
an online application, i.e. a form and a case workflow to take it (the applicant signs in).
Stage 4 (connected services) comes with cross-agency journeys.
"""

from __future__ import annotations

from typing import Any

from govhub.services.models import Stage


def service_stage(service: Any) -> int:
    """The stage of `service` from its form, workflow and enquiries."""
    if service.form_key and service.workflow_key:
        return int(Stage.TRANSACTIONAL)
    if service.form_key or service.accepts_enquiries:
        return int(Stage.ENHANCED)
    return int(Stage.EMERGING)
