"""REST: organisations and `GET /me`."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from govhub.core.rest import PUBLIC_OPERATION, PageNumber
from govhub.organisations import actions, permissions, queries
from govhub.organisations.data import OrganisationInput
from govhub.organisations.kinds import Kind, Sector, Subtype
from govhub.organisations.models import Organisation

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


@router.get("/me", response=MeOut, summary="The person behind the token", tags=["accounts"])
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
)
@paginate(PageNumber)
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
)
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status[Organisation]:
    data = OrganisationInput(**{**payload.dict(), "subtype": payload.subtype or ""})
    return Status(201, actions.organisation_create(actor=request.user, data=data))


@router.patch(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    summary="Change an organisation (its managers, or staff)",
)
def organisation_update(
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    changes = payload.dict(exclude_unset=True)
    if "subtype" in changes:
        changes["subtype"] = changes["subtype"] or ""
    # null leaves a field as it is (name_translations: null was a 500, a NOT NULL column)
    null_is_no_change = (
        "name",
        "kind",
        "name_translations",
        "description",
        "contact_email",
        "phone",
        "address",
        "website",
    )
    for field in null_is_no_change:
        if field in changes and changes[field] is None:
            changes.pop(field)
    return actions.organisation_update(
        actor=request.user, organisation_id=organisation_id, changes=changes
    )
