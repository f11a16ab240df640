"""Issuing a document: number it, render it, sign it, store it, audit it, in one transaction."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.audit import audit_record
from govhub.core.documents.search import document_index
from govhub.core.errors import InvalidInput, unsafe_text_message
from govhub.core.files import file_store
from govhub.core.files.uses import ISSUED_DOCUMENT
from govhub.core.models import DocumentSeries, IssuedDocument

NUMBER_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,15}$")
SUBJECT_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
TEXT_LIMIT = 100_000


def document_public_url(public_id: str) -> str:
    """The public verification page of a document (printed as the QR code on it)."""
    base: str = settings.GOVHUB_PUBLIC_URL
    return base.rstrip("/") + reverse("core:document", args=[public_id])


def document_issue(
    *,
    actor: Any,
    title: str,
    number_prefix: str,
    legal_status: str,
    text: str,
    issuer_label: str,
    issuer_organisation_id: int | None,
    subject_type: str,
    subject_id: str,
) -> IssuedDocument:
    """Issue a numbered, signed PDF (the calling app has checked that `actor` may issue it)."""
    # fpdf2 and pyHanko take about a second to import: load them when a document is issued.
    from govhub.core.documents.render import DocumentContent, render_pdf
    from govhub.core.documents.signing import sign_pdf, signing_material

    title, legal_status, issuer_label = (
        _checked_text(title, "title", 300),
        _checked_text(legal_status, "legal_status", 500),
        _checked_text(issuer_label, "issuer_label", 300),
    )
    text = _checked_text(text, "text", TEXT_LIMIT, strip=False)
    _check_identifiers(number_prefix, subject_type, subject_id)
    material = signing_material()  # outside the transaction: a missing key fails fast
    with transaction.atomic():
        issued_at = timezone.now()
        number = _next_number(number_prefix, timezone.localdate(issued_at).year)
        public_id = secrets.token_urlsafe(16)
        content = DocumentContent(
            number=number,
            title=title,
            legal_status=legal_status,
            issuer_label=issuer_label,
            issued_at=issued_at,
            text=text,
            verify_url=document_public_url(public_id),
        )
        signed = sign_pdf(render_pdf(content), material, reason=number)
        # The stored file is recorded by this action's own audit entry (its SHA-256).
        pdf = file_store(
            actor=actor,
            use=ISSUED_DOCUMENT,
            content=signed,
            name=f"{number}.pdf",
            organisation_id=issuer_organisation_id,
            record_audit=False,
        )
        document = IssuedDocument.objects.create(
            public_id=public_id,
            number=number,
            title=title,
            legal_status=legal_status,
            issued_at=issued_at,
            issuer_label=issuer_label,
            issuer_organisation_id=issuer_organisation_id,
            subject_type=subject_type,
            subject_id=subject_id,
            text=text,
            sha256=hashlib.sha256(signed).hexdigest(),
            file=pdf,
            created_by_id=getattr(actor, "pk", None),
        )
        document_index(document)
        audit_record(
            actor=actor,
            verb="document.issue",
            target=document,
            organisation_id=issuer_organisation_id,
            changes={
                "number": number,
                "title": title,
                "legal_status": legal_status,
                "issuer_label": issuer_label,
                "subject": f"{subject_type}:{subject_id}",
                "sha256": document.sha256,
            },
        )
    return document


def _checked_text(value: str, field: str, limit: int, *, strip: bool = True) -> str:
    value = value.strip() if strip else value
    if not value.strip():
        raise InvalidInput(_("This field is required."), details={"field": field})
    if len(value) > limit:
        message = _("At most %(limit)s characters.") % {"limit": limit}
        raise InvalidInput(message, details={"field": field})
    unsafe = unsafe_text_message(value)
    if unsafe is not None:
        raise InvalidInput(unsafe, code="invalid_text", details={"field": field})
    return value


def _check_identifiers(number_prefix: str, subject_type: str, subject_id: str) -> None:
    """Programming errors of the calling app, reported plainly."""
    if not NUMBER_PREFIX.match(number_prefix):
        raise InvalidInput(
            f"The number prefix {number_prefix!r} must be 1-16 capital letters or digits.",
            details={"field": "number_prefix"},
        )
    if not SUBJECT_TYPE.match(subject_type) or len(subject_type) > 64:
        raise InvalidInput(
            f"The subject type {subject_type!r} must look like 'app.model'.",
            details={"field": "subject_type"},
        )
    if not subject_id or len(subject_id) > 64:
        raise InvalidInput(
            "The subject id must be 1-64 characters.", details={"field": "subject_id"}
        )


def _next_number(prefix: str, year: int) -> str:
    """The series' next number, e.g. GH-2026-000123, under a row lock (no gaps, no repeats)."""
    series = _locked_series(prefix, year)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{series.last_number:06d}"


def _locked_series(prefix: str, year: int) -> DocumentSeries:
    locked = DocumentSeries.objects.select_for_update()
    series = locked.filter(prefix=prefix, year=year).first()
    if series is not None:
        return series
    try:
        with transaction.atomic():
            DocumentSeries.objects.create(prefix=prefix, year=year)
    except IntegrityError:
        pass  # another issuer opened the series first; take its row below
    return locked.get(prefix=prefix, year=year)
