import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from govhub.core.api import Conflict, Forbidden, InvalidInput, NotFound, RuleBroken
from govhub.core.models import AuditEntry
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.services import actions
from govhub.services.data import LegalBasisItem
from govhub.services.models import Service, ServiceNews, ServiceVersion
from govhub.services.tests.factories import service_input


def _verbs(service: Service) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="services.service", target_id=str(service.pk))
        .order_by("sequence")
        .values_list("verb", flat=True)
    )


def test_an_official_creates_a_draft_with_every_field(agency: Any, official: Any) -> None:
    # given an official of the agency
    # when they create a service
    service = actions.service_create(actor=official, data=service_input(agency.pk))
    # then it is a draft with its fields, its events and one audit entry
    service.refresh_from_db()
    assert service.status == "draft"
    assert service.identifier == "birth-certificate"
    assert service.audiences == ["citizens"]
    assert list(service.events.values_list("code", flat=True)) == ["having-a-baby"]
    assert service.legal_basis == [
        {
            "title": "Civil Registration Act",
            "article": "Art. 12",
            "url": "https://laws.arden.example/cra",
        }
    ]
    assert service.cost_amount == Decimal("0.00")
    assert service.stage == 1
    assert service.version == 0
    assert _verbs(service) == ["service.create"]


def test_publishing_freezes_version_one(draft: Any, official: Any) -> None:
    # given a draft
    # when it is published
    actions.service_publish(actor=official, service_id=draft.pk)
    # then it is published as version 1, frozen in the archive
    draft.refresh_from_db()
    version = ServiceVersion.objects.get(service=draft)
    assert (draft.status, draft.version, version.number) == ("published", 1, 1)
    assert version.content["name"] == "Birth certificate"
    assert version.content["event_codes"] == ["having-a-baby"]
    assert version.ended_at is None
    assert _verbs(draft) == ["service.create", "service.publish"]


def test_editing_a_published_service_publishes_a_new_version(published: Any, official: Any) -> None:
    # given a published service (version 1)
    # when its official changes the processing time
    data = service_input(published.authority_id, processing_days=10)
    actions.service_update(actor=official, service_id=published.pk, data=data)
    # then version 2 is current and version 1 ended, still readable
    versions = list(ServiceVersion.objects.filter(service=published).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["processing_days"] == 5
    assert versions[0].ended_at == versions[1].published_at
    assert versions[1].content["processing_days"] == 10
    assert _verbs(published)[-1] == "service.update"


def test_withdrawing_keeps_the_version_in_the_archive(published: Any, official: Any) -> None:
    # given a published service
    # when it is withdrawn with a reason
    actions.service_withdraw(actor=official, service_id=published.pk, reason="Replaced online")
    # then it is withdrawn and its version is marked withdrawn
    published.refresh_from_db()
    version = ServiceVersion.objects.get(service=published)
    assert published.status == "withdrawn"
    assert (version.withdrawn, version.ended_at) == (True, published.withdrawn_at)
    entry = AuditEntry.objects.filter(verb="service.withdraw").get()
    assert entry.changes["reason"] == "Replaced online"


def test_news_is_added_with_its_date(published: Any, official: Any) -> None:
    # when the official adds a news entry
    entry = actions.service_news_add(
        actor=official, service_id=published.pk, date=dt.date(2026, 3, 1), text="Fee waived"
    )
    # then it is stored and audited
    assert (entry.date, entry.text, entry.service_id) == (
        dt.date(2026, 3, 1),
        "Fee waived",
        published.pk,
    )
    assert _verbs(published)[-1] == "service.news_add"


def test_a_plain_member_may_not_create(agency: Any, member: Any) -> None:
    # given a member (not a manager) of the agency
    # when they try to create a service
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        actions.service_create(actor=member, data=service_input(agency.pk))
    # then it is refused
    assert refused.value.code == "permission_denied"


def test_an_official_of_another_agency_may_not_create_for_this_one(
    agency: Any, other_official: Any
) -> None:
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        actions.service_create(actor=other_official, data=service_input(agency.pk))
    assert refused.value.code == "permission_denied"


def test_the_authority_must_be_a_government_body(db: Any) -> None:
    # given a manager of a business
    business = OrganisationFactory(kind="business", subtype="small")
    manager = MembershipFactory(organisation=business, role="manager").user
    # when they try to create a service of their business
    with assert_nothing_written(), pytest.raises(RuleBroken) as refused:
        actions.service_create(actor=manager, data=service_input(business.pk))
    # then it is refused
    assert refused.value.code == "authority_not_government"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"identifier": "Birth Certificate"}, "invalid_identifier"),
        ({"identifier": "new"}, "invalid_identifier"),
        ({"name": "  "}, "invalid_name"),
        ({"audiences": ()}, "invalid_audience"),
        ({"audiences": ("aliens",)}, "invalid_audience"),
        ({"event_codes": ("winning-the-lottery",)}, "invalid_event"),
        ({"cost_amount": Decimal("-1")}, "invalid_cost"),
        ({"cost_amount": Decimal("1.005")}, "invalid_cost"),
        ({"cost_currency": "euro"}, "invalid_cost"),
        ({"processing_days": -1}, "invalid_processing_time"),
        ({"output_type": "medal"}, "invalid_output"),
        ({"channels": ("pigeon",)}, "invalid_channel"),
        ({"languages": ("xx",)}, "invalid_language"),
        ({"name_translations": {"de": "Geburtsurkunde"}}, "invalid_translations"),
        ({"legal_basis": (LegalBasisItem("", "1"),)}, "invalid_legal_basis"),
        (
            {"legal_basis": (LegalBasisItem("Act", "", "javascript:alert(1)"),)},
            "invalid_legal_basis",
        ),
        ({"name": "Birth\x00certificate"}, "invalid_text"),
    ],
)
def test_bad_input_is_refused_with_its_code(
    agency: Any, official: Any, overrides: dict[str, Any], code: str
) -> None:
    with assert_nothing_written(), pytest.raises(InvalidInput) as refused:
        actions.service_create(actor=official, data=service_input(agency.pk, **overrides))
    assert refused.value.code == code


def test_an_identifier_is_taken_once(draft: Any, official: Any) -> None:
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        actions.service_create(actor=official, data=service_input(draft.authority_id))
    assert refused.value.code == "identifier_taken"


def test_the_identifier_never_changes(draft: Any, official: Any) -> None:
    data = service_input(draft.authority_id, identifier="birth-record")
    with assert_nothing_written(), pytest.raises(RuleBroken) as refused:
        actions.service_update(actor=official, service_id=draft.pk, data=data)
    assert refused.value.code == "identifier_not_editable"


def test_the_authority_never_changes(draft: Any, official: Any, other_agency: Any) -> None:
    MembershipFactory(organisation=other_agency, user=official, role="manager")
    data = service_input(other_agency.pk)
    with assert_nothing_written(), pytest.raises(RuleBroken) as refused:
        actions.service_update(actor=official, service_id=draft.pk, data=data)
    assert refused.value.code == "authority_not_editable"


def test_a_draft_is_not_found_by_another_agency(draft: Any, other_official: Any) -> None:
    with assert_nothing_written(), pytest.raises(NotFound) as refused:
        actions.service_publish(actor=other_official, service_id=draft.pk)
    assert refused.value.code == "service_not_found"


def test_a_published_service_is_forbidden_to_another_agency(
    published: Any, other_official: Any
) -> None:
    with assert_nothing_written(), pytest.raises(Forbidden) as refused:
        actions.service_withdraw(actor=other_official, service_id=published.pk, reason="No")
    assert refused.value.code == "permission_denied"


def test_publishing_twice_is_a_conflict(published: Any, official: Any) -> None:
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        actions.service_publish(actor=official, service_id=published.pk)
    assert refused.value.code == "already_published"


def test_a_draft_cannot_be_withdrawn(draft: Any, official: Any) -> None:
    with assert_nothing_written(), pytest.raises(Conflict) as refused:
        actions.service_withdraw(actor=official, service_id=draft.pk, reason="Never mind")
    assert refused.value.code == "not_published"


def test_withdrawing_needs_a_reason(published: Any, official: Any) -> None:
    with assert_nothing_written(), pytest.raises(InvalidInput) as refused:
        actions.service_withdraw(actor=official, service_id=published.pk, reason="  ")
    assert refused.value.code == "reason_required"


def test_news_needs_a_text(published: Any, official: Any) -> None:
    with assert_nothing_written(ServiceNews), pytest.raises(InvalidInput) as refused:
        actions.service_news_add(
            actor=official, service_id=published.pk, date=dt.date(2026, 1, 1), text=""
        )
    assert refused.value.code == "invalid_news"


def test_a_withdrawn_service_is_published_again_as_a_new_version(
    published: Any, official: Any
) -> None:
    # given a withdrawn service
    actions.service_withdraw(actor=official, service_id=published.pk, reason="Paused")
    # when it is published again
    actions.service_publish(actor=official, service_id=published.pk)
    # then it is version 2, and version 1 stays withdrawn
    versions = list(ServiceVersion.objects.filter(service=published).order_by("number"))
    assert [(v.number, v.withdrawn, v.ended_at is None) for v in versions] == [
        (1, True, False),
        (2, False, True),
    ]
