"""The public register of issued documents, each document's page (the target of its QR code)
and its PDF."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from govhub.core.documents.data import DocumentVerification
from govhub.core.documents.forms import CopyCheckForm, RegisterSearchForm
from govhub.core.documents.queries import (
    document_by_number,
    document_get,
    document_register,
    document_series_list,
    document_text,
)
from govhub.core.documents.subjects import document_subject_link
from govhub.core.documents.verify import verify_document
from govhub.core.errors import NotFound
from govhub.core.files import file_response
from govhub.core.permissions import public


@public
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """The public register: every issued document, newest first, searchable by number and
    title, filtered by series."""
    form = RegisterSearchForm(request.GET, series=document_series_list())
    search, series = ("", "")
    if form.is_valid():
        search, series = form.cleaned_data["q"], form.cleaned_data["series"]
    page = document_register(search=search, series=series, cursor=request.GET.get("after", ""))
    query = urlencode({k: v for k, v in (("q", search), ("series", series)) if v})
    return render(
        request,
        "core/document_list.html",
        {"form": form, "page": page, "query": query, "searched": bool(search or series)},
    )


@public
@require_http_methods(["GET", "POST"])
def document_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        document = verify_document(public_id)
    except NotFound as exc:
        # A number typed or linked by hand (/documents/PRG-2026-000001/) finds its document.
        found = document_by_number(public_id)
        if found:
            return HttpResponseRedirect(reverse("core:document", args=[found]))
        raise Http404(exc.message) from exc
    form = CopyCheckForm(request.POST, request.FILES) if request.method == "POST" else None
    result: DocumentVerification | None = None
    if form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload:
            result = verify_document(public_id, upload.read())
        else:
            result = verify_document(public_id, sha256=form.cleaned_data["sha256"])
    text, subject_type, subject_id = document_text(public_id)
    return render(
        request,
        "core/document.html",
        {
            "document": document,
            "text": text,
            "subject": document_subject_link(subject_type, subject_id),
            "form": form or CopyCheckForm(),
            "result": result,
        },
    )


@public
@require_GET
def document_pdf(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The issued PDF, streamed from its stored file (issued documents are public)."""
    try:
        document = document_get(public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return file_response(document.file, private=False)
