"""Checking a service's fields before any write; each refusal names its field by its code."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from govhub.core.api import InvalidInput, RuleBroken, reject_nul
from govhub.organisations.api import Sector, organisations_brief
from govhub.services.data import ServiceInput
from govhub.services.models import Audience, Channel, Event, OutputType

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_ROWS = 30
# Words of the catalogue's own addresses (/services/new/, /services/catalogue.ttl, ...).
RESERVED = frozenset({"new", "whats-new", "authority", "catalogue", "events", "vocabulary"})
MAX_COST = Decimal("9999999999.99")


def _languages() -> set[str]:
    return {code for code, _label in settings.LANGUAGES}


def _text(value: str, limit: int, code: str, message: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        raise InvalidInput(message, code=code)
    return value


def _translations(values: Any, limit: int, code: str) -> dict[str, str]:
    message = _("Translations may be given only in the site's languages, up to %(n)d characters.")
    if not isinstance(values, dict):
        raise InvalidInput(message % {"n": limit}, code=code)
    out = {}
    for lang, text in values.items():
        if lang not in _languages() or lang == settings.LANGUAGE_CODE or not isinstance(text, str):
            raise InvalidInput(message % {"n": limit}, code=code)
        reject_nul(text)
        if len(text.strip()) > limit:
            raise InvalidInput(message % {"n": limit}, code=code)
        if text.strip():
            out[lang] = text.strip()
    return out


def _choices(values: Any, allowed: list[str], code: str, message: str) -> list[str]:
    chosen = list(dict.fromkeys(values or ()))
    if any(v not in allowed for v in chosen):
        raise InvalidInput(message, code=code)
    return [v for v in allowed if v in chosen]  # the vocabulary's order


def _legal_basis(items: Any) -> list[dict[str, str]]:
    message = _(
        "Each law or regulation needs a title (up to 300 characters), an optional article "
        "(up to 100) and an optional web address (http or https)."
    )
    if len(items) > MAX_ROWS:
        raise InvalidInput(message, code="invalid_legal_basis")
    rows = []
    for item in items:
        reject_nul(item.title, item.article, item.url)
        title, article, url = item.title.strip(), item.article.strip(), item.url.strip()
        if not title or len(title) > 300 or len(article) > 100 or len(url) > 500:
            raise InvalidInput(message, code="invalid_legal_basis")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError as exc:
                raise InvalidInput(message, code="invalid_legal_basis") from exc
        rows.append({"title": title, "article": article, "url": url})
    return rows


def _evidence(items: Any) -> list[dict[str, str]]:
    message = _(
        "Each piece of evidence needs a name (up to 200 characters) and an optional "
        "description (up to 1,000)."
    )
    if len(items) > MAX_ROWS:
        raise InvalidInput(message, code="invalid_evidence")
    rows = []
    for item in items:
        reject_nul(item.name, item.description)
        name, description = item.name.strip(), item.description.strip()
        if not name or len(name) > 200 or len(description) > 1000:
            raise InvalidInput(message, code="invalid_evidence")
        rows.append({"name": name, "description": description})
    return rows


def _cost(data: ServiceInput) -> tuple[Decimal | None, str]:
    currency = (data.cost_currency or "").strip().upper()
    if data.cost_amount is None:
        if currency:
            raise InvalidInput(_("Give the amount with its currency."), code="invalid_cost")
        return None, ""
    try:
        amount = Decimal(data.cost_amount)
    except (InvalidOperation, TypeError) as exc:
        raise InvalidInput(_("The cost must be a number."), code="invalid_cost") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_COST or amount != round(amount, 2):
        raise InvalidInput(
            _("The cost must be zero or more, with at most two decimals."), code="invalid_cost"
        )
    if not CURRENCY.match(currency):
        raise InvalidInput(
            _("Give the currency as its three-letter code (e.g. EUR)."), code="invalid_cost"
        )
    return amount, currency


def _authority(authority_id: int) -> None:
    brief = organisations_brief([authority_id]).get(authority_id)
    if brief is None:
        raise InvalidInput(_("No such organisation."), code="invalid_authority")
    if brief.sector != Sector.GOVERNMENT:
        raise RuleBroken(
            _("The competent authority must be a government body."),
            code="authority_not_government",
        )


def clean_service(data: ServiceInput) -> tuple[dict[str, Any], list[Event]]:
    """The model's values and the events of a valid `data`; raises InvalidInput naming the
    field, or RuleBroken (a competent authority that is not a government body)."""
    reject_nul(data.identifier, data.name, data.description, data.cost_description)
    identifier = (data.identifier or "").strip()
    if not IDENTIFIER.match(identifier) or len(identifier) > 80 or identifier in RESERVED:
        raise InvalidInput(
            _("The identifier has lower-case letters, digits and single hyphens (up to 80)."),
            code="invalid_identifier",
        )
    name = _text(
        data.name, 200, "invalid_name", _("The name must have 1 to 200 characters."), required=True
    )
    description = _text(
        data.description,
        10_000,
        "invalid_description",
        _("The description may have up to 10,000 characters."),
    )
    audiences = _choices(
        data.audiences,
        list(Audience.values),
        "invalid_audience",
        _("Choose who the service is for: citizens, businesses, government bodies."),
    )
    if not audiences:
        raise InvalidInput(
            _("Choose at least one audience for the service."), code="invalid_audience"
        )
    codes = list(dict.fromkeys(data.event_codes or ()))
    events = list(Event.objects.filter(code__in=codes)) if codes else []
    if len(events) != len(codes):
        raise InvalidInput(_("Choose events from the list."), code="invalid_event")
    if data.processing_days is not None and not 0 <= data.processing_days <= 3650:
        raise InvalidInput(
            _("The processing time is a number of working days from 0 to 3,650."),
            code="invalid_processing_time",
        )
    if data.output_type not in OutputType.values:
        raise InvalidInput(_("Choose what the service gives."), code="invalid_output")
    amount, currency = _cost(data)
    _authority(data.authority_id)
    values = {
        "identifier": identifier,
        "name": name,
        "name_translations": _translations(data.name_translations, 200, "invalid_translations"),
        "description": description,
        "description_translations": _translations(
            data.description_translations, 10_000, "invalid_translations"
        ),
        "authority_id": data.authority_id,
        "for_citizens": Audience.CITIZENS in audiences,
        "for_businesses": Audience.BUSINESSES in audiences,
        "for_government": Audience.GOVERNMENT in audiences,
        "legal_basis": _legal_basis(data.legal_basis),
        "evidence": _evidence(data.evidence),
        "cost_amount": amount,
        "cost_currency": currency,
        "cost_description": _text(
            data.cost_description,
            500,
            "invalid_cost",
            _("The note on the cost may have up to 500 characters."),
        ),
        "processing_days": data.processing_days,
        "output_type": data.output_type,
        "channels": _choices(
            data.channels,
            list(Channel.values),
            "invalid_channel",
            _("Choose channels from the list."),
        ),
        "languages": _choices(
            data.languages,
            [c for c, _l in settings.LANGUAGES],
            "invalid_language",
            _("Choose languages from the list."),
        ),
    }
    return values, events


def clean_news(text: str, translations: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A news entry's text (1 to 2,000 characters) and its translations."""
    reject_nul(text)
    text = _text(
        text,
        2000,
        "invalid_news",
        _("The news needs a text of 1 to 2,000 characters."),
        required=True,
    )
    return text, _translations(translations, 2000, "invalid_translations")
