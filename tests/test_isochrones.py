"""Isochrones and nominal rings on the synthetic network of ``test_network`` (hand-computed radii)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import CRS
from test_network import MODEL, km, write_sources

from geo.crs import GEOD, WGS84, transformer
from geo.errors import BadThresholdError, OutsideRegionError, UnknownCityError, UnreachableError
from geo.isochrones import check_minutes, geodesic_discs, isochrones, nominal_rings
from geo.network import RailNetwork

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
    assert gdf.loc[0, "population_reached"] == 12326518 + 4600276
    assert gdf.loc[0, "population_unknown"] == 2  # 鄂州 and 黄石 have no figure
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
    assert 60 < km((114, 30), (115.2, 30)) < 120
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


def test_baseline_projection_error_below_one_percent() -> None:
    """The benchmark's planar baseline (azimuthal equidistant per origin) keeps distances within 1 %."""
    lon0, lat0 = 114.3, 30.6  # 武汉
    aeqd = CRS.from_dict({"proj": "aeqd", "lon_0": lon0, "lat_0": lat0, "ellps": "WGS84", "units": "m"})
    fwd = transformer(WGS84, aeqd)
    lon, lat = np.meshgrid(np.linspace(108, 119, 12), np.linspace(24, 33, 10))
    lon, lat = lon.ravel(), lat.ravel()
    az = np.linspace(0, 360, lon.size, endpoint=False)
    lon2, lat2, _ = GEOD.fwd(lon, lat, az, np.full(lon.size, 150_000.0))  # 150 km disc radius
    x1, y1 = fwd.transform(lon, lat)
    x2, y2 = fwd.transform(lon2, lat2)
    planar = np.hypot(x2 - x1, y2 - y1)
    assert np.max(np.abs(planar / 150_000.0 - 1)) < 0.01


def test_adaptive_vertices_keep_area_within_half_percent(net: RailNetwork) -> None:
    """Smaller discs get fewer vertices (>= 40); every disc stays within 0.5 % of its geodesic circle's area."""
    from geo.isochrones import MIN_AZIMUTHS, _adaptive_azimuths, _discs

    radius = np.array([184.0, 100.0, 30.0, 2.0])
    n = _adaptive_azimuths(radius, radius.max(), 64)
    assert n[0] == 64 and np.all(n >= MIN_AZIMUTHS) and np.all(np.diff(n) <= 0) and np.all(n % 8 == 0)
    gap = radius * (1 - np.cos(np.pi / n))  # how far an inscribed n-gon lies inside its circle
    assert np.all(gap <= gap[0] * (1 + 1e-12))
    polys = _discs(np.full(4, 114.3), np.full(4, 30.6), radius, n)
    fine = _discs(np.full(4, 114.3), np.full(4, 30.6), radius, np.full(4, 4096))  # ~ the true circle
    area = np.array([abs(GEOD.geometry_area_perimeter(p)[0]) for p in polys])
    true = np.array([abs(GEOD.geometry_area_perimeter(p)[0]) for p in fine])
    assert np.all((true - area) / true < 0.005)
    # The default isochrones stay within 0.5 % of the all-64-vertex construction.
    gdf = isochrones("鄂州", [40, 80, 200], year="planned", model=MODEL, network=net)
    full = isochrones("鄂州", [40, 80, 200], year="planned", model=MODEL, network=net, n_azimuths=4096)
    np.testing.assert_allclose(gdf["area_km2"], full["area_km2"], rtol=0.005)


def test_repeated_calls_are_cached_and_identical(net: RailNetwork) -> None:
    from geo.traveltime import travel_times

    a = isochrones("武汉", [60, 120], model=MODEL, network=net)
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
