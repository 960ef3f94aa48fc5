"""Rail loader, graph and travel times on a small synthetic network with hand-computed answers.

Synthetic layout (WGS-84 unless noted; stations 1.2 deg of longitude apart, about 115.6 km at 30 N):

    S7 汉口 (114.0, 30.1) --L4 180 min, 1990-- S6 长沙站 (113.0, 28.2; given in GCJ-02)
     | transfer 30 min
    S1 武汉站 (114.0, 30.0) --L1 20 min, 2009-- S2 鄂州站 (115.2, 30.0) --L1 20 min-- S3 九江站 (116.4, 30.0)
                                                 |  L2 15 min, 2020                     | L3 200 min, planned
                                                S4 黄石站 (115.2, 29.5)                 S5 上海虹桥 (121.4, 31.2)

Cities: 武汉 (core, seat = S1), 鄂州 (seat = S2), 黄石 (seat = S4), 九江 (seat = S3),
长沙 (core, seat = S6, given in GCJ-02), 咸宁 (no station within 100 km).
With ``MODEL`` (1 km of geodesic distance per minute, 5 min access and egress) and a
10-minute transfer, times can be read off the sketch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.chinacoords import wgs84_to_gcj02
from geo.errors import (
    BadOptionError,
    BadThresholdError,
    OutsideRegionError,
    RailDataError,
    UnknownCityError,
    UnreachableError,
)
from geo.network import RailNetwork, RoadModel, check_year, geodesic_km
from geo.railsources import load_rail, read_member_cities
from geo.traveltime import plan_targets, resolve_origin, travel_time_matrix, travel_times

MODEL = RoadModel(speed_kmh=60.0, detour_factor=1.0, ends_min=0.0, access_min=5.0, egress_min=5.0, max_access_km=100.0)

_LINES = [
    ("L1", "甲高铁", "Line 1", "hsr", "350"),
    ("L2", "乙城际", "Line 2", "intercity", "200"),
    ("L3", "丙高铁", "Line 3", "hsr", "350"),
    ("L4", "丁普速", "Line 4", "conventional", "120"),
]
_STATIONS = [  # id, name_zh, city_zh, main, lon, lat, datum
    ("S1", "武汉站", "武汉", 1, 114.0, 30.0, "wgs84"),
    ("S2", "鄂州站", "鄂州", 1, 115.2, 30.0, "wgs84"),
    ("S3", "九江站", "九江", 1, 116.4, 30.0, "wgs84"),
    ("S4", "黄石站", "黄石", 1, 115.2, 29.5, "wgs84"),
    ("S5", "上海虹桥", "上海", 1, 121.4, 31.2, "wgs84"),
    ("S6", "长沙站", "长沙", 1, 113.0, 28.2, "gcj02"),
    ("S7", "汉口", "武汉", 1, 114.0, 30.1, "wgs84"),
]
_SEGMENTS = [  # line, from, to, minutes, distance_km, opened, status
    ("L1", "S1", "S2", "20", "", "2009", "open"),
    ("L1", "S2", "S3", "20", "", "2009", "open"),
    ("L2", "S2", "S4", "15", "", "2020", "open"),
    ("L3", "S3", "S5", "", "700", "", "planned"),
    ("L4", "S7", "S6", "180", "", "1990", "open"),
]
_CITIES = [  # name_zh, name_en, adcode, role, lon, lat, datum, population
    ("武汉", "Wuhan", "420100", "core", 114.0, 30.0, "wgs84", "12326518"),
    ("鄂州", "Ezhou", "420700", "member", 115.2, 30.0, "wgs84", ""),
    ("黄石", "Huangshi", "420200", "member", 115.2, 29.5, "wgs84", ""),
    ("九江", "Jiujiang", "360400", "member", 116.4, 30.0, "wgs84", "4600276"),
    ("长沙", "Changsha", "430100", "core", 113.0, 28.2, "gcj02", "10047914"),
    ("咸宁", "Xianning", "421200", "member", 117.6, 28.6, "wgs84", "2658316"),
]


def _coords(lon: float, lat: float, datum: str) -> tuple[float, float]:
    if datum == "gcj02":
        glon, glat = wgs84_to_gcj02(lon, lat)
        return float(glon), float(glat)
    return lon, lat


def write_sources(root: Path, *, segments: list[tuple] | None = None) -> Path:
    """Write the synthetic network as project-style CSVs under ``root``; return ``root``."""
    rail = root / "rail"
    rail.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        [(*row, "test", "") for row in _LINES],
        columns=["line_id", "name_zh", "name_en", "kind", "design_speed_kmh", "source", "note"],
    ).to_csv(rail / "lines.csv", index=False)
    pd.DataFrame(
        [(sid, zh, sid, city, main, *_coords(lon, lat, d), d, "test")
         for sid, zh, city, main, lon, lat, d in _STATIONS],
        columns=["station_id", "name_zh", "name_en", "city_zh", "main", "lon", "lat", "datum", "coord_source"],
    ).to_csv(rail / "stations.csv", index=False)
    pd.DataFrame(
        [(*row[:4], "timetable", *row[4:], "", "test", "") for row in (segments or _SEGMENTS)],
        columns=["line_id", "from_station", "to_station", "minutes", "minutes_basis", "distance_km", "opened",
                 "status", "expected_year", "source", "note"],
    ).to_csv(rail / "segments.csv", index=False)
    pd.DataFrame([("S1", "S7", 30)], columns=["from_station", "to_station", "minutes"]).to_csv(
        rail / "transfers.csv", index=False)
    pd.DataFrame(
        [(zh, en, "湖北", code, "", role, *_coords(lon, lat, d), d, pop, "test")
         for zh, en, code, role, lon, lat, d, pop in _CITIES],
        columns=["name_zh", "name_en", "province_zh", "adcode", "subcluster_zh", "role", "seat_lon", "seat_lat",
                 "seat_datum", "population_2020", "sources"],
    ).to_csv(root / "cities.csv", index=False)
    return root


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    return RailNetwork.from_sources(sources_dir=write_sources(tmp_path_factory.mktemp("src")))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(geodesic_km(a[0], a[1], b[0], b[1]))


# -- loader -----------------------------------------------------------------------------------------


def test_loader_converts_gcj02_to_wgs84(tmp_path: Path) -> None:
    src = load_rail(sources_dir=write_sources(tmp_path))
    s6 = src.stations.set_index("station_id").loc["S6"]
    assert s6["source_datum"] == "gcj02"
    assert abs(s6["lon"] - 113.0) < 1e-7 and abs(s6["lat"] - 28.2) < 1e-7
    assert s6.geometry.x == pytest.approx(113.0, abs=1e-7)
    assert src.stations.crs.to_epsg() == 4326
    cities = read_member_cities(sources_dir=tmp_path).set_index("name_zh")
    assert cities.loc["长沙", "lon"] == pytest.approx(113.0, abs=1e-7)
    assert np.isnan(cities.loc["鄂州", "population_2020"])


def test_loader_collects_bad_references(tmp_path: Path) -> None:
    bad = [*_SEGMENTS, ("L9", "S1", "S99", "10", "", "2010", "open"), ("L1", "S1", "S2", "", "", "2010", "open"),
           ("L1", "S2", "S3", "5", "", "2010", "rumoured")]
    with pytest.raises(RailDataError) as err:
        load_rail(sources_dir=write_sources(tmp_path, segments=bad))
    msg = str(err.value)
    for part in ("unknown station 'S99'", "unknown line_id", "open segment needs minutes or distance_km",
                 "status 'rumoured'"):
        assert part in msg


def test_loader_missing_files_is_typed(tmp_path: Path) -> None:
    with pytest.raises(RailDataError, match=r"stations\.csv: file not found"):
        load_rail(sources_dir=tmp_path)


# -- graph and times --------------------------------------------------------------------------------


def test_times_hand_computed(net: RailNetwork) -> None:
    tt = travel_times("武汉", year=2026, model=MODEL, transfer_min=10, network=net)
    ids = list(net.station_ids)
    sm = dict(zip(ids, tt.station_min, strict=True))
    assert sm["S1"] == pytest.approx(5.0)
    assert sm["S2"] == pytest.approx(25.0)
    assert sm["S3"] == pytest.approx(45.0)
    assert sm["S4"] == pytest.approx(50.0)  # 25 + 10 transfer + 15
    assert np.isinf(sm["S5"])  # L3 is only planned
    hankou = km((114.0, 30.0), (114.0, 30.1))
    assert sm["S7"] == pytest.approx(min(hankou + 5, 5 + 30))  # drive to 汉口 beats the 30-min link
    assert sm["S6"] == pytest.approx(hankou + 5 + 180)
    p = tt.places
    assert p.loc["鄂州", "rail_min"] == pytest.approx(20.0)
    assert p.loc["黄石", "rail_min"] == pytest.approx(45.0)
    assert p.loc["鄂州", "door_min"] == pytest.approx(30.0)
    assert p.loc["黄石", "door_min"] == pytest.approx(55.0)
    assert p.loc["长沙", "rail_min"] == pytest.approx(180.0)  # from main station 汉口
    assert p.loc["长沙", "door_min"] == pytest.approx(min(hankou + 5 + 180 + 5, km((114, 30), (113, 28.2))))
    assert p.loc["咸宁", "door_min"] == pytest.approx(km((114, 30), (117.6, 28.6)))  # road only
    assert np.isnan(p.loc["咸宁", "rail_min"])


def test_transfer_penalty_only_when_changing_lines(net: RailNetwork) -> None:
    t0 = travel_times("S1", year=2026, model=MODEL, transfer_min=0, network=net).places
    t30 = travel_times("S1", year=2026, model=MODEL, transfer_min=30, network=net).places
    assert t30.loc["九江", "rail_min"] == t0.loc["九江", "rail_min"] == pytest.approx(40.0)
    assert t30.loc["黄石", "rail_min"] - t0.loc["黄石", "rail_min"] == pytest.approx(30.0)


def test_years_and_planned_scenario(net: RailNetwork) -> None:
    y2015 = travel_times("武汉", year=2015, model=MODEL, network=net).places
    assert np.isnan(y2015.loc["黄石", "rail_min"])  # L2 opens 2020
    planned = travel_times("武汉", year="planned", model=MODEL, network=net).places
    l3 = 700 / (350 * 0.75) * 60  # estimated from distance at 75 % of design speed
    assert planned.loc["上海", "rail_min"] == pytest.approx(40 + 10 + l3)  # change L1 -> L3 at 九江
    assert np.isnan(travel_times("武汉", year=2026, model=MODEL, network=net).places.loc["上海", "rail_min"])


def test_times_never_grow_with_years(net: RailNetwork) -> None:
    prev = None
    for year in (1995, 2010, 2015, 2020, 2026, "planned"):
        door = travel_time_matrix(year=year, kind="door", model=MODEL, network=net).to_numpy()
        if prev is not None:
            assert np.all(door <= prev + 1e-9)
        prev = door


def test_matrix_matches_single_origin(net: RailNetwork) -> None:
    for kind in ("door", "rail"):
        m = travel_time_matrix(year=2026, kind=kind, model=MODEL, network=net)
        assert list(m.index) == ["武汉", "鄂州", "黄石", "九江", "长沙", "咸宁", "上海"]
        for origin in m.index:
            col = "door_min" if kind == "door" else "rail_min"
            # 咸宁 has no station in range and 上海's is not open in 2026: their door rows are road only.
            mode = "road" if origin in ("咸宁", "上海") else "rail"
            single = travel_times(origin, year=2026, mode=mode, model=MODEL, network=net).places[col]
            if mode == "road" and kind == "rail":
                assert np.isnan(m.loc[origin].drop(origin).to_numpy(float)).all()
                continue
            np.testing.assert_allclose(m.loc[origin].to_numpy(float), single.to_numpy(float), equal_nan=True)
        np.testing.assert_allclose(m.to_numpy(), m.to_numpy().T, equal_nan=True)


def test_plan_targets(net: RailNetwork) -> None:
    t = plan_targets(year=2026, model=MODEL, network=net)
    c = t.core_commute.set_index(["core", "city"])
    assert bool(c.loc[("武汉", "鄂州"), "door_ok"]) and bool(c.loc[("武汉", "黄石"), "door_ok"])
    assert c.loc[("武汉", "九江"), "door_min"] == pytest.approx(50.0)  # arrive 45 + egress 5
    assert bool(c.loc[("武汉", "九江"), "door_ok"]) and not bool(c.loc[("武汉", "长沙"), "door_ok"])
    assert c.loc[("武汉", "九江"), "rail_min"] == pytest.approx(40.0)
    assert len(t.member_pairs) == 6 * 5 // 2
    assert t.neighbour_cores["rail_ok"].sum() == 0
    planned = plan_targets(year="planned", model=MODEL, network=net).neighbour_cores.set_index(["core", "neighbour"])
    assert planned.loc[("武汉", "上海"), "rail_min"] > 180


# -- origins and errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["武汉", "武汉市", "Wuhan", "wuhan", "420100", 420100])
def test_origin_aliases(net: RailNetwork, name: object) -> None:
    assert resolve_origin(name, network=net).label == "武汉"


def test_station_and_point_origins(net: RailNetwork) -> None:
    assert resolve_origin("S2", network=net).kind == "station"
    assert resolve_origin("鄂州站", network=net).station == 1
    pt = resolve_origin((114.5, 30.2), network=net)
    assert pt.kind == "point" and (pt.lon, pt.lat) == (114.5, 30.2)


def test_unknown_city_suggests(net: RailNetwork) -> None:
    with pytest.raises(UnknownCityError, match="武汉") as err:
        resolve_origin("武漢", network=net)
    assert isinstance(err.value, ValueError)
    with pytest.raises(UnknownCityError, match="Wuhan"):
        resolve_origin("Wuhna", network=net)


def test_outside_region(net: RailNetwork) -> None:
    with pytest.raises(OutsideRegionError):
        resolve_origin((30.0, 114.0), network=net)  # lat/lon swapped
    with pytest.raises(OutsideRegionError):
        resolve_origin((121.5, 31.2), network=net)  # 上海: ~500 km east of the seats' box
    resolve_origin((119.0, 30.0), network=net)  # ~250 km outside: accepted


def test_unreachable_origin(net: RailNetwork) -> None:
    with pytest.raises(UnreachableError, match="2000"):
        travel_times("九江", year=2000, model=MODEL, network=net)
    with pytest.raises(UnreachableError):
        travel_times("咸宁", year=2026, model=MODEL, network=net)
    assert travel_times("咸宁", year=2026, mode="road", model=MODEL, network=net).places.loc["武汉", "door_min"] > 0


def test_bad_options(net: RailNetwork) -> None:
    with pytest.raises(BadOptionError):
        check_year("next year")
    with pytest.raises(BadOptionError):
        check_year(1066)
    with pytest.raises(BadOptionError):
        travel_times("武汉", mode="bike", network=net)
    with pytest.raises(BadOptionError):
        travel_time_matrix(kind="walk", network=net)
    with pytest.raises(BadThresholdError):
        RoadModel(speed_kmh=0)
    with pytest.raises(BadThresholdError):
        net.graph(2026, transfer_min=-1)


def test_road_legs_are_detoured_distance_over_speed() -> None:
    """Hand-computed: 40 geodesic km x 1.5 detour = 60 road km, at 60 km/h = 60 minutes."""
    model = RoadModel(speed_kmh=60.0, detour_factor=1.5, ends_min=0.0)
    assert float(model.road_min(40.0)) == pytest.approx(60.0)
    assert model.km_per_min == pytest.approx(40.0 / 60.0)


def test_urban_ends_are_paid_in_full_beyond_the_ramp_and_in_proportion_below() -> None:
    """Hand-computed: 120 km/h over 1.2 x the geodesic distance = 100 geodesic km/h, 20 min in town per trip."""
    model = RoadModel(speed_kmh=120.0, detour_factor=1.2, ends_min=20.0)
    assert float(model.road_min(100.0)) == pytest.approx(60.0 + 20.0)
    assert float(model.road_min(100.0, ends=1)) == pytest.approx(60.0 + 10.0)
    assert float(model.road_min(10.0)) == pytest.approx(6.0 + 10.0)  # half the 20 km ramp: half the ends
    assert float(model.road_min(0.0)) == 0.0
    km = np.array([0.0, 5.0, 19.9, 20.0, 150.0])
    for ends in (1, 2):
        np.testing.assert_allclose(model.reach_km(model.road_min(km, ends), ends), km, atol=1e-9)


def test_the_real_network_serves_every_member_city_and_neighbouring_core():
    # On today's network every member city reaches every other and each neighbouring core by rail.
    from data import load_cities
    from geo.network import NEIGHBOUR_CORES
    from geo.traveltime import travel_time_matrix

    rail = travel_time_matrix(kind="rail")
    members = load_cities()["name_zh"].tolist()
    assert set(members) <= set(rail.index)
    assert set(NEIGHBOUR_CORES) <= set(rail.columns)
    reached = rail.loc[members]
    assert np.isfinite(reached.to_numpy(dtype=float)).all(), reached.columns[~np.isfinite(reached).all()].tolist()


def test_the_real_network_knows_the_neighbouring_cores_by_english_name_and_adcode():
    from geo.network import NEIGHBOUR_CORES, default_network
    from geo.traveltime import resolve_origin

    places = default_network().places.set_index("name_zh")
    cores = places.loc[list(NEIGHBOUR_CORES)]
    assert cores["name_en"].ne("").all() and cores["adcode"].str.fullmatch(r"\d{6}").all()
    assert resolve_origin("Shanghai").label == "上海" and resolve_origin("310000").label == "上海"
    assert resolve_origin("Fuzhou").label == "抚州" and resolve_origin("Fuzhou (Fujian)").label == "福州"
