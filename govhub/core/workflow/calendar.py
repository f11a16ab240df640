"""Working days: weekends and public holidays, for deadlines that count only days of work.

The weekend is `GOVHUB_WEEKEND` (day names, default Saturday and Sunday); holidays are
`GOVHUB_HOLIDAYS`: dates (YYYY-MM-DD) or the path of a file with one date a line (`#` starts
a comment). A deadline is the end (23:59:59, the deployment's time zone) of a working day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

DAY_NAMES = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are worked: not a weekend day (ISO weekday numbers), not a holiday."""

    weekend: frozenset[int]
    holidays: frozenset[date]

    def __post_init__(self) -> None:
        if len(self.weekend) >= 7:
            raise ImproperlyConfigured("GOVHUB_WEEKEND leaves no working day in the week")

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def add(self, day: date, n: int) -> date:
        """The `n`th working day after `day` (`day` itself does not count); with n = 0, the
        first working day on or after `day`."""
        if n < 0:
            return self.subtract(day, -n)
        current = day
        if n == 0:
            while not self.is_working_day(current):
                current += timedelta(days=1)
            return current
        while n > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                n -= 1
        return current

    def subtract(self, day: date, n: int) -> date:
        """The `n`th working day before `day`; with n = 0, the last working day on or before."""
        current = day
        if n == 0:
            while not self.is_working_day(current):
                current -= timedelta(days=1)
            return current
        while n > 0:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                n -= 1
        return current

    def between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (negative when
        `end` is before `start`)."""
        if end < start:
            return -self.between(end, start)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )


def end_of(day: date) -> datetime:
    """The last second of `day` in the deployment's time zone: when a deadline on it passes."""
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def start_of(day: date) -> datetime:
    """The first moment of `day` in the deployment's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def local_day(moment: datetime) -> date:
    """The date of `moment` in the deployment's time zone."""
    return timezone.localtime(moment).date()


def _parse_day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{where}: {text.strip()!r} is not a date (YYYY-MM-DD)") from exc


def _is_date(text: str) -> bool:
    """Whether `text` is meant as a date (a file name is anything else)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def parse_holidays(values: list[str] | tuple[str, ...]) -> frozenset[date]:
    """Dates, or one file path whose lines are dates (blank lines and `# comments` skipped)."""
    entries = [str(v).strip() for v in values if str(v).strip()]
    if len(entries) == 1 and not _is_date(entries[0]):
        path = Path(entries[0])
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ImproperlyConfigured(f"GOVHUB_HOLIDAYS: cannot read {path}: {exc}") from exc
        days = []
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if text:
                days.append(_parse_day(text, f"GOVHUB_HOLIDAYS {path}, line {number}"))
        return frozenset(days)
    return frozenset(_parse_day(e, "GOVHUB_HOLIDAYS") for e in entries)


def parse_weekend(values: list[str] | tuple[str, ...]) -> frozenset[int]:
    days = set()
    for value in values:
        key = str(value).strip().lower()[:3]
        if key not in DAY_NAMES:
            raise ImproperlyConfigured(
                f"GOVHUB_WEEKEND: {value!r} is not a day name (mon, tue, ... sun)"
            )
        days.add(DAY_NAMES[key])
    return frozenset(days)


@lru_cache(maxsize=4)
def _calendar(weekend: tuple[str, ...], holidays: tuple[str, ...]) -> WorkingCalendar:
    return WorkingCalendar(weekend=parse_weekend(weekend), holidays=parse_holidays(holidays))


def working_calendar() -> WorkingCalendar:
    """The deployment's calendar, from GOVHUB_WEEKEND and GOVHUB_HOLIDAYS."""
    from django.conf import settings

    weekend = getattr(settings, "GOVHUB_WEEKEND", ["sat", "sun"])
    holidays = getattr(settings, "GOVHUB_HOLIDAYS", [])
    if isinstance(holidays, str):
        holidays = [holidays]
    return _calendar(tuple(weekend), tuple(holidays))
