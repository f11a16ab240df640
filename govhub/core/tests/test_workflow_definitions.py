"""Workflow definitions: shape, consistency, names resolved against the registries, and the
start-up check that refuses a definition naming anything unknown."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from govhub.core.tests.workflow_support import (
    ISG,
    ISG_GUARDS,
    SIX_STEPS,
    workflow_registry,
)
from govhub.core.workflow import guard_register, input_type_register, registry
from govhub.core.workflow.checks import check_workflow_definitions
from govhub.core.workflow.definition import (
    DefinitionError,
    TimeLimit,
    load,
    parse,
    problems,
    read,
)

__all__ = ["workflow_registry"]


def _six() -> dict[str, Any]:
    return copy.deepcopy(read(SIX_STEPS))


def _write(tmp_path: Path, document: dict[str, Any], name: str = "wf.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_the_isg_definition_is_the_seeds_ten_steps_and_validates(workflow_registry):
    # given: the programme's gate conditions registered, as the programmes app will
    for name in ISG_GUARDS:
        guard_register(name, lambda ctx, arg: [])
    definition = load(ISG)
    for state in definition.states.values():
        for form in state.forms:
            input_type_register(form, lambda ctx: True)
    # then
    assert problems(definition) == []
    assert definition.state("step_3").forms == ("objective", "adoption")
    assert [s for s in definition.states if s.startswith("step_")] == [
        f"step_{n}" for n in range(1, 11)
    ]
    assert sorted(definition.state("step_8").participants) == ["higher_body"]
    assert sorted(definition.state("step_2").participants) == ["local_body", "ministry_agency"]
    assert definition.state("step_8").tags == frozenset({"issues_document"})
    assert [r.name for r in definition.state("step_7").guards] == [
        "assessment_filed",
        "objections_answered",
    ]
    advance = [t for t in definition.transitions_from("step_4") if t.name == "advance"]
    assert [(t.target, [r.public() for r in t.who]) for t in advance] == [
        (
            "step_5",
            [
                {"name": "takes_part", "argument": None},
                {"name": "sector", "argument": "government"},
            ],
        )
    ]
    returns = [t.target for t in definition.transitions_from("step_5") if t.name == "return"]
    assert returns == ["step_1", "step_2", "step_3", "step_4"]
    assert definition.state("step_3").time_limit == TimeLimit(20, (5, 1), (0, 5))


def test_the_isg_definition_names_each_gate_condition_it_needs(workflow_registry):
    # given: nothing registered for the programme
    definition = load(ISG)
    # when
    found = problems(definition)
    # then: each gate condition and each artefact type (a form) is named
    assert "state 'step_2': unknown input type 'commission_member'" in found
    assert [p for p in found if "unknown guard" in p] == [
        f"state 'step_{n}': unknown guard '{name}'"
        for n, name in [
            (1, "problem_stated"),
            (2, "commission_balanced"),
            (3, "objectives_adopted"),
            (4, "lead_agency_named"),
            (5, "proposals_answered"),
            (6, "draft_present"),
            (7, "assessment_filed"),
            (7, "objections_answered"),
            (8, "document_issued"),
            (9, "tasks_closed"),
            (10, "review_written"),
        ]
    ]


def test_the_six_step_definition_validates(workflow_registry):
    # when
    definition = load(SIX_STEPS)
    # then
    assert problems(definition) == []
    assert list(definition.states) == [
        "submitted",
        "screening",
        "assessment",
        "decision",
        "issuance",
        "closed",
    ]
    assert [(t.name, t.source, t.target) for t in definition.transitions if t.kind == "return"] == [
        ("return", "screening", "submitted"),
        ("return", "assessment", "submitted"),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["transitions"][0]["who"].append("is_mayor"),
            "transition 'accept' from 'submitted': unknown predicate 'is_mayor'",
        ),
        (
            lambda d: d["transitions"][0].setdefault("guards", []).append("moon_is_full"),
            "transition 'accept' from 'submitted': unknown guard 'moon_is_full'",
        ),
        (
            lambda d: d["states"][2].setdefault("guards", []).append({"budget_ok": 3}),
            "state 'assessment': unknown guard 'budget_ok'",
        ),
        (
            lambda d: d["states"][0]["required_inputs"].append("tax_return"),
            "state 'submitted': unknown input type 'tax_return'",
        ),
        (
            lambda d: d["transitions"][0]["who"].append({"sector": 7}),
            "transition 'accept' from 'submitted': predicate 'sector' needs a name or a list "
            "of names",
        ),
        (
            lambda d: d["transitions"][0]["who"].append({"takes_part": "yes"}),
            "transition 'accept' from 'submitted': predicate 'takes_part' takes no argument",
        ),
        (
            lambda d: d["suspension"]["who"].append("night_shift"),
            "suspension: unknown predicate 'night_shift'",
        ),
        (
            lambda d: d["transitions"][4]["who"].insert(0, "takes_part"),
            "transition 'decide' from 'decision': 'takes_part', but state 'decision' lists no "
            "participants",
        ),
    ],
)
def test_an_unknown_name_is_a_problem_naming_it(workflow_registry, change, expected):
    # given
    document = _six()
    change(document)
    # when
    found = problems(parse(document))
    # then
    assert found == [expected]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["transitions"][0].update({"to": "archived"}),
            "transition 'accept' goes to unknown state 'archived'",
        ),
        (
            lambda d: d["transitions"][1].update({"from": "limbo"}),
            "transition 'screen' goes from unknown state 'limbo'",
        ),
        (lambda d: d.update({"initial": "draft"}), "initial state 'draft' is not a state"),
        (
            lambda d: d["states"][1].update({"phase": "phase_9"}),
            "state 'screening' is in unknown phase 'phase_9'",
        ),
        (
            lambda d: d["states"][0]["time_limit"].update({"reminders": [5]}),
            "state 'submitted': a reminder 5 working days before the deadline comes before the "
            "state's 5 days begin",
        ),
        (
            lambda d: d["transitions"].pop(5),
            "state 'issuance' has no way out (no transition, not final)",
        ),
        (
            lambda d: d["states"].append({"key": "closed", "name": "Again", "final": True}),
            "state 'closed' is defined twice",
        ),
    ],
)
def test_an_inconsistent_definition_is_refused_naming_the_problem(change, expected):
    # given
    document = _six()
    change(document)
    # when
    with pytest.raises(DefinitionError) as refused:
        parse(document, "six.yaml")
    # then
    assert refused.value.problems == [expected]
    assert str(refused.value).startswith("workflow definition six.yaml: ")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["transitions"][0].pop("who"), "transitions/0: 'who' is a required property"),
        (
            lambda d: d["transitions"][0].update({"who": []}),
            "transitions/0/who: [] should be non-empty",
        ),
        (
            lambda d: d["states"][0]["time_limit"].update({"working_days": "five"}),
            "states/0/time_limit/working_days: 'five' is not of type 'integer'",
        ),
        (
            lambda d: d.update({"colour": "blue"}),
            "(the document): Additional properties are not allowed ('colour' was unexpected)",
        ),
        (lambda d: d.update({"version": 0}), "version: 0 is less than the minimum of 1"),
    ],
)
def test_a_badly_shaped_definition_is_refused_saying_where(change, expected):
    # given
    document = _six()
    change(document)
    # when
    with pytest.raises(DefinitionError) as refused:
        parse(document)
    # then
    assert refused.value.problems == [expected]


def test_the_start_up_check_names_the_file_and_each_unknown_name(
    workflow_registry, tmp_path, settings
):
    # given: a deployment's file naming a guard and an input nobody registered
    document = _six()
    document["version"] = 2
    document["states"][1]["guards"] = ["fee_paid"]
    document["states"][0]["required_inputs"] = ["passport_scan"]
    path = _write(tmp_path, document)
    settings.GOVHUB_WORKFLOWS = [str(path)]
    # when
    messages = check_workflow_definitions()
    # then
    assert [(m.id, m.msg) for m in messages] == [
        (
            "core.E102",
            f"workflow definition {path}: state 'submitted': unknown input type 'passport_scan'",
        ),
        ("core.E102", f"workflow definition {path}: state 'screening': unknown guard 'fee_paid'"),
    ]
    with pytest.raises(SystemCheckError, match="unknown guard 'fee_paid'"):
        call_command("check")


def test_the_start_up_check_refuses_an_unreadable_or_misshapen_file(
    workflow_registry, tmp_path, settings
):
    # given
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: [unclosed", encoding="utf-8")
    misshapen = _write(tmp_path, {"key": "x", "version": 1}, "misshapen.json")
    misshapen.write_text('{"key": "x", "version": 1}', encoding="utf-8")
    settings.GOVHUB_WORKFLOWS = [str(broken), str(misshapen)]
    # when
    messages = check_workflow_definitions()
    # then
    assert [m.id for m in messages] == ["core.E101"] * 5
    assert messages[0].msg.startswith(f"workflow definition {broken}: cannot read it:")
    assert [m.msg for m in messages[1:]] == [
        f"workflow definition {misshapen}: (the document): '{field}' is a required property"
        for field in ("name", "initial", "states", "transitions")
    ]


def test_the_shipped_registry_passes_the_start_up_check(workflow_registry):
    # given: the test definition with its guard and input registered
    # when
    messages = check_workflow_definitions()
    # then
    assert messages == []
    assert registry.REGISTRY.definitions == [SIX_STEPS]


def test_a_deployment_file_replaces_the_shipped_definition_of_its_key(
    workflow_registry, tmp_path, settings
):
    # given
    from govhub.core.workflow import workflow_definition

    document = _six()
    document["version"] = 2
    document["name"] = "Service case (regional rules)"
    settings.GOVHUB_WORKFLOWS = [str(_write(tmp_path, document))]
    # when
    definition = workflow_definition("service-case")
    # then
    assert (definition.version, definition.name) == (2, "Service case (regional rules)")


def test_a_replacement_under_the_same_version_with_other_content_is_refused(
    workflow_registry, tmp_path, settings
):
    # given: a deployment's copy of the shipped file, edited but not given a new version
    document = _six()
    document["states"][0]["time_limit"]["working_days"] = 4
    path = _write(tmp_path, document)
    settings.GOVHUB_WORKFLOWS = [str(path)]
    # when
    messages = check_workflow_definitions()
    # then
    assert [(m.id, m.msg) for m in messages] == [
        (
            "core.E103",
            f"workflow definition {path}: replaces {SIX_STEPS} under the same key "
            "'service-case' and version 1 with other content",
        )
    ]
