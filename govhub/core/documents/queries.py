"""Reading issued documents: one by its public id, a subject's documents, the public register."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from govhub.core.documents.search import KIND as SEARCH_KIND
from govhub.core.errors import NotFound
from govhub.core.models import DocumentSeries, IssuedDocument
from govhub.core.paging import InvalidCursor, keyset_page
from govhub.core.search import search_condition

REGISTER_PAGE_SIZE = 25
# What the register shows of a document (never the PDF or the text: no blob in a list row).
REGISTER_FIELDS = ("public_id", "number", "title", "legal_status", "issued_at", "issuer_label")
SERIES = re.compile(r"^([A-Z][A-Z0-9]{0,15})-(\d{4})$")
NUMBERISH = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
# Above every character a number may hold: `number < prefix + TOP` closes a prefix range.
TOP = "\U0010ffff"


def document_get(public_id: str) -> IssuedDocument:
    """The document with this public id (anyone holding it may see the document), or 404."""
    document = IssuedDocument.objects.select_related("file").filter(public_id=public_id).first()
    if document is None:
        raise NotFound(_("No document has this address."))
    return document


def document_list(*, subject_type: str, subject_id: str) -> QuerySet[IssuedDocument]:
    """The documents issued about one subject, newest first, without their PDFs."""
    return IssuedDocument.objects.filter(subject_type=subject_type, subject_id=subject_id).defer(
        "text"
    )


def document_pdf(document: IssuedDocument) -> bytes:
    """The issued (signed) PDF, read from its stored file."""
    from govhub.core.files import file_bytes

    return file_bytes(document.file)


def document_number(public_id: str) -> str:
    """The number a document is known by (e.g. PRG-2026-000001), or "" if there is none."""
    number: str | None = (
        IssuedDocument.objects.filter(public_id=public_id).values_list("number", flat=True).first()
    )
    return number or ""


def document_series_list() -> list[str]:
    """The series documents were issued in ("PRG-2026"), newest year first (a small table)."""
    return [
        f"{prefix}-{year}"
        for prefix, year in DocumentSeries.objects.filter(last_number__gt=0)
        .order_by("-year", "prefix")
        .values_list("prefix", "year")
    ]


@dataclass(frozen=True)
class RegisterPage:
    documents: list[IssuedDocument]
    next_cursor: str  # "" on the last page


def document_register(*, search: str = "", series: str = "", cursor: str = "") -> RegisterPage:
    """One page of the public register of issued documents, newest first.

    `search` matches the start of a number ("PRG-2026-00001", by the unique index on number)
    or the words of a title (full text, the last word a prefix; the rows are walked in the
    register's index order and the walk stops at one page). `series` ("PRG-2026") keeps one
    series, again a range on the number's index. `cursor` comes from the previous page
    (core.paging); a malformed cursor or series is ignored (the first page, every series).
    """
    documents = IssuedDocument.objects.only(*REGISTER_FIELDS).order_by("-issued_at", "-id")
    if SERIES.match(series):
        documents = documents.filter(_number_prefix(series + "-"))
    search = search.strip()[:200]
    if search:
        matches = search_condition(search, kind=SEARCH_KIND, titles_only=True)
        if NUMBERISH.match(search.upper()):
            matches |= _number_prefix(search.upper())
        documents = documents.filter(matches)
    try:
        page = keyset_page(documents, after=cursor, size=REGISTER_PAGE_SIZE)
    except InvalidCursor:
        page = keyset_page(documents, size=REGISTER_PAGE_SIZE)
    return RegisterPage(page.items, page.next_cursor)


def _number_prefix(prefix: str) -> Q:
    return Q(number__gte=prefix, number__lt=prefix + TOP)


def document_text(public_id: str) -> tuple[str, str, str]:
    """A document's text and its subject (type and id), without its PDF ("" if unknown)."""
    row = (
        IssuedDocument.objects.filter(public_id=public_id)
        .values_list("text", "subject_type", "subject_id")
        .first()
    )
    return row or ("", "", "")


def document_by_number(number: str) -> str:
    """The public id of the document with this number ("" if none): people type numbers."""
    public_id: str | None = (
        IssuedDocument.objects.filter(number=number.strip().upper())
        .values_list("public_id", flat=True)
        .first()
    )
    return public_id or ""
