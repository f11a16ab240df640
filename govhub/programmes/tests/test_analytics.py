"""Programme analytics: participation against the matrix, time per step, overdue steps, over
queries, REST and the page.

The scenario (days after T0; the analytics are read at T0 + 10 days):

- A, seed model, active at step 3: 1->2 on day 2, 2->3 on day 5; deadline day 8.5 (overdue).
  Public: NGO, company and ministry at step 1; the ministry twice and the company (outside the
  matrix) at step 2. Not counted: an NGO draft at step 1, a restricted note at step 3.
- B, seed model, active at step 3: 1->2 day 4, 2->3 day 5, 3->4 day 7, returned 4->2 day 8,
  2->3 day 9. Public: two NGOs at step 1.
- C, seed model, still at step 1 (not public): a company's public problem, overdue.
- D, its own three-step model, closed: 1->2 day 1, 2->3 day 3, closed day 6. Public: the NGO at
  step 1, the company at step 2 (outside D's matrix). Not counted: a ministry draft at step 2.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.core.tests.browser import MOBILE, assert_no_axe_violations, assert_no_horizontal_scroll
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes import analytics
from govhub.programmes.analytics import Cell, KindStep, StepTime, StepTimeSummary
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import (
    ProgrammeFactory,
    decision_create,
    model_document,
    model_store,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(days=10)
FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)

THREE_STEPS = model_document(
    "test-3-steps",
    [
        {"participants": ["ministry_agency", "cso"]},
        {"participants": ["ministry_agency"]},
        {"participants": ["ministry_agency", "business", "cso"]},
    ],
    names={"ministry_agency": "Ministries", "business": "Business", "cso": "CSOs"},
)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def _contribute(programme: Programme, step: int, org: Any, visibility: str = "public") -> None:
    Contribution.objects.create(
        programme=programme,
        step=step,
        type="contribution",
        organisation=org,
        author=UserFactory(),
        title="A contribution",
        visibility=visibility,
    )


def _decide(programme: Programme, org: Any, *moves: tuple[str, int, int, float]) -> None:
    actor = UserFactory()
    for action, from_step, to_step, on in moves:
        decision_create(
            programme=programme,
            action=action,
            from_step=from_step,
            to_step=to_step,
            actor=actor,
            organisation=org,
            created_at=day(on),
        )


def _programme(**fields: Any) -> Programme:
    return ProgrammeFactory(created_at=T0, **fields)


@pytest.fixture
def scenario() -> dict[str, Any]:
    higher = OrganisationFactory(kind="higher_body")
    ministry = OrganisationFactory(kind="ministry_agency")
    company = OrganisationFactory(kind="business", subtype="small")
    ngo = OrganisationFactory(kind="cso", subtype="ngo")
    ngo2 = OrganisationFactory(kind="cso", subtype="ngo")
    a = _programme(title="A", current_step=3, step_started_at=day(5), deadline=day(8.5))
    _decide(a, ministry, ("advance", 1, 2, 2), ("advance", 2, 3, 5))
    for step, org, visibility in [
        (1, ngo, "public"),
        (1, company, "public"),
        (1, ministry, "public"),
        (1, ngo, "draft"),
        (2, ministry, "public"),
        (2, ministry, "public"),
        (2, company, "public"),
        (3, higher, "restricted"),
    ]:
        _contribute(a, step, org, visibility)
    b = _programme(title="B", current_step=3, step_started_at=day(9), deadline=FAR)
    _decide(
        b,
        ministry,
        ("advance", 1, 2, 4),
        ("advance", 2, 3, 5),
        ("advance", 3, 4, 7),
        ("return", 4, 2, 8),
        ("advance", 2, 3, 9),
    )
    _contribute(b, 1, ngo)
    _contribute(b, 1, ngo2)
    c = _programme(title="C", current_step=1, step_started_at=T0, deadline=day(3))
    _contribute(c, 1, company)
    d = _programme(
        title="D",
        current_step=3,
        status="closed",
        step_started_at=day(6),
        deadline=day(1),
        model_version=model_store(THREE_STEPS),
    )
    _decide(d, ministry, ("advance", 1, 2, 1), ("advance", 2, 3, 3), ("close", 3, 3, 6))
    _contribute(d, 1, ngo)
    _contribute(d, 2, company)
    _contribute(d, 2, ministry, "draft")
    return {"A": a, "B": b, "C": c, "D": d, "company": company, "ministry": ministry}


# Queries


def test_overall_analytics_of_the_public_programmes(scenario):
    # when
    result = analytics.overall_analytics(viewer=AnonymousUser(), now=NOW)
    # then: A, B and D count; C (step 1) and every draft or restricted contribution do not
    assert (result.programmes, result.contributions, result.model_version) == (
        3,
        10,
        "isg-programme:1",
    )
    assert result.actual == [
        Cell("business", 1, 1, 1),
        Cell("cso", 1, 4, 2),
        Cell("ministry_agency", 1, 1, 1),
        Cell("business", 2, 2, 1),
        Cell("ministry_agency", 2, 2, 1),
    ]
    assert result.prescribed["business"] == [1, 3, 5, 9]
    assert result.prescribed["higher_body"] == [1, 3, 4, 8, 10]
    assert result.outside_prescription == [Cell("business", 2, 2, 1)]
    assert result.steps_reached == 4
    assert result.never_took_part == [
        KindStep("higher_body", 1),
        KindStep("local_body", 1),
        KindStep("local_body", 2),
        KindStep("higher_body", 3),
        KindStep("ministry_agency", 3),
        KindStep("local_body", 3),
        KindStep("business", 3),
        KindStep("cso", 3),
        KindStep("higher_body", 4),
    ]
    # step 1: A 2, B 4, D 1 days; step 2: A 3, B 1+1, D 2; step 3: A 5 (current), B 2+1, D 3
    assert result.time_per_step == [
        StepTimeSummary(1, 3, 2.0, 2.33, 0),
        StepTimeSummary(2, 3, 2.0, 2.33, 1),
        StepTimeSummary(3, 3, 3.0, 3.67, 1),
        StepTimeSummary(4, 1, 1.0, 1.0, 0),
        *[StepTimeSummary(n, 0, None, None, 0) for n in range(5, 11)],
    ]
    assert result.overdue_count == 1
    [late] = result.overdue
    assert (late.programme_id, late.title, late.step, late.deadline, late.days_overdue) == (
        scenario["A"].pk,
        "A",
        3,
        day(8.5),
        1.5,
    )


def test_a_participant_also_sees_step_1_programmes_but_still_only_public_contributions(
    scenario,
):
    # given: a person of the company (any organisation's people see step-1 programmes)
    person = MembershipFactory(organisation=scenario["company"]).user
    # when
    result = analytics.overall_analytics(viewer=person, now=NOW)
    # then: C's public problem counts, and its overdue step; drafts still do not
    assert (result.programmes, result.contributions, result.overdue_count) == (4, 11, 2)
    assert result.actual[0] == Cell("business", 1, 2, 1)
    assert [o.title for o in result.overdue] == ["C", "A"]


def test_one_programme_against_its_own_snapshot(scenario):
    # when
    a = analytics.programme_analytics(programme=scenario["A"], now=NOW)
    b = analytics.programme_analytics(programme=scenario["B"], now=NOW)
    d = analytics.programme_analytics(programme=scenario["D"], now=NOW)
    # then, for A
    assert a.actual == [
        Cell("business", 1, 1, 1),
        Cell("cso", 1, 1, 1),
        Cell("ministry_agency", 1, 1, 1),
        Cell("business", 2, 1, 1),
        Cell("ministry_agency", 2, 2, 1),
    ]
    assert (a.contributions, a.steps_reached) == (6, 3)
    assert a.outside_prescription == [Cell("business", 2, 1, 1)]
    assert a.never_took_part == [
        KindStep("higher_body", 1),
        KindStep("local_body", 1),
        KindStep("local_body", 2),
        KindStep("higher_body", 3),
        KindStep("ministry_agency", 3),
        KindStep("local_body", 3),
        KindStep("business", 3),
        KindStep("cso", 3),
    ]
    assert a.time_per_step == [
        StepTime(1, 2.0, 1, 0, False),
        StepTime(2, 3.0, 1, 0, False),
        StepTime(3, 5.0, 1, 0, True),
    ]
    assert [(o.step, o.days_overdue) for o in a.overdue] == [(3, 1.5)]
    # B: the return makes re-entries at steps 2 and 3; step 4 was reached
    assert b.time_per_step == [
        StepTime(1, 4.0, 1, 0, False),
        StepTime(2, 2.0, 2, 1, False),
        StepTime(3, 3.0, 2, 1, True),
        StepTime(4, 1.0, 1, 0, False),
    ]
    assert (b.steps_reached, b.overdue) == (4, [])
    # D: its own three-step model; closed, so nothing counts until now and nothing is overdue
    assert d.prescribed == {"ministry_agency": [1, 2, 3], "business": [3], "cso": [1, 3]}
    assert d.outside_prescription == [Cell("business", 2, 1, 1)]
    assert d.never_took_part == [
        KindStep("ministry_agency", 1),
        KindStep("ministry_agency", 2),
        KindStep("ministry_agency", 3),
        KindStep("business", 3),
        KindStep("cso", 3),
    ]
    assert d.time_per_step == [
        StepTime(1, 1.0, 1, 0, False),
        StepTime(2, 2.0, 1, 0, False),
        StepTime(3, 3.0, 1, 0, False),
    ]
    assert d.overdue == []


def test_drafts_and_restricted_contributions_are_never_counted(scenario):
    # given
    before = analytics.overall_analytics(viewer=AnonymousUser(), now=NOW)
    for visibility in ("draft", "restricted"):
        _contribute(scenario["B"], 3, scenario["company"], visibility)
    # when
    after = analytics.overall_analytics(viewer=AnonymousUser(), now=NOW)
    one = analytics.programme_analytics(programme=scenario["B"], now=NOW)
    # then
    assert after.actual == before.actual
    assert one.contributions == 2


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _grow(scenario: dict[str, Any], programmes: int) -> None:
    """More of everything: programmes, contributions of every kind, decisions, late steps."""
    orgs = [OrganisationFactory(kind=k) for k in ("higher_body", "local_body", "ministry_agency")]
    for n in range(programmes):
        extra = _programme(current_step=4, step_started_at=day(6), deadline=day(7 + n % 2))
        _decide(extra, orgs[2], ("advance", 1, 2, 1), ("advance", 2, 3, 2), ("advance", 3, 4, 3))
        for org in orgs:
            for step in (1, 3, 4):
                _contribute(extra, step, org)
        _contribute(scenario["A"], 3, orgs[n % 3])
        _decide(scenario["A"], orgs[2], ("return", 3, 2, 6 + n / 10), ("advance", 2, 3, 6.05))


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_data(scenario, signed_in):
    # given
    viewer = (
        MembershipFactory(organisation=scenario["ministry"]).user if signed_in else AnonymousUser()
    )

    def overall() -> None:
        analytics.overall_analytics(viewer=viewer, now=NOW)

    def one() -> None:
        analytics.programme_analytics(programme=Programme.objects.get(pk=scenario["A"].pk))

    small = (_queries(overall), _queries(one))
    # when
    _grow(scenario, programmes=12)
    large = (_queries(overall), _queries(one))
    # then
    assert analytics.overall_analytics(viewer=viewer, now=NOW).programmes >= 15
    assert large == small
    assert small[0] <= 7  # signed in: + the models programmes run on (step-1 visibility)
    assert small[1] == 3


# REST


def test_rest_overall_analytics(scenario, api_client):
    # when
    response = api_client.get("/programmes/analytics")
    # then: answered by the analytics route, not taken for a programme id
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "model_version",
        "programmes",
        "contributions",
        "prescribed",
        "actual",
        "outside_prescription",
        "never_took_part",
        "steps_reached",
        "time_per_step",
        "overdue_count",
        "overdue",
    }
    assert (body["programmes"], body["contributions"], body["steps_reached"]) == (3, 10, 4)
    assert body["prescribed"]["ministry_agency"] == [1, 2, 3, 5, 6, 7, 9, 10]
    assert body["actual"][1] == {"kind": "cso", "step": 1, "contributions": 4, "organisations": 2}
    assert body["outside_prescription"] == [
        {"kind": "business", "step": 2, "contributions": 2, "organisations": 1}
    ]
    assert body["never_took_part"][0] == {"kind": "higher_body", "step": 1}
    # steps 1, 2 and 4 hold no current step, so their numbers do not depend on the clock
    times = {t["step"]: t for t in body["time_per_step"]}
    assert times[2] == {
        "step": 2,
        "programmes": 3,
        "median_days": 2.0,
        "mean_days": 2.33,
        "re_entries": 1,
    }
    assert times[4] == {
        "step": 4,
        "programmes": 1,
        "median_days": 1.0,
        "mean_days": 1.0,
        "re_entries": 0,
    }
    assert times[10] == {
        "step": 10,
        "programmes": 0,
        "median_days": None,
        "mean_days": None,
        "re_entries": 0,
    }
    assert body["overdue_count"] == 1
    [late] = body["overdue"]
    assert {k: late[k] for k in ("programme_id", "title", "step")} == {
        "programme_id": scenario["A"].pk,
        "title": "A",
        "step": 3,
    }
    assert dt.datetime.fromisoformat(late["deadline"]) == day(8.5)
    assert late["days_overdue"] > 300


def test_rest_programme_analytics(scenario, api_client):
    # when
    response = api_client.get(f"/programmes/{scenario['D'].pk}/analytics")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "programme_id": scenario["D"].pk,
        "title": "D",
        "status": "closed",
        "current_step": 3,
        "model_version": "test-3-steps:1",
        "contributions": 2,
        "prescribed": {"ministry_agency": [1, 2, 3], "business": [3], "cso": [1, 3]},
        "actual": [
            {"kind": "cso", "step": 1, "contributions": 1, "organisations": 1},
            {"kind": "business", "step": 2, "contributions": 1, "organisations": 1},
        ],
        "outside_prescription": [
            {"kind": "business", "step": 2, "contributions": 1, "organisations": 1}
        ],
        "never_took_part": [
            {"kind": "ministry_agency", "step": 1},
            {"kind": "ministry_agency", "step": 2},
            {"kind": "ministry_agency", "step": 3},
            {"kind": "business", "step": 3},
            {"kind": "cso", "step": 3},
        ],
        "steps_reached": 3,
        "time_per_step": [
            {"step": 1, "days": 1.0, "visits": 1, "re_entries": 0, "current": False},
            {"step": 2, "days": 2.0, "visits": 1, "re_entries": 0, "current": False},
            {"step": 3, "days": 3.0, "visits": 1, "re_entries": 0, "current": False},
        ],
        "overdue": [],
    }


def test_rest_programme_analytics_is_404_where_the_programme_is_not_visible(scenario, api_client):
    # a step-1 programme is hidden from the public, an unknown id does not exist
    hidden = api_client.get(f"/programmes/{scenario['C'].pk}/analytics")
    unknown = api_client.get("/programmes/999999/analytics")
    assert (hidden.status_code, unknown.status_code) == (404, 404)
    assert hidden.json()["error"]["code"] == "not_found"
    # a participant sees it
    person = MembershipFactory(organisation=scenario["company"]).user
    seen = api_client.as_user(person).get(f"/programmes/{scenario['C'].pk}/analytics")
    assert seen.status_code == 200
    assert seen.json()["actual"] == [
        {"kind": "business", "step": 1, "contributions": 1, "organisations": 1}
    ]


def test_the_analytics_route_leaves_the_programme_routes_alone(scenario, api_client):
    assert api_client.get(f"/programmes/{scenario['A'].pk}").json()["title"] == "A"
    openapi = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/programmes/analytics" in openapi
    assert "/api/v1/programmes/{programme_id}/analytics" in openapi


# The page

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _svg_numbers(body: str) -> list[str]:
    svgs = "".join(re.findall(r"<svg class=\"chart-svg\".*?</svg>", body, re.S))
    return re.findall(r' (?:x|y|width|height)="([^"]*)"', svgs)


@pytest.mark.parametrize(
    ("language", "direction", "step_name"),
    [
        ("en", "ltr", "Formation of a special intersectoral commission"),
        ("ru", "ltr", "Формирование"),
        ("fa-af", "rtl", "کمیسیون"),
    ],
)
def test_the_page_in_every_language(scenario, language, direction, step_name):
    # when
    response = Client().get("/programmes/analytics/", headers={"Accept-Language": language})
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert f'dir="{direction}"' in body
    assert body.count('<svg class="chart-svg" role="img"') == 2
    assert body.count(f'direction="{direction}"') == 2
    assert body.count("<figure") == body.count("<figcaption") == 2
    assert body.count("<caption") == 3  # participation, days per step, overdue
    assert 'scope="row"' in body
    assert 'scope="col"' in body
    assert step_name in body
    # the outside-prescription cell, numbers first; the overdue programme, linked
    assert "! 2 (1)" in body
    assert f'href="/programmes/{scenario["A"].pk}/"' in body
    # SVG geometry is never localised (a decimal comma would break it)
    numbers = _svg_numbers(body)
    assert len(numbers) > 100
    assert [n for n in numbers if not NUMBER.match(n)] == []


def test_the_page_counts_only_public_contributions():
    # given: a public programme with a public and a draft contribution of one company
    programme = _programme(current_step=2, step_started_at=T0, deadline=FAR)
    ministry = OrganisationFactory(kind="ministry_agency")
    _contribute(programme, 2, ministry)
    _contribute(programme, 2, ministry, "draft")
    _contribute(programme, 2, ministry, "draft")
    # when
    body = Client().get("/programmes/analytics/").content.decode()
    # then: the matrix cell says one contribution, and nothing is overdue
    assert "contributions: 1, organisations: 1" in body
    assert "contributions: 3" not in body
    assert "No programme is past the deadline of its current step." in body


def test_the_page_without_any_programme():
    body = Client().get("/programmes/analytics/").content.decode()
    assert "None: every public contribution came from a kind" in body


def test_a_signed_in_participant_sees_their_step_1_programmes_on_the_page(scenario):
    person = MembershipFactory(organisation=scenario["company"]).user
    body = signed_in_client(person).get("/programmes/analytics/").content.decode()
    assert f'href="/programmes/{scenario["C"].pk}/"' in body


# Accessibility in a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "fa-af"])
def test_the_page_has_no_wcag_violations(scenario, page, language):
    # given: the page in a language, both writing directions
    page.goto(f"/language/?lang={language}&next=/programmes/analytics/")
    # then
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa-af" else "ltr")
    assert page.locator("svg.chart-svg").count() == 2
    assert_no_axe_violations(page)
    # and on a phone the charts and tables scroll inside their boxes, not the page
    page.set_viewport_size(MOBILE)
    assert_no_horizontal_scroll(page)
