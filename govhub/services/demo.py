"""The Republic of Arden's public services (`govhub demo`): fifteen services of its agencies
for all three audiences, with laws, evidence, costs, events and news; one withdrawn and one
edited after publication (two versions in its archive)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhub.core.api import audit_record, versions_bump
from govhub.services.data import SERVICES_VERSION, EvidenceItem, LegalBasisItem, ServiceInput
from govhub.services.events import events_ensure
from govhub.services.models import Service, ServiceNews, ServiceStatus, ServiceVersion
from govhub.services.search import service_index
from govhub.services.snapshot import service_snapshot
from govhub.services.stages import service_stage
from govhub.services.validation import clean_service

LAW = "https://laws.arden.example"
# (identifier, authority key, en, ru, prs, audiences, events, output, days, cost, evidence)
SERVICES: tuple[tuple[Any, ...], ...] = (
    (
        "birth-certificate",
        "health",
        "Birth certificate",
        "Свидетельство о рождении",  # noqa: RUF001
        "تصدیق تولد",
        ("citizens",),
        ("having-a-baby",),
        "certificate",
        5,
        "0",
        ("Medical birth record", "Parents' identity cards"),
    ),
    (
        "residence-registration",
        "capital",
        "Residence registration",
        "Регистрация по месту жительства",
        "ثبت محل سکونت",
        ("citizens",),
        ("moving-house",),
        "decision",
        3,
        "0",
        ("Identity card", "Rental contract or title deed"),
    ),
    (
        "small-business-licence",
        "capital",
        "Small-business licence",
        "Лицензия для малого бизнеса",
        "جواز کسب و کار کوچک",
        ("businesses",),
        ("starting-a-business",),
        "licence",
        10,
        "50",
        ("Company registration", "Lease of premises"),
    ),
    (
        "building-permit",
        "riverside",
        "Building permit",
        "Разрешение на строительство",
        "جواز ساختمان",
        ("citizens", "businesses"),
        ("building-a-home", "building-premises"),
        "permit",
        30,
        "120",
        ("Site plan", "Architectural drawings", "Proof of ownership"),
    ),
    (
        "ngo-registration",
        "egov_agency",
        "NGO registration",
        "Регистрация НКО",  # noqa: RUF001  # noqa: RUF001  # noqa: RUF001
        "ثبت نهاد غیر دولتی",
        ("businesses",),
        ("founding-an-ngo",),
        "certificate",
        15,
        "20",
        ("Charter", "Minutes of the founding meeting"),
    ),
    (
        "small-business-tax-return",
        "tax",
        "Small business annual tax return",
        "Годовая налоговая декларация малого бизнеса",
        "اظهارنامه مالیاتی سالانه کسب و کار کوچک",
        ("businesses",),
        ("running-a-business",),
        "decision",
        20,
        "0",
        ("Annual accounts",),
    ),
    (
        "data-sharing-request",
        "statistics",
        "Data-sharing request between agencies",
        "Запрос на обмен данными между ведомствами",
        "درخواست تبادل معلومات میان ادارات",
        ("government",),
        ("sharing-data",),
        "decision",
        10,
        "0",
        ("Purpose and legal basis of the request", "Data protection assessment"),
    ),
    (
        "school-enrolment",
        "education",
        "School enrolment",
        "Запись в школу",
        "ثبت نام در مکتب",
        ("citizens",),
        ("education",),
        "decision",
        10,
        "0",
        ("Birth certificate of the child",),
    ),
    (
        "disability-allowance",
        "health",
        "Disability allowance",
        "Пособие по инвалидности",
        "کمک هزینه معلولیت",
        ("citizens",),
        ("health",),
        "decision",
        30,
        "0",
        ("Medical assessment",),
    ),
    (
        "emergency-alerts",
        "emergency",
        "Emergency alerts by text message",
        "Оповещения о чрезвычайных ситуациях по SMS",  # noqa: RUF001
        "هشدارهای اضطراری از طریق پیامک",
        ("citizens", "businesses"),
        ("civic-life",),
        "none",
        1,
        "0",
        (),
    ),
    (
        "business-closure",
        "tax",
        "Closing a business: tax clearance",
        "Закрытие бизнеса: налоговая справка",
        "بستن کسب و کار: تصفیه مالیاتی",
        ("businesses",),
        ("closing-a-business",),
        "certificate",
        15,
        "0",
        ("Final accounts",),
    ),
    (
        "digital-signature",
        "egov_agency",
        "Qualified digital signature certificate",
        "Сертификат квалифицированной электронной подписи",
        "تصدیق امضای دیجیتال معتبر",
        ("citizens", "businesses", "government"),
        ("starting-a-business", "working"),
        "certificate",
        2,
        "15",
        ("Identity card",),
    ),
    (
        "pension-application",
        "health",
        "State pension",
        "Государственная пенсия",
        "تقاعد دولتی",
        ("citizens",),
        ("retiring",),
        "decision",
        30,
        "0",
        ("Employment record", "Identity card"),
    ),
    (
        "employer-registration",
        "tax",
        "Employer registration",
        "Регистрация работодателя",
        "ثبت کارفرما",
        ("businesses",),
        ("hiring",),
        "certificate",
        5,
        "0",
        ("Company registration",),
    ),
    (
        "paper-death-registration",
        "capital",
        "Death registration (paper form)",
        "Регистрация смерти (бумажная форма)",
        "ثبت وفات (فورم کاغذی)",
        ("citizens",),
        ("death-of-a-relative",),
        "certificate",
        3,
        "0",
        ("Medical death certificate",),
    ),
)
WITHDRAWN = "paper-death-registration"
EDITED = "residence-registration"
NEWS = (
    (
        "residence-registration",
        dt.date(2026, 11, 2),
        "Registration now takes 2 working days instead of 3.",
    ),
    (
        "small-business-licence",
        dt.date(2026, 10, 15),
        "The licence fee is waived for businesses founded by people under 25.",
    ),
    (
        "digital-signature",
        dt.date(2026, 9, 1),
        "Certificates can now be renewed online before they expire.",
    ),
    (
        "paper-death-registration",
        dt.date(2026, 8, 20),
        "Replaced by the online death registration of the Ministry of Health.",
    ),
)


def _input(row: tuple[Any, ...], authority_id: int) -> ServiceInput:
    ident, _key, en, ru, prs, audiences, events, output, days, cost, evidence = row
    return ServiceInput(
        identifier=ident,
        name=en,
        name_translations={"ru": ru, "fa-af": prs},
        description=f"{en}: what you need, what it costs and how long it takes.",
        authority_id=authority_id,
        audiences=audiences,
        event_codes=events,
        legal_basis=(
            LegalBasisItem(f"Act on {en}", "Art. 3", f"{LAW}/{ident}"),
            LegalBasisItem("Administrative Procedure Act", "Art. 12", f"{LAW}/apa"),
        ),
        evidence=tuple(EvidenceItem(name) for name in evidence),
        cost_amount=Decimal(cost),
        cost_currency="ARD",
        cost_description="" if cost == "0" else "Paid online or at the counter",
        processing_days=days,
        output_type=output,
        channels=("online", "in_person") if output != "none" else ("online",),
        languages=("en", "ru", "fa-af"),
    )


def _publish(service: Service, now: dt.datetime) -> None:
    ServiceVersion.objects.filter(service=service, ended_at__isnull=True).update(ended_at=now)
    service.version += 1
    service.status = ServiceStatus.PUBLISHED
    service.first_published_at = service.first_published_at or now
    service.save()
    ServiceVersion.objects.create(
        service=service, number=service.version, content=service_snapshot(service), published_at=now
    )


def demo_services_load(authority_ids: dict[str, int]) -> int:
    """Load Arden's services once (by identifier: idempotent); returns how many were added."""
    added = 0
    with transaction.atomic():
        events_ensure()
        for row in SERVICES:
            if Service.objects.filter(identifier=row[0]).exists():
                continue
            values, events = clean_service(_input(row, authority_ids[row[1]]))
            service = Service(**values)
            service.stage = service_stage(service)
            service.save()
            service.events.set(events)
            _publish(service, timezone.now())
            if row[0] == EDITED:
                service.processing_days = 2
                service.save(update_fields=["processing_days"])
                _publish(service, timezone.now())
            added += 1
            audit_record(
                actor=None,
                verb="service.create",
                target=service,
                organisation_id=service.authority_id,
                changes={"demo": True},
            )
        for ident, date, text in NEWS if added else ():
            service = Service.objects.get(identifier=ident)
            ServiceNews.objects.create(service=service, date=date, text=text)
        if added:
            withdrawn = Service.objects.get(identifier=WITHDRAWN)
            now = timezone.now()
            withdrawn.status = ServiceStatus.WITHDRAWN
            withdrawn.withdrawn_at = now
            withdrawn.save(update_fields=["status", "withdrawn_at"])
            ServiceVersion.objects.filter(service=withdrawn, ended_at__isnull=True).update(
                ended_at=now, withdrawn=True
            )
        for service in Service.objects.filter(identifier__in=[r[0] for r in SERVICES]):
            service_index(service)
        versions_bump(SERVICES_VERSION)
    return added
