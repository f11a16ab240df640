"""Storing a file: check its size, type (by content) and scanner verdict, then store the bytes
under a key GovHub makes and write its row and audit entry. A refused file leaves nothing."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from govhub.core.audit import audit_record
from govhub.core.errors import DomainError, Forbidden, InvalidInput, PayloadTooLarge, RuleBroken
from govhub.core.files.names import safe_name
from govhub.core.files.scanners import ScannerUnavailable, active_scanner
from govhub.core.files.storage import file_storage
from govhub.core.files.types import KNOWN_TYPES, detect_type, type_label
from govhub.core.files.uses import FileUse, file_use
from govhub.core.models import StoredFile


class ScannerDown(DomainError):
    """The malware scanner gave no verdict: the file is refused, and may be sent again later."""

    status = 503
    default_code = "scanner_unavailable"


def file_store(
    *,
    actor: Any,
    use: str,
    content: bytes | File[Any],
    name: str,
    organisation_id: int | None = None,
    record_audit: bool = True,
) -> StoredFile:
    """Store an uploaded file for `use` after checking its size, type and scanner verdict.

    Refusals: `file_empty`, `file_too_large` (413), `file_type_not_allowed`, `file_infected`
    (422), `scanner_unavailable` (503); none stores a byte or writes a row. `record_audit`
    is False only when the calling action's own audit entry records the file (a document).
    """
    rules = file_use(use)
    if not rules.can_store(actor):
        raise Forbidden(_("You may not upload this file."))
    upload = ContentFile(content) if isinstance(content, bytes) else content
    size, sha256 = _measure(upload, _limit(rules))
    content_type = _allowed_type(upload, rules)
    scanned_by = _scan(upload, rules)
    public_id = secrets.token_urlsafe(16)
    now = timezone.now()
    key = f"files/{now:%Y/%m}/{public_id}{KNOWN_TYPES[content_type].extension}"
    storage = file_storage()
    upload.seek(0)
    key = storage.save(key, upload)
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                public_id=public_id,
                key=key,
                use=use,
                original_name=safe_name(name, content_type),
                content_type=content_type,
                size=size,
                sha256=sha256,
                scanned_by=scanned_by,
                uploaded_by_id=getattr(actor, "pk", None),
                organisation_id=organisation_id,
                created_at=now,
            )
            if record_audit:
                audit_record(
                    actor=actor,
                    verb="file.store",
                    target=stored,
                    organisation_id=organisation_id,
                    changes={
                        "use": use,
                        "name": stored.original_name,
                        "content_type": content_type,
                        "size": size,
                        "sha256": sha256,
                    },
                )
    except BaseException:
        storage.delete(key)  # no object without its row
        raise
    return stored


def _limit(rules: FileUse) -> int:
    limit: int = settings.GOVHUB_MAX_UPLOAD_BYTES
    return limit if rules.max_bytes is None else rules.max_bytes


def _measure(upload: File[Any], limit: int) -> tuple[int, str]:
    """Size and SHA-256, read in chunks; refused as soon as it passes the limit."""
    too_large = PayloadTooLarge(
        _("The file is too large. The largest allowed size is %(size)s.")
        % {"size": filesizeformat(limit)},
        code="file_too_large",
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise too_large
        digest.update(chunk)
    if size == 0:
        raise InvalidInput(_("The file is empty."), code="file_empty")
    return size, digest.hexdigest()


def _allowed_type(upload: File[Any], rules: FileUse) -> str:
    detected = detect_type(upload)  # File proxies read and seek
    if detected in rules.types:
        return detected
    allowed = ", ".join(sorted(type_label(mime) for mime in rules.types))
    raise InvalidInput(
        _("This kind of file is not accepted here (it is %(kind)s). Accepted: %(allowed)s.")
        % {"kind": type_label(detected), "allowed": allowed},
        code="file_type_not_allowed",
        details={"detected": detected, "allowed": sorted(rules.types)},
    )


def _scan(upload: File[Any], rules: FileUse) -> str:
    if not rules.scan:
        return ""
    scanner = active_scanner()
    try:
        upload.seek(0)
        result = scanner.scan(upload)
    except ScannerUnavailable as exc:
        raise ScannerDown(
            _("The file could not be checked for viruses just now. Please try again later.")
        ) from exc
    if not result.clean:
        raise RuleBroken(
            _("The file was refused: the virus scanner found %(threat)s in it.")
            % {"threat": result.signature or _("a threat")},
            code="file_infected",
        )
    return scanner.name
