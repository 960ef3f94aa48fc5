"""Map layers, each declared once as a :class:`~layers.spec.LayerSpec`.

>>> import layers
>>> layers.get("cities").title_en
'Member cities'
"""

from __future__ import annotations

from layers import (
    circles,
    clusters,
    context,
    corridors,
    cross_river,
    economy,
    rail,
    transport_points,
    userdata,
    waterways,
)
from layers.registry import UnknownLayerError, all_specs, by_group, get, register, register_provider
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

# Drawing order: areas, then lines, then points (cities on top).
register(
    context.PROVINCES, clusters.AGGLOMERATION, clusters.SUBCLUSTERS, clusters.CITY_BOUNDARIES, economy.ZONES,
    waterways.LAKES, *circles.SPECS, waterways.CHANNELS, waterways.RIVERS, corridors.CORRIDORS, rail.RAIL_LINES,
    *cross_river.SPECS, rail.STATIONS,
    transport_points.PORTS, transport_points.AIRPORTS, economy.INDUSTRIAL_CLUSTERS, economy.HITECH_ZONES,
    clusters.CITIES,
)
# The planner's own layers (layers.userdata), read from the workspace at each lookup, drawn on top.
register_provider(userdata.user_specs)
