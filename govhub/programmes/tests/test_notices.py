"""When a programme reaches a step, the members of the organisations taking part in it are
told by email (over a real SMTP server) and on the site."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from govhub.core.api import RuleBroken
from govhub.core.notifications.models import Delivery, Notification
from govhub.core.notifications.testing import smtp_server
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import ProgrammeFactory
from govhub.programmes.transitions import programme_advance

__all__ = ["smtp_server"]

pytestmark = pytest.mark.django_db


def _member(kind: str, email: str, org: Any = None) -> tuple[Any, Any]:
    subtype = {"business": "small", "cso": "ngo"}.get(kind, "")
    org = org or OrganisationFactory(kind=kind, subtype=subtype)
    return MembershipFactory(organisation=org, user__email=email).user, org


def test_reaching_a_step_tells_the_members_of_the_organisations_taking_part_in_it(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    # given: step 1 with a problem; at step 2 ministries and local bodies take part
    settings.GOVHUB_PUBLIC_URL = "https://govhub.example"
    programme = ProgrammeFactory(current_step=1, title="Digital ID")
    minister, ministry = _member("ministry_agency", "minister@example.org")
    _member("ministry_agency", "colleague@example.org", org=ministry)
    mayor, town = _member("local_body", "mayor@example.org")
    _member("business", "owner@example.org")
    _member("higher_body", "president@example.org")
    Contribution.objects.create(
        programme=programme,
        organisation=town,
        author=mayor,
        step=1,
        type="problem",
        title="Queues",
        visibility="public",
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        programme_advance(actor=minister, programme_id=programme.pk, expected_step=1)
    # then: everyone taking part in step 2 but the one who moved it
    told = sorted(Notification.objects.values_list("recipient__email", flat=True))
    assert told == ["colleague@example.org", "mayor@example.org"]
    assert sorted(m["To"] for m in smtp_server.messages) == told
    mail = smtp_server.messages[0]
    reference = f"#{programme.pk} Digital ID"
    assert mail["Subject"] == (
        f"[{reference}] Step 2 has begun: Formation of a special intersectoral commission"
    )
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert reference in text
    assert f"https://govhub.example/programmes/{programme.pk}/steps/2/" in text
    assert set(Notification.objects.values_list("subject_type", "subject_id")) == {
        ("programmes.programme", str(programme.pk))
    }


def test_a_refused_advance_tells_nobody(smtp_server, django_capture_on_commit_callbacks):
    # given: step 1 without a problem statement (its gate is not met)
    programme = ProgrammeFactory(current_step=1)
    minister, _ = _member("ministry_agency", "minister@example.org")
    _member("local_body", "mayor@example.org")
    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleBroken) as refused:
        programme_advance(actor=minister, programme_id=programme.pk, expected_step=1)
    # then
    assert refused.value.code == "gate_conditions_unmet"
    assert Programme.objects.get(pk=programme.pk).current_step == 1
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert smtp_server.inbox.count == 0


def _started(step: int = 2, **fields: Any) -> Any:
    """A programme that entered `step` now (its workflow: 20 working days, reminders 5 and 1
    working days before the deadline, escalations on it and 5 after)."""
    return ProgrammeFactory(current_step=step, **fields)


def _due(programme: Any) -> Any:
    from govhub.core.workflow.models import WorkflowInstance

    return WorkflowInstance.objects.get(subject_id=str(programme.pk))


def test_the_lead_agency_is_reminded_before_the_deadline_and_the_commission_told_after(
    smtp_server, django_capture_on_commit_callbacks
):
    from govhub.core.sweep import sweep_run

    # given: step 5 with a lead agency, and a commission of a ministry and an NGO
    lead_person, lead = _member("ministry_agency", "lead@example.org")
    _ngo_person, ngo = _member("cso", "ngo@example.org")
    _member("business", "bystander@example.org")
    programme = _started(5, lead_agency=lead, title="Clean river")
    for org in (lead, ngo):
        Contribution.objects.create(
            programme=programme,
            organisation=lead,
            author=lead_person,
            step=2,
            type="commission_member",
            title="Seat",
            data={"organisation_id": org.pk, "role": "member"},
        )
    instance = _due(programme)

    def sweep(now: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return int(sweep_run(now=now)["workflow_alerts"])

    # when: the sweep runs when nothing is due, then at the first reminder, then past the deadline
    assert sweep(instance.entered_at) == 0
    assert sweep(instance.next_alert_at) == 1
    reminded = sorted(Notification.objects.values_list("recipient__email", "kind"))
    instance.refresh_from_db()
    assert sweep(instance.next_alert_at) == 1  # the second reminder
    assert sweep(instance.deadline) == 1  # the deadline passed
    again = sweep(instance.deadline)
    # then: the lead agency was reminded; once due, the commission and the lead agency told
    assert reminded == [("lead@example.org", "programmes.deadline_reminder")]
    assert Notification.objects.filter(kind="programmes.deadline_reminder").count() == 2
    passed = sorted(
        Notification.objects.filter(kind="programmes.deadline_passed").values_list(
            "recipient__email", flat=True
        )
    )
    assert passed == ["lead@example.org", "ngo@example.org"]
    assert again == 0  # each alert once
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert any("Step 5 is overdue: Working out a program" in s for s in subjects)
    assert "bystander@example.org" not in {m["To"] for m in smtp_server.messages}


def test_a_step_closed_in_time_sends_no_reminder(django_capture_on_commit_callbacks):
    from govhub.core.sweep import sweep_run

    # given: step 1 with a problem stated, closed before its first reminder
    minister, ministry = _member("ministry_agency", "minister@example.org")
    programme = _started(1, initiator=ministry)
    Contribution.objects.create(
        programme=programme,
        organisation=ministry,
        author=minister,
        step=1,
        type="problem",
        title="Queues",
    )
    from govhub.core.workflow.models import WorkflowInstance

    now = timezone.now()
    WorkflowInstance.objects.filter(pk=_due(programme).pk).update(
        next_alert_at=now - dt.timedelta(hours=1)  # step 1's reminder would be due
    )
    programme_advance(actor=minister, programme_id=programme.pk, expected_step=1)
    # when: the sweep runs now
    with django_capture_on_commit_callbacks(execute=True):
        done = sweep_run(now=now)
    # then: step 2's alerts are later; nothing about step 1 is sent
    assert done["workflow_alerts"] == 0
    assert not Notification.objects.filter(kind__startswith="programmes.deadline").exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection (PostgreSQL)
def test_a_step_announcement_run_again_after_its_worker_died_tells_nobody_twice(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    # given: the database queue; the announcement of step 2 was run once by a worker
    from django_tasks_db.models import DBTaskResult

    from govhub.core.testing import task_queue_run
    from govhub.programmes.tasks import announce_step_reached

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    programme = ProgrammeFactory(current_step=2, title="Digital ID")
    _member("ministry_agency", "minister@example.org")
    _member("local_body", "mayor@example.org")
    queued = announce_step_reached.enqueue(programme_id=programme.pk, step=2, actor_id=None)

    def worker_runs() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            task_queue_run("w")

    worker_runs()
    # when: the worker died before recording the result, so the task is queued again and run
    DBTaskResult.objects.filter(pk=queued.id).update(status="READY")
    worker_runs()
    # then: one notification and one email per person
    told = sorted(Notification.objects.values_list("recipient__email", flat=True))
    assert told == ["mayor@example.org", "minister@example.org"]
    assert sorted(m["To"] for m in smtp_server.messages) == told
    assert set(Notification.objects.values_list("once_key", flat=True)) == {f"task:{queued.id}"}
