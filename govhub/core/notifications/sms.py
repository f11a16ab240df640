"""Text messages through a named provider, chosen by `GOVHUB_SMS_PROVIDER`.

A small registry of plugins, each with a configuration check that `govhub check` (and so
every start) runs: "console" writes messages to the log (the default), "file" appends them
as JSON lines to `GOVHUB_SMS_FILE`, "http" posts them as JSON to `GOVHUB_SMS_URL` (a
gateway of the deployment's operator). Another provider is one class and one
`sms_provider_register` call.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger("govhub.sms")


class SmsError(Exception):
    """Sending failed; `permanent` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsProvider(Protocol):
    def check(self) -> list[str]:
        """What is wrong with this provider's configuration ([] when nothing)."""
        ...

    def send(self, *, to: str, text: str) -> None:
        """Send one message or raise SmsError."""
        ...


class ConsoleProvider:
    """Writes each message to the `govhub.sms` log: development and tests."""

    def check(self) -> list[str]:
        return []

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class FileProvider:
    """Appends each message as a JSON line to GOVHUB_SMS_FILE."""

    def check(self) -> list[str]:
        if not settings.GOVHUB_SMS_FILE:
            return ["GOVHUB_SMS_FILE must name a file for the file SMS provider."]
        return []

    def send(self, *, to: str, text: str) -> None:
        path = Path(settings.GOVHUB_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")


class HttpProvider:
    """Posts {"to": ..., "text": ...} as JSON to GOVHUB_SMS_URL (with GOVHUB_SMS_TOKEN as a
    bearer token if set); any 2xx is success, 4xx permanent, anything else retried."""

    def check(self) -> list[str]:
        url = settings.GOVHUB_SMS_URL
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            return [f"GOVHUB_SMS_URL must be an http(s) address for the http SMS provider: {url!r}"]
        return []

    def send(self, *, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310  (the scheme is checked: http or https)
            settings.GOVHUB_SMS_URL,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        if settings.GOVHUB_SMS_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.GOVHUB_SMS_TOKEN}")
        try:
            with urllib.request.urlopen(request, timeout=settings.EMAIL_TIMEOUT or 10):  # noqa: S310
                return
        except urllib.error.HTTPError as exc:
            raise SmsError(f"HTTP {exc.code}", permanent=400 <= exc.code < 500) from exc
        except OSError as exc:
            raise SmsError(str(exc) or type(exc).__name__) from exc


_PROVIDERS: dict[str, Callable[[], SmsProvider]] = {
    "console": ConsoleProvider,
    "file": FileProvider,
    "http": HttpProvider,
}


def sms_provider_register(name: str, factory: Callable[[], SmsProvider]) -> None:
    """Offer another SMS provider under `name` (for GOVHUB_SMS_PROVIDER)."""
    _PROVIDERS[name] = factory


def sms_provider() -> SmsProvider:
    """The configured provider (GOVHUB_SMS_PROVIDER)."""
    name = settings.GOVHUB_SMS_PROVIDER
    if name not in _PROVIDERS:
        raise LookupError(name)
    return _PROVIDERS[name]()


def sms_configuration_errors() -> list[str]:
    """What is wrong with the SMS configuration ([] when nothing)."""
    name = settings.GOVHUB_SMS_PROVIDER
    if name not in _PROVIDERS:
        known = ", ".join(sorted(_PROVIDERS))
        return [f"GOVHUB_SMS_PROVIDER {name!r} is not a known SMS provider (known: {known})."]
    return _PROVIDERS[name]().check()
