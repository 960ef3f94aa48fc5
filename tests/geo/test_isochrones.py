"""Isochrones and nominal rings on the synthetic network of ``test_network`` (hand-computed radii)."""

from __future__ import annotations

import math
from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_network import MODEL, write_sources

from geo.crs import EQUAL_AREA, GEOD, WGS84, area_km2, transformer
from geo.errors import BadThresholdError, OutsideRegionError, UnknownCityError, UnreachableError
from geo.isochrones import (
    CHORD_BOW,
    ELLIPSE_MAX_KM,
    ELLIPSE_TOLERANCE,
    _disc_vertices,
    _multipolygons_wgs84,
    _union_rings,
    check_minutes,
    geodesic_discs,
    isochrones,
    isochrones_many,
    nominal_rings,
    station_azimuths,
    tissot_frames,
)
from geo.network import CURRENT_YEAR, RailNetwork, RoadModel, default_network
from geo.traveltime import resolve_origin, travel_times

INSCRIBED_64 = 64 / (2 * math.pi) * math.sin(2 * math.pi / 64)  # area of a 64-gon / its circle


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    return RailNetwork.from_sources(sources_dir=write_sources(tmp_path_factory.mktemp("src")))


def test_geodesic_disc_vertices_are_exact() -> None:
    disc = geodesic_discs([114.0], [30.0], [50.0], n_azimuths=64)[0]
    xy = shapely.get_coordinates(disc.exterior)[:-1]
    _, _, d = GEOD.inv(np.full(len(xy), 114.0), np.full(len(xy), 30.0), xy[:, 0], xy[:, 1])
    np.testing.assert_allclose(d, 50_000.0, rtol=1e-9)
    assert disc.is_valid and disc.exterior.is_ccw


def test_hand_computed_radii_and_area(net: RailNetwork) -> None:
    # 60 min from 武汉 (seat = S1), 1 km/min: origin disc 60 km; stations S2 (arrive 25, egress 5) -> 30 km,
    # S3 (45) -> 10 km, S4 (50) -> 5 km; S1's own disc (5 + 5 -> 50 km) lies inside the origin disc.
    gdf = isochrones("武汉", [60], year=2026, model=MODEL, transfer_min=10, network=net)
    expected = math.pi * (60**2 + 30**2 + 10**2 + 5**2) * INSCRIBED_64
    assert gdf.loc[0, "area_km2"] == pytest.approx(expected, rel=0.003)
    poly = gdf.geometry[0]
    assert len(poly.geoms) == 4  # four disjoint discs
    east_of_s3 = GEOD.fwd(116.4, 30.0, 90, 9_500)[:2]
    beyond_s3 = GEOD.fwd(116.4, 30.0, 90, 10_500)[:2]
    assert poly.contains(shapely.Point(east_of_s3)) and not poly.contains(shapely.Point(beyond_s3))
    assert gdf.loc[0, "cities_reached"] == "武汉 0、鄂州 30、九江 50、黄石 55"
    assert gdf.loc[0, "n_cities_reached"] == 4
    # People come from the county figures inside the discs (tests/geo/test_population.py), not from whole cities:
    # the seats of 武汉 and 九江 are reached, but far less than their 16.9 million residents.
    assert 0 < gdf.loc[0, "population_reached"] < 12326518 + 4600276
    assert "county" in gdf.loc[0, "population_basis"] and gdf.loc[0, "counties_reached"] > 0
    assert gdf.crs == WGS84


def test_year_filter_changes_reach(net: RailNetwork) -> None:
    y2015 = isochrones("武汉", [60], year=2015, model=MODEL, network=net)
    expected = math.pi * (60**2 + 30**2 + 10**2) * INSCRIBED_64  # L2 to 黄石 opens 2020
    assert y2015.loc[0, "area_km2"] == pytest.approx(expected, rel=0.003)
    assert "黄石" not in y2015.loc[0, "cities_reached"]


def test_thresholds_nest(net: RailNetwork) -> None:
    gdf = isochrones("鄂州", [180, 60, 120, 90], year="planned", model=MODEL, network=net)
    assert list(gdf["minutes"]) == [60, 90, 120, 180]
    for inner, outer in zip(gdf.geometry[:-1], gdf.geometry[1:], strict=True):
        assert shapely.difference(inner, outer).area <= 1e-12 * inner.area
    assert np.all(np.diff(gdf["area_km2"]) > 0)
    assert np.all(np.diff(gdf["n_cities_reached"]) >= 0)


@pytest.mark.parametrize("origin", ["武汉", "鄂州", "九江", (115.8, 29.8)])
def test_area_never_shrinks_with_years(net: RailNetwork, origin: object) -> None:
    prev = None
    for year in (2009, 2015, 2020, 2026, "planned"):
        area = isochrones(origin, [60, 120, 180, 300], year=year, model=MODEL, network=net)["area_km2"].to_numpy()
        if prev is not None:
            assert np.all(area >= prev * (1 - 1e-9))
        prev = area


def test_road_mode_is_one_disc(net: RailNetwork) -> None:
    gdf = isochrones("咸宁", [60], mode="road", model=MODEL, network=net)
    assert gdf.loc[0, "area_km2"] == pytest.approx(math.pi * 60**2 * INSCRIBED_64, rel=0.003)
    assert gdf.loc[0, "mode"] == "road"


def test_cities_reached_agree_with_polygon(net: RailNetwork) -> None:
    gdf = isochrones("鄂州", [40, 80, 200], year="planned", model=MODEL, network=net)
    seats = net.places[net.places["member"]]
    for row in gdf.itertuples():
        inside = {n for n, x, y in zip(seats["name_zh"], seats["lon"], seats["lat"], strict=True)
                  if row.geometry.buffer(1e-6).contains(shapely.Point(x, y))}
        assert inside == {c.split(" ")[0] for c in row.cities_reached.split("、") if c}


def test_nominal_rings(net: RailNetwork) -> None:
    rings = nominal_rings("武汉", [60, 120], speed_kmh=60, network=net)
    assert list(rings["radius_km"]) == [60.0, 120.0]
    assert rings.loc[1, "area_km2"] == pytest.approx(math.pi * 120**2 * INSCRIBED_64, rel=0.003)
    assert "nominal" in rings.loc[0, "label"]
    assert list(rings["cities_within"]) == ["武汉", "武汉、鄂州"]


@pytest.mark.parametrize("bad", [[0], [-10], [60, float("nan")], [24 * 60 + 1], [], ["60"], [True]])
def test_bad_thresholds(bad: list) -> None:
    with pytest.raises(BadThresholdError):
        check_minutes(bad)


def test_isochrone_errors(net: RailNetwork) -> None:
    with pytest.raises(UnknownCityError, match="Ezhou"):
        isochrones("Ezhuo", network=net)
    with pytest.raises(OutsideRegionError):
        isochrones((87.6, 43.8), network=net)  # Ürümqi
    with pytest.raises(UnreachableError):
        isochrones("九江", year=2000, model=MODEL, network=net)
    with pytest.raises(BadThresholdError):
        isochrones("武汉", [60, 2000], network=net)
    with pytest.raises(BadThresholdError):
        nominal_rings("武汉", speed_kmh=0, network=net)


def test_tissot_ellipses_stay_within_tolerance_of_geodesic_circles() -> None:
    """Station discs (Tissot ellipses in the Albers plane) vs the same discs drawn on their geodesic circles,
    over a grid covering every station of the real network (the neighbouring cores' too) with a degree to spare."""
    real = default_network()
    known = np.isfinite(real.lon)
    lon, lat = np.meshgrid(np.linspace(real.lon[known].min() - 1, real.lon[known].max() + 1, 16),
                           np.linspace(real.lat[known].min() - 1, real.lat[known].max() + 1, 12))
    lon, lat = lon.ravel(), lat.ravel()
    x, y, jac = tissot_frames(lon, lat)
    np.testing.assert_allclose(np.linalg.det(jac), 1.0, atol=1e-6)  # equal-area: the indicatrix keeps area
    for radius in (5.0, 50.0, 100.0, ELLIPSE_MAX_KM):
        centre, r, n = np.arange(lon.size), np.full(lon.size, radius), np.full(lon.size, 48)
        args = (x, y, jac, lon, lat)
        ell = np.concatenate(_disc_vertices(*args, np.zeros(lon.size, bool), centre, r, n))
        geo = np.concatenate(_disc_vertices(*args, np.ones(lon.size, bool), centre, r, n))
        err = np.hypot(*(ell - geo).T) / (radius * 1000.0)
        assert err.max() <= ELLIPSE_TOLERANCE, (radius, err.max())
    # The geodesic vertices are what they claim: on the circle, once projected back.
    back = transformer(EQUAL_AREA, WGS84).transform(*geo.T)
    _, _, d = GEOD.inv(np.repeat(lon, 48), np.repeat(lat, 48), *back)
    np.testing.assert_allclose(d, ELLIPSE_MAX_KM * 1000.0, rtol=1e-8)


def test_station_discs_keep_area_within_half_percent(net: RailNetwork) -> None:
    """Station discs get fewer vertices than the origin's, and the union stays within 0.5 % of the fine one."""
    assert station_azimuths(64) == 48 and station_azimuths(8) == 8 and station_azimuths(4096) % 8 == 0
    gdf = isochrones("鄂州", [40, 80, 200], year="planned", model=MODEL, network=net)
    full = isochrones("鄂州", [40, 80, 200], year="planned", model=MODEL, network=net, n_azimuths=4096)
    np.testing.assert_allclose(gdf["area_km2"], full["area_km2"], rtol=0.005)
    assert np.all(gdf["area_km2"] < full["area_km2"])  # inscribed polygons lie inside their curves


def _reference_isochrones(origin: str, minutes: list[float], net: RailNetwork, model: RoadModel) -> list:
    """The definition, written plainly: exact geodesic discs (1024 vertices) unioned by GEOS, in EPSG:4326.

    With the Yangtze as a barrier, every disc is cut to its centre's bank, and every open bridge gets a disc of
    each centre's remaining road km on the far bank.
    """
    tt = travel_times(origin, model=model, network=net)
    org = resolve_origin(origin, network=net)
    out = []
    for t in minutes:
        r = np.minimum(model.reach_km(t - tt.station_min - model.egress_min, ends=1), model.max_access_km)
        ok = (r > 0) & np.isfinite(net.lon)
        lon, lat, radius = np.r_[org.lon, net.lon[ok]], np.r_[org.lat, net.lat[ok]], np.r_[model.reach_km(t), r[ok]]
        discs = geodesic_discs(lon, lat, radius, n_azimuths=1024)
        barrier = net.barrier
        if barrier is not None:
            banks = barrier.banks
            bank = barrier.bank(lon, lat)
            parts = [shapely.intersection(d, banks[b]) for d, b in zip(discs, bank, strict=True)]
            bridges = barrier.bridges.iloc[barrier.open_bridges(CURRENT_YEAR)]
            for i in range(lon.size):
                for b in bridges.itertuples():
                    left = radius[i] - float(GEOD.inv(lon[i], lat[i], b.lon, b.lat)[2]) / 1000.0
                    if left > 0:
                        parts.append(shapely.intersection(geodesic_discs(b.lon, b.lat, left, n_azimuths=1024)[0],
                                                          banks[1 - bank[i]]))
            discs = parts
        out.append(shapely.union_all(discs))
    return out


@pytest.mark.parametrize(("origin", "synthetic"), [("武汉", True), ("鄂州", True), ("武汉", False), ("南昌", False)])
def test_isochrones_match_plain_geodesic_union(net: RailNetwork, origin: str, synthetic: bool) -> None:
    """Same areas (0.5 %) and shapes (symmetric difference < 1 %) as the definition computed the slow way."""
    network, model = (net, MODEL) if synthetic else (default_network(), RoadModel())
    minutes = [45, 90, 180]
    gdf = isochrones(origin, minutes, model=model, network=network)
    ref = gpd.GeoSeries(_reference_isochrones(origin, minutes, network, model), crs=WGS84)
    np.testing.assert_allclose(gdf["area_km2"], area_km2(ref), rtol=0.005)
    sym = area_km2(gpd.GeoSeries(shapely.symmetric_difference(gdf.geometry.values, ref.values), crs=WGS84))
    assert np.all(sym / area_km2(ref) < 0.01)


def test_real_network_circles_nest_and_are_valid() -> None:
    """The three cores on the real network, close and far thresholds, every scenario year."""
    minutes = [30, 60, 60.5, 61, 90, 120, 179, 180, 240]
    for year in (2015, CURRENT_YEAR, "planned"):
        gdf = isochrones_many(["武汉", "长沙", "南昌"], minutes, year=year)
        assert gdf.geometry.is_valid.all() and (gdf.geom_type == "MultiPolygon").all()
        for _, rows in gdf.groupby("origin", sort=False):
            geoms = list(rows.geometry)
            for inner, outer in pairwise(geoms):
                assert shapely.difference(inner, outer).area <= 1e-12 * inner.area
            # GeoJSON right-hand rule: shells counter-clockwise, holes clockwise.
            for part in shapely.get_parts(geoms[-1]):
                assert part.exterior.is_ccw and not any(ring.is_ccw for ring in part.interiors)


def test_threshold_polygon_does_not_depend_on_the_others() -> None:
    alone = isochrones("长沙", [120])
    among = isochrones("长沙", [60, 120, 180, 300])
    assert alone.geometry[0].equals_exact(among.geometry[1], tolerance=0)
    assert alone.loc[0, "area_km2"] == among.loc[1, "area_km2"]


def test_isochrones_many_equals_one_by_one(net: RailNetwork) -> None:
    origins = ["武汉", "鄂州", (115.8, 29.8)]
    many = isochrones_many(origins, [40, 80], year="planned", model=MODEL, network=net)
    single = pd.concat([isochrones(o, [40, 80], year="planned", model=MODEL, network=net) for o in origins],
                       ignore_index=True)
    assert list(many["origin"]) == list(single["origin"]) == ["武汉"] * 2 + ["鄂州"] * 2 + ["115.8000,29.8000"] * 2
    assert many.drop(columns="geometry").equals(single.drop(columns="geometry"))
    assert all(a.equals_exact(b, tolerance=0) for a, b in zip(many.geometry, single.geometry, strict=True))


@pytest.mark.parametrize(("origins", "error"),
                         [("武汉", TypeError), ([], TypeError), (["武汉", "Ezhuo"], UnknownCityError)])
def test_isochrones_many_bad_origins(net: RailNetwork, origins: object, error: type) -> None:
    with pytest.raises(error):
        isochrones_many(origins, network=net)


@pytest.mark.parametrize("n", [4, 8.5, True])
def test_bad_vertex_count(net: RailNetwork, n: object) -> None:
    with pytest.raises(BadThresholdError, match="n_azimuths"):
        isochrones("武汉", n_azimuths=n, network=net)


def test_chord_bow_bound() -> None:
    """Plane edges mapped to lon/lat bow from the straight lon/lat edge by at most CHORD_BOW x length²."""
    to_plane, to_lonlat = transformer(WGS84, EQUAL_AREA), transformer(EQUAL_AREA, WGS84)
    lon, lat = np.meshgrid(np.linspace(108, 119, 23), np.linspace(24, 33.5, 20))
    x, y = to_plane.transform(lon.ravel(), lat.ravel())
    for length_km in (5.0, 18.0, 50.0, 150.0):
        for angle in np.linspace(0, np.pi, 8, endpoint=False):
            dx, dy = 500.0 * length_km * np.cos(angle), 500.0 * length_km * np.sin(angle)
            a = np.array(to_lonlat.transform(x - dx, y - dy))
            b = np.array(to_lonlat.transform(x + dx, y + dy))
            mid = np.array(to_lonlat.transform(x, y))  # the plane edge's midpoint, where the bow is largest
            _, _, bow_m = GEOD.inv(*mid, *(a + b) / 2)
            assert bow_m.max() / 1000.0 <= CHORD_BOW * length_km**2, (length_km, bow_m.max())


def test_union_keeps_holes_and_islands() -> None:
    """Four strips round a hole with an island in it: one polygon with a hole, plus the island."""
    x0, y0, km = 0.0, 3_300_000.0, 1000.0  # in the Albers plane, near 113.5 E, 29.9 N
    boxes = [(0, 0, 10, 3), (0, 7, 10, 10), (0, 0, 3, 10), (7, 0, 10, 10), (4, 4, 6, 6)]
    paths = [np.array([[a, b], [c, b], [c, d], [a, d]], float) * km + (x0, y0) for a, b, c, d in boxes]
    rings, area = _union_rings(paths)
    assert area == pytest.approx((100 - 16 + 4) * km**2, rel=1e-9)
    assert sorted(len(polygon) for polygon in rings) == [1, 2]  # the island, and the frame with its hole
    plane = shapely.union_all([shapely.Polygon(p) for p in paths])
    ours = shapely.MultiPolygon([shapely.Polygon(polygon[0], polygon[1:]) for polygon in rings])
    assert shapely.symmetric_difference(ours, plane).area <= 1e-9 * plane.area
    got = _multipolygons_wgs84([rings])[0]
    assert got.is_valid and len(got.geoms) == 2
    assert area_km2(gpd.GeoSeries([got], crs=WGS84))[0] == pytest.approx(88.0, rel=1e-9)
    to_lonlat = transformer(EQUAL_AREA, WGS84)
    want = np.column_stack(to_lonlat.transform(*np.concatenate([r for polygon in rings for r in polygon]).T))
    have = shapely.get_coordinates(got)
    np.testing.assert_allclose(np.unique(have, axis=0), np.unique(want, axis=0), rtol=0, atol=1e-12)


def test_repeated_calls_are_cached_and_identical(net: RailNetwork) -> None:
    a = isochrones("武汉", [60, 120], model=MODEL, network=net)
    cached = [k for k in net._memo if k[0] == "travel_times"]
    assert cached, "the routing of the first call is not memoised"
    b = isochrones("武汉市", [60, 120], model=MODEL, network=net)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert all(x.equals_exact(y, 0) for x, y in zip(a.geometry, b.geometry, strict=True))
    tt = travel_times("武汉", model=MODEL, network=net)
    station_min, places = tt.station_min.copy(), tt.places.copy()
    tt.station_min[:] = 0.0  # callers get copies: the cache is unaffected
    tt.places["door_min"] = 0.0
    again = travel_times("武汉", model=MODEL, network=net)
    np.testing.assert_array_equal(again.station_min, station_min)
    assert again.places.equals(places)
    limited = travel_times("武汉", model=MODEL, network=net, limit_min=20)  # a limit is never cached
    assert np.all(limited.station_min[np.isfinite(limited.station_min)] <= 20 + MODEL.access_min + 100)
    c = isochrones("武汉", [60, 120], model=MODEL, network=net)
    assert c.drop(columns="geometry").equals(a.drop(columns="geometry"))
    assert [k for k in net._memo if k[0] == "travel_times"] == cached  # answered from the memo, no new entry




@pytest.mark.parametrize(("origin", "minutes"), [("咸宁", [712, 713]), ("天门", [730, 731])])
def test_long_thresholds_give_valid_nested_circles(origin: str, minutes: list[int]) -> None:
    """Parts a micrometre apart in the plane can cross once mapped back to lon/lat (issue #14, item 9)."""
    gdf = isochrones_many([origin], minutes)
    assert gdf.geometry.is_valid.all() and (gdf.geom_type == "MultiPolygon").all()
    inner, outer = gdf.geometry
    assert shapely.difference(inner, outer).area <= 1e-12 * inner.area
    for part in shapely.get_parts(outer):
        assert part.exterior.is_ccw and not any(ring.is_ccw for ring in part.interiors)


@pytest.mark.parametrize("bad", [[1e-300], [0.5], [float("inf")], [1e999]])
def test_thresholds_under_a_minute_or_infinite_are_refused(bad: list) -> None:
    with pytest.raises(BadThresholdError, match="thresholds"):
        check_minutes(bad)
