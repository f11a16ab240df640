from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client, override_settings

from govhub.core.workflow.definition import parse
from govhub.programmes.governance import (
    DEFAULT_PATH,
    GovernanceModelError,
    current_model,
    from_definition,
)

ROOT = Path(__file__).resolve().parents[3]
KNOWN = {
    "higher_body": "government",
    "ministry_agency": "government",
    "local_body": "government",
    "business": "business",
    "cso": "civil_society",
}

# The seed's "Decision Making Process of ISG", spelled out: what happens at each step (the
# artefact types, the step that issues the document, the drafts and the review) is the model's.
TYPES = {
    1: ["problem", "evidence"],
    2: ["commission_member"],
    3: ["objective", "adoption"],
    4: ["designation"],
    5: ["proposal", "position", "answer"],
    6: ["draft"],
    7: ["assessment", "answer"],
    8: ["comment"],
    9: ["task", "progress_report"],
    10: ["review"],
}
TAGS = {6: ["holds_drafts"], 8: ["issues_document"], 10: ["holds_review"]}
SEED = {
    "workflow": "isg-programme:1",
    "phases": [
        {"number": 1, "name": "Exposing a problem", "steps": [1, 2, 3, 4]},
        {"number": 2, "name": "Working out a program", "steps": [5, 6, 7, 8]},
        {"number": 3, "name": "Realizing a program", "steps": [9, 10]},
    ],
    "steps": [
        {"number": n, "name": name, "phase": phase, "types": TYPES[n], "tags": TAGS.get(n, [])}
        for n, name, phase in [
            (1, "Identification / exposure of a problem", 1),
            (2, "Formation of a special intersectoral commission", 1),
            (3, "Formulation of major objectives", 1),
            (4, "Designation of a responsible agency", 1),
            (5, "Working out a program", 2),
            (6, "Development of a program", 2),
            (7, "Assessment of a program", 2),
            (8, "Issuance of a document", 2),
            (9, "Implementation of a program", 3),
            (10, "Review of results", 3),
        ]
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
    raw: dict[str, Any] = yaml.safe_load(DEFAULT_PATH.read_text())
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
    assert (model.tagged("issues_document"), model.step_of("closed")) == ([8], 10)


def _state(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in raw["states"] if s["key"] == key)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: _state(m, "step_3")["participants"].append("church"),
            "step 'step_3' names unknown kinds ['church']",
        ),
        (
            lambda m: m["states"].append({"key": "archived", "name": "Archived", "final": True}),
            "a programme's model has exactly one final state",
        ),
        (
            lambda m: _state(m, "step_6")["tags"].append("prints_money"),
            "step 'step_6' has unknown tags ['prints_money']",
        ),
        (
            lambda m: m.update(
                transitions=[
                    t for t in m["transitions"] if (t["name"], t["from"]) != ("advance", "step_4")
                ]
            ),
            "step 'step_4' needs a transition 'advance' to 'step_5'",
        ),
        (
            lambda m: _state(m, "step_5").pop("phase"),
            "step 'step_5' needs one of the phases",
        ),
    ],
)
def test_a_broken_model_is_refused_with_its_problem_named(change, message):
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(GovernanceModelError, match=message.replace("[", r"\[").replace("]", r"\]")):
        from_definition(parse(raw), KNOWN)


def _check(tmp_path: Path, raw: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    bad = tmp_path / "isg-programme.yaml"
    bad.write_text(yaml.safe_dump(raw))
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GOVHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "govhub.cli", "check"],
        env={
            **clean,
            "DJANGO_DEBUG": "1",
            "GOVHUB_WORKFLOWS": str(bad),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_broken_model_file_stops_start_up_with_a_clear_error(tmp_path):
    # given: a step of kinds GovHub does not know, and a guard nobody registered
    raw = _raw()
    raw["version"] = 2
    _state(raw, "step_3")["participants"].append("church")
    _state(raw, "step_4")["guards"].append("minister_smiles")
    _state(raw, "step_5")["forms"].append("horoscope")
    # when
    result = _check(tmp_path, raw)
    # then: each problem is named
    assert result.returncode != 0
    assert "step 'step_3' names unknown kinds ['church']" in result.stderr
    assert "state 'step_4': unknown guard 'minister_smiles'" in result.stderr
    assert "state 'step_5': unknown input type 'horoscope'" in result.stderr


@pytest.mark.django_db
def test_a_deployment_can_use_another_model(tmp_path):
    raw = _raw()
    raw["version"] = 2
    raw["states"] = [
        {"key": f"step_{n}", "name": f"Step {n}", "phase": "exposing", "participants": ["cso"]}
        for n in (1, 2, 3)
    ] + [{"key": "closed", "name": "Closed", "final": True}]
    who = ["takes_part"]
    raw["transitions"] = [
        {"name": "advance", "from": "step_1", "to": "step_2", "who": who},
        {"name": "advance", "from": "step_2", "to": "step_3", "who": who},
        {"name": "close", "from": "step_3", "to": "closed", "who": who},
    ]
    path = tmp_path / "three.yaml"
    path.write_text(yaml.safe_dump(raw))
    with override_settings(GOVHUB_WORKFLOWS=[str(path)]):
        body = Client().get("/api/v1/governance-model").json()
    assert [s["name"] for s in body["steps"]] == ["Step 1", "Step 2", "Step 3"]
    assert (body["workflow"], body["participation"]) == ("isg-programme:2", {"cso": [1, 2, 3]})


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
