"""Map layers, each declared once as a :class:`~layers.spec.LayerSpec`.

>>> import layers
>>> layers.get("cities").title_en
'Member cities'
"""

from __future__ import annotations

from layers import clusters, context, corridors, cross_river, economy, transport_points
from layers.registry import UnknownLayerError, all_specs, by_group, get, register
from layers.spec import GROUP_TITLES, Group, LayerSpec, LegendItem, Style

__all__ = [
    "GROUP_TITLES",
    "Group",
    "LayerSpec",
    "LegendItem",
    "Style",
    "UnknownLayerError",
    "all_specs",
    "by_group",
    "get",
]

register(
    *context.SPECS, *clusters.SPECS, *economy.SPECS[:1], *corridors.SPECS, *cross_river.SPECS,
    *economy.SPECS[1:], *transport_points.SPECS,
)
