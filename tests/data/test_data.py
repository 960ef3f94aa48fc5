"""The dataset stays honest: sourced records, valid geometry, membership rules, reproducible builds."""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from data import DERIVED_DIR, SOURCES_DIR, load_cities, read_derived, read_source
from data.build import build_all
from geo.crs import area_km2

WUHAN_1_PLUS_8 = {"武汉", "黄石", "鄂州", "孝感", "黄冈", "咸宁", "仙桃", "潜江", "天门"}
CHANGZHUTAN_3_PLUS_5 = {"长沙", "株洲", "湘潭", "岳阳", "衡阳", "益阳", "常德", "娄底"}
PLAN_MEMBERS = {
    "湖北": {"武汉", "黄石", "鄂州", "黄冈", "孝感", "咸宁", "仙桃", "潜江", "天门", "襄阳", "宜昌", "荆州", "荆门"},
    "湖南": {"长沙", "株洲", "湘潭", "岳阳", "益阳", "常德", "衡阳", "娄底"},
    "江西": {"南昌", "九江", "景德镇", "鹰潭", "新余", "宜春", "萍乡", "上饶", "抚州", "吉安"},
}


def _source_tables() -> list[Path]:
    return sorted(p for p in SOURCES_DIR.rglob("*.csv"))


# Columns that carry a figure someone could have invented: a row that fills one must name a source.
_FIGURES = ("lon", "lat", "seat_lon", "seat_lat", "south_lon", "north_lon", "minutes", "distance_km",
            "population_2020", "value", "opened", "opened_year", "member_adcodes", "cities_in_order")


@pytest.mark.parametrize("path", _source_tables(), ids=lambda p: str(p.relative_to(SOURCES_DIR)))
def test_every_source_record_names_its_source(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    source_cols = [c for c in df.columns if c == "source" or c.endswith("_source")]
    assert source_cols, f"{path.name} has no source column"
    unsourced = (df[source_cols].apply(lambda col: col.str.strip() == "")).all(axis=1)
    figures = [c for c in _FIGURES if c in df.columns]
    claims = (df[figures].apply(lambda col: col.str.strip() != "")).any(axis=1) if figures else unsourced
    bad = df[unsourced & claims]
    assert bad.empty, f"{path.name}: rows with figures but no source: {bad.index.tolist()}"


def test_member_cities_follow_the_plan():
    cities = load_cities()
    assert len(cities) == 31
    assert cities["adcode"].is_unique
    assert cities["adcode"].str.fullmatch(r"\d{6}").all()
    by_province = cities.groupby("province_zh")["name_zh"].apply(set).to_dict()
    assert by_province == PLAN_MEMBERS
    assert set(cities.loc[cities["role"] == "core", "name_zh"]) == {"武汉", "长沙", "南昌"}
    assert set(cities.loc[cities["subcluster_zh"] == "武汉城市圈", "name_zh"]) == WUHAN_1_PLUS_8
    assert set(cities.loc[cities["subcluster_zh"] == "环长株潭城市群", "name_zh"]) == CHANGZHUTAN_3_PLUS_5
    assert cities["name_en"].notna().all()


def test_population_is_a_census_integer_or_explained():
    raw = read_source("cities")
    missing = raw[raw["population_2020"].isna()]
    assert missing["population_note"].notna().all(), "a missing population must say why"
    present = pd.to_numeric(raw["population_2020"].dropna())
    assert (present == present.round()).all() and present.between(5e5, 2e7).all()


# lon/lat bounds (west, south, east, north) a derived file must lie in: China's, except the shores drawn
# around the 南海诸岛 box, which reach Borneo.
CHINA_BOUNDS = (73, 3, 136, 54)
BOUNDS = {"scs_shores": (100, 0, 126, 27)}


def _derived_files() -> list[str]:
    return sorted(p.stem for p in DERIVED_DIR.glob("*.geojson"))


@pytest.mark.parametrize("name", _derived_files())
def test_derived_geometry_is_valid_wgs84_and_sourced(name):
    gdf = read_derived(name)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) > 0
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()
    minx, miny, maxx, maxy = gdf.total_bounds
    west, south, east, north = BOUNDS.get(name, CHINA_BOUNDS)
    assert minx >= west and maxx <= east and miny >= south and maxy <= north, "coordinates must be lon/lat"
    assert gdf["source"].str.strip().astype(bool).all()


def test_every_seat_lies_inside_its_own_city_polygon():
    seats = load_cities().set_index("adcode").geometry
    polygons = read_derived("city_boundaries_full").set_index("adcode").geometry
    outside = [code for code in seats.index if not polygons[code].contains(seats[code])]
    assert not outside


def test_simplified_cities_remain_a_valid_coverage_close_to_full_detail():
    display = read_derived("city_boundaries")
    full = read_derived("city_boundaries_full")
    assert shapely.coverage_is_valid(display.geometry.values)
    ratio = area_km2(display) / area_km2(full)
    assert ((ratio > 0.99) & (ratio < 1.01)).all()


def test_subclusters_cover_exactly_their_member_cities():
    cities = read_derived("city_boundaries")
    for row in read_derived("subclusters").itertuples():
        members = cities[cities["subcluster_zh"] == row.name_zh]
        others = cities[cities["subcluster_zh"] != row.name_zh]
        assert set(members["name_zh"]) == set(row.members_zh.split("、"))
        union = members.union_all()
        sym_diff = gpd.GeoSeries([row.geometry.symmetric_difference(union)], crs=4326)
        assert area_km2(sym_diff)[0] < 1.0
        overlap = gpd.GeoSeries([row.geometry.intersection(others.union_all())], crs=4326)
        assert area_km2(overlap)[0] < 1.0


def test_agglomeration_area_is_reported_against_the_plan():
    agg = read_derived("agglomeration").iloc[0]
    # Whole-prefecture 抚州 and 吉安 make this an upper bound of the plan's ~317,000 km².
    assert agg["plan_area_km2"] == 317000
    assert 1.0 <= agg["area_ratio"] <= 1.2
    assert agg["n_members"] == 31


@pytest.mark.slow
def test_rebuilding_reproduces_the_committed_derived_files(tmp_path):
    written = build_all(tmp_path)
    committed = sorted(p.name for pattern in ("*.geojson", "gtfs_*.zip") for p in DERIVED_DIR.glob(pattern))
    assert written == committed and "gtfs_now.zip" in written
    for name in written:
        assert (tmp_path / name).read_bytes() == (DERIVED_DIR / name).read_bytes(), f"{name} differs from a rebuild"


def test_each_cross_river_pair_crosses_the_yangtze():
    yangtze = read_derived("rivers").set_index("river_id").geometry["yangtze"]
    pairs = read_derived("cross_river_pairs")
    assert len(pairs) == 4
    for row in pairs.itertuples():
        assert row.geometry.crosses(yangtze), f"{row.name_zh} does not cross the Yangtze"
        assert row.bridges_zh, f"{row.name_zh} names no bridge"


def test_channels_are_sections_of_the_yangtze_line():
    yangtze = read_derived("rivers").set_index("river_id").geometry["yangtze"]
    for row in read_derived("channels").itertuples():
        assert yangtze.buffer(1e-5).contains(row.geometry), row.channel_id
        # WDB II at this resolution, and river-km conventions, keep measured lengths within 10 % of the stated ones.
        assert 0.9 < row.measured_length_km / row.stated_length_km < 1.1


def test_neighbouring_cores_are_named_and_coded_consistently():
    """Every neighbouring core has an English name unique in the project and an adcode whose Amap
    boundary holds the core's main station (so the code is the right city, not just a 6-digit string)."""
    from data.build.cnmaps import boundary
    from geo.network import NEIGHBOUR_CORES

    cores = read_source("neighbour_cores")
    assert list(cores["name_zh"]) == list(NEIGHBOUR_CORES)
    assert cores[["adcode_source", "name_en_source"]].ne("").all().all()
    names_en = list(load_cities()["name_en"]) + list(cores["name_en"])
    assert len(set(names_en)) == len(names_en), "English names must tell places apart"
    stations = read_source("rail/stations")
    mains = stations[stations["main"].eq("1") & stations["lon"].notna()]
    for core in cores.itertuples():
        own = mains[mains["city_zh"] == core.name_zh]
        assert len(own), core.name_zh
        assert any(en.startswith(core.name_en.split(" (")[0]) for en in own["name_en"]), core.name_en
        area = boundary(core.adcode)
        assert all(area.contains(shapely.Point(float(x), float(y))) for x, y in zip(own["lon"], own["lat"],
                                                                                      strict=True)), core.name_zh


def test_the_build_runs_as_a_module():
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "data.build", "--help"], cwd=DERIVED_DIR.parents[1],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "--check" in res.stdout, res.stderr
