"""What other apps may import from core."""

from govhub.core.audit import audit_list, audit_record, audit_verify
from govhub.core.caching import anonymous_page_cache
from govhub.core.demo import demo_audit_actors, demo_documents_discard
from govhub.core.documents import (
    DocumentVerification,
    document_get,
    document_issue,
    document_list,
    document_number,
    document_public_url,
    document_subject_register,
    verify_document,
)
from govhub.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleBroken,
    reject_nul,
    without_bidi_controls,
)
from govhub.core.i18n import LANGUAGE_NAMES
from govhub.core.notifications.actions import notify
from govhub.core.permissions import AUTHENTICATED, PUBLIC, declare, public, signed_in
from govhub.core.responses import envelope, error_response

__all__ = [
    "AUTHENTICATED",
    "LANGUAGE_NAMES",
    "PUBLIC",
    "Conflict",
    "DocumentVerification",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "RuleBroken",
    "anonymous_page_cache",
    "audit_list",
    "audit_record",
    "audit_verify",
    "declare",
    "demo_audit_actors",
    "demo_documents_discard",
    "document_get",
    "document_issue",
    "document_list",
    "document_number",
    "document_public_url",
    "document_subject_register",
    "envelope",
    "error_response",
    "notify",
    "public",
    "reject_nul",
    "signed_in",
    "verify_document",
    "without_bidi_controls",
]
