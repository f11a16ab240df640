"""World map geometry for the UN E-Government indices pages (pure Python, no Django).

``data/world.json`` holds the outlines of the 193 UN member states, already projected
(Equal Earth) into SVG coordinates; states too small for the 1:110m outlines are points.
Its provenance and how to regenerate it are in ``data/GEOMETRY.md``.

``render_map`` turns EGDI groups into a flat list of shapes a template can iterate::

    {% for s in shapes %}
      <a href="..." aria-label="{{ s.label }}">
        {% if s.is_point %}<circle class="{{ s.css_class }}" cx="{{ s.cx }}" cy="{{ s.cy }}"
          r="{{ s.r }}"/>{% else %}<path class="{{ s.css_class }}" d="{{ s.d }}"/>{% endif %}
      </a>
    {% endfor %}

Outlines come first and points last, so circles are painted above the land around them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from govhub.indices import compute

WORLD_JSON = Path(__file__).resolve().parent / "data" / "world.json"

#: EGDI groups of the UN E-Government Survey, highest first (CSS class ``g-<group>``); a
#: state's group is ``compute.egdi_group`` of its EGDI.
EGDI_GROUPS: tuple[str, ...] = compute.GROUPS
#: CSS class of a member state without a value for the chosen edition.
NO_DATA_CLASS = "g-none"
#: CSS class for the non-member areas drawn as background (``World.other``).
OTHER_CLASS = "g-other"


@dataclass(frozen=True, slots=True)
class World:
    """The shipped map: SVG coordinates in ``view_box``, keys are ISO 3166-1 alpha-3."""

    view_box: str
    #: Outline (SVG path data) of each member state that has one.
    paths: Mapping[str, str]
    #: Circle centre of each member state without an outline (small island states, ...).
    points: Mapping[str, tuple[float, float]]
    #: True position of points moved apart so they do not overlap (for a leader line).
    anchors: Mapping[str, tuple[float, float]]
    #: Areas that are not member states (Greenland, Western Sahara, Taiwan, ...), drawn
    #: neutral and not interactive; keyed by ISO3 or, where there is none, by name.
    other: Mapping[str, str]
    point_radius: float
    projection: str
    source: str
    licence: str

    @property
    def iso3s(self) -> frozenset[str]:
        """Every member state on the map, as an outline or as a point."""
        return frozenset(self.paths) | frozenset(self.points)

    @property
    def width(self) -> float:
        return float(self.view_box.split()[2])

    @property
    def height(self) -> float:
        return float(self.view_box.split()[3])


@dataclass(frozen=True, slots=True)
class MapEntry:
    """What the page knows of one state: its EGDI group (None: no value) and a label
    (e.g. "Denmark: EGDI 0.98, very high"), used as the shape's title and accessible name."""

    group: str | None
    label: str


@dataclass(frozen=True, slots=True)
class MapShape:
    """One drawable state: a ``<path>`` (``d``) or, when ``is_point``, a ``<circle>``."""

    iso3: str
    css_class: str
    label: str
    d: str = ""
    cx: float = 0.0
    cy: float = 0.0
    r: float = 0.0
    #: For a point moved off its true position: where it really is (else None).
    anchor: tuple[float, float] | None = None

    @property
    def is_point(self) -> bool:
        return not self.d


def _pair(value: Any) -> tuple[float, float]:
    x, y = value
    return float(x), float(y)


@functools.cache
def load_world() -> World:
    """Read ``data/world.json`` once per process."""
    raw = json.loads(WORLD_JSON.read_text(encoding="utf-8"))
    return World(
        view_box=str(raw["viewBox"]),
        paths=MappingProxyType({str(k): str(v) for k, v in raw["countries"].items()}),
        points=MappingProxyType({str(k): _pair(v) for k, v in raw["points"].items()}),
        anchors=MappingProxyType({str(k): _pair(v) for k, v in raw["anchors"].items()}),
        other=MappingProxyType({str(k): str(v) for k, v in raw["other"].items()}),
        point_radius=float(raw["pointRadius"]),
        projection=str(raw["projection"]),
        source=str(raw["source"]),
        licence=str(raw["licence"]),
    )


def css_class(group: str | None) -> str:
    """``g-<group>`` for a known EGDI group, ``g-none`` for no value."""
    if group is None:
        return NO_DATA_CLASS
    if group not in EGDI_GROUPS:
        raise ValueError(f"unknown EGDI group {group!r}; expected one of {EGDI_GROUPS}")
    return f"g-{group}"


def render_map(
    values: Mapping[str, MapEntry],
    *,
    labels: Mapping[str, str] | None = None,
    world: World | None = None,
) -> list[MapShape]:
    """One shape per member state: outlines sorted by ISO3, then points sorted by ISO3.

    ``values`` maps ISO3 to the state's group and label; a state missing from it gets
    ``g-none`` and the label ``labels[iso3]`` (e.g. "Tuvalu: no data"), or its ISO3 code.
    A key of ``values`` that is not on the map is a mistake and raises ``ValueError``.
    """
    world = world or load_world()
    unknown = set(values) - world.iso3s
    if unknown:
        raise ValueError(f"not UN member states on the map: {sorted(unknown)}")
    fallback = labels or {}

    def style(iso3: str) -> tuple[str, str]:
        entry = values.get(iso3)
        if entry is None:
            return NO_DATA_CLASS, fallback.get(iso3, iso3)
        return css_class(entry.group), entry.label

    shapes: list[MapShape] = []
    for iso3 in sorted(world.paths):
        cls, label = style(iso3)
        shapes.append(MapShape(iso3=iso3, css_class=cls, label=label, d=world.paths[iso3]))
    for iso3 in sorted(world.points):
        cls, label = style(iso3)
        cx, cy = world.points[iso3]
        shapes.append(
            MapShape(
                iso3=iso3,
                css_class=cls,
                label=label,
                cx=cx,
                cy=cy,
                r=world.point_radius,
                anchor=world.anchors.get(iso3),
            )
        )
    return shapes
