"""Deadlines in working days, and the reminders and escalations around them."""

from __future__ import annotations

from datetime import datetime

from govhub.core.workflow.calendar import (
    WorkingCalendar,
    end_of,
    local_day,
    start_of,
    working_calendar,
)
from govhub.core.workflow.definition import State


def deadline_for(
    state: State, entered: datetime, calendar: WorkingCalendar | None = None
) -> datetime | None:
    """When a state entered at `entered` is due: the end of its Nth working day after entry."""
    if state.time_limit is None:
        return None
    cal = calendar or working_calendar()
    return end_of(cal.add(local_day(entered), state.time_limit.working_days))


def moved(
    deadline: datetime, working_days: int, calendar: WorkingCalendar | None = None
) -> datetime:
    """`deadline` moved by `working_days` (it stays at the end of a working day)."""
    cal = calendar or working_calendar()
    return end_of(cal.add(local_day(deadline), working_days))


def schedule(
    state: State, deadline: datetime | None, calendar: WorkingCalendar | None = None
) -> list[tuple[datetime, str]]:
    """The state's alerts, earliest first: reminders at the start of the Nth working day
    before the deadline's day, escalations at the end of the Nth working day after it."""
    if state.time_limit is None or deadline is None:
        return []
    cal = calendar or working_calendar()
    due = local_day(deadline)
    alerts = [(start_of(cal.subtract(due, n)), f"reminder:{n}") for n in state.time_limit.reminders]
    alerts += [(end_of(cal.add(due, n)), f"escalation:{n}") for n in state.time_limit.escalations]
    return sorted(alerts)


def next_alert(
    state: State,
    deadline: datetime | None,
    *,
    after: datetime | None = None,
    done: str = "",
    calendar: WorkingCalendar | None = None,
) -> tuple[str, datetime | None]:
    """The next alert to send: the first at or after `after`, or the one following `done`."""
    alerts = schedule(state, deadline, calendar)
    keys = [key for _, key in alerts]
    if done:
        following = alerts[keys.index(done) + 1 :] if done in keys else []
    else:
        following = [a for a in alerts if after is None or a[0] >= after]
    if not following:
        return "", None
    at, key = following[0]
    return key, at
