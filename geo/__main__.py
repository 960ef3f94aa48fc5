"""Command line for the travel-time engine (minutes, EPSG:4326 outputs).

    python -m geo isochrone --origin 武汉 [长沙 ...] --minutes 60 120 180 [--year 2015|2026|planned]
                            [--mode rail|road] [--measure door|station] --out FILE.geojson|FILE.gpkg
    python -m geo matrix [--year Y] [--kind door|rail|road] --out FILE.csv   # road: road only, year's bridges
    python -m geo targets [--year Y]
    python -m geo gtfs [--year Y] --out FEED.zip      # the year's rail network as a GTFS feed
    python -m geo surface --origin 武汉 [--origin 长沙 ...] [--year Y] [--mode rail|road] [--resolution-km 1]
                          --out FILE.tif [--contours FILE.gpkg|FILE.geojson] [--minutes 60 120 180]
    python -m geo compare [--base now|FILE] --scenario FILE|YEAR --origin 武汉 [...] [--minutes 60 120 180]
                          [--out FILE.gpkg|FILE.geojson] [--table FILE.csv|FILE.xlsx]

``--figure fastest|typical`` (isochrone, matrix, targets) picks the rail figure: the fastest scheduled train
(default) or the typical trip with each boarding's expected wait (see geo.network).

Every command but compare takes ``--scenario FILE`` (JSON or YAML, see :mod:`geo.scenario`): the network is
then that scenario's, over its own year.

Origins: Chinese or English city name, adcode, station id, or "lon,lat" (WGS-84).
Bad input prints one ``error:`` line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyogrio.errors

from geo.errors import BadOptionError, BadThresholdError, GeoInputError
from geo.gtfs import write_feed
from geo.isochrones import DEFAULT_MINUTES, isochrones_many
from geo.network import CURRENT_YEAR, DEFAULT_TRANSFER_MIN, RoadModel, check_figure, check_year, default_network
from geo.options import MAX_ORIGINS, MAX_THRESHOLDS, Measure, RailFigure, engine_year, finite_number
from geo.population import BASIS_EN, plan_reach, surface_population
from geo.scenario import apply, load_scenario
from geo.station_circles import STATION_DISC_KM, station_circles
from geo.surface import DEFAULT_RESOLUTION_KM, travel_time_surface, write_geotiff
from geo.traveltime import MATRIX_KINDS, MODES, plan_targets, travel_time_matrix

_LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d*)?)\s*,\s*(-?\d+(?:\.\d*)?)\s*$")
_VECTOR_DRIVERS = {".geojson": "GeoJSON", ".gpkg": "GPKG"}


def _origin(text: str) -> str | tuple[float, float]:
    m = _LONLAT.match(text)
    return (float(m.group(1)), float(m.group(2))) if m else text


def _year(text: str):
    """``--year``: a year, ``now`` or ``planned``."""
    try:
        return check_year(engine_year(text))
    except BadOptionError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--year", type=_year, default=None,
                        help=f"network year, 'now' ({CURRENT_YEAR}, the default) or 'planned' for every line incl. "
                             "construction (with --scenario, the scenario's)")
    common.add_argument("--sources", type=Path, default=None, help="alternative data/sources directory")
    common.add_argument("--transfer-min", type=float, default=DEFAULT_TRANSFER_MIN, help="line-change penalty")
    common.add_argument("--road-speed", type=float, default=RoadModel.speed_kmh, help="road speed, km/h")
    common.add_argument("--detour", type=float, default=RoadModel.detour_factor, help="road km per geodesic km")
    common.add_argument("--town-min", type=float, default=RoadModel.ends_min,
                        help="minutes of town driving at the two ends of a road trip between city centres")
    common.add_argument("--figure", default=RailFigure.FASTEST.value,
                        help=f"rail figure, one of {', '.join(RailFigure)}: fastest scheduled (default) or typical "
                             "(with the wait expected from each service's frequency)")

    p = argparse.ArgumentParser(prog="python -m geo", description="Middle Yangtze travel-time engine")
    sub = p.add_subparsers(dest="command", required=True)
    iso = sub.add_parser("isochrone", parents=[common], help="write isochrone polygons")
    iso.add_argument("--origin", required=True, type=_origin, nargs="+",
                     help="one or more: 城市名, English name, adcode, station id or lon,lat")
    iso.add_argument("--minutes", nargs="+", default=[f"{m:g}" for m in DEFAULT_MINUTES],
                     help=f"1 to {MAX_THRESHOLDS} thresholds in minutes")
    iso.add_argument("--mode", choices=MODES, default="rail")
    iso.add_argument("--measure", default=Measure.DOOR.value,
                     help=f"one of {', '.join(Measure)}: door to door (default) or station to station (rail time "
                          f"from the main stations, a {STATION_DISC_KM:g} km disc per station reached; rail mode)")
    iso.add_argument("--out", type=Path, required=True, help="output .geojson or .gpkg")
    mat = sub.add_parser("matrix", parents=[common], help="write the city-to-city minutes matrix (CSV)")
    mat.add_argument("--kind", choices=MATRIX_KINDS, default="door",
                     help="door: seat to seat, faster of road and rail; rail: main station to station; road: road only")
    mat.add_argument("--out", type=Path, required=True, help="output .csv")
    sub.add_parser("targets", parents=[common], help="print the plan-target verdict tables")
    gtfs = sub.add_parser("gtfs", parents=[common], help="write the year's rail network as a GTFS feed (zip)")
    gtfs.add_argument("--out", type=Path, required=True, help="output .zip")
    surf = sub.add_parser("surface", parents=[common],
                          help="write the travel-time surface (GeoTIFF, minutes) and its contour bands")
    surf.add_argument("--origin", required=True, type=_origin, nargs="+", action="extend",
                      help="one or more (repeatable): 城市名, English name, adcode, station id or lon,lat")
    surf.add_argument("--mode", choices=MODES, default="rail")
    surf.add_argument("--resolution-km", default=f"{DEFAULT_RESOLUTION_KM:g}",
                      help=f"cell size in km, equal-area grid (default {DEFAULT_RESOLUTION_KM:g})")
    surf.add_argument("--minutes", nargs="+", default=[f"{m:g}" for m in DEFAULT_MINUTES],
                      help="band limits for --contours and the printed areas")
    surf.add_argument("--out", type=Path, required=True, help="output .tif (float32 minutes)")
    surf.add_argument("--contours", type=Path, default=None, help="band polygons, .gpkg or .geojson (EPSG:4326)")
    for sp in (iso, mat, sub.choices["targets"], gtfs, surf):
        sp.add_argument("--scenario", type=Path, help="a what-if scenario file (.json, .yaml): its network and year")
    cmp = sub.add_parser("compare", parents=[common], help="compare two networks (a year or a scenario each)")
    cmp.add_argument("--base", default="now", help="before: a network year (2015, now, planned) or a scenario file")
    cmp.add_argument("--scenario", required=True, help="after: a scenario file or a network year")
    cmp.add_argument("--origin", type=_origin, nargs="+", default=["武汉", "长沙", "南昌"],
                     help="origins (default the three cores)")
    cmp.add_argument("--minutes", nargs="+", default=[f"{m:g}" for m in DEFAULT_MINUTES],
                     help=f"1 to {MAX_THRESHOLDS} thresholds in minutes")
    cmp.add_argument("--out", type=Path, help="difference map and gains: .gpkg or .geojson")
    cmp.add_argument("--table", type=Path, help="the tables: .xlsx (one sheet each) or .csv (one file each)")
    return p


def _minutes(items: list[str]) -> list[float]:
    """``--minutes`` as numbers: plain decimals only (argparse's float() would take inf, nan and 1_0)."""
    try:
        values = [finite_number(m) for m in items]
    except ValueError as err:
        raise BadThresholdError(f"--minutes: {err}") from None
    if len(set(values)) > MAX_THRESHOLDS:
        raise BadThresholdError(f"--minutes: at most {MAX_THRESHOLDS} thresholds, got {len(set(values))}")
    return values


def _origins(items: list) -> list:
    """``--origin`` without repeats (first kept, with a note) and at most ``MAX_ORIGINS`` of them."""
    unique = list(dict.fromkeys(items))
    if len(unique) > MAX_ORIGINS:
        raise BadOptionError(f"at most {MAX_ORIGINS} origins, got {len(unique)}")
    if len(unique) < len(items):
        print("note: ignored repeated origins", file=sys.stderr)
    return unique


def _check_out(path: Path, flag: str = "--out") -> None:
    """Refuse an output path whose folder is missing, not a folder or not writable, before any work is done."""
    parent = path.parent
    if not parent.exists():
        raise BadOptionError(f"{flag} {path}: folder {parent} does not exist")
    if not parent.is_dir():
        raise BadOptionError(f"{flag} {path}: {parent} is not a folder")
    try:  # tried for real: access() says yes to root on /proc or on a share that refuses writes
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError:
        raise BadOptionError(f"{flag} {path}: folder {parent} is not writable") from None
    if path.is_dir():
        raise BadOptionError(f"{flag} {path}: is a folder")


def _network(args: argparse.Namespace):
    """The network and year to use: the sources' (``--year``), or ``--scenario``'s over its own year."""
    net = default_network(sources_dir=args.sources)
    scenario = getattr(args, "scenario", None) if args.command != "compare" else None
    if scenario is None:
        return net, CURRENT_YEAR if args.year is None else args.year
    what_if = apply(load_scenario(scenario), net)
    if args.year is not None and args.year != what_if.year:
        raise BadOptionError(f"--year {args.year} differs from the scenario's year {what_if.year}; drop --year")
    for note in what_if.notes:
        print(f"note: scenario {what_if.scenario.name}: {note}", file=sys.stderr)
    return what_if, what_if.year


def _run(args: argparse.Namespace) -> None:
    if args.command in ("isochrone", "matrix", "surface"):
        _check_out(args.out)
    if args.command == "compare":
        for path in (args.out, args.table):
            if path is not None:
                _check_out(path)
    if args.command in ("isochrone", "compare", "surface"):
        minutes, origins = _minutes(args.minutes), _origins(args.origin)
    figure = check_figure(args.figure)
    if args.command == "isochrone":
        if args.measure not in tuple(Measure):
            raise BadOptionError(f"--measure must be one of {', '.join(Measure)}, got {args.measure[:40]!r}")
        if args.measure == Measure.STATION and args.mode != "rail":
            raise BadOptionError("--measure station needs --mode rail (station-to-station circles are rail time)")
    if args.command == "surface":
        _check_surface_args(args)
    net, year = _network(args)
    model = RoadModel(speed_kmh=args.road_speed, detour_factor=args.detour, ends_min=args.town_min)
    kw = {"year": year, "model": model, "transfer_min": args.transfer_min, "network": net}
    if args.command == "compare":
        from geo.compare import compare, print_comparison, write_comparison, write_tables

        if args.out is not None and args.out.suffix.lower() not in _VECTOR_DRIVERS:
            raise BadOptionError(f"--out must end in .geojson or .gpkg, got {args.out.name!r}")
        if args.table is not None and args.table.suffix.lower() not in (".csv", ".xlsx"):
            raise BadOptionError(f"--table must end in .csv or .xlsx, got {args.table.name!r}")
        if args.year is not None:
            raise BadOptionError("compare takes its years from --base and --scenario; drop --year")

        result = compare(args.base, args.scenario, origins, minutes, model=model, transfer_min=args.transfer_min,
                         network=net)
        print_comparison(result)
        for path in ([write_comparison(result, args.out)] if args.out else []) + (
                write_tables(result, args.table) if args.table else []):
            print(f"wrote {path}")
    elif args.command == "isochrone":
        driver = _VECTOR_DRIVERS.get(args.out.suffix.lower())
        if driver is None:
            raise BadOptionError(f"--out must end in .geojson or .gpkg, got {args.out.name!r}")
        if args.measure == Measure.STATION:
            gdf = station_circles(origins, minutes, year=year, figure=figure, transfer_min=args.transfer_min,
                                  network=net)
        else:
            gdf = isochrones_many(origins, minutes, mode=args.mode, figure=figure, **kw)
        gdf["figure"] = figure if args.mode == "rail" else "none"
        gdf["measure"] = args.measure
        try:
            gdf.to_file(args.out, driver=driver, engine="pyogrio")
        except pyogrio.errors.DataSourceError as err:
            raise BadOptionError(f"--out {args.out}: cannot write ({err})") from None
        for row in gdf.itertuples():
            print(f"{row.origin} {row.minutes:g} min ({row.mode}, {row.year}, {row.figure}, {row.measure}): "
                  f"{row.area_km2:,.0f} km², {row.n_cities_reached} cities, {row.population_reached:,.0f} people")
        print(f"(people: {BASIS_EN})")
    elif args.command == "matrix":
        if args.out.suffix.lower() != ".csv":
            raise BadOptionError(f"--out must end in .csv, got {args.out.name!r}")
        travel_time_matrix(kind=args.kind, figure=figure, **kw).round(1).to_csv(args.out, encoding="utf-8")
        what = {"door": "door to door", "rail": "station to station"}.get(args.kind)
        figure_note = f"; {what}, rail figure {figure}" if what else ""
        print(f"wrote {args.out} ({args.kind} minutes, network year {year}{figure_note})")
    elif args.command == "surface":
        _write_surface(args, origins, minutes, kw)
    elif args.command == "gtfs":
        if args.out.suffix.lower() != ".zip":
            raise BadOptionError(f"--out must end in .zip, got {args.out.name!r}")
        write_feed(net, args.out, year)
        print(f"wrote {args.out}")
    else:
        _print_targets(plan_targets(figure=figure, **kw))
        _print_plan_reach(plan_reach(**kw))


def _check_surface_args(args: argparse.Namespace) -> None:
    if args.out.suffix.lower() not in (".tif", ".tiff"):
        raise BadOptionError(f"--out must end in .tif, got {args.out.name!r}")
    if args.contours is not None:
        _check_out(args.contours, "--contours")
        if args.contours.suffix.lower() not in _VECTOR_DRIVERS:
            raise BadOptionError(f"--contours must end in .geojson or .gpkg, got {args.contours.name!r}")
    try:
        args.resolution_km = finite_number(args.resolution_km)
    except ValueError as err:
        raise BadThresholdError(f"--resolution-km: {err}") from None


def _write_surface(args: argparse.Namespace, origins: list, minutes: list[float], kw: dict) -> None:
    surface = travel_time_surface(origins, mode=args.mode, resolution_km=args.resolution_km, **kw)
    write_geotiff(surface, args.out)
    g = surface.grid
    print(f"wrote {args.out}: {g.nx} x {g.ny} cells of {g.cell_m / 1000:g} km (equal-area Albers), minutes to the "
          f"nearest of {'、'.join(surface.origins)} ({surface.mode}, {surface.year})")
    bands = surface.bands(minutes)
    people = surface_population(surface, minutes)
    for t, km2, n in zip(bands["min_to"], surface.reached_km2(minutes), people, strict=True):
        print(f"  within {t:g} min: {km2:,.0f} km², {n:,.0f} people")
    print(f"  (people: {BASIS_EN})")
    if args.contours is not None:
        try:
            bands.to_file(args.contours, driver=_VECTOR_DRIVERS[args.contours.suffix.lower()], engine="pyogrio")
        except pyogrio.errors.DataSourceError as err:
            raise BadOptionError(f"--contours {args.contours}: cannot write ({err})") from None
        print(f"wrote {args.contours}")


def _print_targets(t) -> None:
    fmt = {"float_format": lambda v: f"{v:.0f}", "na_rep": "—", "index": False}
    with pd.option_context("display.width", 200, "display.unicode.east_asian_width", True):
        print(f"Plan targets, network year {t.year} (minutes; door_min = seat to seat with the {t.figure} rail "
              "figure; rail_min = fastest scheduled, station to station; typical_min = typical, incl. expected wait, "
              "station to station)")
        print("\n1) Member cities within 60 min of each core")
        for core, df in t.core_commute.groupby("core", sort=False):
            door = "、".join(df.loc[df["door_ok"], "city"]) or "—"
            rail = "、".join(df.loc[df["rail_ok"], "city"]) or "—"
            typical = "、".join(df.loc[df["typical_ok"], "city"]) or "—"
            print(f"  {core}: door-to-door ({t.figure}) {door}; rail fastest scheduled {rail}; rail typical {typical}")
        print("\n2) Member-city pairs within 120 min of each other")
        ok = t.member_pairs[t.member_pairs["door_ok"] | t.member_pairs["rail_ok"]]
        print(f"  {int(t.member_pairs['door_ok'].sum())} of {len(t.member_pairs)} pairs door-to-door ({t.figure}), "
              f"{int(t.member_pairs['rail_ok'].sum())} by rail (fastest scheduled), "
              f"{int(t.member_pairs['typical_ok'].sum())} by rail (typical)")
        print(ok.to_string(**fmt))
        print("\n3) Neighbouring cores each core reaches within 180 min by rail")
        print(t.neighbour_cores.to_string(**fmt))


def _print_plan_reach(r) -> None:
    print(f"\n4) People reached (door to door, {r.resolution_km:g} km grid; {BASIS_EN})")
    print(f"  within 60 min of a core: {r.core_hour_share:.1%} ({r.core_hour_people:,.0f} of {r.total:,.0f})")
    print(f"  within 120 min of every member city: {r.all_members_2h_share:.1%} ({r.all_members_2h_people:,.0f})")
    print(f"  other member cities an average resident reaches within 120 min: {r.members_2h_mean:.1%}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except (GeoInputError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
