"""`{% document_link public_id %}`: a link to an issued document, named by its number."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from govhub.core.documents.queries import document_number

register = template.Library()


@register.simple_tag
def document_link(public_id: str) -> SafeString | str:
    """The document's number linked to its page (one query); nothing without an id."""
    if not public_id:
        return ""
    # An id with no document (never issued here) still links: the page says it is unknown.
    number = document_number(public_id) or public_id
    url = reverse("core:document", args=[public_id])
    return format_html('<a href="{}"><span dir="ltr">{}</span></a>', url, number)
