from __future__ import annotations

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
        membership = Membership.objects.select_related("organisation").get(
            user__email=f"{kind}@demo.example"
        )
        assert membership.organisation.kind == kind
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
