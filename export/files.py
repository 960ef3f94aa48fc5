"""Write layers to GIS files: GeoJSON (RFC 7946) and GeoPackage, in WGS-84."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd

from geo.crs import WGS84

__all__ = ["FORMATS", "ExportError", "check_target", "writable_folder", "write_layer"]

FORMATS = {".geojson": "GeoJSON", ".gpkg": "GPKG"}


class ExportError(ValueError):
    """A layer could not be written where or how the user asked."""


def check_target(path: Path, formats: dict[str, str] = FORMATS) -> str:
    """The OGR driver for ``path``'s extension; raise :class:`ExportError` if unsupported or unwritable."""
    driver = formats.get(path.suffix.lower())
    if driver is None:
        raise ExportError(f"{path}: unsupported extension {path.suffix or '(none)'!r}; use {', '.join(formats)}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise ExportError(f"{path}: folder {parent} does not exist")
    if not parent.is_dir():
        raise ExportError(f"{path}: {parent} is not a folder")
    if not writable_folder(parent):
        raise ExportError(f"{path}: folder {parent} is not writable")
    if path.is_dir():
        raise ExportError(f"{path}: is a folder")
    return driver


def writable_folder(folder: Path) -> bool:
    """Whether a file can be made in ``folder``, tried for real: access() says yes to root on /proc or a share
    that refuses writes, and the error would otherwise come from the writer after all the work is done."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def write_layer(gdf: gpd.GeoDataFrame, path: Path, *, layer_name: str) -> Path:
    """Write ``gdf`` (EPSG:4326) to ``path``; the format follows the extension.

    GeoJSON is written per RFC 7946 (lon/lat WGS-84); a GeoPackage gets one
    table named ``layer_name`` (replaced if present).
    """
    driver = check_target(path)
    gdf = gdf.to_crs(WGS84)
    options = {"RFC7946": "YES", "WRITE_NAME": "NO"} if driver == "GeoJSON" else {}
    if driver == "GeoJSON":
        path.unlink(missing_ok=True)
    try:
        gdf.to_file(path, driver=driver, layer=layer_name if driver == "GPKG" else None, engine="pyogrio",
                    layer_options=options)
    except (OSError, RuntimeError) as err:
        raise ExportError(f"{path}: cannot write ({err})") from err
    return path
