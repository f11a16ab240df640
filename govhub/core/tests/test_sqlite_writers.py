"""The SQLite backend queues writers on a file lock instead of SQLite's napping busy handler."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="GovHub's SQLite backend only"
)


def _wrapper(path: Path, alias: str, timeout: float = 5) -> Any:
    settings = {
        **connection.settings_dict,
        "NAME": str(path),
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "timeout": timeout},
        "CONN_MAX_AGE": 0,
    }
    return type(connections["default"])(settings, alias=alias)


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Any:
    """A database file of its own (not the test database), open to these tests."""
    path = tmp_path / "queue.sqlite3"
    with django_db_blocker.unblock():
        setup = _wrapper(path, "setup")
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER)")
        setup.close()
        yield path


def _take_turns(database: Path, hold: float) -> list[tuple[str, float]]:
    """A first writer holds its transaction for `hold` seconds; a second one wants in."""
    events: list[tuple[str, float]] = []

    def write(name: str, hold: float) -> None:
        db = _wrapper(database, name)  # a connection per thread, as in a server
        # what transaction.atomic() does: BEGIN IMMEDIATE
        db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        events.append((f"{name} began", time.monotonic()))
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        time.sleep(hold)
        db.commit()
        events.append((f"{name} committed", time.monotonic()))
        db.set_autocommit(True)
        db.close()

    one = threading.Thread(target=write, args=("first", hold))
    one.start()
    time.sleep(0.05)
    two = threading.Thread(target=write, args=("second", 0))
    two.start()
    one.join()
    two.join()
    return events


def test_a_second_writer_waits_for_the_first_and_starts_at_once_after_it(database: Path):
    delays = []
    for _ in range(5):
        events = _take_turns(database, hold=0.5)
        order = [name for name, _at in events]
        assert order == ["first began", "first committed", "second began", "second committed"]
        at = dict(events)
        delays.append(at["second began"] - at["first committed"])
    # After half a second of waiting, SQLite's busy handler naps 100 ms at a time: a waiter
    # starts 0-100 ms late, under 25 ms a quarter of the time (4 runs of 5: about 1.6 %).
    # The queue wakes it within a few milliseconds; one slow run of a busy machine is allowed.
    assert sum(d < 0.025 for d in delays) >= 4, delays
    assert (database.parent / "queue.sqlite3.writers").exists()


def test_a_writer_that_waits_too_long_gets_sqlites_own_error(database: Path):
    holder, waiter = _wrapper(database, "holder"), _wrapper(database, "waiter", timeout=0.2)
    holder.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        started = time.monotonic()
        with pytest.raises(Exception, match="database is locked"):
            waiter.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        assert 0.2 <= time.monotonic() - started < 1
        assert not waiter._writer_held
    finally:
        holder.rollback()
        holder.set_autocommit(True)
        holder.close()
        waiter.close()
    # the lock was released on rollback: a new writer gets in at once
    again = _wrapper(database, "again")
    again.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    again.commit()
    again.close()


def test_a_waiting_writer_blocks_in_the_kernel_instead_of_polling(database: Path, monkeypatch):
    # given: every flock call counted
    import fcntl

    calls: list[int] = []
    real_flock = fcntl.flock

    def counted(fd: int, operation: int) -> None:
        calls.append(operation)
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", counted)
    # when: a second writer waits half a second for the first
    events = _take_turns(database, hold=0.5)
    # then: it tried once without waiting, then waited in one blocking call (a poll every
    # 2 ms would have made some 250 calls); each writer let go once
    assert [name for name, _at in events][2:] == ["second began", "second committed"]
    tries = [op for op in calls if op != fcntl.LOCK_UN]
    assert len(tries) == 3  # the first's; the second's try, then its blocking wait
    assert tries.count(fcntl.LOCK_EX) == 1
