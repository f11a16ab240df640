"""The programme pages in a real browser: a CSO member adds a contribution through the form, a
ministry member meets the step's gate; WCAG 2.2 AA scans in English and Dari."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from govhub.accounts.tests.factories import UserFactory
from govhub.core.tests.browser import (
    MOBILE,
    assert_no_axe_violations,
    assert_no_reports,
    axe_report,
    horizontal_scroll_report,
)
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution
from govhub.programmes.tests.browser_support import (
    DARI,
    in_language,
    sign_in,
    sign_in_with_totp,
)
from govhub.programmes.tests.factories import ProgrammeFactory, decision_create

pytestmark = pytest.mark.browser

LANGUAGES = ["en", DARI]


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    """An NGO, a company and a ministry; a programme at step 1, one at step 3, one overdue."""
    ngo = OrganisationFactory(
        kind="cso",
        subtype="ngo",
        name="Elder Care Network",
        name_translations={"fa-af": "شبکه مراقبت از سالمندان"},
    )
    company = OrganisationFactory(kind="business", subtype="small", name="CareSoft")
    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Health")
    fresh = ProgrammeFactory(
        title="Care for an ageing society",
        summary="Waiting lists for home care grow every year.",
        initiator=ngo,
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    ongoing = ProgrammeFactory(
        title="Broadband for rural schools",
        current_step=3,
        initiator=company,
        lead_agency=ministry,
        deadline=timezone.now() - dt.timedelta(days=2),
    )
    author = UserFactory()
    for step, org, kind, title, visibility in (
        (1, company, "problem", "Schools without internet", "public"),
        (1, ngo, "evidence", "Survey of 200 schools", "restricted"),
        (3, ngo, "objective", "Connect every school", "public"),
    ):
        Contribution.objects.create(
            programme=ongoing,
            step=step,
            type=kind,
            title=title,
            organisation=org,
            author=author,
            visibility=visibility,
            data={"note": "x"} if step == 3 else {},
        )
    for step in (1, 2):
        decision_create(
            programme=ongoing,
            action="advance",
            from_step=step,
            to_step=step + 1,
            actor=author,
            organisation=ministry,
        )
    commission = ProgrammeFactory(title="Clean rivers", current_step=2, initiator=ngo)
    reviewed = ProgrammeFactory(
        title="Home care at scale", current_step=10, initiator=ngo, lead_agency=ministry
    )
    objective = Contribution.objects.create(
        programme=reviewed,
        step=3,
        type="objective",
        title="More carers",
        organisation=ngo,
        author=author,
        data={"indicators": [{"name": "Carers", "unit": "people", "baseline": 10, "target": 50}]},
    )
    for step, kind, title, data in (
        (3, "adoption", "Adopted", {"objective_ids": [objective.pk]}),
        (6, "draft", "Draft 1", {"version": 1, "clauses": [{"text": "Train carers."}]}),
        (6, "draft", "Draft 2", {"version": 2, "clauses": [{"text": "Train 40 carers."}]}),
        (
            9,
            "progress_report",
            "Half way",
            {"measurements": [{"objective_id": objective.pk, "indicator": "Carers", "value": 30}]},
        ),
    ):
        Contribution.objects.create(
            programme=reviewed,
            step=step,
            type=kind,
            title=title,
            organisation=ministry,
            author=author,
            data=data,
        )
    return {
        "reviewed": reviewed,
        "ngo": ngo,
        "ministry": ministry,
        "fresh": fresh,
        "ongoing": ongoing,
        "commission": commission,
        "ngo_person": MembershipFactory(organisation=ngo).user,
    }


def test_the_review_step_shows_achievement_and_the_diff_marks_changes(
    page: Any, world: dict[str, Any]
):
    reviewed = world["reviewed"].pk
    page.goto(f"/programmes/{reviewed}/steps/6/")
    # the inserted words are underlined, not only coloured
    inserted = page.locator("table.diff ins").first
    assert inserted.inner_text().strip() == "40"
    assert "underline" in inserted.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.goto(f"/programmes/{reviewed}/steps/10/")
    row = page.get_by_role("row").filter(has_text="Carers")
    assert "50 %" in row.inner_text()  # (30 - 10) / (50 - 10)


def test_a_cso_member_adds_a_contribution_through_the_form(page: Any, world: dict[str, Any]):
    programme = world["fresh"]
    # given: an NGO member, signed in
    sign_in(page, world["ngo_person"].email)

    # when they open the programmes from the main navigation
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    page.wait_for_load_state()
    # then the list shows the step-1 programme (visible to members of organisations)
    assert page.locator("main h1").inner_text() == "Programmes"
    assert_no_axe_violations(page)

    # when they open it, then its first step
    page.locator("main table").get_by_role("link", name=programme.title).click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == programme.title
    current = page.locator(".timeline-step[aria-current='step']")
    assert current.count() == 1
    assert_no_axe_violations(page)
    current.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/programmes/{programme.pk}/steps/1/")
    assert_no_axe_violations(page)

    # when they choose to add evidence, and send it without a title
    page.get_by_role("link", name="Add: Evidence").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == "Add: Evidence"
    assert_no_axe_violations(page)
    page.get_by_label("Text").fill("Median wait: 14 months.")
    page.get_by_label("Source").fill("Census 2025")
    page.get_by_role("button", name="Add the contribution").click()
    page.wait_for_load_state()
    # then an error summary links to the title, which keeps its error beside it; what was
    # typed is still there, and the page is still accessible
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_contribution-title"
    assert page.get_by_label("Source").input_value() == "Census 2025"
    assert_no_axe_violations(page)

    # when they give the title
    page.get_by_label("Title").fill("Waiting times by province")
    page.get_by_role("button", name="Add the contribution").click()
    page.wait_for_load_state()

    # then the contribution is on the step page, by their organisation, readably
    contribution = Contribution.objects.get(programme=programme)
    assert (contribution.type, contribution.data) == ("evidence", {"source": "Census 2025"})
    assert page.get_by_role("status").inner_text() == "Your contribution was added."
    artefact = page.locator(f"#contribution-{contribution.pk}")
    assert artefact.locator("h3").inner_text() == "Waiting times by province"
    assert "Elder Care Network" in artefact.inner_text()
    assert "Census 2025" in artefact.locator("dd").inner_text()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_pages_have_no_accessibility_violations(
    page: Any, world: dict[str, Any], language: str
):
    # The list, a programme page and a step page, anonymously, then as a CSO member (with the
    # contribution form, "my organisation's work" and the form to expose a problem).
    ongoing, fresh = world["ongoing"].pk, world["fresh"].pk
    reviewed = world["reviewed"].pk
    reports = []
    for path in (
        "/",
        "/programmes/",
        "/programmes/?phase=1&overdue=yes",
        f"/programmes/{ongoing}/",
        f"/programmes/{ongoing}/steps/1/",
        f"/programmes/{ongoing}/steps/3/",
        f"/programmes/{reviewed}/steps/6/",  # the diff between two versions
        f"/programmes/{reviewed}/steps/10/",  # achievement of the objectives
    ):
        in_language(page, language, path)
        reports.append(axe_report(page))
    sign_in(page, world["ngo_person"].email)
    for path in (
        "/programmes/",
        f"/programmes/{fresh}/",
        f"/programmes/{fresh}/steps/1/",
        f"/programmes/{ongoing}/steps/3/",
        f"/programmes/{ongoing}/steps/3/contribute/objective/",
        "/programmes/mine/",
        "/programmes/new/",
    ):
        in_language(page, language, path)
        reports.append(axe_report(page))
    assert_no_reports(reports)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_ministry_member_meets_an_unmet_gate(page: Any, world: dict[str, Any], language: str):
    # given: a ministry member signed in with their second factor, at step 2 (the commission)
    programme = world["commission"]
    person = MembershipFactory(organisation=world["ministry"]).user
    sign_in_with_totp(page, person)
    in_language(page, language, f"/programmes/{programme.pk}/steps/2/")
    assert_no_axe_violations(page)  # the contribution, advance and return forms

    # when they try to close the step with no commission
    page.locator("form[action*='/advance/'] button[type='submit']").click()
    page.wait_for_load_state()

    # then the unmet conditions are listed, and the programme stays where it was
    assert page.locator(".unmet li").count() == 4
    assert page.get_by_role("alert").is_visible()
    assert_no_axe_violations(page)
    programme.refresh_from_db()
    assert programme.current_step == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_pages_fit_a_phone_screen(page: Any, world: dict[str, Any], language: str):
    page.set_viewport_size(MOBILE)
    ongoing = world["ongoing"].pk
    sign_in(page, world["ngo_person"].email)
    reports = []
    for path in (
        "/programmes/",
        f"/programmes/{ongoing}/",
        f"/programmes/{ongoing}/steps/3/",
        "/programmes/mine/",
    ):
        in_language(page, language, path)
        reports.append(horizontal_scroll_report(page))
    assert_no_reports(reports)
