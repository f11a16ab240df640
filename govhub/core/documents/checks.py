"""Deployment checks (`govhub check --deploy`): a real signing certificate, a public address."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}


@register(Tags.security, deploy=True)
def check_documents(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Issued documents need the deployment's own key, its public address and a font."""
    from govhub.core.documents.render import document_fonts  # slow imports: only when checked
    from govhub.core.documents.signing import signing_configured, signing_material

    messages: list[CheckMessage] = []
    if not signing_configured():
        messages.append(
            CheckWarning(
                "Issued documents are signed with a self-signed development certificate.",
                hint="Set GOVHUB_SIGNING_KEY_FILE and GOVHUB_SIGNING_CERT_FILE to the "
                "deployment's document-signing key and certificate.",
                id="core.W001",
            )
        )
    else:
        try:
            signing_material()
        except ImproperlyConfigured as exc:
            messages.append(Error(str(exc), id="core.E001"))
    if (urlsplit(settings.GOVHUB_PUBLIC_URL).hostname or "") in LOOPBACK:
        messages.append(
            CheckWarning(
                "GOVHUB_PUBLIC_URL is a loopback address: the QR codes on issued documents "
                "would point nowhere.",
                hint="Set GOVHUB_PUBLIC_URL to the site's public address, e.g. "
                "https://govhub.example.gov.",
                id="core.W002",
            )
        )
    try:
        fonts = document_fonts()
    except ImproperlyConfigured as exc:
        messages.append(Error(str(exc), id="core.E002"))
    else:
        if fonts is None:
            messages.append(
                CheckWarning(
                    "No Unicode font for issued documents was found: only Latin-1 text can "
                    "be issued.",
                    hint="Install DejaVu Sans (Debian: fonts-dejavu-core) or set "
                    "GOVHUB_DOCUMENT_FONT.",
                    id="core.W003",
                )
            )
    return messages
