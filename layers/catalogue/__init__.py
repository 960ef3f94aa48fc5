"""The built-in layers, registered in drawing order (areas below lines below points)."""

from __future__ import annotations

from layers.catalogue import (
    circles,
    clusters,
    context,
    corridors,
    cross_river,
    economy,
    rail,
    surface,
    transport_points,
    waterways,
)
from layers.registry import register

register(
    context.PROVINCES, clusters.AGGLOMERATION, clusters.SUBCLUSTERS, clusters.CITY_BOUNDARIES, economy.ZONES,
    waterways.LAKES, surface.SURFACE_BANDS, *circles.SPECS, surface.SURFACE_ISOLINES, waterways.CHANNELS,
    waterways.RIVERS, corridors.CORRIDORS, rail.RAIL_LINES,
    *cross_river.SPECS, rail.STATIONS,
    transport_points.PORTS, transport_points.AIRPORTS, economy.INDUSTRIAL_CLUSTERS, economy.HITECH_ZONES,
    clusters.CITIES,
)
