"""Map layers, each declared once as a :class:`~layers.spec.LayerSpec`.

>>> import layers
>>> layers.get("cities").title_en
'Member cities'

The planner's own layers join the catalogue when :mod:`workspace` is imported (it registers a provider).
"""

from __future__ import annotations

from layers import catalogue  # noqa: F401  (registers the built-in layers)
from layers.registry import UnknownLayerError, all_specs, by_group, get, register, register_provider
from layers.spec import GROUP_TITLES, Group, Kind, LayerSpec, LegendItem, Style

__all__ = [
    "GROUP_TITLES",
    "Group",
    "Kind",
    "LayerSpec",
    "LegendItem",
    "Style",
    "UnknownLayerError",
    "all_specs",
    "by_group",
    "get",
    "register",
    "register_provider",
]
