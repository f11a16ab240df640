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
    seen: dict[tuple[str, int], tuple[str, str]] = {}
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
        earlier = seen.get((definition.key, definition.version))
        if earlier is not None and earlier[1] != definition.sha256:
            messages.append(
                Error(
                    f"workflow definition {path}: replaces {earlier[0]} under the same key "
                    f"{definition.key!r} and version {definition.version} with other content",
                    hint="Give the replacing file a new version: instances keep the version "
                    "they started on, so one version must mean one content.",
                    id="core.E103",
                )
            )
        seen[(definition.key, definition.version)] = (str(path), definition.sha256)
    return messages
