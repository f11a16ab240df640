"""Artefacts as forms in a real browser (issue 9): a ministry seats an organisation on the
commission, a CSO gives an objective with two indicators as rows, a local body files an
assessment by choosing its kind and verdict; the public step pages show them readably (never
JSON) in English, Russian and Dari, and every form and page passes the WCAG 2.2 AA scan."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import number_format

from govhub.accounts.tests.factories import UserFactory
from govhub.core.forms import form_definition_get, text
from govhub.core.tests.browser import assert_no_axe_violations, assert_no_reports, axe_report
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.browser_support import (
    DARI,
    in_language,
    sign_in,
    sign_in_with_totp,
)
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ru", DARI]
# The button that sends the form (the group's "Add another row" buttons have a name).
SEND = "main form button[type='submit']:not([name])"
SEAT = {
    "person": "A. Karimi",
    "role": "member",
    "mandate": "Represent older people",
    "conflict_of_interest": "none",
}
INDICATORS = [
    {"name": "Coverage", "unit": "%", "baseline": 40, "target": 80, "target_date": "2028-12-31"},
    {
        "name": "Visits",
        "unit": "visits",
        "baseline": 10,
        "target": 1200,
        "target_date": "2029-06-30",
    },
]


@pytest.fixture
def world(transactional_db: Any) -> dict[str, Any]:
    """A ministry, a local body and an NGO (named in Dari too), one member of each."""
    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Health")
    town = OrganisationFactory(kind="local_body", name="Kabul Municipality")
    ngo = OrganisationFactory(
        kind="cso",
        subtype="ngo",
        name="Elder Care Network",
        name_translations={DARI: "شبکه مراقبت از سالمندان"},
    )
    return {
        "ministry": ministry,
        "town": town,
        "ngo": ngo,
        "official": MembershipFactory(organisation=ministry).user,  # with TOTP (government)
        "councillor": MembershipFactory(organisation=town).user,  # with TOTP (government)
        "ngo_person": MembershipFactory(organisation=ngo).user,
    }


def _open_the_form(page: Any, programme: Programme, label: str) -> None:
    """From the step page, the link to the type's own page."""
    page.goto(f"/programmes/{programme.pk}/steps/{programme.current_step}/")
    page.get_by_role("link", name=f"Add: {label}").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == f"Add: {label}"


def _send(page: Any) -> None:
    page.locator(SEND).click()
    page.wait_for_load_state()


def _assert_no_json(page: Any) -> str:
    """What a person reads on the page, checked for raw JSON and answer keys; returned."""
    body = str(page.inner_text("body"))
    assert '{"' not in body
    assert "organisation_id" not in body
    return body


def _added(page: Any, programme: Programme, kind: str) -> tuple[Contribution, Any]:
    """The one contribution of `kind` just added, and its article on the step page."""
    assert page.get_by_role("status").inner_text() == "Your contribution was added."
    contribution = Contribution.objects.get(programme=programme, type=kind)
    assert page.url.endswith(f"/steps/{programme.current_step}/#contribution-{contribution.pk}")
    return contribution, page.locator(f"#contribution-{contribution.pk}")


# The journeys, in English


def test_a_ministry_official_seats_an_organisation_on_the_commission(
    page: Any, world: dict[str, Any]
):
    # given: a programme at step 2 (the commission), a ministry official signed in with TOTP
    programme = ProgrammeFactory(title="Clean rivers", current_step=2)
    ngo = world["ngo"]
    sign_in_with_totp(page, world["official"])
    _open_the_form(page, programme, "Commission member")

    # when: they pick the NGO from the list and answer everything but who sits on the seat
    page.get_by_label("Title").fill("Seat of the NGO")
    organisation = page.get_by_label("Organisation", exact=True)
    assert organisation.evaluate("e => e.tagName") == "SELECT"
    organisation.select_option(label="Elder Care Network")
    page.get_by_role("group", name="Role").get_by_label("Member", exact=True).check()
    page.get_by_label("Mandate").fill(SEAT["mandate"])
    page.get_by_label("Conflict of interest").fill(SEAT["conflict_of_interest"])
    _send(page)

    # then: one error in the summary, linking to the person's field; the rest is kept
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert summary.get_by_role("link").count() == 1
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.name") == "data-person"
    assert organisation.input_value() == str(ngo.pk)
    assert page.get_by_label("Mandate").input_value() == SEAT["mandate"]
    assert_no_axe_violations(page)

    # when: they say who sits on it
    page.get_by_label("Person").fill(SEAT["person"])
    _send(page)

    # then: the seat holds the answers, and its article names the organisation and the role
    seat, article = _added(page, programme, "commission_member")
    assert seat.data == {"organisation_id": ngo.pk, **SEAT}
    shown = article.inner_text()
    assert "Organisation" in shown
    assert "Role" in shown
    assert "Member" in article.locator("dd").all_inner_texts()
    link = article.locator("dd a", has_text="Elder Care Network")
    assert link.get_attribute("href") == f"/organisations/{ngo.pk}/"
    _assert_no_json(page)
    assert_no_axe_violations(page)


def test_a_cso_member_gives_an_objective_with_two_indicators_as_rows(
    page: Any, world: dict[str, Any]
):
    # given: a programme at step 3, a member of the NGO (which takes part there)
    programme = ProgrammeFactory(title="Care for an ageing society", current_step=3)
    sign_in(page, world["ngo_person"].email)
    _open_the_form(page, programme, "Objective")
    rows = page.locator("main fieldset fieldset.stack")
    assert rows.count() >= 1

    def fill(number: int, indicator: dict[str, Any]) -> None:
        row = page.get_by_role("group", name=f"Indicators, row {number}", exact=True)
        row.get_by_label("Name", exact=True).fill(indicator["name"])
        row.get_by_label("Unit", exact=True).fill(indicator["unit"])
        row.get_by_label("Baseline", exact=True).fill(str(indicator["baseline"]))
        row.get_by_label("Target", exact=True).fill(str(indicator["target"]))
        year, month, day = indicator["target_date"].split("-")
        row.get_by_label("Day", exact=True).fill(day)
        row.get_by_label("Month", exact=True).fill(month)
        row.get_by_label("Year", exact=True).fill(year)

    # when: the first indicator is typed, and they ask for another row
    fill(1, INDICATORS[0])
    before = rows.count()
    page.get_by_role("button", name="Add another row to “Indicators”").click()
    page.wait_for_load_state()

    # then: one more row, no errors yet, what was typed still there
    assert rows.count() == before + 1
    assert page.get_by_role("alert").count() == 0
    first = page.get_by_role("group", name="Indicators, row 1", exact=True)
    assert first.get_by_label("Name", exact=True).input_value() == "Coverage"
    assert first.get_by_label("Year", exact=True).input_value() == "2028"

    # when: the second indicator is typed and the form sent without a title (a blank row is
    # dropped, not refused)
    fill(2, INDICATORS[1])
    _send(page)

    # then: the summary names only the title; the scan passes with the error shown
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert summary.get_by_role("link").count() == 1
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_contribution-title"
    assert_no_axe_violations(page)

    # when: it is sent with a title
    page.get_by_label("Title").fill("Care for all")
    _send(page)

    # then: the objective has both indicators, typed; the step page shows them as a table
    objective, article = _added(page, programme, "objective")
    assert objective.data == {"indicators": INDICATORS}
    table = article.locator("table")
    assert table.locator("th").all_inner_texts() == [
        "Name",
        "Unit",
        "Baseline",
        "Target",
        "Target date",
    ]
    visits = table.get_by_role("row").filter(has_text="Visits").inner_text()
    assert "1,200" in visits
    assert "30 June 2029" in visits
    assert "Coverage" in table.get_by_role("row").nth(1).inner_text()
    assert "Indicators" in article.locator("dt").all_inner_texts()
    _assert_no_json(page)
    assert_no_axe_violations(page)


def test_a_local_body_files_an_assessment_by_choosing_kind_and_verdict(
    page: Any, world: dict[str, Any]
):
    # given: a programme at step 7 (assessment), a member of the local body, with TOTP
    programme = ProgrammeFactory(title="Home care at scale", current_step=7)
    sign_in_with_totp(page, world["councillor"])
    _open_the_form(page, programme, "Assessment")
    kinds = page.get_by_role("group", name="Kind of assessment")
    verdicts = page.get_by_role("group", name="Verdict")
    assert kinds.get_by_role("radio").count() == 4
    assert verdicts.get_by_role("radio").count() == 3

    # when: sent with a kind and no verdict
    page.get_by_label("Title").fill("Budget view")
    kinds.get_by_label("Budget", exact=True).check()
    _send(page)

    # then: the summary links to the verdict's first choice; the kind is still chosen
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link").all_inner_texts() == ["Answer “Verdict”."]
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "f-data-verdict-0"
    assert kinds.get_by_label("Budget", exact=True).is_checked()
    assert_no_axe_violations(page)

    # when: a verdict is chosen
    verdicts.get_by_label("Object", exact=True).check()
    _send(page)

    # then: the assessment shows the choices by their labels
    assessment, article = _added(page, programme, "assessment")
    assert assessment.data == {"kind": "budget", "verdict": "object"}
    assert article.locator("dt").all_inner_texts() == ["Kind of assessment", "Verdict"]
    assert article.locator("dd").all_inner_texts() == ["Budget", "Object"]
    assert "Kabul Municipality" in article.locator(".artefact-meta").inner_text()
    _assert_no_json(page)
    assert_no_axe_violations(page)


# Three languages


def _add(programme: Programme, org: Any, step: int, kind: str, data: dict[str, Any]) -> None:
    Contribution.objects.create(
        programme=programme,
        step=step,
        type=kind,
        title=f"A {kind}",
        organisation=org,
        author=UserFactory(),
        visibility="public",
        data=data,
        form_version=1,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_step_pages_read_in_every_language(
    page: Any, world: dict[str, Any], language: str
):
    # given: a programme at step 8 with a seat (step 2), an objective (3), an assessment (7)
    programme = ProgrammeFactory(current_step=8)
    ministry, town, ngo = world["ministry"], world["town"], world["ngo"]
    _add(programme, ministry, 2, "commission_member", {"organisation_id": ngo.pk, **SEAT})
    _add(programme, ngo, 3, "objective", {"indicators": INDICATORS})
    _add(programme, town, 7, "assessment", {"kind": "budget", "verdict": "support_with_changes"})
    seat = form_definition_get("programmes.commission_member")
    objective = form_definition_get("programmes.objective")
    assessment = form_definition_get("programmes.assessment")

    def label(definition: Any, key: str) -> str:
        return text(definition.question(key).label, language)

    def option(definition: Any, key: str, value: str) -> str:
        options = definition.question(key).options
        return text(next(o.label for o in options if o.value == value), language)

    indicator_labels = [text(q.label, language) for q in objective.question("indicators").questions]
    expected = {
        2: [
            *(label(seat, k) for k in ("organisation_id", *SEAT)),
            option(seat, "role", "member"),
            ngo.display_name(language),
            SEAT["person"],
        ],
        3: [label(objective, "indicators"), *indicator_labels, "Coverage", "Visits"],
        7: [
            label(assessment, "kind"),
            label(assessment, "verdict"),
            option(assessment, "kind", "budget"),
            option(assessment, "verdict", "support_with_changes"),
        ],
    }
    with translation.override(language):
        expected[3].append(number_format(1200, use_l10n=True, force_grouping=True))
    reports = []
    for step, wanted in expected.items():
        # when: an anonymous visitor reads the step in `language`
        in_language(page, language, f"/programmes/{programme.pk}/steps/{step}/")
        # then: the questions and choices in that language, names not numbers, no JSON
        body = _assert_no_json(page)
        missing = [w for w in wanted if w not in body]
        assert not missing, (step, missing)
        reports.append(axe_report(page))
    assert_no_reports(reports)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_contribution_forms_with_errors_pass_the_scan_in_every_language(
    page: Any, world: dict[str, Any], language: str
):
    # given: a ministry official (the ministry takes part in steps 2, 3 and 7), signed in
    sign_in_with_totp(page, world["official"])
    reports = []
    for step, kind, key in (
        (2, "commission_member", "organisation_id"),
        (3, "objective", "indicators"),
        (7, "assessment", "verdict"),
    ):
        programme = ProgrammeFactory(current_step=step)
        definition = form_definition_get(f"programmes.{kind}")
        path = f"/programmes/{programme.pk}/steps/{step}/contribute/{kind}/"
        # when: the form is opened in `language` and sent empty
        in_language(page, language, path)
        assert text(definition.question(key).label, language) in page.inner_text("main form")
        _send(page)
        # then: the error summary, in the same language and direction, and no violations
        assert page.get_by_role("alert").is_visible()
        assert page.get_by_role("alert").get_by_role("link").count() >= 2
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == DARI else "ltr")
        assert Contribution.objects.filter(programme=programme).count() == 0
        reports.append(axe_report(page))
    assert_no_reports(reports)
