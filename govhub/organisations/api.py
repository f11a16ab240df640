"""What other apps may import from organisations."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from govhub.organisations.actions import demo_organisation_ensure
from govhub.organisations.bench import (
    ExistingOrganisations,
    GeneratedOrganisations,
    bench_members_add,
    bench_organisations_existing,
    bench_organisations_load,
    organisation_tables_analyze,
)
from govhub.organisations.data import (
    ORGANISATIONS_VERSION,
    MembershipInfo,
    OrganisationBrief,
    OrganisationInput,
)
from govhub.organisations.kinds import KINDS, Kind, KindInfo, Sector, Subtype
from govhub.organisations.models import Membership, Organisation, Role
from govhub.organisations.queries import memberships_of

__all__ = [
    "KINDS",
    "ORGANISATIONS_VERSION",
    "ExistingOrganisations",
    "GeneratedOrganisations",
    "Kind",
    "KindInfo",
    "MembershipInfo",
    "OrganisationBrief",
    "OrganisationInput",
    "Role",
    "Sector",
    "Subtype",
    "bench_members_add",
    "bench_organisations_existing",
    "bench_organisations_load",
    "demo_organisation_ensure",
    "member_ids_of_kinds",
    "member_ids_of_organisations",
    "memberships_for",
    "organisation_choices",
    "organisation_names",
    "organisation_relatives",
    "organisation_tables_analyze",
    "organisations_brief",
]


def memberships_for(user: Any) -> list[MembershipInfo]:
    """The organisations a person acts for, as plain data."""
    # Five columns, not two model instances per row: every request of a member asks this.
    rows = memberships_of(user).values_list(
        "organisation_id",
        "organisation__name",
        "organisation__kind",
        "organisation__sector",
        "role",
    )
    return [
        MembershipInfo(
            organisation_id=org_id, organisation_name=name, kind=kind, sector=sector, role=role
        )
        for org_id, name, kind, sector, role in rows
    ]


def organisations_brief(ids: list[int]) -> dict[int, OrganisationBrief]:
    """The active organisations among `ids`, by id (unknown or inactive ones are absent)."""
    rows = Organisation.objects.filter(pk__in=ids, is_active=True).values_list(
        "id", "name", "kind", "sector"
    )
    return {row[0]: OrganisationBrief(*row) for row in rows}


def member_ids_of_organisations(organisation_ids: list[int]) -> list[int]:
    """The active people acting for these organisations (the active ones among them)."""
    return list(
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            organisation__is_active=True,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def member_ids_of_kinds(kinds: list[str]) -> list[int]:
    """The active people acting for an active organisation of one of these kinds."""
    return list(
        Membership.objects.filter(
            organisation__kind__in=kinds, organisation__is_active=True, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def organisation_choices(language: str | None = None) -> list[tuple[int, str]]:
    """Every active organisation as (id, name in `language`), by name: a picker's options."""
    rows = Organisation.objects.filter(is_active=True).only("id", "name", "name_translations")
    return sorted(
        ((o.pk, o.display_name(language)) for o in rows), key=lambda c: (c[1].casefold(), c[0])
    )


def organisation_names(ids: Collection[int], language: str | None = None) -> dict[int, str]:
    """The names in `language` of the organisations among `ids`, inactive ones included (an
    answer given when it was active still names it); one query."""
    rows = Organisation.objects.filter(pk__in=list(ids)).only("id", "name", "name_translations")
    return {o.pk: o.display_name(language) for o in rows}


def organisation_relatives(
    organisation_id: int,
) -> tuple[OrganisationBrief | None, list[OrganisationBrief]]:
    """An active organisation's parent and its active units (a ministry and its agencies), as
    plain data: (None, []) for an unknown one."""
    row = Organisation.objects.filter(pk=organisation_id, is_active=True).values_list(
        "parent_id", flat=True
    )
    if not row.exists():
        return None, []
    parent_id = row.first()
    parent = organisations_brief([parent_id]).get(parent_id) if parent_id else None
    children = Organisation.objects.filter(parent_id=organisation_id, is_active=True).order_by(
        "name", "id"
    )
    return parent, [
        OrganisationBrief(*r) for r in children.values_list("id", "name", "kind", "sector")
    ]
