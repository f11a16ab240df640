"""The programme pages over HTTP: who sees what, the forms and their errors, query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import signed_in_client
from govhub.accounts.tests.factories import UserFactory
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import (
    ProgrammeFactory,
    decision_count,
    decision_create,
    decision_get,
)

pytestmark = pytest.mark.django_db

SUBTYPE = {"business": "small", "cso": "ngo"}


def _member(kind: str, name: str | None = None) -> tuple[Any, Any]:
    extra = {"name": name} if name else {}
    org = OrganisationFactory(kind=kind, subtype=SUBTYPE.get(kind, ""), **extra)
    return MembershipFactory(organisation=org).user, org


def _contribution(programme: Programme, org: Any, **fields: Any) -> Contribution:
    values = {
        "step": programme.current_step,
        "type": "evidence",
        "title": "A note",
        "visibility": "public",
        **fields,
    }
    return Contribution.objects.create(
        programme=programme, organisation=org, author=UserFactory(), **values
    )


def _page(response: Any) -> str:
    assert response.status_code == 200
    content: bytes = response.content
    return content.decode()


# Who sees what


def test_anonymous_visitors_cannot_see_a_step_1_programme():
    # given: a programme still at step 1 (not public yet)
    programme = ProgrammeFactory(current_step=1, title="Quiet problem")
    client = Client()
    # when / then: its pages do not exist for them, and the list does not name it
    assert client.get(f"/programmes/{programme.pk}/").status_code == 404
    assert client.get(f"/programmes/{programme.pk}/steps/1/").status_code == 404
    assert "Quiet problem" not in _page(client.get("/programmes/"))


def test_anyone_sees_a_programme_past_step_1_with_its_timeline():
    # given: a programme at step 3, with contributions at steps 1 and 3 and a decision
    ngo = OrganisationFactory(kind="cso", subtype="ngo", name="Elder Care Network")
    company = OrganisationFactory(kind="business", subtype="small", name="CareSoft")
    ministry = OrganisationFactory(kind="ministry_agency", name="Ministry of Health")
    programme = ProgrammeFactory(
        current_step=3,
        title="Care for an ageing society",
        summary="Waiting lists grow.",
        initiator=ngo,
        lead_agency=ministry,
        document_id="PRG-2026-0001",
    )
    _contribution(programme, ngo, step=1, type="problem")
    _contribution(programme, company, step=1)
    _contribution(programme, company, step=3, type="objective", visibility="draft")
    decision_create(
        programme=programme,
        action="advance",
        from_step=1,
        to_step=2,
        actor=UserFactory(),
        organisation=ministry,
    )
    # when
    page = _page(Client().get(f"/programmes/{programme.pk}/"))
    # then: the facts, the steps by phase, who took part, and the link to the document
    assert "Care for an ageing society" in page
    assert "Elder Care Network" in page
    assert "Ministry of Health" in page
    assert "Phase 1: Exposing a problem" in page
    assert "Phase 3: Realizing a program" in page
    assert page.count('class="timeline-step ') == 10
    assert page.count('aria-current="step"') == 1
    assert "2 contributions from:" in page
    assert "CareSoft" in page
    assert 'href="/documents/PRG-2026-0001/"' in page
    assert "Step closed on" in page
    # the company's private draft at step 3 does not count for the public
    assert "1 contribution from:" not in page


def test_a_business_member_cannot_see_another_organisations_private_draft():
    # given: at step 3, an NGO's private draft, public note and participants-only note, and
    # the business's own draft
    programme = ProgrammeFactory(current_step=3)
    _, ngo = _member("cso")
    _contribution(programme, ngo, type="objective", title="Secret plan", visibility="draft")
    _contribution(programme, ngo, title="Open letter")
    _contribution(programme, ngo, title="For participants", visibility="restricted")
    person, company = _member("business")
    _contribution(programme, company, title="Our own draft", visibility="draft")
    # when
    page = _page(signed_in_client(person).get(f"/programmes/{programme.pk}/steps/3/"))
    anonymous = _page(Client().get(f"/programmes/{programme.pk}/steps/3/"))
    # then
    assert "Secret plan" not in page
    assert "Open letter" in page
    assert "For participants" in page
    assert "Our own draft" in page
    assert "Open letter" in anonymous
    assert "For participants" not in anonymous
    assert "Our own draft" not in anonymous


def test_a_step_outside_the_model_is_not_found():
    programme = ProgrammeFactory(current_step=3)
    assert Client().get(f"/programmes/{programme.pk}/steps/11/").status_code == 404
    assert Client().get(f"/programmes/{programme.pk}/steps/0/").status_code == 404


# The list and its filters


def _titles(client: Client, query: str = "") -> list[str]:
    page = _page(client.get(f"/programmes/{query}"))
    return sorted(t for t in ("Alpha", "Beta", "Gamma", "Delta", "Epsilon") if f">{t}<" in page)


def test_the_list_filters_by_phase_step_sector_deadline_and_status():
    # given
    now = timezone.now()
    ngo = OrganisationFactory(kind="cso", subtype="ngo")
    company = OrganisationFactory(kind="business", subtype="small")
    ProgrammeFactory(title="Alpha", current_step=2, initiator=ngo, deadline=now - dt.timedelta(1))
    ProgrammeFactory(title="Beta", current_step=4, initiator=company)
    ProgrammeFactory(title="Gamma", current_step=6, initiator=ngo, deadline=now + dt.timedelta(9))
    ProgrammeFactory(title="Delta", current_step=10, initiator=company, status="closed")
    ProgrammeFactory(title="Epsilon", current_step=1, initiator=ngo)
    client = Client()
    # then (Epsilon, at step 1, is never public)
    assert _titles(client) == ["Alpha", "Beta", "Delta", "Gamma"]
    assert _titles(client, "?phase=1") == ["Alpha", "Beta"]
    assert _titles(client, "?phase=3") == ["Delta"]
    assert _titles(client, "?step=6") == ["Gamma"]
    assert _titles(client, "?sector=civil_society") == ["Alpha", "Gamma"]
    assert _titles(client, "?overdue=yes") == ["Alpha"]
    assert _titles(client, "?overdue=no") == ["Beta", "Delta", "Gamma"]
    assert _titles(client, "?status=closed") == ["Delta"]
    assert _titles(client, "?status=active&sector=business") == ["Beta"]
    # an invalid filter is ignored, the valid ones still apply
    assert _titles(client, "?phase=99&sector=business") == ["Beta", "Delta"]


def test_members_of_organisations_see_step_1_programmes_in_the_list():
    ProgrammeFactory(title="Epsilon", current_step=1)
    person, _ = _member("business")
    assert _titles(signed_in_client(person)) == ["Epsilon"]


def test_an_overdue_programme_is_flagged():
    ProgrammeFactory(title="Late", current_step=2, deadline=timezone.now() - dt.timedelta(1))
    page = _page(Client().get("/programmes/"))
    assert 'class="badge badge-overdue">Overdue<' in page


# Exposing a problem


def test_a_member_exposes_a_problem_through_the_form():
    # given
    person, ngo = _member("cso", "Elder Care Network")
    client = signed_in_client(person)
    assert "Expose the problem" in _page(client.get("/programmes/new/"))
    # when
    response = client.post("/programmes/new/", {"title": "  Too few carers ", "summary": "S"})
    # then
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/{programme.pk}/"
    assert (programme.title, programme.initiator_id, programme.current_step) == (
        "Too few carers",
        ngo.pk,
        1,
    )


def test_exposing_a_problem_without_a_title_shows_a_form_error():
    person, _ = _member("cso")
    page = _page(signed_in_client(person).post("/programmes/new/", {"title": "  "}))
    assert 'id="id_title_error"' in page
    assert Programme.objects.count() == 0


def test_someone_acting_for_two_organisations_picks_one():
    # given
    person, _ngo = _member("cso")
    company = OrganisationFactory(kind="business", subtype="small")
    MembershipFactory(user=person, organisation=company)
    client = signed_in_client(person)
    assert 'name="organisation"' in _page(client.get("/programmes/new/"))
    # when: one they do not act for, then one they do
    stranger = OrganisationFactory(kind="cso", subtype="ngo")
    refused = client.post("/programmes/new/", {"title": "T", "organisation": stranger.pk})
    client.post("/programmes/new/", {"title": "T", "organisation": company.pk})
    # then
    assert 'id="id_organisation_error"' in _page(refused)
    assert Programme.objects.get().initiator_id == company.pk


def test_a_person_without_an_organisation_cannot_expose_a_problem(user):
    client = signed_in_client(user)
    assert "Only people acting for an organisation" in _page(client.get("/programmes/new/"))
    assert _page(client.post("/programmes/new/", {"title": "T"}))
    assert Programme.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in_to_expose_a_problem():
    response = Client().get("/programmes/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Contributions


def _contribute(
    client: Client, programme: Programme, step: int, kind: str, answers: Any = None, **fields: Any
) -> Any:
    data = {f"contribution-{k}": v for k, v in fields.items()}
    data.setdefault("contribution-visibility", "public")
    data.update({f"data-{k}": v for k, v in (answers or {}).items()})
    return client.post(f"/programmes/{programme.pk}/steps/{step}/contribute/{kind}/", data)


def test_a_participant_adds_a_contribution_through_the_form():
    # given: an NGO member at step 1, offered one page per type
    programme = ProgrammeFactory(current_step=1)
    person, ngo = _member("cso")
    client = signed_in_client(person)
    page = _page(client.get(f"/programmes/{programme.pk}/steps/1/"))
    url = f"/programmes/{programme.pk}/steps/1/contribute"
    assert f'<a href="{url}/problem/">Add: Problem statement</a>' in page
    assert f'<a href="{url}/evidence/">Add: Evidence</a>' in page
    form = _page(client.get(f"{url}/problem/"))
    assert 'name="data-details"' in form
    assert "JSON" not in form
    # when
    response = _contribute(
        client,
        programme,
        1,
        "problem",
        {"details": "Older people living alone"},
        title="Too few carers",
        body="Waiting lists grow.",
    )
    # then
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"/programmes/{programme.pk}/steps/1/#contribution-{contribution.pk}"
    )
    assert (
        contribution.type,
        contribution.organisation_id,
        contribution.data,
        contribution.form_version,
    ) == ("problem", ngo.pk, {"details": "Older people living alone"}, 1)
    page = _page(client.get(f"/programmes/{programme.pk}/steps/1/"))
    assert "Too few carers" in page
    assert "<dt>Details</dt>" in page
    assert "Older people living alone" in page


@pytest.mark.parametrize(
    ("fields", "answers", "error_id", "message"),
    [
        ({"title": "T"}, {}, "f-data-indicators", "Answer “Indicators”."),
        (
            {"title": "T"},
            {"indicators-0-name": "Coverage", "indicators-0-baseline": "many"},
            "f-data-indicators-0-baseline",
            "“Baseline” must be a number.",
        ),
        (
            {"title": "T"},
            {"indicators-0-name": "Coverage", "indicators-0-target_date-day": "31"},
            "f-data-indicators-0-target_date",
            "“Target date” must be a real date.",
        ),
        ({"title": ""}, {}, "id_contribution-title", "required"),
    ],
)
def test_a_bad_contribution_shows_form_errors(fields, answers, error_id, message):
    # given: a CSO member at step 3 (objectives)
    programme = ProgrammeFactory(current_step=3)
    person, _ = _member("cso")
    # when
    response = _contribute(signed_in_client(person), programme, 3, "objective", answers, **fields)
    # then: an error summary links to the field, the error is beside it, nothing was added
    page = _page(response)
    assert 'class="error-summary message-error" role="alert"' in page
    assert f'href="#{error_id}' in page
    assert message in page
    assert Contribution.objects.count() == 0


def test_a_refusal_of_the_action_shows_as_a_form_message():
    # given: step 2 whose commission already has a chair
    programme = ProgrammeFactory(current_step=2)
    person, ministry = _member("ministry_agency")
    _contribution(
        programme,
        ministry,
        type="commission_member",
        data={"organisation_id": ministry.pk, "role": "chair"},
    )
    seat = {
        "organisation_id": str(ministry.pk),
        "person": "A. Karimi",
        "role": "chair",
        "mandate": "Health",
        "conflict_of_interest": "none",
    }
    # when: a second chair is claimed
    response = _contribute(
        signed_in_client(person), programme, 2, "commission_member", seat, title="Chair"
    )
    # then: the action's refusal is on the page, not a 500, and nothing was added
    page = _page(response)
    assert 'role="alert"' in page
    assert "The commission already has a chair" in page
    assert Contribution.objects.count() == 1


def test_a_type_the_step_does_not_offer_is_not_found():
    programme = ProgrammeFactory(current_step=3)
    person, _ = _member("cso")
    client = signed_in_client(person)
    assert client.get(f"/programmes/{programme.pk}/steps/3/contribute/draft/").status_code == 404
    assert client.get(f"/programmes/{programme.pk}/steps/3/contribute/nothing/").status_code == 404


def test_a_non_participant_cannot_contribute_and_sees_no_form():
    # given: a business member at step 2 (government only)
    programme = ProgrammeFactory(current_step=2)
    person, _ = _member("business")
    client = signed_in_client(person)
    page = _page(client.get(f"/programmes/{programme.pk}/steps/2/"))
    assert "Add a contribution" not in page
    assert "do not take part in this step" in page
    # when
    response = _contribute(client, programme, 2, "commission_member", title="Seat")
    # then
    assert response.status_code == 302
    assert Contribution.objects.count() == 0


def test_a_form_sent_for_a_step_the_programme_has_left_changes_nothing():
    programme = ProgrammeFactory(current_step=3)
    person, _ = _member("cso")
    response = _contribute(signed_in_client(person), programme, 1, "problem", title="Late")
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/{programme.pk}/steps/1/"
    assert Contribution.objects.count() == 0


def test_anonymous_posts_are_sent_to_sign_in():
    programme = ProgrammeFactory(current_step=3)
    response = _contribute(Client(), programme, 3, "objective", title="T")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Contribution.objects.count() == 0


# Gates


def test_only_government_participants_see_the_gate_forms():
    programme = ProgrammeFactory(current_step=3)
    cso_person, _ = _member("cso")
    ministry_person, _ = _member("ministry_agency")
    cso_page = _page(signed_in_client(cso_person).get(f"/programmes/{programme.pk}/steps/3/"))
    ministry_page = _page(
        signed_in_client(ministry_person).get(f"/programmes/{programme.pk}/steps/3/")
    )
    assert "Advance to the next step" not in cso_page
    assert "Advance to the next step" in ministry_page
    assert "Send back to an earlier step" in ministry_page
    # a past step shows no forms at all
    past = _page(signed_in_client(ministry_person).get(f"/programmes/{programme.pk}/steps/2/"))
    assert "Advance to the next step" not in past
    assert "Add a contribution" not in past


def test_advancing_with_unmet_gate_conditions_lists_them():
    # given: step 2 with no commission at all
    programme = ProgrammeFactory(current_step=2)
    person, _ = _member("ministry_agency")
    # when
    response = signed_in_client(person).post(f"/programmes/{programme.pk}/steps/2/advance/")
    # then: every unmet condition is listed, and nothing moved
    page = _page(response)
    assert "The step cannot close yet." in page
    assert "Still needed before the step can close:" in page
    for sector in ("government", "business", "civil society"):
        assert f"at least 1 member from the {sector} sector" in page
    assert "exactly one chair" in page
    assert Programme.objects.get(pk=programme.pk).current_step == 2
    assert decision_count() == 0


def test_a_government_participant_advances_the_programme():
    # given: step 1 with a problem statement
    programme = ProgrammeFactory(current_step=1)
    person, town = _member("local_body")
    _contribution(programme, town, step=1, type="problem")
    client = signed_in_client(person)
    # when
    response = client.post(f"/programmes/{programme.pk}/steps/1/advance/")
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/{programme.pk}/"
    assert Programme.objects.get(pk=programme.pk).current_step == 2
    # and a second click (the same form again) changes nothing
    again = client.post(f"/programmes/{programme.pk}/steps/1/advance/")
    assert again.status_code == 302
    assert Programme.objects.get(pk=programme.pk).current_step == 2
    assert decision_count() == 1


def test_a_ministry_member_who_also_acts_for_a_business_decides_for_the_ministry():
    # given: step 1 (both take part) with a problem statement; only the ministry may decide
    programme = ProgrammeFactory(current_step=1)
    person, ministry = _member("ministry_agency")
    company = OrganisationFactory(kind="business", subtype="small")
    MembershipFactory(user=person, organisation=company)
    _contribution(programme, company, step=1, type="problem")
    client = signed_in_client(person)
    page = _page(client.get(f"/programmes/{programme.pk}/steps/1/"))
    form = _page(client.get(f"/programmes/{programme.pk}/steps/1/contribute/problem/"))
    assert 'name="contribution-organisation"' in form  # contributing: either organisation
    assert 'name="advance-organisation"' not in page  # deciding: the ministry only
    # when
    response = client.post(f"/programmes/{programme.pk}/steps/1/advance/")
    # then
    assert response.status_code == 302
    assert decision_get().organisation_id == ministry.pk


def test_a_business_member_cannot_advance():
    programme = ProgrammeFactory(current_step=1)
    person, company = _member("business")
    _contribution(programme, company, step=1, type="problem")
    response = signed_in_client(person).post(f"/programmes/{programme.pk}/steps/1/advance/")
    assert response.status_code == 302
    assert Programme.objects.get(pk=programme.pk).current_step == 1


def test_returning_needs_a_reason_and_an_earlier_step():
    # given
    programme = ProgrammeFactory(current_step=3)
    person, _ = _member("ministry_agency")
    client = signed_in_client(person)
    url = f"/programmes/{programme.pk}/steps/3/return/"
    # when: no reason, then a step that is not earlier
    no_reason = _page(client.post(url, {"return-to_step": "1", "return-reason": " "}))
    not_earlier = _page(client.post(url, {"return-to_step": "3", "return-reason": "Why"}))
    # then
    assert 'id="id_return-reason_error"' in no_reason
    assert 'id="id_return-to_step_error"' in not_earlier
    assert Programme.objects.get(pk=programme.pk).current_step == 3
    # when: both are right
    response = client.post(url, {"return-to_step": "1", "return-reason": "More evidence"})
    # then
    assert response.status_code == 302
    decision = decision_get()
    assert (decision.action, decision.from_step, decision.to_step, decision.reason) == (
        "return",
        3,
        1,
        "More evidence",
    )
    page = _page(client.get(f"/programmes/{programme.pk}/steps/1/"))
    assert "Sent back here from step 3" in page
    assert "More evidence" in page


# My organisation's work


def test_my_organisations_work_lists_what_they_are_part_of_and_can_act_on():
    # given: a business member
    person, company = _member("business")
    other = OrganisationFactory(kind="cso", subtype="ngo")
    ProgrammeFactory(title="Alpha", current_step=2, initiator=company)  # initiator
    contributed = ProgrammeFactory(title="Beta", current_step=4, initiator=other)
    _contribution(contributed, company, step=1)
    ProgrammeFactory(title="Gamma", current_step=5, initiator=other)  # business takes part at 5
    ProgrammeFactory(title="Delta", current_step=6, initiator=other)  # not theirs, cannot act
    ProgrammeFactory(title="Epsilon", current_step=9, initiator=other, status="closed")
    # when
    page = _page(signed_in_client(person).get("/programmes/mine/"))
    # then
    assert _titles(signed_in_client(person), "mine/") == ["Alpha", "Beta", "Gamma"]
    assert page.index(">Gamma<") < page.index(">Alpha<")  # the one to act on comes first
    assert "You can act now" in page
    assert "Initiator" in page
    assert "Contributed" in page


def test_my_organisations_work_without_an_organisation(user):
    page = _page(signed_in_client(user).get("/programmes/mine/"))
    assert "You do not act for any organisation yet." in page


# Query counts


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_uses_a_constant_number_of_queries():
    # given
    for _ in range(3):
        ProgrammeFactory(current_step=3)
    client = Client()
    small = _queries(client, "/programmes/")
    for _ in range(30):
        ProgrammeFactory(current_step=5, deadline=timezone.now())
    # when
    large = _queries(client, "/programmes/")
    filtered = _queries(client, "/programmes/?phase=2&sector=government&overdue=yes&status=active")
    # then: model versions, count, one page of rows (initiators joined), and the
    # organisations' data version (the cached copy's identity)
    assert small == large == 4
    assert filtered == 5  # the phase filter reads the model versions once more


def test_the_list_of_a_signed_in_member_uses_a_constant_number_of_queries():
    person, _ = _member("cso")
    client = signed_in_client(person)
    ProgrammeFactory(current_step=1)
    small = _queries(client, "/programmes/")
    for _ in range(30):
        ProgrammeFactory(current_step=1)
    assert _queries(client, "/programmes/") == small


def test_the_programme_page_uses_a_constant_number_of_queries():
    # given: a programme with 5 contributions from 5 organisations, then 60 from 30
    programme = ProgrammeFactory(current_step=5, lead_agency=OrganisationFactory())
    person, _ = _member("business")
    client = signed_in_client(person)
    orgs = [OrganisationFactory(kind="business", subtype="small") for _ in range(30)]
    for i in range(5):
        _contribution(programme, orgs[i], step=1 + i % 5)
    decision_create(
        programme=programme,
        action="advance",
        from_step=1,
        to_step=2,
        actor=UserFactory(),
        organisation=orgs[0],
    )
    small = _queries(client, f"/programmes/{programme.pk}/")
    for i in range(55):
        _contribution(programme, orgs[i % 30], step=1 + i % 5, visibility="restricted")
    for step in (2, 3, 4):
        decision_create(
            programme=programme,
            action="advance",
            from_step=step,
            to_step=step + 1,
            actor=UserFactory(),
            organisation=orgs[step],
        )
    # when
    large = _queries(client, f"/programmes/{programme.pk}/")
    # then
    assert small == large


def test_the_step_page_uses_a_constant_number_of_queries():
    programme = ProgrammeFactory(current_step=5)
    person, _ = _member("ministry_agency")
    client = signed_in_client(person)
    org = OrganisationFactory(kind="business", subtype="small")
    for _ in range(5):
        _contribution(programme, org, type="proposal", data={"options": "x"})
    client.get(f"/programmes/{programme.pk}/steps/5/")  # the shipped forms are stored once
    small = _queries(client, f"/programmes/{programme.pk}/steps/5/")
    for _ in range(55):
        _contribution(programme, OrganisationFactory(kind="cso", subtype="ngo"), type="position")
    assert _queries(client, f"/programmes/{programme.pk}/steps/5/") == small


def test_my_organisations_work_uses_a_constant_number_of_queries():
    person, company = _member("business")
    client = signed_in_client(person)
    ProgrammeFactory(current_step=5)
    small = _queries(client, "/programmes/mine/")
    for _ in range(30):
        _contribution(ProgrammeFactory(current_step=6), company, step=5)
    assert _queries(client, "/programmes/mine/") == small


def test_a_higher_body_issues_the_document_from_the_step_page():
    from conftest import signed_in_client
    from govhub.accounts.tests.factories import UserFactory
    from govhub.programmes.models import Contribution

    # given: a programme at step 8 with a draft, and a member of a higher body
    president = OrganisationFactory(kind="higher_body", name="Office of the President")
    person = MembershipFactory(organisation=president).user
    programme = ProgrammeFactory(current_step=8)
    Contribution.objects.create(
        programme=programme,
        step=6,
        type="draft",
        organisation=president,
        author=UserFactory(),
        title="Draft",
        data={"clauses": [{"text": "Sirens in every district.", "objective_ids": []}]},
    )
    client = signed_in_client(person)
    page = client.get(f"/programmes/{programme.pk}/steps/8/").content.decode()
    assert "Issue the official document" in page
    # when: the legal status is missing, then given
    empty = client.post(f"/programmes/{programme.pk}/steps/8/issue/", {"issue-legal_status": ""})
    assert empty.status_code == 200
    done = client.post(
        f"/programmes/{programme.pk}/steps/8/issue/", {"issue-legal_status": "Decree"}
    )
    # then
    assert done.status_code == 302
    programme.refresh_from_db()
    assert programme.document_id
    detail = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert f"/documents/{programme.document_id}/" in detail


def test_cached_programme_page_shows_the_overdue_flag_once_the_deadline_passes():
    from unittest import mock

    # given: an anonymous visitor has seen a public programme page before its deadline
    deadline = timezone.now() + dt.timedelta(days=5)
    programme = ProgrammeFactory(current_step=3, deadline=deadline)
    client = Client()
    assert "badge-overdue" not in client.get(f"/programmes/{programme.pk}/").content.decode()
    # when: time passes the deadline, with no other change to the programme
    later = deadline + dt.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.get(f"/programmes/{programme.pk}/").content.decode()
    # then: the cached copy from before the deadline is not served
    assert "badge-overdue" in page


# What steps 6 and 10 produce


def test_the_development_step_compares_two_versions_of_the_document():
    # given: two drafts of the lead agency at step 6
    _person, ministry = _member("ministry_agency")
    programme = ProgrammeFactory(current_step=6, lead_agency=ministry)
    for version, clauses in ((1, ["Sirens.", "A hotline."]), (2, ["Sirens.", "A free hotline."])):
        _contribution(
            programme,
            ministry,
            type="draft",
            title=f"Draft {version}",
            data={"version": version, "clauses": [{"text": t} for t in clauses]},
        )
    client = Client()
    # when: anyone opens the step, then asks for the reverse comparison
    page = _page(client.get(f"/programmes/{programme.pk}/steps/6/"))
    reverse = _page(client.get(f"/programmes/{programme.pk}/steps/6/?from=2&to=1"))
    bad = _page(client.get(f"/programmes/{programme.pk}/steps/6/?from=1&to=7"))
    # then: the latest two by default, with the inserted word marked; the reverse deletes it
    assert "Changes from version 1 to version 2" in page
    assert "<tr><td>Sirens.</td>" in page
    assert "<tr><td>A free hotline.</td>" in page
    assert "&quot;clauses&quot;" not in page  # the text, not its JSON
    assert "<ins>free </ins>" in page
    assert "<del>free </del>" in reverse
    assert "There is no version 7 of the document that you may see." in bad


def test_the_review_step_shows_achievement_and_closes_into_a_new_cycle(
    django_capture_on_commit_callbacks,
):
    # given: a programme at step 10 with an adopted indicator, measured, and a review
    person, ministry = _member("ministry_agency")
    programme = ProgrammeFactory(current_step=10, lead_agency=ministry, title="Care at home")
    objective = _contribution(
        programme,
        ministry,
        step=3,
        type="objective",
        title="More carers",
        data={"indicators": [{"name": "Carers", "unit": "people", "baseline": 100, "target": 300}]},
    )
    _contribution(
        programme, ministry, step=3, type="adoption", data={"objective_ids": [objective.pk]}
    )
    _contribution(
        programme,
        ministry,
        step=9,
        type="progress_report",
        data={
            "task_id": 1,
            "percent": 100,
            "measurements": [{"objective_id": objective.pk, "indicator": "Carers", "value": 250}],
        },
    )
    _contribution(programme, ministry, type="review", title="Review")
    client = signed_in_client(person)
    # when
    page = _page(client.get(f"/programmes/{programme.pk}/steps/10/"))
    response = client.post(
        f"/programmes/{programme.pk}/steps/10/new-cycle/", {"cycle-title": ""}, follow=True
    )
    # then: 75 % of the way from 100 to 300; the next cycle opens, linked both ways
    assert "Achievement of the objectives" in page
    assert "75 %" in page
    assert "Close and open the next cycle" in page
    successor = Programme.objects.get(previous_cycle=programme)
    assert successor.title == "Care at home (cycle 2)"
    assert response.redirect_chain[-1][0] == f"/programmes/{successor.pk}/"
    assert "The programme is closed and its next cycle is open at step 1." in _page(response)
    programme.refresh_from_db()
    assert programme.status == "closed"
    # the new cycle is at step 1, not public yet: its participants see the link, the public not
    assert "Care at home (cycle 2)" in _page(client.get(f"/programmes/{programme.pk}/"))
    assert "Care at home (cycle 2)" not in _page(Client().get(f"/programmes/{programme.pk}/"))
    Programme.objects.filter(pk=successor.pk).update(current_step=2)
    # (what the successor's advance does once it commits: bump both cycles' page versions)
    from govhub.programmes.versions import programme_changed

    with django_capture_on_commit_callbacks(execute=True):
        programme_changed(successor.pk, programme.pk)
    assert "Care at home (cycle 2)" in _page(Client().get(f"/programmes/{programme.pk}/"))


@pytest.mark.parametrize(("language", "name"), [("en", "Ministry of Water"), ("fa-af", "وزارت آب")])
def test_the_history_names_the_deciding_body_in_the_page_language(language, name):
    # given: step 2 closed by a ministry (with a Dari name), sent back later by it, reason given
    ministry = OrganisationFactory(
        kind="ministry_agency", name="Ministry of Water", name_translations={"fa-af": "وزارت آب"}
    )
    programme = ProgrammeFactory(current_step=3)
    for action, from_step, to_step in (("advance", 1, 2), ("advance", 2, 3)):
        decision_create(
            programme=programme,
            action=action,
            from_step=from_step,
            to_step=to_step,
            actor=UserFactory(),
            organisation=ministry,
        )
    client = Client(headers={"Accept-Language": language})
    # when
    detail = _page(client.get(f"/programmes/{programme.pk}/"))
    step = _page(client.get(f"/programmes/{programme.pk}/steps/2/"))
    # then: the body is named in the history table, the timeline and on the closed step
    assert detail.count(name) >= 3  # two rows of the history, the timeline of steps 1 and 2
    assert name in step
