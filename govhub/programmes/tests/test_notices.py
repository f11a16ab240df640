"""When a programme reaches a step, the members of the organisations taking part in it are
told by email (over a real SMTP server) and on the site."""

from __future__ import annotations

from typing import Any

import pytest

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
    org = org or OrganisationFactory(kind=kind, subtype={"business": "small"}.get(kind, ""))
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
