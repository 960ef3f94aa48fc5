"""The planner's workspace: user layers, named views and what-if scenarios in one GeoPackage (SQLite) file.

The file is a standard GeoPackage (QGIS and ArcGIS open it): one feature table
per user layer (``mye_user_<hex>``, EPSG:4326), plus ``mye_layers`` (name,
title, style, fields, source file and system, import time), ``mye_views``
(name, :meth:`~layers.view.ViewState.to_query` string) and ``mye_scenarios``
(name, the scenario as JSON in the :mod:`geo.scenario` file schema; created on
the first save, so older workspaces still open), registered as attribute tables.

Durability: the database runs in WAL mode and every change is one
``BEGIN IMMEDIATE`` transaction, so a crash or a killed process leaves the
previous state, and concurrent writers (two browser sessions, the CLI) wait
for each other (busy timeout) instead of failing. A layer is first written
by GDAL into a scratch GeoPackage outside the workspace, then copied in
with SQL inside the transaction; nothing touches the workspace until the
input is fully read and checked.

Location: ``$MYE_WORKSPACE``, else ``workspace.gpkg`` in the user data folder
(``platformdirs.user_data_dir("middle-yangtze-explorer")``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from dataclasses import replace as replace_record
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pyogrio
import shapely
from platformdirs import user_data_dir

from geo.crs import WGS84
from geo.errors import ScenarioError
from geo.scenario import Scenario, scenario_from_dict, scenario_to_dict
from layers.registry import builtin_ids
from workspace.errors import (
    BadNameError,
    FileTooLargeError,
    LayerExistsError,
    UnknownUserLayerError,
    UserDataError,
    WorkspaceError,
)
from workspace.scratch import scratch_dir

__all__ = [
    "PALETTE",
    "USER_PREFIX",
    "WORKSPACE_ENV",
    "LayerStyle",
    "MergeReport",
    "UserLayer",
    "Workspace",
    "check_name",
    "default_path",
]

WORKSPACE_ENV = "MYE_WORKSPACE"
APP_DIR = "middle-yangtze-explorer"
BUSY_TIMEOUT_S = 60.0
MAX_NAME = 60
_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION = 10400  # GeoPackage 1.4
# Colours for new layers in turn: distinct from the plan layers' reds, blues and greens.
PALETTE = ("#e6550d", "#8c2d04", "#d6308e", "#6a51a3", "#00a0a0", "#b8860b", "#e7298a", "#1b9e77", "#636363",
           "#ff7f00")
USER_PREFIX = "user."  # a user layer's id is USER_PREFIX + its name
# Characters that break layer-id lists (commas), file names on Windows, or read as markup/paths.
_BAD_NAME = re.compile(r"[,，:;/\\*?\"<>|\x00-\x1f\x7f]")
# Unicode that hides or reorders text (bidi overrides, zero-width characters) or breaks lines; shown nowhere.
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_KINDS = ("point", "line", "polygon")

_SCENARIO_TABLE = ("CREATE TABLE IF NOT EXISTS mye_scenarios (name TEXT NOT NULL PRIMARY KEY, body TEXT NOT NULL, "
                   "saved_at TEXT NOT NULL)",
                   "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) VALUES "
                   "('mye_scenarios', 'attributes', 'mye_scenarios', 'Middle Yangtze Explorer: what-if scenarios')")
_SCHEMA = f"""
PRAGMA application_id = {_GPKG_APPLICATION_ID};
PRAGMA user_version = {_GPKG_USER_VERSION};
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE mye_layers (
  name TEXT NOT NULL PRIMARY KEY, table_name TEXT NOT NULL UNIQUE, title TEXT NOT NULL, kind TEXT NOT NULL,
  style TEXT NOT NULL, fields TEXT NOT NULL, source_file TEXT NOT NULL, source_crs TEXT NOT NULL,
  feature_count INTEGER NOT NULL, imported_at TEXT NOT NULL);
CREATE TABLE mye_views (name TEXT NOT NULL PRIMARY KEY, query TEXT NOT NULL, saved_at TEXT NOT NULL);
{";".join(_SCENARIO_TABLE)};
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('mye_layers', 'attributes', 'mye_layers', 'Middle Yangtze Explorer: user layers'),
         ('mye_views', 'attributes', 'mye_views', 'Middle Yangtze Explorer: saved views');
"""
_SRS_ROWS = (
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84.to_wkt("WKT1_GDAL"), "longitude/latitude WGS 84"),
)


def default_path() -> Path:
    """``$MYE_WORKSPACE`` if set, else ``workspace.gpkg`` in the user data folder."""
    env = os.environ.get(WORKSPACE_ENV, "").strip()
    return Path(env).expanduser() if env else Path(user_data_dir(APP_DIR, appauthor=False)) / "workspace.gpkg"


def check_name(name: str, what: str = "layer") -> str:
    """``name`` stripped, if usable as a layer/view name or a title: 1–60 characters, none of
    ``, : ; / \\ * ? " < > |`` and no hidden characters (bidi overrides, zero-width spaces, line separators).
    A layer name may not start with ``user.``: ``user.x`` is the id of layer ``x``."""
    clean = _checked_text(name, what)
    if what == "layer" and clean.startswith(USER_PREFIX):
        raise BadNameError(f"layer name {clean!r} starts with {USER_PREFIX!r}, which begins layer ids; "
                           "choose another name")
    return clean


def _checked_text(name: object, what: str) -> str:
    if not isinstance(name, str | None):
        raise BadNameError(f"the {what} name is not text")
    clean = (name or "").strip()
    if not clean:
        raise BadNameError(f"the {what} name is empty")
    if len(clean) > MAX_NAME:
        raise BadNameError(f"{what} name {clean[:20]!r}… is longer than {MAX_NAME} characters")
    bad = _BAD_NAME.search(clean)
    if bad:
        raise BadNameError(f"{what} name {clean!r} contains {bad.group()!r}; use letters, digits, spaces, - _ . ( )")
    hidden = next((ch for ch in clean if unicodedata.category(ch) in _HIDDEN), None)
    if hidden:
        raise BadNameError(f"{what} name {clean!r} contains the hidden character U+{ord(hidden):04X}; type it again")
    return clean


@dataclass(frozen=True)
class LayerStyle:
    """A user layer's look: stroke/marker colour ``#rrggbb``, marker radius and line width in CSS px,
    fill opacity 0–1."""

    color: str = PALETTE[0]
    radius: float = 6.0
    weight: float = 2.0
    fill_opacity: float = 0.35

    def __post_init__(self) -> None:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", self.color):
            raise BadNameError(f"colour {self.color!r} is not #rrggbb")
        if not (0 < self.radius <= 40 and 0 < self.weight <= 20 and 0 <= self.fill_opacity <= 1):
            raise BadNameError("style out of range: radius 0–40 px, weight 0–20 px, fill opacity 0–1")

    @classmethod
    def from_json(cls, text: str) -> LayerStyle:
        """The style stored as JSON; anything but an object of a colour string and numbers raises BadNameError."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError, RecursionError):
            raise BadNameError("style is not JSON") from None
        if not isinstance(data, dict):
            raise BadNameError("style is not a JSON object")
        values = {k: data[k] for k in ("color", "radius", "weight", "fill_opacity") if k in data}
        numbers = [v for k, v in values.items() if k != "color"]
        if not isinstance(values.get("color", ""), str) or any(isinstance(v, bool) or not isinstance(v, int | float)
                                                                 for v in numbers):
            raise BadNameError("style holds values of the wrong type")
        return cls(**values)


@dataclass(frozen=True)
class UserLayer:
    """One user layer's record: ``kind`` is point, line or polygon; ``fields`` its attribute columns."""

    name: str
    table: str
    title: str
    kind: str
    style: LayerStyle
    fields: tuple[str, ...]
    source_file: str
    source_crs: str
    feature_count: int
    imported_at: str


class MergeReport(NamedTuple):
    """What :meth:`Workspace.import_workspace` merged: layer, view and scenario names, and the damaged records it
    skipped."""

    layers: list[str]
    views: list[str]
    notices: tuple[str, ...] = ()
    scenarios: tuple[str, ...] | list[str] = ()


@dataclass
class Workspace:
    """A workspace file (created on first write). ``path`` defaults to :func:`default_path`."""

    path: Path = field(default_factory=default_path)

    def __post_init__(self) -> None:
        self.path = Path(self.path)

    # ---------------------------------------------------------------------------------------- connections

    def read_only(self) -> bool:
        """Whether the workspace exists but cannot be changed (its file or its folder is not writable)."""
        return self.path.exists() and not (os.access(self.path, os.W_OK)
                                           and os.access(self.path.parent, os.W_OK | os.X_OK))

    @contextlib.contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        if write:
            if self.read_only():
                raise WorkspaceError(f"{self.path}: the workspace is read-only (its file or folder cannot be "
                                     f"written); copy it to a writable folder and point ${WORKSPACE_ENV} at it")
            self._ensure()
        elif not self.path.exists():
            raise WorkspaceError(f"{self.path}: no workspace yet")
        # Readers open read-write too: only then does closing the last connection fold and remove the -wal/-shm
        # files, so a failed import leaves the workspace folder exactly as it was. A workspace that cannot be
        # written is opened immutable: SQLite then reads a WAL database without creating its -shm file.
        mode = "ro&immutable=1" if not write and self.read_only() else "rw"
        uri = f"{self.path.resolve().as_uri().replace('file://', 'file:', 1)}?mode={mode}"
        try:
            con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as err:
            raise WorkspaceError(f"{self.path}: cannot open the workspace ({err})") from None
        try:
            _require_workspace(con, self.path)
            yield con
        except sqlite3.DatabaseError as err:
            raise WorkspaceError(f"{self.path}: workspace database error ({err})") from None
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One immediate (write-locked) transaction, rolled back on any error."""
        with self._connect(write=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _ensure(self) -> None:
        """Create the workspace if missing: built aside, then hard-linked into place so a racing creator
        never replaces a workspace that already holds data."""
        if self.path.exists():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mye_new_", suffix=".gpkg", dir=self.path.parent)
        os.close(fd)
        try:
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                con.executescript(_SCHEMA)
                con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _SRS_ROWS)
                con.execute("PRAGMA journal_mode=WAL")
            finally:
                con.close()
            with contextlib.suppress(FileExistsError):
                os.link(tmp, self.path)
        finally:
            os.unlink(tmp)

    # --------------------------------------------------------------------------------------------- layers

    def layers(self) -> list[UserLayer]:
        """Every sound user layer, in the order they were added; [] if the workspace does not exist yet.

        A damaged record is left out (:meth:`notices` says which), so the rest still loads.
        """
        return self._records()[0]

    def notices(self) -> list[str]:
        """One line per thing the planner should know: a read-only workspace, each damaged record skipped."""
        if not self.path.exists():
            return []
        notices = self._records()[1]
        views = self._view_records()[1] + self._scenario_records()[1]
        head = [f"{self.path}: the folder or file is read-only; the workspace is opened read-only (its layers are "
                "shown, nothing can be imported or changed)"] if self.read_only() else []
        return head + notices + views

    def _sound_rows(self, sql: str, parse) -> tuple[list, list[str]]:
        """The rows ``sql`` selects, parsed one by one (damaged ones become notices); nothing if no file yet."""
        if not self.path.exists():
            return [], []
        with self._connect(write=False) as con:
            rows = con.execute(sql).fetchall()
        return _sound(rows, parse, self.path.name)

    def _records(self) -> tuple[list[UserLayer], list[str]]:
        return self._sound_rows("SELECT * FROM mye_layers ORDER BY rowid", _layer_from_row)

    def layer(self, name: str) -> UserLayer:
        """The record of the user layer ``name``."""
        for layer in self.layers():
            if layer.name == name:
                return layer
        raise UnknownUserLayerError(f"{self.path.name}: no user layer {name!r}")

    def read(self, name: str) -> gpd.GeoDataFrame:
        """The features of user layer ``name`` (EPSG:4326)."""
        layer = self.layer(name)
        return self.read_table(layer.table)

    def read_table(self, table: str) -> gpd.GeoDataFrame:
        """A feature table of this workspace (EPSG:4326), read with GDAL."""
        # As for SQLite above: a read-only WAL database is read as immutable, or GDAL fails to make its -shm file.
        immutable = {"IMMUTABLE": "YES"} if self.read_only() else {}
        try:
            gdf = pyogrio.read_dataframe(self.path, layer=table, **immutable)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
            raise WorkspaceError(f"{self.path.name}: cannot read table {table!r} ({err})") from None
        return gdf.set_crs(WGS84, allow_override=True)

    def add_layer(self, name: str, frame: gpd.GeoDataFrame, *, fields: Sequence[str], title: str | None = None,
                  style: LayerStyle | None = None, source_file: str = "", source_crs: str = "wgs84",
                  replace: bool = False) -> UserLayer:
        """Store ``frame`` (EPSG:4326) as user layer ``name`` in one transaction; ``replace`` swaps an existing one.

        ``fields`` are the attribute columns shown in popups and exported.
        """
        name = check_name(name)
        title = check_name(title, "title") if title is not None else None
        if self.path.exists() and not replace and any(la.name == name for la in self.layers()):
            raise LayerExistsError(f"{self.path.name}: a user layer {name!r} exists already; choose another name")
        table = f"mye_user_{secrets.token_hex(6)}"
        with scratch_dir("workspace") as tmp:
            scratch = Path(tmp) / "layer.gpkg"
            pyogrio.write_dataframe(frame.to_crs(WGS84), scratch, layer="layer", driver="GPKG",
                                    layer_options={"SPATIAL_INDEX": "NO"})
            with self._transaction() as con:
                con.execute("ATTACH DATABASE ? AS src", (str(scratch),))
                taken = con.execute("SELECT table_name FROM mye_layers WHERE name = ?", (name,)).fetchone()
                if taken and not replace:
                    raise LayerExistsError(f"{self.path.name}: a user layer {name!r} exists already; "
                                           "choose another name")
                if taken:
                    _drop_table(con, taken[0])
                _copy_table(con, "src", "layer", table, identifier=name)
                count = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                style = style or LayerStyle(color=_next_colour(con))
                record = UserLayer(name, table, title or name, _kind(frame), style, tuple(fields), source_file,
                                   source_crs, count, _now())
                _insert_record(con, record)
        return record

    def remove_layer(self, name: str) -> None:
        """Delete user layer ``name`` (its table and record) in one transaction."""
        with self._transaction() as con:
            row = con.execute("SELECT table_name FROM mye_layers WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise UnknownUserLayerError(f"{self.path.name}: no user layer {name!r}")
            _drop_table(con, row[0])

    def set_style(self, name: str, style: LayerStyle) -> UserLayer:
        """Give user layer ``name`` a new look (its features are untouched); returns the updated record."""
        with self._transaction() as con:
            done = con.execute("UPDATE mye_layers SET style = ? WHERE name = ?", (json.dumps(asdict(style)), name))
            if done.rowcount == 0:
                raise UnknownUserLayerError(f"{self.path.name}: no user layer {name!r}")
        return self.layer(name)

    # ---------------------------------------------------------------------------------------------- views

    def save_view(self, name: str, query: str) -> None:
        """Store (or overwrite) the named view; ``query`` is :meth:`ViewState.to_query`'s string."""
        name = check_name(name, "view")
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO mye_views (name, query, saved_at) VALUES (?, ?, ?)",
                        (name, query, _now()))

    def views(self) -> dict[str, str]:
        """Saved views: name -> query string, oldest first; damaged ones are left out (see :meth:`notices`)."""
        return dict(self._view_records()[0])

    def _view_records(self) -> tuple[list[tuple[str, str]], list[str]]:
        return self._sound_rows("SELECT name, query FROM mye_views ORDER BY saved_at, rowid", _view_from_row)

    def remove_view(self, name: str) -> None:
        """Delete the saved view ``name``."""
        with self._transaction() as con:
            if con.execute("DELETE FROM mye_views WHERE name = ?", (name,)).rowcount == 0:
                raise UnknownUserLayerError(f"{self.path.name}: no saved view {name!r}")

    # ------------------------------------------------------------------------------------------ scenarios

    def save_scenario(self, scenario: Scenario) -> None:
        """Store (or overwrite) ``scenario`` under its name (a name as for views: :func:`check_name`)."""
        name = check_name(scenario.name, "scenario")
        body = json.dumps(scenario_to_dict(scenario), ensure_ascii=False, sort_keys=True)
        with self._transaction() as con:
            _create_scenarios(con)
            con.execute("INSERT OR REPLACE INTO mye_scenarios (name, body, saved_at) VALUES (?, ?, ?)",
                        (name, body, _now()))

    def scenarios(self) -> dict[str, Scenario]:
        """Saved scenarios: name -> :class:`~geo.scenario.Scenario`, oldest first; damaged ones are left out
        (see :meth:`notices`)."""
        return dict(self._scenario_records()[0])

    def scenario(self, name: str) -> Scenario:
        """The saved scenario ``name``."""
        found = self.scenarios()
        if name not in found:
            raise UnknownUserLayerError(f"{self.path.name}: no saved scenario {name!r}"
                                        + (f"; saved: {', '.join(found)}" if found else ""))
        return found[name]

    def _scenario_records(self) -> tuple[list[tuple[str, Scenario]], list[str]]:
        if not self.path.exists() or not self._has_scenarios():
            return [], []
        return self._sound_rows("SELECT name, body FROM mye_scenarios ORDER BY saved_at, rowid", _scenario_from_row)

    def _has_scenarios(self) -> bool:
        with self._connect(write=False) as con:
            return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mye_scenarios'"
                               ).fetchone() is not None

    def remove_scenario(self, name: str) -> None:
        """Delete the saved scenario ``name``."""
        if not self.path.exists() or not self._has_scenarios():
            raise UnknownUserLayerError(f"{self.path.name}: no saved scenario {name!r}")
        with self._transaction() as con:
            if con.execute("DELETE FROM mye_scenarios WHERE name = ?", (name,)).rowcount == 0:
                raise UnknownUserLayerError(f"{self.path.name}: no saved scenario {name!r}")

    # ------------------------------------------------------------------------------------ whole workspace

    def export_bytes(self) -> bytes:
        """The whole workspace as one self-contained GeoPackage file (a consistent snapshot)."""
        self._ensure()
        with scratch_dir("workspace") as tmp:
            copy = Path(tmp) / "workspace.gpkg"
            with self._connect(write=False) as con:
                dst = sqlite3.connect(copy)
                try:
                    con.backup(dst)
                    # One file to hand over: no -wal/-shm companions.
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            return copy.read_bytes()

    def import_workspace(self, path: str | os.PathLike, *, replace: bool = False,
                         max_bytes: int | None = None) -> MergeReport:
        """Merge another workspace file's layers and views into this one, in one transaction.

        Names already here raise :class:`LayerExistsError` unless ``replace``. Damaged records (and names that
        would pass for a built-in layer or an id) are skipped and named in the report's notices.
        """
        from workspace.reader import max_bytes as default_limit

        src_path = Path(path)
        label = src_path.name
        limit = default_limit() if max_bytes is None else max_bytes
        if not src_path.is_file() or src_path.stat().st_size == 0:
            raise WorkspaceError(f"{label}: empty or missing file")
        if src_path.stat().st_size > limit:
            raise FileTooLargeError(f"{label}: {src_path.stat().st_size / 2**20:.1f} MB is over the "
                                    f"{limit / 2**20:g} MB import limit")
        with scratch_dir("workspace") as tmp:
            # A private copy: the upload may be in WAL mode or be changed by someone else while we read it.
            copy = Path(tmp) / "incoming.gpkg"
            copy.write_bytes(src_path.read_bytes())
            _validate_foreign(copy, label)
            with self._transaction() as con:
                con.execute("ATTACH DATABASE ? AS src", (str(copy),))
                tables = {r[0] for r in con.execute("SELECT name FROM src.sqlite_master WHERE type = 'table'")}
                incoming_layers, notices = _sound(con.execute("SELECT * FROM src.mye_layers ORDER BY rowid"),
                                                  partial(_incoming_layer, tables=tables), label)
                views, view_notices = _sound(con.execute("SELECT name, query, saved_at FROM src.mye_views"),
                                             _incoming_view, label)
                for incoming in incoming_layers:
                    taken = con.execute("SELECT table_name FROM mye_layers WHERE name = ?",
                                        (incoming.name,)).fetchone()
                    if taken and not replace:
                        raise LayerExistsError(f"{label}: user layer {incoming.name!r} exists in the workspace "
                                               "already; remove it first or replace")
                    if taken:
                        _drop_table(con, taken[0])
                    table = f"mye_user_{secrets.token_hex(6)}"
                    _copy_table(con, "src", incoming.table, table, identifier=incoming.name)
                    _insert_record(con, replace_record(incoming, table=table))
                for name, query, saved_at in views:
                    if not replace and con.execute("SELECT 1 FROM mye_views WHERE name = ?", (name,)).fetchone():
                        raise LayerExistsError(f"{label}: saved view {name!r} exists in the workspace already")
                    con.execute("INSERT OR REPLACE INTO mye_views VALUES (?, ?, ?)", (name, query, saved_at))
                scenarios, scenario_notices = (_sound(con.execute("SELECT name, body, saved_at FROM src.mye_scenarios"),
                                                      _incoming_scenario, label)
                                               if "mye_scenarios" in tables else ([], []))
                if scenarios:
                    _create_scenarios(con)
                for name, body, saved_at in scenarios:
                    if not replace and con.execute("SELECT 1 FROM mye_scenarios WHERE name = ?", (name,)).fetchone():
                        raise LayerExistsError(f"{label}: saved scenario {name!r} exists in the workspace already")
                    con.execute("INSERT OR REPLACE INTO mye_scenarios VALUES (?, ?, ?)", (name, body, saved_at))
        return MergeReport([la.name for la in incoming_layers], [v[0] for v in views],
                           (*notices, *view_notices, *scenario_notices), [s[0] for s in scenarios])

    def integrity(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` result (``"ok"`` when sound)."""
        with self._connect(write=False) as con:
            return ", ".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall())


# ---------------------------------------------------------------------------------------------- helpers


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _require_workspace(con: sqlite3.Connection, path: Path) -> None:
    con.row_factory = sqlite3.Row
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        raise WorkspaceError(f"{path}: not a workspace file ({err})") from None
    if app_id != _GPKG_APPLICATION_ID or not {"mye_layers", "mye_views", "gpkg_contents"} <= tables:
        raise WorkspaceError(f"{path}: not a Middle Yangtze Explorer workspace (a GeoPackage with mye_layers)")


def _validate_foreign(path: Path, label: str) -> None:
    """Raise :class:`WorkspaceError` unless ``path`` is a sound workspace whose records point at real tables."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise WorkspaceError(f"{label}: cannot open ({err})") from None
    try:
        _require_workspace(con, Path(label))
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise WorkspaceError(f"{label}: damaged workspace ({check})")
    except sqlite3.DatabaseError as err:
        raise WorkspaceError(f"{label}: not a workspace file ({err})") from None
    finally:
        con.close()


def _copy_table(con: sqlite3.Connection, schema: str, src: str, dst: str, *, identifier: str) -> None:
    """Copy feature table ``schema.src`` (with its GeoPackage registration) to ``main.dst``."""
    row = con.execute(f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (src,)).fetchone()
    if row is None:
        raise WorkspaceError(f"table {src!r} is missing")
    ddl = re.sub(r'^CREATE TABLE\s+("[^"]+"|\S+)', f'CREATE TABLE main."{dst}"', row[0], count=1)
    con.execute(ddl)
    con.execute(f'INSERT INTO main."{dst}" SELECT * FROM {schema}."{src}"')
    con.execute(
        "INSERT INTO main.gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y,"
        " max_x, max_y, srs_id) SELECT ?, data_type, ?, description, last_change, min_x, min_y, max_x, max_y, 4326"
        f" FROM {schema}.gpkg_contents WHERE table_name = ?", (dst, identifier, src))
    con.execute(
        "INSERT INTO main.gpkg_geometry_columns SELECT ?, column_name, geometry_type_name, 4326, z, m"
        f" FROM {schema}.gpkg_geometry_columns WHERE table_name = ?", (dst, src))


def _drop_table(con: sqlite3.Connection, table: str) -> None:
    for meta in ("gpkg_geometry_columns", "gpkg_contents", "mye_layers"):
        con.execute(f"DELETE FROM {meta} WHERE table_name = ?", (table,))
    con.execute(f'DROP TABLE IF EXISTS "{table}"')


def _insert_record(con: sqlite3.Connection, layer: UserLayer) -> None:
    con.execute("INSERT INTO mye_layers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (layer.name, layer.table, layer.title, layer.kind, json.dumps(asdict(layer.style)),
                 json.dumps(list(layer.fields), ensure_ascii=False), layer.source_file, layer.source_crs,
                 layer.feature_count, layer.imported_at))


def _sound(rows, parse, label: str) -> tuple[list, list[str]]:
    """``parse(row)`` of every row that parses, and a notice for each that raised a :class:`UserDataError`."""
    good, notices = [], []
    for row in rows:
        try:
            good.append(parse(row))
        except UserDataError as err:
            notices.append(f"{label}: {err}")
    return good, notices


def _layer_from_row(row: sqlite3.Row) -> UserLayer:
    """A layer record, checked field by field: a record damaged by hand or by another tool raises WorkspaceError."""
    try:
        name = row["name"]
    except IndexError:
        name = None
    try:
        layer = UserLayer(_checked_text(name, "layer"), row["table_name"], _checked_text(row["title"], "title"),
                          row["kind"], LayerStyle.from_json(row["style"]), tuple(json.loads(row["fields"])),
                          row["source_file"], row["source_crs"], row["feature_count"], row["imported_at"])
        if not (isinstance(layer.table, str) and re.fullmatch(r"mye_user_[0-9a-f]+", layer.table)):
            raise BadNameError(f"table {layer.table!r} is not a user layer table")
        if layer.kind not in _KINDS:
            raise BadNameError(f"kind {layer.kind!r} is not one of {', '.join(_KINDS)}")
        if not all(isinstance(f, str) for f in layer.fields):
            raise BadNameError("fields are not a list of column names")
        if not all(isinstance(v, str) for v in (layer.source_file, layer.source_crs, layer.imported_at)):
            raise BadNameError("source or import time is not text")
        if isinstance(layer.feature_count, bool) or not isinstance(layer.feature_count, int):
            raise BadNameError(f"feature count {layer.feature_count!r} is not a number")
    except (UserDataError, IndexError, KeyError, TypeError, ValueError, RecursionError) as err:
        reason = str(err) if isinstance(err, UserDataError) else f"{type(err).__name__}: {err}"
        raise WorkspaceError(f"user layer record {str(name)[:60]!r} is damaged ({reason}); skipped") from None
    return layer


def _view_from_row(row: sqlite3.Row | tuple) -> tuple[str, str]:
    name, query = row[0], row[1]
    try:
        _checked_text(name, "view")
        if not isinstance(query, str):
            raise BadNameError("its query is not text")
    except UserDataError as err:
        raise WorkspaceError(f"saved view {str(name)[:60]!r} is damaged ({err}); skipped") from None
    return name, query


def _create_scenarios(con: sqlite3.Connection) -> None:
    """The scenarios table, in a workspace made before scenarios existed (inside the caller's transaction)."""
    for statement in _SCENARIO_TABLE:
        con.execute(statement.replace("EXISTS mye_scenarios", "EXISTS main.mye_scenarios", 1))


def _scenario_from_row(row: sqlite3.Row | tuple) -> tuple[str, Scenario]:
    name, body = row[0], row[1]
    try:
        _checked_text(name, "scenario")
        if not isinstance(body, str):
            raise BadNameError("its body is not text")
        scenario = scenario_from_dict(json.loads(body))
        if scenario.name != name:
            raise BadNameError(f"it holds the scenario {scenario.name!r}")
    except (UserDataError, ScenarioError, ValueError, RecursionError) as err:
        raise WorkspaceError(f"saved scenario {str(name)[:60]!r} is damaged ({err}); skipped") from None
    return name, scenario


def _incoming_scenario(row: sqlite3.Row) -> tuple[str, str, str]:
    name, scenario = _scenario_from_row(row)
    return name, json.dumps(scenario_to_dict(scenario), ensure_ascii=False, sort_keys=True), str(row[2])


def _incoming_layer(row: sqlite3.Row, *, tables: set[str]) -> UserLayer:
    """A layer record of a workspace being merged: sound, with a table, and a name that is no built-in id."""
    layer = _layer_from_row(row)
    try:
        check_name(layer.name)
        if layer.name in builtin_ids():
            raise BadNameError(f"layer name {layer.name!r} is a built-in layer id")
        if layer.table not in tables:
            raise BadNameError(f"its table {layer.table!r} is missing")
    except UserDataError as err:
        raise WorkspaceError(f"user layer {layer.name!r} not merged ({err}); skipped") from None
    return layer


def _incoming_view(row: sqlite3.Row) -> tuple[str, str, str]:
    name, query = _view_from_row(row)
    return name, query, str(row[2])


def _next_colour(con: sqlite3.Connection) -> str:
    used = con.execute("SELECT count(*) FROM mye_layers").fetchone()[0]
    return PALETTE[used % len(PALETTE)]


def _kind(frame: gpd.GeoDataFrame) -> str:
    """point, line or polygon: the most common geometry dimension (points 0, lines 1, polygons 2)."""
    dims = shapely.get_dimensions(frame.geometry.to_numpy())
    counts = [(int((dims == d).sum()), d) for d in (0, 1, 2)]
    return ("point", "line", "polygon")[max(counts)[1]]
