"""Who may see a stored file: its uploader, and whom the file's use allows (deny by default)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govhub.core.errors import NotFound
from govhub.core.files.queries import file_get
from govhub.core.files.uses import file_use
from govhub.core.models import StoredFile


def can_view_file(user: Any, stored: StoredFile) -> bool:
    """The uploader may see the file; others only if the file's use allows them."""
    if getattr(user, "is_authenticated", False) and user.pk == stored.uploaded_by_id:
        return True
    try:
        rules = file_use(stored.use)
    except LookupError:
        return False  # a use no longer registered: only its uploader
    return bool(rules.can_view(user, stored))


def access_file(user: Any, public_id: str) -> StoredFile:
    """The file if `user` may see it; otherwise NotFound, as if it did not exist."""
    stored = file_get(public_id)
    if not can_view_file(user, stored):
        raise NotFound(_("No file has this address."))
    return stored
