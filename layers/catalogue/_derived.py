"""Builders shared by the static layers: read a derived file, keep the declared columns."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd

from data import read_derived
from layers.spec import REQUIRED_FIELDS


def derived(name: str, fields: tuple[str, ...], query: str | None = None) -> Callable[[], gpd.GeoDataFrame]:
    """A builder returning derived file ``name`` (EPSG:4326) with the required and ``fields`` columns."""

    def build() -> gpd.GeoDataFrame:
        gdf = read_derived(name)
        if query:
            gdf = gdf.query(query)
        return gdf[[*REQUIRED_FIELDS, *fields, "geometry"]].reset_index(drop=True)

    build.__doc__ = f"Layer features from data/derived/{name}.geojson (EPSG:4326)."
    return build
