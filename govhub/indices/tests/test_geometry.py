"""The shipped world map: coverage of the 193 member states, valid SVG, size, rendering."""

import csv
import gzip
import json
import math
import re
from pathlib import Path

import pytest

from govhub.indices import compute, geometry
from govhub.indices.geometry import (
    EGDI_GROUPS,
    NO_DATA_CLASS,
    WORLD_JSON,
    MapEntry,
    css_class,
    load_world,
    render_map,
)

DATA = Path(__file__).resolve().parent.parent / "data"
RAW_BUDGET = 150_000  # bytes, uncompressed
GZIP_BUDGET = 50_000  # bytes, gzip -9

NUMBER = r"-?\d+(?:\.\d)?"
PAIR = rf"{NUMBER},{NUMBER}"
RING = rf"M{PAIR}(?: {PAIR}){{2,}}Z"
PATH_RE = re.compile(rf"(?:{RING})+")
PAIR_RE = re.compile(rf"({NUMBER}),({NUMBER})")


def member_states() -> set[str]:
    with (DATA / "classification" / "unu-egov_countries-data.csv").open(encoding="utf-8") as fh:
        return {row["country-code"] for row in csv.DictReader(fh)}


def coordinates(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in PAIR_RE.findall(d)]


def centre(d: str) -> tuple[float, float]:
    pts = coordinates(d)
    return sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts)


def test_every_member_state_is_a_path_or_a_point():
    world = load_world()
    members = member_states()
    assert len(members) == 193
    assert world.iso3s == members
    assert not set(world.paths) & set(world.points)
    assert len(world.paths) + len(world.points) == 193


def test_non_members_are_background_only():
    world = load_world()
    assert not set(world.other) & member_states()
    for key in ("GRL", "ESH", "TWN", "PSE", "Kosovo"):
        assert key in world.other
    assert "ATA" not in world.other  # Antarctica is not drawn


def test_view_box():
    world = load_world()
    assert re.fullmatch(r"0 0 \d+ \d+", world.view_box)
    assert world.width == 1000
    assert 350 < world.height < 500


@pytest.mark.parametrize("which", ["paths", "other"])
def test_paths_are_valid_svg_inside_the_view_box(which):
    world = load_world()
    shapes = getattr(world, which)
    assert shapes
    for key, d in shapes.items():
        assert PATH_RE.fullmatch(d), key
        for x, y in coordinates(d):
            assert 0 <= x <= world.width, key
            assert 0 <= y <= world.height, key


def test_points_inside_the_view_box_and_apart():
    world = load_world()
    r = world.point_radius
    assert r > 0
    for x, y in [*world.points.values(), *world.anchors.values()]:
        assert r <= x <= world.width - r
        assert r <= y <= world.height - r
    assert set(world.anchors) <= set(world.points)
    pts = sorted(world.points.items())
    for i, (a, pa) in enumerate(pts):
        for b, pb in pts[i + 1 :]:
            assert math.dist(pa, pb) >= 2 * r, (a, b)


def test_map_is_not_mirrored_or_rotated():
    world = load_world()
    usa, chn, aus, rus = (centre(world.paths[k]) for k in ("USA", "CHN", "AUS", "RUS"))
    bra, nor, zaf = (centre(world.paths[k]) for k in ("BRA", "NOR", "ZAF"))
    assert usa[0] < chn[0]  # west is left
    assert bra[0] < zaf[0]
    assert rus[1] < aus[1]  # north is up
    assert nor[1] < zaf[1]
    # Small states sit where they belong: Singapore at Malaysia's tip, Malta south of Italy.
    assert math.dist(world.points["SGP"], centre(world.paths["MYS"])) < 40
    assert world.points["MLT"][1] > centre(world.paths["ITA"])[1]


def test_file_stays_small_and_documents_itself():
    raw = WORLD_JSON.read_bytes()
    assert len(raw) < RAW_BUDGET
    assert len(gzip.compress(raw, compresslevel=9)) < GZIP_BUDGET
    doc = json.loads(raw)
    assert "Equal Earth" in doc["projection"]
    assert "Natural Earth" in doc["source"]
    assert "public domain" in doc["licence"]
    world = load_world()
    assert world.projection == doc["projection"]


def test_load_world_is_cached_and_read_only():
    world = load_world()
    assert load_world() is world
    with pytest.raises(TypeError):
        world.paths["XXX"] = "M0,0 1,1 2,2Z"  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "css"),
    [
        (None, "g-none"),
        (0.0, "g-low"),
        (0.25, "g-middle"),
        (0.5, "g-high"),
        (0.75, "g-high"),  # the Survey's "greater than 0.75" for very high
        (0.7501, "g-very_high"),
        (1.0, "g-very_high"),
    ],
)
def test_map_classes_follow_the_one_egdi_group_rule_of_compute(value, css):
    # then: the map has no rule of its own, so it cannot disagree at a boundary
    assert not hasattr(geometry, "egdi_group")
    assert css_class(compute.egdi_group(value)) == css
    assert EGDI_GROUPS == compute.GROUPS


def test_css_class():
    assert [css_class(g) for g in EGDI_GROUPS] == ["g-very_high", "g-high", "g-middle", "g-low"]
    assert css_class(None) == NO_DATA_CLASS == "g-none"
    with pytest.raises(ValueError, match="unknown EGDI group"):
        css_class("medium")


def test_render_map_classes_and_labels():
    values = {
        "DNK": MapEntry("very_high", "Denmark: 0.98"),
        "AFG": MapEntry("low", "Afghanistan: 0.19"),
        "TUV": MapEntry("middle", "Tuvalu: 0.42"),
        "SSD": MapEntry(None, "South Sudan: no data"),
    }
    shapes = render_map(values, labels={"FRA": "France: no data"})
    by_iso = {s.iso3: s for s in shapes}
    assert len(shapes) == len(by_iso) == 193
    assert by_iso["DNK"].css_class == "g-very_high"
    assert by_iso["DNK"].label == "Denmark: 0.98"
    assert by_iso["DNK"].d.startswith("M")
    assert not by_iso["DNK"].is_point
    assert by_iso["AFG"].css_class == "g-low"
    assert by_iso["SSD"].css_class == "g-none"
    assert by_iso["SSD"].label == "South Sudan: no data"
    assert by_iso["FRA"].css_class == "g-none"
    assert by_iso["FRA"].label == "France: no data"
    assert by_iso["BRA"].css_class == "g-none"
    assert by_iso["BRA"].label == "BRA"
    tuv = by_iso["TUV"]
    assert tuv.is_point
    assert tuv.css_class == "g-middle"
    assert tuv.label == "Tuvalu: 0.42"
    assert (tuv.cx, tuv.cy) == load_world().points["TUV"]
    assert tuv.r == load_world().point_radius


def test_render_map_draws_points_after_outlines_and_keeps_anchors():
    world = load_world()
    shapes = render_map({})
    kinds = [s.is_point for s in shapes]
    assert kinds == sorted(kinds)  # all outlines, then all points
    assert [s.iso3 for s in shapes if not s.is_point] == sorted(world.paths)
    moved = {s.iso3: s.anchor for s in shapes if s.anchor is not None}
    assert moved == dict(world.anchors)
    assert all(s.css_class == "g-none" for s in shapes)


def test_render_map_rejects_codes_not_on_the_map():
    with pytest.raises(ValueError, match="TWN"):
        render_map({"TWN": MapEntry("high", "Taiwan")})
    with pytest.raises(ValueError, match="unknown EGDI group"):
        render_map({"DNK": MapEntry("top", "Denmark")})
