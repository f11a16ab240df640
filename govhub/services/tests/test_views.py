import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client
from govhub.core.models import AuditEntry
from govhub.organisations.tests.factories import MembershipFactory
from govhub.services import actions
from govhub.services.models import Service, ServiceNews

PEOPLE = ("anonymous", "official", "other_official", "member")


def _client(who: str, request: Any) -> Client:
    if who == "anonymous":
        return Client()
    return signed_in_client(request.getfixturevalue(who))


# (who, expected status) for each page of a draft
DRAFT_PAGES = [
    (
        "/services/birth-certificate/",
        {"anonymous": 404, "official": 200, "other_official": 404, "member": 200},
    ),
    (
        "/services/birth-certificate/archive/",
        {"anonymous": 404, "official": 200, "other_official": 404, "member": 200},
    ),
    (
        "/services/birth-certificate.jsonld",
        {"anonymous": 404, "official": 404, "other_official": 404, "member": 404},
    ),
    (
        "/services/birth-certificate/edit/",
        {"anonymous": 302, "official": 200, "other_official": 404, "member": 403},
    ),
    (
        "/services/birth-certificate/withdraw/",
        {"anonymous": 302, "official": 200, "other_official": 404, "member": 403},
    ),
    (
        "/services/birth-certificate/news/",
        {"anonymous": 302, "official": 200, "other_official": 404, "member": 403},
    ),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("path", "expected"), DRAFT_PAGES)
def test_who_sees_a_draft_s_pages(
    draft: Any, request: Any, who: str, path: str, expected: dict[str, int]
) -> None:
    # given a draft and a person
    client = _client(who, request)
    # when they open one of its pages
    response = client.get(path)
    # then they see it, are sent to sign in, are refused, or it does not exist for them
    assert response.status_code == expected[who]


PUBLISHED_PAGES = [
    ("/services/", {"anonymous": 200, "official": 200, "other_official": 200, "member": 200}),
    (
        "/services/whats-new/",
        {"anonymous": 200, "official": 200, "other_official": 200, "member": 200},
    ),
    (
        "/services/catalogue.ttl",
        {"anonymous": 200, "official": 200, "other_official": 200, "member": 200},
    ),
    (
        "/services/birth-certificate/",
        {"anonymous": 200, "official": 200, "other_official": 200, "member": 200},
    ),
    (
        "/services/birth-certificate.ttl",
        {"anonymous": 200, "official": 200, "other_official": 200, "member": 200},
    ),
    (
        "/services/birth-certificate/archive/1/",
        {"anonymous": 200, "official": 200, "other_official": 200, "member": 200},
    ),
    ("/services/new/", {"anonymous": 302, "official": 200, "other_official": 200, "member": 403}),
    (
        "/services/birth-certificate/edit/",
        {"anonymous": 302, "official": 200, "other_official": 403, "member": 403},
    ),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("path", "expected"), PUBLISHED_PAGES)
def test_who_sees_a_published_service_s_pages(
    published: Any, request: Any, who: str, path: str, expected: dict[str, int]
) -> None:
    client = _client(who, request)
    response = client.get(path)
    assert response.status_code == expected[who]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 200), ("official", 200), ("other_official", 200), ("member", 200)],
)
def test_the_authority_page_is_public(published: Any, request: Any, who: str, status: int) -> None:
    response = _client(who, request).get(f"/services/authority/{published.authority_id}/")
    assert response.status_code == status
    assert "Birth certificate" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("official", 200), ("other_official", 404), ("member", 200)],
)
def test_the_agency_list_with_drafts_is_for_its_members(
    draft: Any, request: Any, who: str, status: int
) -> None:
    response = _client(who, request).get(f"/services/authority/{draft.authority_id}/all/")
    assert response.status_code == status
    if status == 200:
        assert "Birth certificate" in response.content.decode()


def test_the_catalogue_lists_only_published_services(
    published: Any, official: Any, agency: Any
) -> None:
    # given a published service and a draft
    from govhub.services.tests.factories import service_input

    actions.service_create(
        actor=official,
        data=service_input(agency.pk, identifier="death-record", name="Death record"),
    )
    # when anyone opens the catalogue
    body = Client().get("/services/").content.decode()
    # then only the published one is listed
    assert "Birth certificate" in body
    assert "Death record" not in body


def test_the_catalogue_filters_by_audience_and_searches(published: Any) -> None:
    assert "Birth certificate" in Client().get("/services/?audience=citizens").content.decode()
    assert (
        "Birth certificate" not in Client().get("/services/?audience=businesses").content.decode()
    )
    assert "Birth certificate" in Client().get("/services/?q=birth").content.decode()
    assert "Birth certificate" not in Client().get("/services/?q=licence").content.decode()


def test_an_official_creates_a_service_through_the_form(agency: Any, official: Any) -> None:
    # given the official's signed-in session
    client = signed_in_client(official)
    # when they fill in the form with a law and a piece of evidence
    form = {
        "authority_id": agency.pk,
        "identifier": "residence-registration",
        "name": "Residence registration",
        "name_ru": "Регистрация по месту жительства",
        "description": "Register where you live.",
        "audiences": ["citizens"],
        "event_codes": ["moving-house"],
        "output_type": "decision",
        "processing_days": "3",
        "cost_amount": "0",
        "cost_currency": "EUR",
        "channels": ["online"],
        "languages": ["en"],
        "laws-TOTAL_FORMS": "2",
        "laws-INITIAL_FORMS": "0",
        "laws-0-title": "Residence Act",
        "laws-0-article": "Art. 4",
        "laws-0-url": "",
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "0",
        "evidence-0-name": "Rental contract",
    }
    response = client.post("/services/new/", form)
    # then the draft exists with its rows, and the page goes to it
    assert response.status_code == 302
    service = Service.objects.get(identifier="residence-registration")
    assert response["Location"] == "/services/residence-registration/"
    assert service.name_translations == {"ru": "Регистрация по месту жительства"}
    assert service.legal_basis == [{"title": "Residence Act", "article": "Art. 4", "url": ""}]
    assert service.evidence == [{"name": "Rental contract", "description": ""}]
    assert service.processing_days == 3


def test_a_bad_form_is_shown_again_and_nothing_written(agency: Any, official: Any) -> None:
    client = signed_in_client(official)
    before = AuditEntry.objects.count()
    response = client.post(
        "/services/new/",
        {
            "authority_id": agency.pk,
            "identifier": "x",
            "name": "X",
            "audiences": [],
            "output_type": "none",
            "laws-TOTAL_FORMS": "0",
            "laws-INITIAL_FORMS": "0",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert Service.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_publish_withdraw_and_news_through_the_pages(draft: Any, official: Any) -> None:
    client = signed_in_client(official)
    # publish
    assert client.post("/services/birth-certificate/publish/").status_code == 302
    # news
    response = client.post(
        "/services/birth-certificate/news/", {"date": "2026-03-01", "text": "Now online"}
    )
    assert response.status_code == 302
    assert ServiceNews.objects.get().text == "Now online"
    assert "Now online" in Client().get("/services/whats-new/").content.decode()
    # withdraw
    response = client.post("/services/birth-certificate/withdraw/", {"reason": "Merged"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    # the archive still shows version 1, and the catalogue no longer lists it
    archived = Client().get("/services/birth-certificate/archive/1/").content.decode()
    assert "Birth certificate" in archived
    assert "Birth certificate" not in Client().get("/services/").content.decode()


def test_the_service_page_in_dari_shows_the_dari_name(published: Any) -> None:
    response = Client().get("/services/birth-certificate/", headers={"accept-language": "fa-af"})
    assert "تصدیق تولد" in response.content.decode()


def test_an_agency_page_links_to_its_ministry_and_units(
    published: Any, agency: Any, db: Any
) -> None:
    # given a ministry above the agency and a unit under it
    from govhub.organisations.tests.factories import OrganisationFactory

    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Justice")
    agency.parent = ministry
    agency.save()
    unit = OrganisationFactory(kind="ministry_agency", name="Registry Office North", parent=agency)
    # when anyone opens the agency's services
    body = Client().get(f"/services/authority/{agency.pk}/").content.decode()
    # then both are linked
    assert f"/services/authority/{ministry.pk}/" in body
    assert f"/services/authority/{unit.pk}/" in body


def test_news_dates_are_listed_newest_first(published: Any, official: Any) -> None:
    for day in (1, 3, 2):
        actions.service_news_add(
            actor=official, service_id=published.pk, date=dt.date(2026, 1, day), text=f"News {day}"
        )
    body = Client().get("/services/whats-new/").content.decode()
    assert body.index("News 3") < body.index("News 2") < body.index("News 1")


def test_a_member_of_two_agencies_edits_only_where_official(
    published: Any, other_agency: Any, member: Any
) -> None:
    MembershipFactory(organisation=other_agency, user=member, role="manager")
    client = signed_in_client(member)
    assert client.get("/services/birth-certificate/edit/").status_code == 403


def _queries(path: str, user: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(user)  # signed in: the anonymous page cache is not used
    client.get(path)  # warm: the first request reads the session and the language
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/services/",
        "/services/?audience=citizens&q=service",
        "/services/whats-new/",
        "/services/catalogue.ttl",
    ],
)
def test_the_public_lists_cost_the_same_queries_for_2_or_8_services(
    agency: Any, official: Any, path: str
) -> None:
    # given two published services with news
    from govhub.services.tests.factories import service_input

    def add(n: int) -> None:
        service = actions.service_create(
            actor=official,
            data=service_input(agency.pk, identifier=f"service-{n}", name=f"Service {n}"),
        )
        actions.service_publish(actor=official, service_id=service.pk)
        actions.service_news_add(
            actor=official, service_id=service.pk, date=dt.date(2026, 1, 1), text=f"News {n}"
        )

    for n in range(2):
        add(n)
    few = _queries(path, official)
    # when six more are published
    for n in range(2, 8):
        add(n)
    # then the page costs the same number of queries
    assert _queries(path, official) == few


def test_the_organisation_page_links_to_its_services(agency: Any) -> None:
    body = Client().get(f"/organisations/{agency.pk}/").content.decode()
    assert f"/services/authority/{agency.pk}/" in body


def test_anonymous_catalogue_pages_are_cached_until_a_publication(
    published: Any, official: Any, agency: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the catalogue as an anonymous visitor saw it
    from govhub.services.tests.factories import service_input

    assert "Death record" not in Client().get("/services/").content.decode()
    # when another service is published (and the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        service = actions.service_create(
            actor=official,
            data=service_input(agency.pk, identifier="death-record", name="Death record"),
        )
        actions.service_publish(actor=official, service_id=service.pk)
    # then the next anonymous visitor sees it
    assert "Death record" in Client().get("/services/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other_official", 404), ("member", 403)],
)
@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/services/birth-certificate/publish/", {}),
        ("/services/birth-certificate/news/", {"date": "2026-01-01", "text": "Hello"}),
        ("/services/birth-certificate/withdraw/", {"reason": "Because"}),
        ("/services/birth-certificate/edit/", {"name": "Renamed"}),
    ],
)
def test_no_one_but_its_officials_changes_a_draft(
    draft: Any, request: Any, who: str, status: int, path: str, form: dict[str, str]
) -> None:
    # given a draft and someone who is not its official
    client = _client(who, request)
    before = AuditEntry.objects.count()
    # when they post to one of its forms
    response = client.post(path, form)
    # then they are refused (or it does not exist for them) and nothing is written
    assert response.status_code == status
    draft.refresh_from_db()
    assert (draft.status, draft.name, AuditEntry.objects.count()) == (
        "draft",
        "Birth certificate",
        before,
    )
    assert not ServiceNews.objects.exists()
