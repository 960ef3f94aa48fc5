"""Command line for the layer catalogue and for batch briefings.

    python -m layers list
    python -m layers export <layer-id> <file.geojson|file.gpkg>
    python -m layers snapshot --out FILE.(png|pdf|svg) [--view URL] [--layers id,id] [--origins 武汉,长沙]
                              [--minutes 60,120] [--mode rail] [--year now] [--figure fastest|typical]
                              [--measure door|station] [--paper a4|a3]
                              [--orientation landscape|portrait] [--dpi N] [--lang zh|en] [--title TEXT]
    python -m layers snapshot --out FILE.(png|pdf|svg) --compare-base now|FILE|NAME --scenario FILE|NAME
                              [--origins 武汉,长沙] [--minutes 60,120] [--paper a4|a3] [--lang zh|en]
    python -m layers export-all --out FILE.(gpkg|geojson|kml|shp.zip) [--crs wgs84|cgcs2000|gk|EPSG]
                                [--view URL] [--layers id,id] [--tables FILE.(xlsx|csv)]
    python -m layers import FILE --name NAME [--crs wgs84|cgcs2000|gcj02|bd09|EPSG:N] [--lon COL --lat COL]
                            [--encoding gbk] [--table NAME] [--replace]
    python -m layers workspace list|views|remove NAME [--yes]|export FILE|import FILE [--replace]
    python -m layers workspace style NAME [--color #rrggbb] [--radius PX] [--weight PX] [--fill-opacity F]
    python -m layers workspace remove-view NAME

User layers live in the workspace (``$MYE_WORKSPACE`` or the user data folder);
their ids are ``user.NAME`` and ``export`` takes the id or the bare name.

``--view`` takes the app's URL (or just its query string), so the command
reproduces what the app showed; the other flags override parts of it. Errors
are one line on stderr with exit status 2; notices (ignored URL parameters,
layers that could not be built, font fallback) are printed as ``note:`` lines.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import layers
import workspace.specs as _user_layers  # noqa: F401  (importing workspace registers the planner's layers)
from export.files import ExportError, check_target, write_layer
from geo.errors import GeoInputError
from geo.options import MAX_ORIGINS, MAX_THRESHOLDS, check_threshold, finite_number
from layers.i18n import printable
from layers.view import FIGURES, MEASURES, MODES, YEARS, ViewState, parse_view


def _list(_: argparse.Namespace) -> int:
    from workspace import Workspace

    for spec in layers.all_specs():
        _row(spec.id, spec.title_zh, spec.title_en, spec.group.value)
    _workspace_notes(Workspace())
    return 0


def _row(*fields: object) -> None:
    """One tab-separated line; names from files are printed with their terminal escapes shown, not obeyed."""
    print("\t".join(printable(f) for f in fields))


def _workspace_notes(workspace) -> None:
    """Say what the planner's layers lack: a read-only workspace, damaged records skipped, an unreadable file."""
    from workspace import UserDataError

    try:
        _note(*workspace.notices())
    except UserDataError as err:
        _note(f"user layers unavailable: {err}")


def _export(args: argparse.Namespace) -> int:
    spec = layers.get(args.layer_id)
    path = write_layer(spec.frame(), Path(args.file), layer_name=spec.id)
    print(f"wrote {spec.id} to {path}")
    return 0


def _note(*messages: str) -> None:
    for message in messages:
        if message:
            print(f"note: {printable(message)}", file=sys.stderr)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]


def _view_from_args(args: argparse.Namespace, *, default_layers: tuple[str, ...]) -> ViewState:
    """The view to render: ``--view`` (or the defaults), then the explicit flags on top."""
    known = tuple(s.id for s in layers.all_specs())
    if args.view:
        view = parse_view(args.view, known_layers=known)
        _note(*view.notices)
    else:
        view = ViewState(layers=default_layers)
    changes: dict = {}
    if args.layers:
        changes["layers"] = tuple(_split(args.layers))
        for lid in changes["layers"]:
            layers.get(lid)  # unknown ids stop here with a suggestion
    if args.origins:
        changes["origins"] = _origins(_split(args.origins))
    if args.minutes:
        changes["minutes"] = _minutes(_split(args.minutes))
    for key in ("mode", "year", "figure", "measure", "lang"):
        if getattr(args, key, None):
            changes[key] = getattr(args, key)
    return view.with_(**changes)


def _minutes(items: list[str]) -> tuple[int, ...]:
    """``--minutes`` as sorted whole minutes; a bad, fractional or surplus threshold stops the command (exit 2)."""
    minutes = set()
    for item in items:
        try:
            value = check_threshold(item)
        except GeoInputError as err:
            raise ExportError(f"--minutes: {err}") from None
        if finite_number(item) != value:
            raise ExportError(f"--minutes must be whole minutes separated by commas, got {item!r}")
        minutes.add(value)
    if len(minutes) > MAX_THRESHOLDS:
        raise ExportError(f"--minutes: at most {MAX_THRESHOLDS} thresholds, got {len(minutes)}")
    return tuple(sorted(minutes))


def _origins(items: list[str]) -> tuple[str, ...]:
    """``--origins`` without repeats (with a note), at most ``MAX_ORIGINS``, each a city the engine knows."""
    from geo.traveltime import resolve_origin

    unique = list(dict.fromkeys(items))
    if len(unique) < len(items):
        _note("ignored repeated origins")
    if len(unique) > MAX_ORIGINS:
        raise ExportError(f"--origins: at most {MAX_ORIGINS} origins, got {len(unique)}")
    for origin in unique:
        resolve_origin(origin)  # an unknown city stops here with a suggestion
    return tuple(unique)


def _out_path(text: str, suffixes: tuple[str, ...]) -> Path:
    path = Path(text)
    name = path.name.lower()
    if not name.endswith(suffixes):
        raise ExportError(f"{path}: unsupported extension; use {', '.join(suffixes)}")
    check_target(path, {path.suffix.lower(): "any"})
    return path


@contextlib.contextmanager
def _scenario_network(args: argparse.Namespace):
    """Inside the block, ``--scenario FILE``'s network is the default one (yields the scenario, or None)."""
    if not getattr(args, "scenario", None):
        yield None
        return
    from geo.network import using_network
    from geo.scenario import apply, load_scenario

    if Path(args.scenario).suffix.lower() in (".json", ".yaml", ".yml"):
        scenario = load_scenario(args.scenario)
    else:
        from workspace import Workspace

        scenario = Workspace().scenario(args.scenario)
    if scenario.year not in YEARS:
        raise ExportError(f"--scenario: a briefing shows a network year of {', '.join(YEARS)}; the scenario's "
                          f"year is {scenario.year}")
    net = apply(scenario)
    _note(*(f"scenario {scenario.name}: {n}" for n in net.notes))
    with using_network(net):
        yield scenario


def _compare_side(token: str) -> object:
    """``--compare-base``: a network year, a scenario file or the name of a scenario saved in the workspace."""
    if token in YEARS:
        return token
    if Path(token).suffix.lower() in (".json", ".yaml", ".yml"):
        from geo.scenario import load_scenario

        return load_scenario(token)
    from workspace import Workspace

    saved = Workspace().scenarios()
    if token not in saved:
        raise ExportError(f"--compare-base {token!r}: not a network year ({', '.join(YEARS)}), a scenario file "
                          f"(.json, .yaml) or a scenario saved in the workspace")
    return saved[token]


def _sheet(args: argparse.Namespace, path: Path) -> int:
    """``snapshot --compare-base``: the before/after sheet of the base against ``--scenario``."""
    from geo.compare import DEFAULT_ORIGINS, DEFAULT_THRESHOLDS, compare
    from render.briefing import BriefingOptions
    from render.comparison_sheet import render_comparison_sheet

    if not args.scenario:
        raise ExportError("--compare-base needs --scenario FILE|NAME (the after side of the sheet)")
    for flag in ("view", "layers", "year", "figure", "measure", "extent", "subtitle"):
        if getattr(args, flag, None) not in (None, "view"):
            raise ExportError(f"--{flag} does not apply to a before/after sheet (--compare-base)")
    if args.mode not in (None, "rail"):
        raise ExportError("a before/after sheet compares rail networks door to door; drop --mode")
    origins = _origins(_split(args.origins)) if args.origins else DEFAULT_ORIGINS
    minutes = _minutes(_split(args.minutes)) if args.minutes else DEFAULT_THRESHOLDS
    before = _compare_side(args.compare_base)
    after = _compare_side(args.scenario) if Path(args.scenario).suffix.lower() in (".json", ".yaml", ".yml") \
        else _saved_scenario(args.scenario)
    options = BriefingOptions(paper=args.paper, orientation=args.orientation, dpi=args.dpi, extent="region",
                              title=args.title, lang=args.lang)
    options.check()
    model = ViewState().road_model()
    result = compare(before, after, origins, minutes, model=model)
    _note(*result.notes)
    sheet = render_comparison_sheet(result, path.suffix.lower().lstrip("."), options, model=model)
    _note(*sheet.notices)
    path.write_bytes(sheet.data)
    size = f"{sheet.size_px[0]}x{sheet.size_px[1]} px" if path.suffix.lower() == ".png" else "vector"
    print(f"wrote {path} (before/after sheet, {options.paper.upper()} {options.orientation}, {size})")
    return 0


def _saved_scenario(name: str):
    from workspace import Workspace

    return Workspace().scenario(name)


def _snapshot(args: argparse.Namespace) -> int:
    from render.briefing import BriefingOptions, render_briefing

    path = _out_path(args.out, (".png", ".pdf", ".svg"))
    if args.compare_base:
        return _sheet(args, path)
    default = tuple(s.id for s in layers.all_specs() if s.default_visible)
    view = _view_from_args(args, default_layers=default)
    args.scenario = args.scenario or view.scenario or None  # a shared link names the app's saved scenario
    with _scenario_network(args) as scenario:
        if scenario is not None:
            if args.year and args.year != scenario.year:
                raise ExportError(f"--year {args.year} differs from the scenario's year {scenario.year}; drop --year")
            view = view.with_(year=scenario.year)
        subtitle = args.subtitle or (None if scenario is None else f"情景 Scenario: {scenario.name}")
        options = BriefingOptions(paper=args.paper, orientation=args.orientation, dpi=args.dpi, extent=args.extent,
                                  title=args.title, subtitle=subtitle, lang=args.lang)
        result = render_briefing(view, path.suffix.lower().lstrip("."), options)
    _note(*result.notices)
    path.write_bytes(result.data)
    size = f"{result.size_px[0]}x{result.size_px[1]} px" if path.suffix.lower() == ".png" else "vector"
    print(f"wrote {path} ({options.paper.upper()} {options.orientation}, {size})")
    return 0


_DATA_SUFFIXES = {".gpkg": "gpkg", ".geojson": "geojson", ".kml": "kml", ".shp.zip": "shp", ".zip": "shp"}


def _export_all(args: argparse.Namespace) -> int:
    from export.gis import export_layers, view_frames
    from export.tables import export_tables, travel_tables

    path = _out_path(args.out, tuple(_DATA_SUFFIXES))
    fmt = next(f for suffix, f in _DATA_SUFFIXES.items() if path.name.lower().endswith(suffix))
    view = _view_from_args(args, default_layers=tuple(s.id for s in layers.all_specs()))
    frames, failures = view_frames(view)
    _note(*(f"layer {f.layer_id} skipped: {f.message}" for f in failures))
    download = export_layers(frames, fmt, crs=args.crs)
    _note(*download.notices)
    if fmt == "geojson" and download.filename.endswith(".zip"):
        path = path.with_name(path.name + ".zip")  # several layers do not fit one GeoJSON file
    path.write_bytes(download.data)
    print(f"wrote {len(frames)} layers to {path}")
    if args.tables:
        tpath = _out_path(args.tables, (".xlsx", ".csv"))
        tables = export_tables(travel_tables(view, frames), tpath.suffix.lower().lstrip("."))
        if tables.filename.endswith(".zip"):
            tpath = tpath.with_name(tpath.name + ".zip")  # several CSV tables come zipped
        tpath.write_bytes(tables.data)
        print(f"wrote tables to {tpath}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from workspace import LayerStyle, ReadOptions, Workspace, import_file

    options = ReadOptions(crs=args.crs, lon=args.lon, lat=args.lat, encoding=args.encoding, table=args.table)
    style = LayerStyle(color=args.color) if args.color else None
    workspace = Workspace()
    report = import_file(Path(args.file), args.name, options=options, workspace=workspace, style=style,
                         replace=args.replace)
    for warning in report.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    print(printable(f"imported {report.layer.feature_count} features from {args.file} as {report.layer_id} "
                    f"(from {report.layer.source_crs}) into {workspace.path}"))
    return 0


def _workspace(args: argparse.Namespace) -> int:
    from workspace import LayerStyle, Workspace

    workspace = Workspace()
    if args.action == "list":
        for la in workspace.layers():
            _row(la.name, f"user.{la.name}", la.kind, la.feature_count, la.source_file, la.source_crs)
        _workspace_notes(workspace)
    elif args.action == "views":
        for name, query in workspace.views().items():
            _row(name, query)
        _workspace_notes(workspace)
    elif args.action == "remove":
        layer = workspace.layer(_one(args, "NAME"))
        if not args.yes:
            if not sys.stdin.isatty():
                raise ExportError(f"removing {layer.name!r} needs confirmation; add --yes")
            answer = input(f"remove user layer {layer.name!r} ({layer.feature_count} features)? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "是"):
                print("kept")
                return 1
        workspace.remove_layer(layer.name)
        print(f"removed {layer.name} from {workspace.path}")
    elif args.action == "style":
        old = workspace.layer(_one(args, "NAME")).style
        new = LayerStyle(color=args.color or old.color, radius=old.radius if args.radius is None else args.radius,
                         weight=old.weight if args.weight is None else args.weight,
                         fill_opacity=old.fill_opacity if args.fill_opacity is None else args.fill_opacity)
        layer = workspace.set_style(args.target, new)
        print(f"{layer.name}: colour {layer.style.color}, radius {layer.style.radius:g} px, "
              f"line {layer.style.weight:g} px, fill opacity {layer.style.fill_opacity:g}")
    elif args.action == "remove-view":
        workspace.remove_view(_one(args, "NAME"))
        print(f"removed view {args.target} from {workspace.path}")
    elif args.action == "scenarios":
        for name, scenario in workspace.scenarios().items():
            _row(name, scenario.year, f"{len(scenario.changes)} changes", scenario.name_en)
        _workspace_notes(workspace)
    elif args.action == "add-scenario":
        from geo.scenario import apply, load_scenario

        scenario = load_scenario(_one(args, "FILE"))
        apply(scenario)  # a scenario naming an unknown station or line is refused before it is saved
        if scenario.name in workspace.scenarios() and not args.replace:
            raise ExportError(f"a scenario {scenario.name!r} is saved already; add --replace")
        workspace.save_scenario(scenario)
        print(printable(f"saved scenario {scenario.name} ({scenario.year}, {len(scenario.changes)} changes) "
                        f"in {workspace.path}"))
    elif args.action == "remove-scenario":
        workspace.remove_scenario(_one(args, "NAME"))
        print(printable(f"removed scenario {args.target} from {workspace.path}"))
    elif args.action == "export":
        target = Path(_one(args, "FILE"))
        check_target(target, {".gpkg": "GPKG"})
        target.write_bytes(workspace.export_bytes())
        print(f"wrote the workspace to {target}")
    else:
        report = workspace.import_workspace(Path(_one(args, "FILE")), replace=args.replace)
        _note(*report.notices)
        print(f"imported {len(report.layers)} layers and {len(report.views)} views into {workspace.path}")
        if report.scenarios:
            print(f"imported {len(report.scenarios)} scenarios: {printable(', '.join(report.scenarios))}")
    return 0


def _one(args: argparse.Namespace, what: str) -> str:
    if not args.target:
        raise ExportError(f"workspace {args.action} needs {what}")
    return args.target


def _add_view_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--view", help="the app's URL or its query string (layers, circles, language, view)")
    parser.add_argument("--layers", help="comma-separated layer ids (see `list`)")
    parser.add_argument("--origins", help="circle origins, e.g. 武汉,长沙,南昌")
    parser.add_argument("--minutes", help="circle thresholds in minutes, e.g. 60,120,180")
    parser.add_argument("--mode", choices=MODES)
    parser.add_argument("--year", choices=YEARS, help="network year: 2015, now or planned")
    parser.add_argument("--figure", choices=FIGURES,
                        help="rail figure: fastest (scheduled, default) or typical (with the expected wait)")
    parser.add_argument("--measure", choices=MEASURES,
                        help="circles door to door (default) or station to station (rail time from main stations)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m layers", description="Middle Yangtze Explorer layers")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list every layer id with its titles").set_defaults(func=_list)
    exp = sub.add_parser("export", help="write one layer as GeoJSON or GeoPackage (WGS-84)")
    exp.add_argument("layer_id")
    exp.add_argument("file")
    exp.set_defaults(func=_export)

    from render.briefing import DPIS, ORIENTATIONS, PAPERS_MM

    snap = sub.add_parser("snapshot", help="print-ready briefing map (PNG, PDF or SVG)")
    snap.add_argument("--out", required=True, help="output file: .png, .pdf or .svg")
    _add_view_args(snap)
    snap.add_argument("--lang", choices=("zh", "en"))
    snap.add_argument("--paper", choices=tuple(PAPERS_MM), default="a4")
    snap.add_argument("--orientation", choices=ORIENTATIONS, default="landscape")
    snap.add_argument("--dpi", type=int, default=max(DPIS), help="PNG resolution (150 or 300; PDF/SVG are vectors)")
    snap.add_argument("--extent", choices=("view", "region"), default="view",
                      help="the view's centre and zoom, or the whole agglomeration")
    snap.add_argument("--title", help="title (default names the layers and circles shown)")
    snap.add_argument("--subtitle")
    snap.add_argument("--scenario", help="a what-if scenario file (.json, .yaml) or the name of one saved in the "
                                         "workspace: the circles and tables use its network and year")
    snap.add_argument("--compare-base", metavar="YEAR|FILE|NAME",
                      help="a before/after sheet instead: the difference map and table of gains of --scenario "
                           f"against this base ({', '.join(YEARS)}, a scenario file or a saved name)")
    snap.set_defaults(func=_snapshot)

    every = sub.add_parser("export-all", help="every layer (or a view's layers) in one GIS file")
    every.add_argument("--out", required=True, help="output file: .gpkg, .geojson, .kml or .shp.zip")
    _add_view_args(every)
    every.add_argument("--crs", default="wgs84", help="wgs84 (default), cgcs2000, gk (Gauss-Krueger zone) or EPSG")
    every.add_argument("--tables", help="also write the travel-time tables: .xlsx or .csv")
    every.set_defaults(func=_export_all)

    imp = sub.add_parser("import", help="import a file as a user layer into the workspace")
    imp.add_argument("file", help="CSV, XLSX, GeoJSON, KML/KMZ, zipped Shapefile or GeoPackage")
    imp.add_argument("--name", required=True, help="layer name (its id becomes user.NAME)")
    imp.add_argument("--crs", help="source system: wgs84, cgcs2000, gcj02 (高德/腾讯), bd09 (百度) or EPSG:N "
                                   "(default: the file's own, else wgs84)")
    imp.add_argument("--lon", help="longitude column (CSV/XLSX; detected when omitted)")
    imp.add_argument("--lat", help="latitude column (CSV/XLSX; detected when omitted)")
    imp.add_argument("--encoding", help="text encoding of CSV/DBF, e.g. gbk (detected when omitted)")
    imp.add_argument("--table", help="GeoPackage table, Shapefile in the zip, or Excel sheet")
    imp.add_argument("--color", help="colour #rrggbb (default: the next palette colour)")
    imp.add_argument("--replace", action="store_true", help="replace a user layer of the same name")
    imp.set_defaults(func=_import)

    ws = sub.add_parser("workspace", help="list, restyle, remove, export or import user layers and saved views")
    ws.add_argument("action", choices=("list", "views", "style", "remove", "remove-view", "export", "import",
                                       "scenarios", "add-scenario", "remove-scenario"))
    ws.add_argument("target", nargs="?", help="layer NAME (style, remove), view NAME (remove-view), FILE.gpkg "
                                               "(export, import), scenario FILE (add-scenario) or NAME "
                                               "(remove-scenario)")
    ws.add_argument("--color", help="style: colour #rrggbb")
    ws.add_argument("--radius", type=float, help="style: point radius, px (0-40)")
    ws.add_argument("--weight", type=float, help="style: line width, px (0-20)")
    ws.add_argument("--fill-opacity", type=float, help="style: fill opacity 0-1")
    ws.add_argument("--yes", action="store_true", help="remove without asking")
    ws.add_argument("--replace", action="store_true", help="import, add-scenario: replace layers, views and "
                                                            "scenarios of the same name")
    ws.set_defaults(func=_workspace)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("import", "workspace"):
            from workspace.reader import import_limits
            from workspace.scratch import clean_stale

            if args.command == "import" or args.action == "import":
                import_limits()  # a bad MYE_MAX_IMPORT_* setting is refused before any work, with one line
            clean_stale()
        return args.func(args)
    except (layers.UnknownLayerError, ExportError, ValueError, OSError) as err:
        print(f"error: {printable(err)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
