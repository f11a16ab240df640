"""Start-up check: every form definition an app ships is a valid definition."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from govhub.core.forms.definition import FormDefinitionError
from govhub.core.forms.store import definition_file_read, shipped_files


@register()
def shipped_forms_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An error naming each shipped `forms/*.yaml` that is not a valid form definition."""
    errors: list[CheckMessage] = []
    seen: dict[tuple[str, int], str] = {}
    for path in shipped_files():
        try:
            document = definition_file_read(path)
        except FormDefinitionError as exc:
            errors.append(Error(str(exc), id="govhub.forms.E001"))
            continue
        key = (document["key"], document["version"])
        if key in seen:
            errors.append(
                Error(
                    f"{path}: {key[0]} version {key[1]} is also defined in {seen[key]}",
                    id="govhub.forms.E002",
                )
            )
        seen[key] = str(path)
    return errors
