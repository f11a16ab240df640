"""Forms as data: a definition (pages of typed questions) gives an accessible HTML form,
server-side validation, the JSON Schema of its answers and a readable display (ADR 0017)."""

from govhub.core.forms.definition import (
    QUESTION_TYPES,
    Condition,
    Definition,
    FormDefinitionError,
    Page,
    Question,
    parse,
    text,
)
from govhub.core.forms.display import (
    answers_display,
    answers_display_many,
    answers_summary,
)
from govhub.core.forms.html import AnswersForm
from govhub.core.forms.registry import (
    FileHooks,
    ReferenceSource,
    file_hooks_register,
    reference_source_register,
)
from govhub.core.forms.schema import answers_schema
from govhub.core.forms.store import (
    form_definition_get,
    form_definition_list,
    form_definition_publish,
    form_definition_save,
    form_definitions_get,
    forms_load,
)
from govhub.core.forms.validation import FieldError, answers_check, answers_validate

__all__ = [
    "QUESTION_TYPES",
    "AnswersForm",
    "Condition",
    "Definition",
    "FieldError",
    "FileHooks",
    "FormDefinitionError",
    "Page",
    "Question",
    "ReferenceSource",
    "answers_check",
    "answers_display",
    "answers_display_many",
    "answers_schema",
    "answers_summary",
    "answers_validate",
    "file_hooks_register",
    "form_definition_get",
    "form_definition_list",
    "form_definition_publish",
    "form_definition_save",
    "form_definitions_get",
    "forms_load",
    "parse",
    "reference_source_register",
    "text",
]
