"""The shipped vocabulary of life and business events (after the EU's life-event list used by
CPSV-AP catalogues), with names in the interface's languages. Migration 0002 loads it; a
deployment may add its own events as data."""

from __future__ import annotations

from typing import Any

# Each event: its code, kind, and name in English, Russian and Dari.
EVENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("having-a-baby", "life", "Having a baby", "Рождение ребёнка", "تولد طفل"),
    ("moving-house", "life", "Moving house", "Переезд", "تغییر محل سکونت"),
    ("education", "life", "Starting education", "Начало обучения", "آغاز تحصیل"),
    ("marriage", "life", "Getting married", "Вступление в брак", "ازدواج"),
    ("working", "life", "Starting work", "Начало работы", "آغاز کار"),
    ("losing-a-job", "life", "Losing a job", "Потеря работы", "از دست دادن کار"),
    (
        "building-a-home",
        "life",
        "Building or buying a home",
        "Строительство или покупка жилья",
        "ساخت یا خرید خانه",
    ),
    (
        "driving",
        "life",
        "Owning and driving a vehicle",
        "Владение автомобилем",
        "داشتن و راندن وسیله نقلیه",
    ),
    ("travelling-abroad", "life", "Travelling abroad", "Поездка за границу", "سفر به خارج"),
    ("health", "life", "Health and disability", "Здоровье и инвалидность", "صحت و معلولیت"),
    (
        "civic-life",
        "life",
        "Taking part in public life",
        "Участие в общественной жизни",
        "اشتراک در زندگی عامه",
    ),
    ("retiring", "life", "Retiring", "Выход на пенсию", "تقاعد"),
    ("death-of-a-relative", "life", "Death of a relative", "Смерть близкого", "فوت یکی از بستگان"),
    (
        "starting-a-business",
        "business",
        "Starting a business",
        "Открытие бизнеса",
        "آغاز کسب و کار",
    ),
    (
        "running-a-business",
        "business",
        "Running a business (taxes, reporting)",
        "Ведение бизнеса (налоги, отчётность)",
        "اداره کسب و کار (مالیات، گزارش دهی)",
    ),
    ("hiring", "business", "Hiring employees", "Найм работников", "استخدام کارمندان"),
    (
        "building-premises",
        "business",
        "Building or changing premises",
        "Строительство или изменение помещений",
        "ساخت یا تغییر محل کار",
    ),
    ("trading-abroad", "business", "Trading abroad", "Внешняя торговля", "تجارت خارجی"),
    ("closing-a-business", "business", "Closing a business", "Закрытие бизнеса", "بستن کسب و کار"),
    (
        "founding-an-ngo",
        "business",
        "Founding an association or NGO",
        "Создание ассоциации или НКО",  # noqa: RUF001  # noqa: RUF001  # noqa: RUF001
        "تأسیس انجمن یا نهاد غیر دولتی",
    ),
    (
        "sharing-data",
        "business",
        "Exchanging data between agencies",
        "Обмен данными между ведомствами",
        "تبادل معلومات میان ادارات",
    ),
)


def events_ensure(model: Any = None) -> None:
    """Write the shipped events (by code: idempotent); migration 0002 passes its historical
    model, the demo the current one (a test database emptied by a transactional test lost
    them)."""
    if model is None:
        from govhub.services.models import Event

        model = Event
    for position, (code, kind, en, ru, prs) in enumerate(EVENTS, start=1):
        model.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": en,
                "name_translations": {"ru": ru, "fa-af": prs},
                "position": position,
            },
        )
