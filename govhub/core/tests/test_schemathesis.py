"""The API against its own OpenAPI document: schemathesis generates requests for every operation,
valid and invalid, with the token of each role, and every answer must be documented, in its
documented shape, never a server error, and never a success for an invalid request.

Runs in-process against the WSGI application, inside pytest-django's test database: each
example is rolled back, so every one meets the same small world (two organisations, programmes
at steps 1, 6 and 10, the shipped Survey editions).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from conftest import token_for
from govhub.core.api import document_issue
from govhub.indices import actions as indices_actions
from govhub.programmes import actions as programme_actions
from govhub.programmes.tests.factories import ProgrammeFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
ROLES = ["anonymous", "citizen", "business_manager", "ministry_manager", "staff"]
# Examples per operation and role, in each mode: reads are cheap, writes touch more rows.
EXAMPLES = {"get": 25, "write": 15}

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = WSGIHandler()


@pytest.fixture(scope="module", autouse=True)
def survey(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The shipped Survey editions, imported once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        indices_actions.indices_import()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(ministry: Any, business_org: Any, ministry_manager: Any) -> dict[str, list[Any]]:
    """Real values for path and query parameters, so requests reach past the 404."""
    steps = [ProgrammeFactory(initiator=ministry, current_step=s) for s in (1, 10)]
    drafting = ProgrammeFactory(initiator=ministry, current_step=6, lead_agency=ministry)
    for version in (1, 2):
        programme_actions.contribution_add(
            actor=ministry_manager,
            programme_id=drafting.pk,
            organisation_id=ministry.pk,
            payload={
                "type": "draft",
                "title": f"Draft {version}",
                "data": {"clauses": [{"text": f"Clause {n}."} for n in range(version + 1)]},
            },
        )
    steps += [drafting, ProgrammeFactory(initiator=business_org, current_step=2)]
    document = document_issue(
        actor=ministry_manager,
        title="Programme approval",
        number_prefix="GH",
        legal_status="Decision of the ministry",
        text="The ministry approved the programme.",
        issuer_label=ministry.name,
        issuer_organisation_id=ministry.pk,
        subject_type="programmes.programme",
        subject_id=str(drafting.pk),
    )
    years = [2024, 2022, 2003]
    return {
        "programme_id": [p.pk for p in steps],
        "organisation_id": [ministry.pk, business_org.pk],
        "year": years,
        "iso3": ["EST", "AFG", "est"],
        "public_id": [document.public_id],
        "sha256": [document.sha256],
        "from": [*years, 1, 2],
        "to": [*years, 1, 2],
    }


def _token(role: str, request: pytest.FixtureRequest) -> str | None:
    if role == "anonymous":
        return None
    fixture = {"citizen": "user"}.get(role, role)
    return token_for(request.getfixturevalue(fixture))


def _known_values(case: Any, known: dict[str, list[Any]], data: Any) -> None:
    """Put real values in some valid path and query parameters; leave invalid ones be."""
    components = case.meta.components if case.meta else {}
    for location, values in (
        (ParameterLocation.PATH, case.path_parameters),
        (ParameterLocation.QUERY, case.query),
    ):
        info = components.get(location)
        if not values or (info is not None and info.mode.is_negative):
            continue
        for name in list(values):
            if name in known and data.draw(st.booleans()):
                values[name] = data.draw(st.sampled_from(known[name]))


def _run_operation(operation: Any, token: str | None, known: dict[str, list[Any]]) -> int:
    """Run the generated examples of one operation; return how many were sent."""
    # The werkzeug client does not decompress: ask for the plain body.
    headers = {"Accept-Encoding": "identity"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    sent = 0
    limit = EXAMPLES["get" if operation.method.lower() == "get" else "write"]
    raw = operation.definition.raw
    modes = [GenerationMode.POSITIVE]
    if raw.get("parameters") or "requestBody" in raw:
        modes.append(GenerationMode.NEGATIVE)  # without input there is nothing to make invalid
    for mode in modes:
        strategy = operation.as_strategy(generation_mode=mode)

        @settings(
            max_examples=limit,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def run(case: Any, data: Any) -> None:
            nonlocal sent
            _known_values(case, known, data)
            sent += 1
            with transaction.atomic():
                try:
                    case.call_and_validate(headers=headers, checks=CHECKS)
                finally:
                    transaction.set_rollback(True)

        run()
    return sent


@pytest.mark.django_db
def test_every_operation_documents_its_error_responses_with_the_envelope():
    # given: the published OpenAPI document
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    validate(document)
    # when: its error responses are gathered per operation
    errors = {
        f"{method.upper()} {path}": {
            status: response["content"]["application/json"]["schema"]
            for status, response in operation["responses"].items()
            if int(status) >= 400
        }
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    # then: each lists the errors it can give, each with the one shared envelope
    write_errors = ["400", "401", "403", "404", "409", "413", "415", "422"]
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert document["components"]["schemas"]["ErrorEnvelope"]["required"] == ["error"]
    assert {schema for op in errors.values() for schema in map(str, op.values())} == {str(envelope)}
    assert sorted(errors["GET /api/v1/governance-model"]) == ["400", "401"]
    assert sorted(errors["GET /api/v1/programmes/{programme_id}"]) == ["400", "401", "404"]
    assert sorted(errors["POST /api/v1/programmes"]) == write_errors
    assert sorted(errors["POST /api/v1/programmes/{programme_id}/advance"]) == write_errors
    # a public operation needs no permission, so it never answers 403
    assert "403" not in errors["GET /api/v1/organisations/{organisation_id}"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_the_openapi_document(
    role: str,
    request: pytest.FixtureRequest,
    world: dict[str, list[Any]],
    in_process_requests: None,
) -> None:
    # given: a token of this role (none for anonymous) and a world to reach
    token = _token(role, request)
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    failures: dict[str, str] = {}
    sent: dict[str, int] = {}
    # when: each operation meets its generated requests, valid and invalid
    for operation in operations:
        try:
            sent[operation.label] = _run_operation(operation, token, world)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - one report for all
            failures[operation.label] = str(exc)
    # then: no server error, no undocumented answer or shape, no invalid request accepted
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert len(operations) >= 30
    assert min(sent.values()) >= 1, sent
