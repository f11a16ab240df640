"""The public verification page (the target of every document's QR code) and the PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from govhub.core.documents.data import DocumentVerification
from govhub.core.documents.forms import CopyCheckForm
from govhub.core.documents.queries import document_get
from govhub.core.documents.verify import verify_document
from govhub.core.errors import NotFound
from govhub.core.permissions import public


@public
@require_http_methods(["GET", "POST"])
def document_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        document = verify_document(public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = CopyCheckForm(request.POST, request.FILES) if request.method == "POST" else None
    result: DocumentVerification | None = None
    if form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload:
            result = verify_document(public_id, upload.read())
        else:
            result = verify_document(public_id, sha256=form.cleaned_data["sha256"])
    return render(
        request,
        "core/document.html",
        {"document": document, "form": form or CopyCheckForm(), "result": result},
    )


@public
@require_GET
def document_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        document = document_get(public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    return response
