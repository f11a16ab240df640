"""Reads of organisations; each returns a queryset that already joins what its pages show."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from govhub.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
    local_name,
)


def organisation_list(
    *, sector: str = "", kind: str = "", search: str = "", language: str = ""
) -> QuerySet[Organisation]:
    """Active organisations, optionally filtered, with their parent joined.

    With a `language`, ordered by the name in that language (falling back to the main name),
    so a Dari or Russian reader sees their own alphabetical order.
    """
    qs = Organisation.objects.filter(is_active=True).select_related("parent")
    if sector:
        qs = qs.filter(sector=sector)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        # NUL cannot be stored in PostgreSQL text, so it can never match; drop it.
        needle = search.replace("\x00", "").strip()[:100].casefold()
        qs = qs.filter(search_names__contains=needle)
    if language and language != settings.LANGUAGE_CODE:
        return qs.annotate(local_name=local_name(language)).order_by("local_name", "id")
    return qs.order_by("name", "id")


def directory_version() -> str:
    """Changes whenever any organisation is added, removed or edited (one aggregate query)."""
    # Raw SQL on purpose: it runs on every anonymous directory view, and building the same
    # aggregate through the ORM cost 2 ms, most of a cached page.
    table = connection.ops.quote_name(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table}")  # noqa: S608
        count, last = cursor.fetchone()
    return f"{count}:{last}"


def organisation_children(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(parent=organisation, is_active=True).order_by("name")


def invitation_list(organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's pending invitations (expired ones included, marked by the page)."""
    return (
        Invitation.objects.filter(organisation=organisation, status=InvitationStatus.PENDING)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


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
