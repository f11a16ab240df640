"""Every write to organisations, memberships and invitations: permission, validation, one
transaction, one audit entry."""

from govhub.organisations.actions.memberships import (
    INVITATION_DAYS,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_get,
    invitation_revoke,
    invitation_url,
    membership_change_role,
    membership_create,
    membership_remove,
    token_hash,
)
from govhub.organisations.actions.organisations import (
    PROFILE_FIELDS,
    REGISTRY_FIELDS,
    demo_organisation_ensure,
    organisation_create,
    organisation_reclassify,
    organisation_update,
)

__all__ = [
    "INVITATION_DAYS",
    "PROFILE_FIELDS",
    "REGISTRY_FIELDS",
    "demo_organisation_ensure",
    "invitation_accept",
    "invitation_create",
    "invitation_decline",
    "invitation_get",
    "invitation_revoke",
    "invitation_url",
    "membership_change_role",
    "membership_create",
    "membership_remove",
    "organisation_create",
    "organisation_reclassify",
    "organisation_update",
    "token_hash",
]
