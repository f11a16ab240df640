"""What programmes tell people (docs/adr/0015-notifications.md)."""

from __future__ import annotations

from django.urls import reverse

from govhub.core.api import notify
from govhub.organisations.api import member_ids_of_kinds
from govhub.programmes.governance import programme_model
from govhub.programmes.models import Programme


def step_reached_announce(*, programme_id: int, step: int, actor_id: int | None) -> None:
    """Tell the members of the organisations taking part in `step` (by email and on the site)
    that the programme has reached it; run after the move commits."""
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
    )
