"""The words and numbers of the indices pages: translatable labels and locale formatting.

The queries return the data's own words (region names, "World", group keys such as
"very_high"); the pages put them into the visitor's language here, at rendering time, so
nothing memoised by the queries depends on a language.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from babel.core import get_global
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, get_language_bidi, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from govhub.core.api import country_name
from govhub.indices import compute

GROUPS = compute.GROUPS
NONE = "none"  # the group key of "no data"

#: The EGDI groups of the Survey (lower case: they read inside sentences).
GROUP_LABELS: Mapping[str, Promise] = {
    "very_high": pgettext_lazy("EGDI group", "very high"),
    "high": pgettext_lazy("EGDI group", "high"),
    "middle": pgettext_lazy("EGDI group", "middle"),
    "low": pgettext_lazy("EGDI group", "low"),
    NONE: _("no data"),
}
GROUP_RANGES: Mapping[str, Promise] = {
    "very_high": _("EGDI above 0.75"),
    "high": _("EGDI 0.50 to 0.75"),
    "middle": _("EGDI 0.25 to under 0.50"),
    "low": _("EGDI under 0.25"),
    NONE: _("not scored in this edition"),
}
INDEX_ABBRS: Mapping[str, Promise] = {
    "egdi": pgettext_lazy("index abbreviation", "EGDI"),
    "osi": pgettext_lazy("index abbreviation", "OSI"),
    "hci": pgettext_lazy("index abbreviation", "HCI"),
    "tii": pgettext_lazy("index abbreviation", "TII"),
    "epi": pgettext_lazy("index abbreviation", "EPI"),
}
INDEX_NAMES: Mapping[str, Promise] = {
    "egdi": _("E-Government Development Index"),
    "osi": _("Online Service Index"),
    "hci": _("Human Capital Index"),
    "tii": _("Telecommunication Infrastructure Index"),
    "epi": _("E-Participation Index"),
}
#: The UN M49 regions and sub-regions of the data, so they can be translated.
AREA_NAMES: Mapping[str, Promise] = {
    "Africa": _("Africa"),
    "Americas": _("Americas"),
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    "Oceania": _("Oceania"),
    "Eastern Africa": _("Eastern Africa"),
    "Middle Africa": _("Middle Africa"),
    "Northern Africa": _("Northern Africa"),
    "Southern Africa": _("Southern Africa"),
    "Western Africa": _("Western Africa"),
    "Caribbean": _("Caribbean"),
    "Central America": _("Central America"),
    "South America": _("South America"),
    "Northern America": _("Northern America"),
    "Central Asia": _("Central Asia"),
    "Eastern Asia": _("Eastern Asia"),
    "South-eastern Asia": _("South-eastern Asia"),
    "Southern Asia": _("Southern Asia"),
    "Western Asia": _("Western Asia"),
    "Eastern Europe": _("Eastern Europe"),
    "Northern Europe": _("Northern Europe"),
    "Southern Europe": _("Southern Europe"),
    "Western Europe": _("Western Europe"),
    "Australia and New Zealand": _("Australia and New Zealand"),
    "Melanesia": _("Melanesia"),
    "Micronesia": _("Micronesia"),
    "Polynesia": _("Polynesia"),
}
INCOME_NAMES: Mapping[str, Promise] = {
    "High income": _("High income"),
    "Upper middle income": _("Upper middle income"),
    "Lower middle income": _("Lower middle income"),
    "Low income": _("Low income"),
}


def country_label(iso3: str, name: str) -> str:
    """A Member State's name in the page's language, from CLDR (the data's English name in
    English, and for any code CLDR does not know)."""
    alpha2 = get_global("territory_aliases").get(iso3.upper(), [""])[0]
    return country_name(alpha2, name) if len(alpha2) == 2 else name


# The Dari (Persian) alphabet: in code point order پ چ ژ گ would sort after ی.
_DARI_ORDER = {c: i for i, c in enumerate("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")}
# Arabic letter forms file under their Dari ones; the zero-width non-joiner is ignored.
_DARI_FOLD = str.maketrans(
    {"ك": "ک", "ي": "ی", "ى": "ی", "ة": "ه", "أ": "ا", "إ": "ا", "\u200c": None}  # noqa: RUF001
)


def name_key(name: str) -> tuple[int, ...]:
    """A sort key that orders names alphabetically in the page's language."""
    text = name.casefold()
    if (get_language() or "").startswith("fa"):
        text = text.translate(_DARI_FOLD)
        return tuple(_DARI_ORDER.get(c, -1 if c == " " else 100 + ord(c)) for c in text)
    # Russian "yo" (U+0451) comes after "ya" in code point order; dictionaries file it under
    # "ye" (U+0435).
    return tuple(ord(c) for c in text.replace("\u0451", "\u0435"))


def area_name(name: str) -> str:
    """A region or sub-region in the page's language (the data's English if unknown)."""
    return str(AREA_NAMES.get(name, name))


def fixed(value: float, places: int) -> str:
    """Rounded half up to `places` decimals in the page's locale (Django's own
    `number_format` cuts a float's digits off rather than rounding them)."""
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(exact, decimal_pos=places)


def num(value: float | None) -> str:
    """4 decimals in the page's locale; "" for a missing value (templates say "no data")."""
    return "" if value is None else fixed(value, 4)


def signed(value: float | None, decimals: int = 4) -> str:
    """A change with its sign, kept left to right inside right-to-left text."""
    if value is None:
        return ""
    text = fixed(value, decimals)
    text = text if text.startswith("-") else f"+{text}"
    return f"\u2066{text}\u2069" if get_language_bidi() else text


def denominator_note(year: int) -> str:
    """How an edition's means divide: as the Survey did that year."""
    if compute.default_denominator(year) == "scored":
        return gettext(
            "Means divide by the scored Member States only, as the Survey did in %(year)s."
        ) % {"year": year}
    return gettext(
        "Means count every Member State, an unscored one as 0, as the Survey did in %(year)s."
    ) % {"year": year}


def comparison_note(denominator: str, year_from: int, year_to: int) -> str:
    """How both means of a comparison divide (one way for both editions, see queries)."""
    years = {"from": year_from, "to": year_to}
    if denominator == "scored":
        return (
            gettext("Both means divide by the scored Member States only, in %(from)s as in %(to)s.")
            % years
        )
    return (
        gettext(
            "Both means count every Member State, an unscored one as 0, in %(from)s as in %(to)s."
        )
        % years
    )
