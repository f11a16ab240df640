"""Start-up check: every definition in force reads, has a sound shape, and names only
predicates, guards and input types some app registered (`govhub check`, and before
`runserver` and `migrate`)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from govhub.core.workflow.definition import (
    DefinitionError,
    configured_paths,
    load,
    problems,
)


@register("govhub")
def check_workflow_definitions(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each problem of each definition file, naming the file and what is wrong."""
    messages: list[CheckMessage] = []
    keys: dict[str, str] = {}
    for path in configured_paths():
        try:
            definition = load(path)
        except DefinitionError as exc:
            messages += [
                Error(f"workflow definition {path}: {p}", id="core.E101") for p in exc.problems
            ]
            continue
        messages += [
            Error(f"workflow definition {path}: {p}", id="core.E102") for p in problems(definition)
        ]
        keys[definition.key] = str(path)
    return messages
