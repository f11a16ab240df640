from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[" * 1000 + "]" * 1000, "json_too_deep"),
        ('{"a": NaN}', "number_out_of_range"),
        ('{"a": Infinity}', "number_out_of_range"),
        ('{"a": 1e400}', "number_out_of_range"),
        ('{"a": 9223372036854775808}', "number_out_of_range"),
        ('{"a": ', "invalid_json"),
        ('"hello"', "invalid_input"),
        ("[1, 2]", "invalid_input"),
    ],
)
def test_junk_json_is_400_with_a_stable_code_and_costs_no_query(
    body, code, django_assert_num_queries
):
    # given an anonymous client (no session, no token)
    client = Client()
    # when it posts junk to a write endpoint
    with django_assert_num_queries(0):
        response = client.post("/api/v1/programmes", body, content_type="application/json")
    # then the parser refuses it before authentication, with a stable code
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
