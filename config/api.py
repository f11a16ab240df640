"""The REST API at /api/v1/: one NinjaAPI composed of each app's router."""

from __future__ import annotations

from ninja import NinjaAPI

from govhub.accounts.api import ApiTokenAuth
from govhub.core.api import idempotency_install
from govhub.core.documents.rest import router as documents_router
from govhub.core.rest import (
    document_error_responses,
    install_error_handlers,
    install_malformed_body_handler,
)
from govhub.core.rest_parser import SafeJsonParser
from govhub.indices.rest import router as indices_router
from govhub.organisations.rest import router as organisations_router
from govhub.programmes.rest import router as programmes_router
from govhub.services.rest import router as services_router

api = NinjaAPI(
    title="GovHub API",
    version="1.0.0",
    description=(
        "GovHub's REST API. Authenticate with a personal token: "
        "`Authorization: Bearer <token>`. Every error is "
        '`{"error": {"code": "<stable_code>", "message": "<text>"}}`.'
    ),
    urls_namespace="api-1.0.0",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Deny by default: every operation needs a token unless it opts out (and says so).
    auth=ApiTokenAuth(),
    parser=SafeJsonParser(),
)
install_error_handlers(api)
install_malformed_body_handler(api)
document_error_responses(api)
idempotency_install(api)  # every write behind a token takes an Idempotency-Key
api.add_router("", organisations_router)
api.add_router("", "govhub.programmes.rest_analytics.router")  # before: /programmes/{id}
api.add_router("", programmes_router)
api.add_router("", services_router)
api.add_router("", documents_router)
api.add_router("", "govhub.core.forms.rest.router")
api.add_router("", indices_router)
api.add_router("", "govhub.core.workflow.rest.router")
