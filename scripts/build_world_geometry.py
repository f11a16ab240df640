"""Regenerate ``govhub/indices/data/world.json``: the world map of the UN E-Government pages.

Run from the repository root (the npm package goes to a throwaway folder, never into the
project's ``package.json`` or ``node_modules``)::

    npm install --no-save --prefix /tmp/geo world-atlas@2.0.2
    .venv/bin/python scripts/build_world_geometry.py --atlas /tmp/geo/node_modules/world-atlas

Only the standard library is used: decoding TopoJSON arcs (quantised, delta-encoded integers)
and the Equal Earth projection are a few lines each, so no geometry package is needed and
nothing is added to the project's lock files. The output is deterministic: the same package
version gives the same bytes.

What it does
------------
* Outlines come from ``countries-110m.json`` (Natural Earth 1:110m Admin 0 countries as
  TopoJSON; feature ids are ISO 3166-1 numeric codes, mapped to alpha-3 with
  ``classification/lukes_iso3166_m49_all.csv``).
* Each shared arc is projected (Equal Earth, Greenwich-centred) and simplified once
  (Douglas-Peucker in map units), so neighbouring countries keep a common border.
* Natural Earth draws areas that are not UN member states. Following the UN's own maps, the
  polygons "Somaliland" and "N. Cyprus" are merged into Somalia and Cyprus (the shared
  border is removed). Kosovo, Western Sahara, Palestine, Taiwan, Greenland, Puerto Rico,
  New Caledonia, the Falkland Islands and the French Southern and Antarctic Lands are kept
  as neutral, non-interactive ``other`` shapes so the map does not show holes. Antarctica
  is dropped (not a state; it would take a quarter of the height).
* Member states that have no polygon at 1:110m (mostly small island states) get a point:
  the centroid of their largest polygon in ``countries-50m.json``, or ``countries-10m.json``
  where 1:50m lacks them (Tuvalu); ``POINT_OVERRIDES`` below names the exceptions. Points
  closer than ``MIN_POINT_GAP`` (the Lesser Antilles) are pushed apart; the true position
  of a moved point is kept under ``anchors`` so a page can draw a leader line.
* Every one of the 193 member states (``classification/unu-egov_countries-data.csv``) must
  come out as a path or a point, or the script stops with an error.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "govhub" / "indices" / "data"
M49_CSV = DATA / "classification" / "lukes_iso3166_m49_all.csv"
MEMBERS_CSV = DATA / "classification" / "unu-egov_countries-data.csv"
OUT = DATA / "world.json"

WIDTH = 1000.0  # viewBox width; the height follows from the data
MARGIN = 4.0  # map units left free around the drawing
SIMPLIFY = 0.35  # Douglas-Peucker tolerance, map units
MIN_RING_AREA = 1.5  # islands smaller than this (map units squared) are dropped ...
# ... unless the ring is the largest of its country, which is always kept.
POINT_RADIUS = 3  # suggested circle radius for point states, map units
MIN_POINT_GAP = 7.0  # centres of two points at least this far apart (2 radii + 1 unit)

# Natural Earth polygons without an ISO id that the UN counts as part of a member state.
MERGE_INTO = {"Somaliland": "SOM", "N. Cyprus": "CYP"}
# Natural Earth polygons not drawn at all.
DROP = {"ATA"}  # Antarctica
# Point states whose largest polygon is not where the map should put them: lon, lat.
POINT_OVERRIDES: dict[str, tuple[float, float, str]] = {
    # Kiribati's largest island (Kiritimati, 157 W) is far from the capital and most of the
    # people (South Tarawa, 173 E); the point goes to Tarawa.
    "KIR": (172.98, 1.42, "South Tarawa (capital), not the largest island Kiritimati"),
}

Ring = list[tuple[float, float]]

# --- Equal Earth projection (Šavrič, Patterson & Jenny 2018) ------------------------------
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project degrees to Equal Earth plane coordinates (unit sphere, y north-up)."""
    lam = math.radians(lon)
    theta = math.asin(M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_MAX = equal_earth(180.0, 0.0)[0]


# --- TopoJSON -------------------------------------------------------------------------------
@dataclass
class Topology:
    arcs: list[list[tuple[int, int]]]  # quantised absolute positions
    scale: tuple[float, float]
    translate: tuple[float, float]
    geometries: list[dict[str, Any]]

    def lonlat(self, p: tuple[int, int]) -> tuple[float, float]:
        return (
            p[0] * self.scale[0] + self.translate[0],
            p[1] * self.scale[1] + self.translate[1],
        )


def load_topology(path: Path) -> Topology:
    raw = json.loads(path.read_text(encoding="utf-8"))
    arcs: list[list[tuple[int, int]]] = []
    for arc in raw["arcs"]:
        x = y = 0
        decoded: list[tuple[int, int]] = []
        for dx, dy in arc:
            x += dx
            y += dy
            decoded.append((x, y))
        arcs.append(decoded)
    t = raw["transform"]
    return Topology(
        arcs=arcs,
        scale=(t["scale"][0], t["scale"][1]),
        translate=(t["translate"][0], t["translate"][1]),
        geometries=raw["objects"]["countries"]["geometries"],
    )


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """Arc-index rings of each polygon of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def arc_ends(topo: Topology, ref: int) -> tuple[tuple[int, int], tuple[int, int]]:
    arc = topo.arcs[ref if ref >= 0 else ~ref]
    return (arc[0], arc[-1]) if ref >= 0 else (arc[-1], arc[0])


def merge_rings(topo: Topology, rings: Iterable[list[int]]) -> list[list[int]]:
    """Union of polygons that share borders: drop arcs used in both directions, re-chain."""
    refs = [ref for ring in rings for ref in ring]
    used = set(refs)
    kept = [ref for ref in refs if ~ref not in used]
    by_start: dict[tuple[int, int], list[int]] = {}
    for ref in kept:
        by_start.setdefault(arc_ends(topo, ref)[0], []).append(ref)
    out: list[list[int]] = []
    remaining = list(kept)
    taken: set[int] = set()
    for first in remaining:
        if first in taken:
            continue
        ring = [first]
        taken.add(first)
        start = arc_ends(topo, first)[0]
        end = arc_ends(topo, first)[1]
        while end != start:
            nxt = next((r for r in by_start.get(end, []) if r not in taken), None)
            if nxt is None:
                raise ValueError("merged outline does not close")
            ring.append(nxt)
            taken.add(nxt)
            end = arc_ends(topo, nxt)[1]
        out.append(ring)
    return out


# --- Projection to the viewBox and simplification --------------------------------------------
@dataclass
class Frame:
    scale: float
    y_top: float  # projected y (north-up) of the top edge of the drawing
    height: float

    def to_svg(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return MARGIN + (x + X_MAX) * self.scale, MARGIN + (self.y_top - y) * self.scale


LonLat = tuple[float, float]


def cut_antimeridian(arc: list[LonLat]) -> list[list[LonLat]]:
    """Split an arc where a step jumps across 180 degrees; the cut points lie on +-180."""
    pieces: list[list[LonLat]] = [[arc[0]]]
    for (lon_a, lat_a), (lon_b, lat_b) in itertools.pairwise(arc):
        if abs(lon_b - lon_a) <= 180:
            pieces[-1].append((lon_b, lat_b))
            continue
        edge = 180.0 if lon_a > 0 else -180.0
        unwrapped = lon_b + 360 if lon_b < lon_a else lon_b - 360
        t = 0.0 if unwrapped == lon_a else (edge - lon_a) / (unwrapped - lon_a)
        lat = lat_a + t * (lat_b - lat_a)
        pieces[-1].append((edge, lat))
        pieces.append([(-edge, lat), (lon_b, lat_b)])
    return pieces


@dataclass
class Piece:
    """Projected points of an arc (or ring) between two antimeridian cuts, with the lon/lat
    of its ends (needed to close it along the meridian)."""

    points: Ring
    start: LonLat
    end: LonLat

    def reversed(self) -> Piece:
        return Piece(self.points[::-1], self.end, self.start)

    def joined(self, other: Piece) -> Piece:
        return Piece(self.points + other.points[1:], self.start, other.end)

    def closed_along_meridian(self, frame: Frame) -> Ring:
        if self.start[0] != self.end[0] or abs(self.start[0]) != 180:
            raise ValueError("a piece cut at the antimeridian does not return to it")
        lon, lat_from, lat_to = self.start[0], self.end[1], self.start[1]
        steps = max(1, math.ceil(abs(lat_to - lat_from)))
        between = [lat_from + (lat_to - lat_from) * k / steps for k in range(1, steps)]
        return self.points + [frame.to_svg(lon, lat) for lat in between]


def douglas_peucker(points: Sequence[tuple[float, float]], tolerance: float) -> Ring:
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, best_i = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                dist = math.hypot(px - ax, py - ay)
            else:
                dist = abs(dy * (px - ax) - dx * (py - ay)) / length
            if dist > best:
                best, best_i = dist, i
        if best > tolerance and best_i > 0:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(ring: Ring) -> float:
    """Shoelace area (absolute) of a closed ring."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def ring_centroid(ring: Ring) -> tuple[float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-12:
        n = len(ring)
        return sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n
    return cx / (3 * a), cy / (3 * a)


def fmt(v: float) -> str:
    text = f"{v:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def path_data(rings: list[Ring]) -> str:
    parts = []
    for ring in rings:
        body = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in ring)
        parts.append(f"M{body}Z")
    return "".join(parts)


def rounded(ring: Ring) -> Ring:
    out: Ring = []
    for x, y in ring:
        p = (round(x, 1), round(y, 1))
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


# --- Points for states without a polygon ------------------------------------------------------
def largest_island(topo: Topology, geometry: dict[str, Any]) -> tuple[float, float]:
    """Lon/lat centroid of the largest exterior ring (longitudes unwrapped across 180)."""
    best: Ring = []
    best_area = -1.0
    for polygon in polygons_of(geometry):
        ring = unwrapped(lonlat_ring(topo, polygon[0]))
        area = ring_area(ring)
        if area > best_area:
            best, best_area = ring, area
    lon, lat = ring_centroid(best)
    return (lon + 180) % 360 - 180, lat


def unwrapped(ring: Ring) -> Ring:
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while prev - lon > 180:
            lon += 360
        out.append((lon, lat))
    return out


def lonlat_ring(topo: Topology, refs: list[int]) -> Ring:
    ring: Ring = []
    for ref in refs:
        arc = topo.arcs[ref if ref >= 0 else ~ref]
        seq = arc if ref >= 0 else arc[::-1]
        start = 1 if ring else 0
        ring.extend(topo.lonlat(p) for p in seq[start:])
    return ring


def spread(points: dict[str, tuple[float, float]], gap: float) -> dict[str, tuple[float, float]]:
    """Push points apart until no two centres are closer than ``gap`` (deterministic)."""
    pos = {k: [v[0], v[1]] for k, v in sorted(points.items())}
    keys = list(pos)
    for _ in range(500):
        moved = False
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                (ax, ay), (bx, by) = pos[a], pos[b]
                dx, dy = bx - ax, by - ay
                dist = math.hypot(dx, dy)
                if dist >= gap:
                    continue
                if dist == 0:
                    dx, dy, dist = 0.0, 1.0, 1.0
                push = (gap - dist) / 2 + 0.01
                ux, uy = dx / dist, dy / dist
                pos[a] = [ax - ux * push, ay - uy * push]
                pos[b] = [bx + ux * push, by + uy * push]
                moved = True
        if not moved:
            break
    else:
        raise ValueError("points could not be spread apart")
    return {k: (v[0], v[1]) for k, v in pos.items()}


# --- Build -----------------------------------------------------------------------------------
def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build(atlas: Path) -> dict[str, Any]:
    numeric_to_iso3 = {r["country-code"]: r["alpha-3"] for r in read_csv(M49_CSV)}
    members = [r["country-code"] for r in read_csv(MEMBERS_CSV)]
    member_set = set(members)
    if len(member_set) != 193:
        raise ValueError(f"expected 193 member states, found {len(member_set)}")
    package = json.loads((atlas / "package.json").read_text(encoding="utf-8"))

    topo = load_topology(atlas / "countries-110m.json")

    # Group polygons (as arc-index rings) by output key.
    member_polys: dict[str, list[list[list[int]]]] = {}
    other_polys: dict[str, list[list[list[int]]]] = {}
    notes: list[str] = []
    for g in topo.geometries:
        name = g["properties"]["name"]
        iso3 = numeric_to_iso3.get(g["id"]) if "id" in g else None
        if iso3 in DROP:
            notes.append(f"dropped {name} ({iso3})")
            continue
        if iso3 is None and name in MERGE_INTO:
            target = MERGE_INTO[name]
            member_polys.setdefault(target, []).extend(polygons_of(g))
            notes.append(f"merged {name} into {target}")
        elif iso3 in member_set:
            member_polys.setdefault(iso3, []).extend(polygons_of(g))
        else:
            key = iso3 or name
            other_polys.setdefault(key, []).extend(polygons_of(g))
            notes.append(f"other (not a member state): {name} -> {key}")
    for target in set(MERGE_INTO.values()):
        polys = member_polys[target]
        member_polys[target] = [[ring] for ring in merge_rings(topo, [r for p in polys for r in p])]

    # Frame: full 360 degrees across WIDTH, height cropped to what is drawn.
    used_arcs = {
        ref if ref >= 0 else ~ref
        for group in (member_polys, other_polys)
        for polys in group.values()
        for poly in polys
        for ring in poly
        for ref in ring
    }
    ys = [equal_earth(*topo.lonlat(p))[1] for i in used_arcs for p in topo.arcs[i]]
    scale = (WIDTH - 2 * MARGIN) / (2 * X_MAX)
    y_top, y_bottom = max(ys), min(ys)
    height = math.ceil((y_top - y_bottom) * scale + 2 * MARGIN)
    frame = Frame(scale=scale, y_top=y_top, height=height)

    # Project and simplify each arc once, so shared borders stay shared. Arcs that cross the
    # antimeridian (Russia's Chukotka, Fiji) are cut there into pieces first.
    simple: dict[int, list[Piece]] = {}
    for i in sorted(used_arcs):
        simple[i] = [
            Piece(
                [frame.to_svg(*p) for p in piece]
                if len(piece) < 3
                else douglas_peucker([frame.to_svg(*p) for p in piece], SIMPLIFY),
                piece[0],
                piece[-1],
            )
            for piece in cut_antimeridian([topo.lonlat(p) for p in topo.arcs[i]])
        ]

    def svg_rings(refs: list[int]) -> list[Ring]:
        pieces: list[Piece] = []
        for ref in refs:
            arc = simple[ref] if ref >= 0 else [p.reversed() for p in simple[~ref][::-1]]
            if pieces:
                pieces[-1] = pieces[-1].joined(arc[0])
                pieces.extend(arc[1:])
            else:
                pieces.extend(arc)
        if len(pieces) == 1:
            return [rounded(pieces[0].points)]
        # A ring cut at the antimeridian: the last piece runs on into the first; each piece
        # then starts and ends on the same side of the map and is closed along the meridian.
        pieces = [pieces[-1].joined(pieces[0]), *pieces[1:-1]]
        return [rounded(piece.closed_along_meridian(frame)) for piece in pieces]

    def shape(polys: list[list[list[int]]]) -> str:
        rings = [r for poly in polys for refs in poly for r in svg_rings(refs)]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            raise ValueError("a country lost all its rings")
        largest = max(rings, key=ring_area)
        kept = [r for r in rings if r is largest or ring_area(r) >= MIN_RING_AREA]
        return path_data(kept)

    countries = {k: shape(member_polys[k]) for k in sorted(member_polys)}
    other = {k: shape(other_polys[k]) for k in sorted(other_polys)}

    # Points for member states without a 1:110m polygon.
    missing = sorted(member_set - set(countries))
    finer = [load_topology(atlas / f"countries-{res}.json") for res in ("50m", "10m")]
    true_points: dict[str, tuple[float, float]] = {}
    point_sources: dict[str, str] = {}
    for iso3 in missing:
        if iso3 in POINT_OVERRIDES:
            lon, lat, why = POINT_OVERRIDES[iso3]
            point_sources[iso3] = f"lon/lat {lon}, {lat}: {why}"
            true_points[iso3] = frame.to_svg(lon, lat)
            continue
        for res, fine in zip(("50m", "10m"), finer, strict=True):
            geoms = [g for g in fine.geometries if numeric_to_iso3.get(g.get("id", "")) == iso3]
            if geoms:
                lon, lat = largest_island(fine, geoms[0])
                point_sources[iso3] = f"countries-{res}.json, largest polygon"
                true_points[iso3] = frame.to_svg(lon, lat)
                break
        else:
            raise ValueError(f"{iso3}: no polygon in any resolution and no override")
    display = spread(true_points, MIN_POINT_GAP)
    points = {k: [round(x, 1), round(y, 1)] for k, (x, y) in display.items()}
    anchors = {
        k: [round(true_points[k][0], 1), round(true_points[k][1], 1)]
        for k in sorted(display)
        if math.dist(display[k], true_points[k]) >= 0.5
    }

    uncovered = member_set - set(countries) - set(points)
    if uncovered:
        raise ValueError(f"member states without geometry: {sorted(uncovered)}")
    if set(countries) & set(points):
        raise ValueError("a state is both a path and a point")

    version = package["version"]
    return {
        "projection": (
            "Equal Earth (Šavrič, Patterson & Jenny 2018), central meridian 0; "
            f"x = {MARGIN} + (X + {X_MAX:.6f}) * {scale:.6f}, "
            f"y = {MARGIN} + ({y_top:.6f} - Y) * {scale:.6f} "
            "where (X, Y) are Equal Earth coordinates on the unit sphere"
        ),
        "source": (
            f"Natural Earth 1:110m Admin 0 countries via the npm package world-atlas@{version} "
            "(countries-110m.json); points for states missing at 1:110m from "
            "countries-50m.json / countries-10m.json of the same package"
        ),
        "licence": (
            "Natural Earth data: public domain (naturalearthdata.com/about/terms-of-use); "
            "world-atlas package: ISC licence, Copyright 2013-2019 Michael Bostock"
        ),
        "generator": "scripts/build_world_geometry.py (see govhub/indices/data/GEOMETRY.md)",
        "viewBox": f"0 0 {fmt(WIDTH)} {height}",
        "pointRadius": POINT_RADIUS,
        "notes": sorted(notes),
        "pointSources": point_sources,
        "countries": countries,
        "points": points,
        "anchors": anchors,
        "other": other,
    }


def dump(doc: dict[str, Any]) -> str:
    """JSON with one entry per line inside the big maps, so diffs stay readable."""
    lines = ["{"]
    items = list(doc.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        if isinstance(value, dict) and value:
            lines.append(f"{json.dumps(key)}: {{")
            inner = list(value.items())
            for m, (k, v) in enumerate(inner):
                inner_comma = "," if m < len(inner) - 1 else ""
                text = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
                lines.append(f"{json.dumps(k)}: {text}{inner_comma}")
            lines.append(f"}}{comma}")
        else:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            lines.append(f"{json.dumps(key)}: {text}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--atlas",
        type=Path,
        default=Path("/tmp/geo/node_modules/world-atlas"),  # noqa: S108 - documented scratch dir
        help="folder of the installed world-atlas npm package",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = dump(build(args.atlas))
    args.out.write_text(text, encoding="utf-8")
    raw = len(text.encode("utf-8"))
    packed = len(gzip.compress(text.encode("utf-8"), mtime=0))
    sys.stderr.write(f"wrote {args.out}: {raw} bytes, {packed} bytes gzipped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
