"""Serving stored files: only through an access check, streamed (no storage URL ever leaves)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_GET

from govhub.core.errors import NotFound
from govhub.core.files.permissions import access_file, can_view_file
from govhub.core.files.queries import file_open
from govhub.core.models import StoredFile
from govhub.core.permissions import declare


def file_response(stored: StoredFile, *, private: bool = True) -> FileResponse:
    """The file as a download, under its sanitised name and detected type."""
    response = FileResponse(
        file_open(stored),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Content-Length"] = str(stored.size)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@declare(can_view_file)  # the uploader, or whom the file's use allows (others get 404)
@require_GET
def file_download(request: HttpRequest, public_id: str) -> HttpResponseBase:
    try:
        stored = access_file(request.user, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return file_response(stored)
