"""Start the explorer with its code loaded and the default view built, then serve it (Streamlit).

    python -m app.serve [streamlit options, e.g. --server.port 8502]

``streamlit run streamlit_app.py`` loads nothing until the first visitor arrives, so the first planner after a
start waited for every import (pandas, folium's templates, the engine) and for the default layers to be built:
5–7 s. This entry does that work before the server listens, in the same process the app's runs share, so the
first visit costs what any other does. ``make run`` uses it; ``streamlit run streamlit_app.py`` still works.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

__all__ = ["main", "warm"]

ROOT = Path(__file__).resolve().parent.parent


def warm() -> float:
    """Import the page and build the default view's map in both languages and its tables (filling the
    process-wide caches: layer frames, map payloads, the offline basemap, the network's travel times and
    population shares). Returns the seconds it took."""
    start = time.perf_counter()
    # Every module the page needs except streamlit-folium itself: a component declared before the server's
    # runtime exists is not served by it (the map's frame would answer 404).
    import app.export_panel
    import app.panels
    import app.sidebar  # noqa: F401
    import export.gis
    import export.tables  # noqa: F401
    import render.briefing
    import render.offline_html  # noqa: F401
    from app.panels import plan_reach_figures, travel_tables
    from layers.frames import visible_layers
    from layers.view import ROAD_FIELDS, ViewState
    from render import webmap as fm

    view = ViewState()
    fm.base_map(view.basemap, view.center, view.zoom)
    for lang in ("zh", "en"):
        fm.overlay_groups(visible_layers(view), lang=lang, datum=fm.datum_for(view.basemap),
                          tolerance=fm.detail_tolerance(view.zoom))
    # The tables below the map: the headline shares alone took 2 s of the first visit's run.
    road = tuple(zip(ROAD_FIELDS, view.road, strict=True))
    travel_tables(view.year, road, view.figure)
    plan_reach_figures(view.year, road)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Warm the process, then hand over to ``streamlit run streamlit_app.py`` with ``argv`` as its options."""
    seconds = warm()
    print(f"mye: code and default view ready in {seconds:.1f} s", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "streamlit_app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
