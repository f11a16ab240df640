from typing import Any

import pytest

from govhub.services import actions
from govhub.services.tests.factories import service_input


def _publish(official: Any, authority_id: int, **overrides: Any) -> Any:
    service = actions.service_create(actor=official, data=service_input(authority_id, **overrides))
    return actions.service_publish(actor=official, service_id=service.pk)


def test_the_list_gives_published_services_with_their_fields(
    published: Any, api_client: Any
) -> None:
    # when anyone lists services
    response = api_client.get("/services")
    # then the published one is there, whole
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["count_exact"], body["next_cursor"]) == (1, True, "")
    item = body["items"][0]
    assert item["identifier"] == "birth-certificate"
    assert item["audiences"] == ["citizens"]
    assert item["events"] == ["having-a-baby"]
    assert item["cost"] == {
        "amount": "0.00",
        "currency": "EUR",
        "description": "Free for the first copy",
    }
    assert item["legal_basis"] == [
        {
            "title": "Civil Registration Act",
            "article": "Art. 12",
            "url": "https://laws.arden.example/cra",
        }
    ]
    assert (item["stage"], item["status"], item["version"]) == (1, "published", 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Birth certificate", "Shop licence"]),
        ({"audience": "businesses"}, ["Shop licence"]),
        ({"event": "starting-a-business"}, ["Shop licence"]),
        ({"output": "certificate"}, ["Birth certificate"]),
        ({"stage": 1}, ["Birth certificate", "Shop licence"]),
        ({"stage": 2}, []),
        ({"q": "shop"}, ["Shop licence"]),
        ({"q": "свидетельство"}, ["Birth certificate"]),
    ],
)
def test_the_list_filters(
    agency: Any, official: Any, api_client: Any, query: dict[str, Any], expected: list[str]
) -> None:
    # given two published services
    _publish(official, agency.pk)
    _publish(
        official,
        agency.pk,
        identifier="shop-licence",
        name="Shop licence",
        audiences=("businesses",),
        event_codes=("starting-a-business",),
        output_type="licence",
        name_translations={},
    )
    # when the list is filtered
    response = api_client.get("/services", **query)
    # then only the matching ones come, by name
    assert [i["name"] for i in response.json()["items"]] == expected


def test_the_list_filters_by_authority(
    published: Any, other_agency: Any, other_official: Any, api_client: Any
) -> None:
    _publish(other_official, other_agency.pk, identifier="tax-return", name="Tax return")
    response = api_client.get("/services", authority=other_agency.pk)
    assert [i["identifier"] for i in response.json()["items"]] == ["tax-return"]


def test_the_list_pages_by_cursor(agency: Any, official: Any, api_client: Any) -> None:
    # given three published services
    for n in range(3):
        _publish(official, agency.pk, identifier=f"service-{n}", name=f"Service {n}")
    # when read two at a time
    first = api_client.get("/services", page_size=2).json()
    second = api_client.get("/services", page_size=2, cursor=first["next_cursor"]).json()
    # then the pages follow on
    assert [i["name"] for i in first["items"]] == ["Service 0", "Service 1"]
    assert [i["name"] for i in second["items"]] == ["Service 2"]
    assert second["next_cursor"] == ""


def test_a_forged_cursor_is_refused(published: Any, api_client: Any) -> None:
    response = api_client.get("/services", cursor="forged")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_bad_filter_is_refused(published: Any, api_client: Any) -> None:
    response = api_client.get("/services", audience="aliens")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_drafts_are_not_listed(draft: Any, api_client: Any, official: Any) -> None:
    response = api_client.as_user(official).get("/services")
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("official", 200), ("member", 200), ("other_official", 404)],
)
def test_a_draft_is_read_only_by_its_agency(
    draft: Any, api_client: Any, request: Any, who: str, status: int
) -> None:
    # given a draft and a caller
    if who != "anonymous":
        api_client.as_user(request.getfixturevalue(who))
    # when they read it
    response = api_client.get("/services/birth-certificate")
    # then its agency does, and for others it does not exist
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"] == "not_found"
    else:
        assert response.json()["status"] == "draft"


def test_one_service_with_its_news(published: Any, official: Any, api_client: Any) -> None:
    import datetime as dt

    actions.service_news_add(
        actor=official, service_id=published.pk, date=dt.date(2026, 2, 1), text="Online now"
    )
    body = api_client.get("/services/birth-certificate").json()
    assert body["news"] == [{"date": "2026-02-01", "text": "Online now", "text_translations": {}}]
    assert body["name_translations"]["fa-af"] == "تصدیق تولد"


def test_the_operations_are_in_the_openapi_document(api_client: Any, db: Any) -> None:
    schema = api_client.get("/openapi.json").json()
    assert schema["paths"]["/api/v1/services"]["get"]["x-govhub-access"] == "public"
    assert schema["paths"]["/api/v1/services/{identifier}"]["get"]["x-govhub-access"] == "public"
