"""Organisations of the three sectors and the people who act for them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govhub.organisations.kinds import KINDS, Kind, Sector, Subtype

# The languages the directory is ordered in by an index of their names (the main name is in
# English); a deployment adding a language adds it here and makes a migration.
INDEXED_LANGUAGES = ("ru", "fa-af")


def local_name(language: str) -> Coalesce:
    """An organisation's name in `language`, or its main name: the directory's order there."""
    return Coalesce(
        KeyTextTransform(language, "name_translations"), "name", output_field=models.TextField()
    )


def _kind_sector_constraint() -> Q:
    q = Q()
    for info in KINDS:
        q |= Q(kind=info.key, sector=info.sector)
    return q


def _subtype_constraint() -> Q:
    q = Q()
    for info in KINDS:
        allowed = Q(subtype__in=list(info.subtypes)) if info.subtypes else Q(subtype="")
        q |= Q(kind=info.key) & allowed
    return q


class Organisation(models.Model):
    """A government body, business or civil-society organisation."""

    name = models.CharField(_("name"), max_length=200)
    # Names in other languages, keyed by language code: {"ru": "...", "fa-af": "..."}.
    name_translations = models.JSONField(_("name in other languages"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, db_index=True)
    subtype = models.CharField(
        _("size or type"), max_length=32, choices=Subtype.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    # All names, case-folded, for a search that works the same on SQLite and PostgreSQL.
    search_names = models.TextField(editable=False, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["name", "id"]),
            models.Index(fields=["sector", "kind", "name"]),
            # The directory's filters, each with its ordering (ADR 0018).
            models.Index(fields=["sector", "name", "id"], name="org_dir_sector"),
            models.Index(fields=["kind", "name", "id"], name="org_dir_kind"),
            # The directory in each translated language, in that language's order.
            *(
                models.Index(local_name(code), "id", name=f"org_dir_{code.replace('-', '_')}")
                for code in INDEXED_LANGUAGES
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=_kind_sector_constraint(), name="org_kind_in_sector"),
            models.CheckConstraint(condition=_subtype_constraint(), name="org_subtype_fits_kind"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def names_for_search(self) -> str:
        names = [self.name, *(self.name_translations or {}).values()]
        return "\n".join(n.casefold() for n in names if n)

    def display_name(self, language: str | None = None) -> str:
        """The name in the given (or current) language, falling back to the main name."""
        language = language or get_language() or ""
        translations = self.name_translations or {}
        return translations.get(language) or translations.get(language.split("-")[0]) or self.name


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    MANAGER = "manager", _("Manager")


class Membership(models.Model):
    """A person acts for an organisation, as a member or a manager."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organisation_id} ({self.role})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Withdrawn")


class Invitation(models.Model):
    """An offer of membership to an email address; the membership exists once it is accepted."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # SHA-256 of the secret sent by email; the secret itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation_id", "-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} @ {self.organisation_id} ({self.role}, {self.status})"

    def is_open(self, now: datetime | None = None) -> bool:
        """Pending and not yet expired."""
        return self.status == InvitationStatus.PENDING and self.expires_at > (now or timezone.now())
