from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.utils.translation import trans_real

FAKE_RUSSIAN = {"World": "Мир", "Unknown": "Неизвестно"}


@pytest.fixture
def russian_world() -> Iterator[None]:
    """A Russian catalogue that translates "World" and "Unknown", whatever the shipped one
    holds: the tests must hold while the catalogues are being filled."""
    catalogue = cast(Any, trans_real.translation("ru"))._catalog._catalogs[0]
    saved = {k: catalogue[k] for k in FAKE_RUSSIAN if k in catalogue}
    catalogue.update(FAKE_RUSSIAN)
    yield
    for key in FAKE_RUSSIAN:
        catalogue.pop(key, None)
    catalogue.update(saved)
