"""Forms as data: definitions, checks, the HTML form, JSON Schema, display, storage, REST."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import translation
from jsonschema import Draft202012Validator, FormatChecker

from govhub.core.api import Conflict, Forbidden, InvalidInput
from govhub.core.forms import (
    AnswersForm,
    FormDefinitionError,
    answers_check,
    answers_display,
    answers_schema,
    answers_summary,
    answers_validate,
    form_definition_get,
    form_definition_publish,
    form_definition_save,
    form_definitions_get,
    forms_load,
    parse,
)
from govhub.core.forms.models import FormDefinition, FormStatus
from govhub.core.forms.tests.samples import SAMPLE, VALID
from govhub.core.models import AuditEntry


def _sample() -> Any:
    return parse(copy.deepcopy(SAMPLE))


def _errors(answers: dict[str, Any]) -> dict[str, str]:
    checked = answers_check(_sample(), answers, check_references=False)
    return {e.dotted: e.message for e in checked.errors}


def _post(**fields: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


FULL_POST = {
    "name": "Aziz",
    "share": "12.5",
    "born-day": "3",
    "born-month": "2",
    "born-year": "1990",
    "role": "member",
    "agree": "yes",
    "organisation": "7",
    "indicators-rows": "1",
    "indicators-0-name": "Coverage",
    "indicators-0-target": "80",
}


# Definitions ---------------------------------------------------------------------------


def test_a_definition_with_every_question_type_parses():
    # when
    definition = _sample()
    # then
    assert [q.type for q in definition.questions] == [
        "text",
        "long_text",
        "number",
        "date",
        "choice",
        "long_text",
        "multiple_choice",
        "yes_no",
        "email",
        "phone",
        "address",
        "organisation",
        "file",
        "group",
        "number",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["pages"][0]["questions"][0].update(type="colour"), "is not one of"),
        (
            lambda d: d["pages"][1]["questions"].append(
                {"key": "name", "type": "text", "label": "x"}
            ),
            "used twice",
        ),
        (
            lambda d: d["pages"][0]["questions"][0].update(
                when={"question": "role", "equals": "chair"}
            ),
            "not an earlier question",
        ),
        (
            lambda d: d["pages"][0]["questions"][5]["when"].update(equals="king"),
            "not one of its options",
        ),
        (
            lambda d: d["pages"][0]["questions"][4].pop("options"),
            "'options' is a required property",
        ),
        (
            lambda d: d["pages"][1]["questions"][3]["questions"].append(
                {"key": "f", "type": "file", "label": "F"}
            ),
            "cannot hold a file",
        ),
        (lambda d: d["pages"][2]["when"].update(question="term"), "not on an earlier page"),
        (lambda d: d.update(title={"ru": "Без английского"}), "title"),
    ],
)
def test_a_broken_definition_is_refused_naming_where(change: Any, message: str):
    # given a definition with one mistake
    document = copy.deepcopy(SAMPLE)
    change(document)
    # when / then
    with pytest.raises(FormDefinitionError, match=re.escape(message)):
        parse(document)


# Checks of each question type ----------------------------------------------------------


def test_valid_answers_are_cleaned():
    # when
    checked = answers_check(
        _sample(),
        {**VALID, "name": "  Aziz  ", "topics": ["roads", "health"]},
        check_references=False,
    )
    # then text is trimmed and choices come in the definition's order
    assert checked.errors == []
    assert checked.answers == {**VALID, "topics": ["health", "roads"]}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": None}, "name", "Answer “Name”."),
        ({"name": "   "}, "name", "Answer “Name”."),
        ({"name": "x" * 21}, "name", "“Name” must be 20 characters or fewer."),
        ({"name": 5}, "name", "“Name” must be text."),
        ({"story": "x" * 2001}, "story", "“Story” must be 2000 characters or fewer."),
        ({"share": "12"}, "share", "“Share” must be a number."),
        ({"share": True}, "share", "“Share” must be a number."),
        ({"share": 101}, "share", "“Share” must be 100 or less."),
        ({"share": -1}, "share", "“Share” must be 0 or more."),
        ({"born": "1990-02-30"}, "born", "“Born” must be a real date."),
        ({"born": "3/2/1990"}, "born", "“Born” must be a real date."),
        ({"role": "king"}, "role", "Choose one of the options for “Role”."),
        ({"topics": ["cats"]}, "topics", "Choose from the options for “Topics”."),
        ({"topics": ["roads", "roads"]}, "topics", "Choose each option of “Topics” once."),
        ({"agree": "yes"}, "agree", "Choose yes or no for “Agree”."),
        ({"email": "aziz@"}, "email", "“Email” must be an email address, like name@example.org."),
        ({"phone": "call me"}, "phone", "“Phone” must be a phone number, like +93 20 210 0000."),
        (
            {"office": {"line1": "1 Road"}},
            "office",
            "Enter the building and street, and the town, of “Office”.",
        ),
        (
            {"office": {"line1": "1 Road", "town": "Kabul", "planet": "Earth"}},
            "office",
            "“Office” must be an address.",
        ),
        ({"organisation": "7"}, "organisation", "Choose “Organisation” from the list."),
        ({"organisation": 0}, "organisation", "Choose “Organisation” from the list."),
        ({"scan": "../../etc/passwd"}, "scan", "Choose a file for “Scan”."),
        ({"indicators": []}, "indicators", "Answer “Indicators”."),
        (
            {"indicators": [{"name": "a", "target": 1}] * 4},
            "indicators",
            "“Indicators” needs between 1 and 3 rows.",
        ),
        ({"indicators": [{"name": "a"}]}, "indicators.0.target", "Answer “Target”."),
        (
            {"indicators": [{"name": "a", "target": 1, "x": 1}]},
            "indicators.0.x",
            "“x” is not a question of this form.",
        ),
        ({"colour": "red"}, "colour", "“colour” is not a question of this form."),
    ],
)
def test_each_question_type_refuses_a_bad_answer_naming_the_field(
    change: dict[str, Any], field: str, message: str
):
    # when
    errors = _errors({**VALID, **change})
    # then
    assert errors == {field: message}


def test_the_schema_and_the_checks_agree_on_every_type(organisations: None):
    # given the schema of the sample, with formats asserted
    validator = Draft202012Validator(answers_schema(_sample()), format_checker=FormatChecker())
    goods = [
        VALID,
        {**VALID, "role": "chair", "why_chair": "I can", "term": 2},
        {
            **VALID,
            "email": "a@example.org",
            "phone": "+93 20 210 0000",
            "office": {"line1": "1 Road", "town": "Kabul"},
            "scan": "abc-123",
            "topics": ["roads"],
        },
    ]
    bads = [
        {**VALID, "role": "chair"},
        {**VALID, "role": "chair", "why_chair": "I can", "term": 2.5},
        {**VALID, "name": "   "},
        {**VALID, "share": 101},
        {**VALID, "born": "1990-02-30"},
        {**VALID, "indicators": []},
        {**VALID, "colour": 1},
        {**VALID, "topics": ["roads", "roads"]},
    ]
    # then both accept the good answers and refuse the bad ones
    for answers in goods:
        assert validator.is_valid(answers), answers
        assert answers_check(_sample(), answers).errors == [], answers
    for answers in bads:
        assert not validator.is_valid(answers), answers
        assert answers_check(_sample(), answers).errors, answers


def test_the_generated_schema_is_a_valid_2020_12_schema():
    # when
    schema = answers_schema(_sample())
    # then
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == [
        "name",
        "share",
        "born",
        "role",
        "agree",
        "organisation",
        "indicators",
    ]
    assert schema["properties"]["share"] == {
        "type": "number",
        "minimum": 0,
        "maximum": 100,
        "x-unit": "%",
        "title": "Share",
    }


# Conditions ------------------------------------------------------------------------------


def test_a_conditional_question_is_required_only_when_its_condition_holds():
    # then a chair must say why, a member need not (and what a member sends is ignored)
    assert _errors({**VALID, "role": "chair", "term": 2}) == {"why_chair": "Answer “Why chair”."}
    checked = answers_check(_sample(), {**VALID, "why_chair": 5}, check_references=False)
    assert checked.errors == []
    assert "why_chair" not in checked.answers


def test_a_conditional_page_is_asked_only_when_its_condition_holds():
    # then the chairing page is required of a chair only, and dropped for a member
    assert _errors({**VALID, "role": "chair", "why_chair": "x"}) == {"term": "Answer “Term”."}
    assert _errors({**VALID, "role": "chair", "why_chair": "x", "term": 1.5}) == {
        "term": "“Term” must be a whole number."
    }
    assert answers_check(_sample(), {**VALID, "term": 2}, check_references=False).answers == VALID


# The HTML form ---------------------------------------------------------------------------


def test_the_html_form_reads_posted_fields_into_answers(organisations: None):
    # given a full POST, with the share in Dari digits
    form = AnswersForm(_sample(), _post(**{**FULL_POST, "share": "۱۲.۵"}))  # noqa: RUF001
    # then
    assert form.is_valid(), form.errors
    assert form.answers == VALID


def test_the_html_form_refuses_an_organisation_not_in_the_list(organisations: None):
    # when
    form = AnswersForm(_sample(), _post(**{**FULL_POST, "organisation": "99"}))
    # then
    assert not form.is_valid()
    assert form.errors == {"organisation": "Choose “Organisation” from the list."}


def test_the_error_summary_links_to_each_field_and_each_error_sits_beside_its_field(
    organisations: None,
):
    # given a POST with a bad date and no role
    form = AnswersForm(_sample(), _post(**{**FULL_POST, "born-day": "31", "role": ""}))
    # when
    assert not form.is_valid()
    html = str(form.render())
    # then the summary comes first and links to the first input of each question
    summary = html[: html.index("</div>")]
    assert 'role="alert"' in summary
    assert "There is a problem" in summary
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        ("f-born-day", "“Born” must be a real date."),
        ("f-role-0", "Answer “Role”."),
    ]
    # and each error is beside its field, which points to its hint and error
    assert '<fieldset id="f-born" aria-describedby="f-born-error">' in html
    assert (
        '<p class="errorlist" id="f-born-error"><span class="visually-hidden">Error:</span> '
        "“Born” must be a real date.</p>" in html
    )
    assert 'aria-describedby="f-name-hint"' in html
    assert "<legend>Role</legend>" in html
    # and what was typed is kept
    assert 'name="born-day" value="31"' in html


def test_a_repeatable_group_adds_a_row_without_javascript(organisations: None):
    # given one filled row and "Add another" pressed
    form = AnswersForm(_sample(), _post(**{**FULL_POST, "add_row": "indicators"}))
    # when
    valid = form.is_valid()
    html = str(form.render())
    # then nothing is refused yet and two rows are shown, the first as typed
    assert not valid
    assert form.errors == {}
    assert form.added_row
    assert 'name="indicators-rows" value="2"' in html
    assert 'name="indicators-0-name" value="Coverage"' in html
    assert 'id="f-indicators-1-name"' in html
    assert "There is a problem" not in html


def test_blank_rows_of_a_group_are_dropped_and_the_row_limit_holds(organisations: None):
    # given three rows, the middle one blank, and then "Add another" at the limit of 3
    post = {
        **FULL_POST,
        "indicators-rows": "3",
        "indicators-2-name": "Roads",
        "indicators-2-target": "5",
    }
    form = AnswersForm(_sample(), _post(**post))
    at_limit = AnswersForm(_sample(), _post(**{**post, "add_row": "indicators"}))
    # then
    assert form.is_valid()
    assert form.answers["indicators"] == [
        {"name": "Coverage", "target": 80},
        {"name": "Roads", "target": 5},
    ]
    assert not at_limit.is_valid()
    assert 'name="indicators-rows" value="3"' in str(at_limit.render())
    assert "Add another row" not in str(at_limit.render())


def test_initial_answers_are_shown_in_the_form(organisations: None):
    # when
    html = str(AnswersForm(_sample(), initial={**VALID, "topics": ["roads"]}).render())
    # then
    assert 'name="name" value="Aziz"' in html
    assert 'name="born-day" value="3"' in html
    assert 'name="born-year" value="1990"' in html
    assert 'value="roads" checked' in html
    assert '<option value="7" selected>Ministry of Health</option>' in html


def test_labels_hints_and_options_are_translated_with_english_as_fallback(organisations: None):
    # when rendered in Russian and in Dari
    with translation.override("ru"):
        russian = str(AnswersForm(_sample()).render())
    with translation.override("fa-af"):
        dari = str(AnswersForm(_sample()).render())
    # then each string is in the language, or in English where it has none
    assert ">Имя<" in russian
    assert "Как в документе" in russian
    assert ">Председатель</label>" in russian
    assert ">Story <span" in russian
    assert ">نام<" in dari
    assert "As on your card" in dari
    assert ">Chair</label>" in dari
    assert "(٪)" in dari


def test_a_form_page_in_dari_is_right_to_left(client: Any, settings: Any, organisations: None):
    # given
    settings.ROOT_URLCONF = "govhub.core.forms.tests.urls"
    # when
    response = client.get("/sample-form/", headers={"accept-language": "fa-AF"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'dir="rtl"' in html
    assert 'lang="fa-af"' in html
    assert ">درباره شما</h2>" in html
    assert (
        'name="email" value="" type="email" autocomplete="email" spellcheck="false" dir="ltr"'
        in html
    )


def test_a_valid_post_shows_the_readable_summary_and_no_json(
    client: Any, settings: Any, organisations: None
):
    # given
    settings.ROOT_URLCONF = "govhub.core.forms.tests.urls"
    # when
    response = client.post("/sample-form/", FULL_POST)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd><a href="/organisations/7/">Ministry of Health</a></dd>' in html
    assert "<dd>3 February 1990</dd>" in html
    assert '"organisation"' not in html
    assert "{'" not in html


# Readable display ----------------------------------------------------------------------


def test_answers_are_displayed_readably_in_the_page_language(organisations: None):
    # given
    answers = {
        **VALID,
        "role": "chair",
        "why_chair": "I can",
        "term": 2,
        "topics": ["health", "roads"],
        "agree": False,
        "office": {"line1": "1 Road", "town": "Kabul"},
    }
    # when
    with translation.override("ru"):
        rows = answers_display(_sample(), answers)
        html = str(answers_summary(_sample(), answers))
    # then
    shown = {r.label: [(i.text, i.url) for i in r.items] for r in rows}
    assert shown["Имя"] == [("Aziz", None)]
    assert shown["Share"] == [("12,5 %", None)]
    assert shown["Родился"] == [("3 февраля 1990\u202fг.", None)]  # noqa: RUF001
    assert shown["Роль"] == [("Председатель", None)]
    assert shown["Topics"] == [("Health", None), ("Roads", None)]
    assert shown["Agree"] == [("Нет", None)]
    assert shown["Office"] == [("1 Road", None), ("Kabul", None)]
    assert shown["Organisation"] == [("Ministry of Health", "/organisations/7/")]
    assert shown["Term"] == [("2", None)]
    assert '<th scope="col">Indicator</th>' in html
    assert "<td>Coverage</td>" in html


def test_a_record_no_longer_there_is_named_plainly(organisations: None):
    # when
    rows = answers_display(_sample(), {**VALID, "organisation": 99})
    # then
    assert [i.text for r in rows if r.label == "Organisation" for i in r.items] == [
        "Record no. 99 (no longer available)"
    ]


# Storage: shipped definitions and immutability -------------------------------------------


def test_shipped_definitions_are_loaded_as_published_versions(db: Any):
    # when
    definition = form_definition_get("programmes.objective", 1)
    # then
    row = FormDefinition.objects.get(key="programmes.objective")
    assert (row.version, row.status) == (1, FormStatus.PUBLISHED)
    assert definition.questions[0].key == "indicators"


def test_a_shipped_file_that_changes_a_published_version_is_refused(db: Any, tmp_path: Any):
    # given version 1 stored, and a file changing it without a new version
    import yaml

    first, changed = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(yaml.safe_dump(SAMPLE))
    forms_load([first])
    changed.write_text(yaml.safe_dump({**SAMPLE, "title": "Changed"}))
    # when / then
    with pytest.raises(FormDefinitionError, match="is published and differs from this file"):
        forms_load([changed])
    assert FormDefinition.objects.get(key="tests.sample").document["title"] == SAMPLE["title"]


def test_a_published_version_cannot_be_changed(staff: Any):
    # given a published version
    form_definition_save(actor=staff, document=copy.deepcopy(SAMPLE))
    form_definition_publish(actor=staff, key="tests.sample", version=1)
    audit_before = AuditEntry.objects.count()
    # when
    with pytest.raises(Conflict) as refused:
        form_definition_save(actor=staff, document={**SAMPLE, "title": "Changed"})
    # then nothing was written
    assert refused.value.code == "form_published"
    assert FormDefinition.objects.get(key="tests.sample").document["title"] == SAMPLE["title"]
    assert AuditEntry.objects.count() == audit_before


def test_a_draft_may_change_until_published_and_only_staff_may_change_forms(staff: Any, user: Any):
    # given
    form_definition_save(actor=staff, document=copy.deepcopy(SAMPLE))
    # when
    form_definition_save(actor=staff, document={**SAMPLE, "title": "Better"})
    # then
    row = FormDefinition.objects.get(key="tests.sample")
    assert (row.status, row.document["title"]) == (FormStatus.DRAFT, "Better")
    with pytest.raises(Forbidden) as refused:
        form_definition_save(actor=user, document={**SAMPLE, "version": 2})
    assert getattr(refused.value, "code", None) == "permission_denied"
    assert FormDefinition.objects.count() == 1


def test_answers_are_read_with_the_version_they_were_given_under(staff: Any):
    # given version 1 published, then version 2 with a longer limit on the name
    form_definition_save(actor=staff, document=copy.deepcopy(SAMPLE))
    form_definition_publish(actor=staff, key="tests.sample", version=1)
    second = copy.deepcopy(SAMPLE)
    second["version"] = 2
    second["pages"][0]["questions"][0]["max_length"] = 50
    form_definition_save(actor=staff, document=second)
    form_definition_publish(actor=staff, key="tests.sample", version=2)
    answers = {**VALID, "name": "x" * 30}
    # then each version checks by its own rules, and the newest is 2
    assert answers_check(
        form_definition_get("tests.sample", 1), answers, check_references=False
    ).errors
    assert (
        answers_check(
            form_definition_get("tests.sample", 2), answers, check_references=False
        ).errors
        == []
    )
    assert form_definition_get("tests.sample").version == 2


# REST -------------------------------------------------------------------------------------


def test_answers_validate_refuses_with_invalid_data_naming_the_field():
    # when
    with pytest.raises(InvalidInput) as refused:
        answers_validate(_sample(), {**VALID, "indicators": [{"name": "a", "target": "80"}]})
    # then
    assert refused.value.code == "invalid_data"
    assert refused.value.message == "'indicators.0.target': “Target” must be a number."
    assert refused.value.details == [
        {"loc": ["body", "data", "indicators", 0, "target"], "msg": "“Target” must be a number."}
    ]


def test_the_api_lists_the_published_forms_with_keys_and_versions(api_client: Any, db: Any):
    # when
    response = api_client.get("/forms")
    # then
    items = {(i["key"], i["version"]): i for i in response.json()["items"]}
    assert response.status_code == 200
    assert items[("programmes.commission_member", 1)] == {
        "key": "programmes.commission_member",
        "version": 1,
        "title": "Commission member",
        "status": "published",
        "schema_url": "/api/v1/forms/programmes.commission_member/versions/1/schema",
    }
    assert len(items) == 16  # the programme artefact types


def test_the_api_gives_the_json_schema_of_a_version(api_client: Any, db: Any):
    # when
    response = api_client.get("/forms/programmes.assessment/versions/1/schema")
    missing = api_client.get("/forms/programmes.assessment/versions/9/schema")
    # then
    schema = response.json()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["verdict"]["enum"] == ["support", "support_with_changes", "object"]
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "form_not_found"


def test_a_broken_shipped_definition_is_a_start_up_error(tmp_path: Any, monkeypatch: Any):
    # given one shipped file with an unknown question type
    from govhub.core.forms import checks

    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "key: x\nversion: 1\ntitle: X\n"
        "pages: [{key: p, questions: [{key: a, type: colour, label: A}]}]\n"
    )
    monkeypatch.setattr(checks, "shipped_files", lambda: [broken])
    # when
    errors = checks.shipped_forms_check()
    # then
    assert [e.id for e in errors] == ["govhub.forms.E001"]
    assert str(broken) in errors[0].msg
    assert "pages/0/questions/0/type" in errors[0].msg


def test_the_shipped_definitions_pass_the_start_up_check():
    # when
    from govhub.core.forms.checks import shipped_forms_check

    # then
    assert shipped_forms_check() == []


def test_a_prefix_keeps_the_questions_apart_from_another_forms_fields(organisations: None):
    # given the full POST under the prefix "data", beside a field of the page's own form
    post = {f"data-{k}": v for k, v in FULL_POST.items()}
    form = AnswersForm(_sample(), _post(**post, name="not an answer"), prefix="data")
    adding = AnswersForm(_sample(), _post(**post, **{"data-add_row": "indicators"}), prefix="data")
    # then
    assert form.is_valid(), form.errors
    assert form.answers == VALID
    assert not adding.is_valid()
    html = str(adding.render())
    assert 'name="data-indicators-rows" value="2"' in html
    assert 'id="f-data-indicators-1-name" name="data-indicators-1-name"' in html
    assert 'name="data-add_row" value="indicators"' in html


def test_many_versions_are_read_in_one_query(db: Any, django_assert_num_queries: Any):
    # given the shipped definitions stored
    form_definition_get("programmes.objective", 1)
    wanted = [("programmes.objective", 1), ("programmes.assessment", 1), ("programmes.task", 1)]
    # when
    with django_assert_num_queries(1):
        found = form_definitions_get(wanted * 50)
    # then
    assert sorted(found) == sorted(wanted)
    assert found[("programmes.task", 1)].questions[2].key == "milestone"


def test_a_file_question_uses_the_registered_file_hooks(organisations: None):
    # given hooks that know one stored file and store uploads as "file-2"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhub.core.forms import FileHooks, file_hooks_register
    from govhub.core.forms.registry import file_hooks_reset

    known = {"file-1": ("scan.pdf", "/files/file-1/")}
    file_hooks_register(
        FileHooks(
            validate=lambda ref, q: None if ref in known else "unknown",
            receive=lambda upload, q: "file-1",
            describe=lambda ref: known[ref],
        )
    )
    try:
        # when
        refused = _errors({**VALID, "scan": "file-9"})
        upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7")
        form = AnswersForm(_sample(), _post(**FULL_POST), {"scan": upload})
        assert form.is_valid(), form.errors
        rows = answers_display(_sample(), form.answers)
    finally:
        file_hooks_reset()
    # then
    assert refused == {"scan": "Choose a file for “Scan”."}
    assert form.answers["scan"] == "file-1"
    assert form.is_multipart
    assert [(i.text, i.url) for r in rows if r.label == "Scan" for i in r.items] == [
        ("scan.pdf", "/files/file-1/")
    ]


def test_without_file_hooks_an_upload_is_refused_plainly(organisations: None):
    # given no file store registered
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7")
    # when
    form = AnswersForm(_sample(), _post(**FULL_POST), {"scan": upload})
    # then
    assert not form.is_valid()
    assert form.errors == {"scan": "Files cannot be uploaded here yet."}


def test_a_reference_picker_offers_the_choices_of_its_context():
    # given a source whose choices depend on the form's context (e.g. the programme)
    from govhub.core.forms import ReferenceSource, reference_source_register
    from govhub.core.forms.registry import reference_source_unregister

    objectives = {1: {31: "Coverage"}, 2: {41: "Roads"}}
    reference_source_register(
        ReferenceSource(
            "t.objective",
            choices=lambda ctx: sorted(objectives[ctx["programme"]].items()),
            resolve=lambda ids: {i: (n, None) for o in objectives.values() for i, n in o.items()},
        )
    )
    definition = parse(
        {
            "key": "t.adopt",
            "version": 1,
            "title": "Adopt",
            "pages": [
                {
                    "key": "p",
                    "questions": [
                        {
                            "key": "ids",
                            "type": "reference",
                            "source": "t.objective",
                            "multiple": True,
                            "label": "Objectives",
                        }
                    ],
                }
            ],
        }
    )
    try:
        # when
        html = str(AnswersForm(definition, context={"programme": 1}).render())
        refused = answers_check(definition, {"ids": [31, 99]}).errors
    finally:
        reference_source_unregister("t.objective")
    # then
    assert 'type="checkbox" id="f-ids-0" name="ids" value="31"' in html
    assert "Roads" not in html
    assert [(e.dotted, e.message) for e in refused] == [
        ("ids", "Choose “Objectives” from the list.")
    ]
