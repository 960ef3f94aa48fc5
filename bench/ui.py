"""UI benchmark: the explorer in Debian's headless Chromium, all outside network blocked.

    python bench/ui.py

Prints one figure per line as ``name: value``:

* ``first_render_s`` – navigation to the last map path drawn, default view, warm server (target < 3 s);
* ``redraw_s`` – changing a circle setting (mode) to the last path redrawn (target < 1 s);
* ``payload_mb`` – what streamlit-folium sends for the default view's map: script, header and
  feature groups (target < 1.5 MB);
* ``naive_payload_mb`` – the same for a naive build: unsimplified geometry, every layer;
* ``cold_render_s`` – the very first render after the server starts (caches empty), for reference;
* ``ws_mb`` – every byte the page received over Streamlit's websocket during the default render.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STABLE_S = 1.5  # the map counts as drawn when the path count has not changed for this long
TIMEOUT_S = 60.0


def component_payload_bytes(m, groups) -> int:
    """Bytes of the arguments st_folium sends for map ``m`` with ``groups`` as feature_group_to_add."""
    from streamlit_folium import _get_feature_group_string, _get_header, _get_html, _get_map_string

    m.get_root().render()
    m.render()
    size = len(_get_html(m)) + len(_get_header(m)) + len(_get_map_string(m))
    size += sum(len(_get_feature_group_string(g, map=m, idx=i)) for i, g in enumerate(groups))
    return size


def payload_figures() -> tuple[float, float]:
    """(default view, naive build) map payloads in MB (10^6 bytes)."""
    import layers
    from layers.frames import visible_layers
    from layers.view import ViewState
    from render import webmap as fm

    view = ViewState()
    m = fm.base_map(view.basemap, view.center, view.zoom)
    groups, _ = fm.overlay_groups(visible_layers(view), lang=view.lang,
                                  tolerance=fm.detail_tolerance(view.zoom))
    default = component_payload_bytes(m, groups)
    m = fm.base_map(view.basemap, view.center, view.zoom)
    groups, _ = fm.overlay_groups(visible_layers(view, tuple(s.id for s in layers.all_specs())), lang=view.lang,
                                  tolerance=None)
    naive = component_payload_bytes(m, groups)
    return default / 1e6, naive / 1e6


_SIGNATURE_JS = """() => {
  const all = document.querySelectorAll('path.mye-f');
  const old = document.querySelectorAll('path.mye-f[data-old]').length;
  return [all.length - old, old];
}"""


def _settled(frame, start: float) -> float:
    """Seconds from ``start`` to the last change in the map's paths (new vs. pre-existing), stable for STABLE_S.

    Done means: new paths drawn, none of the paths present before the action left, nothing changing.
    """
    last, last_change = None, start
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        fresh, old = frame.evaluate(_SIGNATURE_JS)
        now = time.monotonic()
        if (fresh, old) != last:
            last, last_change = (fresh, old), now
        elif now - last_change > STABLE_S and fresh > 0 and old == 0:
            break
        time.sleep(0.02)
    return last_change - start


def browser_figures(url: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LOCAL_PREFIXES, map_frame

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mye_bench_") as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                    headless=True, viewport={"width": 1500, "height": 1000})

        def block(route) -> None:
            (route.continue_() if route.request.url.startswith(LOCAL_PREFIXES) else route.abort())

        ctx.route("**/*", block)
        page = ctx.new_page()
        start = time.monotonic()
        page.goto(url)
        out["cold_render_s"] = _settled(map_frame(page, TIMEOUT_S, poll_s=0.02), start)
        page.close()

        page = ctx.new_page()
        received = [0]
        page.on("websocket", lambda ws: ws.on("framereceived", lambda data: received.__setitem__(
            0, received[0] + len(data if isinstance(data, (bytes, str)) else b""))))
        start = time.monotonic()
        page.goto(url)
        frame = map_frame(page, TIMEOUT_S, poll_s=0.02)
        out["first_render_s"] = _settled(frame, start)
        out["ws_mb"] = received[0] / 1e6

        frame.evaluate("() => document.querySelectorAll('path.mye-f').forEach(p => { p.dataset.old = '1'; })")
        radio = page.locator("section[data-testid='stSidebar'] label").filter(has_text="仅公路").first
        start = time.monotonic()
        radio.click()
        out["redraw_s"] = _settled(frame, start)
        ctx.close()
    return out


def main() -> int:
    from tests.conftest import streamlit_server

    default_mb, naive_mb = payload_figures()
    with streamlit_server() as url:
        figures = browser_figures(url)
    for name in ("first_render_s", "redraw_s"):
        print(f"{name}: {figures[name]:.2f}")
    print(f"payload_mb: {default_mb:.3f}")
    print(f"naive_payload_mb: {naive_mb:.3f}")
    print(f"cold_render_s: {figures['cold_render_s']:.2f}")
    print(f"ws_mb: {figures['ws_mb']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
