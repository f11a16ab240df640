"""Reads of organisations; each returns a queryset that already joins what its pages show."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from govhub.organisations.models import Membership, Organisation


def organisation_list(
    *, sector: str = "", kind: str = "", search: str = "", viewer: Any = None
) -> QuerySet[Organisation]:
    """Active organisations, optionally filtered, with their parent joined."""
    qs = Organisation.objects.filter(is_active=True).select_related("parent")
    if sector:
        qs = qs.filter(sector=sector)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(search_names__contains=search.strip()[:100].casefold())
    return qs.order_by("name", "id")


def organisation_children(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(parent=organisation, is_active=True).order_by("name")


def membership_list(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's people, managers first."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__email")
    )


def memberships_of(user: Any) -> QuerySet[Membership]:
    """The organisations a person acts for."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
