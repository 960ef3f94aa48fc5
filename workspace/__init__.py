"""Planners' own data: import files as user layers, keep them (and named views) in a workspace.

>>> from workspace import import_file, Workspace  # doctest: +SKIP
>>> report = import_file("projects.csv", "重点项目", options=ReadOptions(crs="gcj02"))  # doctest: +SKIP
>>> report.layer_id  # doctest: +SKIP
'user.重点项目'

See :mod:`workspace.reader` (formats, coordinate systems, checks),
:mod:`workspace.store` (the GeoPackage workspace) and
:mod:`workspace.specs` (user layers as layer specs).
"""

from __future__ import annotations

from layers.registry import register_provider
from workspace.errors import UserDataError
from workspace.reader import CRS_CHOICES, ENCODINGS, ReadOptions, guess_lonlat, read_file, table_columns
from workspace.specs import USER_PREFIX, ImportReport, import_file, layer_id, spec_for, user_specs
from workspace.store import LayerStyle, UserLayer, Workspace, check_name, default_path

__all__ = [
    "CRS_CHOICES",
    "ENCODINGS",
    "USER_PREFIX",
    "ImportReport",
    "LayerStyle",
    "ReadOptions",
    "UserDataError",
    "UserLayer",
    "Workspace",
    "check_name",
    "default_path",
    "guess_lonlat",
    "import_file",
    "layer_id",
    "read_file",
    "spec_for",
    "table_columns",
    "user_specs",
]

# The planner's layers are read from the workspace at each lookup and drawn above the built-in ones.
register_provider(user_specs)
