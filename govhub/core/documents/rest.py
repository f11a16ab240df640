"""REST: the public register of issued documents; verify a document, its stored file or a
copy (public operations)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from govhub.core.documents.actions import document_public_url
from govhub.core.documents.data import DocumentVerification
from govhub.core.documents.queries import document_get, document_register
from govhub.core.documents.verify import verify_document
from govhub.core.errors import InvalidInput
from govhub.core.paging import MAX_CURSOR_LENGTH
from govhub.core.rest import PUBLIC_OPERATION

router = Router(tags=["documents"])

PDF_TYPES = ("application/pdf", "application/octet-stream")
COPY_BODY = {
    "requestBody": {
        "required": True,
        "description": "The copy to check: the PDF itself, or a form with a `file` field.",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


class VerificationOut(Schema):
    valid: bool
    reason_code: str = Field(
        ...,
        description="authentic, not_a_pdf, no_signature, signature_broken, "
        "changed_after_signing, unknown_signer, different_document, fingerprint_mismatch "
        "or stored_copy_damaged",
    )
    reason: str
    checked: str = Field(..., description="stored, copy or sha256: what was checked")
    number: str
    title: str
    legal_status: str
    issuer: str
    issued_at: datetime
    sha256: str = Field(..., description="SHA-256 of the issued (signed) PDF, in hex")
    url: str = Field(..., description="The document's public verification page")


def _out(result: DocumentVerification) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "reason_code": result.reason_code,
        "reason": result.reason,
        "checked": result.checked,
        "number": result.number,
        "title": result.title,
        "legal_status": result.legal_status,
        "issuer": result.issuer_label,
        "issued_at": result.issued_at,
        "sha256": result.sha256,
        "url": document_public_url(result.public_id),
    }


@router.get(
    "/documents/{public_id}/verify",
    response=VerificationOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="Verify an issued document (its stored file, or a fingerprint)",
)
def document_verify(request: HttpRequest, public_id: str, sha256: str | None = None) -> Any:
    return _out(verify_document(public_id, sha256=sha256))


@router.post(
    "/documents/{public_id}/verify",
    response=VerificationOut,
    auth=None,
    openapi_extra={**PUBLIC_OPERATION, **COPY_BODY},
    summary="Verify a copy of an issued document",
)
def document_verify_copy(request: HttpRequest, public_id: str) -> Any:
    document_get(public_id)  # an unknown id is 404 whatever the body
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Send the copy in a form field named 'file'."))
        data = upload.read()
    elif request.content_type in PDF_TYPES:
        data = request.body
    else:
        raise HttpError(
            415, _("Send the copy as application/pdf, or as multipart/form-data with a 'file'.")
        )
    if not data:
        raise InvalidInput(_("The copy is empty."))
    return _out(verify_document(public_id, data))


class RegisterEntryOut(Schema):
    number: str = Field(..., description="The document's number, e.g. PRG-2026-000001")
    title: str
    legal_status: str
    issuer: str
    issued_at: datetime
    url: str = Field(..., description="The document's public page (its QR code's address)")


class RegisterOut(Schema):
    items: list[RegisterEntryOut]
    next_cursor: str = Field(
        ..., description="Pass as `after` for the next (older) page; empty on the last page"
    )


class RegisterQuery(Schema):
    q: str = Field("", max_length=200, description="The start of a number, or words of a title")
    series: str = Field("", max_length=30, description="One series, e.g. PRG-2026")
    after: str = Field(
        "", max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page"
    )


@router.get(
    "/documents",
    response=RegisterOut,
    auth=None,
    openapi_extra=PUBLIC_OPERATION,
    summary="The public register of issued documents, newest first",
)
def document_register_list(request: HttpRequest, filters: Query[RegisterQuery]) -> Any:
    page = document_register(search=filters.q, series=filters.series, cursor=filters.after)
    return {
        "items": [
            {
                "number": d.number,
                "title": d.title,
                "legal_status": d.legal_status,
                "issuer": d.issuer_label,
                "issued_at": d.issued_at,
                "url": document_public_url(d.public_id),
            }
            for d in page.documents
        ],
        "next_cursor": page.next_cursor,
    }
