"""Rebuild every file in ``data/derived/`` from ``data/sources/`` and pinned registry packages.

Usage::

    python -m data.build            # rewrite data/derived/
    python -m data.build --check    # rebuild into a temporary folder and compare

All outputs are RFC 7946 GeoJSON in WGS-84 (EPSG:4326), coordinates rounded
to 1e-6 degrees (about 0.1 m), written in a fixed order so that a rebuild with
the pinned packages reproduces them byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data import DERIVED_DIR, read_source
from data.build import features as _features
from data.build.cnmaps import CNMAPS_SOURCE, boundary
from data.build.counties import counties
from data.build.io import coverage_simplify, points, source_join, write
from data.build.south_china_sea import south_china_sea
from geo.crs import EQUAL_AREA, WGS84, area_km2

__all__ = ["build_all", "main"]

# Display simplification tolerances, metres in the equal-area CRS. City edges
# stay readable at zoom 10; provinces and the national outline are context.
CITY_TOLERANCE_M = 150.0
PROVINCE_TOLERANCE_M = 500.0
CHINA_TOLERANCE_M = 5000.0

PROVINCES = {"420000": ("湖北", "Hubei"), "430000": ("湖南", "Hunan"), "360000": ("江西", "Jiangxi")}
NEIGHBOUR_PROVINCES = {
    "340000": ("安徽", "Anhui"), "410000": ("河南", "Henan"), "500000": ("重庆", "Chongqing"),
    "440000": ("广东", "Guangdong"), "350000": ("福建", "Fujian"), "330000": ("浙江", "Zhejiang"),
    "520000": ("贵州", "Guizhou"), "450000": ("广西", "Guangxi"), "610000": ("陕西", "Shaanxi"),
    "320000": ("江苏", "Jiangsu"), "510000": ("四川", "Sichuan"),
}
SUBCLUSTERS = {
    "武汉城市圈": "Wuhan Metropolitan Circle",
    "环长株潭城市群": "Greater Changsha-Zhuzhou-Xiangtan City Cluster",
    "环鄱阳湖城市群": "Poyang Lake City Cluster",
}


# --- cities and boundaries -------------------------------------------------------------------------


def _cities_table() -> pd.DataFrame:
    cities = read_source("cities")
    cities["population_2020"] = pd.to_numeric(cities["population_2020"], errors="raise").astype("Int64")
    return cities


def cities(out: Path) -> None:
    """Member-city government seats as points."""
    df = _cities_table()
    gdf = gpd.GeoDataFrame(df.drop(columns=["seat_lon", "seat_lat", "seat_datum"]),
                           geometry=points(df, "seat_lon", "seat_lat", "seat_datum"))
    gdf["source"] = [source_join(r.seat_source, r.membership_source, r.population_source)
                     for r in df.itertuples()]
    write(gdf, out, "cities")


def _extent(city_adcode: str, scope: str) -> tuple[shapely.Geometry, str]:
    """A member city's in-plan polygon (WGS-84) and how it was determined.

    A partial city is the union of its counties listed in plan_counties.csv;
    where no source names them, the whole prefecture is drawn and the basis
    says so, so that areas and populations are read as upper bounds.
    """
    whole = boundary(city_adcode)
    if scope != "partial":
        return whole, "whole prefecture"
    counties = read_source("plan_counties")
    codes = counties.loc[(counties["parent_adcode"] == city_adcode) & counties["adcode"].notna(), "adcode"]
    if codes.empty:
        return whole, "partial in the plan, but its counties are not sourced: whole prefecture drawn (upper bound)"
    # Clip to the city's own outline so the coverage with its neighbours stays exact.
    part = shapely.intersection(shapely.union_all([boundary(c) for c in codes]), whole)
    return part, f"counties {' '.join(codes)} per plan_counties.csv"


def _city_polygons() -> gpd.GeoDataFrame:
    df = _cities_table()
    extents = [_extent(r.adcode, r.scope) for r in df.itertuples()]
    keep = ["name_zh", "name_en", "adcode", "province_zh", "province_en", "subcluster_zh", "subcluster_en",
            "role", "scope", "population_2020"]
    gdf = gpd.GeoDataFrame(df[keep], geometry=shapely.make_valid(np.array([e[0] for e in extents])), crs=WGS84)
    gdf["extent_basis"] = [e[1] for e in extents]
    gdf["area_km2"] = area_km2(gdf).round(1)
    gdf["source"] = CNMAPS_SOURCE
    return gdf


def city_boundaries(out: Path) -> None:
    """Full-detail city polygons (for measurement) and a coverage-simplified copy (for display)."""
    full = _city_polygons()
    write(full, out, "city_boundaries_full")
    display = full.copy()
    display.geometry = coverage_simplify(full.geometry, CITY_TOLERANCE_M)
    write(display, out, "city_boundaries")
    _dissolved(full, display, out)


def _dissolved(full: gpd.GeoDataFrame, display: gpd.GeoDataFrame, out: Path) -> None:
    """Sub-clusters and the whole agglomeration, dissolved from member polygons.

    Geometry comes from the simplified coverage (edges match the city layer);
    areas from the full-detail polygons.
    """
    rows = []
    for zh, en in SUBCLUSTERS.items():
        mask = full["subcluster_zh"] == zh
        members = full.loc[mask, "name_zh"].tolist()
        rows.append({
            "subcluster_id": zh, "name_zh": zh, "name_en": en, "members_zh": "、".join(members),
            "n_members": len(members),
            "area_km2": round(float(area_km2(gpd.GeoSeries([full[mask].union_all()], crs=WGS84))[0]), 1),
            "population_2020": int(full.loc[mask, "population_2020"].sum()),
            "population_missing": int(full.loc[mask, "population_2020"].isna().sum()),
            "geometry": display[mask].union_all(),
            "source": "dissolved from city_boundaries; membership per data/sources/cities.csv",
        })
    write(gpd.GeoDataFrame(rows, crs=WGS84), out, "subclusters")

    facts = read_source("plan_facts").set_index("fact_id")
    stated = float(facts.loc["area", "value"])
    measured = round(float(area_km2(gpd.GeoSeries([full.union_all()], crs=WGS84))[0]), 1)
    agg = gpd.GeoDataFrame([{
        "name_zh": "长江中游城市群", "name_en": "Middle Yangtze River urban agglomeration",
        "n_members": len(full), "area_km2": measured, "plan_area_km2": stated,
        "area_ratio": round(measured / stated, 4),
        "population_2020": int(full["population_2020"].sum()),
        "population_missing": int(full["population_2020"].isna().sum()),
        "geometry": display.union_all(),
        "source": source_join("dissolved from city_boundaries", facts.loc["area", "source"]),
    }], crs=WGS84)
    write(agg, out, "agglomeration")


def provinces(out: Path) -> None:
    """The three provinces and their neighbours (context), coverage-simplified; China outline for insets."""
    codes = {**PROVINCES, **NEIGHBOUR_PROVINCES}
    gdf = gpd.GeoDataFrame({
        "adcode": list(codes), "name_zh": [v[0] for v in codes.values()], "name_en": [v[1] for v in codes.values()],
        "in_region": [c in PROVINCES for c in codes],
    }, geometry=[boundary(c) for c in codes], crs=WGS84)
    gdf["area_km2"] = area_km2(gdf).round(0)
    gdf.geometry = coverage_simplify(gdf.geometry, PROVINCE_TOLERANCE_M)
    gdf["source"] = CNMAPS_SOURCE
    write(gdf, out, "provinces")

    china = gpd.GeoSeries([boundary("100000")], crs=WGS84).to_crs(EQUAL_AREA).simplify(CHINA_TOLERANCE_M)
    outline = gpd.GeoDataFrame({"name_zh": ["中国"], "name_en": ["China"], "source": [CNMAPS_SOURCE]},
                               geometry=china.to_crs(WGS84).values, crs=WGS84)
    write(outline, out, "china")


def gtfs_feeds(out: Path) -> None:
    """The rail network of each network year as a GTFS feed (``gtfs_2015.zip``, ``gtfs_now.zip``,
    ``gtfs_planned.zip``), from data/sources/rail."""
    from geo.gtfs import write_feed
    from geo.network import CURRENT_YEAR, PLAN_YEAR, PLANNED, RailNetwork

    net = RailNetwork.from_sources()
    for label, year in (("2015", PLAN_YEAR), ("now", CURRENT_YEAR), ("planned", PLANNED)):
        write_feed(net, out / f"gtfs_{label}.zip", year)


STEPS: tuple[Callable[[Path], None], ...] = (cities, city_boundaries, provinces, south_china_sea, counties,
                                             *_features.STEPS, gtfs_feeds)
DERIVED_PATTERNS = ("*.geojson", "gtfs_*.zip")


def _derived_names(folder: Path) -> list[str]:
    return sorted(p.name for pattern in DERIVED_PATTERNS for p in folder.glob(pattern))


def build_all(out_dir: Path) -> list[str]:
    """Run every build step into ``out_dir``; return the names of the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for step in STEPS:
        step(out_dir)
    return _derived_names(out_dir)


def _check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        written = build_all(Path(tmp))
        committed = _derived_names(DERIVED_DIR)
        _, mismatch, errors = filecmp.cmpfiles(Path(tmp), DERIVED_DIR, written, shallow=False)
        extra = sorted(set(committed) - set(written))
    problems = [f"differs: {n}" for n in mismatch] + [f"missing: {n}" for n in errors] + [
        f"stale: {n}" for n in extra]
    for p in problems:
        print(p, file=sys.stderr)
    print("derived files match" if not problems else f"{len(problems)} derived file(s) out of date")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="rebuild into a temp folder and compare")
    args = parser.parse_args(argv)
    if args.check:
        return _check()
    for name in build_all(DERIVED_DIR):
        print(f"wrote data/derived/{name}")
    return 0
