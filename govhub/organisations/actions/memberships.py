"""Memberships and the invitations that lead to them: a person joins only by accepting."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from govhub.core.api import Conflict, Forbidden, InvalidInput, NotFound, audit_record, reject_nul
from govhub.organisations import permissions
from govhub.organisations.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
    Role,
)

logger = logging.getLogger(__name__)

INVITATION_DAYS = 14


def token_hash(token: str) -> str:
    """How an invitation's secret is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_url(token: str) -> str:
    """The page where the invited person answers."""
    base: str = settings.GOVHUB_PUBLIC_URL
    return base.rstrip("/") + reverse("organisations:invitation", args=[token])


def _clean_email(email: str) -> str:
    reject_nul(email)
    email = (email or "").strip().lower()
    try:
        EmailValidator()(email)
    except ValidationError as exc:
        raise InvalidInput(_("Enter a valid email address."), code="invalid_email") from exc
    return email


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), code="invalid_role")


def invitation_create(*, actor: Any, organisation_id: int, email: str, role: str) -> Invitation:
    """Invite an email address to join (managers, or staff); an email goes out after commit.

    The same answer whether or not the address has an account: no account is looked up here.
    A pending invitation to the same address is renewed (new secret, role and expiry).
    """
    _check_role(role)
    email = _clean_email(email)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        organisation = _managed(actor, organisation_id)
        # The manager sees the member list anyway, so this reveals nothing new.
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise Conflict(
                _("This person is already a member; change their role in the member list."),
                code="already_member",
            )
        invitation = (
            Invitation.objects.select_for_update()
            .filter(organisation=organisation, email=email, status=InvitationStatus.PENDING)
            .first()
        )
        renewed = invitation is not None
        if invitation is None:
            invitation = Invitation(organisation=organisation, email=email)
        invitation.role = role
        invitation.invited_by = actor
        invitation.token_hash = token_hash(token)
        invitation.created_at = now
        invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
        invitation.save()
        audit_record(
            actor=actor,
            verb="invitation.create",
            target=invitation,
            organisation_id=organisation.pk,
            changes={"email": email, "role": role, "renewed": renewed},
            target_label=f"{email} @ {organisation.name}",
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _send_invitation(invitation.pk, token, language))
    return invitation


def _send_invitation(invitation_id: int, token: str, language: str) -> None:
    """The email with the secret link (after commit; a mail failure is logged, not raised)."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return
    with translation.override(language):
        inviter = invitation.invited_by
        context = {
            "organisation": invitation.organisation.name,
            "role": invitation.get_role_display(),
            "inviter": (inviter.full_name or inviter.email) if inviter else "",
            "url": invitation_url(token),
            "days": INVITATION_DAYS,
        }
        subject = _("Invitation to join %(organisation)s on GovHub") % context
        body = (
            _(
                "%(inviter)s invites you to act for %(organisation)s on GovHub as a %(role)s.\n\n"
                "To accept or decline, open this link within %(days)s days and sign in with this "
                "email address (or create an account with it first):\n\n%(url)s\n\n"
                "If you did not expect this invitation, you can ignore this email."
            )
            % context
        )
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:  # the invitation stands; the manager can send it again
        logger.exception("invitation email %s could not be sent", invitation_id)


def _open_invitation(token: str) -> Invitation:
    """The pending, unexpired invitation with this secret, locked; else a clear error."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation does not exist."), code="invitation_not_found")
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(
            _("This invitation has already been answered or was withdrawn."),
            code="invitation_closed",
        )
    if not invitation.is_open():
        raise Conflict(
            _("This invitation has expired; ask the organisation for a new one."),
            code="invitation_expired",
        )
    return invitation


def _refuse_other_account(actor: Any, invitation: Invitation) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden(_("Sign in to answer the invitation."), code="not_signed_in")
    if not permissions.can_answer_invitation(actor, invitation):
        raise Forbidden(
            _(
                "This invitation was sent to another email address. Sign in with the address "
                "it was sent to (or create an account with it)."
            ),
            code="invitation_other_account",
        )


def invitation_get(*, actor: Any, token: str) -> Invitation:
    """The invitation behind a secret link, for its invited person only."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation does not exist."), code="invitation_not_found")
    _refuse_other_account(actor, invitation)
    return invitation


def _close(invitation: Invitation, status: str, actor: Any) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.responded_by = actor
    invitation.save(update_fields=["status", "responded_at", "responded_by"])


def invitation_accept(*, actor: Any, token: str) -> Membership:
    """The invited person accepts: the membership begins now.

    Platform administrators (staff, superusers) cannot accept: the platform's administrator
    is never a member of an organisation it oversees. The check is here, at acceptance, and
    not when inviting, so that an invitation never tells a manager whether an address is staff.
    """
    with transaction.atomic():
        invitation = _open_invitation(token)
        _refuse_other_account(actor, invitation)
        if actor.is_staff or actor.is_superuser:
            raise Forbidden(
                _(
                    "Platform administrators cannot become members of an organisation. "
                    "Decline this invitation, or ask the organisation to invite another account."
                ),
                code="staff_cannot_join",
            )
        membership, created = Membership.objects.get_or_create(
            user=actor, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        _close(invitation, InvitationStatus.ACCEPTED, actor)
        audit_record(
            actor=actor,
            verb="invitation.accept",
            target=invitation,
            organisation_id=invitation.organisation_id,
            changes={
                "user": actor.pk,
                "role": membership.role,
                "membership": membership.pk,
                "already_member": not created,
            },
            target_label=f"{invitation.email} @ {invitation.organisation.name}",
        )
    return membership


def invitation_decline(*, actor: Any, token: str) -> Invitation:
    """The invited person declines: no membership, and the link stops working."""
    with transaction.atomic():
        invitation = _open_invitation(token)
        _refuse_other_account(actor, invitation)
        _close(invitation, InvitationStatus.DECLINED, actor)
        audit_record(
            actor=actor,
            verb="invitation.decline",
            target=invitation,
            organisation_id=invitation.organisation_id,
            changes={"user": actor.pk},
            target_label=f"{invitation.email} @ {invitation.organisation.name}",
        )
    return invitation


def invitation_revoke(*, actor: Any, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation (the organisation's managers, or staff)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise NotFound(_("No such invitation."), code="invitation_not_found")
        organisation = _managed(actor, invitation.organisation_id)
        if invitation.status != InvitationStatus.PENDING:
            raise Conflict(
                _("This invitation has already been answered or was withdrawn."),
                code="invitation_closed",
            )
        _close(invitation, InvitationStatus.REVOKED, actor)
        audit_record(
            actor=actor,
            verb="invitation.revoke",
            target=invitation,
            organisation_id=organisation.pk,
            changes={"email": invitation.email, "role": invitation.role},
            target_label=f"{invitation.email} @ {organisation.name}",
        )
    return invitation


def membership_create(*, actor: Any, organisation_id: int, user: Any, role: str) -> Membership:
    """Make a person a member at once, or change their role (platform staff only).

    Managers invite instead (`invitation_create`): a membership needs the person's consent.
    """
    _check_role(role)
    if not permissions.can_add_member_directly(actor):
        raise Forbidden(_("Only platform administrators may add a member without an invitation."))
    with transaction.atomic():
        organisation = _managed(actor, organisation_id)
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        if not created and membership.role == role:
            return membership
        if not created:
            _keep_a_manager(organisation, leaving=membership)
            changes: dict[str, Any] = {"user": user.pk, "role": [membership.role, role]}
            membership.role = role
            membership.save(update_fields=["role"])
        else:
            changes = {"user": user.pk, "role": role}
        audit_record(
            actor=actor,
            verb="membership.add" if created else "membership.change_role",
            target=membership,
            organisation_id=organisation.pk,
            changes=changes,
            target_label=f"{user.email} @ {organisation.name}",
        )
    return membership


def membership_change_role(*, actor: Any, membership_id: int, role: str) -> Membership:
    """Change a member's role (managers, or staff); an organisation keeps at least one manager."""
    _check_role(role)
    with transaction.atomic():
        membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
        if membership is None:
            raise NotFound(_("No such membership."), code="membership_not_found")
        organisation = _managed(actor, membership.organisation_id)
        if membership.role == role:
            return membership
        _keep_a_manager(organisation, leaving=membership)
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            verb="membership.change_role",
            target=membership,
            organisation_id=organisation.pk,
            changes={"user": membership.user_id, "role": [old, role]},
            target_label=f"{membership.user.email} @ {organisation.name}",
        )
    return membership


def membership_remove(*, actor: Any, membership_id: int) -> None:
    """Remove a person from an organisation; the last manager cannot be removed."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_related("user", "organisation")
            .filter(pk=membership_id)
            .first()
        )
        if membership is None:
            raise NotFound(_("No such membership."), code="membership_not_found")
        organisation = _managed(actor, membership.organisation_id)
        _keep_a_manager(organisation, leaving=membership)
        label = f"{membership.user.email} @ {organisation.name}"
        audit_record(
            actor=actor,
            verb="membership.remove",
            target=membership,
            organisation_id=organisation.pk,
            changes={"user": membership.user_id, "role": membership.role},
            target_label=label,
        )
        membership.delete()


def _managed(actor: Any, organisation_id: int) -> Organisation:
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(_("No such organisation."), code="organisation_not_found")
    if not permissions.can_manage_organisation(actor, organisation):
        raise Forbidden(_("Only the organisation's managers may change its members."))
    return organisation


def _keep_a_manager(organisation: Organisation, *, leaving: Membership) -> None:
    if leaving.role != Role.MANAGER:
        return
    others = (
        Membership.objects.filter(organisation=organisation, role=Role.MANAGER)
        .exclude(pk=leaving.pk)
        .exists()
    )
    if not others:
        raise Conflict(
            _("An organisation needs at least one manager; appoint another manager first."),
            code="last_manager",
        )
