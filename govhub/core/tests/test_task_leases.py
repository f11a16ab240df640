"""A task whose worker died is run again after the lease, once; a live worker's task is left
alone; after the last attempt the task fails and says why (docs/adr/0025)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from govhub.core.sweep import sweep_run
from govhub.core.testing import task_queue_run
from govhub.core.workers import WorkerLost, tasks_release_lost, worker_beat, worker_start
from govhub.core.workers.models import WorkerHeartbeat

# The worker closes its connections between tasks, as in production: on PostgreSQL that ends a
# test's transaction, so these tests run without one.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@task(takes_context=True)
def record_run(context: TaskContext, path: str) -> int:
    """Append this run's worker ids to `path`; the number of the attempt."""
    with open(path, "a", encoding="ascii") as out:
        out.write(" ".join(context.task_result.worker_ids) + "\n")
    return len(context.task_result.worker_ids)


def _claimed(path: Path, *workers: str, started_ago: float) -> DBTaskResult[..., object]:
    """A queued task claimed by each of `workers` in turn, the last claim `started_ago` s ago."""
    row = DBTaskResult.objects.get(pk=record_run.enqueue(str(path)).id)
    for worker in workers:
        row.claim(worker)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(seconds=started_ago)
    )
    row.refresh_from_db()
    return row


def _seen(worker_id: str, ago: float) -> None:
    worker_beat(worker_id, now=timezone.now() - timedelta(seconds=ago), starting=True)


def test_a_task_whose_worker_is_gone_is_queued_again_by_the_sweep_and_runs_once(
    settings: Any, tmp_path: Path
) -> None:
    # given: a task claimed 61 s ago by a worker last seen 61 s ago (lease 60 s)
    settings.TASKS = DATABASE_QUEUE
    runs = tmp_path / "runs.txt"
    row = _claimed(runs, "dead", started_ago=61)
    _seen("dead", ago=61)
    # when
    done = sweep_run()
    # then: queued again, and another worker runs it, once
    assert done["task_leases"] == 1
    row.refresh_from_db()
    assert (row.status, row.worker_ids) == ("READY", ["dead"])
    task_queue_run("live")
    row.refresh_from_db()
    assert (row.status, row.worker_ids, row.return_value) == ("SUCCESSFUL", ["dead", "live"], 2)
    assert runs.read_text() == "dead live\n"
    assert sweep_run()["task_leases"] == 0


def test_a_live_workers_long_task_is_not_touched(settings: Any, tmp_path: Path) -> None:
    # given: a task running for 10 minutes on a worker that beat 5 s ago
    settings.TASKS = DATABASE_QUEUE
    row = _claimed(tmp_path / "runs.txt", "busy", started_ago=600)
    _seen("busy", ago=5)
    # when
    released = tasks_release_lost(timezone.now())
    # then
    assert released == 0
    row.refresh_from_db()
    assert (row.status, row.worker_ids, row.finished_at) == ("RUNNING", ["busy"], None)


def test_a_task_of_a_worker_never_seen_waits_for_the_lease(settings: Any, tmp_path: Path) -> None:
    # given: claimed 30 s ago by a worker with no heartbeat (an older worker, say)
    settings.TASKS = DATABASE_QUEUE
    row = _claimed(tmp_path / "runs.txt", "old", started_ago=30)
    # when: within the lease, then past it
    within = tasks_release_lost(timezone.now())
    after = tasks_release_lost(timezone.now() + timedelta(seconds=31))
    # then
    assert (within, after) == (0, 1)
    row.refresh_from_db()
    assert row.status == "READY"


def test_after_the_last_attempt_the_task_fails_and_says_why(settings: Any, tmp_path: Path) -> None:
    # given: the third worker to claim the task is gone too (at most 3 attempts)
    settings.TASKS = DATABASE_QUEUE
    settings.GOVHUB_TASK_MAX_ATTEMPTS = 3
    runs = tmp_path / "runs.txt"
    row = _claimed(runs, "w1", "w2", "w3", started_ago=120)
    seen_at = timezone.now() - timedelta(seconds=100)
    worker_beat("w3", now=seen_at, starting=True)
    # when
    released = tasks_release_lost(timezone.now())
    task_queue_run("live")
    # then: failed, with the reason, and never run again
    assert released == 1
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path == "govhub.core.workers.lease.WorkerLost"
    assert row.traceback == (
        "govhub.core.workers.lease.WorkerLost: the worker running this task stopped before it "
        f"finished, 3 times (last: worker w3 was last seen at {seen_at.isoformat('T', 'seconds')})"
        "; it is not tried again.\n"
    )
    assert row.task_result.errors[0].exception_class is WorkerLost
    assert row.finished_at is not None
    assert not runs.exists()


def test_a_restarted_worker_takes_back_its_own_task_at_once(settings: Any, tmp_path: Path) -> None:
    # given: worker "w1" was killed mid-task a second ago; another worker's task runs
    settings.TASKS = DATABASE_QUEUE
    mine = _claimed(tmp_path / "runs.txt", "w1", started_ago=1)
    other = _claimed(tmp_path / "runs.txt", "w2", started_ago=1)
    _seen("w1", ago=1)
    # when: "w1" starts again
    released = worker_start("w1")
    # then: its orphan is queued again without waiting for the lease; the other is left alone
    assert released == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == ("READY", "RUNNING")
    assert WorkerHeartbeat.objects.get(pk="w1").seen_at > timezone.now() - timedelta(seconds=1)


def test_a_task_released_twice_at_once_is_released_once(settings: Any, tmp_path: Path) -> None:
    # given: two sweeps read the same RUNNING row; the first releases it, a worker claims it
    settings.TASKS = DATABASE_QUEUE
    row = _claimed(tmp_path / "runs.txt", "dead", started_ago=120)
    assert tasks_release_lost(timezone.now()) == 1
    DBTaskResult.objects.get(pk=row.pk).claim("live")
    _seen("live", ago=0)
    # when: the second sweep acts on what it read before
    from govhub.core.workers.lease import _release

    again = _release(row, now=timezone.now(), seen=None, restarted=False)
    # then: the conditional update finds the row changed, and the live claim stands
    assert again == 0
    row.refresh_from_db()
    assert (row.status, row.worker_ids) == ("RUNNING", ["dead", "live"])


def test_old_heartbeats_are_forgotten(settings: Any) -> None:
    # given
    _seen("gone", ago=2 * 86400)
    _seen("here", ago=5)
    # when
    tasks_release_lost(timezone.now())
    # then
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["here"]


def test_govhub_db_worker_is_the_leased_one() -> None:
    # then: `govhub db_worker` is core's command (heartbeat and lease), not the library's
    assert get_commands()["db_worker"] == "govhub.core"


@pytest.fixture
def signals_kept() -> Any:
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    import signal

    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


def test_govhub_db_worker_runs_the_queue_and_forgets_itself(
    settings: Any, tmp_path: Path, signals_kept: None
) -> None:
    # given
    settings.TASKS = DATABASE_QUEUE
    runs = tmp_path / "runs.txt"
    queued = record_run.enqueue(str(runs))
    # when
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w", verbosity=0)
    # then
    row = DBTaskResult.objects.get(pk=queued.id)
    assert (row.status, row.worker_ids) == ("SUCCESSFUL", ["w"])
    assert runs.read_text() == "w\n"
    assert WorkerHeartbeat.objects.count() == 0


def test_a_result_is_recorded_once_the_database_is_back(
    settings: Any, tmp_path: Path, signals_kept: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the database refuses the first two tries to record the result (a restart)
    from django.db import OperationalError

    settings.TASKS = DATABASE_QUEUE
    settings.GOVHUB_TASK_RESULT_PATIENCE_SECONDS = 5
    runs = tmp_path / "runs.txt"
    queued = record_run.enqueue(str(runs))
    record = DBTaskResult.set_successful
    tries: list[int] = []

    def restarting(self: Any, value: Any) -> None:
        tries.append(value)
        if len(tries) <= 2:
            raise OperationalError("the database system is shutting down")
        record(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", restarting)
    # when
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w", verbosity=0)
    # then: run once, recorded on the third try
    row = DBTaskResult.objects.get(pk=queued.id)
    assert (row.status, row.return_value, tries) == ("SUCCESSFUL", 1, [1, 1, 1])
    assert runs.read_text() == "w\n"


def test_a_worker_waits_for_the_database_between_tasks_instead_of_dying(
    settings: Any, tmp_path: Path, signals_kept: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the database is away when the worker first looks for a task
    from django.db import OperationalError
    from django_tasks_db.models import DBTaskResultQuerySet

    settings.TASKS = DATABASE_QUEUE
    runs = tmp_path / "runs.txt"
    queued = record_run.enqueue(str(runs))
    get_locked = DBTaskResultQuerySet.get_locked
    looks: list[int] = []

    def restarting(self: Any) -> Any:
        looks.append(1)
        if len(looks) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return get_locked(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", restarting)
    # when
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w", verbosity=0)
    # then: it waited, looked again and ran the task
    row = DBTaskResult.objects.get(pk=queued.id)
    assert (row.status, row.worker_ids, len(looks)) == ("SUCCESSFUL", ["w"], 3)
    assert runs.read_text() == "w\n"
