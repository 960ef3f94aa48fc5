"""Population reached: county figures apportioned by area share, on two synthetic squares and on the real counties."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.crs import EQUAL_AREA, WGS84, transformer
from geo.errors import BadOptionError
from geo.isochrones import isochrones, isochrones_many
from geo.population import Counties, load_counties, population_reached, surface_population
from geo.surface import Surface, region_grid

# Two 10 km squares side by side in the equal-area plane, west one 1000 people, east one 3000 (a third has none).
X0, Y0, SIDE = 50_000.0, 3_300_000.0, 10_000.0
TO_WGS = transformer(EQUAL_AREA, WGS84)


def _wgs(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(shapely.segmentize(geom, 100.0), TO_WGS.transform, interleaved=False)


@pytest.fixture(scope="module")
def squares() -> Counties:
    west = shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE)
    east = shapely.box(X0 + SIDE, Y0, X0 + 2 * SIDE, Y0 + SIDE)
    north = shapely.box(X0, Y0 + SIDE, X0 + SIDE, Y0 + 2 * SIDE)
    gdf = gpd.GeoDataFrame({"adcode": ["1", "2", "3"], "name_zh": ["西", "东", "北"], "city_zh": ["甲"] * 3,
                            "population_2020": pd.array([1000, 3000, None], dtype="Int64")},
                           geometry=[_wgs(g) for g in (west, east, north)], crs=WGS84)
    return Counties.from_frame(gdf)


@pytest.mark.parametrize("method", ["overlay", "grid"])
def test_two_squares_are_apportioned_by_area_share(squares: Counties, method: str) -> None:
    # Half of the west square and a fifth of the east one: 500 + 600 people (edges on whole km, as the grid's cells).
    probe = shapely.box(X0 + SIDE / 2, Y0, X0 + SIDE * 1.2, Y0 + SIDE)
    whole_west = shapely.box(X0 - 1000, Y0 - 1000, X0 + SIDE + 1, Y0 + SIDE + 1)
    outside = shapely.box(X0 - 50_000, Y0, X0 - 40_000, Y0 + SIDE)
    into_north = shapely.box(X0, Y0 + SIDE, X0 + SIDE, Y0 + 1.5 * SIDE)
    got = population_reached([_wgs(g) for g in (probe, whole_west, outside, into_north)], squares, method=method)
    tol = 0.002 if method == "overlay" else 0.02  # the grid counts 1 km cells by their centres
    np.testing.assert_allclose(got.population[:2], [500 + 600, 1000], rtol=tol)
    assert got.population[2] == 0 and got.counties_touched[2] == 0
    assert got.population[3] == 0 and got.counties_touched[3] == 1 and got.counties_unknown[3] == 1
    assert got.counties_touched[0] == 2 and got.counties_unknown[0] == 0


def test_surface_population_spreads_each_county_over_its_cells(squares: Counties) -> None:
    # A surface whose minutes are the cell's x in km from the squares' west edge: within 5 min = the west half of
    # the west square (500 people); within 15 = the west square, half the east one and nobody in the north square.
    grid = region_grid(1.0, extent=(112.0, 28.0, 116.0, 31.0), margin_km=0)
    x, _ = grid.centres()
    minutes = np.broadcast_to(((x - X0) / 1000.0).astype(np.float32), (grid.ny, grid.nx))
    minutes = np.where(minutes > 0, minutes, np.inf).astype(np.float32)
    surface = Surface(minutes=minutes, grid=grid, origins=("test",), year=2026, mode="road")
    np.testing.assert_allclose(surface_population(surface, [5, 15], squares), [500, 1000 + 1500], rtol=1e-9)


def test_bad_method(squares: Counties) -> None:
    with pytest.raises(BadOptionError, match="grid, overlay"):
        population_reached([shapely.box(0, 0, 1, 1)], squares, method="census")


def test_counties_cover_the_agglomeration_with_their_census_total() -> None:
    counties = load_counties()
    assert counties.adcode.size >= 200 and np.isfinite(counties.population).all()
    # The 229 county units hold 125.3 million residents (county tabulation); cities.csv's total is 126.7 million
    # with the zones the tabulation lists apart (not placed, see geo/population.py).
    assert 1.2e8 < counties.total < 1.27e8


def test_whole_city_counting_is_gone() -> None:
    """武汉's 3-hour circle used to "reach" 1.03 亿 people by counting every city whose seat it reaches whole."""
    gdf = isochrones("武汉", [180])
    assert gdf.loc[0, "population_reached"] < 0.9e8
    assert gdf.loc[0, "population_reached"] > 0.5e8


def test_grid_apportioning_agrees_with_the_exact_overlay() -> None:
    polys = isochrones_many(["武汉", "长沙", "南昌"]).geometry.to_numpy()
    grid, exact = (population_reached(polys, method=m) for m in ("grid", "overlay"))
    np.testing.assert_allclose(grid.population, exact.population, rtol=0.002)


def test_plan_reach_shares_by_network_year(capsys) -> None:
    from geo.__main__ import main
    from geo.population import HEADLINE_RESOLUTION_KM, plan_reach
    from geo.surface import travel_time_surface

    by_year = {y: plan_reach(year=y) for y in (2015, "now", "planned")}
    for r in by_year.values():
        assert 0.1 < r.core_hour_share < 0.6 and 0 <= r.all_members_2h_share <= r.core_hour_share
        assert 0 < r.members_2h_mean < 1 and r.resolution_km == HEADLINE_RESOLUTION_KM
    # Lines are only added from 2015 to today to the planned network: nobody gets further from a core.
    shares = [by_year[y].core_hour_share for y in (2015, "now", "planned")]
    assert shares == sorted(shares)
    means = [by_year[y].members_2h_mean for y in (2015, "now", "planned")]
    assert means == sorted(means)
    # The 1-hour figure is the core surface's people within 60 minutes.
    now = by_year["now"]
    cores = travel_time_surface(["武汉", "长沙", "南昌"], resolution_km=HEADLINE_RESOLUTION_KM)
    assert now.core_hour_people == pytest.approx(surface_population(cores, [60])[0], rel=1e-9)
    assert main(["targets", "--year", "now"]) == 0
    out = capsys.readouterr().out
    assert f"within 60 min of a core: {now.core_hour_share:.1%}" in out and "county" in out


def test_grid_counts_a_county_smaller_than_a_cell_and_a_holed_multipolygon() -> None:
    # A 300 m county inside the west square holds no cell centre and is given one cell. A ring (the square with
    # a hole) plus a detached part must count exactly the cells whose centre it holds, hole excluded.
    west = shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE)
    tiny = shapely.box(X0 + 4_100, Y0 + 4_100, X0 + 4_400, Y0 + 4_400)
    gdf = gpd.GeoDataFrame({"adcode": ["1", "9"], "name_zh": ["西", "小"], "city_zh": ["甲"] * 2,
                            "population_2020": pd.array([1000, 70], dtype="Int64")},
                           geometry=[_wgs(west.difference(tiny)), _wgs(tiny)], crs=WGS84)
    counties = Counties.from_frame(gdf)
    ring = shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE).difference(shapely.box(X0 + 2_000, Y0 + 2_000, X0 + 6_000,
                                                                            Y0 + 6_000))
    far = shapely.box(X0 + 20_000, Y0, X0 + 21_000, Y0 + 1_000)
    with_tiny = shapely.box(X0 + 3_000, Y0 + 3_000, X0 + 6_000, Y0 + 6_000)
    got = population_reached([_wgs(shapely.union(ring, far)), _wgs(with_tiny)], counties)
    # The west square's 100 cells hold 10 people each; the tiny county's 70 are added to the cell holding it
    # (centre 4.5 km, 4.5 km), which it then owns. The ring holds 100 - 16 cells, the 3 km box 9 with that one.
    np.testing.assert_allclose(got.population, [84 * 10, 8 * 10 + (10 + 70)], rtol=1e-9)
    assert got.counties_touched.tolist() == [1, 2]
