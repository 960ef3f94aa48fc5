"""Isochrone polygons (door-to-door, minutes) and nominal distance rings, in EPSG:4326.

An isochrone for ``t`` minutes is the set of points whose door-to-door time
(:mod:`geo.traveltime`) is at most ``t``: the union of geodesic discs around the
origin (radius ``t x km_per_min``, road only) and, in rail mode, around every
reached station (radius ``(t - arrival - egress_min) x km_per_min``, capped at
``max_access_km``). Each disc is a true geodesic circle: ``n_azimuths`` vertices
computed with :meth:`pyproj.Geod.fwd`, all centres at once, so every vertex lies
exactly on the circle; the polygon is inscribed (area about 0.16 % short for 64
vertices). Discs inside another disc are dropped before the union.

Thresholds nest by construction: each polygon is unioned with the previous,
smaller one. ``cities_reached`` uses the exact door-to-door times, not the
polygon, so a seat within a few hundred metres of a boundary is judged exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import shapely

from geo.crs import EQUAL_AREA, GEOD, WGS84, transformer
from geo.errors import BadThresholdError
from geo.network import CURRENT_YEAR, DEFAULT_TRANSFER_MIN, RailNetwork, RoadModel, Year, default_network
from geo.traveltime import Mode, TravelTimes, origin_station_km, resolve_origin, travel_times

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
    lon, lat, radius = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (lon, lat, radius_km)))
    if n_azimuths < 8:
        raise BadThresholdError(f"n_azimuths must be >= 8, got {n_azimuths}")
    if np.any(~np.isfinite(radius) | (radius <= 0)):
        raise BadThresholdError("disc radii must be finite and > 0 km")
    k = lon.size
    # Counter-clockwise (decreasing azimuth) so rings follow the GeoJSON right-hand rule.
    az = -np.arange(n_azimuths) * (360.0 / n_azimuths)
    x, y, _ = GEOD.fwd(np.repeat(lon, n_azimuths), np.repeat(lat, n_azimuths), np.tile(az, k),
                       np.repeat(radius * 1000.0, n_azimuths))
    ring = np.stack([np.reshape(x, (k, n_azimuths)), np.reshape(y, (k, n_azimuths))], axis=2)
    return shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))


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
    limit = max(thresholds[-1] - model.access_min, 0.0)
    tt = travel_times(origin, year=year, mode=mode, model=model, transfer_min=transfer_min,
                      limit_min=limit, network=net)
    polys = _isochrone_polygons(tt, thresholds, net, n_azimuths)
    return _frame(tt, thresholds, polys, net)


def _isochrone_polygons(tt: TravelTimes, thresholds: tuple[float, ...], net: RailNetwork,
                        n_azimuths: int) -> list[shapely.Geometry]:
    model, org = tt.model, tt.origin
    # Stations with no known position (outside the member cities) route but get no disc.
    reached = np.flatnonzero((tt.station_min + model.egress_min < thresholds[-1]) & np.isfinite(net.lon))
    lon = np.r_[org.lon, net.lon[reached]]
    lat = np.r_[org.lat, net.lat[reached]]
    d_km = np.empty((lon.size, lon.size))
    d_km[1:, 1:] = net.station_km[np.ix_(reached, reached)]
    d_km[0, 1:] = d_km[1:, 0] = origin_station_km(org, net)[reached]
    d_km[0, 0] = 0.0
    spare = np.r_[0.0, tt.station_min[reached] + model.egress_min]
    cap = np.r_[np.inf, np.full(reached.size, model.max_access_km)]
    out: list[shapely.Geometry] = []
    previous = None
    for t in thresholds:
        r = np.minimum((t - spare) * model.km_per_min, cap)
        keep = np.flatnonzero(r > 0)
        keep = keep[_undominated(d_km[np.ix_(keep, keep)], r[keep])]
        poly = shapely.union_all(geodesic_discs(lon[keep], lat[keep], r[keep], n_azimuths=n_azimuths))
        # Nest by construction: the t-minute area contains every smaller threshold's polygon.
        if previous is not None:
            poly = shapely.union(poly, previous)
        out.append(poly)
        previous = poly
    return out


def _frame(tt: TravelTimes, thresholds: tuple[float, ...], polys: list, net: RailNetwork) -> gpd.GeoDataFrame:
    members = np.flatnonzero(net.place_member)
    pop = net.places["population_2020"].to_numpy(float)[members]
    names = net.place_names[members]
    door = tt.places["door_min"].to_numpy()[members]
    order = np.argsort(door, kind="stable")
    columns: dict[str, list] = {k: [] for k in ("cities_reached", "n_cities_reached", "population_reached",
                                                "population_unknown")}
    for t in thresholds:
        hit = order[door[order] <= t]
        columns["cities_reached"].append("、".join(f"{names[i]} {door[i]:.0f}" for i in hit))
        columns["n_cities_reached"].append(int(hit.size))
        columns["population_reached"].append(float(np.nansum(pop[hit])))
        columns["population_unknown"].append(int(np.isnan(pop[hit]).sum()))
    data = {"origin": tt.origin.label, "minutes": list(thresholds), "mode": tt.mode, "year": str(tt.year),
            "area_km2": _area_km2(polys), **columns}
    return gpd.GeoDataFrame(data, geometry=polys, crs=WGS84)


def _area_km2(polys: list) -> np.ndarray:
    """Areas in km² of EPSG:4326 polygons, measured in :data:`geo.crs.EQUAL_AREA`."""
    to_ea = transformer(WGS84, EQUAL_AREA)
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
