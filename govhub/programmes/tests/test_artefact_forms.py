"""Artefacts as forms (ADR 0017): the REST API and the pages check a contribution's data with
its type's form, the pages ask the type's questions (pickers, rows) and show the answers
readably in every language, at a query cost flat in the number of artefacts."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.core.formats import long_date
from govhub.core.forms import form_definition_get, forms_load, text
from govhub.core.testing import assert_nothing_written
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

SUBTYPE = {"business": "small", "cso": "ngo"}
INDICATOR = {
    "name": "Coverage",
    "unit": "%",
    "baseline": 40,
    "target": 80,
    "target_date": "2028-12-31",
}


@pytest.fixture(autouse=True)
def _forms_stored() -> None:
    """The shipped forms are stored on first use; store them before anything is counted."""
    forms_load()


def _member(kind: str, **extra: Any) -> tuple[Any, Any]:
    org = OrganisationFactory(kind=kind, subtype=SUBTYPE.get(kind, ""), **extra)
    return MembershipFactory(organisation=org).user, org


def _add(programme: Programme, org: Any, kind: str, data: dict[str, Any], **fields: Any) -> Any:
    values = {"step": programme.current_step, "title": kind, "visibility": "public", **fields}
    return Contribution.objects.create(
        programme=programme,
        organisation=org,
        author=UserFactory(),
        type=kind,
        data=data,
        form_version=1,
        **values,
    )


def _body_text(response: Any) -> str:
    """What a person reads on the page: the body's text, tags removed, entities decoded."""
    assert response.status_code == 200
    page = response.content.decode()
    body = page[page.index("<body") : page.index("</body>")]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


# REST


@pytest.mark.parametrize(
    ("step", "kind", "data", "loc"),
    [
        (3, "objective", {"indicators": [{**INDICATOR, "target": "80"}]}, ["indicators", 0]),
        (7, "assessment", {"kind": "money", "verdict": "support"}, ["kind"]),
        (1, "problem", {"affected_groups": ["elderly"]}, ["affected_groups"]),
        (3, "objective", {}, ["indicators"]),
    ],
)
def test_rest_refuses_data_its_form_refuses_naming_the_field(api_client, step, kind, data, loc):
    # given: a ministry taking part in the step
    person, _ministry = _member("ministry_agency")
    programme = ProgrammeFactory(current_step=step)
    client = api_client.as_user(person)
    body = {"type": kind, "title": "T", "data": data}
    # when
    with assert_nothing_written():
        response = client.send("POST", f"/programmes/{programme.pk}/contributions", body)
    # then: 400 invalid_data, the first problem's field named under body.data
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "invalid_data")
    assert error["details"][0]["loc"][: 2 + len(loc)] == ["body", "data", *loc]


def test_rest_refuses_an_organisation_that_does_not_exist(api_client):
    # given: step 2, a ministry nominating a seat for an organisation that is not there
    person, _ministry = _member("ministry_agency")
    programme = ProgrammeFactory(current_step=2)
    seat = {
        "organisation_id": 999_999,
        "person": "P",
        "role": "member",
        "mandate": "m",
        "conflict_of_interest": "none",
    }
    body = {"type": "commission_member", "title": "Seat", "data": seat}
    client = api_client.as_user(person)
    # when
    with assert_nothing_written():
        response = client.send("POST", f"/programmes/{programme.pk}/contributions", body)
    # then
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "invalid_data")
    assert error["details"][0]["loc"] == ["body", "data", "organisation_id"]


def test_rest_refuses_a_draft_citing_another_programmes_objective(api_client):
    # given: the lead agency at step 6, and an objective of another programme
    person, ministry = _member("ministry_agency")
    programme = ProgrammeFactory(current_step=6, lead_agency=ministry)
    elsewhere = _add(ProgrammeFactory(current_step=3), ministry, "objective", {})
    clause = {"text": "Do it", "objective_ids": [elsewhere.pk]}
    body = {"type": "draft", "title": "Draft", "data": {"clauses": [clause]}}
    client = api_client.as_user(person)
    # when
    with assert_nothing_written():
        response = client.send("POST", f"/programmes/{programme.pk}/contributions", body)
    # then
    assert (response.status_code, response.json()["error"]["code"]) == (400, "unknown_objective")


# The pages: one per type, the type's questions


def _form(client: Client, programme: Programme, kind: str) -> str:
    response = client.get(
        f"/programmes/{programme.pk}/steps/{programme.current_step}/contribute/{kind}/"
    )
    assert response.status_code == 200
    return str(response.content.decode())


def _post(client: Client, programme: Programme, kind: str, title: str, answers: dict[str, str]):
    data = {"contribution-title": title, "contribution-visibility": "public"}
    data.update({f"data-{k}": v for k, v in answers.items()})
    return client.post(
        f"/programmes/{programme.pk}/steps/{programme.current_step}/contribute/{kind}/", data
    )


def test_a_ministry_nominates_a_seat_picking_the_organisation_from_a_list():
    # given: step 2, a ministry member, and an NGO to seat
    person, ministry = _member("ministry_agency", name="Ministry of Health")
    _ngo_person, ngo = _member("cso", name="Elder Care Network")
    programme = ProgrammeFactory(current_step=2)
    client = signed_in_client(person)
    # when: the form is opened, then sent with the NGO picked
    form = _form(client, programme, "commission_member")
    response = _post(
        client,
        programme,
        "commission_member",
        "Seat of the NGO",
        {
            "organisation_id": str(ngo.pk),
            "person": "A. Karimi",
            "role": "member",
            "mandate": "Represent older people",
            "conflict_of_interest": "none",
        },
    )
    # then: the organisations were offered by name, and the seat holds the answers
    assert f'<option value="{ngo.pk}">Elder Care Network</option>' in form
    assert f'<option value="{ministry.pk}">Ministry of Health</option>' in form
    assert 'type="radio" id="f-data-role-0" name="data-role" value="chair"' in form
    assert response.status_code == 302
    seat = Contribution.objects.get()
    assert (seat.data, seat.form_version) == (
        {
            "organisation_id": ngo.pk,
            "person": "A. Karimi",
            "role": "member",
            "mandate": "Represent older people",
            "conflict_of_interest": "none",
        },
        1,
    )


def test_an_objective_is_given_with_two_indicators_as_rows_of_fields():
    # given: step 3, a CSO member and the objective's form (two empty rows)
    person, _ngo = _member("cso")
    programme = ProgrammeFactory(current_step=3)
    client = signed_in_client(person)
    form = _form(client, programme, "objective")
    assert 'name="data-indicators-1-target"' in form
    assert 'name="data-indicators-2-target"' not in form
    rows = {}
    for i, (name, baseline, target) in enumerate(
        (("Coverage", "40", "80"), ("Visits", "\u06f1\u06f0", "1,200"))
    ):
        rows.update(
            {
                f"indicators-{i}-name": name,
                f"indicators-{i}-unit": "%",
                f"indicators-{i}-baseline": baseline,
                f"indicators-{i}-target": target,
                f"indicators-{i}-target_date-day": "31",
                f"indicators-{i}-target_date-month": "12",
                f"indicators-{i}-target_date-year": "2028",
            }
        )
    # when: "Add another row" first, then the form is sent
    more = _post(client, programme, "objective", "Care for all", {**rows, "add_row": "indicators"})
    response = _post(client, programme, "objective", "Care for all", rows)
    # then: a third row appeared without errors; the objective has both indicators, typed
    assert 'name="data-indicators-2-target"' in more.content.decode()
    assert "There is a problem" not in more.content.decode()
    assert response.status_code == 302
    assert Contribution.objects.get().data == {
        "indicators": [
            {**INDICATOR, "name": "Coverage"},
            {**INDICATOR, "name": "Visits", "baseline": 10, "target": 1200},
        ]
    }


def test_an_assessment_is_given_by_choosing_its_kind_and_verdict():
    # given: step 7, a local body
    person, _town = _member("local_body")
    programme = ProgrammeFactory(current_step=7)
    client = signed_in_client(person)
    # when: sent first without a verdict, then with one
    refused = _post(client, programme, "assessment", "Budget view", {"kind": "budget"})
    response = _post(
        client, programme, "assessment", "Budget view", {"kind": "budget", "verdict": "object"}
    )
    # then: the first came back with the error beside the verdict; the second was added
    page = refused.content.decode()
    assert refused.status_code == 200
    assert '<a href="#f-data-verdict-0">Answer “Verdict”.</a>' in page
    assert 'id="f-data-verdict-error"' in page
    assert response.status_code == 302
    assert Contribution.objects.get().data == {"kind": "budget", "verdict": "object"}


# The pages: artefacts shown readably


def _step_with_artefacts() -> tuple[Programme, Any]:
    """A programme at step 4 with, at step 2, a seat for an organisation named in Dari too,
    and at step 4 a designation with a deadline."""
    town = OrganisationFactory(
        kind="local_body", name="Kabul Municipality", name_translations={"fa-af": "شاروالی کابل"}
    )
    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Health")
    programme = ProgrammeFactory(current_step=4)
    seat = {
        "organisation_id": town.pk,
        "person": "A. Karimi",
        "role": "chair",
        "mandate": "Health",
        "conflict_of_interest": "none",
    }
    _add(programme, ministry, "commission_member", seat, step=2)
    designation = {"lead_organisation_id": ministry.pk, "deadline": "2027-06-30"}
    _add(programme, ministry, "designation", designation, step=4)
    return programme, town


@pytest.mark.parametrize("language", ["en", "ru", "fa-af"])
def test_the_public_step_pages_show_artefacts_readably_in_every_language(language):
    # given: a seat and a designation, and an anonymous visitor reading in `language`
    programme, town = _step_with_artefacts()
    client = Client(headers={"Accept-Language": language})
    seat_form = form_definition_get("programmes.commission_member")
    designation_form = form_definition_get("programmes.designation")
    # when
    seats = client.get(f"/programmes/{programme.pk}/steps/2/")
    designation = client.get(f"/programmes/{programme.pk}/steps/4/")
    # then: labels and choices in the language, the organisation by name with its link,
    # the date as people write it, and no JSON anywhere
    seats_text, designation_text = _body_text(seats), _body_text(designation)
    assert '{"' not in seats_text
    assert '{"' not in designation_text
    assert "organisation_id" not in seats_text
    assert text(seat_form.question("organisation_id").label, language) in seats_text
    assert text(seat_form.question("role").options[0].label, language) in seats_text
    name = town.display_name(language)
    assert f'<a href="/organisations/{town.pk}/">{name}</a>' in seats.content.decode()
    assert text(designation_form.question("deadline").label, language) in designation_text
    with translation.override(language):
        assert long_date(dt.date(2027, 6, 30)) in designation_text


def test_the_step_page_costs_the_same_queries_for_20_and_200_artefacts():
    # given: step 3 with objectives, and an adoption naming them, by several organisations
    person, _ministry = _member("ministry_agency")
    programme = ProgrammeFactory(current_step=4)
    client = signed_in_client(person)

    def add(count: int) -> None:
        for _ in range(count // 2):
            org = OrganisationFactory(kind="cso", subtype="ngo")
            objective = _add(programme, org, "objective", {"indicators": [INDICATOR]}, step=3)
            _add(programme, org, "adoption", {"objective_ids": [objective.pk]}, step=3)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/programmes/{programme.pk}/steps/3/")
        assert response.status_code == 200
        return len(queries.captured_queries)

    add(20)
    client.get(f"/programmes/{programme.pk}/steps/3/")  # sessions and caches warm
    twenty = count()
    # when
    add(180)
    # then
    assert count() == twenty
    assert Contribution.objects.filter(programme=programme).count() == 200
