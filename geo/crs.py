"""Coordinate reference systems, reprojection and measurement.

Everything is stored in WGS-84 lon/lat (EPSG:4326), lon first. Areas are
measured in an Albers equal-area projection fitted to the region, lengths
geodesically on the WGS-84 ellipsoid. Chinese web-map datums (GCJ-02, BD-09)
are converted with :mod:`geo.chinacoords`, only at the edges.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.crs import GeographicCRS, ProjectedCRS
from pyproj.crs.coordinate_operation import AlbersEqualAreaConversion

from geo import chinacoords

__all__ = [
    "CGCS2000",
    "EQUAL_AREA",
    "GEOD",
    "WGS84",
    "area_km2",
    "gk_zone_crs",
    "length_km",
    "require_wgs84",
    "shift_geometry",
    "transformer",
]

WGS84 = CRS.from_epsg(4326)
CGCS2000 = CRS.from_epsg(4490)
GEOD = Geod(ellps="WGS84")

# Albers with standard parallels bracketing the three provinces (lat 24-33 N):
# an equal-area projection, so areas are exact up to floating point.
EQUAL_AREA = ProjectedCRS(
    name="Middle Yangtze Albers equal-area (WGS 84)",
    conversion=AlbersEqualAreaConversion(
        latitude_first_parallel=25.5,
        latitude_second_parallel=31.5,
        latitude_false_origin=0.0,
        longitude_false_origin=113.5,
    ),
    geodetic_crs=GeographicCRS(datum="WGS84"),
)

# EPSG:4534 is CGCS2000 / 3-degree Gauss-Kruger CM 75E; the series runs in
# 3-degree steps to CM 135E (EPSG:4554).
_GK_FIRST_EPSG, _GK_FIRST_CM, _GK_LAST_CM = 4534, 75, 135


@lru_cache(maxsize=64)
def transformer(src: CRS | str | int, dst: CRS | str | int) -> Transformer:
    """A cached lon-first (``always_xy=True``) transformer from ``src`` to ``dst``."""
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def gk_zone_crs(lon: float) -> CRS:
    """The CGCS2000 3-degree Gauss-Krueger zone CRS whose central meridian is nearest ``lon``.

    ``lon`` is a longitude in degrees (east), e.g. the centre of an export's extent.
    """
    cm = int(round(lon / 3.0) * 3)
    if not _GK_FIRST_CM <= cm <= _GK_LAST_CM:
        raise ValueError(f"longitude {lon} is outside China's 3-degree Gauss-Krueger zones (75E-135E)")
    return CRS.from_epsg(_GK_FIRST_EPSG + (cm - _GK_FIRST_CM) // 3)


def require_wgs84(gdf: gpd.GeoDataFrame, what: str = "GeoDataFrame") -> gpd.GeoDataFrame:
    """Return ``gdf`` if its CRS is EPSG:4326; a missing or other CRS is an error, never a guess."""
    if gdf.crs is None:
        raise ValueError(f"{what} has no CRS; set it explicitly (expected EPSG:4326)")
    if not gdf.crs.equals(WGS84):
        raise ValueError(f"{what} is in {gdf.crs.to_string()}, expected EPSG:4326")
    return gdf


def area_km2(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    """Area of each geometry in km² (EPSG:4326 input, measured in :data:`EQUAL_AREA`)."""
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    require_wgs84(gpd.GeoDataFrame(geometry=series), "geometries to measure")
    return series.to_crs(EQUAL_AREA).area.to_numpy() / 1e6


def length_km(geoms: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    """Geodesic length of each (multi)line in km on the WGS-84 ellipsoid (EPSG:4326 input)."""
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    require_wgs84(gpd.GeoDataFrame(geometry=series), "geometries to measure")
    return np.array([GEOD.geometry_length(g) / 1000.0 for g in series])


_SHIFTS = {
    ("gcj02", "wgs84"): chinacoords.gcj02_to_wgs84,
    ("wgs84", "gcj02"): chinacoords.wgs84_to_gcj02,
    ("bd09", "wgs84"): chinacoords.bd09_to_wgs84,
    ("wgs84", "bd09"): chinacoords.wgs84_to_bd09,
    ("bd09", "gcj02"): chinacoords.bd09_to_gcj02,
    ("gcj02", "bd09"): chinacoords.gcj02_to_bd09,
}


def shift_geometry(geoms, src: str, dst: str):
    """Move geometries (array-like of shapely geometries, lon/lat degrees) between datums.

    ``src`` and ``dst`` are ``"wgs84"``, ``"gcj02"`` or ``"bd09"``; CGCS2000 is
    treated as WGS-84 (they differ by centimetres).
    """
    src, dst = (_datum_key(d) for d in (src, dst))
    if src == dst:
        return geoms
    fn = _SHIFTS[(src, dst)]
    return shapely.transform(geoms, lambda xy: np.column_stack(fn(xy[:, 0], xy[:, 1])))


_DATUM_ALIASES = {"wgs84": "wgs84", "cgcs2000": "wgs84", "gcj02": "gcj02", "bd09": "bd09"}


def _datum_key(datum: str) -> str:
    key = datum.lower().replace("-", "").replace("_", "")
    if key not in _DATUM_ALIASES:
        raise ValueError(f"unknown datum {datum!r}; expected one of wgs84, cgcs2000, gcj02, bd09")
    return _DATUM_ALIASES[key]
