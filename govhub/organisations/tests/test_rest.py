from __future__ import annotations

import pytest

from govhub.core.models import AuditEntry
from govhub.core.testing import assert_nothing_written
from govhub.organisations.models import Organisation
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_me_returns_the_person_and_their_organisations(api_client, ministry, ministry_manager):
    response = api_client.as_user(ministry_manager).get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": ministry_manager.pk,
        "email": ministry_manager.email,
        "full_name": ministry_manager.full_name,
        "is_staff": False,
        "memberships": [
            {
                "organisation_id": ministry.pk,
                "organisation_name": "Ministry of Digital Development",
                "kind": "ministry_agency",
                "sector": "government",
                "role": "manager",
            }
        ],
    }


def test_list_is_public_paginated_and_filtered(api_client):
    # given
    province = OrganisationFactory(kind="local_body", name="A Province")
    OrganisationFactory(kind="local_body", name="B Town", parent=province)
    OrganisationFactory(kind="business", subtype="large", name="C Telecom")
    # when
    everything = api_client.get("/organisations").json()
    local = api_client.get("/organisations", kind="local_body").json()
    business = api_client.get("/organisations", sector="business").json()
    paged = api_client.get("/organisations", page=2, page_size=2).json()
    # then
    assert everything["count"] == 3
    first = everything["items"][0]
    assert {k: first[k] for k in ("id", "name", "kind", "sector", "parent_id")} == {
        "id": province.pk,
        "name": "A Province",
        "kind": "local_body",
        "sector": "government",
        "parent_id": None,
    }
    assert [o["name"] for o in local["items"]] == ["A Province", "B Town"]
    assert local["items"][1]["parent_id"] == province.pk
    assert [o["name"] for o in business["items"]] == ["C Telecom"]
    assert business["items"][0]["subtype"] == "large"
    assert paged == {
        "count": 3,
        "count_exact": True,
        "items": [paged["items"][0]],
        "next_cursor": "",
    }
    assert paged["items"][0]["name"] == "C Telecom"


def test_list_rejects_bad_filters_with_the_envelope(api_client):
    response = api_client.get("/organisations", kind="planet")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert response.json()["error"]["details"][0]["loc"] == ["query", "kind"]
    too_big = api_client.get("/organisations", page_size=5000)
    assert too_big.status_code == 400


def test_get_one_and_404_for_missing_or_inactive(api_client, ministry):
    assert api_client.get(f"/organisations/{ministry.pk}").json()["name"] == ministry.name
    hidden = OrganisationFactory(is_active=False)
    for missing in (hidden.pk, 999999):
        response = api_client.get(f"/organisations/{missing}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_staff_creates_over_the_api_and_it_is_audited(api_client, staff):
    response = api_client.as_user(staff).send(
        "POST",
        "/organisations",
        {
            "name": "Green Valley Society",
            "kind": "cso",
            "subtype": "ngo",
            "name_translations": {"ru": "Зелёная долина"},
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["sector"], body["subtype"]) == (
        "Green Valley Society",
        "civil_society",
        "ngo",
    )
    assert Organisation.objects.get(pk=body["id"]).name_translations == {"ru": "Зелёная долина"}
    assert AuditEntry.objects.filter(verb="organisation.create", target_id=str(body["id"])).exists()


def test_create_needs_a_token_and_the_right(api_client, user):
    # given
    payload = {"name": "X", "kind": "higher_body"}
    # when
    with assert_nothing_written():
        anonymous = api_client.send("POST", "/organisations", payload)
    # then
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    # when
    client = api_client.as_user(user)
    with assert_nothing_written():
        denied = client.send("POST", "/organisations", payload)
    # then
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"


def test_create_with_bad_input_is_400_or_422_and_writes_nothing(api_client, staff, business_org):
    # given
    client = api_client.as_user(staff)
    # when
    with assert_nothing_written():
        missing = client.send("POST", "/organisations", {"kind": "cso"})
        subtype = client.send(
            "POST", "/organisations", {"name": "X", "kind": "cso", "subtype": "large"}
        )
        parent = client.send(
            "POST",
            "/organisations",
            {"name": "X", "kind": "local_body", "parent_id": business_org.pk},
        )
        not_json = client.client.post(
            "/api/v1/organisations",
            "{not json",
            content_type="application/json",
            headers=client._headers(),
        )
    # then
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "invalid_input"
    assert subtype.status_code == 400
    assert subtype.json()["error"]["code"] == "invalid_subtype"
    assert parent.status_code == 422
    assert parent.json()["error"]["code"] == "invalid_parent_kind"
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "invalid_json"


def test_manager_patches_own_organisation_only(
    api_client, ministry, ministry_manager, business_org
):
    client = api_client.as_user(ministry_manager)
    ok = client.send(
        "PATCH", f"/organisations/{ministry.pk}", {"website": "https://digital.example"}
    )
    assert ok.status_code == 200
    assert ok.json()["website"] == "https://digital.example"
    with assert_nothing_written(Organisation, AuditEntry):
        other = client.send("PATCH", f"/organisations/{business_org.pk}", {"name": "Mine now"})
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "permission_denied"


def test_member_without_manager_role_cannot_patch(api_client, ministry):
    # given
    client = api_client.as_user(MembershipFactory(organisation=ministry, role="member").user)
    # when
    with assert_nothing_written(Organisation, AuditEntry):
        response = client.send("PATCH", f"/organisations/{ministry.pk}", {"name": "x"})
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_out_of_range_numbers_and_nul_bytes_are_clean_errors(api_client):
    OrganisationFactory(name="Alpha")
    huge = api_client.get("/organisations", page=10**20)
    assert huge.status_code == 400
    assert api_client.get("/organisations/99999999999999999999999").status_code == 404
    nul = api_client.get("/organisations", q="Al\x00pha")
    assert nul.status_code == 200
    assert [o["name"] for o in nul.json()["items"]] == ["Alpha"]


def test_nul_in_an_organisation_name_is_refused(api_client, staff):
    # given
    client = api_client.as_user(staff)
    # when
    with assert_nothing_written():
        response = client.send(
            "POST", "/organisations", {"name": "Evil\x00Corp", "kind": "higher_body"}
        )
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_text"


@pytest.mark.parametrize(
    ("field", "status", "code", "stored"),
    [
        # null clears a field, as in a JSON merge patch
        ("name_translations", 200, None, {}),
        ("description", 200, None, ""),
        ("contact_email", 200, None, ""),
        ("phone", 200, None, ""),
        ("address", 200, None, ""),
        ("website", 200, None, ""),
        ("parent_id", 200, None, None),
        # ...except where a value is required or the field is a registry fact
        ("name", 400, "invalid_name", "BrightPath Software"),
        ("subtype", 400, "invalid_subtype", "small"),
        ("kind", 403, "field_not_editable", "business"),
    ],
)
def test_patch_with_null_clears_or_is_a_clean_4xx(
    api_client, business_org, business_manager, field, status, code, stored
):
    # given: a business with every clearable field filled in
    Organisation.objects.filter(pk=business_org.pk).update(
        name_translations={"ru": "БрайтПас"},
        description="Software",
        contact_email="info@brightpath.example",
        phone="+1 555 0100",
        address="1 Main Street",
        website="https://brightpath.example",
    )
    client = api_client.as_user(business_manager)
    audit_before = AuditEntry.objects.count()
    # when
    if code is None:
        response = client.send("PATCH", f"/organisations/{business_org.pk}", {field: None})
    else:
        with assert_nothing_written(Organisation, AuditEntry):
            response = client.send("PATCH", f"/organisations/{business_org.pk}", {field: None})
    # then
    assert response.status_code == status
    business_org.refresh_from_db()
    assert getattr(business_org, field) == stored
    if code is None:
        assert response.json()[field] == stored
        expected_entries = audit_before + (0 if field == "parent_id" else 1)
        assert AuditEntry.objects.count() == expected_entries
    else:
        assert response.json()["error"]["code"] == code
