"""Isochrone polygons (door-to-door, minutes) and nominal distance rings, in EPSG:4326.

An isochrone for ``t`` minutes is the set of points whose door-to-door time
(:mod:`geo.traveltime`) is at most ``t``: the union of geodesic discs around the
origin (the road reach of ``t``, :meth:`~geo.network.RoadModel.reach_km`, road only) and, in
rail mode, around every reached station (the road reach of ``t - arrival - egress_min`` with one
urban end, capped at ``max_access_km``). Radii are road km (:mod:`geo.road`): where the network has the
Yangtze as a barrier, a disc that reaches the river is cut to its centre's bank, and every bridge open in the
network year that a centre reaches grows a disc of the road km left on the far bank (the most any centre on the
near bank has left), cut to that bank; so a circle crosses the river only where its times do. An expressway
section (a scenario's, :mod:`geo.road`) is entered and left only at its ends: the end a centre's road reaches
through the section (or over a bridge and the section) grows a disc of the road km left there, cut to that end's
bank, exactly as a bridge grows one on the far bank; the section's own line adds nothing between its ends.

Geometry is built in :data:`geo.crs.EQUAL_AREA` (Albers, metres), so areas are exact
plane areas, and returned in EPSG:4326:

- The origin's disc has ``n_azimuths`` (64) vertices exactly on its geodesic circle
  (:meth:`pyproj.Geod.fwd`), projected.
- A station's disc, at most ``max_access_km`` (100 km by default), has three quarters as
  many (48), inscribed in its Tissot ellipse: the image of the ground circle under the
  projection's local Jacobian at the station (:func:`tissot_frames`). For radii up to
  ``ELLIPSE_MAX_KM`` (150 km) the ellipse stays within ``ELLIPSE_TOLERANCE`` (0.25 %) of the
  radius of the true geodesic circle at any station, from 成都 to 上海 and 广州 to 郑州, and
  its area is exact, because the Jacobian of an equal-area projection has determinant 1.
  With a larger ``max_access_km`` station discs are geodesic too.
- An inscribed n-gon lies at most ``r (1 - cos(pi/n))`` inside its curve (223 m for the
  185 km origin disc of 180 minutes, 214 m for a 100 km station disc) and its area is
  short by ``1 - sin(2 pi/n) / (2 pi/n)``: 0.16 % for 64 vertices, 0.29 % for 48. Every
  disc, and so the union, is within 0.5 % of its true geodesic area.
- Discs whose polygon provably lies inside another disc's polygon are dropped, then each
  threshold's discs are unioned in one sweep (Clipper2, via pyclipr).

Thresholds nest by construction: each centre keeps one vertex count and one kind of disc
at every threshold, so its polygons are scaled copies (ellipses) or lie on the same
azimuth rays (geodesic), each inside the next, and a union of larger discs contains the
union of smaller ones. Back in lon/lat, straight edges bow away from the plane's by up to
``CHORD_BOW x length²``; where a disc grows less than ten times that between two thresholds,
the smaller polygon is unioned into the larger, so nesting holds there too. Nothing depends
on which other thresholds are asked for, so a threshold's polygon is the same in any request.

``cities_reached`` uses the exact door-to-door times, not the polygon, so a seat within a few
hundred metres of a boundary is judged exactly. The travel times behind the discs are cached
per network and (origin, year, mode, model, transfer_min, figure) (:func:`geo.traveltime.travel_times`),
so repeated calls skip the routing; the geometry is computed on every call.
:func:`isochrones_many` computes several origins in one pass, which is how the map layer asks
for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd
import pyclipr
import shapely
from geopandas.array import GeometryArray
from pyproj import Transformer

from geo.crs import EQUAL_AREA, GEOD, WGS84, transformer
from geo.errors import BadThresholdError
from geo.network import (
    CURRENT_YEAR,
    DEFAULT_TRANSFER_MIN,
    Figure,
    RailNetwork,
    RoadModel,
    Year,
    check_figure,
    check_year,
    default_network,
)
from geo.options import MIN_MINUTES
from geo.traveltime import Mode, Origin, _cached_arrays, check_mode, origin_station_km, resolve_origin

__all__ = [
    "DEFAULT_MINUTES",
    "ELLIPSE_MAX_KM",
    "ELLIPSE_TOLERANCE",
    "MAX_MINUTES",
    "NOMINAL_SPEED_KMH",
    "N_AZIMUTHS",
    "check_minutes",
    "geodesic_discs",
    "isochrones",
    "isochrones_many",
    "nominal_rings",
    "station_azimuths",
    "tissot_frames",
]

DEFAULT_MINUTES = (60.0, 120.0, 180.0)
MAX_MINUTES = 24 * 60.0  # longer thresholds are surely a unit mistake (seconds? hours?)
N_AZIMUTHS = 64
ELLIPSE_MAX_KM = 150.0
ELLIPSE_TOLERANCE = 0.0025  # tests/test_isochrones.py measures it around every station of the network
NOMINAL_SPEED_KMH = 60.0  # road-commuting equivalent for nominal rings
# A straight edge of L km in the equal-area plane, mapped to lon/lat, lies within CHORD_BOW x L² km of the
# straight lon/lat edge between its mapped ends (4 m for an 18 km edge; tests/test_isochrones.py measures it).
CHORD_BOW = 1.5e-5
_CLIPPER_SCALE = 1e6  # Clipper2 works on integers: plane metres are snapped to 1 µm
# lon/lat box to which the Yangtze's banks are cut for clipping (fewer vertices): 1,500 km and more around the member
# cities, wider than any travel circle; a disc that reaches the river and goes beyond the box (a threshold of many
# hours) is cut at its edge.
_BANK_BOX = (95.0, 15.0, 135.0, 45.0)


def check_minutes(minutes: Iterable[float] | float) -> tuple[float, ...]:
    """Validate thresholds (minutes, 1 <= t <= 1440); return them unique and ascending.

    Under a minute is surely a unit mistake, and a disc of a few micrometres vanishes in the union's 1 µm grid.
    """
    values = [minutes] if isinstance(minutes, (int, float)) else list(minutes)
    if not values:
        raise BadThresholdError("give at least one threshold in minutes, e.g. 60 120 180")
    bad = [v for v in values if isinstance(v, bool) or not isinstance(v, (int, float, np.number))
           or not np.isfinite(v) or not MIN_MINUTES <= v <= MAX_MINUTES]
    if bad:
        raise BadThresholdError(
            f"thresholds must be minutes from {MIN_MINUTES} to {MAX_MINUTES:g} (24 h), got {', '.join(map(repr, bad))}"
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
    """Disc ``i`` with ``n[i]`` vertices (lon/lat); all vertices from one :meth:`Geod.fwd` call."""
    if np.any(~np.isfinite(radius) | (radius <= 0)):
        raise BadThresholdError("disc radii must be finite and > 0 km")
    disc, az = _azimuth_steps(n)
    x, y, _ = GEOD.fwd(lon[disc], lat[disc], np.degrees(az), radius[disc] * 1000.0)
    return shapely.polygons(shapely.linearrings(np.column_stack([x, y]), indices=disc))


def station_azimuths(n_azimuths: int) -> int:
    """Vertices of a station's disc: three quarters of the origin's ``n_azimuths``, a multiple of 8.

    Station discs are at most ``max_access_km`` (100 km by default) against the origin's 185 km
    at 180 minutes, so the gap between polygon and circle stays no wider than the origin's.
    """
    return max(8, -(-3 * n_azimuths // 32) * 8)


def tissot_frames(lon, lat) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plane position and local Jacobian of :data:`geo.crs.EQUAL_AREA` at lon/lat degrees.

    Returns ``x``, ``y`` (metres) and ``jac`` of shape ``(n, 2, 2)``: ``jac[i] @ (east, north)``
    maps a small ground offset in metres at point ``i`` to plane metres (Tissot's indicatrix;
    its determinant is 1 because the projection is equal-area). Central differences over
    geodesic steps of 10 m, so no projection formula or sign convention is assumed.
    """
    lon, lat = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
    to_plane = _to_equal_area()
    x, y = to_plane.transform(lon, lat)
    step = 10.0
    az = np.repeat([90.0, 270.0, 0.0, 180.0], lon.size)
    px, py, _ = GEOD.fwd(np.tile(lon, 4), np.tile(lat, 4), az, np.full(az.size, step))
    px, py = (v.reshape(4, lon.size) for v in to_plane.transform(px, py))
    jac = np.empty((lon.size, 2, 2))
    jac[:, 0, 0], jac[:, 1, 0] = (px[0] - px[1]) / (2 * step), (py[0] - py[1]) / (2 * step)
    jac[:, 0, 1], jac[:, 1, 1] = (px[2] - px[3]) / (2 * step), (py[2] - py[3]) / (2 * step)
    return np.asarray(x), np.asarray(y), jac


def _azimuth_steps(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Disc index and azimuth (radians) of every vertex of discs with ``n`` vertices.

    Azimuths decrease (counter-clockwise) so rings follow the GeoJSON right-hand rule.
    """
    disc = np.repeat(np.arange(n.size), n)
    step = np.arange(disc.size) - np.repeat(np.cumsum(n) - n, n)
    return disc, step * (-2.0 * np.pi / n[disc])


def _disc_vertices(x: np.ndarray, y: np.ndarray, jac: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                   geodesic: np.ndarray, centre: np.ndarray, radius_km: np.ndarray, n: np.ndarray) -> list[np.ndarray]:
    """Vertices in the equal-area plane (metres) of disc ``i`` around ``centre[i]``, ``n[i]`` of them per disc.

    A centre flagged ``geodesic`` gets vertices exactly on its geodesic circle (:meth:`Geod.fwd`, then
    projected); the others are inscribed in their Tissot ellipse (``x``, ``y``, ``jac`` from
    :func:`tissot_frames`), which needs no geodesic call.
    """
    disc, az = _azimuth_steps(n)
    c, r = centre[disc], radius_km[disc] * 1000.0
    px, py = np.empty(disc.size), np.empty(disc.size)
    geo = geodesic[c]
    ell = ~geo
    east, north = r[ell] * np.sin(az[ell]), r[ell] * np.cos(az[ell])
    j = jac[c[ell]]
    px[ell] = x[c[ell]] + j[:, 0, 0] * east + j[:, 0, 1] * north
    py[ell] = y[c[ell]] + j[:, 1, 0] * east + j[:, 1, 1] * north
    if geo.any():
        gx, gy, _ = GEOD.fwd(lon[c[geo]], lat[c[geo]], np.degrees(az[geo]), r[geo])
        px[geo], py[geo] = _to_equal_area().transform(gx, gy)
    return np.split(np.column_stack([px, py]), np.cumsum(n)[:-1])


def _union_rings(paths: list[np.ndarray]) -> tuple[list[list[np.ndarray]], float]:
    """Union of closed paths (equal-area plane, metres) as ``[shell, *holes]`` rings per polygon, and its area (m²).

    Clipper2's single sweep over all the discs (non-zero fill) is nearly twice as fast here as GEOS's
    cascaded union. Coordinates are snapped to 1 µm. Shells come out counter-clockwise and holes
    clockwise, as GeoJSON's right-hand rule wants; an island inside a hole becomes a polygon of its own.
    """
    clipper = pyclipr.Clipper()
    clipper.scaleFactor = _CLIPPER_SCALE
    clipper.preserveCollinear = False
    clipper.addPaths(paths, pyclipr.Subject)
    tree = clipper.execute2(pyclipr.Union, pyclipr.FillRule.NonZero)
    polygons, stack = [], list(tree.children)
    while stack:
        shell = stack.pop()
        polygons.append([shell.polygon, *(hole.polygon for hole in shell.children)])
        for hole in shell.children:
            stack.extend(hole.children)
    return polygons, tree.area


def _multipolygons_wgs84(parts: list[list[list[np.ndarray]]]) -> np.ndarray:
    """One MultiPolygon (EPSG:4326) per item of ``parts`` (polygons as ring lists in the equal-area plane)."""
    rings, poly_of_ring, item_of_poly = [], [], []
    for item, polygons in enumerate(parts):
        for polygon in polygons:
            rings.extend(polygon)
            poly_of_ring += [len(item_of_poly)] * len(polygon)
            item_of_poly.append(item)
    coords = np.concatenate(rings)
    lon, lat = _from_equal_area().transform(coords[:, 0], coords[:, 1])
    ring_of = np.repeat(np.arange(len(rings)), [len(ring) for ring in rings])
    linear = shapely.linearrings(np.column_stack([lon, lat]), indices=ring_of)
    return shapely.multipolygons(shapely.polygons(linear, indices=poly_of_ring), indices=item_of_poly)


def _surely_inside(d_km: np.ndarray, r: np.ndarray, n: np.ndarray, *, allowed: np.ndarray | None = None) -> np.ndarray:
    """Mask of discs whose polygon lies inside another disc's polygon (``d_km`` centre distances, ``r`` radii km).

    Disc ``j``'s polygon lies within ``r_j (1 + tol)`` of its centre and disc ``i``'s polygon holds the
    disc of radius ``r_i (cos(pi / n_i) - tol)``, so ``d + r_j (1 + tol) <= r_i (cos(pi / n_i) - tol)``
    proves ``j`` adds nothing to the union: dropping it leaves the union unchanged. ``allowed[i, j]`` (optional)
    says whether disc ``i``'s polygon may stand for ``j`` at all (a disc clipped to one bank covers no other).
    """
    tol = ELLIPSE_TOLERANCE
    inner = r * (np.cos(np.pi / n) - tol)
    inside = d_km + (r * (1 + tol))[None, :] <= inner[:, None]  # [i, j]: disc j within disc i
    if allowed is not None:
        inside &= allowed
    return inside.any(axis=0)


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
    figure: Figure = "fastest",
) -> gpd.GeoDataFrame:
    """Door-to-door isochrones around ``origin``, one row per threshold, ascending (EPSG:4326).

    ``figure`` is the rail figure the door-to-door times use (``"fastest"`` or ``"typical"``, see geo.network).

    Columns: origin, minutes, mode, year, area_km2 (equal-area), cities_reached (member cities
    whose seat is within the threshold, by time, '、'-joined as "name minutes": "武汉 0、孝感 47"),
    reached (the same as JSON ``[[name_zh, door_min], …]``), n_cities_reached, population_reached (people in the
    polygon: 2020 county census figures apportioned by the share of each county's area inside, residents assumed
    evenly spread within a county; :func:`geo.population.population_reached`), population_basis (that basis, in
    words), counties_reached (counties with part of their area inside) and population_unknown (how many of those have
    no population figure). A city no longer counts whole once its seat is reached. Geometries are MultiPolygons.
    """
    return isochrones_many([origin], minutes, year=year, mode=mode, model=model, transfer_min=transfer_min,
                           n_azimuths=n_azimuths, network=network, figure=figure)


def isochrones_many(
    origins: Iterable[object],
    minutes: Iterable[float] | float = DEFAULT_MINUTES,
    *,
    year: Year = CURRENT_YEAR,
    mode: Mode = "rail",
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    n_azimuths: int = N_AZIMUTHS,
    network: RailNetwork | None = None,
    figure: Figure = "fastest",
) -> gpd.GeoDataFrame:
    """:func:`isochrones` for several origins in one pass: rows by origin (as given), then threshold.

    ``origins`` is a list of anything :func:`geo.traveltime.resolve_origin` takes (names, adcodes,
    station ids, (lon, lat) pairs); every origin is checked before any geometry is built.
    """
    if isinstance(origins, (str, bytes)) or not isinstance(origins, Iterable):
        raise TypeError(f"origins must be a list of origins, got {origins!r}; use isochrones() for one")
    net = network or default_network()
    model = model or RoadModel()
    thresholds = check_minutes(minutes)
    mode = check_mode(mode)
    year = check_year(year)
    if isinstance(n_azimuths, bool) or not isinstance(n_azimuths, (int, np.integer)) or n_azimuths < 8:
        raise BadThresholdError(f"n_azimuths must be an integer >= 8, got {n_azimuths!r}")
    orgs = [resolve_origin(o, network=net) for o in origins]
    if not orgs:
        raise TypeError("origins is empty: give at least one origin")
    graph = net.graph(year, transfer_min=transfer_min, figure=check_figure(figure))
    # Cached per (origin, year, mode, model, transfer_min, figure): repeated calls skip Dijkstra and the tables.
    # No search limit, so any thresholds reuse it; a limit would only turn times above it into inf.
    times = [_cached_arrays(org, year, mode, model, graph, net) for org in orgs]
    discs = [_discs_of(org, tt[0], model, thresholds, net, n_azimuths, year)
             for org, tt in zip(orgs, times, strict=True)]
    polys, area = _union_polygons(discs, len(thresholds), net)
    return _frame(orgs, year, mode, [tt[1] for tt in times], thresholds, polys, area, net)


@dataclass(frozen=True)
class _Discs:
    """One origin's discs: per centre (the origin, then reached stations) and per (threshold, disc) row."""

    lon: np.ndarray  # centre, degrees
    lat: np.ndarray
    x: np.ndarray  # centre in the equal-area plane, metres
    y: np.ndarray
    jac: np.ndarray  # (centres, 2, 2), see tissot_frames
    geodesic: np.ndarray  # centre drawn on its geodesic circle rather than its Tissot ellipse
    n: np.ndarray  # vertices per centre
    row: np.ndarray  # threshold index of each disc, ascending
    centre: np.ndarray  # centre of each disc
    radius_km: np.ndarray  # radius of each disc
    clip: np.ndarray  # bank each disc is clipped to (geo.road: 0 left, 1 right), -1 for none
    growth_km: np.ndarray  # per threshold after the first: least growth of any disc since the one before
    longest_edge_km: float  # longest polygon edge (the origin's disc at the largest threshold)


def _discs_of(org: Origin, station_min: np.ndarray, model: RoadModel, thresholds: tuple[float, ...],
              net: RailNetwork, n_azimuths: int, year: Year) -> _Discs:
    """One origin's discs at every threshold (radii in road km, :mod:`geo.road`), less those surely inside another.

    With the Yangtze as a barrier (``net.barrier``), a disc that reaches the river is clipped to its centre's bank
    and every bridge open in ``year`` within reach adds a disc of the remaining road km, clipped to the far bank;
    so does the far end of an expressway section, on its own bank (:func:`_bridge_discs`).
    """
    t = np.asarray(thresholds)
    # Stations with no known position (outside the member cities) route but get no disc.
    reached = np.flatnonzero((station_min + model.egress_min < t[-1]) & np.isfinite(net.lon))
    d_km = np.empty((reached.size + 1, reached.size + 1))
    d_km[1:, 1:] = net.station_km[np.ix_(reached, reached)]
    d_km[0, 1:] = d_km[1:, 0] = origin_station_km(org, net)[reached]
    d_km[0, 0] = 0.0
    spare = np.r_[0.0, station_min[reached] + model.egress_min]
    cap = np.r_[np.inf, np.full(reached.size, model.max_access_km)]
    ends = np.r_[2.0, np.ones(reached.size)]  # a road-only trip has two urban ends, a station leg one
    radius = np.minimum(model.reach_km(t[:, None] - spare[None, :], ends[None, :]), cap[None, :])
    # One vertex count and one kind of disc per centre, whatever the thresholds: they then nest.
    n = np.r_[n_azimuths, np.full(reached.size, station_azimuths(n_azimuths))]
    geodesic = np.r_[True, np.full(reached.size, model.max_access_km > ELLIPSE_MAX_KM)]
    lon, lat = np.r_[org.lon, net.lon[reached]], np.r_[org.lat, net.lat[reached]]
    x, y, jac = _centre_frames(reached, net)
    clip = np.full(radius.shape, -1, dtype=np.int8)  # bank a disc is clipped to (-1: none, it stays on its bank)
    side = None
    if net.barrier is not None:
        bank, reach_river, b_lon, b_lat, b_radius, b_side, (bx, by, bjac), b_km = _bridge_discs(
            net, year, lon, lat, reached, radius, model.km_per_min)
        nb = b_lon.size
        clip = np.c_[np.where(radius > reach_river[None, :], bank[None, :], -1).astype(np.int8),
                     np.broadcast_to(b_side, (t.size, nb))]
        side = np.where(clip >= 0, clip, np.r_[bank, b_side][None, :])  # the bank each disc's area lies on
        d_km = np.block([[d_km, b_km.T], [b_km, _bridge_bridge_km(net, b_lon, b_lat)]])
        radius = np.c_[radius, b_radius]
        # Bridge discs can be wider than ELLIPSE_MAX_KM: geodesic whatever the thresholds, so a polygon never
        # depends on which other thresholds were asked for.
        n = np.r_[n, np.full(nb, station_azimuths(n_azimuths))]
        geodesic = np.r_[geodesic, np.ones(nb, bool)]
        lon, lat = np.r_[lon, b_lon], np.r_[lat, b_lat]
        x, y, jac = np.r_[x, bx], np.r_[y, by], np.concatenate([jac, bjac])
    row, centre = [], []
    for k in range(t.size):
        keep = np.flatnonzero(radius[k] > 0)
        # A disc clipped to a bank covers only that bank: it may hide a disc whose area lies on the same bank.
        allowed = None if side is None else (clip[k, keep][:, None] < 0) | (side[k, keep][:, None] ==
                                                                            side[k, keep][None, :])
        keep = keep[~_surely_inside(d_km[np.ix_(keep, keep)], radius[k, keep], n[keep], allowed=allowed)]
        row.append(np.full(keep.size, k))
        centre.append(keep)
    row, centre = np.concatenate(row), np.concatenate(centre)
    growth = np.where(radius[:-1] > 0, radius[1:] - radius[:-1], np.inf).min(axis=1, initial=np.inf)
    return _Discs(lon=lon, lat=lat, x=x, y=y, jac=jac, geodesic=geodesic, n=n, row=row, centre=centre,
                  radius_km=radius[row, centre], clip=clip[row, centre], growth_km=growth,
                  longest_edge_km=2 * radius[-1, 0] * np.sin(np.pi / n_azimuths))


def _bridge_discs(net: RailNetwork, year: Year, lon: np.ndarray, lat: np.ndarray, reached: np.ndarray,
                  radius: np.ndarray, km_per_min: float) -> tuple:
    """Bank and km to the river of each centre, and the link discs (:mod:`geo.road`): for every link end and bank it
    leads on to (an open bridge: either bank; a section's end: its own bank), the largest remaining road km of any
    centre whose road reaches the end (thresholds x (end, bank)), with frames.
    A disc centred on an end a centre reaches directly on its own bank lies inside that centre's disc: left out.

    Returns (bank, reach_river_km, end_lon, end_lat, end_radius, end_side, frames, end_centre_km), the last being
    geodesic km from each link disc (rows) to each centre (cols).
    """
    barrier = net.barrier
    stations = net.memo(("river_parts",), lambda: _river_parts(barrier, net.lon, net.lat))
    origin = _river_parts(barrier, lon[:1], lat[:1])
    bank = np.r_[origin[0], stations[0][reached]]
    reach_river = np.r_[origin[1], stations[1][reached]]
    node_km = np.r_[origin[2], stations[2][reached]]  # centres x link ends, geodesic km
    road, useful = barrier.node_reach(bank, node_km, year, km_per_min)  # (centres, ends), (centres, 2, ends)
    side, end = np.nonzero(barrier.node_banks(year))  # one disc per (bank, end) a road can go on to
    left = np.where(useful[None, :, side, end], radius[:, :, None] - road[None, :, end], -np.inf).max(axis=1)
    all_lon, all_lat = barrier.node_lonlat
    frames = net.memo(("bridge_frames",), lambda: tissot_frames(all_lon, all_lat))
    return (bank, reach_river, all_lon[end], all_lat[end], np.where(np.isfinite(left), left, 0.0),
            side.astype(np.int8), tuple(a[end] for a in frames), node_km[:, end].T)


def _bridge_bridge_km(net: RailNetwork, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geodesic km between bridge-disc centres (memoised per set of centres)."""
    key = ("bridge_bridge_km", lon.tobytes(), lat.tobytes())
    return net.memo(key, lambda: _pair_km(lon, lat))


def _pair_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    _, _, m = GEOD.inv(np.repeat(lon, lon.size), np.repeat(lat, lat.size), np.tile(lon, lon.size),
                       np.tile(lat, lat.size))
    return np.asarray(m).reshape(lon.size, lon.size) / 1000.0


def _river_parts(barrier, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bank, km to the bank boundary (a lower bound: plane distance less :data:`ELLIPSE_TOLERANCE`) and km to
    every link end (bridges, sections' ends), for points in lon/lat."""
    boundary = _bank_planes(barrier)[2]
    known = np.isfinite(lon) & np.isfinite(lat)
    px, py = _to_equal_area().transform(lon[known], lat[known])
    km = np.full(lon.size, np.inf)
    km[known] = shapely.distance(shapely.points(px, py), boundary) / 1000.0 * (1 - 2 * ELLIPSE_TOLERANCE)
    return barrier.bank(lon, lat), km, barrier.node_km(lon, lat)


@cache
def _bank_planes(barrier) -> tuple[np.ndarray, np.ndarray, shapely.LineString]:
    """The two bank polygons' exterior rings (cut to :data:`_BANK_BOX`, which holds every disc) and the river
    boundary, in the equal-area plane (metres)."""
    to_plane = _to_equal_area()

    def plane(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(to_plane.transform(xy[:, 0], xy[:, 1])))

    box = shapely.segmentize(shapely.box(*_BANK_BOX), 5.0)
    left, right = (np.asarray(plane(shapely.intersection(b, box)).exterior.coords)[:-1] for b in barrier.banks)
    return left, right, plane(barrier.boundary)


def _clip_paths(paths: list[np.ndarray], bank: np.ndarray) -> list[np.ndarray]:
    """The union of ``paths`` intersected with the ``bank`` polygon (plane metres), as closed paths."""
    clipper = pyclipr.Clipper()
    clipper.scaleFactor = _CLIPPER_SCALE
    clipper.addPaths(paths, pyclipr.Subject)
    clipper.addPath(bank, pyclipr.Clip)
    return list(clipper.execute(pyclipr.Intersection, pyclipr.FillRule.NonZero))


def _union_polygons(discs: list[_Discs], n_thresholds: int, net: RailNetwork) -> tuple[np.ndarray, np.ndarray]:
    """One MultiPolygon (EPSG:4326) and area (km²) per (origin, threshold), origins in order."""
    offset = np.cumsum([0] + [d.lon.size for d in discs])[:-1]
    cat = {f: np.concatenate([getattr(d, f) for d in discs]) for f in ("lon", "lat", "x", "y", "jac", "geodesic", "n")}
    centre = np.concatenate([d.centre + o for d, o in zip(discs, offset, strict=True)])
    item = np.concatenate([d.row + i * n_thresholds for i, d in enumerate(discs)])
    radius = np.concatenate([d.radius_km for d in discs])
    clip = np.concatenate([d.clip for d in discs])
    paths = _disc_vertices(cat["x"], cat["y"], cat["jac"], cat["lon"], cat["lat"], cat["geodesic"], centre, radius,
                           cat["n"][centre])
    bounds = np.searchsorted(item, np.arange(len(discs) * n_thresholds + 1))
    banks = _bank_planes(net.barrier)[:2] if net.barrier is not None else ()
    unions = []
    for a, b in pairwise(bounds):
        group = [paths[i] for i in range(a, b) if clip[i] < 0]
        for side, bank in enumerate(banks):
            on_side = [paths[i] for i in range(a, b) if clip[i] == side]
            if on_side:
                group += _clip_paths(on_side, bank)
        unions.append(_union_rings(group))
    polys, area = _multipolygons_wgs84([rings for rings, _ in unions]), np.array([a for _, a in unions]) / 1e6
    # Parts that nearly touch in the plane (a gap of micrometres, far out at long thresholds) can cross once their
    # straight edges are mapped back to lon/lat; repair those few, or GEOS refuses them in the union below.
    invalid = np.flatnonzero(~shapely.is_valid(polys))
    polys[invalid] = [_polygonal(shapely.make_valid(p, method="structure", keep_collapsed=False))
                      for p in polys[invalid]]
    # Nesting holds in the plane with a margin of each disc's growth. Back in lon/lat a polygon's straight edges
    # bow away from the projected plane edges by up to CHORD_BOW x length², so where some disc grew by less than
    # ten times that (a capped station disc does not grow at all), union the smaller polygon in to keep nesting exact.
    for i, d in enumerate(discs):
        for k in np.flatnonzero(d.growth_km < 10 * CHORD_BOW * d.longest_edge_km**2) + 1:
            j = i * n_thresholds + k
            polys[j] = _polygonal(shapely.union(polys[j], polys[j - 1]))
            area[j] = _area_km2([polys[j]])[0]
    return polys, area


def _polygonal(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """A GEOS result as one MultiPolygon, shells counter-clockwise (GEOS turns them clockwise)."""
    parts = shapely.get_parts(geom)
    return shapely.multipolygons(shapely.orient_polygons(parts[shapely.get_type_id(parts) == 3]))


def _centre_frames(reached: np.ndarray, net: RailNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`tissot_frames` of the origin (NaN: its disc is geodesic) then the ``reached`` stations (memoised)."""
    stations = net.memo(("tissot_frames",), lambda: tissot_frames(net.lon, net.lat))
    return tuple(np.concatenate([np.full((1, *a.shape[1:]), np.nan), a[reached]]) for a in stations)


def _reach(door_min: np.ndarray, thresholds: tuple[float, ...], net: RailNetwork) -> dict[str, np.ndarray]:
    """Member cities within each threshold (by door-to-door minutes) and their count."""
    members = np.flatnonzero(net.place_member)
    names = net.place_names[members]
    door = door_min[members]
    order = np.argsort(door, kind="stable")
    n_hit = np.searchsorted(door[order], np.asarray(thresholds), side="right")  # door <= t, NaN/inf never
    labels = [f"{names[i]} {door[i]:.0f}" for i in order[:n_hit[-1]]]
    pairs = [[str(names[i]), round(float(door[i]), 1)] for i in order[:n_hit[-1]]]
    return {
        "cities_reached": np.array(["、".join(labels[:h]) for h in n_hit], dtype=object),
        "reached": np.array([json.dumps(pairs[:h], ensure_ascii=False) for h in n_hit], dtype=object),
        "n_cities_reached": n_hit.astype(np.int64),
    }


def _people(polys: np.ndarray) -> dict[str, np.ndarray]:
    """People in each polygon from the county figures (apportioned by area), with the basis and the gaps."""
    from geo.population import load_counties, population_reached  # it imports geo.surface, which imports us

    counties = load_counties()
    people = population_reached(polys, counties)
    return {
        "population_reached": np.round(people.population),
        "population_basis": np.full(len(polys), counties.basis, dtype=object),
        "counties_reached": people.counties_touched,
        "population_unknown": people.counties_unknown,
    }


def _frame(orgs: list[Origin], year: Year, mode: Mode, door_min: list[np.ndarray], thresholds: tuple[float, ...],
           polys: np.ndarray, area_km2: np.ndarray, net: RailNetwork) -> gpd.GeoDataFrame:
    reach = [_reach(door, thresholds, net) for door in door_min]
    n = len(orgs) * len(thresholds)
    data = {
        "origin": np.repeat(np.array([org.label for org in orgs], dtype=object), len(thresholds)),
        "minutes": np.tile(np.asarray(thresholds, dtype=float), len(orgs)),
        "mode": np.full(n, mode, dtype=object),
        "year": np.full(n, str(year), dtype=object),
        "area_km2": area_km2,
        **{k: np.concatenate([r[k] for r in reach]) for k in reach[0]},
        **_people(polys),
        "geometry": GeometryArray(polys, crs=WGS84),
    }
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry="geometry")


@cache
def _to_equal_area() -> Transformer:
    # Hashing CRS objects for transformer()'s cache costs more than the areas themselves on the hot path.
    return transformer(WGS84, EQUAL_AREA)


@cache
def _from_equal_area() -> Transformer:
    return transformer(EQUAL_AREA, WGS84)


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
    Columns: origin, minutes, speed_kmh, radius_km, area_km2, label, cities_within ('、'-joined),
    cities_reached (by seat distance at the ring's speed), population_reached, population_basis, counties_reached
    and population_unknown (as :func:`isochrones`: county figures apportioned by area), reached
    (JSON ``[[name_zh, minutes at speed_kmh], …]``, nearest first).
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
    nearest = sorted(zip(members["name_zh"], seat_km, strict=True), key=lambda pair: pair[1])
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
            "cities_reached": ["、".join(f"{n} {k / speed_kmh * 60:.0f}" for n, k in nearest if k <= r)
                               for r in radius],
            **_people(discs),
            "reached": [json.dumps([[str(n), round(float(k) / speed_kmh * 60, 1)] for n, k in nearest if k <= r],
                                   ensure_ascii=False) for r in radius],
        },
        geometry=discs,
        crs=WGS84,
    )
