"""User layers as :class:`~layers.spec.LayerSpec`: import a file into the workspace, and list what is there.

A user layer's id is ``user.NAME``; it sits in :attr:`Group.USER` ("我的数据 / My data"),
draws above the plan's layers, and lists every attribute column in ``fields``
so popups, tables and exports show them (renderers escape the text).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers.registry import builtin_ids
from layers.spec import REQUIRED_FIELDS, Group, LayerSpec, Style
from workspace.errors import BadNameError, LayerExistsError, UserDataError
from workspace.reader import ReadOptions, read_file
from workspace.store import USER_PREFIX, LayerStyle, UserLayer, Workspace, check_name

__all__ = ["USER_PREFIX", "ImportReport", "import_file", "layer_id", "prepare_frame", "spec_for", "user_specs"]

log = logging.getLogger(__name__)

# Columns that name a feature, most specific first (matched case-insensitively).
_NAME_COLUMNS = ("name_zh", "名称", "名字", "项目名称", "项目", "站名", "地名", "标题", "name", "title", "名称_1")
_NAME_EN_COLUMNS = ("name_en", "英文名", "english", "name_english")


def layer_id(name: str) -> str:
    """The layer id of user layer ``name``."""
    return f"{USER_PREFIX}{name}"


@dataclass(frozen=True)
class ImportReport:
    """What an import stored: the layer record, its id and any warnings (one line each)."""

    layer: UserLayer
    layer_id: str
    warnings: tuple[str, ...]


def _pick(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[w.lower()] for w in wanted if w.lower() in lower), None)


def prepare_frame(frame: gpd.GeoDataFrame, *, title: str, source_file: str) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """``frame`` with the layer contract's ``name_zh``, ``name_en`` and ``source`` columns first, and its fields.

    Names come from a name-like column (名称, name, …), else the first text column, else ``title #n``;
    ``name_en`` repeats the Chinese name when the file has none; ``source`` is the file name.
    """
    out = frame.copy()
    attrs = [c for c in out.columns if c != out.geometry.name]
    numbered = pd.Series([f"{title} #{i + 1}" for i in range(len(out))], index=out.index)
    name_col = _pick(attrs, _NAME_COLUMNS) or next(
        (c for c in attrs if out[c].map(lambda v: isinstance(v, str) and v.strip() != "").any()), None)
    names = out[name_col].astype("string").str.strip() if name_col else numbered
    names = names.mask(names.isna() | (names == ""), numbered).astype(str)
    en_col = _pick(attrs, _NAME_EN_COLUMNS)
    en = out[en_col].astype("string").str.strip() if en_col else names
    en = en.mask(en.isna() | (en == ""), names).astype(str)
    source = out["source"].astype("string").fillna(source_file).astype(str) if "source" in attrs else source_file
    fields = tuple(c for c in attrs if c not in REQUIRED_FIELDS)
    out = out.drop(columns=[c for c in REQUIRED_FIELDS if c in attrs])
    out.insert(0, "source", source)
    out.insert(0, "name_en", en.to_numpy())
    out.insert(0, "name_zh", names.to_numpy())
    return out, fields


def import_file(path: str | os.PathLike, name: str, *, options: ReadOptions | None = None,
                workspace: Workspace | None = None, title: str | None = None, style: LayerStyle | None = None,
                replace: bool = False, source_name: str | None = None) -> ImportReport:
    """Read, check and store one file as user layer ``name``; the workspace is untouched on any error.

    ``source_name`` is the file name to record and show (the app's upload has a temporary path).
    Raises :class:`~workspace.errors.UserDataError` subclasses with one-line messages.
    """
    workspace = workspace or Workspace()
    name = check_name(name)
    if name in builtin_ids():
        raise BadNameError(f"layer name {name!r} is a built-in layer id; choose another name")
    if not replace and any(la.name == name for la in workspace.layers()):
        raise LayerExistsError(f"{workspace.path.name}: a user layer {name!r} exists already; choose another name")
    result = read_file(path, options)
    source_file = source_name or Path(path).name
    frame, fields = prepare_frame(result.frame, title=title or name, source_file=source_file)
    layer = workspace.add_layer(name, frame, fields=fields, title=title, style=style, source_file=source_file,
                                source_crs=result.crs_label, replace=replace)
    return ImportReport(layer, layer_id(name), result.warnings)


def _build(workspace: Workspace, table: str) -> gpd.GeoDataFrame:
    return workspace.read_table(table)


def spec_for(layer: UserLayer, workspace: Workspace) -> LayerSpec:
    """The :class:`LayerSpec` drawing ``layer`` (built by reading its workspace table)."""
    s = layer.style
    style = Style(kind=layer.kind, color=s.color, weight=s.weight, radius=s.radius, fill_color=s.color,
                  fill_opacity=s.fill_opacity if layer.kind != "line" else 0.0)
    return LayerSpec(id=layer_id(layer.name), title_zh=layer.title, title_en=layer.title, group=Group.USER,
                     build=partial(_build, workspace, layer.table), style=style, fields=layer.fields,
                     attribution=layer.source_file, revision=f"{layer.imported_at}|{s}")


def user_specs(workspace: Workspace | None = None) -> tuple[LayerSpec, ...]:
    """Specs for every layer in ``workspace`` (default: :func:`~workspace.store.default_path`).

    A damaged or foreign workspace file is logged and yields no layers, so the plan's layers still work.
    """
    workspace = workspace or Workspace()
    try:
        return tuple(spec_for(layer, workspace) for layer in workspace.layers())
    except UserDataError as err:
        log.warning("user layers unavailable: %s", err)
        return ()
