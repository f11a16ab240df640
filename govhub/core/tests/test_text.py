"""The shared text check: text that cannot be stored (NUL, lone surrogates) or that could show
as something else (bidirectional overrides) is refused at every entry point, writing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client, token_for
from govhub.accounts.models import ApiToken
from govhub.core.errors import InvalidInput, reject_nul
from govhub.core.models import AuditEntry, IssuedDocument
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.programmes.models import Contribution, Programme
from govhub.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

# "Alpha<RLO>gnp.exe" shows as "Alphaexe.png"; the isolates and embeddings reorder as well.
BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
SPOOFED = "BrightPath \u202egnp.exe"
REFUSAL = (
    "The text contains an invisible character that changes the reading direction "
    "(U+202A to U+202E or U+2066 to U+2069). Remove it and try again."
)


@pytest.fixture
def manager() -> Any:
    organisation = OrganisationFactory(kind="cso", subtype="ngo", name="Elder Care Network")
    return MembershipFactory(organisation=organisation, role="manager")


def _written() -> tuple[int, ...]:
    return (
        AuditEntry.objects.count(),
        Programme.objects.count(),
        Contribution.objects.count(),
        ApiToken.objects.count(),
        IssuedDocument.objects.count(),
    )


def _api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user)}"})


@pytest.mark.parametrize("control", BIDI_CONTROLS)
def test_each_bidi_embedding_override_and_isolate_is_refused(control):
    # when / then
    with pytest.raises(InvalidInput) as refused:
        reject_nul({"data": [f"a{control}b"]})
    assert (refused.value.code, refused.value.message) == ("invalid_text", REFUSAL)


def test_direction_marks_and_ordinary_dari_text_stay_allowed():
    # given Dari with the left-to-right and right-to-left marks, and a zero-width non-joiner
    text = "وزارت مخابرات\u200e (MCIT)\u200f می\u200cخواهد"  # noqa: RUF001
    # when / then nothing is refused
    reject_nul(text, {"name": text})


def test_the_api_refuses_a_spoofed_organisation_name_and_writes_nothing(manager):
    # given
    organisation = manager.organisation
    client = _api(manager.user)
    before = _written()
    # when the name, then a translation of it, carries an override
    for body in ({"name": SPOOFED}, {"name_translations": {"ru": SPOOFED}}):
        response = client.patch(
            f"/api/v1/organisations/{organisation.pk}", body, content_type="application/json"
        )
        # then
        assert response.status_code == 400
        assert response.json()["error"] == {"code": "invalid_text", "message": REFUSAL}
    organisation.refresh_from_db()
    assert (organisation.name, organisation.name_translations) == ("Elder Care Network", {})
    assert _written() == before


def test_the_manage_form_refuses_a_spoofed_organisation_name_and_writes_nothing(manager):
    # given
    organisation = manager.organisation
    client = signed_in_client(manager.user)
    before = _written()
    # when
    response = client.post(
        f"/organisations/{organisation.pk}/manage/",
        {"name": SPOOFED, "kind": "cso", "subtype": "ngo"},
    )
    # then the form says why, and nothing changed
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Elder Care Network"
    assert _written() == before


def test_the_api_refuses_a_spoofed_programme_title_or_contribution_and_writes_nothing(manager):
    # given a programme the manager's organisation may contribute to (step 1)
    programme = ProgrammeFactory(initiator=manager.organisation, title="Too few carers")
    client = _api(manager.user)
    before = _written()
    # when
    created = client.post("/api/v1/programmes", {"title": SPOOFED}, content_type="application/json")
    contributed = [
        client.post(
            f"/api/v1/programmes/{programme.pk}/contributions",
            {"type": "problem", "title": "Carers", **fields},
            content_type="application/json",
        )
        for fields in ({"title": SPOOFED}, {"body": SPOOFED}, {"data": {"note": SPOOFED}})
    ]
    # then
    for response in (created, *contributed):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_text"
    assert _written() == before


def test_the_programme_form_refuses_a_spoofed_title_and_writes_nothing(manager):
    # given
    client = signed_in_client(manager.user)
    before = _written()
    # when
    response = client.post("/programmes/new/", {"title": SPOOFED, "summary": "S"})
    # then
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert _written() == before


def test_the_token_form_refuses_a_spoofed_name_and_writes_nothing(user):
    # given
    client = signed_in_client(user)
    before = _written()
    # when
    response = client.post("/account/", {"name": f"ci {SPOOFED}"})
    # then
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert _written() == before


@pytest.mark.usefixtures("document_signing")
@pytest.mark.parametrize("field", ["title", "legal_status", "issuer_label", "text"])
def test_an_issued_document_refuses_a_spoofed_field_and_issues_nothing(field):
    # given
    from govhub.core.api import document_issue

    fields = {
        "title": "Programme approval",
        "legal_status": "Decision",
        "issuer_label": "Elder Care Network",
        "text": "Approved.",
        field: SPOOFED,
    }
    before = _written()
    # when
    with pytest.raises(InvalidInput) as refused:
        document_issue(
            actor=None,
            number_prefix="GH",
            issuer_organisation_id=7,
            subject_type="programmes.programme",
            subject_id="42",
            **fields,
        )
    # then
    assert (refused.value.code, refused.value.details) == ("invalid_text", {"field": field})
    assert _written() == before


def test_a_name_from_the_e_id_is_taken_without_its_bidi_controls():
    # given an e-ID whose name claim carries an override (a claim cannot be refused)
    from allauth.socialaccount.models import SocialAccount, SocialLogin
    from django.test import RequestFactory

    from govhub.accounts.adapters import SocialAccountAdapter
    from govhub.accounts.models import User

    claims = {"userinfo": {"name": f"Nino {SPOOFED}", "email": "nino@example.org"}}
    login = SocialLogin(
        user=User(), account=SocialAccount(provider="openid_connect", extra_data=claims)
    )
    # when the person is made from the claims
    user = SocialAccountAdapter().populate_user(
        RequestFactory().get("/"), login, {"email": "nino@example.org"}
    )
    # then the name keeps its letters, not the override
    assert user.full_name == "Nino BrightPath gnp.exe"
