"""Comparing two networks: a hand-computed gain on the synthetic network, the target changes and the files."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from test_network import MODEL, km, write_sources
from test_scenario import XIANNING, _to_xianning

from geo.compare import band_of, compare, side, write_comparison, write_tables
from geo.errors import BadOptionError
from geo.isochrones import isochrones
from geo.network import RailNetwork
from geo.scenario import apply

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    return RailNetwork.from_sources(sources_dir=write_sources(tmp_path_factory.mktemp("src")))


@pytest.fixture(scope="module")
def result(net: RailNetwork):
    return compare("2026", _to_xianning(), ["武汉"], [60, 120], model=MODEL, network=net, bands=False)


def test_the_new_city_and_its_people_are_counted_once(result, net: RailNetwork) -> None:
    reach = result.reach.set_index("minutes")
    assert reach.loc[120, "new_cities"] == "咸宁" and reach.loc[60, "new_cities"] == ""
    # People are the circles' own figures (county census apportioned by area), so the gain is what the two circle
    # tables show between them, and the new disc around 咸宁's station adds people.
    circles = {s: isochrones("武汉", [120], year=2026, model=MODEL, network=n).iloc[0]["population_reached"]
               for s, n in (("before", net), ("after", apply(_to_xianning(), net)))}
    assert reach.loc[120, "population_before"] == circles["before"]
    assert reach.loc[120, "population_after"] == circles["after"]
    assert reach.loc[120, "population_gain"] == circles["after"] - circles["before"] > 0
    assert reach.loc[120, "cities_after"] == reach.loc[120, "cities_before"] + 1
    assert (reach["lost_cities"] == "").all()


def test_minutes_saved_per_pair(result) -> None:
    pairs = result.pairs.set_index("city")
    assert pairs.loc["咸宁", "before_min"] == pytest.approx(km((114.0, 30.0), XIANNING))
    assert pairs.loc["咸宁", "after_min"] == pytest.approx(100.0)
    assert pairs.loc["咸宁", "saved_min"] == pytest.approx(km((114.0, 30.0), XIANNING) - 100.0)
    assert pairs.drop("咸宁")["saved_min"].abs().max() == pytest.approx(0.0)
    assert result.pairs["city"].iloc[0] == "咸宁"  # the biggest saving first
    points = result.points.set_index("city")
    assert points.loc["咸宁", "band"] == "30+" and points.loc["鄂州", "band"] == ""
    assert points.crs.to_epsg() == 4326 and points.loc["咸宁"].geometry.x == pytest.approx(117.6)


def test_targets_newly_met(result) -> None:
    t = result.targets
    met = t[(t["target"] == "member_pairs") & (t["basis"] == "door") & (t["change"] == "newly met")]
    assert {"咸宁"} <= set(met["place_a"]) | set(met["place_b"])
    assert (t["change"] == "no longer met").sum() == 0


def test_comparing_the_other_way_reports_losses(net: RailNetwork, result) -> None:
    back = compare(_to_xianning(), "2026", ["武汉"], [120], model=MODEL, network=net, bands=False)
    row = back.reach.iloc[0]
    gain = result.reach.set_index("minutes").loc[120, "population_gain"]
    assert row["lost_cities"] == "咸宁" and row["population_gain"] == -gain < 0
    assert set(back.targets["change"]) == {"no longer met"}


def test_sides_and_bad_input(net: RailNetwork) -> None:
    assert side("planned", net).year == "planned" and side("2015", net).network is net
    with pytest.raises(BadOptionError, match="1 to 8 origins"):
        compare("2015", "2026", [], network=net)
    with pytest.raises(ValueError, match="threshold"):
        compare("2015", "2026", ["武汉"], [0], network=net)


@pytest.mark.parametrize(("saved", "band"), [(-3, "lost"), (0.2, ""), (3, "0–5"), (5, "5–15"), (29.9, "15–30"),
                                             (30, "30+"), (math.inf, "30+"), (math.nan, "")])
def test_bands(saved: float, band: str) -> None:
    assert band_of(saved) == band


def test_files(result, tmp_path: Path) -> None:
    gpkg = write_comparison(result, tmp_path / "c.gpkg")
    names = {row[0] for row in pyogrio.list_layers(gpkg)}
    assert {"minutes_saved", "gains_reach", "gains_targets", "gains_pairs"} <= names
    reach = pyogrio.read_dataframe(gpkg, layer="gains_reach")
    assert reach.loc[reach["minutes"] == 120, "new_cities"].iloc[0] == "咸宁"
    gj = gpd.read_file(write_comparison(result, tmp_path / "c.geojson"))
    assert set(gj["layer"]) >= {"minutes_saved", "gains_reach"} and gj.crs.to_epsg() == 4326
    xlsx = write_tables(result, tmp_path / "c.xlsx")[0]
    assert set(pd.read_excel(xlsx, sheet_name=None)) == {"reach", "targets", "pairs"}
    csvs = write_tables(result, tmp_path / "c.csv")
    assert [p.name for p in csvs] == ["c.csv", "c-targets.csv", "c-pairs.csv"]
    gain = result.reach.set_index("minutes").loc[120, "population_gain"]
    assert pd.read_csv(csvs[0], encoding="utf-8-sig")["population_gain"].max() == gain > 0


def test_difference_bands_of_the_two_surfaces(net: RailNetwork, tmp_path: Path) -> None:
    result = compare("2026", _to_xianning(), ["武汉"], [120], model=MODEL, network=net, resolution_km=5)
    bands = result.bands.set_index("band")
    assert list(bands.index) == ["lost", "0–5", "5–15", "15–30", "30+"] and bands.crs.to_epsg() == 4326
    assert bands.loc["lost", "area_km2"] == 0 and bands.loc["lost"].geometry.is_empty  # a new train loses nothing
    assert bands.loc["30+", "area_km2"] > 1000
    assert bands.loc["30+"].geometry.contains(shapely.Point(XIANNING))  # its seat is 280 min nearer
    assert not bands.loc["30+"].geometry.contains(shapely.Point(114.0, 30.0))  # 武汉 itself gains nothing
    gpkg = write_comparison(result, tmp_path / "bands.gpkg")
    assert "difference_bands" in {row[0] for row in pyogrio.list_layers(gpkg)}


def test_difference_bands_end_along_the_region() -> None:
    """The grid is the region's bounding box; the saved minutes are drawn only within the agglomeration's outline
    and the grid's margin (no band over 福建 or 浙江)."""
    from data import read_derived
    from geo.crs import EQUAL_AREA
    from geo.scenario import load_scenario
    from geo.surface import MARGIN_KM

    result = compare("now", load_scenario(ROOT / "examples/scenarios/changjiu_hsr_early.yaml"), ["景德镇"], [120],
                     resolution_km=5)
    drawn = shapely.union_all(result.bands.to_crs(EQUAL_AREA).geometry.to_numpy())
    assert not drawn.is_empty
    outline = shapely.union_all(read_derived("agglomeration").to_crs(EQUAL_AREA).geometry.to_numpy())
    region = outline.buffer((MARGIN_KM + 10) * 1000.0)  # cells are traced through centres 5 km apart
    assert drawn.difference(region).area < 1e6, drawn.difference(region).area / 1e6
