"""People and organisations for the services tests: an agency, its official (a manager), a
plain member, an official of another agency, and a business."""

from __future__ import annotations

from typing import Any

import pytest

from govhub.core.tests.browser import browser, browser_context, live_url, page
from govhub.organisations.tests.factories import MembershipFactory, OrganisationFactory
from govhub.services import actions
from govhub.services.tests.factories import service_input


@pytest.fixture
def agency(db: Any) -> Any:
    return OrganisationFactory(kind="ministry_agency", name="Civil Registry Agency")


@pytest.fixture
def other_agency(db: Any) -> Any:
    return OrganisationFactory(kind="ministry_agency", name="State Tax Service")


@pytest.fixture
def official(agency: Any) -> Any:
    return MembershipFactory(organisation=agency, role="manager").user


@pytest.fixture
def member(agency: Any) -> Any:
    return MembershipFactory(organisation=agency, role="member").user


@pytest.fixture
def other_official(other_agency: Any) -> Any:
    return MembershipFactory(organisation=other_agency, role="manager").user


@pytest.fixture
def draft(agency: Any, official: Any) -> Any:
    return actions.service_create(actor=official, data=service_input(agency.pk))


@pytest.fixture
def published(draft: Any, official: Any) -> Any:
    return actions.service_publish(actor=official, service_id=draft.pk)


__all__ = ["browser", "browser_context", "live_url", "page"]
