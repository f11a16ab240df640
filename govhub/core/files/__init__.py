"""Stored files: uploads checked on their content, kept in Django's storage, served only
through an access check. See docs/adr/0014-files.md.

An app declares a use with `file_use_register` (allowed types, size limit, who may see the
files), then stores uploads with `file_store`, which refuses a wrong type (by content, not
name), an oversized or empty file and anything the malware scanner flags, writing nothing.
Files are served by `/files/<public_id>/` to whom `can_view_file` allows, or by an app's own
view through `file_response`.
"""

from govhub.core.files.actions import file_store
from govhub.core.files.permissions import access_file, can_view_file
from govhub.core.files.queries import file_bytes, file_get, file_open
from govhub.core.files.scanners import ScannerUnavailable, ScanResult, scanner_register
from govhub.core.files.types import KNOWN_TYPES, detect_type
from govhub.core.files.uses import FileUse, anyone, file_use_register, nobody_else
from govhub.core.files.views import file_response

__all__ = [
    "KNOWN_TYPES",
    "FileUse",
    "ScanResult",
    "ScannerUnavailable",
    "access_file",
    "anyone",
    "can_view_file",
    "detect_type",
    "file_bytes",
    "file_get",
    "file_open",
    "file_response",
    "file_store",
    "file_use_register",
    "nobody_else",
    "scanner_register",
]
