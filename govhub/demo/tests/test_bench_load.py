from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from govhub.core.models import AuditEntry
from govhub.core.testing import assert_nothing_written
from govhub.core.workflow.models import WorkflowDecision, WorkflowInstance
from govhub.organisations.kinds import ALLOWED_PARENT_KINDS, KIND_INFO
from govhub.organisations.models import Membership, Organisation
from govhub.programmes.governance import current_model
from govhub.programmes.models import Contribution, Programme

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("bench", "load", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=False, GOVHUB_DEMO=False)
def test_bench_load_refuses_outside_debug_or_demo():
    # when / then: refused, and nothing written
    with assert_nothing_written(Organisation, Programme), pytest.raises(CommandError) as exc:
        load("--organisations", "10", "--programmes", "10")
    assert "GOVHUB_DEMO=1" in str(exc.value)


@override_settings(GOVHUB_DEMO=True)
def test_bench_load_writes_organisations_as_the_actions_would():
    # when: 1,000 organisations, in batches of 300
    out = load("--organisations", "1000", "--batch", "300")
    # then: the mix of kinds, each in its sector, subtypes that fit, parents of allowed kinds
    assert "organisations: 1000 in" in out
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {
        "higher_body": 20,
        "ministry_agency": 100,
        "local_body": 230,
        "business": 450,
        "cso": 200,
    }
    for org in Organisation.objects.select_related("parent"):
        assert org.sector == KIND_INFO[org.kind].sector
        assert bool(org.subtype) == bool(KIND_INFO[org.kind].subtypes)
        assert org.search_names == org.names_for_search()
        assert org.parent is None or org.parent.kind in ALLOWED_PARENT_KINDS[org.kind]
        assert org.parent is None or org.parent.pk < org.pk
    with_parent = Organisation.objects.filter(parent__isnull=False).count()
    translated = Organisation.objects.exclude(name_translations={}).count()
    assert 100 < with_parent < 250
    assert 200 < translated < 400
    sample = Organisation.objects.exclude(name_translations={}).first()
    assert sample is not None
    assert set(sample.name_translations) == {"ru", "fa-af"}
    assert AuditEntry.objects.count() == 0  # generated data has no audit trail


@override_settings(GOVHUB_DEMO=True)
def test_bench_load_puts_each_programme_on_its_workflow_at_its_step():
    # when
    out = load("--organisations", "300", "--programmes", "600", "--batch", "250")
    # then: each programme linked to its own instance, at the state of its step, with the
    # instance's deadline; public once past step 1; a lead agency from step 5 on
    assert "programmes: 600 in" in out
    model = current_model()
    programmes = list(Programme.objects.select_related("workflow", "lead_agency"))
    assert len(programmes) == 600
    assert WorkflowInstance.objects.count() == 600
    assert WorkflowDecision.objects.count() == 0
    for p in programmes:
        assert p.workflow is not None
        assert p.workflow.subject_id == str(p.pk)
        assert p.workflow.state == model.state_of(p.current_step)
        assert p.workflow.entered_at == p.step_started_at
        assert p.deadline == p.workflow.deadline is not None
        assert p.model_version == model.version
        assert (p.first_public_at is not None) == (p.current_step > 1)
        assert (p.lead_agency is not None) == (p.current_step >= 5)
        assert p.lead_agency is None or p.lead_agency.kind == "ministry_agency"
    steps = Counter(p.current_step for p in programmes)
    assert set(steps) == set(range(1, 9))  # up to the step that issues the document
    assert steps[1] > steps[8]


@override_settings(GOVHUB_DEMO=True)
def test_bench_load_contributions_come_from_members_of_the_organisation():
    # when
    load("--organisations", "200", "--programmes", "400")
    # then: about a quarter of the programmes have a problem statement, by a member
    contributions = list(Contribution.objects.select_related("programme"))
    with_some = {c.programme_id for c in contributions}
    assert 60 < len(with_some) < 140
    members = set(Membership.objects.values_list("user_id", "organisation_id"))
    for c in contributions:
        assert (c.author_id, c.organisation_id) in members
        assert c.organisation_id == c.programme.initiator_id
        assert c.step == 1
    assert Counter(c.type for c in contributions)["problem"] == len(with_some)


@override_settings(GOVHUB_DEMO=True)
def test_bench_load_programmes_only_uses_the_organisations_there(client):
    # given: organisations from an earlier load
    load("--organisations", "150")
    # when: programmes only, twice (a second load adds to the first)
    load("--programmes", "50", "--seed", "1")
    load("--programmes", "50", "--seed", "2")
    # then: 100 programmes, and the pages read them
    assert Programme.objects.count() == 100
    programme = Programme.objects.filter(current_step__gt=1).order_by("id").first()
    assert programme is not None
    organisation = Organisation.objects.get(pk=programme.initiator_id)
    assert client.get(f"/programmes/{programme.pk}/").status_code == 200
    assert client.get(f"/organisations/{organisation.pk}/").status_code == 200
    assert client.get("/organisations/").status_code == 200
    assert client.get("/programmes/").status_code == 200


def analyzed(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
                [table],
            )
        else:
            cursor.execute("SELECT count(*) > 0 FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
    return bool(row and row[0])


@override_settings(GOVHUB_DEMO=True)
def test_demo_refreshes_the_planner_statistics_after_generating_organisations():
    # when: the demo with generated organisations
    call_command("demo", "--extra-organisations", "30", stdout=io.StringIO())
    # then: the organisations table has statistics (lookups by name use the name index)
    assert analyzed("organisations_organisation")
