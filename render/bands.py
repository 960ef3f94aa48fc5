"""Nested polygons drawn as bands: each feature minus the next smaller one of its group (e.g. an origin's
1–2 h ring instead of its whole 2-hour circle), so thresholds read as rings, not as translucent stacks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["MIN_PART_KM2", "as_bands"]

# Drawn parts smaller than this are dropped: a station barely reached within a threshold leaves a speck
# that reads as noise at any zoom a planner uses. The data (and every export) keeps them.
MIN_PART_KM2 = 25.0
_KM_PER_DEG = 111.32


def _without_specks(geoms: np.ndarray) -> np.ndarray:
    """Polygons (lon/lat degrees) less their parts under :data:`MIN_PART_KM2` (roughly, by the parts' latitude)."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    # An empty band (a ring that reaches nothing new) leaves an empty part with no centroid: drop it first.
    solid = ~shapely.is_empty(parts)
    parts, owner = parts[solid], owner[solid]
    lat = shapely.get_coordinates(shapely.centroid(parts))[:, 1]
    km2 = shapely.area(parts) * _KM_PER_DEG**2 * np.cos(np.radians(lat))
    keep = km2 >= MIN_PART_KM2
    return np.array([shapely.multipolygons(parts[keep & (owner == i)]) for i in range(len(geoms))], dtype=object)


def as_bands(gdf: gpd.GeoDataFrame, group: str, order: str) -> gpd.GeoDataFrame:
    """``gdf`` (lon/lat) with each geometry less the next smaller (by ``order``) geometry of its ``group``, and
    without specks; rows and attributes unchanged. The innermost of each group keeps its whole polygon."""
    out = gdf.copy()
    geoms = out.geometry.to_numpy().copy()
    for _, rows in out.groupby(group, sort=False).groups.items():
        idx = np.asarray(rows)
        idx = idx[np.argsort(out.loc[idx, order].to_numpy(), kind="stable")]
        pos = [out.index.get_loc(i) for i in idx]
        inner = geoms[pos[:-1]]
        geoms[pos[1:]] = shapely.difference(geoms[pos[1:]], inner)
    out.geometry = gpd.GeoSeries(_without_specks(geoms), index=out.index, crs=gdf.crs)
    return out
