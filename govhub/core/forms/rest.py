"""REST: the published form definitions and the JSON Schema of each version's answers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from govhub.core.forms.definition import text
from govhub.core.forms.schema import answers_schema
from govhub.core.forms.store import form_definition_get, form_definition_list
from govhub.core.rest import PUBLIC_OPERATION

router = Router(tags=["forms"])


class FormVersionOut(Schema):
    key: str
    version: int
    title: str = Field(..., description="In the request's language (English as fallback)")
    status: str = Field(..., description="published or retired")
    schema_url: str


class FormListOut(Schema):
    items: list[FormVersionOut]


@router.get(
    "/forms",
    response=FormListOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="The published form definitions, with their keys and versions",
)
def form_list(request: HttpRequest) -> Any:
    return {
        "items": [
            {
                "key": row.key,
                "version": row.version,
                "title": text(row.document.get("title")),
                "status": row.status,
                "schema_url": f"/api/v1/forms/{row.key}/versions/{row.version}/schema",
            }
            for row in form_definition_list()
        ]
    }


@router.get(
    "/forms/{key}/versions/{version}/schema",
    response=dict[str, Any],
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="The JSON Schema (2020-12) of the answers to one version of a form",
)
def form_schema(request: HttpRequest, key: str, version: int) -> Any:
    return answers_schema(form_definition_get(key, version))
