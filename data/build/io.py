"""Shared helpers of the build: deterministic GeoJSON writing, points from source tables, simplification."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import EQUAL_AREA, WGS84, shift_geometry

PRECISION_DEG = 1e-6


def precise(geoms: np.ndarray) -> np.ndarray:
    return shapely.set_precision(geoms, PRECISION_DEG)


def write(gdf: gpd.GeoDataFrame, out_dir: Path, name: str) -> None:
    gdf = gdf.reset_index(drop=True)
    gdf = gdf.set_geometry(precise(gdf.geometry.values), crs=WGS84)
    path = out_dir / f"{name}.geojson"
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES",
                "COORDINATE_PRECISION": "6", "WRITE_NAME": "NO"})


def points(df: pd.DataFrame, lon: str = "lon", lat: str = "lat", datum: str = "datum") -> gpd.GeoSeries:
    """Points from a source table, converted from each row's stated datum to WGS-84."""
    pts = shapely.points(df[lon].astype(float), df[lat].astype(float))
    out = np.empty(len(df), dtype=object)
    for d in df[datum].str.lower().unique():
        mask = (df[datum].str.lower() == d).to_numpy()
        out[mask] = shift_geometry(pts[mask], d, "wgs84")
    return gpd.GeoSeries(out, index=df.index, crs=WGS84)


def coverage_simplify(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify polygons as a coverage, so shared borders stay shared (EPSG:4326 in and out)."""
    projected = geoms.to_crs(EQUAL_AREA)
    simple = shapely.coverage_simplify(projected.values, tolerance_m)
    return gpd.GeoSeries(simple, index=geoms.index, crs=EQUAL_AREA).to_crs(WGS84)


def source_join(*parts: object) -> str:
    return " ; ".join(str(p) for p in parts if isinstance(p, str) and p.strip())
