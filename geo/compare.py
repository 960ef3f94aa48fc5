"""Compare two networks (a network year or a what-if scenario): what changes for the plan's circles and targets.

For chosen origins and thresholds (minutes, door to door; see :mod:`geo.traveltime`):

* ``reach``: per origin and threshold, the member cities whose seat is within the threshold before and after,
  the cities newly within (and no longer within) it, and the population within it before/after/gain
  (people within the circle: county census figures apportioned by the share of each county's area reached, the
  circles' own ``population_reached``);
* ``targets``: every plan-target pair (:func:`geo.traveltime.plan_targets`) whose verdict changes, with the
  minutes before and after: the cities that newly meet (or no longer meet) each target;
* ``pairs``: minutes saved (negative: lost) from each origin to every member city and neighbouring core;
* ``points``: the same per destination as seat points (EPSG:4326) for a map;
* ``bands``: the difference of the two travel-time surfaces (:mod:`geo.surface`, ``resolution_km`` cells,
  1 km by default) in bands of minutes saved (:data:`SAVED_BANDS`) as polygons.

A side is given as a network year (``"2015"``, ``"now"``, ``"planned"``, a year), a :class:`~geo.scenario.Scenario`
or a scenario file path; :func:`compare` returns a :class:`Comparison` whose tables are ready to show.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import contourpy
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import EQUAL_AREA, WGS84, transformer
from geo.errors import BadOptionError
from geo.isochrones import isochrones_many
from geo.network import DEFAULT_TRANSFER_MIN, RailNetwork, RoadModel, Year, check_year, default_network
from geo.options import MAX_ORIGINS, MAX_THRESHOLDS, check_threshold, engine_year
from geo.scenario import Scenario, apply, load_scenario
from geo.surface import Surface, _filled, region_mask, travel_time_surface
from geo.traveltime import (
    CORE_COMMUTE_MIN,
    MEMBER_PAIR_MIN,
    NEIGHBOUR_CORE_MIN,
    plan_targets,
    resolve_origin,
    travel_times,
)

__all__ = ["DEFAULT_ORIGINS", "DEFAULT_THRESHOLDS", "SAVED_BANDS", "Comparison", "Side", "band_of", "compare",
           "difference_bands", "print_comparison", "side", "write_comparison", "write_tables"]

DEFAULT_ORIGINS = ("武汉", "长沙", "南昌")
DEFAULT_THRESHOLDS = (60, 120, 180)
# Minutes saved, lower bound inclusive: the difference map's bands (a loss is its own band).
SAVED_BANDS: tuple[tuple[float, float, str], ...] = (
    (-math.inf, -0.5, "lost"), (0.5, 5.0, "0–5"), (5.0, 15.0, "5–15"), (15.0, 30.0, "15–30"), (30.0, math.inf, "30+"))


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label, the network to query and the year to ask it for."""

    label: str
    network: RailNetwork
    year: Year
    scenario: Scenario | None = None


def side(spec: object, network: RailNetwork | None = None) -> Side:
    """A network year token or year, a :class:`Scenario`, or the path of a scenario file, as a :class:`Side`."""
    base = network or default_network()
    if isinstance(spec, str | Path) and Path(str(spec)).suffix.lower() in (".json", ".yaml", ".yml"):
        spec = load_scenario(spec)
    if isinstance(spec, Scenario):
        net = apply(spec, base)
        return Side(label=spec.name, network=net, year=net.year, scenario=spec)
    year = check_year(engine_year(str(spec)))
    return Side(label=str(spec), network=base, year=year)


@dataclass(frozen=True)
class Comparison:
    """The comparison of ``after`` with ``before`` (minutes, people, EPSG:4326); see the module docstring."""

    before: Side
    after: Side
    origins: tuple[str, ...]
    thresholds: tuple[int, ...]
    reach: pd.DataFrame
    targets: pd.DataFrame
    pairs: pd.DataFrame
    points: gpd.GeoDataFrame
    bands: gpd.GeoDataFrame | None = None
    notes: tuple[str, ...] = field(default=())

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by sheet name (``reach``, ``targets``, ``pairs``), for CSV/XLSX and the app."""
        return {"reach": self.reach, "targets": self.targets, "pairs": self.pairs}


def _checked_origins(origins: Iterable[object]) -> list[object]:
    items = list(dict.fromkeys(origins))
    if not items or len(items) > MAX_ORIGINS:
        raise BadOptionError(f"compare takes 1 to {MAX_ORIGINS} origins, got {len(items)}")
    return items


def compare(
    before: object,
    after: object,
    origins: Sequence[object] = DEFAULT_ORIGINS,
    thresholds: Iterable[object] = DEFAULT_THRESHOLDS,
    *,
    model: RoadModel | None = None,
    transfer_min: float = DEFAULT_TRANSFER_MIN,
    network: RailNetwork | None = None,
    bands: bool = True,
    resolution_km: float | None = None,
) -> Comparison:
    """Compare ``after`` with ``before`` (each anything :func:`side` takes) for ``origins`` and ``thresholds``."""
    a = before if isinstance(before, Side) else side(before, network)
    b = after if isinstance(after, Side) else side(after, network)
    model = model or RoadModel()
    limits = tuple(sorted({check_threshold(t) for t in thresholds}))
    if not limits or len(limits) > MAX_THRESHOLDS:
        raise BadOptionError(f"compare takes 1 to {MAX_THRESHOLDS} thresholds, got {len(limits)}")
    items = _checked_origins(origins)
    labels = tuple(resolve_origin(o, network=a.network).label for o in items)
    kw = {"mode": "rail", "model": model, "transfer_min": transfer_min}
    times_a = [travel_times(o, year=a.year, network=a.network, **kw).places for o in items]
    times_b = [travel_times(o, year=b.year, network=b.network, **kw).places for o in items]
    net = a.network
    member = pd.Series(net.place_member, index=net.place_names)
    people_a, people_b = (_people(s, items, limits, model, transfer_min) for s in (a, b))
    reach_rows, pair_rows = [], []
    for label, ta, tb in zip(labels, times_a, times_b, strict=True):
        da, db = ta["door_min"], tb["door_min"]
        for limit in limits:
            ina = set(da.index[(da <= limit) & member])
            inb = set(db.index[(db <= limit) & member])
            p_a, p_b = people_a[label, limit], people_b[label, limit]
            reach_rows.append({
                "origin": label, "minutes": limit, "cities_before": len(ina), "cities_after": len(inb),
                "new_cities": "、".join(c for c in net.place_names if c in inb - ina),
                "lost_cities": "、".join(c for c in net.place_names if c in ina - inb),
                "population_before": p_a, "population_after": p_b, "population_gain": p_b - p_a})
        for name in net.place_names:
            if name == label:
                continue
            x, y = float(da[name]), float(db[name])
            pair_rows.append({"origin": label, "city": name, "member": bool(member[name]), "before_min": x,
                              "after_min": y, "saved_min": x - y if np.isfinite(x) and np.isfinite(y) else
                              (math.inf if np.isfinite(y) else (-math.inf if np.isfinite(x) else math.nan))})
    reach = pd.DataFrame(reach_rows)
    pairs = pd.DataFrame(pair_rows).sort_values(["origin", "saved_min"], ascending=[True, False],
                                                kind="stable").reset_index(drop=True)
    targets = _target_changes(a, b, model, transfer_min)
    xy = dict(zip(net.place_names, zip(net.place_lon, net.place_lat, strict=True), strict=True))
    points = gpd.GeoDataFrame(pairs.copy(), geometry=gpd.points_from_xy([xy[c][0] for c in pairs["city"]],
                                                                        [xy[c][1] for c in pairs["city"]]), crs=WGS84)
    points["band"] = [band_of(s) for s in points["saved_min"]]
    notes: list[str] = []
    band_frame = _difference_bands(a, b, items, model, transfer_min, resolution_km) if bands else None
    for s in (a, b):
        notes += [f"{s.label}: {n}" for n in getattr(s.network, "notes", ())]
    return Comparison(before=a, after=b, origins=labels, thresholds=limits, reach=reach, targets=targets,
                      pairs=pairs, points=points, bands=band_frame, notes=tuple(notes))


def _people(s: Side, items: list[object], limits: tuple[float, ...], model: RoadModel,
            transfer_min: float) -> dict[tuple[str, float], float]:
    """People within each (origin, threshold) circle of side ``s``: the circles' own ``population_reached`` (county
    census figures apportioned by area share, :mod:`geo.population`), so the gains add up to the circle tables."""
    frame = isochrones_many(items, limits, year=s.year, mode="rail", model=model, transfer_min=transfer_min,
                            network=s.network)
    return {(o, float(m)): float(p) for o, m, p in zip(frame["origin"], frame["minutes"],
                                                        frame["population_reached"], strict=True)}


def band_of(saved: float) -> str:
    """The :data:`SAVED_BANDS` label of ``saved`` minutes ("" for no change within half a minute, or unknown)."""
    if not np.isfinite(saved):
        return "30+" if saved == math.inf else ("lost" if saved == -math.inf else "")
    for lo, hi, label in SAVED_BANDS:
        if lo <= saved < hi:
            return label
    return ""


def _target_changes(a: Side, b: Side, model: RoadModel, transfer_min: float) -> pd.DataFrame:
    """Plan-target pairs whose verdict differs between the sides: target, places, basis, minutes before/after."""

    def targets(s: Side):
        return s.network.memo(("plan_targets", s.year, model, transfer_min), lambda: plan_targets(
            year=s.year, model=model, transfer_min=transfer_min, network=s.network))

    ta, tb = targets(a), targets(b)
    out = []
    specs = (("core_commute", ("core", "city"), CORE_COMMUTE_MIN), ("member_pairs", ("city_a", "city_b"),
             MEMBER_PAIR_MIN), ("neighbour_cores", ("core", "neighbour"), NEIGHBOUR_CORE_MIN))
    for name, cols, limit in specs:
        x, y = getattr(ta, name), getattr(tb, name)
        same = len(x) == len(y) and all(np.array_equal(x[c].to_numpy(object), y[c].to_numpy(object)) for c in cols)
        # Both sides list the same pairs in the same order (one set of places); a merge is the slow general case.
        merged = (pd.concat([x.add_suffix("_before").rename(columns={f"{c}_before": c for c in cols}),
                             y.drop(columns=list(cols)).add_suffix("_after")], axis=1) if same
                  else x.merge(y, on=list(cols), suffixes=("_before", "_after")))
        for basis in ("door", "rail"):
            if f"{basis}_ok_before" not in merged:
                continue
            changed = merged[merged[f"{basis}_ok_before"] != merged[f"{basis}_ok_after"]]
            out.append(pd.DataFrame({
                "target": name, "limit_min": int(limit), "basis": basis, "place_a": changed[cols[0]].to_numpy(),
                "place_b": changed[cols[1]].to_numpy(), "before_min": changed[f"{basis}_min_before"].to_numpy(),
                "after_min": changed[f"{basis}_min_after"].to_numpy(),
                "change": np.where(changed[f"{basis}_ok_after"], "newly met", "no longer met")}))
    return pd.concat(out, ignore_index=True)


def _difference_bands(a: Side, b: Side, origins: list[object], model: RoadModel, transfer_min: float,
                      resolution_km: float | None) -> gpd.GeoDataFrame:
    kw: dict = {"mode": "rail", "model": model, "transfer_min": transfer_min}
    if resolution_km is not None:
        kw["resolution_km"] = resolution_km

    def surface(s: Side) -> Surface:
        # Cached on the side's network like its travel times: a warm comparison costs only the bands.
        key = ("compare_surface", tuple(origins), s.year, tuple(sorted(kw.items(), key=lambda kv: kv[0])))
        return s.network.memo(key, lambda: travel_time_surface(origins, year=s.year, network=s.network, **kw))

    before = surface(a)
    return difference_bands(before, surface(b), within=region_mask(before.grid))


def difference_bands(before: Surface, after: Surface, bands: Sequence[tuple[float, float, str]] = SAVED_BANDS, *,
                     within: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """The minutes saved (``before`` minus ``after``, cell by cell) as polygons, one row per band (EPSG:4326).

    Columns: ``band`` (label), ``saved_from``/``saved_to`` (minutes, lower bound inclusive; ±inf open),
    ``area_km2`` (the cells in the band x the cell area, equal-area) and a MultiPolygon traced through the
    cell centres by :mod:`contourpy`. Both surfaces must share their grid; ``within`` (a boolean cell mask, e.g.
    :func:`geo.surface.region_mask`) leaves the cells outside it out.
    """
    if before.grid != after.grid:
        raise BadOptionError("the two surfaces have different grids; compute them at one resolution")
    saved = before.minutes.astype(np.float64) - after.minutes.astype(np.float64)
    if within is not None:
        saved = np.where(within, saved, np.nan)
    x, y = before.grid.centres()
    gen = contourpy.contour_generator(x, y, np.ma.masked_invalid(saved), name="serial",
                                      fill_type=contourpy.FillType.OuterOffset)
    finite = saved[np.isfinite(saved)]
    span = float(np.abs(finite).max()) + 1.0 if finite.size else 1.0
    to_wgs = transformer(EQUAL_AREA, WGS84)
    rows, geoms = [], []
    for lo, hi, label in bands:
        low, high = max(lo, -span), min(hi, span)
        poly = _filled(gen.filled(low, high)) if low < high else shapely.MultiPolygon()
        geoms.append(shapely.transform(poly, to_wgs.transform, interleaved=False))
        cells = int(((finite >= lo) & (finite < hi)).sum())
        rows.append({"band": label, "saved_from": lo, "saved_to": hi, "area_km2": cells * before.grid.cell_km2})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=WGS84)


# ------------------------------------------------------------------------------------------------- output


def print_comparison(result: Comparison) -> None:
    """The comparison as lines on stdout: per origin and threshold, cities and people newly within it."""
    print(f"{result.after.label} vs {result.before.label} (door to door; people: 2020 county census by area share)")
    for r in result.reach.itertuples():
        new = f", newly within: {r.new_cities}" if r.new_cities else ""
        lost = f", no longer within: {r.lost_cities}" if r.lost_cities else ""
        print(f"  {r.origin} {r.minutes} min: {r.cities_before} -> {r.cities_after} cities, population "
              f"{r.population_before:,.0f} -> {r.population_after:,.0f} ({r.population_gain:+,.0f}){new}{lost}")
    for r in result.targets.itertuples():
        print(f"  target {r.target} ({r.basis}, {r.limit_min} min): {r.place_a}–{r.place_b} {r.change} "
              f"({r.before_min:.0f} -> {r.after_min:.0f} min)")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)


def _layers(result: Comparison) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    out: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    if result.bands is not None:
        out["difference_bands"] = result.bands
    out["minutes_saved"] = result.points
    out.update({f"gains_{k}": v for k, v in result.tables().items()})
    return out


def write_comparison(result: Comparison, path: str | Path) -> Path:
    """Write the difference map and the gains: a GeoPackage with one layer or table each (``difference_bands``
    where available, ``minutes_saved`` points, ``gains_reach``, ``gains_targets``, ``gains_pairs``), or one
    GeoJSON whose features carry a ``layer`` property (the gains rows with a null geometry). EPSG:4326."""
    import pyogrio

    path = Path(path)
    layers = _layers(result)
    if path.suffix.lower() == ".gpkg":
        if path.exists():
            path.unlink()
        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
            else:
                pyogrio.write_dataframe(_finite(frame), path, layer=name, driver="GPKG", append=path.exists())
        return path
    frames = []
    for name, frame in layers.items():
        geo = frame if isinstance(frame, gpd.GeoDataFrame) else gpd.GeoDataFrame(
            _finite(frame), geometry=gpd.GeoSeries([None] * len(frame), crs=WGS84), crs=WGS84)
        frames.append(geo.assign(layer=name))
    merged = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)
    if path.exists():
        path.unlink()
    pyogrio.write_dataframe(gpd.GeoDataFrame(merged, geometry="geometry", crs=WGS84), path, driver="GeoJSON")
    return path


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    """Infinite minutes (unreachable) as empty cells: GIS and spreadsheet files have no infinity."""
    return frame.replace([math.inf, -math.inf], np.nan)


def write_tables(result: Comparison, path: str | Path) -> list[Path]:
    """The tables as one XLSX (a sheet each) or CSV files (``path`` holds ``reach``; ``-targets``/``-pairs``
    beside it), UTF-8 with a BOM so Excel shows Chinese. Returns the paths written."""
    path = Path(path)
    tables = {k: _finite(v) for k, v in result.tables().items()}
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, table in tables.items():
                table.to_excel(xl, sheet_name=name, index=False)
        return [path]
    out = []
    for name, table in tables.items():
        target = path if name == "reach" else path.with_name(f"{path.stem}-{name}{path.suffix}")
        table.to_csv(target, index=False, encoding="utf-8-sig")
        out.append(target)
    return out
