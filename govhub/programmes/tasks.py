"""Background tasks of programmes (run by `govhub db_worker`)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from govhub.programmes.notices import step_reached_announce


@task(takes_context=True)
def announce_step_reached(
    context: TaskContext, programme_id: int, step: int, actor_id: int | None
) -> None:
    """Tell those taking part in the step the programme has reached. A task, not part of the
    request: finding the members and writing a notification per person costs a decision
    about 3 ms of CPU and a second write transaction (measured with `make bench`).

    Run at least once (a task whose worker died is run again, ADR 0025): the task's id keys
    the notifications, so a second run tells nobody twice."""
    step_reached_announce(
        programme_id=programme_id,
        step=step,
        actor_id=actor_id,
        once_key=f"task:{context.task_result.id}",
    )
