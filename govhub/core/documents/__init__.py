"""Issued documents: numbered, frozen, PAdES-signed PDFs with public verification.

`document_issue` makes one; `verify_document` checks the stored file, an uploaded copy or a
fingerprint. The public page is `/documents/<public_id>/`, the API
`/api/v1/documents/{public_id}/verify`. See docs/adr/0008-signed-documents.md.
"""

from govhub.core.documents.actions import document_issue, document_public_url
from govhub.core.documents.data import DocumentVerification
from govhub.core.documents.queries import document_get, document_list
from govhub.core.documents.verify import verify_document

__all__ = [
    "DocumentVerification",
    "document_get",
    "document_issue",
    "document_list",
    "document_public_url",
    "verify_document",
]
