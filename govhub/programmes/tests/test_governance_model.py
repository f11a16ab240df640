from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from govhub.programmes.governance import (
    DEFAULT_PATH,
    GovernanceModelError,
    current_model,
    parse,
)

ROOT = Path(__file__).resolve().parents[3]
KNOWN = {
    "higher_body": "government",
    "ministry_agency": "government",
    "local_body": "government",
    "business": "business",
    "cso": "civil_society",
}

# The seed's "Decision Making Process of ISG", spelled out.
SEED = {
    "phases": [
        {"number": 1, "name": "Exposing a problem", "steps": [1, 2, 3, 4]},
        {"number": 2, "name": "Working out a program", "steps": [5, 6, 7, 8]},
        {"number": 3, "name": "Realizing a program", "steps": [9, 10]},
    ],
    "steps": [
        {"number": 1, "name": "Identification / exposure of a problem", "phase": 1},
        {"number": 2, "name": "Formation of a special intersectoral commission", "phase": 1},
        {"number": 3, "name": "Formulation of major objectives", "phase": 1},
        {"number": 4, "name": "Designation of a responsible agency", "phase": 1},
        {"number": 5, "name": "Working out a program", "phase": 2},
        {"number": 6, "name": "Development of a program", "phase": 2},
        {"number": 7, "name": "Assessment of a program", "phase": 2},
        {"number": 8, "name": "Issuance of a document", "phase": 2},
        {"number": 9, "name": "Implementation of a program", "phase": 3},
        {"number": 10, "name": "Review of results", "phase": 3},
    ],
    "organisation_kinds": [
        {
            "key": "higher_body",
            "sector": "government",
            "name": "Higher governing bodies (President, Parliament etc.)",
        },
        {"key": "ministry_agency", "sector": "government", "name": "Ministries / Agencies"},
        {
            "key": "local_body",
            "sector": "government",
            "name": "Local (provincial) governing bodies",
        },
        {"key": "business", "sector": "business", "name": "Large, Small & Medium Business"},
        {
            "key": "cso",
            "sector": "civil_society",
            "name": "CSOs (NGOs, unions, public chambers etc.)",
        },
    ],
    "participation": {
        "higher_body": [1, 3, 4, 8, 10],
        "ministry_agency": [1, 2, 3, 5, 6, 7, 9, 10],
        "local_body": [1, 2, 3, 5, 6, 7, 9, 10],
        "business": [1, 3, 5, 9],
        "cso": [1, 3, 5, 9],
    },
}


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(DEFAULT_PATH.read_text())
    return raw


@pytest.mark.django_db
def test_api_returns_exactly_the_seeds_model():
    response = Client().get("/api/v1/governance-model")
    assert response.status_code == 200
    assert response.json() == SEED


def test_default_model_answers_the_matrix():
    model = current_model()
    assert model.kinds_at(2) == ["ministry_agency", "local_body"]
    assert model.kinds_at(4) == ["higher_body"]
    assert model.kinds_at(8) == ["higher_body"]
    assert model.may_take_part("business", 9)
    assert not model.may_take_part("business", 2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: m["organisation_kinds"].append({"key": "church", "sector": "civil_society"}),
            "unknown organisation kind 'church'",
        ),
        (
            lambda m: m["participation"]["cso"].append(11),
            "step 11 in the participation of 'cso' is out of range 1-10",
        ),
        (
            lambda m: [v.remove(4) for v in m["participation"].values() if 4 in v],
            "no organisation kind may act at step 4",
        ),
        (lambda m: m["steps"].pop(3), "steps must be numbered 1 to 9 in order"),
        (
            lambda m: m["organisation_kinds"][3].update(sector="government"),
            "kind 'business' belongs to sector 'business'",
        ),
        (
            lambda m: m["participation"].update(guild=[1]),
            "participation names unknown organisation kind 'guild'",
        ),
        (lambda m: m.pop("phases"), "missing 'phases'"),
    ],
)
def test_a_broken_model_is_refused_with_its_problem_named(change, message):
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(GovernanceModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(raw, KNOWN)


def test_a_broken_model_file_stops_start_up_with_a_clear_error(tmp_path):
    raw = _raw()
    raw["participation"]["cso"] = [1, 12]
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps(raw))
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_"))}
    result = subprocess.run(
        [sys.executable, "-m", "govhub.cli", "check"],
        env={
            **clean,
            "DJANGO_DEBUG": "1",
            "GOVHUB_GOVERNANCE_MODEL": str(bad),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert (
        f"governance model {bad}: step 12 in the participation of 'cso' is out of range"
        in result.stderr
    )


@pytest.mark.django_db
def test_a_deployment_can_use_another_model(tmp_path):
    from govhub.programmes import governance

    raw = _raw()
    raw["version"] = "three-steps"
    raw["phases"] = [{"number": 1, "name": "All", "steps": [1, 2, 3]}]
    raw["steps"] = [{"number": n, "name": f"Step {n}", "phase": 1} for n in (1, 2, 3)]
    raw["participation"] = {k: [1, 2, 3] for k in raw["participation"]}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(raw))
    governance._cached.cache_clear()
    try:
        with override_settings(GOVHUB_GOVERNANCE_MODEL=str(path)):
            body = Client().get("/api/v1/governance-model").json()
            assert [s["name"] for s in body["steps"]] == ["Step 1", "Step 2", "Step 3"]
    finally:
        governance._cached.cache_clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Formation of a special intersectoral commission"),
        ("ru", "Формирование"),
        ("fa-af", "کمیسیون"),
    ],
)
def test_matrix_page_in_every_language(language, expected):
    page = Client().get("/programmes/governance-model/", headers={"Accept-Language": language})
    body = page.content.decode()
    assert page.status_code == 200
    assert expected in body
    assert body.count('aria-hidden="true">●</span>') == 5 + 8 + 8 + 4 + 4
