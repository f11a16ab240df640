"""Reads of programmes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from govhub.organisations.api import memberships_for
from govhub.programmes.models import Contribution, Programme, ProgrammeStatus, Visibility


def programme_list(
    *, viewer: Any, status: str = "", step: int | None = None
) -> QuerySet[Programme]:
    """Programmes the viewer may see: public ones, and step-1 ones of their organisations' kinds."""
    qs = Programme.objects.select_related("initiator")
    if status:
        qs = qs.filter(status=status)
    if step is not None:
        qs = qs.filter(current_step=step)
    if getattr(viewer, "is_authenticated", False) and viewer.is_staff:
        return qs
    public = Q(current_step__gt=1) | Q(status=ProgrammeStatus.CLOSED)
    if not getattr(viewer, "is_authenticated", False):
        return qs.filter(public)
    # At step 1 every kind of the seed's model takes part, so any organisation's people see
    # step-1 programmes; a model with a narrower step 1 is checked per programme on access.
    if memberships_for(viewer):
        return qs
    return qs.filter(public)


def contribution_list(*, programme: Programme, viewer: Any) -> QuerySet[Contribution]:
    """The programme's contributions the viewer may see, oldest first."""
    qs = Contribution.objects.filter(programme=programme).select_related("organisation", "author")
    if getattr(viewer, "is_authenticated", False) and viewer.is_staff:
        return qs
    own = [m.organisation_id for m in memberships_for(viewer)]
    visible = Q(visibility=Visibility.PUBLIC)
    if own:
        visible |= Q(visibility=Visibility.RESTRICTED) | Q(
            visibility=Visibility.DRAFT, organisation_id__in=own
        )
    return qs.filter(visible)


def is_overdue(programme: Programme) -> bool:
    """The current step has passed its deadline while the programme is active."""
    return bool(
        programme.status == ProgrammeStatus.ACTIVE
        and programme.deadline is not None
        and programme.deadline < timezone.now()
    )


def programme_titles() -> set[str]:
    """Titles of every programme (the demo loader checks what exists)."""
    return set(Programme.objects.values_list("title", flat=True))
