"""REST: organisations and `GET /me`."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from govhub.core.api import (
    AUTHENTICATED,
    LIST_DESCRIPTION,
    PUBLIC_OPERATION,
    Forbidden,
    KeysetPage,
    NotFound,
    api_access,
)
from govhub.organisations import actions, permissions, queries
from govhub.organisations.data import OrganisationInput
from govhub.organisations.kinds import Kind, Sector, Subtype
from govhub.organisations.models import Invitation, InvitationStatus, Organisation, Role

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    name_translations: dict[str, str]
    kind: Kind
    sector: Sector
    subtype: Subtype | None = None
    parent_id: int | None
    description: str
    contact_email: str
    phone: str
    address: str
    website: str

    @staticmethod
    def resolve_subtype(obj: Organisation) -> str | None:
        return obj.subtype or None


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: Kind
    subtype: Subtype | None = None
    parent_id: int | None = None
    name_translations: dict[str, str] = Field(default_factory=dict)
    description: str = ""
    contact_email: str = ""
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=300)
    website: str = ""


class OrganisationPatch(Schema):
    """Only the fields given change; null clears a field (the name cannot be cleared)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    subtype: Subtype | None = None
    parent_id: int | None = None
    name_translations: dict[str, str] | None = None
    description: str | None = None
    contact_email: str | None = None
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)
    website: str | None = None


class ReclassifyIn(Schema):
    kind: Kind
    subtype: Subtype | None = None
    parent_id: int | None = None
    reason: str = Field("", max_length=1000, description="Why the registry facts change")


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: Role = Role.MEMBER


class InvitationOut(Schema):
    id: int
    organisation_id: int
    email: str
    role: Role
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime


class InvitationAnswerIn(Schema):
    token: str = Field(..., max_length=200, description="The secret from the invitation email")


class OrganisationFilters(Schema):
    sector: Sector | None = None
    kind: Kind | None = None
    q: str | None = Field(None, max_length=100, description="Name contains")


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    kind: str
    sector: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    is_staff: bool
    memberships: list[MembershipOut]


@router.get(
    "/me",
    response=MeOut,
    summary="The person behind the token",
    tags=["accounts"],
    openapi_extra=api_access(AUTHENTICATED),
)
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "is_staff": user.is_staff,
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation_name": m.organisation.name,
                "kind": m.organisation.kind,
                "sector": m.organisation.sector,
                "role": m.role,
            }
            for m in queries.memberships_of(user)
        ],
    }


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="List organisations",
    description=LIST_DESCRIPTION,
)
@paginate(KeysetPage)
def organisation_list(
    request: HttpRequest,
    filters: OrganisationFilters = Query(...),  # type: ignore[type-arg]  # noqa: B008
) -> Any:
    return queries.organisation_list(
        sector=filters.sector or "", kind=filters.kind or "", search=filters.q or ""
    )


@router.get(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="One organisation",
)
def organisation_get(request: HttpRequest, organisation_id: int) -> Organisation:
    return permissions.access_organisation(request.user, organisation_id)


@router.post(
    "/organisations",
    response={201: OrganisationOut},
    summary="Create an organisation (staff, or a manager of the parent)",
    openapi_extra=api_access(permissions.can_create_organisation),
)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status[Organisation]:
    data = OrganisationInput(**{**payload.dict(), "subtype": payload.subtype or ""})
    return Status(201, actions.organisation_create(actor=request.user, data=data))


@router.patch(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    summary="Change an organisation (its managers, or staff)",
    openapi_extra=api_access(permissions.can_manage_organisation),
)
def organisation_update(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    # As in a JSON merge patch, null clears a field: no translations, no description, ...;
    # the action refuses null where a value is required (name) or is a registry fact (kind).
    changes = payload.dict(exclude_unset=True)
    return actions.organisation_update(
        actor=request.user, organisation_id=organisation_id, changes=changes
    )


@router.post(
    "/organisations/{organisation_id}/reclassify",
    response=OrganisationOut,
    summary="Change an organisation's kind, type or parent, with a reason (platform staff)",
    openapi_extra=api_access(permissions.can_reclassify_organisation),
)
def organisation_reclassify(
    request: HttpRequest, organisation_id: int, payload: ReclassifyIn
) -> Organisation:
    return actions.organisation_reclassify(
        actor=request.user,
        organisation_id=organisation_id,
        kind=payload.kind,
        subtype=payload.subtype or "",
        parent_id=payload.parent_id,
        reason=payload.reason,
    )


@router.post(
    "/organisations/{organisation_id}/members",
    response={202: InvitationOut},
    summary="Invite a person by email (its managers, or staff); they join when they accept",
    openapi_extra=api_access(permissions.can_manage_organisation),
)
def member_invite(
    request: HttpRequest, organisation_id: int, payload: InvitationIn
) -> Status[Invitation]:
    # 202 whether or not the address has an account: nothing here reveals it.
    invitation = actions.invitation_create(
        actor=request.user,
        organisation_id=organisation_id,
        email=payload.email,
        role=payload.role,
    )
    return Status(202, invitation)


def _managed(request: HttpRequest, organisation_id: int) -> Organisation:
    organisation = permissions.access_organisation(request.user, organisation_id)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise Forbidden(_("Only the organisation's managers may see its invitations."))
    return organisation


@router.get(
    "/organisations/{organisation_id}/invitations",
    response=list[InvitationOut],
    summary="Pending invitations (its managers, or staff)",
    openapi_extra=api_access(permissions.can_manage_organisation),
)
def invitation_list(request: HttpRequest, organisation_id: int) -> Any:
    return list(queries.invitation_list(_managed(request, organisation_id)))


@router.post(
    "/organisations/{organisation_id}/invitations/{invitation_id}/revoke",
    response=InvitationOut,
    summary="Withdraw a pending invitation (its managers, or staff)",
    openapi_extra=api_access(permissions.can_manage_organisation),
)
def invitation_revoke(request: HttpRequest, organisation_id: int, invitation_id: int) -> Any:
    organisation = _managed(request, organisation_id)
    if not organisation.invitations.filter(pk=invitation_id).exists():
        raise NotFound(_("No such invitation."), code="invitation_not_found")
    return actions.invitation_revoke(actor=request.user, invitation_id=invitation_id)


@router.post(
    "/invitations/accept",
    response=MembershipOut,
    summary="Accept an invitation sent to your email address",
    openapi_extra=api_access(permissions.can_answer_invitation),
)
def invitation_accept(request: HttpRequest, payload: InvitationAnswerIn) -> dict[str, Any]:
    membership = actions.invitation_accept(actor=request.user, token=payload.token)
    organisation = membership.organisation
    return {
        "organisation_id": organisation.pk,
        "organisation_name": organisation.name,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "role": membership.role,
    }


@router.post(
    "/invitations/decline",
    response=InvitationOut,
    summary="Decline an invitation sent to your email address",
    openapi_extra=api_access(permissions.can_answer_invitation),
)
def invitation_decline(request: HttpRequest, payload: InvitationAnswerIn) -> Invitation:
    return actions.invitation_decline(actor=request.user, token=payload.token)
