"""Isochrone polygons (door-to-door, minutes) and nominal distance rings, in EPSG:4326.

An isochrone for ``t`` minutes is the set of points whose door-to-door time
(:mod:`geo.traveltime`) is at most ``t``: the union of geodesic discs around the
origin (radius ``t x km_per_min``, road only) and, in rail mode, around every
reached station (radius ``(t - arrival - egress_min) x km_per_min``, capped at
``max_access_km``). Each disc is a true geodesic circle: its vertices are computed
with :meth:`pyproj.Geod.fwd` (all discs of all thresholds of one origin in a single
vectorised call), so every vertex lies exactly on the circle and the polygon is
inscribed. Discs inside another disc are dropped before the union, and a disc that
recurs unchanged at a larger threshold (capped radius) is computed once.

Vertices per disc (error bound): the largest disc of a threshold (the origin's) gets
``n_azimuths`` vertices; a disc of radius ``r_i`` gets ``n_azimuths sqrt(r_i / r_max)``,
rounded up to a multiple of 8, but never fewer than ``MIN_AZIMUTHS`` = 40 (or
``n_azimuths`` if that is smaller). An inscribed n-gon lies at most
``r (1 - cos(pi/n))`` inside its circle, so no disc's boundary gap exceeds the largest
disc's, and its area is short by ``1 - sin(2 pi/n) / (2 pi/n)``: 0.16 % for 64 vertices,
at most 0.41 % for 40. Every disc is thus within 0.5 % of its true geodesic area, and
so is the union (the missing area is inside the discs' missing slivers).

Thresholds nest by construction: each polygon is the union of its discs and the previous,
smaller threshold's polygon. ``cities_reached`` uses the exact door-to-door times, not the
polygon, so a seat within a few hundred metres of a boundary is judged exactly. The travel
times behind the discs are cached per network and (origin, year, mode, model, transfer_min)
(:func:`geo.traveltime.travel_times`), so repeated calls skip the routing; the geometry is
computed on every call.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryArray
from pyproj import Transformer

from geo.crs import EQUAL_AREA, GEOD, WGS84, transformer
from geo.errors import BadThresholdError
from geo.network import CURRENT_YEAR, DEFAULT_TRANSFER_MIN, RailNetwork, RoadModel, Year, check_year, default_network
from geo.traveltime import Mode, Origin, _cached_arrays, check_mode, origin_station_km, resolve_origin

__all__ = [
    "DEFAULT_MINUTES",
    "MAX_MINUTES",
    "NOMINAL_SPEED_KMH",
    "N_AZIMUTHS",
    "check_minutes",
    "geodesic_discs",
    "isochrones",
    "nominal_rings",
]

DEFAULT_MINUTES = (60.0, 120.0, 180.0)
MAX_MINUTES = 24 * 60.0  # longer thresholds are surely a unit mistake (seconds? hours?)
N_AZIMUTHS = 64
MIN_AZIMUTHS = 40  # fewest vertices of an adaptive disc: area within 0.41 % of its circle
NOMINAL_SPEED_KMH = 60.0  # road-commuting equivalent for nominal rings


def check_minutes(minutes: Iterable[float] | float) -> tuple[float, ...]:
    """Validate thresholds (minutes, 0 < t <= 1440); return them unique and ascending."""
    values = [minutes] if isinstance(minutes, (int, float)) else list(minutes)
    if not values:
        raise BadThresholdError("give at least one threshold in minutes, e.g. 60 120 180")
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, (int, float, np.number))
           or not np.isfinite(v) or not 0 < v <= MAX_MINUTES]
    if bad:
        raise BadThresholdError(
            f"thresholds must be minutes in (0, {MAX_MINUTES:g}] (24 h), got {', '.join(map(repr, bad))}"
        )
    return tuple(sorted({float(v) for v in values}))


def geodesic_discs(lon, lat, radius_km, *, n_azimuths: int = N_AZIMUTHS) -> np.ndarray:
    """Polygons approximating geodesic circles (centres lon/lat degrees, radii km) in EPSG:4326.

    All ``len(lon) x n_azimuths`` vertices come from one vectorised :meth:`Geod.fwd`
    call and lie exactly on their circle (WGS-84 ellipsoid).
    """
    if n_azimuths < 8:
        raise BadThresholdError(f"n_azimuths must be >= 8, got {n_azimuths}")
    lon, lat, radius = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (lon, lat, radius_km)))
    return _discs(lon, lat, radius, np.full(lon.size, n_azimuths))


def _discs(lon: np.ndarray, lat: np.ndarray, radius: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Disc ``i`` with ``n[i]`` vertices; all vertices from one :meth:`Geod.fwd` call."""
    if np.any(~np.isfinite(radius) | (radius <= 0)):
        raise BadThresholdError("disc radii must be finite and > 0 km")
    disc = np.repeat(np.arange(lon.size), n)
    step = np.arange(disc.size) - np.repeat(np.cumsum(n) - n, n)
    # Counter-clockwise (decreasing azimuth) so rings follow the GeoJSON right-hand rule.
    x, y, _ = GEOD.fwd(lon[disc], lat[disc], step * (-360.0 / n[disc]), radius[disc] * 1000.0)
    return shapely.polygons(shapely.linearrings(np.column_stack([x, y]), indices=disc))


def _adaptive_azimuths(radius_km: np.ndarray, largest_km: np.ndarray, n_azimuths: int) -> np.ndarray:
    """Vertices per disc: ``n_azimuths`` for the largest disc of a threshold, fewer for smaller ones.

    ``n_i = n_azimuths sqrt(r_i / r_largest)``, rounded up to a multiple of 8 and clipped to
    ``[min(n_azimuths, MIN_AZIMUTHS), n_azimuths]``; see the module docstring for the error bound.
    """
    want = np.ceil(n_azimuths * np.sqrt(radius_km / largest_km) / 8.0) * 8
    return np.clip(want, min(n_azimuths, MIN_AZIMUTHS), n_azimuths).astype(np.int64)


def _first_of_pairs(centre: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first occurrence of each distinct (centre, r) pair, and each pair's position in that list."""
    seen: dict[tuple[int, float], int] = {}
    first: list[int] = []
    disc_of = np.empty(centre.size, dtype=np.int64)
    for i, key in enumerate(zip(centre.tolist(), r.tolist(), strict=True)):
        j = seen.get(key)
        if j is None:
            j = seen[key] = len(first)
            first.append(i)
        disc_of[i] = j
    return np.asarray(first, dtype=np.int64), disc_of


def _undominated(d_km: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Mask of discs not inside another disc (``d_km`` pairwise centre distances, ``r`` radii, km).

    Identical discs keep the first one.
    """
    inside = d_km + r[None, :] <= r[:, None]  # [i, j]: disc j lies within disc i
    idx = np.arange(r.size)
    inside &= (r[:, None] > r[None, :]) | (idx[:, None] < idx[None, :])
    return ~inside.any(axis=0)


def isochrones(
    origin: object,
    minutes: Iterable[float] | float = DEFAULT_MINUTES,
    *,
    year: Year = CURRENT_YEAR,
    mode: Mode = "rail",
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    n_azimuths: int = N_AZIMUTHS,
    network: RailNetwork | None = None,
) -> gpd.GeoDataFrame:
    """Door-to-door isochrones around ``origin``, one row per threshold, ascending (EPSG:4326).

    Columns: origin, minutes, mode, year, area_km2 (equal-area), cities_reached (member cities
    whose seat is within the threshold, by time, '、'-joined as "name minutes": "武汉 0、孝感 47"),
    n_cities_reached, population_reached (sum of population_2020 of those cities) and
    population_unknown (how many of them have no population figure).
    """
    net = network or default_network()
    model = model or RoadModel()
    thresholds = check_minutes(minutes)
    mode = check_mode(mode)
    year = check_year(year)
    org = resolve_origin(origin, network=net)
    graph = net.graph(year, transfer_min=transfer_min)
    # Cached per (origin, year, mode, model, transfer_min): repeated calls skip Dijkstra and the tables.
    # No search limit, so any thresholds reuse it; a limit would only turn times above it into inf.
    station_min, door, _, _ = _cached_arrays(org, year, mode, model, graph, net)
    polys = _isochrone_polygons(org, station_min, model, thresholds, net, n_azimuths)
    return _frame(org, year, mode, door, thresholds, polys, net)


def _isochrone_polygons(org: Origin, station_min: np.ndarray, model: RoadModel, thresholds: tuple[float, ...],
                        net: RailNetwork, n_azimuths: int) -> np.ndarray:
    t = np.asarray(thresholds)
    # Stations with no known position (outside the member cities) route but get no disc.
    reached = np.flatnonzero((station_min + model.egress_min < t[-1]) & np.isfinite(net.lon))
    lon = np.r_[org.lon, net.lon[reached]]
    lat = np.r_[org.lat, net.lat[reached]]
    d_km = np.empty((lon.size, lon.size))
    d_km[1:, 1:] = net.station_km[np.ix_(reached, reached)]
    d_km[0, 1:] = d_km[1:, 0] = origin_station_km(org, net)[reached]
    d_km[0, 0] = 0.0
    spare = np.r_[0.0, station_min[reached] + model.egress_min]
    cap = np.r_[np.inf, np.full(reached.size, model.max_access_km)]
    radius = np.minimum((t[:, None] - spare[None, :]) * model.km_per_min, cap[None, :])  # thresholds x centres
    row, centre = [], []
    for k in range(t.size):
        keep = np.flatnonzero(radius[k] > 0)
        keep = keep[_undominated(d_km[np.ix_(keep, keep)], radius[k, keep])]
        row.append(np.full(keep.size, k))
        centre.append(keep)
    row, centre = np.concatenate(row), np.concatenate(centre)
    r = radius[row, centre]
    # A disc capped at max_access_km recurs unchanged at larger thresholds: compute each (centre, radius)
    # once, and all of them in one vectorised Geod.fwd call.
    first, disc_of = _first_of_pairs(centre, r)
    if n_azimuths < 8:
        raise BadThresholdError(f"n_azimuths must be >= 8, got {n_azimuths}")
    # The origin's disc is the largest of each threshold; a shared disc is judged at its first (smallest) one.
    largest = radius[row[first], 0]
    n = _adaptive_azimuths(r[first], largest, n_azimuths)
    discs = _discs(lon[centre[first]], lat[centre[first]], r[first], n)
    out = np.empty(t.size, dtype=object)
    bounds = np.searchsorted(row, np.arange(t.size + 1))
    previous = None
    for k in range(t.size):
        members = discs[disc_of[bounds[k]:bounds[k + 1]]]
        # Nest by construction: the t-minute area contains every smaller threshold's polygon.
        out[k] = previous = shapely.union_all(members if previous is None else np.r_[members, previous])
    return out


def _frame(org: Origin, year: Year, mode: Mode, door_min: np.ndarray, thresholds: tuple[float, ...],
           polys: np.ndarray, net: RailNetwork) -> gpd.GeoDataFrame:
    members = np.flatnonzero(net.place_member)
    pop = net.place_population[members]
    names = net.place_names[members]
    door = door_min[members]
    order = np.argsort(door, kind="stable")
    ranked = door[order]
    n_hit = np.searchsorted(ranked, np.asarray(thresholds), side="right")  # door <= t, NaN/inf never
    labels = [f"{names[i]} {door[i]:.0f}" for i in order[:n_hit[-1]]]
    pop_ranked = pop[order[:n_hit[-1]]]
    known = np.r_[0.0, np.cumsum(np.nan_to_num(pop_ranked))]
    unknown = np.r_[0, np.cumsum(np.isnan(pop_ranked))]
    n = len(thresholds)
    data = {
        "origin": np.full(n, org.label, dtype=object),
        "minutes": np.asarray(thresholds, dtype=float),
        "mode": np.full(n, mode, dtype=object),
        "year": np.full(n, str(year), dtype=object),
        "area_km2": _area_km2(polys),
        "cities_reached": np.array(["、".join(labels[:h]) for h in n_hit], dtype=object),
        "n_cities_reached": n_hit.astype(np.int64),
        "population_reached": known[n_hit],
        "population_unknown": unknown[n_hit].astype(np.int64),
        "geometry": GeometryArray(polys, crs=WGS84),
    }
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry="geometry")


@cache
def _to_equal_area() -> Transformer:
    # Hashing CRS objects for transformer()'s cache costs more than the areas themselves on the hot path.
    return transformer(WGS84, EQUAL_AREA)


def _area_km2(polys) -> np.ndarray:
    """Areas in km² of EPSG:4326 polygons, measured in :data:`geo.crs.EQUAL_AREA`."""
    to_ea = _to_equal_area()
    return shapely.area(shapely.transform(np.asarray(polys, dtype=object), to_ea.transform, interleaved=False)) / 1e6


def nominal_rings(
    origin: object,
    minutes: Iterable[float] | float = DEFAULT_MINUTES,
    *,
    speed_kmh: float = NOMINAL_SPEED_KMH,
    n_azimuths: int = N_AZIMUTHS,
    network: RailNetwork | None = None,
) -> gpd.GeoDataFrame:
    """Nominal comparison rings: geodesic circles of radius ``minutes x speed_kmh`` (km, EPSG:4326).

    No network, no detour: a ring says "t minutes at a steady speed_kmh as the crow flies".
    Columns: origin, minutes, speed_kmh, radius_km, area_km2, label, cities_within ('、'-joined).
    """
    if not (isinstance(speed_kmh, (int, float)) and np.isfinite(speed_kmh) and 0 < speed_kmh <= 1000):
        raise BadThresholdError(f"speed_kmh must be in (0, 1000] km/h, got {speed_kmh!r}")
    net = network or default_network()
    org = resolve_origin(origin, network=net)
    thresholds = np.asarray(check_minutes(minutes))
    radius = thresholds / 60.0 * speed_kmh
    members = net.places[net.places["member"]]
    _, _, m = GEOD.inv(np.full(len(members), org.lon), np.full(len(members), org.lat),
                       members["lon"].to_numpy(), members["lat"].to_numpy())
    seat_km = np.asarray(m) / 1000.0
    discs = geodesic_discs(np.full(radius.size, org.lon), np.full(radius.size, org.lat), radius,
                           n_azimuths=n_azimuths)
    return gpd.GeoDataFrame(
        {
            "origin": org.label,
            "minutes": thresholds,
            "speed_kmh": float(speed_kmh),
            "radius_km": radius,
            "area_km2": _area_km2(list(discs)),
            "label": [f"nominal: {t:g} min at {speed_kmh:g} km/h = {r:g} km" for t, r in zip(thresholds, radius,
                                                                                            strict=True)],
            "cities_within": ["、".join(members["name_zh"][seat_km <= r]) for r in radius],
        },
        geometry=discs,
        crs=WGS84,
    )
