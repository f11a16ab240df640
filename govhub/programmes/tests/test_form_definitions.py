"""The programme artefact types as form definitions (govhub/programmes/forms/*.yaml): every
type a step offers has one, each loads, its answers' JSON Schema is valid, the schema and the
forms engine's checks agree on each type's examples, and the demo's artefacts are valid
answers to their forms.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings
from jsonschema import Draft202012Validator, FormatChecker

from govhub.core.forms import answers_check, answers_schema, parse
from govhub.programmes.governance import GENERIC_TYPES, current_model
from govhub.programmes.models import Contribution

FORMS = Path(__file__).resolve().parents[1] / "forms"

IND = {"name": "Coverage", "unit": "%", "baseline": 40, "target": 80, "target_date": "2028-12-31"}
SEAT = {
    "organisation_id": 12,
    "person": "A. Karimi",
    "role": "member",
    "mandate": "Health",
    "conflict_of_interest": "none",
}
# type -> (valid examples, invalid examples)
EXAMPLES: dict[str, tuple[list[Any], list[Any]]] = {
    "commission_member": (
        [SEAT, {**SEAT, "role": "chair"}],
        [
            {**SEAT, "role": "observer"},
            {**SEAT, "organisation_id": 0},
            {**SEAT, "organisation_id": "12"},
            {**SEAT, "person": ""},
            {**SEAT, "person": "   "},
            {**SEAT, "person": "x" * 201},
            {k: v for k, v in SEAT.items() if k != "mandate"},
            {**SEAT, "mandate": "x" * 2001},
        ],
    ),
    "objective": (
        [
            {"indicators": [IND]},
            {"indicators": [IND] * 20},
            {"indicators": [{**IND, "baseline": 1.5}]},
        ],
        [
            {},
            {"indicators": []},
            {"indicators": [IND] * 21},
            {"indicators": ["x"]},
            {"indicators": [{**IND, "target": "80"}]},
            {"indicators": [{**IND, "target": True}]},
            {"indicators": [{**IND, "target": 2e15}]},
            {"indicators": [{**IND, "target_date": "2028-02-30"}]},
            {"indicators": [{**IND, "unit": "x" * 51}]},
            {"indicators": [{k: v for k, v in IND.items() if k != "name"}]},
        ],
    ),
    "adoption": (
        [{"objective_ids": [31, 32]}, {"objective_ids": [5]}],
        [{}, {"objective_ids": []}, {"objective_ids": "31"}, {"objective_ids": ["31"]}],
    ),
    "designation": (
        [
            {"lead_organisation_id": 3, "co_executor_ids": [7, 8], "deadline": "2027-06-30"},
            {"lead_organisation_id": 3, "deadline": "2027-06-30"},
        ],
        [
            {"lead_organisation_id": 3},
            {"lead_organisation_id": -3, "deadline": "2027-06-30"},
            {"lead_organisation_id": 3, "deadline": "30/06/2027"},
            {"lead_organisation_id": 3, "co_executor_ids": 7, "deadline": "2027-06-30"},
            {"lead_organisation_id": 3, "co_executor_ids": ["7"], "deadline": "2027-06-30"},
        ],
    ),
    "proposal": (
        [
            {},
            {"options": "Build", "cost_estimate": 1000, "risks": "Delay"},
            {"cost_estimate": None},
        ],
        [{"cost_estimate": "1000"}, {"options": "x" * 5001}, {"risks": 5}, {"cost_estimate": 2e15}],
    ),
    "answer": ([{"answers_id": 4}], [{}, {"answers_id": 0}, {"answers_id": "4"}]),
    "draft": (
        [{}, {"clauses": []}, {"clauses": [{"text": "Do it", "objective_ids": [1, 2]}]}],
        [
            {"clauses": "x"},
            {"clauses": ["x"]},
            {"clauses": [{"text": ""}]},
            {"clauses": [{"text": "x" * 10_001}]},
            {"clauses": [{"text": "Do it", "objective_ids": ["1"]}]},
        ],
    ),
    "assessment": (
        [{"kind": "budget", "verdict": "support"}, {"kind": "legal", "verdict": "object"}],
        [
            {"kind": "budget"},
            {"kind": "money", "verdict": "support"},
            {"kind": "budget", "verdict": "yes"},
        ],
    ),
    "task": (
        [
            {"assignee_organisation_id": 5, "due": "2027-01-31", "milestone": True},
            {"assignee_organisation_id": 5, "due": "2027-01-31"},
        ],
        [
            {"due": "2027-01-31"},
            {"assignee_organisation_id": 5},
            {"assignee_organisation_id": 5, "due": "soon"},
        ],
    ),
    "progress_report": (
        [
            {"task_id": 9, "percent": 50},
            {
                "task_id": 9,
                "percent": 100,
                "measurements": [{"objective_id": 3, "indicator": "Coverage", "value": 61.5}],
            },
        ],
        [
            {"task_id": 9},
            {"task_id": 9, "percent": 101},
            {"task_id": 9, "percent": -1},
            {"percent": 50},
            {"task_id": 9, "percent": 50, "measurements": [{"objective_id": 3, "indicator": "C"}]},
            {"task_id": 9, "percent": 50, "measurements": "x"},
        ],
    ),
    "problem": ([{}, {"details": "Clinics are far", "source": "Census 2025"}], []),
    "evidence": ([{}, {"source": "Census 2025"}], []),
    "review": ([{}, {"details": "Targets met"}], []),
    "contribution": ([{}], []),
}
EXAMPLES["position"] = EXAMPLES["proposal"]

EXAMPLES["comment"] = EXAMPLES["problem"]
# Every type the seed's model offers at some step, and the type of a step that names none.
TYPES = sorted({t for step in current_model().steps for t in step.types} | set(GENERIC_TYPES))
# Kept in `data` beside the answers, computed by the server and never asked.
COMPUTED = {"draft": {"version"}, "review": {"achievement", "achievement_visibility"}}


def _definition(kind: str) -> Any:
    return parse(yaml.safe_load((FORMS / f"{kind}.yaml").read_text(encoding="utf-8")))


def _schema_accepts(kind: str, data: Any) -> bool:
    validator = Draft202012Validator(
        answers_schema(_definition(kind)), format_checker=FormatChecker()
    )
    return bool(validator.is_valid(data))


def test_every_type_a_step_offers_has_a_form_definition_and_examples():
    # given the types the steps offer (the seed's, and the generic one of other models)
    # when listing the shipped form files
    shipped = {path.stem for path in FORMS.glob("*.yaml")}
    # then every type has a definition and examples, and nothing else is shipped
    assert shipped == set(TYPES)
    assert set(EXAMPLES) == set(TYPES)


@pytest.mark.parametrize("kind", TYPES)
def test_each_definition_loads_and_its_answers_schema_is_valid(kind: str):
    # given the shipped file
    definition = _definition(kind)
    # when generating the schema of its answers
    schema = answers_schema(definition)
    # then it is a valid 2020-12 schema, and the key names the type
    Draft202012Validator.check_schema(schema)
    assert definition.key == f"programmes.{kind}"
    assert definition.version == 1


@pytest.mark.parametrize("kind", TYPES)
def test_the_schema_and_the_checks_agree_on_examples(kind: str):
    # given valid and invalid examples of one type
    valid, invalid = EXAMPLES[kind]
    definition = _definition(kind)
    for data in valid:
        # then the schema and the server's checks accept the valid ones
        assert _schema_accepts(kind, data), data
        assert answers_check(definition, data, check_references=False).errors == [], data
    for data in invalid:
        # and both refuse the invalid ones
        assert not _schema_accepts(kind, data), data
        assert answers_check(definition, data, check_references=False).errors, data


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("commission_member", {**SEAT, "extra": 1}),
        ("adoption", {"objective_ids": [0]}),
        ("problem", {"affected_groups": ["elderly"]}),
        ("draft", {"clauses": [], "version": 3}),
        ("review", {"achievement": []}),
    ],
)
def test_unknown_keys_and_computed_values_are_refused(kind: str, data: Any):
    # given answers with a key the form does not ask (a computed one included)
    # then the schema and the checks refuse them alike
    assert not _schema_accepts(kind, data)
    assert answers_check(_definition(kind), data, check_references=False).errors


@pytest.mark.django_db
@override_settings(GOVHUB_DEMO=True)
def test_the_demo_artefacts_are_valid_answers_to_their_forms():
    # given the demo, built through the real actions
    call_command("demo", stdout=io.StringIO())
    contributions = list(Contribution.objects.all())
    assert {c.type for c in contributions} >= {"commission_member", "objective", "draft", "task"}
    for c in contributions:
        # when reading what each holds, less what the server computed
        answers = {k: v for k, v in c.data.items() if k not in COMPUTED.get(c.type, set())}
        # then the schema of its form (the version it was given under) accepts it
        assert c.form_version == 1
        assert _schema_accepts(c.type, answers), (c.type, answers)
