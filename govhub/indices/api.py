"""What other apps may call in `indices`: the self-assessment against a Survey edition.

Plain typed arguments in, `compute.SelfAssessment` (a frozen dataclass, standard library
only) out; every refusal is a `DomainError` with a stable code, its message cut short so
that it never echoes an unbounded input back.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from govhub.core.api import InvalidInput
from govhub.indices import compute, queries

SelfAssessment = compute.SelfAssessment

MESSAGE_LIMIT = 300  # characters of a refusal's message


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else f"{text[: MESSAGE_LIMIT - 1]}…"


def _refused(exc: ValueError) -> InvalidInput:
    return InvalidInput(_short(str(exc)), code="invalid_self_assessment")


def self_assess(
    *,
    year: int,
    osi: float | None = None,
    hci: float | None = None,
    tii: float | None = None,
    stage_counts: Mapping[str, int] | None = None,
    stage_maxima: Mapping[str, int] | None = None,
    hci_components: Mapping[str, float] | None = None,
    hci_raw: Mapping[str, float] | None = None,
    tii_indicators: Mapping[str, float] | None = None,
) -> SelfAssessment:
    """Components from values or raw inputs, ranked among the edition's published EGDIs."""
    sources = {
        "osi": (osi, stage_counts),
        "hci": (hci, hci_components, hci_raw),
        "tii": (tii, tii_indicators),
    }
    if missing := [name for name, given in sources.items() if all(v is None for v in given)]:
        raise InvalidInput(
            _(
                "Not enough to compute the EGDI: give %(missing)s, each as a value (0..1) or "
                "raw inputs (osi: stage_counts with stage_maxima; hci: hci_components or "
                "hci_raw; tii: tii_indicators)."
            )
            % {"missing": ", ".join(missing)},
            code="insufficient_input",
        )
    published = queries.published_egdi(year)
    try:
        return compute.self_assess(
            year=year,
            published=published,
            osi=osi,
            hci=hci,
            tii=tii,
            tii_indicators=tii_indicators,
            hci_components=_hci_components(hci_components, hci_raw),
            stage_counts=stage_counts,
            stage_maxima=stage_maxima,
        )
    except ValueError as exc:
        raise _refused(exc) from exc


def _hci_components(
    indices: Mapping[str, float] | None, raw: Mapping[str, float] | None
) -> Mapping[str, float] | None:
    if indices is not None and raw is not None:
        raise InvalidInput(
            _("Give hci_components or hci_raw, not both."), code="invalid_self_assessment"
        )
    if raw is None:
        return indices
    try:
        return {name: compute.hci_component_index(name, value) for name, value in raw.items()}
    except ValueError as exc:
        raise _refused(exc) from exc
