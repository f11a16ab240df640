"""Every write to organisations: permission, validation, one transaction, one audit entry."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.api import (
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    audit_record,
    reject_nul,
    versions_bump,
)
from govhub.organisations import permissions
from govhub.organisations.data import ORGANISATIONS_VERSION, OrganisationInput
from govhub.organisations.kinds import ALLOWED_PARENT_KINDS, KIND_INFO, sector_of
from govhub.organisations.models import Membership, Organisation, Role
from govhub.organisations.search import organisation_index

PROFILE_FIELDS = (
    "name",
    "name_translations",
    "kind",
    "sector",
    "subtype",
    "parent_id",
    "description",
    "contact_email",
    "phone",
    "address",
    "website",
)


def _validate(data: OrganisationInput, *, organisation: Organisation | None) -> Organisation | None:
    """Check the profile; return the parent. Raises InvalidInput naming the field."""
    reject_nul(*dataclasses.astuple(data))
    name = data.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(_("The name must have 1 to 200 characters."), code="invalid_name")
    _check_kind(data)
    languages = {code for code, _label in settings.LANGUAGES}
    if not isinstance(data.name_translations, dict):
        raise InvalidInput(
            _("Names in other languages must be given by language."),
            code="invalid_name_translations",
        )
    for lang, text in data.name_translations.items():
        if lang not in languages or not isinstance(text, str) or len(text) > 200:
            raise InvalidInput(
                _("Names may be given only in the site's languages, up to 200 characters."),
                code="invalid_name_translations",
            )
    try:
        if data.contact_email:
            EmailValidator()(data.contact_email)
        if data.website:
            URLValidator(schemes=["http", "https"])(data.website)
    except ValidationError as exc:
        raise InvalidInput(
            _("Enter a valid email address and web address."), code="invalid_contact"
        ) from exc
    return _validate_parent(data, organisation=organisation)


def _check_kind(data: OrganisationInput) -> None:
    """The kind exists and the subtype fits it."""
    info = KIND_INFO.get(data.kind)
    if info is None:
        raise InvalidInput(_("Unknown kind of organisation."), code="invalid_kind")
    if info.subtypes and data.subtype not in info.subtypes:
        raise InvalidInput(
            _("Choose a size or type that fits this kind of organisation."), code="invalid_subtype"
        )
    if not info.subtypes and data.subtype:
        raise InvalidInput(
            _("This kind of organisation has no size or type."), code="invalid_subtype"
        )


def _validate_parent(
    data: OrganisationInput, *, organisation: Organisation | None
) -> Organisation | None:
    if data.parent_id is None:
        return None
    parent = Organisation.objects.filter(pk=data.parent_id).first()
    if parent is None:
        raise InvalidInput(_("The parent organisation does not exist."), code="invalid_parent")
    if parent.kind not in ALLOWED_PARENT_KINDS[data.kind]:
        raise RuleBroken(
            _("A %(kind)s cannot sit under a %(parent)s.")
            % {"kind": KIND_INFO[data.kind].label, "parent": KIND_INFO[parent.kind].label},
            code="invalid_parent_kind",
        )
    if organisation is not None:
        _refuse_cycle(organisation, parent)
    return parent


def _refuse_cycle(organisation: Organisation, parent: Organisation) -> None:
    """The new parent must not be the organisation itself or one of its descendants."""
    seen: set[int] = set()
    node: Organisation | None = parent
    while node is not None and node.pk not in seen:
        if node.pk == organisation.pk:
            raise RuleBroken(
                _("An organisation cannot sit under itself or under one of its own units."),
                code="parent_cycle",
            )
        seen.add(node.pk)
        node = node.parent


def organisation_create(*, actor: Any, data: OrganisationInput) -> Organisation:
    """Create an organisation (staff, or a manager of the parent organisation)."""
    parent = _validate(data, organisation=None)
    if not permissions.can_create_organisation(actor, parent, data.kind):
        raise Forbidden(_("You may not create this organisation."))
    with transaction.atomic():
        values = dataclasses.asdict(data)
        values["name"] = data.name.strip()
        organisation = Organisation(
            **{k: v for k, v in values.items() if k != "parent_id"},
            sector=sector_of(data.kind),
            parent=parent,
        )
        organisation.search_names = organisation.names_for_search()
        organisation.save()
        organisation_index(organisation)
        audit_record(
            actor=actor,
            verb="organisation.create",
            target=organisation,
            organisation_id=organisation.pk,
            changes={f: getattr(organisation, f) for f in PROFILE_FIELDS},
        )
        versions_bump(ORGANISATIONS_VERSION)
    return organisation


def organisation_update(
    *, actor: Any, organisation_id: int, changes: dict[str, Any]
) -> Organisation:
    """Change profile fields of an organisation (its managers, or staff)."""
    unknown = set(changes) - set(PROFILE_FIELDS) - {"is_active"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))},
            code="invalid_field",
        )
    # None clears a field (no translations, no description); the name is then refused as empty.
    changes = {
        key: ({} if key == "name_translations" else "")
        if value is None and key not in ("parent_id", "is_active")
        else value
        for key, value in changes.items()
    }
    if changes.get("is_active", False) is None:
        raise InvalidInput(_("Say whether the organisation is active."), code="invalid_field")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if organisation is None or not permissions.can_view_organisation(actor, organisation):
            raise NotFound(_("No such organisation."), code="organisation_not_found")
        if not permissions.can_manage_organisation(actor, organisation):
            raise Forbidden(_("Only the organisation's managers may change it."))
        _refuse_registry_facts(organisation, changes)
        before = {f: getattr(organisation, f) for f in (*PROFILE_FIELDS, "is_active")}
        merged: dict[str, Any] = {
            f: changes.get(f, before[f]) for f in OrganisationInput.__dataclass_fields__
        }
        data = OrganisationInput(**merged)
        parent = _validate(data, organisation=organisation)
        for field, value in changes.items():
            if field == "parent_id":
                organisation.parent = parent
            elif field == "name":
                organisation.name = str(value).strip()
            else:
                setattr(organisation, field, value)
        organisation.sector = sector_of(organisation.kind)
        organisation.search_names = organisation.names_for_search()
        organisation.updated_at = timezone.now()
        organisation.save()
        organisation_index(organisation)
        after = {f: getattr(organisation, f) for f in before}
        diff = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
        if diff:
            audit_record(
                actor=actor,
                verb="organisation.update",
                target=organisation,
                organisation_id=organisation.pk,
                changes=diff,
            )
            versions_bump(ORGANISATIONS_VERSION)
    return organisation


REGISTRY_FIELDS = ("kind", "sector", "parent_id")


def _refuse_registry_facts(organisation: Organisation, changes: dict[str, Any]) -> None:
    """Kind, sector and parent are registry facts: no profile edit changes them, for anyone."""
    changed = sorted(
        f for f in REGISTRY_FIELDS if f in changes and changes[f] != getattr(organisation, f)
    )
    if changed:
        raise Forbidden(
            _("These fields are registry facts and cannot be changed here: %(f)s")
            % {"f": ", ".join(changed)},
            code="field_not_editable",
        )


def organisation_reclassify(
    *,
    actor: Any,
    organisation_id: int,
    kind: str,
    subtype: str,
    parent_id: int | None,
    reason: str,
) -> Organisation:
    """Change an organisation's kind (and so sector), subtype and parent, with a reason (staff)."""
    if not permissions.can_reclassify_organisation(actor):
        raise Forbidden(_("Only platform administrators may change an organisation's kind."))
    reason = (reason or "").strip()
    reject_nul(reason, kind, subtype)
    if not reason or len(reason) > 1000:
        raise InvalidInput(
            _("Give the reason for the change (up to 1,000 characters)."), code="reason_required"
        )
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if organisation is None:
            raise NotFound(_("No such organisation."), code="organisation_not_found")
        data = OrganisationInput(
            name=organisation.name,
            kind=kind,
            subtype=subtype or "",
            parent_id=parent_id,
            name_translations=organisation.name_translations or {},
        )
        _check_kind(data)
        parent = _validate_parent(data, organisation=organisation)
        _refuse_orphaned_units(organisation, kind)
        before = {f: getattr(organisation, f) for f in ("kind", "sector", "subtype", "parent_id")}
        organisation.kind = kind
        organisation.sector = sector_of(kind)
        organisation.subtype = data.subtype
        organisation.parent = parent
        after = {f: getattr(organisation, f) for f in before}
        diff = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
        if not diff:
            raise InvalidInput(
                _("Nothing would change: choose a different kind, type or parent."),
                code="nothing_changed",
            )
        organisation.updated_at = timezone.now()
        organisation.save(update_fields=["kind", "sector", "subtype", "parent", "updated_at"])
        audit_record(
            actor=actor,
            verb="organisation.reclassify",
            target=organisation,
            organisation_id=organisation.pk,
            changes={**diff, "reason": reason},
        )
        versions_bump(ORGANISATIONS_VERSION)
    return organisation


def _refuse_orphaned_units(organisation: Organisation, kind: str) -> None:
    """Its own units must still fit under the new kind (an agency stays under a ministry)."""
    misfits = sorted(
        {
            child_kind
            for child_kind in organisation.children.values_list("kind", flat=True)
            if kind not in ALLOWED_PARENT_KINDS[child_kind]
        }
    )
    if misfits:
        raise RuleBroken(
            _("Its units (%(kinds)s) cannot sit under a %(kind)s; move them first.")
            % {
                "kinds": ", ".join(str(KIND_INFO[k].label) for k in misfits),
                "kind": KIND_INFO[kind].label,
            },
            code="units_do_not_fit",
        )


def demo_organisation_ensure(*, data: OrganisationInput, managers: tuple[Any, ...] = ()) -> int:
    """Create a demo organisation once, by name and kind (idempotent); returns its id."""
    with transaction.atomic():
        organisation = Organisation.objects.filter(name=data.name, kind=data.kind).first()
        if organisation is None:
            fields = {k: v for k, v in vars(data).items() if k != "parent_id"}
            organisation = Organisation(
                **fields, sector=sector_of(data.kind), parent_id=data.parent_id
            )
            organisation.search_names = organisation.names_for_search()
            organisation.save()
            organisation_index(organisation)
            audit_record(
                actor=None,
                verb="organisation.create",
                target=organisation,
                organisation_id=organisation.pk,
                changes={"demo": True},
            )
            versions_bump(ORGANISATIONS_VERSION)
        for user in managers:
            _, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": Role.MANAGER}
            )
            if created:
                audit_record(
                    actor=None,
                    verb="membership.add",
                    target=organisation,
                    organisation_id=organisation.pk,
                    changes={"user": user.pk, "role": Role.MANAGER, "demo": True},
                )
    return organisation.pk
