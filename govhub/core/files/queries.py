"""Reading stored files: one by its public id, and its bytes."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _

from govhub.core.errors import NotFound
from govhub.core.files.storage import file_storage
from govhub.core.models import StoredFile


def file_get(public_id: str) -> StoredFile:
    """The stored file with this public id, or NotFound (callers check access: access_file)."""
    stored = StoredFile.objects.filter(public_id=public_id).first()
    if stored is None:
        raise NotFound(_("No file has this address."))
    return stored


def file_open(stored: StoredFile) -> IO[bytes]:
    """The file's bytes as a stream (from local disk or object storage)."""
    stream: IO[bytes] = file_storage().open(stored.key, "rb")
    return stream


def file_bytes(stored: StoredFile) -> bytes:
    """The file's whole content (for small files: signed documents)."""
    with file_open(stored) as stream:
        return stream.read()
