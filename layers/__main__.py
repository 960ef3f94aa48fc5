"""Command line for the layer catalogue.

    python -m layers list
    python -m layers export <layer-id> <file.geojson|file.gpkg>
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import layers
from layers.export import ExportError, write_layer


def _list(_: argparse.Namespace) -> int:
    for spec in layers.all_specs():
        print(f"{spec.id}\t{spec.title_zh}\t{spec.title_en}\t{spec.group.value}")
    return 0


def _export(args: argparse.Namespace) -> int:
    spec = layers.get(args.layer_id)
    path = write_layer(spec.frame(), Path(args.file), layer_name=spec.id)
    print(f"wrote {spec.id} to {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m layers", description="Middle Yangtze Explorer layers")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list every layer id with its titles").set_defaults(func=_list)
    exp = sub.add_parser("export", help="write one layer as GeoJSON or GeoPackage (WGS-84)")
    exp.add_argument("layer_id")
    exp.add_argument("file")
    exp.set_defaults(func=_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (layers.UnknownLayerError, ExportError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
