"""Travel-time surface: door-to-door minutes from the chosen origins to every cell of a grid.

The grid is square cells of ``resolution_km`` (1 km by default) in :data:`geo.crs.EQUAL_AREA`
(Albers, metres), so every cell has the same ground area and a count of cells is an area. By default
it covers the agglomeration's outline (``data/derived/agglomeration.geojson``) plus ``MARGIN_KM``.
Row 0 is the northern edge (raster order); the value of a cell is the time to its centre.

A cell's minutes are those of :mod:`geo.isochrones`, point by point: the least, over the origins, of

- the road trip from the origin (:meth:`~geo.network.RoadModel.road_min`, two urban ends, geodesic km), and
- in rail mode, for every station reached (door-to-platform minutes from :func:`geo.traveltime.travel_times`,
  the fastest origin for each station): its arrival + ``egress_min`` + the road leg to the cell (one urban
  end), for cells at most ``max_access_km`` from the station.

With the Yangtze as a road barrier (``network.barrier``, :mod:`geo.road`), a road leg to a cell on the far bank
goes over the best bridge open in the network year (geodesic km to the bridge, then from it), as the isochrones'
bridge discs do; an expressway section (:mod:`geo.road`) is taken where it is shorter, from its far end on, as the
isochrones' link discs take it. So ``{cell: minutes <= t}`` is the isochrone's disc union sampled at cell centres; the
distances are the same ones the discs are drawn with: geodesic from the origin, and from a station its
Tissot ellipse (the station's local Jacobian, exact to ``ELLIPSE_TOLERANCE`` up to ``ELLIPSE_MAX_KM``; geodesic beyond).
The polygons are inscribed n-gons (within 0.5 % of their true area) and the cells a 1 km sample, so
the area of ``{minutes <= t}`` and that of the isochrone polygon (clipped to the grid) agree within
``AREA_TOLERANCE`` (1 %; measured: under 0.25 %); ``tests/geo/test_surface.py`` checks the nine default circles.

A cell no road reaches (the far bank when no bridge is open) is ``inf``, written as NaN, the nodata value
of the GeoTIFF. The origins' distance fields are cached per grid, so a surface for the same
origins on another network year or scenario costs only the station legs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import contourpy
import geopandas as gpd
import numpy as np
import shapely

from geo.crs import EQUAL_AREA, GEOD, WGS84, transformer
from geo.errors import BadOptionError, BadThresholdError, UnreachableError
from geo.isochrones import ELLIPSE_MAX_KM, check_minutes, tissot_frames
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
from geo.options import MAX_ORIGINS, engine_year
from geo.population import load_counties, surface_population
from geo.road import RiverBarrier
from geo.traveltime import Mode, Origin, check_mode, resolve_origin, travel_times

__all__ = [
    "AREA_TOLERANCE",
    "DEFAULT_RESOLUTION_KM",
    "MARGIN_KM",
    "MAX_CELLS",
    "Grid",
    "Surface",
    "region_grid",
    "region_mask",
    "travel_time_surface",
    "write_geotiff",
]

DEFAULT_RESOLUTION_KM = 1.0
MIN_RESOLUTION_KM, MAX_RESOLUTION_KM = 0.25, 20.0
MARGIN_KM = 20.0  # around the agglomeration's outline, so circles at its edge are not cut at the border
MAX_CELLS = 20_000_000  # 80 MB of float32; a finer grid over the region is surely a unit mistake
AREA_TOLERANCE = 0.01  # |area{minutes <= t} - isochrone polygon area| / polygon area (tests/geo/test_surface.py)


@dataclass(frozen=True)
class Grid:
    """Square cells of ``cell_m`` metres in :data:`geo.crs.EQUAL_AREA`; ``(x0, y0)`` is the north-west corner.

    Cell ``(row, col)`` spans x in ``[x0 + col*cell_m, x0 + (col+1)*cell_m]`` and y in
    ``[y0 - (row+1)*cell_m, y0 - row*cell_m]`` (metres); ``nx`` columns, ``ny`` rows.
    """

    x0: float
    y0: float
    cell_m: float
    nx: int
    ny: int

    @property
    def crs(self):
        return EQUAL_AREA

    @property
    def cell_km2(self) -> float:
        return self.cell_m**2 / 1e6

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in metres, :data:`geo.crs.EQUAL_AREA`."""
        return (self.x0, self.y0 - self.ny * self.cell_m, self.x0 + self.nx * self.cell_m, self.y0)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre x (``nx``, west to east) and y (``ny``, north to south), metres."""
        half = self.cell_m / 2
        return (self.x0 + half + self.cell_m * np.arange(self.nx), self.y0 - half - self.cell_m * np.arange(self.ny))


def region_grid(resolution_km: float = DEFAULT_RESOLUTION_KM, *,
                extent: tuple[float, float, float, float] | None = None, margin_km: float = MARGIN_KM) -> Grid:
    """The grid of ``resolution_km`` cells over ``extent`` (min lon, min lat, max lon, max lat, EPSG:4326).

    Without ``extent``, over the agglomeration's outline. The extent's outline is projected (not just its
    corners), widened by ``margin_km`` and snapped outwards to whole cells counted from the projection's origin,
    so two grids of one resolution share their cell edges.
    """
    if isinstance(resolution_km, bool) or not isinstance(resolution_km, (int, float, np.number)) \
            or not MIN_RESOLUTION_KM <= resolution_km <= MAX_RESOLUTION_KM:
        raise BadThresholdError(f"resolution_km must be a number from {MIN_RESOLUTION_KM:g} to "
                                f"{MAX_RESOLUTION_KM:g} km, got {resolution_km!r}")
    if not (np.isfinite(margin_km) and 0 <= margin_km <= 500):
        raise BadThresholdError(f"margin_km must be 0-500 km, got {margin_km!r}")
    w, s, e, n = _plane_bounds(None if extent is None else tuple(float(v) for v in extent))
    cell = float(resolution_km) * 1000.0
    pad = margin_km * 1000.0
    x0, x1 = math.floor((w - pad) / cell) * cell, math.ceil((e + pad) / cell) * cell
    y0, y1 = math.floor((s - pad) / cell) * cell, math.ceil((n + pad) / cell) * cell
    nx, ny = round((x1 - x0) / cell), round((y1 - y0) / cell)
    if nx * ny > MAX_CELLS:
        raise BadThresholdError(f"{nx} x {ny} cells is more than {MAX_CELLS:,}; use a larger resolution_km")
    return Grid(x0=x0, y0=y1, cell_m=cell, nx=nx, ny=ny)


@lru_cache(maxsize=2)
def region_mask(grid: Grid) -> np.ndarray:
    """Cells of ``grid`` whose centre lies within the agglomeration's outline widened by ``MARGIN_KM`` (the default
    grid's own margin), so what is drawn from a surface ends along the region, not along the grid's rectangle
    (bool, read-only; cached)."""
    from data import read_derived

    outline = shapely.union_all(read_derived("agglomeration").geometry.to_numpy())
    plane = shapely.transform(outline, transformer(WGS84, EQUAL_AREA).transform, interleaved=False)
    area = shapely.buffer(plane, MARGIN_KM * 1000.0)
    shapely.prepare(area)
    x, y = grid.centres()
    inside = shapely.contains_xy(area, *np.meshgrid(x, y))
    inside.setflags(write=False)
    return inside


@lru_cache(maxsize=8)
def _plane_bounds(extent: tuple[float, float, float, float] | None) -> tuple[float, float, float, float]:
    if extent is None:
        from data import read_derived

        outline = shapely.union_all(read_derived("agglomeration").geometry.to_numpy())
    else:
        w, s, e, n = extent
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise BadOptionError(f"extent must be (min lon, min lat, max lon, max lat) in degrees, got {extent}")
        outline = shapely.segmentize(shapely.box(w, s, e, n), 0.05)
    plane = shapely.transform(outline, transformer(WGS84, EQUAL_AREA).transform, interleaved=False)
    return tuple(float(v) for v in plane.bounds)


@dataclass(frozen=True, eq=False)
class Surface:
    """Door-to-door minutes (float32, ``(grid.ny, grid.nx)``, row 0 north) to the nearest of ``origins``.

    ``origins`` are the resolved origins' labels; ``year``, ``mode`` and ``model`` say which network and road
    assumptions made it. The cells are in :data:`geo.crs.EQUAL_AREA` (see :class:`Grid`).
    """

    minutes: np.ndarray
    grid: Grid
    origins: tuple[str, ...]
    year: Year
    mode: Mode
    model: RoadModel = field(default_factory=RoadModel)
    figure: Figure = "fastest"

    def reached_km2(self, minutes: Iterable[float] | float) -> np.ndarray:
        """Area (km², equal-area) of the cells within each threshold (minutes), in ascending threshold order."""
        t = np.asarray(check_minutes(minutes))
        values = np.sort(self.minutes[np.isfinite(self.minutes)], axis=None)
        return np.searchsorted(values, t, side="right") * self.grid.cell_km2

    def bands(self, thresholds: Iterable[float] | float) -> gpd.GeoDataFrame:
        """Filled contour polygons between consecutive thresholds (minutes), EPSG:4326.

        One row per band: ``min_from`` (0 for the first), ``min_to`` (the threshold), ``label`` ("60–120 min"),
        ``area_km2`` (of the polygon, equal-area), ``population`` (people in the band's cells, county figures
        apportioned by area: :func:`geo.population.surface_population`), ``population_basis`` and a MultiPolygon
        traced by :mod:`contourpy` through the cell centres (linear interpolation between them), mapped to lon/lat.
        """
        t = check_minutes(thresholds)
        gen = self._contours()
        lows = (0.0, *t[:-1])
        polys = [_filled(gen.filled(lo, hi)) for lo, hi in zip(lows, t, strict=True)]
        area = np.array([p.area for p in polys]) / 1e6
        to_wgs = transformer(EQUAL_AREA, WGS84)
        geoms = [shapely.transform(p, to_wgs.transform, interleaved=False) for p in polys]
        counties = load_counties()
        people = np.diff(np.r_[0.0, surface_population(self, t, counties)])
        return gpd.GeoDataFrame(
            {"min_from": np.asarray(lows), "min_to": np.asarray(t),
             "label": [f"{lo:g}–{hi:g} min" for lo, hi in zip(lows, t, strict=True)], "area_km2": area,
             "population": np.round(people), "population_basis": counties.basis},
            geometry=geoms, crs=WGS84)

    def isolines(self, thresholds: Iterable[float] | float) -> gpd.GeoDataFrame:
        """The isolines at each threshold (minutes) as MultiLineStrings, EPSG:4326 (one row per threshold)."""
        t = check_minutes(thresholds)
        gen = self._contours()
        to_wgs = transformer(EQUAL_AREA, WGS84)
        lines = [shapely.multilinestrings([shapely.linestrings(p) for p in gen.lines(v) if len(p) > 1])
                 for v in t]
        geoms = [shapely.transform(g, to_wgs.transform, interleaved=False) for g in lines]
        return gpd.GeoDataFrame({"minutes": np.asarray(t), "label": [f"{v:g} min" for v in t]},
                                geometry=geoms, crs=WGS84)

    def _contours(self) -> contourpy.ContourGenerator:
        x, y = self.grid.centres()
        z = np.ma.masked_invalid(self.minutes.astype(np.float64))
        return contourpy.contour_generator(x, y, z, name="serial", fill_type=contourpy.FillType.OuterOffset,
                                           line_type=contourpy.LineType.Separate)


def _filled(result) -> shapely.MultiPolygon:
    """contourpy OuterOffset output (plane metres) as one MultiPolygon: each outer ring with its holes."""
    polygons = []
    for points, offsets in zip(*result, strict=True):
        rings = [points[a:b] for a, b in pairwise(offsets)]
        polygons.append(shapely.Polygon(rings[0], rings[1:]))
    return shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon()


def travel_time_surface(
    origins: Iterable[object],
    *,
    year: Year = CURRENT_YEAR,
    mode: Mode = "rail",
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    network: RailNetwork | None = None,
    resolution_km: float = DEFAULT_RESOLUTION_KM,
    grid: Grid | None = None,
    figure: Figure = "fastest",
) -> Surface:
    """Minutes from the nearest of ``origins`` to every cell of ``grid`` (default :func:`region_grid`).

    ``origins`` is a list of anything :func:`geo.traveltime.resolve_origin` takes, at most ``MAX_ORIGINS``;
    ``year`` is a year, ``"planned"`` or a network-year token (``"2015"``, ``"now"``); ``mode``, ``model``,
    ``transfer_min``, ``network`` and ``figure`` (the rail figure, fastest scheduled or typical) as for
    :func:`geo.isochrones.isochrones`. In rail mode an origin with no open
    station within ``max_access_km`` travels by road only.
    """
    if isinstance(origins, (str, bytes)) or not isinstance(origins, Iterable):
        raise TypeError(f"origins must be a list of origins, got {origins!r}")
    net = network or default_network()
    model = model or RoadModel()
    mode, year = check_mode(mode), check_year(engine_year(year) if isinstance(year, str) else year)
    figure = check_figure(figure)
    orgs = list(dict.fromkeys(resolve_origin(o, network=net) for o in origins))
    if not orgs:
        raise BadOptionError("origins is empty: give at least one origin")
    if len(orgs) > MAX_ORIGINS:
        raise BadOptionError(f"at most {MAX_ORIGINS} origins, got {len(orgs)}")
    grid = grid or region_grid(resolution_km)
    best = np.full((grid.ny, grid.nx), np.inf, dtype=np.float32)
    for org in orgs:
        np.minimum(best, _origin_road_min(grid, org.lon, org.lat, model, net, year), out=best)
    if mode == "rail":
        arrival = np.min([_station_arrival(o, year, model, transfer_min, net, figure) for o in orgs],
                         axis=0)
        _station_legs(best, grid, arrival, model, net, year)
    best.setflags(write=False)
    return Surface(minutes=best, grid=grid, origins=tuple(o.label for o in orgs), year=year, mode=mode, model=model,
                   figure=figure)


def _station_arrival(org: Origin, year: Year, model: RoadModel, transfer_min: float, net: RailNetwork,
                     figure: Figure) -> np.ndarray:
    """Door-to-platform minutes at every station; all ``inf`` for an origin with no open station in reach (road only,
    as its door-to-door time is; :func:`geo.isochrones.isochrones` refuses such an origin in rail mode)."""
    try:
        return travel_times(org, year=year, mode="rail", model=model, transfer_min=transfer_min,
                            network=net, figure=figure).station_min
    except UnreachableError:
        return np.full(len(net.station_ids), np.inf)


def _origin_road_min(grid: Grid, lon: float, lat: float, model: RoadModel, net: RailNetwork,
                     year: Year) -> np.ndarray:
    out = np.full((grid.ny, grid.nx), np.inf, dtype=np.float32)
    _road_legs(out, grid, lon, lat, _origin_km(grid, lon, lat), np.s_[:, :], net, year, model, np.inf,
               lambda km: model.road_min(km, ends=2))
    return out


def _road_legs(best: np.ndarray, grid: Grid, lon: float, lat: float, km: np.ndarray, window: tuple[slice, slice],
               net: RailNetwork, year: Year, model: RoadModel, cap_km: float, to_min) -> None:
    """Lower ``best`` (in place) by ``to_min(road km)`` from (lon, lat) to every cell within ``cap_km`` road km, as
    :mod:`geo.road` and the isochrones' link discs measure it: ``km`` (the point's distance to the cells of
    ``window``) on the point's bank; from every link end the road reaches usefully (an open bridge, on to the far
    bank; a section's end reached through it, on its own bank) the km to the end plus the geodesic from it, over
    the cells within the km left (``inf`` where no road reaches)."""
    barrier = net.barrier
    if barrier is None:
        _lower(best, window, np.where(km <= cap_km, km, np.inf), to_min)
        return
    bank = int(barrier.bank(lon, lat)[()])
    reach, useful = barrier.node_reach(np.array([bank]), barrier.node_km(lon, lat), year, model.km_per_min)
    reach, useful = reach[0], useful[0]
    ends = np.flatnonzero(useful.any(axis=0) & (reach < cap_km))
    n_lon, n_lat = barrier.node_lonlat
    nx_, ny_, jac = net.memo(("bridge_frames",), lambda: tissot_frames(n_lon, n_lat))
    pieces = [(v, window if not np.isfinite(cap_km) else _disc_window(
        grid, nx_[v], ny_[v], np.linalg.norm(jac[v], ord=2), cap_km - reach[v])) for v in ends]
    pieces = [(v, w) for v, w in pieces if w is not None]
    own = _bank_mask(grid, barrier, bank)[window]
    if not pieces:
        _lower(best, window, np.where(own & (km <= cap_km), km, np.inf), to_min)
        return
    # One buffer over the point's window and every end's, so the road time is taken once per cell.
    spans = [_span(w, grid) for w in [window, *(w for _, w in pieces)]]
    r0, r1 = min(sp[0] for sp in spans), max(sp[1] for sp in spans)
    c0, c1 = min(sp[2] for sp in spans), max(sp[3] for sp in spans)
    out = np.full((r1 - r0, c1 - c0), np.inf, dtype=np.float32)
    local = [np.s_[a - r0:b - r0, c - c0:d - c0] for a, b, c, d in spans]
    np.copyto(out[local[0]], km, where=own, casting="same_kind")
    for (v, w), here in zip(pieces, local[1:], strict=True):
        # A Python float keeps the float32 field float32 (NumPy 2 promotion).
        leg = float(reach[v]) + _origin_km(grid, float(n_lon[v]), float(n_lat[v]))[w]
        view = out[here]
        if useful[:, v].all():
            np.minimum(view, leg, out=view)
        else:
            np.minimum(view, leg, out=view, where=_bank_mask(grid, barrier, int(np.argmax(useful[:, v])))[w])
    if np.isfinite(cap_km):
        out[out > cap_km] = np.inf
    _lower(best, np.s_[r0:r1, c0:c1], out, to_min)


def _span(w: tuple[slice, slice], grid: Grid) -> tuple[int, int, int, int]:
    rows, cols = w
    return (rows.start or 0, grid.ny if rows.stop is None else rows.stop, cols.start or 0,
            grid.nx if cols.stop is None else cols.stop)


def _lower(best: np.ndarray, window: tuple[slice, slice], km: np.ndarray, to_min) -> None:
    view = best[window]
    np.minimum(view, to_min(km), out=view, casting="same_kind")


def _disc_window(grid: Grid, x: float, y: float, stretch: float, radius_km: float) -> tuple[slice, slice] | None:
    """The cells (rows, cols) around plane point (x, y) that a ground disc of ``radius_km`` can touch, given the
    largest stretch of the projection there; ``None`` if none."""
    xc, yc = grid.centres()
    half = radius_km * 1000.0 * stretch + grid.cell_m
    c0, c1 = np.searchsorted(xc, [x - half, x + half])
    r0, r1 = np.searchsorted(-yc, [-(y + half), -(y - half)])
    if c0 >= c1 or r0 >= r1:
        return None
    return np.s_[r0:r1, c0:c1]


@lru_cache(maxsize=8)
def _bank_mask(grid: Grid, barrier: RiverBarrier, bank: int) -> np.ndarray:
    """Whether each cell centre lies on ``bank`` (read-only; cached per grid, barrier and bank)."""
    mask = _cell_bank(grid, barrier) == bank
    mask.setflags(write=False)
    return mask


@lru_cache(maxsize=4)
def _cell_bank(grid: Grid, barrier: RiverBarrier) -> np.ndarray:
    """Bank of every cell centre (:meth:`geo.road.RiverBarrier.bank`; cached per grid and barrier)."""
    bank = barrier.bank(*_cell_lonlat(grid))
    bank.setflags(write=False)
    return bank


@lru_cache(maxsize=64)  # the 31 member cities' fields fit (plan headlines ask for all of them), and the bridges'
def _origin_km(grid: Grid, lon: float, lat: float) -> np.ndarray:
    """Geodesic km from (lon, lat) to every cell centre (float32, read-only; cached: 4 bytes a cell)."""
    clon, clat = _cell_lonlat(grid)
    _, _, m = GEOD.inv(np.full(clon.size, lon), np.full(clon.size, lat), clon.ravel(), clat.ravel())
    km = (np.asarray(m) / 1000.0).astype(np.float32).reshape(grid.ny, grid.nx)
    km.setflags(write=False)
    return km


@lru_cache(maxsize=2)
def _cell_lonlat(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    x, y = grid.centres()
    xx, yy = np.meshgrid(x, y)
    lon, lat = transformer(EQUAL_AREA, WGS84).transform(xx, yy)
    return np.asarray(lon), np.asarray(lat)


def _station_legs(best: np.ndarray, grid: Grid, arrival: np.ndarray, model: RoadModel, net: RailNetwork,
                  year: Year) -> None:
    """Lower ``best`` (in place) by arrival + egress + road leg from every reached station within reach (road km:
    across the Yangtze only over a bridge open in ``year``, along an expressway section where shorter)."""
    reached = np.flatnonzero(np.isfinite(arrival) & np.isfinite(net.lon))
    if reached.size == 0:
        return
    cap_km = model.max_access_km
    geodesic = cap_km > ELLIPSE_MAX_KM
    sx, sy, jac = _frames(net)
    inv = np.linalg.inv(jac[reached])  # plane offset -> ground (east, north) metres
    # A ground circle of cap_km maps into a plane ellipse of semi-axis cap_km x the Jacobian's largest stretch.
    stretch = np.linalg.norm(jac[reached], ord=2, axis=(1, 2))
    xc, yc = grid.centres()
    for k, s in enumerate(reached):
        window = _disc_window(grid, sx[s], sy[s], stretch[k], cap_km)
        if window is None:
            continue
        (r0, r1), (c0, c1) = ((w.start, w.stop) for w in window)
        if geodesic:
            clon, clat = (a[window] for a in _cell_lonlat(grid))
            _, _, m = GEOD.inv(np.full(clon.shape, net.lon[s]), np.full(clon.shape, net.lat[s]), clon, clat)
            km = np.asarray(m) / 1000.0
        else:
            dx, dy = xc[c0:c1][None, :] - sx[s], yc[r0:r1][:, None] - sy[s]
            east, north = inv[k, 0, 0] * dx + inv[k, 0, 1] * dy, inv[k, 1, 0] * dx + inv[k, 1, 1] * dy
            km = np.hypot(east, north) / 1000.0
        start = arrival[s] + model.egress_min
        _road_legs(best, grid, float(net.lon[s]), float(net.lat[s]), km, window, net, year, model, cap_km,
                   lambda d, start=start: start + model.road_min(d, ends=1))


def _frames(net: RailNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return net.memo(("tissot_frames",), lambda: tissot_frames(net.lon, net.lat))


def write_geotiff(surface: Surface, path: str | Path) -> Path:
    """Write the surface as a one-band float32 GeoTIFF (minutes; nodata NaN) in :data:`geo.crs.EQUAL_AREA`.

    Tags record the units, origins, network year, mode and road model, so the file says what it holds.
    """
    import rasterio
    from affine import Affine

    path = Path(path)
    g = surface.grid
    data = np.where(np.isfinite(surface.minutes), surface.minutes, np.nan).astype(np.float32)
    profile = {"driver": "GTiff", "height": g.ny, "width": g.nx, "count": 1, "dtype": "float32",
               "crs": rasterio.crs.CRS.from_wkt(EQUAL_AREA.to_wkt()), "nodata": np.nan,
               "transform": Affine(g.cell_m, 0.0, g.x0, 0.0, -g.cell_m, g.y0), "compress": "deflate", "predictor": 3,
               "tiled": True, "blockxsize": 256, "blockysize": 256}
    m = surface.model
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(units="minutes", quantity="door-to-door travel time to the nearest origin",
                        origins="、".join(surface.origins), year=str(surface.year), mode=surface.mode,
                        figure=surface.figure if surface.mode == "rail" else "none",
                        road_model=(f"speed_kmh={m.speed_kmh:g} detour_factor={m.detour_factor:g} "
                                    f"ends_min={m.ends_min:g} access_min={m.access_min:g} "
                                    f"egress_min={m.egress_min:g} max_access_km={m.max_access_km:g}"),
                        cell_km=f"{g.cell_m / 1000:g}")
        dst.set_band_description(1, "minutes")
    return path

