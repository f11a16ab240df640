"""The data migration that indexes the objects an app already has, when it joins search."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import migrations

from govhub.core.search.index import search_index_bulk
from govhub.core.search.registry import SearchDocument


def search_index_operation(
    kind: str, model: str, documents: Callable[[Any], Iterable[SearchDocument]]
) -> migrations.RunPython:
    """Index every object of `model` ("app.Model", its historical version) with
    `documents(model)`; reversed, drop the kind's entries."""
    app_label, model_name = model.split(".")

    def index(apps: Any, schema_editor: Any) -> None:
        search_index_bulk(kind, documents(apps.get_model(app_label, model_name)))

    def unindex(apps: Any, schema_editor: Any) -> None:
        apps.get_model("core", "SearchEntry").objects.filter(kind=kind).delete()

    return migrations.RunPython(index, unindex)
