"""Shared test fixtures: people, organisations, API clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govhub.accounts.tests.factories import UserFactory, totp_enable
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate-limit counters live in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    # A request in another language leaves it active in the thread (LocaleMiddleware never
    # deactivates); each test starts, and ends, in the default language.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def user(db: Any) -> Any:
    return UserFactory()


@pytest.fixture
def staff(db: Any) -> Any:
    return UserFactory(is_staff=True)


@pytest.fixture
def ministry(db: Any) -> Any:
    return OrganisationFactory(kind="ministry_agency", name="Ministry of Digital Development")


@pytest.fixture
def business_org(db: Any) -> Any:
    return OrganisationFactory(kind="business", subtype="small", name="BrightPath Software")


@pytest.fixture
def ministry_manager(ministry: Any) -> Any:
    return MembershipFactory(organisation=ministry, role="manager").user


@pytest.fixture
def business_manager(business_org: Any) -> Any:
    return MembershipFactory(organisation=business_org, role="manager").user


def token_for(user: Any) -> str:
    """A new API token of `user`, who is given a second factor first (as if enrolled), so the
    token works whatever organisations they join."""
    from govhub.accounts.api import token_create

    totp_enable(user)
    return token_create(actor=user, user=user, name="test").secret


@pytest.fixture
def api_client() -> Any:
    """A client that speaks JSON to /api/v1/ with an optional Bearer token."""

    class ApiClient:
        def __init__(self) -> None:
            self.client = Client()
            self.token: str | None = None

        def as_user(self, user: Any) -> ApiClient:
            self.token = token_for(user)
            return self

        def _headers(self) -> dict[str, str]:
            return {"Authorization": f"Bearer {self.token}"} if self.token else {}

        def get(self, path: str, **params: Any) -> Any:
            return self.client.get(f"/api/v1{path}", params, headers=self._headers())

        def send(
            self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
        ) -> Any:
            import json

            return self.client.generic(
                method,
                f"/api/v1{path}",
                json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={**self._headers(), **(headers or {})},
            )

    return ApiClient()


def signed_in_client(user: Any) -> Client:
    """A client signed in as `user`, who is given a second factor first (as if enrolled), so
    the session passes the MFA check whatever organisations they join."""
    totp_enable(user)
    client = Client()
    client.force_login(user)
    return client


from govhub.core.testing import document_signing, signing_dir  # noqa: E402


@pytest.fixture(autouse=True)
def _signing_in_tmp(document_signing: Any) -> None:
    """Every test signs documents with a session key in a temporary directory, never var/."""


__all__ = ["document_signing", "signing_dir"]
