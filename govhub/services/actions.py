"""Every write to the catalogue: permission, validation, one transaction, one audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.api import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    audit_record,
    reject_nul,
    versions_bump,
)
from govhub.services import permissions
from govhub.services.data import SERVICES_VERSION, ServiceInput
from govhub.services.models import Event, Service, ServiceNews, ServiceStatus, ServiceVersion
from govhub.services.search import service_index
from govhub.services.snapshot import service_snapshot
from govhub.services.stages import service_stage
from govhub.services.validation import clean_news, clean_service


def _locked(actor: Any, service_id: int) -> Service:
    """The service, locked for the write; 404 for one the actor may not know of, 403 for one
    they may see but not edit."""
    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None or not permissions.can_view_service(actor, service):
        raise NotFound(_("No such service."), code="service_not_found")
    if not permissions.can_edit_service(actor, service):
        raise Forbidden(_("Only officials of the competent authority may change this service."))
    return service


def _apply(service: Service, values: dict[str, Any], events: list[Event]) -> None:
    for name, value in values.items():
        setattr(service, name, value)
    service.stage = service_stage(service)
    service.updated_at = timezone.now()
    service.save()
    service.events.set(events)


def _publish_version(service: Service, now: dt.datetime) -> ServiceVersion:
    """Freeze what the public now reads as the next version; the previous one ends now."""
    ServiceVersion.objects.filter(service=service, ended_at__isnull=True).update(ended_at=now)
    service.version += 1
    service.save(update_fields=["version"])
    return ServiceVersion.objects.create(
        service=service, number=service.version, content=service_snapshot(service), published_at=now
    )


def service_create(*, actor: Any, data: ServiceInput) -> Service:
    """Start a service of an authority as a draft (its officials)."""
    if not permissions.can_edit_services_of(actor, data.authority_id):
        raise Forbidden(_("Only officials of the competent authority may add its services."))
    values, events = clean_service(data)
    if Service.objects.filter(identifier=values["identifier"]).exists():
        raise Conflict(_("Another service already has this identifier."), code="identifier_taken")
    try:
        with transaction.atomic():
            service = Service(status=ServiceStatus.DRAFT)
            _apply(service, values, events)
            service_index(service)
            audit_record(
                actor=actor,
                verb="service.create",
                target=service,
                organisation_id=service.authority_id,
                changes={"identifier": service.identifier, "name": service.name},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Another service already has this identifier."), code="identifier_taken"
        ) from exc
    return service


def service_update(*, actor: Any, service_id: int, data: ServiceInput) -> Service:
    """Change a service (its officials). A published service is republished at once: the
    change is a new version, and the one it replaces stays in the archive."""
    values, events = clean_service(data)
    with transaction.atomic():
        service = _locked(actor, service_id)
        if data.authority_id != service.authority_id:
            raise RuleBroken(
                _("A service stays with its competent authority."), code="authority_not_editable"
            )
        if data.identifier != service.identifier:
            raise RuleBroken(
                _("A service's identifier never changes: links and catalogues rely on it."),
                code="identifier_not_editable",
            )
        before = service_snapshot(service)
        _apply(service, values, events)
        after = service_snapshot(service)
        diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if not diff:
            return service
        if service.status == ServiceStatus.PUBLISHED:
            _publish_version(service, service.updated_at)
            versions_bump(SERVICES_VERSION)
        service_index(service)
        audit_record(
            actor=actor,
            verb="service.update",
            target=service,
            organisation_id=service.authority_id,
            changes={**diff, "version": service.version},
        )
    return service


def service_publish(*, actor: Any, service_id: int) -> Service:
    """Publish a draft, or publish again a withdrawn service (its officials)."""
    with transaction.atomic():
        service = _locked(actor, service_id)
        if service.status == ServiceStatus.PUBLISHED:
            raise Conflict(_("The service is already published."), code="already_published")
        now = timezone.now()
        before = service.status
        service.status = ServiceStatus.PUBLISHED
        service.first_published_at = service.first_published_at or now
        service.withdrawn_at = None
        service.save(update_fields=["status", "first_published_at", "withdrawn_at"])
        version = _publish_version(service, now)
        service_index(service)
        audit_record(
            actor=actor,
            verb="service.publish",
            target=service,
            organisation_id=service.authority_id,
            changes={"status": [before, service.status], "version": version.number},
        )
        versions_bump(SERVICES_VERSION)
    return service


def service_withdraw(*, actor: Any, service_id: int, reason: str) -> Service:
    """Withdraw a published service, with a reason (its officials); it stays in the archive."""
    reason = (reason or "").strip()
    reject_nul(reason)
    if not reason or len(reason) > 1000:
        raise InvalidInput(
            _("Say why the service is withdrawn (up to 1,000 characters)."),
            code="reason_required",
        )
    with transaction.atomic():
        service = _locked(actor, service_id)
        if service.status != ServiceStatus.PUBLISHED:
            raise Conflict(_("Only a published service can be withdrawn."), code="not_published")
        now = timezone.now()
        service.status = ServiceStatus.WITHDRAWN
        service.withdrawn_at = now
        service.save(update_fields=["status", "withdrawn_at"])
        ServiceVersion.objects.filter(service=service, ended_at__isnull=True).update(
            ended_at=now, withdrawn=True
        )
        service_index(service)
        audit_record(
            actor=actor,
            verb="service.withdraw",
            target=service,
            organisation_id=service.authority_id,
            changes={"status": [ServiceStatus.PUBLISHED, service.status], "reason": reason},
        )
        versions_bump(SERVICES_VERSION)
    return service


def service_news_add(
    *,
    actor: Any,
    service_id: int,
    date: dt.date,
    text: str,
    text_translations: dict[str, str] | None = None,
) -> ServiceNews:
    """Add a dated news or change entry to a service (its officials)."""
    text, translations = clean_news(text, text_translations or {})
    with transaction.atomic():
        service = _locked(actor, service_id)
        entry = ServiceNews.objects.create(
            service=service, date=date, text=text, text_translations=translations
        )
        audit_record(
            actor=actor,
            verb="service.news_add",
            target=service,
            organisation_id=service.authority_id,
            changes={"news": entry.pk, "date": date.isoformat(), "text": text},
        )
        versions_bump(SERVICES_VERSION)
    return entry
