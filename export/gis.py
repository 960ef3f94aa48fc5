"""Export the visible layers as GIS files.

Everything a planner sees can leave the app in one download:

* layers as one GeoPackage (one table per layer), GeoJSON, KML (one folder per
  layer; Google Earth, 奥维互动地图) or a zip of Shapefiles (UTF-8, with
  ``.cpg`` so Chinese names survive in ArcGIS/QGIS);
* the tables are in :mod:`export.tables`.

Layers are stored in EPSG:4326; on export they are reprojected to the chosen
CRS: WGS-84 (default), CGCS2000 geographic (EPSG:4490) or the CGCS2000
3-degree Gauss–Krüger zone whose central meridian is nearest the centre of the
exported extent. Functions return :class:`Download` (bytes, filename, MIME) so
the app can hand them to ``st.download_button`` directly.
"""

from __future__ import annotations

import html
import io
import json
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from pyproj import CRS

from export.download import Download, stamp
from export.files import ExportError
from geo.crs import CGCS2000, WGS84, gk_zone_crs
from layers.frames import layer_frame, visible_layers
from layers.view import ViewState

__all__ = [
    "CRS_CHOICES",
    "LAYER_FORMATS",
    "LayerFailure",
    "export_crs",
    "export_layers",
    "view_frames",
]

# Format key -> (file extension, MIME type).
LAYER_FORMATS: Mapping[str, tuple[str, str]] = {
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "geojson": (".geojson", "application/geo+json"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "shp": (".shp.zip", "application/zip"),
}
# User-facing CRS choices (key -> bilingual label); "gk" is resolved from the extent.
CRS_CHOICES: Mapping[str, tuple[str, str]] = {
    "wgs84": ("WGS-84 经纬度 (EPSG:4326)", "WGS-84 lon/lat (EPSG:4326)"),
    "cgcs2000": ("CGCS2000 经纬度 (EPSG:4490)", "CGCS2000 lon/lat (EPSG:4490)"),
    "gk": ("CGCS2000 高斯-克吕格 3度带 (按范围中心)", "CGCS2000 Gauss–Krüger 3° zone (from extent centre)"),
}
# Shapefile/DBF limit; longer text is cut by the driver, so it is worth knowing.
_SHP_MAX_FIELD = 10


@dataclass(frozen=True)
class LayerFailure:
    """A visible layer that could not be built (e.g. its data file is missing)."""

    layer_id: str
    message: str


def view_frames(
    view: ViewState, layer_ids: Sequence[str] | None = None
) -> tuple[dict[str, gpd.GeoDataFrame], list[LayerFailure]]:
    """Build the view's visible layers (EPSG:4326), in the catalogue's drawing order.

    ``layer_ids`` overrides ``view.layers``. Unknown ids raise
    :class:`~layers.registry.UnknownLayerError`; a layer that fails to build is
    reported in the second return value instead of stopping the export.
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    failures: list[LayerFailure] = []
    for spec, params in visible_layers(view, None if layer_ids is None else tuple(layer_ids)):
        try:
            frames[spec.id] = layer_frame(spec, params)
        except Exception as err:  # one broken layer must not sink a whole briefing
            failures.append(LayerFailure(spec.id, f"{type(err).__name__}: {err}"))
    return frames, failures


def export_crs(choice: str | int | CRS, frames: Iterable[gpd.GeoDataFrame] = ()) -> CRS:
    """The CRS for an export: ``"wgs84"``, ``"cgcs2000"``, ``"gk"`` or any EPSG code/CRS string.

    ``"gk"`` picks the CGCS2000 3-degree Gauss–Krüger zone (EPSG:4534–4554)
    whose central meridian is nearest the centre longitude of ``frames``'
    combined extent (EPSG:4326). Anything else is handed to pyproj.
    """
    if isinstance(choice, CRS):
        return choice
    key = str(choice).strip().lower()
    if key in ("wgs84", "wgs-84", "4326", "epsg:4326"):
        return WGS84
    if key in ("cgcs2000", "4490", "epsg:4490"):
        return CGCS2000
    if key == "gk":
        bounds = [f.total_bounds for f in frames if len(f) and not f.geometry.is_empty.all()]
        if not bounds:
            raise ExportError("a Gauss–Krüger zone is chosen from the extent, but there is nothing to export")
        b = np.array(bounds)
        centre_lon = (np.nanmin(b[:, 0]) + np.nanmax(b[:, 2])) / 2.0
        return gk_zone_crs(float(centre_lon))
    try:
        return CRS.from_user_input(int(key) if key.isdigit() else choice)
    except Exception as err:  # pyproj raises CRSError, a plain Exception subclass
        raise ExportError(f"unknown CRS {choice!r}; use wgs84, cgcs2000, gk or an EPSG code") from err


def _plain_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Columns that every driver can store: lists/dicts become JSON text, times ISO strings."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple, dict, set))).any():
            out[col] = series.map(
                lambda v: json.dumps(list(v) if isinstance(v, (tuple, set)) else v, ensure_ascii=False)
                if isinstance(v, (list, tuple, dict, set)) else v
            )
    return out


def export_layers(
    frames: Mapping[str, gpd.GeoDataFrame],
    fmt: str = "gpkg",
    *,
    crs: str | int | CRS = "wgs84",
    stem: str = "middle_yangtze",
) -> Download:
    """Write ``frames`` (layer id -> GeoDataFrame in EPSG:4326) as one download.

    ``fmt``: ``gpkg`` (one table per layer id), ``geojson`` (one file for one
    layer, else a zip with one ``<id>.geojson`` each; RFC 7946 in WGS-84, the
    legacy ``crs`` member otherwise), ``kml`` (one ``Folder`` per layer; always
    WGS-84 as KML requires) or ``shp`` (a zip with one UTF-8 Shapefile per
    layer and geometry type, each with ``.prj`` and ``.cpg``).
    ``crs``: see :func:`export_crs`.
    """
    if fmt not in LAYER_FORMATS:
        raise ExportError(f"unknown layer format {fmt!r}; use {', '.join(LAYER_FORMATS)}")
    if not frames:
        raise ExportError("no layers to export")
    target = export_crs(crs, frames.values())
    notices: list[str] = []
    if fmt == "kml" and not target.equals(WGS84):
        notices.append("KML is always WGS-84 (EPSG:4326); the chosen CRS was not applied")
        target = WGS84
    ext, mime = LAYER_FORMATS[fmt]
    out = {lid: _plain_columns(gdf.to_crs(target)) for lid, gdf in frames.items()}
    with tempfile.TemporaryDirectory(prefix="mye_export_") as tmp:
        folder = Path(tmp)
        if fmt == "gpkg":
            path = folder / f"{stem}.gpkg"
            for lid, gdf in out.items():
                _write(gdf, path, driver="GPKG", layer=lid)
            data = path.read_bytes()
        elif fmt == "kml":
            path = folder / f"{stem}.kml"
            for lid, gdf in out.items():
                # LIBKML can add layers to one file; FOLDER makes each a <Folder> as Google Earth and 奥维 expect.
                # LIBKML writes the layer name both raw (the Folder's id) and escaped (its <name>): no escaping
                # suits both, so the one character a layer id may hold that breaks the id is replaced.
                folder = lid.replace("&", "＆")
                if folder != lid:
                    notices.append(f"{lid}: KML folder named {folder} ('&' cannot stand in a KML id)")
                _write(_kml_ready(gdf), path, driver="LIBKML", layer=folder, FOLDER="YES")
            data = path.read_bytes()
        elif fmt == "geojson":
            options = {"RFC7946": "YES", "WRITE_NAME": "YES"} if target.equals(WGS84) else {"WRITE_NAME": "YES"}
            paths = []
            for lid, gdf in out.items():
                paths.append(folder / f"{lid}.geojson")
                _write(gdf, paths[-1], driver="GeoJSON", layer=lid, **options)
            if len(paths) == 1:
                data = paths[0].read_bytes()
                return Download(data, stamp(f"{stem}_{next(iter(out))}", ".geojson"), mime, tuple(notices))
            data = _zip(paths)
            return Download(data, stamp(f"{stem}_geojson", ".zip"), "application/zip", tuple(notices))
        else:
            paths = []
            for lid, gdf in out.items():
                long_cols = [c for c in gdf.columns if c != gdf.geometry.name and len(c) > _SHP_MAX_FIELD]
                if long_cols:
                    notices.append(f"{lid}: Shapefile field names are cut to 10 characters ({', '.join(long_cols)})")
                for suffix, part in _by_geometry_type(gdf):
                    shp = folder / f"{lid}{suffix}.shp"
                    # The driver's own warnings (laundered names, cut text) are summarised in the notices.
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        _write(part, shp, driver="ESRI Shapefile", ENCODING="UTF-8")
                    paths += sorted(p for p in folder.iterdir() if p.stem == shp.stem)
                cut = [c for c in gdf.columns if c != gdf.geometry.name and gdf[c].map(_too_long).any()]
                if cut:
                    notices.append(f"{lid}: Shapefile text holds at most 254 bytes; longer {', '.join(cut)} is cut")
            data = _zip(paths)
    return Download(data, stamp(stem, ext), mime, tuple(notices))


def _write(gdf: gpd.GeoDataFrame, path: Path, *, driver: str, layer: str | None = None, **options: str) -> None:
    try:
        gdf.to_file(path, driver=driver, layer=layer, engine="pyogrio", append=path.exists() and driver != "GeoJSON",
                    layer_options=options or None)
    except (OSError, RuntimeError, ValueError) as err:
        raise ExportError(f"cannot write {layer or path.name} as {driver}: {err}") from err


def _too_long(value: Any) -> bool:
    """Whether a value exceeds the DBF text limit (254 bytes of UTF-8)."""
    return isinstance(value, str) and len(value.encode("utf-8")) > 254


def _kml_ready(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """KML names placemarks from a ``Name`` field; use the Chinese name so Google Earth labels it.

    Field names are escaped for LIBKML (see :func:`_kml_attribute`); the cell values it escapes itself.
    """
    out = gdf.copy()
    out.insert(0, "Name", out["name_zh"].fillna(out["name_en"]) if "name_zh" in out else "")
    return out.rename(columns={c: _kml_attribute(c) for c in out.columns if c != out.geometry.name})


def _kml_attribute(name: str) -> str:
    """``name`` escaped for an XML attribute: LIBKML writes field names into ``name=""`` as they are, so a column
    ``a&b`` would make a file no KML reader opens (tests/export checks the round trip)."""
    return html.escape(str(name), quote=True)


def _by_geometry_type(gdf: gpd.GeoDataFrame) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Split a layer by point/line/polygon: a Shapefile holds one geometry type only."""
    family = gdf.geometry.geom_type.fillna("None").str.replace("Multi", "", regex=False)
    kinds = [k for k in ("Point", "LineString", "Polygon") if (family == k).any()]
    if len(kinds) <= 1:
        return [("", gdf)]
    suffix = {"Point": "_point", "LineString": "_line", "Polygon": "_polygon"}
    return [(suffix[k], gdf[family == k]) for k in kinds]


def _zip(paths: Iterable[Path]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in paths:
            zf.write(p, arcname=p.name)
    return buf.getvalue()


