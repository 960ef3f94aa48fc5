"""Print-ready briefing maps (PNG, PDF, SVG) drawn from the same layer specs as the interactive map.

The layout is a classic GIS print layout on A4 or A3 paper (sizes in mm):
title and subtitle, the map, a legend of exactly the visible layers, a scale
bar in km, a north arrow, an inset locator map of China, and a footer with
every data source, the network year and the export date.

Projection: the map is drawn in :data:`geo.crs.EQUAL_AREA`, an Albers conic
fitted to the three provinces, so shapes and areas are true and the map has a
real scale. Meridians converge in a conic projection, so the north arrow is
rotated to true north at the map centre, and the scale bar is measured
geodesically (WGS-84 ellipsoid) east–west through the centre. The basemap is
our own vector data (provinces, and rivers and lakes when those layers are
registered), so a briefing needs no network.

Everything is server-side matplotlib (Agg), safe to call from a Streamlit
script thread: no pyplot state is used.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from pyproj import CRS

from data import read_derived
from export.download import Download
from export.files import ExportError
from geo.crs import EQUAL_AREA, GEOD, WGS84, transformer
from geo.network import active_network_key
from geo.options import MAX_ORIGINS, MAX_THRESHOLDS
from layers.catalogue.circles import circles_caption, english_names, road_assumptions
from layers.credits import credits_line
from layers.frames import layer_frame, layer_params, visible_layers
from layers.i18n import t
from layers.registry import UnknownLayerError, get
from layers.spec import Kind, LayerSpec, Style
from layers.view import ViewState
from render.bands import as_bands
from render.fonts import LATIN_FAMILY, choose_font

__all__ = [
    "DPIS",
    "FORMATS",
    "ORIENTATIONS",
    "PAPERS_MM",
    "Briefing",
    "BriefingOptions",
    "briefing_download",
    "briefing_figure",
    "default_titles",
    "render_briefing",
]

# ISO 216 sheet sizes in mm, landscape (width, height).
PAPERS_MM: Mapping[str, tuple[float, float]] = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}
ORIENTATIONS = ("landscape", "portrait")
DPIS = (150, 300)
# A title or subtitle is one line of the sheet: longer text is cut (with an ellipsis) before it is measured.
MAX_TITLE_CHARS = 200
_MAX_LISTED_LAYERS = 12
FORMATS: Mapping[str, str] = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
Extent = Literal["view", "region"] | tuple[float, float, float, float]

MAP_CRS = EQUAL_AREA
# China-wide Albers (the usual national-atlas parameters) for the inset locator.
INSET_CRS = CRS.from_proj4("+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs")
# Style sizes are CSS pixels for the screen; on paper the same numbers in 0.55 pt
# keep lines and symbols in the proportions of the screen without looking heavy.
PX_PT = 0.55
# The app's map is about this many CSS pixels; with the view's centre and zoom it
# gives the ground extent a briefing of "the current view" must contain.
VIEWPORT_PX = (1200, 760)
WEB_MERCATOR_M_PER_PX_Z0 = 156543.03392804097
# Point layers whose features get name labels; other point layers are explained by the legend.
LABELLED_LAYERS = ("cities",)
# Basemap water: drawn muted whenever these layers exist, even if not switched on.
BASEMAP_WATER = ("lakes", "rivers")
_INK = "#222222"
_MUTED = "#6b6b6b"
_WATER_FILL, _WATER_LINE = "#cfe1f2", "#86b3dc"
_LAND_IN, _LAND_OUT, _BORDER = "#fbfaf6", "#eeede8", "#b5b5b5"
_CHINA_FILL, _CHINA_EDGE, _DASH_INK = "#e3e2dc", "#8a8a8a", "#555555"
_SEA, _SHORE_FILL = "#f4f8fb", "#f3f3f0"
# The 南海诸岛 box in the inset's axes fraction (left, bottom, width, height) and its id in SVG output.
SCS_BOX = (0.755, 0.015, 0.23, 0.38)
SCS_GID = "south-china-sea-islands"



@dataclass(frozen=True)
class BriefingOptions:
    """How to print a view.

    ``extent``: ``"view"`` (the app's centre and zoom), ``"region"`` (the whole
    agglomeration) or a lon/lat box ``(west, south, east, north)`` in EPSG:4326,
    e.g. the bounds streamlit-folium reports. ``dpi`` applies to PNG only (PDF
    and SVG are vectors). ``title``/``subtitle`` ``None`` means the default
    naming the layers and circles shown; ``lang`` ``None`` means the view's.
    """

    paper: str = "a4"
    orientation: str = "landscape"
    dpi: int = 300
    extent: Extent = "view"
    title: str | None = None
    subtitle: str | None = None
    lang: str | None = None
    export_date: date | None = None

    def check(self) -> None:
        """Raise :class:`ExportError` for an option outside the supported choices."""
        if self.paper not in PAPERS_MM:
            raise ExportError(f"unknown paper size {self.paper!r}; use {', '.join(PAPERS_MM)}")
        if self.orientation not in ORIENTATIONS:
            raise ExportError(f"unknown orientation {self.orientation!r}; use {', '.join(ORIENTATIONS)}")
        if not 50 <= self.dpi <= 600:
            raise ExportError(f"dpi must be between 50 and 600 (150 or 300 recommended), got {self.dpi}")
        if self.lang not in (None, "zh", "en"):
            raise ExportError(f"unknown language {self.lang!r}; use zh or en")
        if not isinstance(self.extent, str):
            w, s, e, n = self.extent
            if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
                raise ExportError(f"extent must be (west, south, east, north) in degrees, got {self.extent}")
        elif self.extent not in ("view", "region"):
            raise ExportError(f"unknown extent {self.extent!r}; use view, region or a lon/lat box")

    def size_mm(self) -> tuple[float, float]:
        """Sheet (width, height) in mm for the paper and orientation."""
        w, h = PAPERS_MM[self.paper]
        return (w, h) if self.orientation == "landscape" else (h, w)


@dataclass(frozen=True)
class Briefing:
    """A rendered briefing.

    ``frames_px`` gives each layout element's box as (left, top, right, bottom)
    pixels from the image's top-left corner at ``dpi`` (exact for PNG); keys are
    title, map, legend, inset, scs (the 南海诸岛 box inside the inset), scalebar, north, footer.
    """

    data: bytes
    filename: str
    mime: str
    dpi: int
    size_px: tuple[int, int]
    frames_px: Mapping[str, tuple[int, int, int, int]]
    lang: str
    notices: tuple[str, ...] = ()

    def download(self) -> Download:
        """As a :class:`~export.download.Download` for ``st.download_button``."""
        return Download(self.data, self.filename, self.mime, self.notices)


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    """Element boxes in mm from the sheet's bottom-left: name -> (x, y, width, height)."""

    width: float
    height: float
    scale: float  # font and symbol scale relative to A4
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)


# A footer line's height on A4 (mm): 0.85 x 7 pt type at 1.35 line spacing is 2.83 mm, plus room for descenders.
_FOOTER_LINE_MM = 3.0


@dataclass(frozen=True)
class _Frame:
    """What every sheet's layout starts from (millimetres from the bottom-left): the paper ``w`` x ``h``, ``s``
    its scale against A4's short side, margins and gaps, the room graticule labels need outside the map frame's
    bottom and left edges, the band between title and footer (``bottom`` to ``top``), and the title and footer
    boxes."""

    w: float
    h: float
    s: float
    margin: float
    gap: float
    label_room: float
    top: float
    bottom: float
    boxes: dict[str, tuple[float, float, float, float]]


def _frame(options: BriefingOptions, footer_lines: int) -> _Frame:
    """Title and footer (grown to ``footer_lines``) on ``options``' paper, and the band left between them."""
    w, h = options.size_mm()
    s = min(w, h) / 210.0
    margin, gap = 8.0 * s, 4.0 * s
    title_h = 17.0 * s
    footer_h = (2.0 + _FOOTER_LINE_MM * footer_lines) * s
    boxes = {"title": (margin, h - margin - title_h, w - 2 * margin, title_h),
             "footer": (margin, margin, w - 2 * margin, footer_h)}
    return _Frame(w, h, s, margin, gap, 3.5 * s, h - margin - title_h - gap / 2, margin + footer_h + gap / 2, boxes)


def _place_furniture(f: _Frame) -> _Layout:
    """The scale bar (bottom-left) and north arrow (top-left) inside the map box; the finished layout."""
    mx, my, _, mh = f.boxes["map"]
    inner = 3.0 * f.s
    f.boxes["scalebar"] = (mx + inner, my + inner, 62.0 * f.s, 13.0 * f.s)
    f.boxes["north"] = (mx + inner, my + mh - inner - 17.0 * f.s, 11.0 * f.s, 17.0 * f.s)
    return _Layout(f.w, f.h, f.s, f.boxes)


def _layout(options: BriefingOptions, footer_lines: int) -> _Layout:
    """Place title, map, legend, inset, scale bar, north arrow and footer on the sheet."""
    f = _frame(options, footer_lines)
    w, s, margin, gap = f.w, f.s, f.margin, f.gap
    label_room, top, bottom, boxes = f.label_room, f.top, f.bottom, f.boxes
    if options.orientation == "landscape":
        panel_w = 64.0 * s
        inset_h = panel_w * 0.78
        map_w = w - 2 * margin - panel_w - gap - label_room
        boxes["map"] = (margin + label_room, bottom + label_room, map_w, top - bottom - label_room)
        px = margin + label_room + map_w + gap
        boxes["inset"] = (px, top - inset_h, panel_w, inset_h)
        boxes["legend"] = (px, bottom, panel_w, top - inset_h - gap - bottom)
    else:
        panel_h = 62.0 * s
        inset_w = panel_h / 0.78
        boxes["map"] = (margin + label_room, bottom + panel_h + gap + label_room, w - 2 * margin - label_room,
                        top - bottom - panel_h - gap - label_room)
        boxes["inset"] = (w - margin - inset_w, bottom, inset_w, panel_h)
        boxes["legend"] = (margin, bottom, w - 2 * margin - inset_w - gap, panel_h)
    ix, iy, iw, ih = boxes["inset"]
    bx, by, bw, bh = SCS_BOX
    boxes["scs"] = (ix + bx * iw, iy + by * ih, bw * iw, bh * ih)
    return _place_furniture(f)


def _axes(fig: Figure, lay: _Layout, name: str, **kw: Any) -> Axes:
    x, y, bw, bh = lay.boxes[name]
    return fig.add_axes((x / lay.width, y / lay.height, bw / lay.width, bh / lay.height), **kw)


def _frames_px(lay: _Layout, dpi: int) -> dict[str, tuple[int, int, int, int]]:
    k = dpi / 25.4
    return {name: (round(x * k), round((lay.height - y - bh) * k), round((x + bw) * k), round((lay.height - y) * k))
            for name, (x, y, bw, bh) in lay.boxes.items()}


# --------------------------------------------------------------------------- geometry


def _to_map(geoms: np.ndarray, crs: CRS = MAP_CRS) -> np.ndarray:
    """Shapely geometries from EPSG:4326 lon/lat to ``crs`` metres."""
    tr = transformer(WGS84, crs)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


@lru_cache(maxsize=64)
def _map_geometries(layer_id: str, revision: str, params: tuple[tuple[str, Any], ...], network: str) -> np.ndarray:
    """A layer's geometries in :data:`MAP_CRS`, cached beside the shared frame cache (same key: ``network`` is the
    what-if network's key)."""
    spec = get(layer_id)
    gdf = layer_frame(spec, dict(params))
    if spec.style.bands:
        gdf = as_bands(gdf, *spec.style.bands)
    return _to_map(gdf.geometry.to_numpy())


def _layer_data(spec: LayerSpec, params: Mapping[str, Any]) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """A layer's frame (EPSG:4326, from :mod:`layers.frames`) and its geometries in :data:`MAP_CRS`."""
    return layer_frame(spec, params), _map_geometries(spec.id, spec.revision, tuple(sorted(params.items())),
                                                    active_network_key())


@lru_cache(maxsize=4)
def _basemap_provinces() -> tuple[gpd.GeoDataFrame, np.ndarray]:
    gdf = read_derived("provinces")
    return gdf, _to_map(gdf.geometry.to_numpy())


@dataclass(frozen=True)
class _InsetData:
    """The China inset's geometries in :data:`INSET_CRS` metres, simplified for a thumbnail.

    ``china`` is the whole national territory, ``mainland`` its parts the main frame must show, ``islands``
    the islands far offshore (drawn as dots too), ``dashes`` the maritime boundary line, ``shores`` the land
    around the South China Sea; ``main_bounds`` and ``scs_bounds`` (x0, y0, x1, y1) are what the main frame and
    the 南海诸岛 box must show.
    """

    china: np.ndarray
    mainland: np.ndarray
    region: np.ndarray
    islands: np.ndarray
    dashes: np.ndarray
    shores: np.ndarray
    main_bounds: tuple[float, float, float, float]
    scs_bounds: tuple[float, float, float, float]


# 《公开地图内容表示规范》 (自然资源部, 2023): with the South China Sea islands in an inset box, the main map of
# China reaches the southern tip of Hainan (18.2°N); the box reaches Hanoi in the west, Manila in the east, the
# Tropic of Cancer in the north and, on a map without neighbours' borders, 曾母暗沙 and the Malaysian coast
# (about 1.5°N at Kuching) in the south. Degrees (west, south, east, north).
_MAIN_FRAME_SOUTH_DEG = 18.0
SCS_EXTENT = (105.6, 1.3, 122.9, 23.6)
# Islands this far (m) from the mainland, Taiwan and Hainan would vanish at a thumbnail's scale (钓鱼岛,
# 东沙, 西沙, 中沙, 南沙, 曾母暗沙): they are drawn as dots as well, so that the inset shows them.
_FAR_ISLAND_M = 100_000.0


def _bounds(geoms: np.ndarray) -> tuple[float, float, float, float]:
    b = shapely.total_bounds(geoms)
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


@lru_cache(maxsize=2)
def _inset_data() -> _InsetData:
    china_ll = read_derived("china").geometry.to_numpy()
    parts_ll = shapely.get_parts(china_ll)
    parts = _to_map(parts_ll, INSET_CRS)
    largest = parts[np.argsort(-shapely.area(parts))[:3]]
    far = shapely.distance(parts[:, None], largest[None, :]).min(axis=1) > _FAR_ISLAND_M
    north = shapely.bounds(parts_ll)[:, 3] >= _MAIN_FRAME_SOUTH_DEG
    mainland = parts[north]
    china = shapely.simplify(_to_map(china_ll, INSET_CRS), 5000.0)
    region = shapely.simplify(_to_map(read_derived("agglomeration").geometry.to_numpy(), INSET_CRS), 2000.0)
    dashes = shapely.get_parts(_to_map(read_derived("china_maritime").geometry.to_numpy(), INSET_CRS))
    shores = shapely.simplify(_to_map(read_derived("scs_shores").geometry.to_numpy(), INSET_CRS), 3000.0)
    scs = _to_map(np.array([shapely.segmentize(shapely.box(*SCS_EXTENT), 0.5)]), INSET_CRS)
    scs_content = np.concatenate([parts[far & ~north], dashes, scs])
    return _InsetData(china, shapely.simplify(mainland, 5000.0), region, parts[far], dashes, shores,
                      _bounds(mainland), _bounds(scs_content))


def _polygon_paths(geoms: np.ndarray) -> tuple[list[MplPath], np.ndarray]:
    """One compound matplotlib path per (multi)polygon (holes kept), and the index of its geometry.

    Rings are oriented first (shells counter-clockwise, holes clockwise): matplotlib fills by the non-zero
    winding rule, so a hole wound like its shell (valid in GeoJSON from other tools) would be filled.
    """
    polys, owner = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(polys) == 3
    polys, owner = shapely.orient_polygons(polys[keep]), owner[keep]
    paths: list[MplPath] = []
    owners: list[int] = []
    for i in np.unique(owner):
        rings = []
        for poly in polys[owner == i]:
            rings.append(shapely.get_coordinates(poly.exterior))
            rings += [shapely.get_coordinates(r) for r in poly.interiors]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            continue
        verts = np.concatenate(rings)
        codes = np.full(len(verts), MplPath.LINETO, dtype=np.uint8)
        starts = np.cumsum([0, *[len(r) for r in rings[:-1]]])
        codes[starts] = MplPath.MOVETO
        codes[starts + np.array([len(r) for r in rings]) - 1] = MplPath.CLOSEPOLY
        paths.append(MplPath(verts, codes))
        owners.append(int(i))
    return paths, np.array(owners, dtype=int)


def _line_parts(geoms: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Coordinate arrays of every line part (polygon rings excluded) and the index of its geometry."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (1, 2))
    return [shapely.get_coordinates(p) for p in parts[keep]], owner[keep]


def _dashes(style: Style) -> Any:
    """A matplotlib line style from the CSS dash array (px), in points (dash scaling is off)."""
    if not style.dash:
        return "solid"
    seq = [float(v) * PX_PT * 1.6 for v in style.dash.replace(",", " ").split()]
    return (0, seq)


def _feature_colors(gdf: gpd.GeoDataFrame, style: Style, rows: np.ndarray) -> tuple[list[str], list[str]]:
    """Stroke and fill colours per drawn feature, honouring the style's categories."""
    if style.category_field and style.category_field in gdf.columns:
        values = gdf[style.category_field].to_numpy()[rows]
        return [style.color_for(v) for v in values], [style.fill_for(v) for v in values]
    return [style.color] * len(rows), [style.fill_color or style.color] * len(rows)


def _draw_layer(ax: Axes, gdf: gpd.GeoDataFrame, geoms: np.ndarray, style: Style, z: float, tol: float,
                gid: str | None = None) -> None:
    """Draw one layer's features with its :class:`Style`, polygons, lines and points alike; ``gid`` names
    its artists (an SVG group id, and how tests find them)."""
    geoms = shapely.simplify(geoms, tol) if tol > 0 else geoms
    lw = style.weight * PX_PT
    paths, owner = _polygon_paths(geoms)
    if paths:
        strokes, fills = _feature_colors(gdf, style, owner)
        face = [to_rgba(c, style.fill_opacity) for c in fills] if style.fill_opacity > 0 else "none"
        edges = [to_rgba(c, style.opacity) for c in strokes]
        ax.add_collection(PathCollection(paths, facecolors=face, edgecolors=edges, linewidths=lw,
                                         linestyles=_dashes(style), zorder=z, gid=gid))
    lines, owner = _line_parts(geoms)
    if lines:
        strokes, _ = _feature_colors(gdf, style, owner)
        ax.add_collection(LineCollection(lines, colors=[to_rgba(c, style.opacity) for c in strokes], linewidths=lw,
                                         linestyles=_dashes(style), capstyle="round", joinstyle="round", zorder=z,
                                         gid=gid))
    is_point = np.isin(shapely.get_type_id(geoms), (0, 4))
    if is_point.any():
        rows = np.flatnonzero(is_point)
        pts = shapely.get_coordinates(shapely.centroid(geoms[rows]))
        strokes, fills = _feature_colors(gdf, style, rows)
        size = (2 * style.radius * PX_PT) ** 2
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=[to_rgba(c, style.fill_opacity) for c in fills],
                   edgecolors=strokes, linewidths=lw * 0.8, zorder=z + 0.5, gid=gid)


# --------------------------------------------------------------------------- extent and scale


def _view_bbox(view: ViewState) -> tuple[float, float, float, float]:
    """The lon/lat box (EPSG:4326) the app shows at the view's centre and zoom (Web Mercator tiles)."""
    lon, lat = view.center
    m_per_px = WEB_MERCATOR_M_PER_PX_Z0 / 2**view.zoom
    tr = transformer(WGS84, 3857)
    x, y = tr.transform(lon, lat)
    dx, dy = VIEWPORT_PX[0] / 2 * m_per_px, VIEWPORT_PX[1] / 2 * m_per_px
    w, s = tr.transform(x - dx, y - dy, direction="INVERSE")
    e, n = tr.transform(x + dx, y + dy, direction="INVERSE")
    return (w, s, e, n)


def _map_limits(extent: Extent, view: ViewState, aspect: float) -> tuple[float, float, float, float]:
    """Map-CRS limits (xmin, xmax, ymin, ymax) containing the extent, grown to the map frame's aspect (w/h)."""
    if extent == "region":
        geom = read_derived("agglomeration").geometry.to_numpy()
        b = shapely.total_bounds(_to_map(geom))
        pad = 0.04 * max(b[2] - b[0], b[3] - b[1])
        x0, y0, x1, y1 = b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad
    else:
        w, s, e, n = _view_bbox(view) if extent == "view" else extent
        box = _to_map(np.array([shapely.segmentize(shapely.box(w, s, e, n), 0.1)]))
        x0, y0, x1, y1 = shapely.total_bounds(box)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = (x1 - x0) / 2, (y1 - y0) / 2
    if half_w / half_h < aspect:
        half_w = half_h * aspect
    else:
        half_h = half_w / aspect
    return cx - half_w, cx + half_w, cy - half_h, cy + half_h


def _ground_scale(cx: float, cy: float) -> float:
    """Geodesic metres per map-CRS metre east–west through (cx, cy): the scale bar's factor."""
    d = 5000.0
    tr = transformer(WGS84, MAP_CRS)
    lon0, lat0 = tr.transform(cx - d, cy, direction="INVERSE")
    lon1, lat1 = tr.transform(cx + d, cy, direction="INVERSE")
    return GEOD.inv(lon0, lat0, lon1, lat1)[2] / (2 * d)


def _north_angle(cx: float, cy: float) -> float:
    """Clockwise angle (degrees) from the map's up direction to true north at (cx, cy)."""
    tr = transformer(WGS84, MAP_CRS)
    lon, lat = tr.transform(cx, cy, direction="INVERSE")
    x1, y1 = tr.transform(lon, lat + 0.2)
    return math.degrees(math.atan2(x1 - cx, y1 - cy))


def _nice(value: float) -> float:
    """The largest 1-2-2.5-5 x 10^n not above ``value``."""
    exp = 10 ** math.floor(math.log10(value))
    return max(m for m in (1, 2, 2.5, 5, 10) if m * exp <= value) * exp


# --------------------------------------------------------------------------- decorations


def _draw_graticule(ax: Axes, limits: tuple[float, float, float, float], fs: float) -> None:
    """Meridians and parallels (1° or 2°) with degree labels outside the bottom and left frame edges."""
    xmin, xmax, ymin, ymax = limits
    tr = transformer(WGS84, MAP_CRS)
    corners = np.array([tr.transform(x, y, direction="INVERSE") for x in (xmin, xmax) for y in (ymin, ymax)])
    lon0, lat0 = corners.min(axis=0) - 0.5
    lon1, lat1 = corners.max(axis=0) + 0.5
    step = 1.0 if max(lon1 - lon0, lat1 - lat0) <= 8 else 2.0
    style = {"color": "#9aa7b4", "linewidth": 0.3, "alpha": 0.8, "zorder": 0.5}
    label = {"fontsize": fs, "color": _MUTED, "annotation_clip": False, "textcoords": "offset points"}
    for lon in np.arange(math.ceil(lon0 / step) * step, lon1, step):
        lats = np.linspace(lat0, lat1, 60)
        x, y = tr.transform(np.full_like(lats, lon), lats)
        ax.plot(x, y, **style)
        xb = float(np.interp(ymin, y, x))
        if xmin < xb < xmax:
            ax.annotate(f"{lon:g}°E", (xb, ymin), xytext=(0, -1.5), ha="center", va="top", **label)
    for lat in np.arange(math.ceil(lat0 / step) * step, lat1, step):
        lons = np.linspace(lon0, lon1, 80)
        x, y = tr.transform(lons, np.full_like(lons, lat))
        ax.plot(x, y, **style)
        yl = float(np.interp(xmin, x, y))
        if ymin < yl < ymax:
            ax.annotate(f"{lat:g}°N", (xmin, yl), xytext=(-1.5, 0), ha="center", va="bottom", rotation=90,
                        rotation_mode="anchor", **label)


def _draw_basemap(ax: Axes, visible: Sequence[str], lang: str, limits: tuple[float, float, float, float],
                  tol: float, fs: float) -> None:
    """Provinces (region lighter) with neighbour names, then muted water (unless the water layers are on)."""
    gdf, geoms = _basemap_provinces()
    inside = gdf["in_region"].astype(bool).to_numpy()
    paths, owner = _polygon_paths(shapely.simplify(geoms, tol))
    ax.add_collection(PathCollection(paths, facecolors=[_LAND_IN if inside[i] else _LAND_OUT for i in owner],
                                     edgecolors=_BORDER, linewidths=0.4, zorder=0.2))
    xmin, xmax, ymin, ymax = limits
    view_box = shapely.box(xmin, ymin, xmax, ymax)
    for i in np.flatnonzero(~inside):
        part = shapely.intersection(geoms[i], view_box)
        if part.is_empty or part.area < 0.04 * view_box.area:
            continue
        p = shapely.point_on_surface(part)
        name = gdf["name_zh"].iat[i] if lang == "zh" else gdf["name_en"].iat[i]
        ax.text(p.x, p.y, name, fontsize=fs * 1.2, color="#a5a5a0", ha="center", va="center", zorder=0.6,
                style="italic" if lang == "en" else "normal")
    for lid in BASEMAP_WATER:
        if lid in visible:
            continue
        try:
            spec = get(lid)
            wgdf, wgeoms = _layer_data(spec, {})
        except Exception:  # water is decoration; a missing file must not stop a briefing
            continue
        muted = Style(kind=spec.style.kind, color=_WATER_LINE, weight=1.2, fill_color=_WATER_FILL, fill_opacity=1.0)
        _draw_layer(ax, wgdf, wgeoms, muted, 0.8, tol)


# Label positions around a point, nearest first: directions (unit offsets, alignment) tried at each distance
# (points); beyond the first distance a leader line joins label and point.
_LABEL_DIRECTIONS = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
                     (0, -1, "center", "top"), (0.8, 0.8, "left", "bottom"), (-0.8, 0.8, "right", "bottom"),
                     (0.8, -0.8, "left", "top"), (-0.8, -0.8, "right", "top"))
_LABEL_DISTANCES_PT = (4.5, 9.0, 14.0, 20.0)
LABEL_Z = 1000.0  # above every layer


def _marker_boxes(ax: Axes, drawn: Sequence[tuple[LayerSpec, np.ndarray]], dpi: float) -> list[Bbox]:
    """Display-pixel boxes of every point symbol of ``drawn`` (spec, geometries in :data:`MAP_CRS`)."""
    boxes: list[Bbox] = []
    for spec, geoms in drawn:
        pts = geoms[np.isin(shapely.get_type_id(geoms), (0, 4))]
        if not len(pts):
            continue
        r = (spec.style.radius * PX_PT + spec.style.weight * PX_PT * 0.4) * dpi / 72.0
        xy = ax.transData.transform(shapely.get_coordinates(shapely.centroid(pts)))
        boxes += [Bbox.from_extents(x - r, y - r, x + r, y + r) for x, y in xy]
    return boxes


def _label_points(fig: Figure, ax: Axes, gdf: gpd.GeoDataFrame, geoms: np.ndarray, lang: str, fs: float,
                  obstacles: Sequence[Bbox] = (), markers: Sequence[Bbox] = ()) -> list[str]:
    """Name labels next to points, placed greedily so that no label overlaps another label, a point symbol
    (``markers``), the map furniture (``obstacles``; both display pixels) or the frame.

    Core cities go first, in bold. Each label tries the positions around its point, nearest first, and takes
    the first free one, with a leader line when it had to move away. Returns the names left unlabelled (no
    free position at all).
    """
    renderer = fig.canvas.get_renderer()
    name_col = "name_zh" if lang == "zh" else "name_en"
    pts = shapely.get_coordinates(shapely.centroid(geoms))
    core = (gdf["role"] == "core").to_numpy() if "role" in gdf else np.zeros(len(gdf), bool)
    order = sorted(range(len(gdf)), key=lambda i: (not core[i], i))
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    # Labels keep 3 pt apart, and clear of other symbols by as much again, so a name is never read as its
    # neighbour's (宜春 | 新余, 湘潭 | 株洲).
    pad = 1.5 * fig.dpi / 72.0
    markers = [m.padded(pad) for m in markers]
    axbox = ax.get_window_extent(renderer)
    placed: list[Bbox] = list(obstacles)
    missing: list[str] = []
    for i in order:
        x, y = pts[i]
        px, py = ax.transData.transform((x, y))
        # A point's own symbol is no obstacle to its label (the offsets clear it).
        others = placed + [m for m in markers if abs((m.x0 + m.x1) / 2 - px) + abs((m.y0 + m.y1) / 2 - py) > 1.0]
        name = str(gdf[name_col].iat[i])
        text = ax.annotate(name, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=fs * (
            1.15 if core[i] else 1.0), fontweight="bold" if core[i] else "normal", color=_INK, path_effects=halo,
            zorder=LABEL_Z, annotation_clip=True)
        text.set_gid(f"label:{name}")
        box = None
        for distance in _LABEL_DISTANCES_PT:
            for dx, dy, ha, va in _LABEL_DIRECTIONS:
                text.set_position((dx * distance, dy * distance))
                text.set_ha(ha)
                text.set_va(va)
                candidate = text.get_window_extent(renderer).expanded(1.0, 1.0).padded(pad)
                if (axbox.contains(candidate.x0, candidate.y0) and axbox.contains(candidate.x1, candidate.y1)
                        and not any(candidate.overlaps(b) for b in others)):
                    box = candidate
                    break
            if box is not None:
                break
        if box is None:
            text.remove()
            missing.append(name)
            continue
        placed.append(box)
        if distance > _LABEL_DISTANCES_PT[0]:
            # The leader runs from the symbol's edge to the nearest point of the label's box.
            lx, ly = min(max(px, box.x0 + pad), box.x1 - pad), min(max(py, box.y0 + pad), box.y1 - pad)
            inv = ax.transData.inverted()
            (ax_, ay_), (bx_, by_) = inv.transform([(px, py), (lx, ly)])
            ax.plot([ax_, bx_], [ay_, by_], color=_MUTED, linewidth=0.45, zorder=LABEL_Z - 1,
                    solid_capstyle="butt")
    return missing


def _legend_handle(style: Style) -> Any:
    lw = style.weight * PX_PT
    if style.kind == "point":
        return Line2D([], [], linestyle="none", marker="o", markersize=2 * style.radius * PX_PT,
                      markerfacecolor=to_rgba(style.fill_color or style.color, style.fill_opacity),
                      markeredgecolor=style.color, markeredgewidth=lw * 0.8)
    if style.kind == "line":
        return Line2D([], [], color=to_rgba(style.color, style.opacity), linewidth=lw, linestyle=_dashes(style))
    face = to_rgba(style.fill_color or style.color, style.fill_opacity) if style.fill_opacity > 0 else "none"
    return Patch(facecolor=face, edgecolor=to_rgba(style.color, style.opacity), linewidth=lw,
                 linestyle=_dashes(style))


def _draw_legend(fig: Figure, ax: Axes, specs: Sequence[LayerSpec], view: ViewState, lang: str, fs: float) -> None:
    """The legend of exactly the drawn layers, in a box that fits it: top-aligned in its panel and as tall as its
    entries (measured), never past the panel (the font shrinks, then a column is added, until it fits)."""
    ax.set_axis_off()
    ax.set_gid("legend")
    handles: list[Any] = []
    labels: list[str] = []
    headers: list[int] = []
    # Top-most layer first, as in the interactive map's legend.
    for spec in reversed(specs):
        params = layer_params(spec, view)
        items = spec.legend_items(**params)
        if len(items) > 1:
            headers.append(len(labels))
            handles.append(Patch(visible=False))
            labels.append(spec.legend_title(lang, **params))  # the circles' heading says their thresholds and mode
        handles += [_legend_handle(item.style) for item in items]
        labels += [("  " if len(items) > 1 else "") + item.label(lang) for item in items]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    pad = _LEGEND_PAD_PT * fig.dpi / 72.0
    if not handles:
        text = ax.text(0.5, 1.0 - pad / frame.height, t("brief_no_legend", lang), ha="center", va="top",
                       fontsize=fs, color=_MUTED, transform=ax.transAxes)
        _legend_box(ax, frame, text.get_window_extent(renderer), pad)
        return
    size, ncol = fs, 1
    wrap = 0  # characters per line once labels are too wide for the frame (0: unwrapped)
    while True:
        shown = [_wrapped(label, wrap) for label in labels]
        legend = ax.legend(handles, shown, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                           fontsize=size, title=t("brief_legend", lang), title_fontsize=size * 1.2, ncol=ncol,
                           alignment="left", handlelength=2.2, handleheight=1.1, borderaxespad=0.6,
                           labelspacing=0.45, columnspacing=1.0)
        legend.get_title().set_fontweight("bold")
        for label in legend.get_texts():
            label.set_parse_math(False)
        for i in headers:
            legend.get_texts()[i].set_fontweight("bold")
        box = legend.get_window_extent(renderer)
        if box.y0 >= frame.y0 + pad and box.x1 <= frame.x1:
            break
        longest = max(len(line) for label in shown for line in label.split("\n"))
        if box.x1 > frame.x1 and longest > _MIN_WRAP:
            # A long label (the circles' heading, the axes' names) wraps rather than running out of the frame.
            room = (frame.x1 - box.x0) / box.width
            wrap = max(_MIN_WRAP, min(longest - 1, int(longest * room * 0.95)))
            continue
        if size > fs * 0.65:
            size *= 0.9
        elif ncol < 3:
            ncol, size = ncol + 1, fs
        elif size > fs * 0.45:
            size *= 0.9  # three columns still too long: smaller type rather than entries off the panel
        else:
            legend.set_clip_on(True)
            break
    _legend_box(ax, frame, box, pad)


# Space between the legend's entries and its box, points.
_LEGEND_PAD_PT = 4.0


def _legend_box(ax: Axes, frame: Bbox, content: Bbox, pad: float) -> None:
    """The legend's white box: the panel's full width, from its top to ``pad`` below ``content`` (pixels)."""
    bottom = max(0.0, (content.y0 - pad - frame.y0) / frame.height)
    ax.add_patch(Rectangle((0, bottom), 1, 1 - bottom, transform=ax.transAxes, facecolor="white",
                           edgecolor="#999999", linewidth=0.6, zorder=-1, gid="legend-box"))


_MIN_WRAP = 12  # the narrowest a legend label is wrapped to, in characters


def _wrapped(label: str, width: int) -> str:
    """``label`` broken into lines of at most ``width`` characters (0: as it is), keeping its indent."""
    if width <= 0 or len(label) <= width:
        return label
    indent = label[: len(label) - len(label.lstrip(" "))]
    return textwrap.fill(label, width, subsequent_indent=indent + "  ", break_on_hyphens=False)


def _draw_scalebar(ax: Axes, lay: _Layout, map_m_per_mm: float, ground: float, lang: str, fs: float) -> None:
    """A scale bar in km (geodesic at the map centre) in an axes whose x unit is ground km."""
    bw = lay.boxes["scalebar"][2]
    km_per_mm = map_m_per_mm * ground / 1000.0
    width_km = bw * km_per_mm
    ax.set_xlim(0, width_km)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=(1, 1, 1, 0.88), edgecolor="#999999",
                           linewidth=0.5))
    length = _nice(width_km * 0.72)
    x0 = width_km * 0.07
    n = 4 if length / 4 == round(length / 4) or length >= 40 else 2
    for k in range(n):
        ax.add_patch(Rectangle((x0 + k * length / n, 0.42), length / n, 0.13, facecolor=_INK if k % 2 == 0 else "white",
                               edgecolor=_INK, linewidth=0.5))
    for k in (0, n // 2, n):
        ax.text(x0 + k * length / n, 0.62, f"{k * length / n:g}", ha="center", va="bottom", fontsize=fs, color=_INK)
    ax.text(x0 + length + width_km * 0.03, 0.48, t("brief_km", lang), ha="left", va="center", fontsize=fs, color=_INK)
    ratio = map_m_per_mm * ground * 1000.0
    ax.text(width_km / 2, 0.12, t("brief_scale", lang, n=f"{round(ratio, -4):,.0f}"), ha="center", va="bottom",
            fontsize=fs * 0.85, color=_MUTED)


def _draw_north(ax: Axes, angle_deg: float, lang: str, fs: float) -> None:
    """A two-tone north arrow rotated ``angle_deg`` clockwise, i.e. to true north for the map projection."""
    # Equal x/y units without matplotlib re-fitting the limits: span x to the frame's aspect.
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    half_w = 3.1 * (bbox.width * fig_w) / (bbox.height * fig_h) / 2
    ax.set_xlim(-half_w, half_w)
    ax.set_ylim(-1.2, 1.9)
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=(1, 1, 1, 0.88), edgecolor="#999999",
                           linewidth=0.5))
    a = math.radians(angle_deg)

    def rot(pts: list[tuple[float, float]]) -> np.ndarray:
        p = np.array(pts)
        return np.column_stack([p[:, 0] * math.cos(a) + p[:, 1] * math.sin(a),
                                -p[:, 0] * math.sin(a) + p[:, 1] * math.cos(a)])

    ax.add_patch(Polygon(rot([(0, 1.0), (-0.42, -0.8), (0, -0.4)]), facecolor=_INK, edgecolor=_INK, linewidth=0.6))
    ax.add_patch(Polygon(rot([(0, 1.0), (0.42, -0.8), (0, -0.4)]), facecolor="white", edgecolor=_INK, linewidth=0.6))
    tip = rot([(0, 1.45)])[0]
    ax.text(tip[0], tip[1], t("brief_north", lang), ha="center", va="center", fontsize=fs * 1.3, fontweight="bold",
            color=_INK, rotation=-angle_deg)


def _fit_limits(ax: Axes, bounds: tuple[float, float, float, float], pad: float,
                top_room: float = 0.0) -> None:
    """Set ``ax``'s limits to ``bounds`` plus ``pad`` (a fraction of the width; ``top_room`` more at the top),
    the shorter side grown so metres are square in the frame (no distortion, no re-fitted limits)."""
    x0, y0, x1, y1 = bounds
    p = pad * (x1 - x0)
    x0, x1, y0, y1 = x0 - p, x1 + p, y0 - p, y1 + p + top_room * (x1 - x0)
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    frame_aspect = (bbox.width * fig_w) / (bbox.height * fig_h)
    if (x1 - x0) / (y1 - y0) < frame_aspect:
        grow = ((y1 - y0) * frame_aspect - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) / frame_aspect - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_china(ax: Axes, data: _InsetData, line_scale: float = 1.0) -> None:
    """China's territory, its South China Sea islands (as dots, which the thumbnail's scale would lose) and the
    maritime boundary dashes, on ``ax`` in :data:`INSET_CRS`."""
    paths, _ = _polygon_paths(data.china)
    ax.add_collection(PathCollection(paths, facecolors=_CHINA_FILL, edgecolors=_CHINA_EDGE,
                                     linewidths=0.35 * line_scale, zorder=2))
    dots = shapely.get_coordinates(shapely.centroid(data.islands))
    ax.scatter(dots[:, 0], dots[:, 1], s=(0.9 * line_scale) ** 2, c=_CHINA_EDGE, linewidths=0, zorder=3)
    ax.add_collection(LineCollection([shapely.get_coordinates(d) for d in data.dashes], colors=_DASH_INK,
                                     linewidths=0.8 * line_scale, capstyle="butt", zorder=3))


def _clear_scs_corner(ax: Axes, data: _InsetData) -> None:
    """Widen the main frame to the right until no land lies under the 南海诸岛 box (China's south-east
    coast would otherwise sit in the lower-right corner of a frame wider than the country)."""
    left, bottom, _, height = SCS_BOX
    for _ in range(4):
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        box_top = y0 + (bottom + height + 0.02) * (y1 - y0)
        strip = shapely.clip_by_rect(data.mainland, x0, y0, x1, box_top)
        east = shapely.total_bounds(strip[~shapely.is_empty(strip)])[2]
        box_left = x0 + (left - 0.02) * (x1 - x0)
        if not math.isfinite(east) or east <= box_left:
            return
        _fit_limits(ax, (x0, y0, x0 + (east - x0) / (left - 0.02), y1), 0.0)


def _draw_inset(ax: Axes, limits: tuple[float, float, float, float], lang: str, fs: float) -> None:
    """A map of China by the rules for maps of China: the whole territory (Taiwan, Hainan, the South China Sea
    islands) with the maritime boundary line, the islands in the standard 南海诸岛 box at the lower right; the
    agglomeration filled and the briefing map's extent outlined."""
    data = _inset_data()
    ax.set_gid("china-inset")
    _fit_limits(ax, data.main_bounds, 0.04, top_room=0.12)  # room for the caption at the top
    _clear_scs_corner(ax, data)
    ax.set_facecolor("white")
    for spine in ax.spines.values():
        spine.set_edgecolor("#999999")
        spine.set_linewidth(0.6)
    _draw_china(ax, data)
    paths, _ = _polygon_paths(data.region)
    ax.add_collection(PathCollection(paths, facecolors="#c0392b", edgecolors="#7b1e14", linewidths=0.3, zorder=4))
    xmin, xmax, ymin, ymax = limits
    frame = shapely.segmentize(shapely.box(xmin, ymin, xmax, ymax), (xmax - xmin) / 20)
    tr = transformer(WGS84, MAP_CRS)
    ring = shapely.get_coordinates(frame.exterior)
    lon, lat = tr.transform(ring[:, 0], ring[:, 1], direction="INVERSE")
    inset_tr = transformer(WGS84, INSET_CRS)
    fx, fy = inset_tr.transform(lon, lat)
    ax.plot(fx, fy, color=_INK, linewidth=0.7, zorder=5)
    ax.text(0.04, 0.96, t("brief_inset", lang), transform=ax.transAxes, ha="left", va="top", fontsize=fs,
            color=_INK, fontweight="bold")

    # The 南海诸岛 box: same projection at a smaller scale, framed, in the main frame's empty lower-right sea.
    box = ax.inset_axes(SCS_BOX, zorder=6)
    box.set_gid(SCS_GID)
    box.patch.set_facecolor(_SEA)
    for spine in box.spines.values():
        spine.set_edgecolor("#8a8a8a")
        spine.set_linewidth(0.5)
    _fit_limits(box, data.scs_bounds, 0.06)
    paths, _ = _polygon_paths(data.shores)
    box.add_collection(PathCollection(paths, facecolors=_SHORE_FILL, edgecolors="#c4c4c0", linewidths=0.25, zorder=1))
    _draw_china(box, data, line_scale=0.8)
    # The English name takes two lines to keep the size of the Chinese one.
    caption = t("brief_scs", lang).replace(" Sea ", " Sea\n", 1)
    # No halo: a text with path effects is drawn as outlines, and the name must stay text in a PDF.
    box.text(0.95, 0.04, caption, transform=box.transAxes, ha="right", va="bottom", fontsize=fs * 0.62,
             color=_INK, linespacing=1.0, zorder=5)


# --------------------------------------------------------------------------- titles and footer


def default_titles(view: ViewState, specs: Sequence[LayerSpec], lang: str) -> tuple[str, str]:
    """The default title (region, plus circles when shown) and subtitle (layers shown, network year).

    Lists are cut to their first few items and an ellipsis, so a view built in code with hundreds of thresholds
    or layers still gives a title of a line.
    """
    title = t("brief_region", lang)
    sep = "、" if lang == "zh" else ", "
    if view.origins and any(s.kind is Kind.CIRCLES for s in specs):
        origins = _listed([_place_name(o, lang) for o in view.origins], sep, MAX_ORIGINS)
        circles = t("brief_circles", lang, origins=origins, minutes=_listed(list(map(str, view.minutes)), "/",
                                                                             MAX_THRESHOLDS),
                    mode=t("mode_station" if view.mode == "rail" and view.measure == "station" else f"mode_{view.mode}",
                           lang))
        title = t("brief_region_short", lang) + (" · " if lang == "zh" else " — ") + circles
    names = _cut(_listed([s.title(lang) for s in specs], sep, _MAX_LISTED_LAYERS), MAX_TITLE_CHARS // 2)
    subtitle = f"{t('brief_layers', lang)}{names}  |  {t('brief_network', lang, y=_year_label(view.year, lang))}"
    if view.origins and any(s.kind is Kind.CIRCLES for s in specs):
        subtitle += f"  |  {circles_caption(view, lang)}"
    return title, subtitle


def _listed(items: list[str], sep: str, most: int) -> str:
    return sep.join(items[:most]) + (f"{sep}…" if len(items) > most else "")


def _cut(text: str, most: int = MAX_TITLE_CHARS) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip(" 、,|") + "…"


@lru_cache(maxsize=1)
def _place_name(origin: str, lang: str) -> str:
    """An origin as the view holds it (usually a Chinese city name) in ``lang``; unknown names unchanged."""
    return origin if lang == "zh" else english_names().get(origin, origin)


def _year_label(year: str, lang: str) -> str:
    return t(f"year_{year}", lang)


# A line breaks between words, and anywhere inside a run of Chinese text (which has no spaces), but never
# after an opening bracket or before a closing one or a punctuation mark: those stick to their neighbour.
_OPENING, _CLOSING = "（「“《", "，。；：、）」”》"
_CJK = "\u3000-\u9fff\uff00-\uffef"
_BREAKABLE = re.compile(rf"[{_OPENING}]*(?:[^\s{_CJK}]+|[{_CJK}])[{_CLOSING}]*\s*|\s+")


def _wrap(text: str, width_px: float, measure: Text) -> list[str]:
    """``text`` broken into lines no wider than ``width_px`` as ``measure`` (a Text with the font) draws them.

    Each line is the longest run of tokens that fits, found by bisection (a measurement lays out the text).
    """
    tokens = _BREAKABLE.findall(text)
    lines: list[str] = []

    def fits(chunk: list[str]) -> bool:
        measure.set_text("".join(chunk).rstrip())
        return measure.get_window_extent().width <= width_px

    while tokens:
        lo, hi = 1, len(tokens)  # the longest prefix that fits lies in [lo, hi]; one token is kept regardless
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fits(tokens[:mid]) else (lo, mid - 1)
        lines.append("".join(tokens[:lo]).strip())
        tokens = tokens[lo:]
    return [line for line in lines if line]


def _footer_text(specs: Sequence[LayerSpec], view: ViewState, lang: str, when: date, *,
                 road: bool = False) -> tuple[str, str]:
    """The footer's paragraphs, in ``lang``: sources, then network year (and, with ``road``, the road
    assumptions the circles were computed with), export date and projection."""
    assumptions = [road_assumptions(view.road_model(), lang)] if road else []
    facts = "  ·  ".join((t("brief_network", lang, y=_year_label(view.year, lang)), *assumptions,
                          t("brief_exported", lang, d=when.isoformat()), t("brief_projection", lang),
                          t("brief_basemap", lang)))
    return credits_line(specs, lang), facts


# --------------------------------------------------------------------------- main entry points


def render_briefing(view: ViewState, fmt: str = "png", options: BriefingOptions | None = None,
                    *, layer_ids: Sequence[str] | None = None) -> Briefing:
    """Render ``view`` as a print-ready briefing map in ``fmt`` (png, pdf or svg).

    ``layer_ids`` overrides ``view.layers``; parameterised layers (circles) get
    the view's origins, minutes, mode and year. A layer that fails to build is
    left out of map and legend and named in ``notices``. Raises
    :class:`ExportError` for bad options and
    :class:`~layers.registry.UnknownLayerError` for unknown layer ids.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown briefing format {fmt!r}; use {', '.join(FORMATS)}")
    options = options or BriefingOptions()
    with _composed(view, fmt, options, layer_ids) as (fig, lay, lang, when, notices):
        buf = io.BytesIO()
        kwargs: dict[str, Any] = {"format": fmt, "dpi": options.dpi}
        if fmt == "png":
            # Fast zlib level: a 300 dpi A4 sheet compresses 3x faster for ~15 % more bytes.
            kwargs["pil_kwargs"] = {"compress_level": 3}
        fig.savefig(buf, **kwargs)
    size_px = tuple(round(d / 25.4 * options.dpi) for d in options.size_mm())
    stem = f"middle_yangtze_briefing_{options.paper}_{options.orientation}_{when:%Y%m%d}"
    return Briefing(buf.getvalue(), f"{stem}.{fmt}", FORMATS[fmt], options.dpi, size_px,
                    _frames_px(lay, options.dpi), lang, tuple(notices))


def briefing_figure(view: ViewState, options: BriefingOptions | None = None,
                    *, layer_ids: Sequence[str] | None = None) -> Figure:
    """The briefing of ``view`` as a drawn matplotlib :class:`Figure` (for measuring what it holds: label
    boxes, z-orders, artists by gid), as :func:`render_briefing` would save it as a PNG."""
    with _composed(view, "png", options or BriefingOptions(), layer_ids) as (fig, *_):
        fig.canvas.draw()
        return fig


@contextmanager
def _composed(view: ViewState, fmt: str, options: BriefingOptions, layer_ids: Sequence[str] | None
              ) -> Iterator[tuple[Figure, _Layout, str, date, list[str]]]:
    """The composed sheet (figure, layout, language drawn, export date, notices), inside the rc settings
    it must also be saved with."""
    options.check()
    font = choose_font(options.lang or view.lang)
    lang = font.lang
    notices = [font.notice] if font.notice else []
    when = options.export_date or date.today()
    drawn: list[tuple[LayerSpec, gpd.GeoDataFrame, np.ndarray]] = []
    for spec, params in visible_layers(view, None if layer_ids is None else tuple(layer_ids)):
        try:
            gdf, geoms = _layer_data(spec, params)
        except Exception as err:  # one broken layer must not sink a whole briefing
            notices.append(f"layer {spec.id} not drawn: {type(err).__name__}: {err}")
            continue
        drawn.append((spec, gdf, geoms))
    specs = [d[0] for d in drawn]
    title, subtitle = default_titles(view, specs, lang)
    title = _cut(options.title if options.title is not None else title)
    subtitle = _cut(options.subtitle if options.subtitle is not None else subtitle)

    with mpl.rc_context(_rc(font)):
        fig, lay = _render(view, fmt, options, lang, when, drawn, title, subtitle, notices,
                           cjk=font.family[0] != LATIN_FAMILY)
        yield fig, lay, lang, when, notices


def _rc(font: Any) -> dict[str, Any]:
    """Matplotlib settings of every sheet: the chosen font, text drawn as paths (no font embedded in SVG, Type 3
    in PDF, so the CJK glyphs survive any viewer), dashes that do not grow with the line width."""
    return {"font.family": list(font.family), "axes.unicode_minus": False, "pdf.fonttype": 3,
            "svg.fonttype": "path", "lines.scale_dashes": False, "path.simplify": True}


def _z(spec: LayerSpec, index: int) -> float:
    """A layer's drawing order: areas, then the circle bands over them, then lines and points (a planner's
    imported points and the cross-river pairs stay visible above the bands), each tier in registry order."""
    tier = 1.5 if spec.kind is Kind.CIRCLES else {"polygon": 1, "line": 2, "point": 3}.get(spec.style.kind, 2)
    return 2.0 + 100.0 * tier + index


def _render(view: ViewState, fmt: str, options: BriefingOptions, lang: str, when: date,
            drawn: Sequence[tuple[LayerSpec, gpd.GeoDataFrame, np.ndarray]], title: str, subtitle: str,
            notices: list[str], *, cjk: bool = True) -> tuple[Figure, _Layout]:
    sheet = _Sheet.start(options, fmt)
    # Station-to-station circles use no road leg, so the footer states no road model for them.
    road = (view.mode == "road" or (view.mode == "rail" and view.measure != "station")) and any(
        d[0].kind is Kind.CIRCLES for d in drawn)
    # Basemap water is drawn whenever its layers exist, so it is cited too.
    water = [get(lid) for lid in BASEMAP_WATER if _registered(lid)]
    sources, facts = _footer_text([d[0] for d in drawn] + water, view, lang, when, road=road)
    lay = _layout(options, sheet.wrap_footer(sources, facts, lang, cjk=cjk))
    limits = _map_limits(options.extent, view, lay.boxes["map"][2] / lay.boxes["map"][3])
    ax = sheet.map_axes(lay, limits)
    tol = sheet.tolerance(lay, limits, options.dpi)
    fig, fs = sheet.fig, sheet.fs
    visible_ids = [d[0].id for d in drawn]
    _draw_basemap(ax, visible_ids, lang, limits, tol, fs)
    _draw_graticule(ax, limits, fs * 0.8)
    for index, (spec, gdf, geoms) in enumerate(drawn):
        _draw_layer(ax, gdf, geoms, spec.style, _z(spec, index), tol, gid=f"layer:{spec.id}")
    furniture = sheet.furniture(lay)
    markers = _marker_boxes(ax, [(spec, geoms) for spec, _, geoms in drawn], fig.dpi)
    for spec, gdf, geoms in drawn:
        if spec.id in LABELLED_LAYERS:
            missing = _label_points(fig, ax, gdf, geoms, lang, fs * 1.05, furniture, markers)
            if missing:
                notices.append(f"no room for the labels of {', '.join(missing)}")
    sheet.titles(lay, title, subtitle, subtitle_scale=1.15)
    _draw_legend(fig, _axes(fig, lay, "legend"), [d[0] for d in drawn], view, lang, fs * 1.1)
    sheet.map_furniture(lay, limits, lang)
    sheet.footer(lay)
    return fig, lay


@dataclass
class _Sheet:
    """One sheet being composed (a briefing or a before/after sheet): its figure and the parts both kinds share,
    in millimetres of paper (``w`` x ``h``), ``s`` the scale against A4's short side, ``fs`` the base font size
    in points. :meth:`wrap_footer` must come before :meth:`footer`."""

    fig: Figure
    renderer: Any
    w: float
    h: float
    s: float
    fs: float
    footer_lines: list[str] = field(default_factory=list)
    notice_lines: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, options: BriefingOptions, fmt: str) -> _Sheet:
        w, h = options.size_mm()
        size_px = (round(w / 25.4 * options.dpi), round(h / 25.4 * options.dpi))
        # Agg truncates the canvas to whole pixels (297 mm at 300 dpi is 3507.87 px); nudge PNGs to the rounded,
        # conventional size (3508 x 2480). Vector formats keep the exact ISO sheet.
        size_in = (w / 25.4, h / 25.4) if fmt != "png" else tuple((p + 0.01) / options.dpi for p in size_px)
        fig = Figure(figsize=size_in, dpi=options.dpi, facecolor="white")
        FigureCanvasAgg(fig)
        s = min(w, h) / 210.0
        return cls(fig, fig.canvas.get_renderer(), w, h, s, 7.0 * s)

    def wrap_footer(self, sources: str, facts: str, lang: str, *, cjk: bool) -> int:
        """Wrap the footer (sources, then facts) and the review notice to the sheet's width; the number of lines.

        The footer is measured before layout so that the layout can grow the footer to hold its lines."""
        measure = self.fig.text(0, 0, "", fontsize=self.fs * 0.85, parse_math=False)
        width_px = (self.w - 16 * self.s) / 25.4 * self.fig.dpi
        self.footer_lines = _wrap(sources, width_px, measure) + _wrap(facts, width_px, measure)
        measure.set_fontweight("bold")
        # The English notice names the number as Chinese readers know it, when the font can draw it.
        term = " (审图号)" if cjk else ""
        self.notice_lines = _wrap(t("brief_notice", lang, term=term), width_px, measure)
        measure.remove()
        return len(self.footer_lines) + len(self.notice_lines)

    def map_axes(self, lay: _Layout, limits: tuple[float, float, float, float]) -> Axes:
        """The map frame over ``limits`` (equal-area metres), without ticks, on the sea-grey ground."""
        xmin, xmax, ymin, ymax = limits
        ax = _axes(self.fig, lay, "map")
        ax.set_gid("map")
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#eef2f5")
        for spine in ax.spines.values():
            spine.set_linewidth(0.8)
            spine.set_edgecolor(_INK)
        return ax

    @staticmethod
    def tolerance(lay: _Layout, limits: tuple[float, float, float, float], dpi: int) -> float:
        """Generalisation tolerance in map metres: half an output pixel (at 300 dpi for vectors) is invisible and
        keeps files small."""
        return _m_per_mm(lay, limits) * 25.4 / max(dpi, 300) * 0.5

    def furniture(self, lay: _Layout) -> list[Bbox]:
        """The scale bar's and north arrow's boxes (pixels): they sit on the map, and labels must not hide under
        them."""
        k = self.fig.dpi / 25.4
        return [Bbox.from_bounds(x * k, y * k, bw * k, bh * k)
                for x, y, bw, bh in (lay.boxes["scalebar"], lay.boxes["north"])]

    def titles(self, lay: _Layout, title: str, subtitle: str, *, subtitle_scale: float) -> None:
        """Title and subtitle, each fitted to the title box's width, over a thin rule."""
        fig, w, h, fs = self.fig, self.w, self.h, self.fs
        tx, ty, tw, th = lay.boxes["title"]
        width_px = tw / 25.4 * fig.dpi
        # parse_math off wherever text can come from a planner: "$" is a price or a typo, not mathtext.
        _fit(fig.text(tx / w, (ty + th) / h, title, ha="left", va="top", fontsize=fs * 2.3, fontweight="bold",
                      color=_INK, parse_math=False, gid="title"), width_px, self.renderer)
        _fit(fig.text(tx / w, (ty + th * 0.28) / h, subtitle, ha="left", va="center", fontsize=fs * subtitle_scale,
                      color=_MUTED, parse_math=False), width_px, self.renderer)
        fig.add_artist(Line2D([tx / w, (tx + tw) / w], [ty / h, ty / h], color="#999999", linewidth=0.6))

    def map_furniture(self, lay: _Layout, limits: tuple[float, float, float, float], lang: str) -> None:
        """The China inset, the scale bar (true at the map's centre) and the north arrow."""
        fig, fs = self.fig, self.fs
        xmin, xmax, ymin, ymax = limits
        _draw_inset(_axes(fig, lay, "inset"), limits, lang, fs)
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        _draw_scalebar(_axes(fig, lay, "scalebar"), lay, _m_per_mm(lay, limits), _ground_scale(cx, cy), lang, fs)
        _draw_north(_axes(fig, lay, "north"), _north_angle(cx, cy), lang, fs)

    def footer(self, lay: _Layout) -> None:
        """The footer's lines wrapped by :meth:`wrap_footer`, then the review notice in bold below its last line."""
        fig, w, h, fs = self.fig, self.w, self.h, self.fs * 0.85
        fx, fy, _, fh = lay.boxes["footer"]
        text = fig.text(fx / w, (fy + fh) / h, "\n".join(self.footer_lines), ha="left", va="top", fontsize=fs,
                        color=_MUTED, linespacing=1.35, parse_math=False, gid="footer")
        below = text.get_window_extent(self.renderer).y0 / fig.bbox.height - 0.6 * self.s / h
        fig.text(fx / w, below, "\n".join(self.notice_lines), ha="left", va="top", fontsize=fs, color=_INK,
                 fontweight="bold", linespacing=1.35, parse_math=False, gid="review-notice")


def _m_per_mm(lay: _Layout, limits: tuple[float, float, float, float]) -> float:
    """Map metres per millimetre of paper in the map box."""
    return (limits[1] - limits[0]) / lay.boxes["map"][2]


def _fit(text: Text, width_px: float, renderer: Any, min_scale: float = 0.7) -> None:
    """Shrink ``text`` to ``width_px`` (down to ``min_scale`` of its size), then cut it with an ellipsis.

    The cut is found by bisection: a handful of measurements, where trying one character less at a time cost
    minutes for a long title (each measurement lays out the whole text).
    """
    size = text.get_fontsize()
    while text.get_window_extent(renderer).width > width_px and text.get_fontsize() > size * min_scale:
        text.set_fontsize(text.get_fontsize() * 0.94)
    full = text.get_text()
    if text.get_window_extent(renderer).width <= width_px:
        return

    def fits(keep: int) -> bool:
        text.set_text(full[:keep].rstrip(" 、,|") + "…")
        return text.get_window_extent(renderer).width <= width_px

    lo, hi = 1, len(full) - 1  # the longest prefix that fits lies in [lo, hi]; one character is kept regardless
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid - 1)
    fits(lo)


def _registered(layer_id: str) -> bool:
    try:
        get(layer_id)
    except UnknownLayerError:
        return False
    return True


def briefing_download(view: ViewState, fmt: str = "png", **options: Any) -> Download:
    """For the app: the briefing of ``view`` as (bytes, filename, MIME, notices).

    ``options`` are :class:`BriefingOptions` fields (paper, orientation, dpi,
    extent, title, subtitle, lang).
    """
    return render_briefing(view, fmt, BriefingOptions(**options)).download()
