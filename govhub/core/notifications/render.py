"""A notification's words in its recipient's language: subject, plain text, HTML and SMS.

Templates live under notifications/<kind>/: subject.txt, body.txt, body.html and optionally
sms.txt, each first looked up as <name>.<language>.<ext> (a deployment's own wording in one
language), then as <name>.<ext> rendered with that language's translations. The frame
(notifications/frame.txt and frame.html) adds the reference and link to every message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import translation

from govhub.core.notifications.models import Notification


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    sms: str


def absolute_url(url: str) -> str:
    """`url` on the public site (GOVHUB_PUBLIC_URL) when it is a path."""
    if url.startswith("/"):
        return str(settings.GOVHUB_PUBLIC_URL).rstrip("/") + url
    return url


def _render(kind: str, name: str, ext: str, language: str, context: dict[str, Any]) -> str:
    template = select_template(
        [f"notifications/{kind}/{name}.{language}.{ext}", f"notifications/{kind}/{name}.{ext}"]
    )
    return str(template.render(context))


def _context(notification: Notification, name: str) -> dict[str, Any]:
    return {
        **notification.context,
        "recipient_name": name,
        "reference": notification.reference,
        "url": absolute_url(notification.url),
        "preferences_url": absolute_url(reverse("core:notification-preferences")),
    }


def notification_subject(notification: Notification, language: str) -> str:
    """The one-line subject, as the notifications page lists it."""
    with translation.override(language):
        context = _context(notification, "")
        return " ".join(_render(notification.kind, "subject", "txt", language, context).split())


def render_message(
    notification: Notification, *, language: str, name: str, sms: bool = False
) -> Message:
    """`notification` in `language`, addressed to `name`: as an email (subject, plain text,
    HTML), or with `sms` as a text message (the other parts left empty)."""
    with translation.override(language):
        context = _context(notification, name)
        subject = " ".join(_render(notification.kind, "subject", "txt", language, context).split())
        if sms:
            try:
                text = _render(notification.kind, "sms", "txt", language, context).strip()
            except TemplateDoesNotExist:
                text = subject
            text = f"{text} {notification.reference} {context['url']}".strip()
            return Message(subject=subject, text="", html="", sms=text)
        context["subject"] = subject
        context["body"] = _render(notification.kind, "body", "txt", language, context).strip()
        text = render_to_string("notifications/frame.txt", context)
        context["body"] = _render(notification.kind, "body", "html", language, context)
        html = render_to_string("notifications/frame.html", context)
    return Message(subject=f"[{notification.reference}] {subject}", text=text, html=html, sms="")
