"""Planners' own data: import files as user layers, keep them (and named views) in a workspace.

>>> from layers.userdata import import_file, Workspace  # doctest: +SKIP
>>> report = import_file("projects.csv", "重点项目", options=ReadOptions(crs="gcj02"))  # doctest: +SKIP
>>> report.layer_id  # doctest: +SKIP
'user.重点项目'

See :mod:`layers.userdata.reader` (formats, coordinate systems, checks),
:mod:`layers.userdata.workspace` (the GeoPackage workspace) and
:mod:`layers.userdata.layers` (user layers as layer specs).
"""

from __future__ import annotations

from layers.userdata.errors import UserDataError
from layers.userdata.layers import USER_PREFIX, ImportReport, import_file, layer_id, spec_for, user_specs
from layers.userdata.reader import CRS_CHOICES, ENCODINGS, ReadOptions, guess_lonlat, read_file, table_columns
from layers.userdata.workspace import LayerStyle, UserLayer, Workspace, check_name, default_path

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
