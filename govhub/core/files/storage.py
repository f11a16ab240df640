"""The storage files go to: Django's default storage (local disk, or S3 when configured)."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def file_storage() -> Storage:
    """Where stored files' bytes live (STORAGES["default"], from GOVHUB_STORAGE_URL)."""
    return storages["default"]
