"""Benchmark: briefing exports of the app's default view (A4 300 dpi PNG, PDF, SVG), HTML and GeoPackage.

Run from the project root: ``python bench/snapshot.py [--repeat N]``. Prints ``name: value`` lines:
``*_s`` are wall-clock seconds, best of N with warm caches (layers built, fonts loaded), except
``first_a4_png_300dpi_s`` (the first render in a fresh process, layers included). Targets: an
A4 300 dpi PNG and the PDF under 3 s warm. The default view is the app's (:class:`ViewState`),
limited to the layers registered now.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # ``python bench/snapshot.py``: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import layers
from export.gis import export_layers, view_frames
from layers.view import ViewState
from render.briefing import BriefingOptions, render_briefing
from render.offline_html import map_html

TARGET_S = 3.0


def _best_s(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    known = {s.id for s in layers.all_specs()}
    view = ViewState()
    view = view.with_(layers=tuple(lid for lid in view.layers if lid in known))
    a4 = BriefingOptions(paper="a4", dpi=300)

    start = time.perf_counter()
    first = render_briefing(view, "png", a4)
    results = {"first_a4_png_300dpi_s": time.perf_counter() - start}
    results["a4_png_300dpi_s"] = _best_s(lambda: render_briefing(view, "png", a4), args.repeat)
    results["a4_pdf_s"] = _best_s(lambda: render_briefing(view, "pdf", a4), args.repeat)
    results["a4_svg_s"] = _best_s(lambda: render_briefing(view, "svg", a4), args.repeat)
    results["a3_png_150dpi_s"] = _best_s(
        lambda: render_briefing(view, "png", BriefingOptions(paper="a3", dpi=150)), args.repeat)
    results["html_s"] = _best_s(lambda: map_html(view), args.repeat)
    frames, _ = view_frames(view)
    results["gpkg_s"] = _best_s(lambda: export_layers(frames, "gpkg"), args.repeat)

    print(f"layers: {','.join(view.layers)}")
    print(f"notices: {len(first.notices)}")
    for name, value in results.items():
        print(f"{name}: {value:.3f}")
    ok = results["a4_png_300dpi_s"] < TARGET_S and results["a4_pdf_s"] < TARGET_S
    print(f"within_target: {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
