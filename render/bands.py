"""Nested polygons drawn as bands: each feature minus the next smaller one of its group (e.g. an origin's
1–2 h ring instead of its whole 2-hour circle), so thresholds read as rings, not as translucent stacks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["as_bands"]


def as_bands(gdf: gpd.GeoDataFrame, group: str, order: str) -> gpd.GeoDataFrame:
    """``gdf`` (any CRS) with each geometry less the next smaller (by ``order``) geometry of its ``group``;
    rows and attributes unchanged. The innermost of each group keeps its whole polygon."""
    out = gdf.copy()
    geoms = out.geometry.to_numpy().copy()
    for _, rows in out.groupby(group, sort=False).groups.items():
        idx = np.asarray(rows)
        idx = idx[np.argsort(out.loc[idx, order].to_numpy(), kind="stable")]
        pos = [out.index.get_loc(i) for i in idx]
        inner = geoms[pos[:-1]]
        geoms[pos[1:]] = shapely.difference(geoms[pos[1:]], inner)
    out.geometry = gpd.GeoSeries(geoms, index=out.index, crs=gdf.crs)
    return out
