"""Deny by default: every view, and every API operation, declares who may use it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.constants import NOT_SET

from config.api import api
from govhub.core.permissions import (
    AUTHENTICATED,
    PUBLIC,
    access_of,
    declare,
    is_own_rule,
    predicate_of,
    signed_in,
)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_url_declares_who_may_use_it():
    # given
    routes = list(_walk(get_resolver().url_patterns))
    # when
    undeclared = [route for route, callback in routes if not access_of(callback)]
    # then
    assert len(routes) > 50  # the walk really covers the project, allauth and admin included
    assert undeclared == []


def test_our_own_views_declare_a_rule_rather_than_delegate():
    own = [
        (route, access_of(cb))
        for route, cb in _walk(get_resolver().url_patterns)
        if cb.__module__.startswith("govhub.")
    ]
    assert own, "no GovHub views found"
    assert [r for r, rule in own if not rule or rule.startswith("delegated")] == []


def test_every_own_view_names_public_authenticated_or_a_real_can_predicate():
    # given
    own = [
        (route, access_of(cb))
        for route, cb in _walk(get_resolver().url_patterns)
        if cb.__module__.startswith("govhub.")
    ]
    # when
    unnamed = [(route, rule) for route, rule in own if not is_own_rule(rule)]
    # then
    assert unnamed == []
    named = {rule for _route, rule in own if rule not in (PUBLIC, AUTHENTICATED)}
    assert "govhub.programmes.permissions.can_decide_gate" in named
    assert "govhub.organisations.permissions.can_manage_organisation" in named


@pytest.mark.parametrize(
    "rule",
    [
        "managers of the organisation, and platform staff",  # free text names nothing
        "govhub.programmes.permissions.can_decide_gates",  # a typo
        "govhub.programmes.permissions.access_programme",  # not a can_* predicate
        "govhub.programmes.nowhere.can_decide_gate",  # no such module
        "can_decide_gate",  # not a dotted name
    ],
)
def test_a_declaration_that_names_no_real_can_predicate_is_caught(rule):
    # given
    @signed_in(rule)
    def view(request: Any) -> None: ...

    # when
    declared = access_of(view)
    # then
    assert declared == rule
    assert is_own_rule(declared) is False


def test_a_declaration_by_predicate_records_its_dotted_name():
    # given
    from govhub.programmes import permissions

    @declare(permissions.can_issue)
    def view(request: Any) -> None: ...

    # when
    declared = access_of(view)
    # then
    assert declared == "govhub.programmes.permissions.can_issue"
    assert predicate_of(declared) is permissions.can_issue
    assert is_own_rule(declared) is True


def test_every_api_operation_requires_auth_or_is_declared_public():
    operations = [
        (path, op)
        for _prefix, router in api._routers
        for path, path_view in router.path_operations.items()
        for op in path_view.operations
    ]
    assert operations

    def effective_auth(op: Any) -> Any:
        return api.auth if op.auth_param is NOT_SET else op.auth_param

    open_without_declaration = [
        (path, op.methods)
        for path, op in operations
        if not effective_auth(op) and (op.openapi_extra or {}).get("x-govhub-access") != "public"
    ]
    assert api.auth  # the API's default is: a token is required
    assert open_without_declaration == []
    declared_public = sorted(
        (path, m) for path, op in operations if not effective_auth(op) for m in op.methods
    )
    assert declared_public == [
        ("/documents", "GET"),
        ("/documents/{public_id}/verify", "GET"),
        ("/documents/{public_id}/verify", "POST"),
        ("/forms", "GET"),
        ("/forms/{key}/versions/{version}/schema", "GET"),
        ("/governance-model", "GET"),
        ("/indices/compare", "GET"),
        ("/indices/countries/{iso3}", "GET"),
        ("/indices/editions", "GET"),
        ("/indices/self-assessment", "POST"),
        ("/indices/{int:year}", "GET"),
        ("/indices/{int:year}/aggregates", "GET"),
        ("/indices/{int:year}/leaders", "GET"),
        ("/organisations", "GET"),
        ("/organisations/{organisation_id}", "GET"),
        ("/programmes", "GET"),
        ("/programmes/analytics", "GET"),
        ("/programmes/{programme_id}", "GET"),
        ("/programmes/{programme_id}/achievement", "GET"),
        ("/programmes/{programme_id}/analytics", "GET"),
        ("/programmes/{programme_id}/contributions", "GET"),
        ("/programmes/{programme_id}/decisions", "GET"),
        ("/programmes/{programme_id}/drafts", "GET"),
        ("/programmes/{programme_id}/drafts/diff", "GET"),
        ("/services", "GET"),
        ("/services/{identifier}", "GET"),
        ("/workflows", "GET"),
        ("/workflows/{key}", "GET"),
    ]


def test_every_api_operation_behind_a_token_names_authenticated_or_a_real_can_predicate():
    # given
    operations = [
        (path, op)
        for _prefix, router in api._routers
        for path, path_view in router.path_operations.items()
        for op in path_view.operations
        if (api.auth if op.auth_param is NOT_SET else op.auth_param)
    ]
    # when
    unnamed = [
        (path, op.methods, (op.openapi_extra or {}).get("x-govhub-access"))
        for path, op in operations
        if not is_own_rule((op.openapi_extra or {}).get("x-govhub-access"))
    ]
    # then
    assert len(operations) >= 18
    assert unnamed == []
