"""The three sectors and five kinds of organisation of the seed's ISG model, as data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    BUSINESS = "business", _("Business")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class Kind(models.TextChoices):
    HIGHER_BODY = "higher_body", _("Higher governing body")
    MINISTRY_AGENCY = "ministry_agency", _("Ministry or agency")
    LOCAL_BODY = "local_body", _("Local (provincial, municipal) governing body")
    BUSINESS = "business", _("Business")
    CSO = "cso", _("Civil-society organisation")


class Subtype(models.TextChoices):
    """Business size, or civil-society organisation type."""

    LARGE = "large", _("Large business")
    MEDIUM = "medium", _("Medium business")
    SMALL = "small", _("Small business")
    MICRO = "micro", _("Micro business")
    NGO = "ngo", _("Non-governmental organisation")
    UNION = "union", _("Union")
    PUBLIC_CHAMBER = "public_chamber", _("Public chamber")
    OTHER_CSO = "other_cso", _("Other civil-society organisation")


@dataclass(frozen=True)
class KindInfo:
    key: str
    sector: str
    label: str | Promise
    subtypes: tuple[str, ...]
    subtype_required: bool


KINDS: tuple[KindInfo, ...] = (
    KindInfo(Kind.HIGHER_BODY, Sector.GOVERNMENT, Kind.HIGHER_BODY.label, (), False),
    KindInfo(Kind.MINISTRY_AGENCY, Sector.GOVERNMENT, Kind.MINISTRY_AGENCY.label, (), False),
    KindInfo(Kind.LOCAL_BODY, Sector.GOVERNMENT, Kind.LOCAL_BODY.label, (), False),
    KindInfo(
        Kind.BUSINESS,
        Sector.BUSINESS,
        Kind.BUSINESS.label,
        (Subtype.LARGE, Subtype.MEDIUM, Subtype.SMALL, Subtype.MICRO),
        True,
    ),
    KindInfo(
        Kind.CSO,
        Sector.CIVIL_SOCIETY,
        Kind.CSO.label,
        (Subtype.NGO, Subtype.UNION, Subtype.PUBLIC_CHAMBER, Subtype.OTHER_CSO),
        True,
    ),
)
KIND_INFO: dict[str, KindInfo] = {k.key: k for k in KINDS}

# Which kinds may sit under which (an agency under a ministry, a municipality under a province).
ALLOWED_PARENT_KINDS: dict[str, tuple[str, ...]] = {
    Kind.HIGHER_BODY: (Kind.HIGHER_BODY,),
    Kind.MINISTRY_AGENCY: (Kind.MINISTRY_AGENCY, Kind.HIGHER_BODY),
    Kind.LOCAL_BODY: (Kind.LOCAL_BODY,),
    Kind.BUSINESS: (Kind.BUSINESS,),
    Kind.CSO: (Kind.CSO,),
}


def sector_of(kind: str) -> str:
    return KIND_INFO[kind].sector
