"""Tests for data.build.hydro (rivers, lakes, channels, datum check) and data.build.basemap_reader."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from data.build import basemap_reader as br
from data.build import hydro
from geo import crs

# City seats come from data/sources/cities.csv (seat_lon/seat_lat, shifted to WGS-84 by their
# seat_datum). Places that are not prefecture seats there (river towns and ports) are approximate
# WGS-84 positions from general reference maps, rounded to 0.01°.
NEAR_KM = 5.0
CITIES_CSV = Path(__file__).resolve().parents[2] / "data" / "sources" / "cities.csv"
APPROX = {
    "城陵矶": (113.14, 29.43),
    "安庆": (117.05, 30.53),
    "钟祥": (112.58, 31.17),
    "樟树": (115.54, 28.06),
}
CHECKPOINTS = {
    "yangtze": ["宜昌", "荆州", "城陵矶", "武汉", "黄石", "九江", "安庆"],
    "han": ["襄阳", "钟祥", "武汉"],
    "xiang": ["衡阳", "株洲", "湘潭", "长沙"],
    "gan": ["吉安", "樟树", "南昌"],
}


def _seats() -> dict[str, tuple[float, float]]:
    """WGS-84 (lon, lat) of each city seat in cities.csv."""
    seats = {}
    with open(CITIES_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            point = Point(float(row["seat_lon"]), float(row["seat_lat"]))
            wgs = crs.shift_geometry(np.array([point]), row["seat_datum"], "wgs84")[0]
            seats[row["name_zh"]] = (wgs.x, wgs.y)
    return seats


PLACES = {**APPROX, **_seats()}


def _distance_km(line, lon: float, lat: float) -> float:
    """Geodesic distance (km) from (lon, lat) to its nearest point on a lon/lat line."""
    q = line.interpolate(line.project(Point(lon, lat)))
    return crs.GEOD.inv(lon, lat, q.x, q.y)[2] / 1000.0


@pytest.fixture(scope="module")
def rivers() -> gpd.GeoDataFrame:
    return hydro.rivers()


@pytest.fixture(scope="module")
def yangtze(rivers):
    return rivers.set_index("river_id").geometry["yangtze"]


@pytest.fixture(scope="module")
def lakes() -> gpd.GeoDataFrame:
    return hydro.lakes()


@pytest.fixture(scope="module")
def channels(yangtze) -> gpd.GeoDataFrame:
    return hydro.channels(yangtze)


def test_reader_finds_package_files_and_riverlakes():
    assert br.data_file("gshhs_f.dat").is_file()
    water = br.gshhs_polygons((115.5, 29.0, 117.2, 30.8), levels={br.LAKE})
    assert all(f.level == br.LAKE for f in water)
    # The Yangtze below Wuhan is a GSHHS river-lake, which is why the network needs a medial axis.
    assert any(f.riverlake and f.geometry.contains(Point(116.2833, 29.0833)) for f in water)
    assert all(f.geometry.within(shapely.box(110, 29, 111, 30)) for f in br.wdb_rivers((110, 29, 111, 30)))


def test_rivers_schema_and_validity(rivers):
    assert rivers.crs.equals(crs.WGS84)
    assert list(rivers.columns) == ["river_id", "name_zh", "name_en", "length_km", "source", "geometry"]
    assert set(rivers.river_id) == {"yangtze", "han", "xiang", "gan"}
    assert rivers.geometry.is_valid.all()
    assert (rivers.geom_type == "LineString").all()
    # No spurs or doubled stretches: each route is a simple line.
    assert rivers.geometry.is_simple.all()


@pytest.mark.parametrize(
    ("river_id", "place", "lon", "lat"),
    [(r, p, *PLACES[p]) for r, places in CHECKPOINTS.items() for p in places],
)
def test_river_passes_near_city(rivers, river_id, place, lon, lat):
    line = rivers.set_index("river_id").geometry[river_id]
    assert _distance_km(line, lon, lat) <= NEAR_KM, place


def test_yueyang_faces_dongting_not_the_yangtze(yangtze):
    # Yueyang's seat lies on Dongting's east shore; the Yangtze passes Chenglingji some 8-10 km
    # to the north.
    assert 5.0 < _distance_km(yangtze, *PLACES["岳阳"]) < 12.0


def test_river_lengths_plausible(rivers):
    length = rivers.set_index("river_id").length_km
    # Yichang-Wuhan ~627 km (Xinhua 2022) plus Wuhan-Anqing ~400 km.
    assert 950 < length["yangtze"] < 1150
    assert 350 < length["han"] < 600
    assert 250 < length["xiang"] < 450
    assert 220 < length["gan"] < 400
    assert rivers.length_km.tolist() == pytest.approx(crs.length_km(rivers).tolist())


def test_rivers_flow_downstream(rivers):
    # Routes are drawn upstream to downstream, so each starts at its first waypoint's end.
    start = dict(zip(rivers.river_id, [shapely.Point(g.coords[0]) for g in rivers.geometry], strict=True))
    assert start["yangtze"].x < 112 and start["han"].y > 31.5
    assert start["xiang"].y < 27.5 and start["gan"].y < 27.5


def test_lakes(lakes, yangtze):
    assert lakes.crs.equals(crs.WGS84)
    assert list(lakes.columns) == ["lake_id", "name_zh", "name_en", "area_km2", "source", "geometry"]
    assert lakes.geometry.is_valid.all()
    lake = lakes.set_index("lake_id")
    # Ramsar 551 (East Dongting) and simple.wikipedia Poyang coordinates.
    assert lake.geometry["dongting"].contains(Point(112.9833, 29.3303))
    assert lake.geometry["poyang"].contains(Point(116.2833, 29.0833))
    # Published figures: Dongting ~2,625 km² and Poyang ~3,150-4,000 km² at high water. GSHHS
    # (WDB II era) outlines are smaller static shapes (~1,080 and ~2,040 km²), so only the order
    # of magnitude is checked.
    assert 800 < lake.area_km2["dongting"] < 3000
    assert 1500 < lake.area_km2["poyang"] < 4500
    # Poyang was cut out of the Yangtze river-lake ring: none of the river channel may remain.
    poyang = lake.geometry["poyang"]
    assert poyang.disjoint(yangtze)
    west, south, east, north = poyang.bounds
    assert west > 115.7 and east < 116.9 and south > 28.5 and north < 29.9


def test_channels_are_sublines(channels, yangtze):
    assert list(channels.columns) == [
        "channel_id",
        "name_zh",
        "name_en",
        "depth_m",
        "stated_length_km",
        "measured_length_km",
        "length_ratio",
        "source",
        "geometry",
    ]
    near_line = yangtze.buffer(1e-7)
    for geom in channels.geometry:
        assert geom.is_valid and geom.within(near_line)
    c = channels.set_index("channel_id")
    assert c.depth_m.to_dict() == {"yichang_wuhan_4_5m": 4.5, "wuhan_anqing_6m": 6.0}
    # The 4.5 m section ends (Wuhan bridge) upstream of where the 6 m section starts (Tianxingzhou).
    end_45 = yangtze.project(Point(c.geometry["yichang_wuhan_4_5m"].coords[-1]))
    start_6 = yangtze.project(Point(c.geometry["wuhan_anqing_6m"].coords[0]))
    assert end_45 < start_6
    # Measured along WDB/GSHHS lines, not fudged: within 15 % of the stated lengths.
    assert ((c.length_ratio > 0.85) & (c.length_ratio < 1.15)).all()
    assert c.measured_length_km.tolist() == pytest.approx(crs.length_km(channels).tolist())


def test_coastline_has_no_box_edges():
    bbox = (120.0, 27.0, 122.0, 29.0)
    shore = hydro.coastline_gshhs(bbox)
    assert shore.length > 10  # degrees of shoreline: Zhejiang's coast and islands
    # Clipping edges must be removed: the shore may cross the box edge but never run along it.
    assert shore.intersection(shapely.box(*bbox).exterior.buffer(1e-9)).length < 1e-6


def test_datum_check_converted_is_closer():
    check = hydro.datum_check()
    assert check.n_points > 500
    # GCJ-02 moves points by roughly 300-600 m in east China; across-shore that shows as a raw
    # median of a few hundred metres.
    assert 100.0 <= check.raw_median_m <= 700.0
    assert check.converted_median_m < 0.75 * check.raw_median_m
