"""Where stored files go, from one URL (GOVHUB_STORAGE_URL), as a Django STORAGES entry.

Read by the settings, so it imports nothing of Django's models. Empty: local disk under
MEDIA_ROOT. `s3://bucket/prefix?endpoint_url=...&region_name=...&addressing_style=path`:
S3-compatible object storage through django-storages; credentials come from the usual
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role), never from the URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Query parameters passed on to django-storages' S3Storage as they are.
S3_OPTIONS = ("endpoint_url", "region_name", "addressing_style", "signature_version")


class StorageUrlError(ValueError):
    pass


def storage_from_url(url: str, media_root: Path | str) -> dict[str, Any]:
    """The STORAGES["default"] entry for `url` (see the module's docstring)."""
    if not url or url.startswith("file:"):
        location = urlsplit(url).path if url else ""
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location or media_root), "base_url": None},
        }
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise StorageUrlError(
            f"GOVHUB_STORAGE_URL {url!r} must be empty (local disk) or s3://bucket[/prefix]?..."
        )
    if parts.username or parts.password:
        raise StorageUrlError(
            "GOVHUB_STORAGE_URL must not hold credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead."
        )
    query = dict(parse_qsl(parts.query))
    unknown = sorted(set(query) - set(S3_OPTIONS))
    if unknown:
        raise StorageUrlError(
            f"GOVHUB_STORAGE_URL: unknown option(s) {', '.join(unknown)}; "
            f"known: {', '.join(S3_OPTIONS)}."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": parts.hostname,
            "location": parts.path.strip("/"),
            **query,
            # Files are served only through GovHub's access-checked view: never overwritten,
            # no public ACL, no public URL (a signed one at most, and GovHub makes none).
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            # A download is buffered before it is streamed on: in memory up to 2 MiB, then
            # in a temporary file (django-storages' default, 0, would keep it all in memory).
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
