"""Export the travel-time tables (matrix, plan targets, circle statistics) as CSV or XLSX, with labelled figures.

CSV is UTF-8 with a BOM so Excel shows Chinese; XLSX has one sheet per table. Every time says which figure it
is: "fastest scheduled, station to station", "typical, incl. expected wait, station to station" or "door to door"
(with the rail figure it uses), in the column header of a target table and in the name of a matrix.
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
from layers.i18n import t
from layers.registry import get
from layers.spec import Kind
from layers.view import ViewState

__all__ = ["TABLE_FORMATS", "export_tables", "matrix_title", "target_table", "travel_tables"]

_TARGET_COLUMNS = ("core", "city", "city_a", "city_b", "neighbour", "door_ok", "rail_min", "rail_ok", "typical_min",
                   "typical_ok")

TABLE_FORMATS: Mapping[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

def target_table(df: pd.DataFrame, lang: str, figure: str) -> pd.DataFrame:
    """A plan-target table (:class:`geo.traveltime.PlanTargets`) with names and headers in ``lang``: every time
    column says which figure it is (fastest scheduled / typical, station to station; door to door with the rail
    ``figure``); minutes rounded to whole minutes."""
    from layers.catalogue.circles import english_names

    en = english_names()
    out = df.copy()
    for col in ("core", "city", "city_a", "city_b", "neighbour"):
        if col in out and lang == "en":
            out[col] = out[col].map(lambda n: en.get(n, n))
    for col in ("door_min", "rail_min", "typical_min"):
        if col in out:
            out[col] = out[col].round(0)
    titles = {c: t(f"col_{c}", lang) for c in _TARGET_COLUMNS} | {"door_min": t(f"col_door_min_{figure}", lang)}
    return out.rename(columns={c: title for c, title in titles.items() if c in out})


def matrix_title(kind: str, figure: str, lang: str) -> str:
    """What a matrix holds, in ``lang``: ``kind="door"`` door to door with the rail ``figure``; ``"rail"`` the
    fastest scheduled or ``"typical"`` the typical station-to-station time."""
    return t(f"matrix_door_{figure}" if kind == "door" else f"matrix_{kind}", lang)


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
    """The tables behind a view: travel-time matrices (minutes), plan-target checks, circle statistics.

    ``matrix_door_min`` is door to door with the view's rail figure, ``matrix_rail_fastest_min`` and
    ``matrix_rail_typical_min`` station to station in either figure (the matrix's index names the figure); the
    target tables carry both station-to-station figures and door to door, headed in the view's language.
    Circle statistics are the attribute tables (no geometry) of the visible
    parameterised layers in ``frames`` (default: built from the view). The
    matrices and targets use the view's network year and road assumptions.
    """
    from geo.traveltime import plan_targets, travel_time_matrix

    kw = {"year": engine_year(view.year), "model": view.road_model()}
    # table name -> (engine kind, rail figure, matrix_title kind)
    matrices = {"matrix_door_min": ("door", view.figure, "door"),
                "matrix_rail_fastest_min": ("rail", "fastest", "rail"),
                "matrix_rail_typical_min": ("rail", "typical", "typical")}
    tables: dict[str, pd.DataFrame] = {}
    for name, (kind, figure, title) in matrices.items():
        matrix = travel_time_matrix(kind=kind, figure=figure, **kw).round(1)
        # The index's name heads the first column of the file: it says which figure the minutes are.
        matrix.index.name = f"{matrix_title(title, figure, view.lang)} · from"
        tables[name] = matrix
    targets = plan_targets(figure=view.figure, **kw)
    tables["targets_core_commute"] = target_table(targets.core_commute, view.lang, view.figure)
    tables["targets_member_pairs"] = target_table(targets.member_pairs, view.lang, view.figure)
    tables["targets_neighbour_cores"] = target_table(targets.neighbour_cores, view.lang, view.figure)
    frames = view_frames(view)[0] if frames is None else frames
    for lid, gdf in frames.items():
        if get(lid).kind is Kind.CIRCLES:
            tables[f"{lid}_stats"] = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    return tables
