"""Reads of organisations; each returns a queryset that already joins what its pages show."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from govhub.core.api import search_filter, versions_read
from govhub.organisations.data import ORGANISATIONS_VERSION
from govhub.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
    local_name,
)
from govhub.organisations.search import KIND as SEARCH_KIND


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
        # Full text over every name in every language, the last word a prefix (as-you-type);
        # NUL cannot be stored in PostgreSQL text, so it can never match; drop it.
        needle = search.replace("\x00", "").strip()[:100]
        if needle:
            qs = search_filter(qs, needle, kind=SEARCH_KIND, titles_only=True)
    if language and language != settings.LANGUAGE_CODE:
        return qs.annotate(local_name=local_name(language)).order_by("local_name", "id")
    return qs.order_by("name", "id")


def directory_version() -> str:
    """Changes whenever any organisation is added, removed or edited (one primary-key lookup:
    the organisations' data version, bumped by their actions)."""
    return versions_read(ORGANISATIONS_VERSION)


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
