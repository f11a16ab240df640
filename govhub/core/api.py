"""What other apps may import from core."""

from govhub.core.audit import audit_list, audit_record, audit_verify
from govhub.core.caching import anonymous_page_cache
from govhub.core.clientip import client_ip
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
from govhub.core.formats import country_name, long_date, long_datetime
from govhub.core.i18n import LANGUAGE_NAMES
from govhub.core.notifications.actions import notify
from govhub.core.permissions import AUTHENTICATED, PUBLIC, api_access, declare, public, signed_in
from govhub.core.responses import envelope, error_response
from govhub.core.rest import PUBLIC_OPERATION, PageNumber
from govhub.core.security_cache import security_cache

__all__ = [
    "AUTHENTICATED",
    "LANGUAGE_NAMES",
    "PUBLIC",
    "PUBLIC_OPERATION",
    "Conflict",
    "DocumentVerification",
    "DomainError",
    "FileUse",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PageNumber",
    "RuleBroken",
    "access_file",
    "anonymous_page_cache",
    "api_access",
    "audit_list",
    "audit_record",
    "audit_verify",
    "can_view_file",
    "client_ip",
    "country_name",
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
    "long_date",
    "long_datetime",
    "notify",
    "public",
    "reject_nul",
    "security_cache",
    "signed_in",
    "verify_document",
    "without_bidi_controls",
]
