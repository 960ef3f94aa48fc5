"""Station-to-station circles: where the trains from a city's main stations arrive within a threshold (EPSG:4326).

The plan quotes its 1/2/3-hour circles station to station: the rail time from a core's main stations to
other cities' stations, with no road leg, no boarding time and no leaving time. This module draws them so:

- A station is reached within ``t`` minutes when the rail time (:meth:`geo.network.RailGraph.station_minutes`,
  in-vehicle + transfer penalties, and in the ``"typical"`` figure the expected waits) from the nearest of the
  origin's main stations is at most ``t``; the origin's main stations are reached at 0.
- Each reached station is drawn as a geodesic disc of :data:`STATION_DISC_KM` (10 km): a marker of the
  station's place, not a catchment (no road time is counted). The circle of ``t`` is the union of those discs,
  built on the previous threshold's, so each threshold's polygon lies inside the next one's.
- ``cities_reached`` lists the member cities whose main station is reached, with their station-to-station
  minutes; ``population_reached`` sums their 2020 census population (``population_basis`` says so).

Stations without a known position (outside the member cities) route but are not drawn, as in
:mod:`geo.isochrones`; a station placed at its city's seat (``coord_imputed``) is drawn there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import EQUAL_AREA, WGS84, transformer
from geo.errors import BadOptionError, UnreachableError
from geo.isochrones import DEFAULT_MINUTES, check_minutes, geodesic_discs
from geo.network import (
    CURRENT_YEAR,
    DEFAULT_TRANSFER_MIN,
    Figure,
    RailNetwork,
    Year,
    check_figure,
    check_year,
    default_network,
)
from geo.traveltime import Origin, resolve_origin

__all__ = ["POPULATION_BASIS", "STATION_DISC_KM", "origin_main_stations", "station_circles"]

STATION_DISC_KM = 10.0  # radius of the disc drawn around each reached station (a marker, not a catchment)
# The discs are markers, not catchments, so the people reached are those of the cities whose main station is.
POPULATION_BASIS = "2020 census totals of the member cities whose main station is reached (cities.csv)"
_DISC_VERTICES = 32  # a 10 km disc as a 32-gon lies at most 48 m inside its circle


def origin_main_stations(org: Origin, net: RailNetwork) -> np.ndarray:
    """Station indices a station-to-station circle starts from: a city's main stations, or the station itself.

    Raises :class:`BadOptionError` for a lon/lat origin, which has no station of its own.
    """
    if org.station is not None:
        return np.array([org.station], dtype=np.int64)
    if org.place is not None:
        return net.main_stations(org.label).astype(np.int64)
    raise BadOptionError(f"station-to-station circles start at a city's main stations or at a station; "
                         f"{org.label} is a point: use door-to-door circles for it")


def station_circles(
    origins: Iterable[object],
    minutes: Iterable[float] | float = DEFAULT_MINUTES,
    *,
    year: Year = CURRENT_YEAR,
    figure: Figure = "fastest",
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    radius_km: float = STATION_DISC_KM,
    network: RailNetwork | None = None,
) -> gpd.GeoDataFrame:
    """Station-to-station circles, rows by origin (as given) then threshold ascending (EPSG:4326).

    Columns as :func:`geo.isochrones.isochrones_many` (origin, minutes, mode ``"rail"``, year, area_km2,
    cities_reached, reached, n_cities_reached, population_reached, population_unknown) plus ``n_stations``
    (stations drawn), ``figure`` and ``note``; ``reached`` holds station-to-station minutes. Geometries are the
    unions of ``radius_km`` discs around the reached stations (MultiPolygons). An origin none of whose main stations
    is open in ``year`` gets empty circles and says so in ``note``; if no origin has one, UnreachableError.
    """
    if isinstance(origins, (str, bytes)) or not isinstance(origins, Iterable):
        raise TypeError(f"origins must be a list of origins, got {origins!r}")
    if not (isinstance(radius_km, (int, float)) and np.isfinite(radius_km) and 0 < radius_km <= 100):
        raise BadOptionError(f"radius_km must be in (0, 100] km, got {radius_km!r}")
    net = network or default_network()
    thresholds = np.asarray(check_minutes(minutes))
    year, figure = check_year(year), check_figure(figure)
    orgs = [resolve_origin(o, network=net) for o in origins]
    if not orgs:
        raise TypeError("origins is empty: give at least one origin")
    graph = net.graph(year, transfer_min=transfer_min, figure=figure)
    # An origin whose main stations are not open in the year (孝感 in 2015) gets empty circles and a note, so the
    # other origins' circles are still drawn.
    mains = [origin_main_stations(org, net) for org in orgs]
    closed = [not graph.open_station[m].any() for m in mains]
    if all(closed):
        raise UnreachableError(f"no main station of {', '.join(o.label for o in orgs)} is open in {year}; "
                               "try a later year or 'planned'")
    drawable = np.isfinite(net.lon) & np.isfinite(net.lat)
    discs = geodesic_discs(net.lon[drawable], net.lat[drawable], radius_km, n_azimuths=_DISC_VERTICES)
    disc_of = np.full(len(net.lon), -1)
    disc_of[drawable] = np.arange(drawable.sum())
    rows = []
    for org, m, shut in zip(orgs, mains, closed, strict=True):
        station_min = np.full(len(net.lon), np.inf) if shut else graph.station_minutes(m).min(axis=0)
        place_min = np.array([np.min(station_min[idx], initial=np.inf) for idx in net.place_mains])
        geom, before = shapely.MultiPolygon(), np.zeros(len(net.lon), dtype=bool)
        for t in thresholds:
            within = (station_min <= t) & drawable
            hit = np.flatnonzero(within)
            # Each threshold's polygon is the last one's plus the discs of the stations newly reached, so the
            # circles nest (to GEOS's rounding of shared vertices, far below a metre).
            geom = shapely.union_all([geom, *discs[disc_of[np.flatnonzero(within & ~before)]]])
            before = within
            rows.append({"origin": org.label, "minutes": float(t), "mode": "rail", "year": str(year),
                         "figure": figure, "n_stations": int(hit.size), **_reach(place_min, t, net),
                         "note": f"no main station open in {year}" if shut else "", "geometry": _multi(geom)})
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=WGS84)
    to_ea = transformer(WGS84, EQUAL_AREA)
    plane = shapely.transform(gdf.geometry.to_numpy(), to_ea.transform, interleaved=False)
    gdf.insert(4, "area_km2", shapely.area(plane) / 1e6)
    return gdf


def _multi(geom: shapely.Geometry) -> shapely.MultiPolygon:
    parts = shapely.get_parts(geom)
    return shapely.multipolygons(shapely.orient_polygons(parts[shapely.get_type_id(parts) == 3]))


def _reach(place_min: np.ndarray, t: float, net: RailNetwork) -> dict[str, object]:
    """Member cities whose main station is within ``t`` rail minutes, nearest first, with their population."""
    members = np.flatnonzero(net.place_member & (place_min <= t))
    members = members[np.argsort(place_min[members], kind="stable")]
    pop = net.place_population[members]
    names = net.place_names[members]
    return {
        "cities_reached": "、".join(f"{n} {m:.0f}" for n, m in zip(names, place_min[members], strict=True)),
        "reached": json.dumps([[str(n), round(float(m), 1)] for n, m in zip(names, place_min[members], strict=True)],
                              ensure_ascii=False),
        "n_cities_reached": int(members.size),
        "population_reached": float(np.nansum(pop)),
        "population_unknown": int(np.isnan(pop).sum()),
        "population_basis": POPULATION_BASIS,
    }
