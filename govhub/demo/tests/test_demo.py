from __future__ import annotations

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from govhub.core.audit import audit_verify
from govhub.organisations.models import Membership, Organisation
from govhub.programmes.models import Programme

pytestmark = pytest.mark.django_db


@override_settings(GOVHUB_DEMO=True)
def test_demo_builds_a_plausible_country_and_is_idempotent():
    # when: loaded twice
    call_command("demo")
    call_command("demo")
    # then: nothing doubled
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {
        "higher_body": 3,
        "ministry_agency": 8,
        "local_body": 5,
        "business": 5,
        "cso": 5,
    }
    assert (
        Organisation.objects.filter(kind="ministry_agency", parent__kind="ministry_agency").count()
        >= 2
    )
    assert Organisation.objects.filter(kind="local_body", parent__kind="local_body").count() >= 2
    assert set(Organisation.objects.filter(kind="business").values_list("subtype", flat=True)) == {
        "large",
        "medium",
        "small",
        "micro",
    }
    assert set(Organisation.objects.filter(kind="cso").values_list("subtype", flat=True)) == {
        "ngo",
        "union",
        "public_chamber",
    }
    emails = set(get_user_model().objects.values_list("email", flat=True))
    assert emails == {
        f"{k}@demo.example"
        for k in (
            "higher_body",
            "ministry_agency",
            "local_body",
            "business",
            "cso",
            "citizen",
            "admin",
        )
    }
    for kind in ("higher_body", "ministry_agency", "local_body", "business", "cso"):
        # a demo person may act for a second organisation, always of their own kind
        kinds_acted_for = set(
            Membership.objects.filter(user__email=f"{kind}@demo.example").values_list(
                "organisation__kind", flat=True
            )
        )
        assert kinds_acted_for == {kind}
    assert not Membership.objects.filter(user__email="citizen@demo.example").exists()
    assert get_user_model().objects.get(email="admin@demo.example").is_staff
    assert (
        get_user_model()
        .objects.get(email="business@demo.example")
        .check_password("govhub-demo-2026")
    )
    steps = dict(Programme.objects.values_list("title", "current_step"))
    assert steps["Care for an ageing society"] == 3
    assert steps["Closing the digital divide: connectivity for every village"] == 7
    flood = Programme.objects.get(title="Disaster safety: flood early warning")
    assert (flood.status, flood.current_step) == ("closed", 10)
    from govhub.core.api import verify_document

    assert verify_document(flood.document_id).valid is True
    assert audit_verify().ok


@override_settings(DEBUG=False, GOVHUB_DEMO=False)
def test_demo_refuses_outside_debug_and_demo_mode():
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("demo")
    assert Organisation.objects.count() == 0


@override_settings(GOVHUB_DEMO=True)
def test_demo_can_add_generated_organisations_for_benchmarks():
    call_command("demo", "--extra-organisations", "30")
    assert Organisation.objects.count() == 26 + 30


# The demo's content holds together (issue 8 item 21)

SUBJECTS = {
    "Care for an ageing society": ("care", "older"),
    "Closing the digital divide: connectivity for every village": (
        "broadband",
        "village",
        "connectivity",
    ),
    "Disaster safety: flood early warning": ("flood", "siren"),
}


def _texts(programme: Programme) -> list[str]:
    texts = []
    for contribution in programme.contributions.exclude(type="commission_member"):
        if contribution.type in ("adoption", "answer", "designation"):
            continue  # short procedural notes ("Adopted objectives", "Lead agency")
        clauses = [c["text"] for c in contribution.data.get("clauses", [])]
        texts.append(" ".join([contribution.title, contribution.body, *clauses]).lower())
    return texts


@override_settings(GOVHUB_DEMO=True)
def test_each_programmes_texts_are_about_its_own_subject():
    # given
    call_command("demo")
    for title, words in SUBJECTS.items():
        programme = Programme.objects.get(title=title)
        others = {w for t, ws in SUBJECTS.items() if t != title for w in ws} - set(words)
        # then: every text names its own subject, none another programme's
        for text in _texts(programme):
            assert any(word in text for word in words), (title, text)
            assert not any(word in text for word in others), (title, text)
    from govhub.core.models import IssuedDocument

    flood = Programme.objects.get(title="Disaster safety: flood early warning")
    decree = IssuedDocument.objects.get(subject_id=str(flood.pk))
    assert "Install a warning siren in every flood-prone district by 2028." in decree.text
    assert "school" not in decree.text
    assert "health post" not in decree.text


@override_settings(GOVHUB_DEMO=True)
def test_programmes_are_initiated_by_different_organisations_of_every_sector():
    # when
    call_command("demo")
    # then
    initiators = list(Programme.objects.values_list("initiator__name", "initiator__sector"))
    assert len({name for name, _sector in initiators}) == len(initiators) == 3
    assert {sector for _name, sector in initiators} == {
        "government",
        "business",
        "civil_society",
    }


@override_settings(GOVHUB_DEMO=True)
def test_the_time_per_step_chart_has_real_durations():
    from govhub.programmes.analytics import overall_analytics, programme_analytics

    # when
    call_command("demo")
    # then: every step a programme went through took days, not the loader's second
    for programme in Programme.objects.all():
        times = programme_analytics(programme=programme).time_per_step
        assert [t.step for t in times] == list(range(1, len(times) + 1))
        assert all(t.days >= 5 for t in times), (programme.title, times)
    flood = Programme.objects.get(title="Disaster safety: flood early warning")
    assert [t.days for t in programme_analytics(programme=flood).time_per_step] == [
        15,
        20,
        25,
        10,
        30,
        28,
        12,
        6,
        120,
        21,
    ]
    summary = overall_analytics(viewer=None).time_per_step
    assert all(s.median_days and s.median_days > 0 for s in summary if s.programmes)


@override_settings(GOVHUB_DEMO=True)
def test_reset_restores_the_demo_and_keeps_other_data():
    from govhub.accounts.tests.factories import UserFactory
    from govhub.core.models import IssuedDocument
    from govhub.programmes import api as programmes_api
    from govhub.programmes.tests.factories import ProgrammeFactory

    # given: the demo, changed by a demo user, and somebody else's programme
    call_command("demo")
    flood = Programme.objects.get(title="Disaster safety: flood early warning")
    old_document = flood.document_id
    care = Programme.objects.get(title="Care for an ageing society")
    Programme.objects.filter(pk=care.pk).update(title="Renamed in a trial")
    cso = get_user_model().objects.get(email="cso@demo.example")
    programmes_api.programme_create(
        actor=cso, organisation_id=care.initiator_id, title="A trial programme"
    )
    other = ProgrammeFactory(title="Somebody else's programme")
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=care.initiator, role="manager")
    programmes_api.programme_create(
        actor=outsider, organisation_id=care.initiator_id, title="An outsider's programme"
    )
    # when
    call_command("demo", "--reset", stdout=io.StringIO())
    # then: the demo is as loaded, once
    titles = sorted(Programme.objects.values_list("title", flat=True))
    assert titles == sorted([*SUBJECTS, "Somebody else's programme", "An outsider's programme"])
    assert not IssuedDocument.objects.filter(public_id=old_document).exists()
    new_flood = Programme.objects.get(title="Disaster safety: flood early warning")
    assert IssuedDocument.objects.filter(public_id=new_flood.document_id).count() == 1
    assert Programme.objects.filter(pk=other.pk).exists()
    assert audit_verify().ok


@override_settings(DEBUG=False, GOVHUB_DEMO=False)
def test_reset_refuses_outside_debug_and_demo_mode():
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("demo", "--reset")
    assert Organisation.objects.count() == 0
