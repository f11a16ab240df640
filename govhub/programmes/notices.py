"""What programmes tell people (docs/adr/0015-notifications.md)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from govhub.core.api import notify
from govhub.organisations.api import member_ids_of_kinds, member_ids_of_organisations
from govhub.programmes import queries
from govhub.programmes.governance import programme_model
from govhub.programmes.models import Programme, ProgrammeStatus


def step_reached_announce(
    *, programme_id: int, step: int, actor_id: int | None, once_key: str = ""
) -> None:
    """Tell the members of the organisations taking part in `step` (by email and on the site)
    that the programme has reached it; run after the move commits. Called again with the same
    `once_key` (its task run again), it tells nobody twice."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return
    model = programme_model(programme)
    people = [i for i in member_ids_of_kinds(model.kinds_at(step)) if i != actor_id]
    notify(
        recipient_ids=people,
        kind="programmes.step_reached",
        reference=f"#{programme.pk} {programme.title}",
        url=reverse("programmes:step", args=[programme.pk, step]),
        subject=programme,
        context={"title": programme.title, "step": step, "step_name": model.step(step).name},
        once_key=once_key,
    )


def deadline_alert(alert: Any) -> None:
    """A step's deadline is near (a reminder, to the lead agency, or before one is named the
    initiator) or has passed (an escalation, to the commission and the lead agency, or the
    initiator while there is no commission). Called by the periodic sweep, once per alert."""
    programme = Programme.objects.filter(pk=int(alert.subject_id)).first()
    if programme is None or programme.status != ProgrammeStatus.ACTIVE:
        return
    model = programme_model(programme)
    step = model.step_of(alert.state)
    lead = [programme.lead_agency_id] if programme.lead_agency_id else []
    if alert.kind == "reminder":
        organisations = lead or [programme.initiator_id]
        kind = "programmes.deadline_reminder"
    else:
        commission = sorted(queries.commission_organisation_ids(programme))
        organisations = sorted({*commission, *lead}) or [programme.initiator_id]
        kind = "programmes.deadline_passed"
    notify(
        recipient_ids=member_ids_of_organisations(organisations),
        kind=kind,
        reference=f"#{programme.pk} {programme.title}",
        url=reverse("programmes:step", args=[programme.pk, step]),
        subject=programme,
        context={
            "title": programme.title,
            "step": step,
            "step_name": model.step(step).name,
            "deadline": timezone.localdate(alert.deadline).isoformat() if alert.deadline else "",
            "working_days": alert.working_days,
        },
    )
