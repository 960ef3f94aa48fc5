"""The interactive renderer: layer specs and GeoDataFrames (EPSG:4326) to a Leaflet map through folium.

The map is split the way streamlit-folium can update it without a remount:

* :func:`base_map` – the part that changes only with the basemap: tiles or the
  offline vector basemap, scale bar, fullscreen, measure and mouse-coordinate
  controls, the script that mirrors the view into the page URL, CSS;
* :func:`overlay_groups` – one ``FeatureGroup`` per visible layer plus the
  legend, handed to ``st_folium(feature_group_to_add=...)`` so toggling a layer
  or changing a circle swaps them in place and keeps the view.

Geometry is simplified to half a screen pixel at the most detailed zoom the
view is expected to reach and coordinates are rounded to match (see
:func:`detail_tolerance`). With the Gaode basemap every overlay is shifted
from WGS-84 to GCJ-02 (:func:`geo.crs.shift_geometry`). Every text from data
is HTML-escaped here, once, before it reaches the page.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import shapely
import xyzservices.providers as xyz
from branca.element import Element, MacroElement
from folium.template import Template

import layers
from data import read_derived
from geo import chinacoords
from geo.crs import shift_geometry
from geo.network import active_network_key
from layers.frames import layer_frame
from layers.spec import LayerSpec, LegendItem, Style
from render import assets as offline_assets
from render.bands import as_bands
from render.popups import popup_html, tooltip_html

__all__ = [
    "MAX_ZOOM",
    "MIN_ZOOM",
    "Basemap",
    "base_map",
    "basemaps",
    "datum_for",
    "detail_tolerance",
    "feature_collection",
    "latlon",
    "legend_html",
    "overlay_groups",
    "prepare",
]

MIN_ZOOM, MAX_ZOOM = 5, 14
BASEMAP_BBOX = (103.0, 21.0, 125.0, 36.0)  # lon/lat extent of the offline basemap (WGS-84)
VIEW_BOUNDS = (95.0, 15.0, 133.0, 42.0)  # lon/lat the view may not leave (WGS-84): the basemap and a margin
ZOOM_AHEAD = 2  # geometry stays crisp this many zoom levels past the view's zoom
LABELLED_LAYERS = ("cities",)  # point layers whose names are drawn beside the symbol
TIANDITU_KEY_ENV = "TIANDITU_KEY"
# GCJ-02 minus WGS-84 at the middle of the agglomeration (degrees): used only to write a
# Gaode map's centre back to the URL in WGS-84 (error < 100 m, far below a pixel at zoom <= 12).
_GCJ_LON, _GCJ_LAT = (float(v[0]) for v in chinacoords.wgs84_to_gcj02([114.3], [28.9]))
GCJ_DELTA = (_GCJ_LON - 114.3, _GCJ_LAT - 28.9)


def latlon(lon: float, lat: float) -> list[float]:
    """Folium/Leaflet's ``[lat, lon]`` order from lon/lat degrees: the one place the order flips."""
    return [float(lat), float(lon)]


# ----------------------------------------------------------------------------------------------- basemaps


@dataclass(frozen=True)
class Basemap:
    """A basemap choice: id (as in :data:`layers.view.BASEMAPS`), datum of its tiles, tile URL and credit."""

    id: str
    datum: str = "wgs84"
    tiles: str | None = None
    attribution: str = ""
    subdomains: str = "abc"
    max_zoom: int = 18


def basemaps(tianditu_key: str | None = None) -> dict[str, Basemap]:
    """The available basemaps; Tianditu only when a key is given (``TIANDITU_KEY`` by default)."""
    key = os.environ.get(TIANDITU_KEY_ENV) if tianditu_key is None else tianditu_key
    osm, carto = xyz.OpenStreetMap.Mapnik, xyz.CartoDB.Positron
    out = {
        "offline": Basemap("offline"),
        "osm": Basemap("osm", tiles=osm.url, attribution=osm.html_attribution, max_zoom=19),
        "carto": Basemap("carto", tiles=carto.url.replace("{r}", ""), attribution=carto.html_attribution,
                         subdomains="abcd", max_zoom=20),
        "gaode": Basemap("gaode", datum="gcj02", tiles=xyz.Gaode.Normal.url.replace("webrd01", "webrd0{s}"),
                         attribution="&copy; 高德地图 AutoNavi", subdomains="1234"),
    }
    if key:
        out["tianditu"] = Basemap(
            "tianditu", datum="wgs84",  # CGCS2000, within centimetres of WGS-84
            tiles=("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
                   "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
                   + html.escape(key, quote=True)),
            attribution="&copy; 天地图 Tianditu", subdomains="01234567")
    return out


def datum_for(basemap: str) -> str:
    """The datum overlays must be drawn in for ``basemap`` ("gcj02" for Gaode, else "wgs84")."""
    return "gcj02" if basemap == "gaode" else "wgs84"


_CSS = """
<style>
/* In the app's frame the map is as tall as the frame, which the page fits to the window. */
#map_div, #map_div2 { height: 100vh !important; }
.leaflet-container { background: #dfe8ee; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.mye-legend { background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px; font-size: 12px;
  line-height: 1.35; max-height: 46vh; overflow-y: auto; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.mye-legend h4 { margin: 0 0 4px; font-size: 13px; cursor: pointer; user-select: none; }
.mye-legend h4::after { content: " \\25BE"; color: #777; }
.mye-legend.mye-shut h4 { margin: 0; }
.mye-legend.mye-shut h4::after { content: " \\25B8"; }
.mye-legend.mye-shut > :not(h4) { display: none; }
.mye-legend .mye-ltitle { font-weight: 600; margin-top: 4px; }
.mye-legend .mye-row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.mye-legend .mye-solo { font-weight: 600; margin-top: 4px; }
.mye-legend svg { flex: none; }
.mye-legend .mye-grid { border-collapse: collapse; margin-top: 2px; }
.mye-legend .mye-grid th { font-weight: 400; white-space: nowrap; padding: 0 6px 0 0; text-align: left; }
.mye-legend .mye-grid th[scope='col'] { font-size: 11px; color: #555; text-align: center; padding: 0 3px; }
.mye-legend .mye-grid td { text-align: center; padding: 1px 3px; line-height: 0; }
.mye-label { background: none; border: none; font-size: 12px; font-weight: 600; color: #222; white-space: nowrap;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff; pointer-events: none; }
.mye-base-label { color: #8a8a8a; font-size: 13px; font-weight: 400; letter-spacing: 2px; }
.mye-tip table, .mye-pop table { border-collapse: collapse; font-size: 12px; }
.mye-tip th, .mye-pop th { text-align: left; padding-right: 8px; font-weight: 500; color: #555; vertical-align: top; }
.mye-pop td { max-width: 240px; overflow-wrap: anywhere; }
.mye-src { color: #777; font-size: 11px; }
.mye-src a { color: #3b6ea8; }
.mye-badge { display: inline-block; margin: 2px 4px 2px 0; padding: 0 5px; border-radius: 3px; font-size: 11px;
  line-height: 16px; cursor: help; }
.mye-badge-unconfirmed { background: #fde2c8; color: #8a3c00; }
.mye-badge-estimate { background: #e3ecf7; color: #244a7a; }
/* A clicked feature keeps no black focus box (keyboard users still get the popup). */
path.leaflet-interactive:focus, .leaflet-interactive:focus { outline: none; }
/* Label text beside, left of, above or below its point (placed in Python so neighbours do not collide). */
.mye-label > span { position: absolute; }
.mye-label .mye-pos-r { left: 7px; top: -8px; }
.mye-label .mye-pos-l { right: 7px; top: -8px; }
.mye-label .mye-pos-t { left: 0; bottom: 5px; transform: translateX(-50%); }
.mye-label .mye-pos-b { left: 0; top: 5px; transform: translateX(-50%); }
</style>
"""


class _Raw(Element):
    """Finished text in a figure section: unlike ``Element(text)`` it is not compiled as a Jinja template.

    Compiling costs time in proportion to the text (the layers' data run to hundreds of kB on every rerun),
    and braces in data would be read as template code.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _RawMacro(MacroElement):
    """A MacroElement with only a ``script`` macro, whose output reaches the figure as :class:`_Raw` text."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Script(_RawMacro):
    """A block of JavaScript run with the parent's variable as ``parent`` and the map's as ``map``."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (parent, map) {
{{ this.code }}
})({{ this._parent.get_name() }}, {{ this.map_name() }});
{% endmacro %}
""")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "MyeScript"
        self.code = code

    def map_name(self) -> str:
        node = self._parent
        while node is not None and not isinstance(node, folium.Map):
            node = node._parent
        return node.get_name() if node is not None else "null"


_VIEW_SYNC_JS = """
// Mirror the view into the page URL (lon/lat WGS-84, zoom) without a rerun: panning never reruns the app.
var dlon = %(dlon).8f, dlat = %(dlat).8f;
function sync() {
  try {
    var w = window.parent, c = map.getCenter(), u = new URL(w.location.href);
    u.searchParams.set('lon', (c.lng - dlon).toFixed(4));
    u.searchParams.set('lat', (c.lat - dlat).toFixed(4));
    u.searchParams.set('zoom', String(map.getZoom()));
    w.history.replaceState(w.history.state, '', u.toString());
  } catch (e) { /* not embedded in the app page */ }
}
map.on('moveend', sync);
"""


_WHEEL_JS = """
// An embedded map must not catch the page's scrolling: the wheel zooms only after a click on the map,
// and stops again when the pointer leaves it (as embedded web maps usually behave).
// Any press inside the map counts, a press on a feature too (its click does not always reach the map).
map.getContainer().addEventListener('mousedown', function () { map.scrollWheelZoom.enable(); });
map.getContainer().addEventListener('touchstart', function () { map.scrollWheelZoom.enable(); }, {passive: true});
map.on('mouseout', function () { map.scrollWheelZoom.disable(); });
"""


def base_map(basemap: str, center: tuple[float, float], zoom: int, *, height: str = "100%",
             tianditu_key: str | None = None, lang: str = "zh", sync_view: bool = True) -> folium.Map:
    """The constant part of the map for ``basemap``; ``center`` is (lon, lat) WGS-84, ``zoom`` a Leaflet zoom.

    Unknown basemaps (or Tianditu without a key) fall back to the offline vector basemap, whose province
    names start in ``lang`` (the overlays switch them: :func:`overlay_groups`). The view is held within
    :data:`VIEW_BOUNDS`; the mouse wheel scrolls the page until the map is clicked. ``sync_view`` writes
    the map's centre and zoom into the page's URL as it moves (the main map; a second map on the page must not).
    """
    choice = basemaps(tianditu_key).get(basemap) or basemaps(tianditu_key)["offline"]
    lon, lat = center
    if choice.datum == "gcj02":
        glon, glat = chinacoords.wgs84_to_gcj02([lon], [lat])
        lon, lat = float(glon[0]), float(glat[0])
    west, south, east, north = VIEW_BOUNDS
    m = folium.Map(location=latlon(lon, lat), zoom_start=int(zoom), tiles=None, min_zoom=MIN_ZOOM,
                   max_zoom=min(MAX_ZOOM, choice.max_zoom), control_scale=True, height=height,
                   scroll_wheel_zoom=False, max_bounds=True, min_lat=south, max_lat=north, min_lon=west,
                   max_lon=east, max_bounds_viscosity=1.0, world_copy_jump=False)
    if choice.tiles:
        folium.TileLayer(tiles=choice.tiles, attr=choice.attribution, name=choice.id, subdomains=choice.subdomains,
                         max_zoom=choice.max_zoom, control=False, no_wrap=True).add_to(m)
    else:
        _OfflineBasemap(lang).add_to(m)
    m.get_root().header.add_child(Element(_CSS), name="mye_css")
    folium.plugins.Fullscreen(position="topleft").add_to(m)
    folium.plugins.MeasureControl(position="topleft", primary_length_unit="kilometers",
                                  secondary_length_unit="meters", primary_area_unit="sqkilometers",
                                  secondary_area_unit="hectares").add_to(m)
    folium.plugins.MousePosition(position="bottomleft", separator=", ", lng_first=True, num_digits=4,
                                 prefix="GCJ-02" if choice.datum == "gcj02" else "WGS-84",
                                 empty_string="").add_to(m)
    dlon, dlat = GCJ_DELTA if choice.datum == "gcj02" else (0.0, 0.0)
    if sync_view:
        m.add_child(_Script(_VIEW_SYNC_JS % {"dlon": dlon, "dlat": dlat}), name="mye_view_sync")
    m.add_child(_Script(_WHEEL_JS), name="mye_wheel")
    # folium hands min_zoom/max_zoom to tile layers only; the offline basemap has none, so the map itself is told.
    m.add_child(_Script(f"map.setMinZoom({MIN_ZOOM}); map.setMaxZoom({min(MAX_ZOOM, choice.max_zoom)});"),
                name="mye_zoom_range")
    # Leaflet 1.9's default prefix carries a national flag; planners' briefing screens get the plain name.
    m.add_child(_Script("map.attributionControl.setPrefix('Leaflet');"), name="mye_attribution")
    return offline_assets.localize(m)


class _OfflineBasemap(_RawMacro):
    """Province fills and names from ``data/derived/provinces.geojson`` in a pane under every overlay."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  var pane = map.createPane('myeBasemap');
  pane.style.zIndex = 250;
  pane.style.pointerEvents = 'none';
  var data = {{ this.data }};
  L.geoJson(data.areas, {pane: 'myeBasemap', interactive: false, style: function (f) {
    return f.properties.r ? {color: '#b8b1a2', weight: 1, fillColor: '#f7f3e8', fillOpacity: 1}
                          : {color: '#c9c9c9', weight: 0.8, fillColor: '#eeeeec', fillOpacity: 1};
  }}).addTo(map);
  var labels = data.labels.map(function (p) {
    return [L.marker([p[1], p[0]], {pane: 'myeBasemap', interactive: false, keyboard: false}).addTo(map), p];
  });
  // The overlays call this with the page's language, so switching it needs no remount of the map.
  window.__myeBasemapLang = function (lang) {
    labels.forEach(function (l) {
      l[0].setIcon(L.divIcon({className: 'mye-label mye-base-label', html: lang === 'en' ? l[1][3] : l[1][2],
                              iconSize: null}));
    });
  };
  window.__myeBasemapLang({{ this.lang_json }});
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, lang: str = "zh") -> None:
        super().__init__()
        self._name = "OfflineBasemap"
        self.data = _offline_basemap_json()
        self.lang_json = _js_json(lang)


@lru_cache(maxsize=1)
def _offline_basemap_json() -> str:
    """Provinces (in-region ones flagged ``r``) clipped to the region's surroundings, and their names
    (``[lon, lat, 中文, English]``, escaped HTML), as JSON.

    In-region provinces are simplified to ~200 m, neighbours to ~600 m; islands under ~30 km² are dropped.
    """
    prov = read_derived("provinces")
    clipped = shapely.clip_by_rect(prov.geometry.to_numpy(), *BASEMAP_BBOX)
    tol = np.where(prov["in_region"].to_numpy(bool), 0.002, 0.006)
    geoms = _round(np.array([_drop_specks(shapely.simplify(g, t, preserve_topology=True), 0.003)
                             for g, t in zip(clipped, tol, strict=True)]), 3)
    feats = [{"type": "Feature", "properties": {"r": int(bool(r))}, "geometry": json.loads(g)}
             for r, g in zip(prov["in_region"], shapely.to_geojson(geoms), strict=True) if g is not None]
    pts = shapely.point_on_surface(prov.geometry.to_numpy())
    labels = [[round(p.x, 3), round(p.y, 3), html.escape(str(zh)), html.escape(str(en or zh))]
              for p, zh, en in zip(pts, prov["name_zh"], prov["name_en"], strict=True)
              if BASEMAP_BBOX[0] < p.x < BASEMAP_BBOX[2] and BASEMAP_BBOX[1] < p.y < BASEMAP_BBOX[3]]
    return _js_json({"areas": {"type": "FeatureCollection", "features": feats}, "labels": labels})


def _drop_specks(geom: shapely.Geometry, min_area: float) -> shapely.Geometry | None:
    """``geom`` without polygon parts smaller than ``min_area`` square degrees (None if nothing is left)."""
    parts = [p for p in shapely.get_parts(geom) if p.area >= min_area]
    return shapely.multipolygons(parts) if parts else None


# ------------------------------------------------------------------------------------------------ geometry


def detail_tolerance(zoom: float) -> float:
    """Simplification tolerance in degrees: half a 256-px tile pixel at zoom ``zoom + ZOOM_AHEAD`` (<= MAX_ZOOM)."""
    detail = min(max(float(zoom), MIN_ZOOM) + ZOOM_AHEAD, MAX_ZOOM)
    return 360.0 / (256 * 2**detail) / 2


def _decimals(tolerance: float) -> int:
    """Decimal places that keep rounding error under a fifth of ``tolerance`` (degrees)."""
    return min(7, max(3, math.ceil(-math.log10(tolerance / 5))))


def _round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def prepare(gdf: gpd.GeoDataFrame, *, tolerance: float | None, datum: str = "wgs84") -> gpd.GeoDataFrame:
    """``gdf`` (EPSG:4326) simplified to ``tolerance`` degrees (None: untouched) and shifted to ``datum``.

    Lines and polygons keep their topology (no self-intersections); points are only rounded.
    The result is a copy; its coordinates are lon/lat in ``datum`` (GCJ-02 for Gaode).
    """
    geoms = gdf.geometry.to_numpy()
    if tolerance is not None:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
        geoms = _round(geoms, _decimals(tolerance))
    if datum != "wgs84":
        geoms = shift_geometry(geoms, "wgs84", datum)
    out = gdf.copy()
    out.geometry = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return out


# ------------------------------------------------------------------------------------------- layer building


def _leaflet_style(style: Style, *, color: str, fill: str, layer_id: str) -> dict[str, Any]:
    """Leaflet path options for one feature (CSS px, colours ``#rrggbb``)."""
    opts: dict[str, Any] = {"color": color, "weight": style.weight, "opacity": style.opacity,
                            "className": f"mye-f mye-{layer_id}"}
    if style.kind == "line":
        opts["fill"] = False
    else:
        opts.update(fillColor=fill, fillOpacity=style.fill_opacity, fill=style.fill_opacity > 0)
    if style.kind == "point":
        opts["radius"] = style.radius
    if style.dash:
        opts["dashArray"] = style.dash
    return opts


def _js_json(value: Any) -> str:
    """JSON safe to embed in a ``<script>``: no ``</``, no raw U+2028/2029."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def feature_collection(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str) -> str:
    """The layer as compact JS: ``{"styles": [...], "data": FeatureCollection}`` with escaped tooltip/popup HTML.

    Each feature carries ``s`` (index into ``styles``), ``t`` (tooltip), ``p`` (popup) and,
    for labelled point layers, ``l`` (label) and ``a`` (its side, see :func:`label_sides`).
    Coordinates are lon/lat as given.
    """
    style = spec.style
    styles: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    feats: list = []
    geojson = shapely.to_geojson(gdf.geometry.to_numpy())
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    label_col = "name_zh" if lang == "zh" else "name_en"
    for row, geom in zip(records, geojson, strict=True):
        if geom is None:
            continue
        cat = row.get(style.category_field) if style.category_field else None
        key = str(cat)
        if key not in index:
            index[key] = len(styles)
            styles.append(_leaflet_style(style, color=style.color_for(cat), fill=style.fill_for(cat),
                                         layer_id=spec.id))
        props: dict[str, Any] = {"s": index[key], "t": tooltip_html(spec, row, lang),
                                 "p": popup_html(spec, row, lang)}
        if spec.id in LABELLED_LAYERS:
            props["l"] = html.escape(str(row.get(label_col) or row.get("name_zh") or ""))
        feats.append((props, geom))
    labelled = [(i, p) for i, (p, _) in enumerate(feats) if "l" in p]
    if labelled:
        points = shapely.from_geojson([feats[i][1] for i, _ in labelled])
        texts = [html.unescape(p["l"]) for _, p in labelled]
        for (_, p), side in zip(labelled, label_sides(shapely.get_x(points), shapely.get_y(points), texts),
                                strict=True):
            p["a"] = side
    feats = [f'{{"type":"Feature","properties":{_js_json(p)},"geometry":{g}}}' for p, g in feats]
    return f'{{"styles":{_js_json(styles)},"data":{{"type":"FeatureCollection","features":[{",".join(feats)}]}}}}'


LABEL_ZOOM = 7  # labels are placed so that they do not collide at this zoom (the default view's)
_SIDES = ("r", "l", "t", "b")  # right of, left of, above, below the point (CSS classes mye-pos-*)


def _label_box(x: float, y: float, width: float, side: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) screen pixels of a 12-px label ``width`` wide on ``side`` of the point (x, y)."""
    h = 15.0
    if side == "r":
        return x + 7, y - 8, x + 7 + width, y - 8 + h
    if side == "l":
        return x - 7 - width, y - 8, x - 7, y - 8 + h
    if side == "t":
        return x - width / 2, y - 5 - h, x + width / 2, y - 5
    return x - width / 2, y + 5, x + width / 2, y + 5 + h


def label_sides(lons: Sequence[float], lats: Sequence[float], texts: Sequence[str],
                zoom: int = LABEL_ZOOM) -> list[str]:
    """For each point (lon/lat degrees) the side its label goes on, so that labels do not overlap each other
    or another point at ``zoom`` (greedy, in the given order: the first points keep the right-hand side).
    """
    scale = 256 * 2**zoom
    xs = [(lon + 180) / 360 * scale for lon in lons]
    ys = [(1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
          for lat in lats]
    dots = [(x - 6, y - 6, x + 6, y + 6) for x, y in zip(xs, ys, strict=True)]
    placed: list[tuple[float, float, float, float]] = []

    def clashes(box: tuple[float, float, float, float], own: int) -> int:
        hits = sum(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed)
        return hits + sum(box[0] < d[2] and d[0] < box[2] and box[1] < d[3] and d[1] < box[3]
                          for j, d in enumerate(dots) if j != own)

    sides = []
    for i, (x, y, text) in enumerate(zip(xs, ys, texts, strict=True)):
        width = sum(12.5 if ord(ch) > 0x2E80 else 7.0 for ch in text)
        boxes = {side: _label_box(x, y, width, side) for side in _SIDES}
        side = min(_SIDES, key=lambda k: (clashes(boxes[k], i), _SIDES.index(k)))
        placed.append(boxes[side])
        sides.append(side)
    return sides


class _LayerScript(_RawMacro):
    """Draws one layer's feature collection into its parent FeatureGroup."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (group) {
  var d = {{ this.payload }};
  L.geoJson(d.data, {
    style: function (f) { return d.styles[f.properties.s]; },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, d.styles[f.properties.s]); },
    onEachFeature: function (f, l) {
      l.bindTooltip(f.properties.t, {sticky: true, className: 'mye-tip'});
      l.bindPopup(f.properties.p, {maxWidth: 360});
      if (f.properties.l) {
        L.marker(l.getLatLng(), {interactive: false, keyboard: false, icon: L.divIcon({
          className: 'mye-label', html: '<span class="mye-pos-' + (f.properties.a || 'r') + '">' + f.properties.l +
          '</span>', iconSize: null, iconAnchor: [0, 0]})}).addTo(group);
      }
    }
  }).addTo(group);
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, payload: str) -> None:
        super().__init__()
        self._name = "MyeLayer"
        self.payload = payload


# -------------------------------------------------------------------------------------------------- legend


def _symbol(style: Style) -> str:
    """An inline SVG symbol (16x12 px) for a legend row."""
    stroke, fill = html.escape(style.color), html.escape(style.fill_color or style.color)
    dash = f' stroke-dasharray="{html.escape(style.dash)}"' if style.dash else ""
    if style.kind == "point":
        r = max(2.0, min(style.radius, 6.0))
        body = (f'<circle cx="8" cy="6" r="{r:g}" stroke="{stroke}" stroke-width="2" fill="{fill}" '
                f'fill-opacity="{style.fill_opacity:g}"/>')
    elif style.kind == "line":
        body = f'<line x1="1" y1="6" x2="15" y2="6" stroke="{stroke}" stroke-width="{min(style.weight, 5):g}"{dash}/>'
    else:
        body = (f'<rect x="1" y="1" width="14" height="10" stroke="{stroke}" stroke-width="{min(style.weight, 2):g}"'
                f' fill="{fill}" fill-opacity="{max(style.fill_opacity, 0.08):g}"{dash}/>')
    return f'<svg width="16" height="12" viewBox="0 0 16 12">{body}</svg>'


def legend_html(specs: Sequence[tuple[LayerSpec, Mapping[str, Any]]], lang: str) -> str:
    """Legend markup for exactly ``specs`` (the visible layers with their build parameters, in drawing order)."""
    title = "图例" if lang == "zh" else "Legend"
    hint = "点击收起或展开图例" if lang == "zh" else "Click to fold or unfold the legend"
    # The heading folds the legend away, so that it does not hide the map beneath it (南昌 at 1440 x 900).
    parts = [f"<h4 class='mye-lhead' role='button' tabindex='0' title='{hint}'>{title}</h4>"]
    for spec, params in reversed(specs):  # top-most layer first
        items = spec.legend_items(**params)
        parts.append(f"<div class='mye-layer' data-layer='{html.escape(spec.id)}'>")
        heading = spec.legend_title(lang, **params)  # the circles' heading says their thresholds and mode
        titled = len(items) > 1 or items[0].label(lang) != heading
        if titled:
            parts.append(f"<div class='mye-ltitle'>{html.escape(heading)}</div>")
        if len(items) > 1 and all(i.row(lang) and i.col(lang) for i in items):
            parts.append(_legend_grid(items, lang))
        else:
            # A layer of one row is its own heading: set like one, so it does not read as a row of the layer above.
            row = "mye-row" if titled else "mye-row mye-solo"
            parts.extend(f"<div class='{row}'>{_symbol(item.style)}<span>{html.escape(item.label(lang))}</span>"
                         "</div>" for item in items)
        parts.append("</div>")
    return "".join(parts)


def _legend_grid(items: Sequence[LegendItem], lang: str) -> str:
    """Items that name a row and a column as a table: the circles' nine bands in four lines, not nine; each
    swatch keeps its item's full label as its title and accessible name."""
    cols = list(dict.fromkeys(i.col(lang) for i in items))
    cells = {(i.row(lang), i.col(lang)): i for i in items}
    head = "".join(f"<th scope='col'>{html.escape(c)}</th>" for c in cols)
    body = []
    for r in dict.fromkeys(i.row(lang) for i in items):
        tds = []
        for c in cols:
            item = cells.get((r, c))
            label = html.escape(item.label(lang)) if item else ""
            tds.append(f"<td title='{label}' aria-label='{label}'>{_symbol(item.style)}</td>" if item else "<td></td>")
        body.append(f"<tr><th scope='row'>{html.escape(r)}</th>{''.join(tds)}</tr>")
    return f"<table class='mye-grid'><tr><td></td>{head}</tr>{''.join(body)}</table>"


_LEGEND_JS = """
if (window.__myeLegend) { window.__myeLegend.remove(); }
var c = L.control({position: 'bottomright'});
c.onAdd = function () {
  var d = L.DomUtil.create('div', 'mye-legend');
  d.innerHTML = %s;
  var h = d.querySelector('.mye-lhead');
  function show(shut) {
    d.classList.toggle('mye-shut', shut);
    h.setAttribute('aria-expanded', String(!shut));
    window.__myeLegendShut = shut;  // kept when the legend is rebuilt on the next run
  }
  show(!!window.__myeLegendShut);
  h.addEventListener('click', function () { show(!d.classList.contains('mye-shut')); });
  h.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(!d.classList.contains('mye-shut')); }
  });
  L.DomEvent.disableClickPropagation(d);
  L.DomEvent.disableScrollPropagation(d);
  return d;
};
c.addTo(map);
window.__myeLegend = c;
"""

_BASEMAP_LANG_JS = "if (window.__myeBasemapLang) { window.__myeBasemapLang(%s); }"

_FLY_MARKER_JS = """
L.circleMarker([%(lat).6f, %(lon).6f], {radius: 14, color: '#ff7f00', weight: 3, fill: false,
  className: 'mye-f mye-search', interactive: false}).addTo(parent);
"""


# ------------------------------------------------------------------------------------------------ overlays


@lru_cache(maxsize=256)
def _payload(layer_id: str, revision: str, params: tuple[tuple[str, Any], ...], lang: str, datum: str,
             tolerance: float | None, network: str) -> str:
    """A layer's GeoJSON for the web map; ``network`` is the what-if network's key (part of the cache key only)."""
    spec = layers.get(layer_id)
    gdf = layer_frame(spec, dict(params))
    if spec.style.bands:
        gdf = as_bands(gdf, *spec.style.bands)
    gdf = prepare(gdf, tolerance=tolerance, datum=datum)
    return feature_collection(spec, gdf, lang)


def overlay_groups(
    specs: Sequence[tuple[LayerSpec, Mapping[str, Any]]],
    *,
    lang: str,
    datum: str = "wgs84",
    tolerance: float | None,
    highlight: tuple[float, float] | None = None,
) -> tuple[list[folium.FeatureGroup], list[tuple[str, str]]]:
    """One FeatureGroup per ``(spec, params)`` in drawing order, then the legend group.

    ``highlight`` is a (lon, lat) WGS-84 point ringed on the map (a searched city).
    Returns the groups and ``(layer id, error)`` for layers that failed to build (they are left out).
    """
    groups, drawn, errors = [], [], []
    for spec, params in specs:
        try:
            payload = _payload(spec.id, spec.revision, tuple(sorted(params.items())), lang, datum, tolerance,
                               active_network_key())
        except Exception as err:  # a layer whose data is missing must not take the whole map down
            errors.append((spec.id, f"{type(err).__name__}: {err}"))
            continue
        group = folium.FeatureGroup(name=spec.id, control=False)
        group.add_child(_LayerScript(payload))
        groups.append(group)
        drawn.append((spec, params))
    furniture = folium.FeatureGroup(name="legend", control=False)
    furniture.add_child(_Script(_LEGEND_JS % _js_json(legend_html(drawn, lang))))
    furniture.add_child(_Script(_BASEMAP_LANG_JS % _js_json(lang)))
    if highlight is not None:
        lon, lat = highlight
        if datum != "wgs84":
            glon, glat = chinacoords.wgs84_to_gcj02([lon], [lat])
            lon, lat = float(glon[0]), float(glat[0])
        furniture.add_child(_Script(_FLY_MARKER_JS % {"lat": lat, "lon": lon}))
    groups.append(furniture)
    return groups, errors
