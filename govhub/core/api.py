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
    document_pdf,
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
from govhub.core.files import (
    FileUse,
    access_file,
    can_view_file,
    file_bytes,
    file_get,
    file_response,
    file_store,
    file_use_register,
)
from govhub.core.i18n import LANGUAGE_NAMES
from govhub.core.permissions import AUTHENTICATED, PUBLIC, declare, public, signed_in
from govhub.core.responses import envelope, error_response

__all__ = [
    "AUTHENTICATED",
    "LANGUAGE_NAMES",
    "PUBLIC",
    "Conflict",
    "DocumentVerification",
    "DomainError",
    "FileUse",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "RuleBroken",
    "access_file",
    "anonymous_page_cache",
    "audit_list",
    "audit_record",
    "audit_verify",
    "can_view_file",
    "declare",
    "demo_audit_actors",
    "demo_documents_discard",
    "document_get",
    "document_issue",
    "document_list",
    "document_number",
    "document_pdf",
    "document_public_url",
    "document_subject_register",
    "envelope",
    "error_response",
    "file_bytes",
    "file_get",
    "file_response",
    "file_store",
    "file_use_register",
    "public",
    "reject_nul",
    "signed_in",
    "verify_document",
    "without_bidi_controls",
]
