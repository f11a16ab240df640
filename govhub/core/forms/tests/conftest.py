from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

import pytest

from govhub.core.forms import ReferenceSource, reference_source_register
from govhub.core.forms.registry import reference_source, reference_source_unregister
from govhub.core.tests.browser import browser, browser_context, live_url, page  # noqa: F401

ORGANISATIONS = {7: "Ministry of Health", 8: "Ministry of Roads"}


def _choices(context: Mapping[str, Any]) -> list[tuple[int, str]]:
    return sorted(ORGANISATIONS.items())


def _resolve(ids: Collection[int]) -> dict[int, tuple[str, str | None]]:
    return {i: (ORGANISATIONS[i], f"/organisations/{i}/") for i in ids if i in ORGANISATIONS}


@pytest.fixture
def organisations() -> Iterator[None]:
    """Organisation pickers answered from a fixed list (as the organisations app would); the
    app's own source comes back afterwards (later tests of other apps use it)."""
    before = reference_source("organisation")
    reference_source_register(ReferenceSource("organisation", _choices, _resolve))
    yield
    if before is None:
        reference_source_unregister("organisation")
    else:
        reference_source_register(before)
