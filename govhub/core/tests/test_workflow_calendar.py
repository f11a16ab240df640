"""Working days: weekends and holidays skipped, deadlines on working days, counts that agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from govhub.core.workflow.calendar import (
    WorkingCalendar,
    local_day,
    parse_holidays,
    parse_weekend,
    working_calendar,
)
from govhub.core.workflow.definition import State, TimeLimit
from govhub.core.workflow.timing import deadline_for, schedule

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    weekend=st.frozensets(st.integers(1, 7), max_size=3),
    holidays=st.frozensets(days, max_size=60),
)


@given(calendar=calendars, start=days, n=st.integers(0, 120))
@hyp_settings(max_examples=200, deadline=None)
def test_adding_working_days_lands_on_a_working_day_and_counts_back(calendar, start, n):
    # when
    due = calendar.add(start, n)
    # then
    assert calendar.is_working_day(due)
    assert due >= start
    if n > 0:
        assert calendar.between(start, due) == n
        assert calendar.between(start, due - timedelta(days=1)) == n - 1


@given(calendar=calendars, start=days, n=st.integers(0, 60))
@hyp_settings(max_examples=100, deadline=None)
def test_subtracting_undoes_adding(calendar, start, n):
    # given
    due = calendar.add(start, n + 1)
    # when
    back = calendar.subtract(due, n)
    # then
    assert calendar.is_working_day(back)
    assert calendar.between(back, due) == n


@given(
    holidays=st.frozensets(days, max_size=40),
    entered=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    n=st.integers(1, 60),
)
@hyp_settings(max_examples=100, deadline=None)
def test_a_deadline_is_never_on_a_weekend_or_holiday(holidays, entered, n):
    # given
    calendar = WorkingCalendar(weekend=frozenset({6, 7}), holidays=holidays)
    state = State(key="s", name="S", time_limit=TimeLimit(working_days=n))
    # when
    deadline = deadline_for(state, entered.replace(tzinfo=UTC), calendar)
    # then
    assert deadline is not None
    day = local_day(deadline)
    assert day.isoweekday() not in (6, 7)
    assert day not in holidays
    assert calendar.between(local_day(entered.replace(tzinfo=UTC)), day) == n
    assert (deadline.hour, deadline.minute, deadline.second) == (23, 59, 59)


def test_friday_plus_one_is_monday_unless_monday_is_a_holiday():
    # given
    friday = date(2026, 12, 4)
    plain = WorkingCalendar(weekend=frozenset({6, 7}), holidays=frozenset())
    holiday = WorkingCalendar(weekend=frozenset({6, 7}), holidays=frozenset({date(2026, 12, 7)}))
    # then
    assert plain.add(friday, 1) == date(2026, 12, 7)
    assert holiday.add(friday, 1) == date(2026, 12, 8)
    assert holiday.add(date(2026, 12, 5), 0) == date(2026, 12, 8)  # Saturday: next working day
    assert holiday.between(friday, date(2026, 12, 8)) == 1


def test_a_friday_weekend_is_configurable(settings):
    # given
    settings.GOVHUB_WEEKEND = ["fri", "sat"]
    settings.GOVHUB_HOLIDAYS = []
    # when
    calendar = working_calendar()
    # then
    assert calendar.add(date(2026, 12, 3), 1) == date(2026, 12, 6)  # Thursday -> Sunday


def test_holidays_come_from_a_list_or_a_file(settings, tmp_path):
    # given
    listed = ["2026-12-25", "2027-01-01"]
    holiday_file = tmp_path / "holidays.txt"
    holiday_file.write_text("# national holidays\n2026-12-25  # Christmas\n\n2027-01-01\n")
    settings.GOVHUB_HOLIDAYS = [str(holiday_file)]
    settings.GOVHUB_WEEKEND = ["sat", "sun"]
    # then
    assert parse_holidays(listed) == {date(2026, 12, 25), date(2027, 1, 1)}
    assert working_calendar().holidays == {date(2026, 12, 25), date(2027, 1, 1)}
    assert working_calendar().add(date(2026, 12, 24), 1) == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("holidays", "weekend", "message"),
    [
        (["2026-13-01"], ["sat"], "GOVHUB_HOLIDAYS: '2026-13-01' is not a date"),
        (["/nonexistent/holidays.txt"], ["sat"], "GOVHUB_HOLIDAYS: cannot read"),
        ([], ["saturday", "funday"], "GOVHUB_WEEKEND: 'funday' is not a day name"),
        ([], ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "leaves no working day"),
    ],
)
def test_a_wrong_calendar_setting_is_a_clear_error(holidays, weekend, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        WorkingCalendar(weekend=parse_weekend(weekend), holidays=parse_holidays(holidays))


def test_reminders_and_escalations_fall_on_working_days_around_the_deadline():
    # given: due Monday 7 December 2026 (entered Monday 30 November, 5 working days)
    calendar = WorkingCalendar(weekend=frozenset({6, 7}), holidays=frozenset({date(2026, 12, 8)}))
    state = State(key="s", name="S", time_limit=TimeLimit(5, reminders=(2, 0), escalations=(0, 1)))
    entered = datetime(2026, 11, 30, 10, tzinfo=UTC)
    deadline = deadline_for(state, entered, calendar)
    # when
    alerts = schedule(state, deadline, calendar)
    # then
    assert deadline == datetime(2026, 12, 7, 23, 59, 59, tzinfo=UTC)
    assert alerts == [
        (datetime(2026, 12, 3, tzinfo=UTC), "reminder:2"),
        (datetime(2026, 12, 7, tzinfo=UTC), "reminder:0"),
        (datetime(2026, 12, 7, 23, 59, 59, tzinfo=UTC), "escalation:0"),
        (datetime(2026, 12, 9, 23, 59, 59, tzinfo=UTC), "escalation:1"),
    ]


def test_a_deadline_ends_with_the_deployments_day_not_utcs(settings):
    # given: Kabul (UTC+4:30); entered late on Friday 4 December UTC, already Saturday there
    settings.TIME_ZONE = "Asia/Kabul"
    calendar = WorkingCalendar(weekend=frozenset({6, 7}), holidays=frozenset())
    state = State(key="s", name="S", time_limit=TimeLimit(working_days=1))
    entered = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
    # when
    deadline = deadline_for(state, entered, calendar)
    # then: one working day after Saturday in Kabul is Monday, ending 19:29:59 UTC
    assert deadline == datetime(2026, 12, 7, 19, 29, 59, tzinfo=UTC)
