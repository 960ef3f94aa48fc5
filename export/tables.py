"""Export the travel-time tables (matrix, plan targets, circle statistics) as CSV or XLSX.

CSV is UTF-8 with a BOM so Excel shows Chinese; XLSX has one sheet per table.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from export.download import Download, stamp
from export.files import ExportError
from export.gis import view_frames
from geo.options import engine_year
from layers.registry import get
from layers.spec import Kind
from layers.view import ViewState

__all__ = ["TABLE_FORMATS", "export_tables", "travel_tables"]

TABLE_FORMATS: Mapping[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "table"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:28]}_{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def export_tables(tables: Mapping[str, pd.DataFrame], fmt: str = "xlsx", *, stem: str = "middle_yangtze") -> Download:
    """Tables as a download: ``xlsx`` (one sheet per table) or ``csv`` (one file, or a zip of several).

    CSV is UTF-8 with a byte-order mark, which Excel needs to show Chinese
    text; a named index (e.g. a matrix's ``from``) is written as a column.
    """
    if fmt not in TABLE_FORMATS:
        raise ExportError(f"unknown table format {fmt!r}; use {', '.join(TABLE_FORMATS)}")
    if not tables:
        raise ExportError("no tables to export")
    ext, mime = TABLE_FORMATS[fmt]
    keep_index = {name: any(n is not None for n in df.index.names) for name, df in tables.items()}
    if fmt == "xlsx":
        buf = io.BytesIO()
        used: set[str] = set()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            for name, df in tables.items():
                df.to_excel(writer, sheet_name=_sheet_name(name, used), index=keep_index[name])
        return Download(buf.getvalue(), stamp(stem, ext), mime)
    texts = {name: df.to_csv(index=keep_index[name]).encode("utf-8-sig") for name, df in tables.items()}
    if len(texts) == 1:
        name, data = next(iter(texts.items()))
        return Download(data, stamp(f"{stem}_{name}", ext), mime)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in texts.items():
            zf.writestr(f"{name}.csv", data)
    return Download(buf.getvalue(), stamp(f"{stem}_tables", ".zip"), "application/zip")


def travel_tables(view: ViewState, frames: Mapping[str, gpd.GeoDataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """The tables behind a view: door-to-door matrix (minutes), plan-target checks, circle statistics.

    Circle statistics are the attribute tables (no geometry) of the visible
    parameterised layers in ``frames`` (default: built from the view). The
    matrix and targets use the view's network year and road assumptions.
    """
    from geo.traveltime import plan_targets, travel_time_matrix

    kw = {"year": engine_year(view.year), "model": view.road_model()}
    tables: dict[str, pd.DataFrame] = {"matrix_door_min": travel_time_matrix(kind="door", **kw).round(1)}
    targets = plan_targets(**kw)
    tables["targets_core_commute"] = targets.core_commute
    tables["targets_member_pairs"] = targets.member_pairs
    tables["targets_neighbour_cores"] = targets.neighbour_cores
    frames = view_frames(view)[0] if frames is None else frames
    for lid, gdf in frames.items():
        if get(lid).kind is Kind.CIRCLES:
            tables[f"{lid}_stats"] = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return tables
