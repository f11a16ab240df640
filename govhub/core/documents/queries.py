"""Reading issued documents."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govhub.core.errors import NotFound
from govhub.core.models import IssuedDocument


def document_get(public_id: str) -> IssuedDocument:
    """The document with this public id (anyone holding it may see the document), or 404."""
    document = IssuedDocument.objects.filter(public_id=public_id).first()
    if document is None:
        raise NotFound(_("No document has this address."))
    return document


def document_list(*, subject_type: str, subject_id: str) -> QuerySet[IssuedDocument]:
    """The documents issued about one subject, newest first, without their PDFs."""
    return IssuedDocument.objects.filter(subject_type=subject_type, subject_id=subject_id).defer(
        "pdf", "text"
    )
