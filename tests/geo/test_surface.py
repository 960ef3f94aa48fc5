"""Travel-time surface: hand-computed reached areas, agreement with the isochrone discs, GeoTIFF round trip."""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from test_network import MODEL, write_sources

from geo.__main__ import main
from geo.crs import EQUAL_AREA, GEOD, WGS84, area_km2, transformer
from geo.errors import BadOptionError, BadThresholdError, UnknownCityError
from geo.isochrones import DEFAULT_MINUTES, isochrones, isochrones_many
from geo.network import RailNetwork, RoadModel, default_network
from geo.population import surface_population
from geo.road import RiverBarrier
from geo.surface import (
    AREA_TOLERANCE,
    Surface,
    _cell_lonlat,
    _origin_km,
    region_grid,
    travel_time_surface,
    write_geotiff,
)
from geo.traveltime import resolve_origin

MODEL_DEFAULT = RoadModel()

CORES = ["武汉", "长沙", "南昌"]
# The synthetic network lies around 113-117 E, 29-30 N (tests/geo/test_network.py).
SYNTH_EXTENT = (112.5, 28.5, 117.5, 31.0)


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    return RailNetwork.from_sources(sources_dir=write_sources(tmp_path_factory.mktemp("src")))


@pytest.fixture(scope="module")
def grid():
    return region_grid(0.5, extent=SYNTH_EXTENT, margin_km=0)


def test_road_only_reach_is_a_disc_of_hand_computed_area(net: RailNetwork, grid) -> None:
    # 1 km of geodesic distance per minute and no urban ends: t minutes reach a geodesic disc of t km.
    surface = travel_time_surface(["武汉"], mode="road", model=MODEL, network=net, grid=grid)
    for t, km2 in zip((30.0, 60.0), surface.reached_km2([30, 60]), strict=True):
        assert km2 == pytest.approx(math.pi * t**2, rel=0.01)
    # A cell's minutes are its centre's geodesic km from the seat (114.0, 30.0).
    x, y = grid.centres()
    row, col = 100, 300
    lon, lat = transformer(EQUAL_AREA, WGS84).transform(x[col], y[row])
    _, _, m = GEOD.inv(114.0, 30.0, lon, lat)
    assert surface.minutes[row, col] == pytest.approx(m / 1000.0, rel=1e-5)


def test_rail_reach_adds_the_hand_computed_station_discs(net: RailNetwork, grid) -> None:
    # As in test_isochrones: 60 min from 武汉 reach the origin disc (60 km) and disjoint discs of 30, 10 and 5 km
    # around S2, S3 and S4 (arrivals 25, 45 and 50 min, egress 5 min).
    surface = travel_time_surface(["武汉"], year=2026, model=MODEL, transfer_min=10, network=net, grid=grid)
    assert surface.reached_km2(60)[0] == pytest.approx(math.pi * (60**2 + 30**2 + 10**2 + 5**2), rel=0.01)
    # 9.5 km east of S3 (116.4, 30.0) is reached in 45 + 5 + 9.5 min; 10.5 km east is not within 60.
    to_plane = transformer(WGS84, EQUAL_AREA)
    for km, expected in ((9.5, 59.5), (10.5, 60.5)):
        lon, lat, _ = GEOD.fwd(116.4, 30.0, 90, km * 1000)
        px, py = to_plane.transform(lon, lat)
        col, row = int((px - grid.x0) // grid.cell_m), int((grid.y0 - py) // grid.cell_m)
        assert surface.minutes[row, col] == pytest.approx(expected, abs=0.5 * grid.cell_m / 1000 * 1.5)


def test_several_origins_take_the_nearest(net: RailNetwork, grid) -> None:
    both = travel_time_surface(["武汉", "长沙"], model=MODEL, network=net, grid=grid)
    each = [travel_time_surface([o], model=MODEL, network=net, grid=grid).minutes for o in ("武汉", "长沙")]
    np.testing.assert_array_equal(both.minutes, np.minimum(*each))
    assert both.origins == ("武汉", "长沙") and both.minutes.dtype == np.float32


@pytest.fixture(scope="module")
def real_surfaces() -> dict[str, Surface]:
    return {o: travel_time_surface([o]) for o in CORES}


def test_surface_and_disc_union_agree_on_the_default_circles(real_surfaces: dict[str, Surface]) -> None:
    """The nine default circles: area of {minutes <= t} vs the isochrone polygon (clipped to the grid)."""
    grid = region_grid()
    box = shapely.box(*grid.bounds)
    x, y = grid.centres()
    xx, yy = np.meshgrid(x, y)
    for origin, surface in real_surfaces.items():
        iso = isochrones(origin).to_crs(EQUAL_AREA)
        polys = shapely.intersection(iso.geometry.to_numpy(), box)
        area = shapely.area(polys) / 1e6
        np.testing.assert_allclose(surface.reached_km2(DEFAULT_MINUTES), area, rtol=AREA_TOLERANCE)
        # Not only the areas: the cells inside the polygon are the cells within the threshold, but for a fringe.
        for t, poly in zip(DEFAULT_MINUTES, polys, strict=True):
            inside = shapely.contains_xy(poly, xx, yy)
            within = surface.minutes <= t
            assert (inside != within).sum() <= AREA_TOLERANCE * within.sum(), (origin, t)


def test_three_origin_surface_agrees_with_the_union_of_their_circles() -> None:
    surface = travel_time_surface(CORES)
    iso = isochrones_many(CORES).to_crs(EQUAL_AREA)
    box = shapely.box(*surface.grid.bounds)
    union = [shapely.intersection(shapely.union_all(iso[iso["minutes"] == t].geometry.to_numpy()), box).area / 1e6
             for t in DEFAULT_MINUTES]
    np.testing.assert_allclose(surface.reached_km2(DEFAULT_MINUTES), union, rtol=AREA_TOLERANCE)


def test_bands_tile_the_reached_area(real_surfaces: dict[str, Surface]) -> None:
    surface = real_surfaces["武汉"]
    bands = surface.bands([60, 120, 180])
    assert bands.crs == WGS84 and list(bands["label"]) == ["0–60 min", "60–120 min", "120–180 min"]
    assert shapely.is_valid(bands.geometry.to_numpy()).all()
    cumulative = np.cumsum(area_km2(bands.geometry))
    np.testing.assert_allclose(cumulative, surface.reached_km2([60, 120, 180]), rtol=0.01)
    # People per band add up to the people within each threshold, and fewer than the 1.03 亿 of whole-city counting.
    people = np.cumsum(bands["population"])
    np.testing.assert_allclose(people, surface_population(surface, [60, 120, 180]), atol=2)
    assert 0 < people.iloc[0] < people.iloc[-1] < 0.9e8 and "county" in bands["population_basis"][0]
    lines = surface.isolines([60])
    assert lines.crs == WGS84 and lines.geometry[0].length > 0


def test_geotiff_round_trip(tmp_path, net: RailNetwork, grid) -> None:
    surface = travel_time_surface(["武汉"], model=MODEL, network=net, grid=grid)
    path = write_geotiff(surface, tmp_path / "minutes.tif")
    with rasterio.open(path) as ds:
        assert pyproj.CRS.from_wkt(ds.crs.to_wkt()).equals(EQUAL_AREA)
        assert (ds.width, ds.height) == (grid.nx, grid.ny)
        assert ds.transform.c == grid.x0 and ds.transform.f == grid.y0 and ds.transform.a == grid.cell_m
        np.testing.assert_array_equal(ds.read(1), surface.minutes)
        assert ds.tags()["units"] == "minutes" and ds.tags()["origins"] == "武汉"


def test_grids_share_cell_edges_and_refuse_bad_sizes() -> None:
    a, b = region_grid(1.0), region_grid(1.0, extent=(113.0, 29.0, 115.0, 31.0))
    assert (a.x0 - b.x0) % 1000 == 0 and (a.y0 - b.y0) % 1000 == 0
    for bad in (0.1, 0, -1, float("inf"), float("nan"), True, "1"):
        with pytest.raises(BadThresholdError, match="resolution_km"):
            region_grid(bad)
    with pytest.raises(BadOptionError, match="extent"):
        region_grid(1.0, extent=(115.0, 29.0, 113.0, 31.0))


def test_bad_origins_and_options(net: RailNetwork, grid) -> None:
    with pytest.raises(BadOptionError, match="empty"):
        travel_time_surface([], network=net, grid=grid)
    with pytest.raises(TypeError, match="list of origins"):
        travel_time_surface("武汉", network=net, grid=grid)
    with pytest.raises(UnknownCityError):
        travel_time_surface(["nowhere"], network=net, grid=grid)
    with pytest.raises(BadOptionError, match="mode"):
        travel_time_surface(["武汉"], mode="walk", network=net, grid=grid)
    with pytest.raises(BadOptionError, match="network year"):
        travel_time_surface(["武汉"], year="soon", network=net, grid=grid)
    with pytest.raises(BadOptionError, match="at most 8"):
        travel_time_surface([(114.0 + i / 10, 30.0) for i in range(9)], network=net, grid=grid)


def test_surface_cli_writes_tiff_and_contours(tmp_path, capsys) -> None:
    tif, gpkg = tmp_path / "s.tif", tmp_path / "s.geojson"
    assert main(["surface", "--origin", "武汉", "--origin", "长沙", "--year", "now", "--resolution-km", "5",
                 "--out", str(tif), "--contours", str(gpkg)]) == 0
    out = capsys.readouterr().out
    assert "cells of 5 km" in out and "within 60 min" in out
    with rasterio.open(tif) as ds:
        assert ds.res == (5000.0, 5000.0) and ds.tags()["origins"] == "武汉、长沙"
    import geopandas as gpd

    assert list(gpd.read_file(gpkg)["min_to"]) == [60.0, 120.0, 180.0]


@pytest.mark.parametrize("args, message", [
    (["--resolution-km", "inf"], "--resolution-km"),
    (["--resolution-km", "0.01"], "resolution_km"),
    (["--out", "x.png"], "--out must end in .tif"),
    (["--contours", "x.shp"], "--contours must end in"),
])
def test_surface_cli_bad_input(tmp_path, capsys, args: list[str], message: str) -> None:
    base = {"--out": str(tmp_path / "s.tif")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = str(tmp_path / value) if flag in ("--out", "--contours") else value
    argv = ["surface", "--origin", "武汉", *(v for kv in base.items() for v in kv)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and len(err.strip().splitlines()) == 1


def test_road_model_changes_the_surface(net: RailNetwork, grid) -> None:
    slow = RoadModel(speed_kmh=30.0, detour_factor=1.0, ends_min=0.0, access_min=5.0, egress_min=5.0)
    fast = travel_time_surface(["武汉"], mode="road", model=MODEL, network=net, grid=grid)
    half = travel_time_surface(["武汉"], mode="road", model=slow, network=net, grid=grid)
    np.testing.assert_allclose(half.minutes, 2 * fast.minutes, rtol=1e-5)


def test_road_crosses_the_yangtze_only_on_open_bridges() -> None:
    """Before 武汉长江大桥 (1957) no located bridge (nor expressway section) is open: the south bank is out of road
    reach from 武汉's seat (north bank, 江岸); today a cell just across the river is reached over a bridge, later than
    the crow flies. The expressway skeleton (geo.road) is left out here: its sections that cross the river in 武汉
    (to 咸宁, to 黄石) beat the crow's road model on the south bank; with it no cell is ever later."""
    full = default_network()
    plain = RiverBarrier(river=full.barrier.river, bridges=full.barrier.bridges)
    net = RailNetwork(**(full.tables | {"barrier": plain}))
    grid = region_grid(5.0)
    wuhan = travel_time_surface(["武汉"], year=1950, mode="road", network=net, grid=grid)
    today = travel_time_surface(["武汉"], year="now", mode="road", network=net, grid=grid)
    clon, clat = _cell_lonlat(grid)
    south = net.barrier.bank(clon, clat) == 1
    assert south.any() and (~south).any()
    assert np.isinf(wuhan.minutes[south]).all()
    assert np.isfinite(wuhan.minutes[~south]).all()
    assert np.isfinite(today.minutes[south]).any()
    origin = resolve_origin("武汉", network=net)
    direct = MODEL_DEFAULT.road_min(_origin_km(grid, origin.lon, origin.lat), ends=2)
    assert (today.minutes[south] >= direct[south] - 1e-3).all()
    assert (today.minutes[south] > direct[south] + 1).any()
    skeleton = travel_time_surface(["武汉"], year="now", mode="road", network=full, grid=grid)
    assert (skeleton.minutes <= today.minutes + 1e-3).all() and (skeleton.minutes < today.minutes - 1).any()
