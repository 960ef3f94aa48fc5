"""The Yangtze as a road barrier (geo.road) on a synthetic river with hand-placed bridges.

Layout (WGS-84): the synthetic network of test_network (鄂州 at (115.2, 30.0), 黄石 at (115.2, 29.5), both seats
and stations) and a straight river along 29.75° N from 113° E to 117° E, flowing east, so 鄂州 is on the left
(north) bank and 黄石 on the right. With ``MODEL`` (1 road km per minute, no urban ends) road minutes are km.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from test_network import MODEL, write_sources

from geo.crs import EQUAL_AREA, GEOD, WGS84, area_km2
from geo.isochrones import isochrones
from geo.network import RailNetwork, RoadModel
from geo.road import SECTION_COLUMNS, RiverBarrier
from geo.surface import AREA_TOLERANCE, region_grid, travel_time_surface
from geo.traveltime import travel_time_matrix, travel_times

RIVER = np.array([[113.0, 29.75], [114.0, 29.75], [115.0, 29.75], [116.0, 29.75], [117.0, 29.75]])
EZHOU, HUANGSHI = (115.2, 30.0), (115.2, 29.5)
WUHAN, JIUJIANG = (114.0, 30.0), (116.4, 30.0)
# A section from 武汉's seat to 九江's (both north bank), bent through (115.2, 30.2), at 120 km/h.
SECTION = (WUHAN, (115.2, 30.2), JIUJIANG)
SOUTH = shapely.box(110.0, 25.0, 120.0, 29.75)  # the right bank of the synthetic river, near the cities


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def _bridges(*rows: tuple[str, float, float, int | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["bridge_id", "lon", "lat", "opened_year"])


def _line_km(points) -> float:
    lon, lat = zip(*points, strict=True)
    return GEOD.line_length(lon, lat) / 1000.0


def _sections(*rows: tuple[tuple[tuple[float, float], ...], float]) -> pd.DataFrame:
    """Sections from (points, speed_kmh): ends and the polyline's geodesic length."""
    return pd.DataFrame([(f"s{i}", *pts[0], *pts[-1], _line_km(pts), v) for i, (pts, v) in enumerate(rows)],
                        columns=list(SECTION_COLUMNS))


def _net(tmp_path, *bridges: tuple[str, float, float, int | None], sections=()) -> RailNetwork:
    net = RailNetwork.from_sources(sources_dir=write_sources(tmp_path))
    net.barrier = RiverBarrier(river=RIVER, bridges=_bridges(*bridges), sections=_sections(*sections))
    return net


def test_banks_of_the_synthetic_river() -> None:
    barrier = RiverBarrier(river=RIVER, bridges=_bridges())
    np.testing.assert_array_equal(barrier.bank([115.2, 115.2, 113.5, 116.9], [30.0, 29.5, 29.8, 29.7]), [0, 1, 0, 1])


def test_one_bridge_road_time_is_the_two_legs(tmp_path) -> None:
    """鄂州 -> 黄石 crosses only at the one bridge, 0.8° east: the time is the two geodesic legs at 1 km/min."""
    bridge = (116.0, 29.75)
    net = _net(tmp_path, ("b1", *bridge, 2000))
    legs = _km(EZHOU, bridge) + _km(bridge, HUANGSHI)  # 79.8 + 79.8 km
    assert legs > _km(EZHOU, HUANGSHI) + 100  # the straight line is 55 km: the detour is real
    tt = travel_times("鄂州", mode="road", year=2026, model=MODEL, network=net)
    assert tt.places.at["黄石", "road_min"] == pytest.approx(legs, rel=1e-9)
    road = travel_time_matrix(kind="road", year=2026, model=MODEL, network=net)
    assert road.at["鄂州", "黄石"] == pytest.approx(legs, rel=1e-9)
    assert road.at["鄂州", "武汉"] == pytest.approx(_km(EZHOU, (114.0, 30.0)), rel=1e-9)  # same bank: straight


def test_a_bridge_opening_changes_the_time_between_years(tmp_path) -> None:
    """A bridge straight between the cities opens in 2020: 2015 drives round by the old one, 2026 goes straight."""
    net = _net(tmp_path, ("old", 116.0, 29.75, 2000), ("new", 115.2, 29.75, 2020))
    before = travel_time_matrix(kind="road", year=2015, model=MODEL, network=net).at["鄂州", "黄石"]
    after = travel_time_matrix(kind="road", year=2026, model=MODEL, network=net).at["鄂州", "黄石"]
    assert before == pytest.approx(_km(EZHOU, (116.0, 29.75)) + _km((116.0, 29.75), HUANGSHI), rel=1e-9)
    assert after == pytest.approx(_km(EZHOU, HUANGSHI), rel=1e-6)
    assert before - after > 100


def test_no_bridge_open_means_no_road_across(tmp_path) -> None:
    net = _net(tmp_path, ("future", 115.2, 29.75, 2030))
    assert np.isinf(travel_time_matrix(kind="road", year=2026, model=MODEL, network=net).at["鄂州", "黄石"])
    assert travel_time_matrix(kind="road", year="planned", model=MODEL, network=net).at["鄂州", "黄石"] == (
        pytest.approx(_km(EZHOU, HUANGSHI), rel=1e-6))


def test_isochrone_does_not_jump_the_river_without_a_bridge_in_reach(tmp_path) -> None:
    """60 min (60 km) from 鄂州, 28 km from the river: nothing south of it unless a bridge is within 60 km."""
    far = _net(tmp_path / "far", ("far", 117.0, 29.75, 2000))  # 180 km away
    near = _net(tmp_path / "near", ("near", 115.2, 29.75, 2000))  # 27.7 km due south
    south_far = area_km2(isochrones("鄂州", [60], mode="road", model=MODEL, network=far).geometry
                         .intersection(SOUTH))
    gdf = isochrones("鄂州", [60], mode="road", model=MODEL, network=near)
    south_near = area_km2(gdf.geometry.intersection(SOUTH))
    assert south_far[0] < 1.0  # km²: no more than the river line's own width of rounding
    # Across the bridge: a disc of the 32.3 km left, its southern half (the bridge sits on the river line).
    left = 60.0 - _km(EZHOU, (115.2, 29.75))
    assert south_near[0] == pytest.approx(np.pi * left**2 / 2, rel=0.02)
    # North of the river the circle is the plain disc cut at the river, whichever bridges there are.
    north = area_km2(gdf.geometry.difference(SOUTH))
    disc = area_km2(isochrones("鄂州", [60], mode="road", model=MODEL,
                               network=RailNetwork.from_sources(sources_dir=write_sources(tmp_path / "none")))
                    .geometry)
    assert north[0] < disc[0] - 1000  # the part of the disc beyond the river is gone
    assert gdf.crs == WGS84


def test_rail_circle_station_discs_stay_on_their_bank(tmp_path) -> None:
    """A station disc near the river is cut at the river too; the circle's area shrinks, its cities do not."""
    net = _net(tmp_path / "b", ("far", 117.0, 29.75, 2000))
    plain = RailNetwork.from_sources(sources_dir=write_sources(tmp_path / "p"))
    cut = isochrones("武汉", [90], model=MODEL, network=net)
    full = isochrones("武汉", [90], model=MODEL, network=plain)
    assert cut["area_km2"][0] < full["area_km2"][0]
    # 黄石 is reached by rail (鄂州站 -> 黄石站), not by a road across the river: still within 90 minutes.
    assert "黄石" in cut["cities_reached"][0]


def test_project_bridges_make_2015_and_now_differ() -> None:
    """杨泗港长江大桥 (opened 2019) on the project's Yangtze: a trip across it from 汉阳 to 武昌 goes round by 白沙洲
    or the 1957 bridge in 2015 and straight over it today; both ends are on the banks the river line gives them."""
    from geo.network import default_network

    barrier = default_network().barrier
    hanyang, wuchang = (114.245, 30.52), (114.275, 30.50)
    np.testing.assert_array_equal(barrier.bank([hanyang[0], wuchang[0]], [hanyang[1], wuchang[1]]), [0, 1])
    before, now = (float(barrier.road_km(*hanyang, *wuchang, y)[0, 0]) for y in (2015, 2026))
    bridge = barrier.bridges.set_index("bridge_id").loc["yangsigang", ["lon", "lat"]].to_numpy(float)
    assert now == pytest.approx(_km(hanyang, tuple(bridge)) + _km(tuple(bridge), wuchang), rel=1e-9)
    assert before > now + 3  # km


# -- expressway sections: shortcuts entered and left at their two ends ------------------------------------------


def test_a_section_is_its_length_at_its_speed_by_hand(tmp_path) -> None:
    """武汉 -> 九江 along the section: its 235 km polyline at 120 km/h, 117.6 min, not the 231 km of road at 1 km/min;
    with the default road model the minutes are the section's plus the urban ends, exactly."""
    net = _net(tmp_path, ("far", 117.0, 29.75, 2000), sections=[(SECTION, 120.0)])
    length = _line_km(SECTION)
    road = travel_time_matrix(kind="road", year=2026, model=MODEL, network=net)
    assert road.at["武汉", "九江"] == pytest.approx(length / 120.0 * 60.0, rel=1e-9)
    assert road.at["武汉", "九江"] < _km(WUHAN, JIUJIANG) - 100
    # 鄂州 -> 九江: to the section's entry and on would be 115 + 118 min; the straight 115 km stays.
    assert road.at["鄂州", "九江"] == pytest.approx(_km(EZHOU, JIUJIANG), rel=1e-9)
    default = travel_time_matrix(kind="road", year=2026, model=RoadModel(), network=net)
    assert default.at["武汉", "九江"] == pytest.approx(length / 120.0 * 60.0 + RoadModel().ends_min, rel=1e-9)
    # From a point (not a place): to the entry, along the section, on from its exit.
    start = (113.8, 30.1)
    tt = travel_times(start, mode="road", year=2026, model=MODEL, network=net)
    assert tt.places.at["九江", "road_min"] == pytest.approx(_km(start, WUHAN) + length / 2.0, rel=1e-9)


def test_a_section_never_lengthens_a_trip(tmp_path) -> None:
    plain = _net(tmp_path / "p", ("b1", 116.0, 29.75, 2000))
    fast = _net(tmp_path / "f", ("b1", 116.0, 29.75, 2000), sections=[(SECTION, 120.0)])
    slow = _net(tmp_path / "s", ("b1", 116.0, 29.75, 2000), sections=[(SECTION, 5.0)])
    for kind in ("road", "door"):
        before = travel_time_matrix(kind=kind, year=2026, model=MODEL, network=plain).to_numpy()
        after = travel_time_matrix(kind=kind, year=2026, model=MODEL, network=fast).to_numpy()
        assert np.all(after <= before + 1e-9), kind
        assert (after < before - 1).any(), kind  # and shortens the trips that use it
        crawl = travel_time_matrix(kind=kind, year=2026, model=MODEL, network=slow).to_numpy()
        np.testing.assert_allclose(crawl, before, rtol=1e-12)  # a section slower than the road is never taken


def test_a_section_across_the_river_is_a_bridge(tmp_path) -> None:
    """No bridge: 鄂州 and 黄石 are cut apart, until a section joins their seats across the river at 100 km/h."""
    assert np.isinf(travel_time_matrix(kind="road", year=2026, model=MODEL, network=_net(tmp_path / "a"))
                    .at["鄂州", "黄石"])
    net = _net(tmp_path / "b", sections=[((EZHOU, HUANGSHI), 100.0)])
    road = travel_time_matrix(kind="road", year=2026, model=MODEL, network=net)
    across = _km(EZHOU, HUANGSHI) / 100.0 * 60.0
    assert road.at["鄂州", "黄石"] == pytest.approx(across, rel=1e-9)
    assert road.at["武汉", "黄石"] == pytest.approx(_km(WUHAN, EZHOU) + across, rel=1e-9)
    # The circle from 鄂州 crosses there: south of the river, the disc of the 26.7 km left at 黄石 (27.7 km from the
    # river, so whole); without the section nothing.
    left = 60.0 - across
    assert left < _km(HUANGSHI, (115.2, 29.75))
    south = area_km2(isochrones("鄂州", [60], mode="road", model=MODEL, network=net).geometry.intersection(SOUTH))
    assert south[0] == pytest.approx(np.pi * left**2, rel=0.02)


def test_the_circle_grows_at_the_sections_far_end_and_agrees_with_the_surface(tmp_path) -> None:
    """150 min from 武汉: 九江 (231 km) is out of the plain circle; by the section it is reached at 117.6 min and
    grows a disc of the 32.4 km left, cut at the river 27.7 km south of it. The surface agrees within AREA_TOLERANCE."""
    plain = _net(tmp_path / "p", ("far", 117.0, 29.75, 2000))
    net = _net(tmp_path / "s", ("far", 117.0, 29.75, 2000), sections=[(SECTION, 120.0)])
    before = isochrones("武汉", [150], mode="road", model=MODEL, network=plain)
    after = isochrones("武汉", [150], mode="road", model=MODEL, network=net)
    left = 150.0 - _line_km(SECTION) / 2.0
    d = _km(JIUJIANG, (116.4, 29.75))
    disc = np.pi * left**2 - (left**2 * np.arccos(d / left) - d * np.sqrt(left**2 - d**2))
    assert after["area_km2"][0] - before["area_km2"][0] == pytest.approx(disc, rel=0.02)
    assert after.geometry[0].contains(shapely.Point(116.4, 30.2)) and not before.geometry[0].contains(
        shapely.Point(116.4, 30.2))
    grid = region_grid(1.0, extent=(112.5, 28.5, 117.5, 31.0), margin_km=0)
    box = shapely.box(*grid.bounds)
    for mode, minutes in (("road", [60, 120, 150]), ("rail", [60, 120, 150])):
        surface = travel_time_surface(["武汉"], mode=mode, model=MODEL, network=net, grid=grid)
        iso = isochrones("武汉", minutes, mode=mode, model=MODEL, network=net).to_crs(EQUAL_AREA)
        area = shapely.area(shapely.intersection(iso.geometry.to_numpy(), box)) / 1e6
        np.testing.assert_allclose(surface.reached_km2(minutes), area, rtol=AREA_TOLERANCE)


def test_a_section_opens_in_its_year_and_sections_sharing_an_end_chain(tmp_path) -> None:
    """Two sections 武汉 -> (115.2, 30.2) and on to 九江 meet at one link end: 武汉 -> 九江 chains them, but only
    from the year the second opened (2020); before, it takes the first and the straight road on from the bend. A
    section without a year (a scenario's) is open in every year."""
    bend = (115.2, 30.2)
    sections = _sections(((WUHAN, bend), 120.0), ((bend, JIUJIANG), 120.0)).assign(opened_year=[2000, 2020])
    net = RailNetwork.from_sources(sources_dir=write_sources(tmp_path))
    net.barrier = RiverBarrier(river=RIVER, bridges=_bridges(("far", 117.0, 29.75, 2000)), sections=sections)
    assert len(net.barrier.node_lonlat[0]) == 1 + 3  # the bridge, then 武汉, the bend and 九江: one end each
    np.testing.assert_array_equal(net.barrier.open_sections(2019), [True, False])
    np.testing.assert_array_equal(net.barrier.open_sections("planned"), [True, True])
    road = {y: travel_time_matrix(kind="road", year=y, model=MODEL, network=net).at["武汉", "九江"]
            for y in (2019, 2020, "planned")}
    assert road[2019] == pytest.approx(_km(WUHAN, bend) / 2.0 + _km(bend, JIUJIANG), rel=1e-9)  # MODEL: 1 km/min
    chained = (_km(WUHAN, bend) + _km(bend, JIUJIANG)) / 120.0 * 60.0
    assert road[2020] == pytest.approx(chained, rel=1e-9) and road["planned"] == road[2020]
    undated = RiverBarrier(river=RIVER, bridges=_bridges(), sections=sections.drop(columns="opened_year"))
    assert undated.open_sections(1950).all()


# -- the project's expressway skeleton (data/sources/expressways.csv) ------------------------------------------


def _skeleton() -> pd.DataFrame:
    from data import SOURCES_DIR

    return pd.read_csv(SOURCES_DIR / "expressways.csv", dtype=str, keep_default_na=False)


def test_every_skeleton_section_is_sourced_dated_and_between_known_seats() -> None:
    """Each row: a unique id, two different city seats of cities.csv, an opening year 1980-now with its source (a
    URL) and the source's date, a length no shorter than the seats' geodesic whose basis is stated (a sourced route
    length, or the geodesic x ROUTE_FACTOR as computed here) and a design speed only with its own source."""
    from data import load_cities
    from geo.network import CURRENT_YEAR, geodesic_km
    from geo.road import ROUTE_FACTOR

    rows = _skeleton()
    assert len(rows) >= 15 and rows["section_id"].is_unique
    seats = load_cities().set_index("name_zh").geometry
    assert set(rows["from_node"]) | set(rows["to_node"]) <= set(seats.index)
    assert (rows["from_node"] != rows["to_node"]).all()
    years = rows["opened_year"].astype(int)
    assert years.between(1980, CURRENT_YEAR).all()
    # the date as precise as its source gives it
    assert all(d.startswith(y) for d, y in zip(rows["opened"], rows["opened_year"], strict=True))
    assert rows["source"].str.contains("http").all() and (rows["source_date"].str.len() > 0).all()
    a, b = seats.loc[rows["from_node"]], seats.loc[rows["to_node"]]
    km = geodesic_km(a.x.to_numpy(), a.y.to_numpy(), b.x.to_numpy(), b.y.to_numpy())
    length = rows["length_km"].astype(float).to_numpy()
    assert (length >= km * 0.999).all()
    estimate = rows["length_basis"].str.startswith("estimate: geodesic").to_numpy()
    assert (estimate | (rows["length_basis"] == "sourced route length")).all()
    np.testing.assert_allclose(length[estimate], np.round(km[estimate] * ROUTE_FACTOR, 1), atol=0.051)
    design = rows["design_kmh"] != ""
    assert rows.loc[design, "design_kmh"].astype(float).isin([80.0, 100.0, 120.0]).all()
    assert rows.loc[design, "design_kmh_source"].str.contains("http").all()
    assert (rows.loc[~design, "design_kmh_source"] == "").all()


def test_the_skeleton_is_loaded_with_its_years_speeds_and_shared_seats() -> None:
    from geo.network import default_network
    from geo.road import EXPRESSWAY_KMH

    rows, barrier = _skeleton(), default_network().barrier
    skeleton = barrier.sections[np.isfinite(barrier.section_opened_year)]
    assert list(skeleton["section_id"]) == list(rows["section_id"])
    expected = rows["design_kmh"].replace("", str(EXPRESSWAY_KMH)).astype(float).to_numpy()
    np.testing.assert_array_equal(skeleton["speed_kmh"].to_numpy(float), expected)
    seats = set(rows["from_node"]) | set(rows["to_node"])
    assert len(barrier.section_nodes[0]) == len(seats)  # one link end per seat, however many sections meet there


def test_a_section_opened_after_2015_makes_2015_and_now_differ() -> None:
    """昌栗高速 (南昌–上栗 via 宜春's seat, opened 2016-01-13): 南昌–宜春 takes it today, not in the plan year."""
    from geo.network import CURRENT_YEAR, default_network
    from geo.road import place_road_km

    net = default_network()
    rows = _skeleton().set_index("section_id")
    assert int(rows.at["changli_nanchang_yichun", "opened_year"]) > 2015
    i, j = (int(np.flatnonzero(net.place_names == p)[0]) for p in ("南昌", "宜春"))
    before, now = place_road_km(net, 2015)[i, j], place_road_km(net, CURRENT_YEAR)[i, j]
    assert now < before - 3
    minutes = travel_time_matrix(kind="road", year=2015, network=net).at["南昌", "宜春"]
    assert minutes > travel_time_matrix(kind="road", year=CURRENT_YEAR, network=net).at["南昌", "宜春"] + 2
