"""Issued documents: numbered, frozen, PAdES-signed PDFs with public verification.

`document_issue` makes one; `verify_document` checks the stored file, an uploaded copy or a
fingerprint. People know a document by its number (PRG-2026-000001); its page is
`/documents/<public_id>/` (the address in its QR code), the public register `/documents/`,
the API `/api/v1/documents/{public_id}/verify`. Apps register where a document's subject
lives with `document_subject_register`. See docs/adr/0008-signed-documents.md.
"""

from govhub.core.documents.actions import document_issue, document_public_url
from govhub.core.documents.data import DocumentVerification
from govhub.core.documents.queries import (
    document_get,
    document_list,
    document_number,
    document_pdf,
)
from govhub.core.documents.subjects import document_subject_register
from govhub.core.documents.verify import verify_document

__all__ = [
    "DocumentVerification",
    "document_get",
    "document_issue",
    "document_list",
    "document_number",
    "document_pdf",
    "document_public_url",
    "document_subject_register",
    "verify_document",
]
