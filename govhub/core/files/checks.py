"""Start-up checks of file handling: a known, well-configured malware scanner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning

from govhub.core.files.scanners import ClamAVScanner, active_scanner, scanner_names


@register(Tags.security)
def check_file_scanner(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """GOVHUB_FILE_SCANNER names a registered scanner whose configuration is complete."""
    try:
        scanner = active_scanner()
    except LookupError:
        return [
            Error(
                f"GOVHUB_FILE_SCANNER is {settings.GOVHUB_FILE_SCANNER!r}, which is no known "
                "file scanner.",
                hint=f"Use one of: {', '.join(scanner_names())}.",
                id="files.E001",
            )
        ]
    return [Error(problem, id="files.E002") for problem in scanner.configuration_errors()]


@register(Tags.security, deploy=True)
def check_file_scanner_answers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A configured ClamAV answers (uploads are refused while it does not)."""
    try:
        scanner = active_scanner()
    except LookupError:
        return []  # reported by check_file_scanner
    if not isinstance(scanner, ClamAVScanner) or scanner.configuration_errors():
        return []
    if scanner.ping():
        return []
    return [
        CheckWarning(
            f"clamd does not answer at {scanner.url}: every upload will be refused.",
            hint="Start clamd, or correct GOVHUB_CLAMAV_URL.",
            id="files.W001",
        )
    ]
