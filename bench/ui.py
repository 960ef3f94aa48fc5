"""UI benchmark: the explorer in Debian's headless Chromium, all outside network blocked.

    python bench/ui.py [--repeat N]

Prints one figure per line as ``name: value  (naive: value, goal: < value)``, the naive figure measured in
the same run. Each build gets a server of its own and a browser with a new, empty profile; the two time
figures run from ``page.goto`` to the last change in the map's drawn features (``path.mye-f``), stable for
1.5 s (the wait itself is not counted):

* ``cold_render_s`` – the very first visit after the server is up, with the browser's cache still empty (so
  Streamlit's ≈ 5 MB of scripts and styles are fetched and compiled): the app as ``make run`` starts it
  (``python -m app.serve``, which loads the code and builds the default view and its tables before it
  listens) against plain ``streamlit run streamlit_app.py`` (goal < 3 s);
* ``first_render_s`` – a later visit to the same server in the same browser, default view: the scripts come
  from the browser's HTTP cache, as in a planner's browser on any visit after the first (goal < 1.5 s);
* ``redraw_s`` – on that page, changing a circle setting (mode) to the last path redrawn (goal < 0.5 s);
* ``payload_mb`` – what streamlit-folium sends for the default view's map: script, header and
  feature groups, against a naive build: unsimplified geometry, every layer (goal < 1 MB);
* ``ws_mb`` – every byte the page received over Streamlit's websocket during the later visit's render.

The outside network is blocked the way it is for a planner behind a dead proxy: every request goes to a proxy
that refuses connections, except those to the loopback address (Chromium never proxies localhost). Playwright's
request interception would block as well, but it turns Chromium's HTTP cache off (playwright issue #7220),
so every "later" visit would fetch the scripts again. The benchmark fails if any request left localhost.

The machine may be shared: ``--repeat N`` starts each server N times and prints the best of the N runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Port 9 (discard) on the loopback address: nothing listens, so every proxied request fails at once.
DEAD_PROXY = "--proxy-server=http://127.0.0.1:9"
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
    outside: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mye_bench_") as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM),
                                                    args=[*CHROMIUM_ARGS, DEAD_PROXY], headless=True,
                                                    viewport={"width": 1500, "height": 1000})
        ctx.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES) else outside.append(r.url))
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
    if outside:
        raise AssertionError(f"requests left localhost: {outside[:5]}")
    return out


GOALS = {"cold_render_s": 3.0, "first_render_s": 1.5, "redraw_s": 0.5, "payload_mb": 1.0}


def best_browser_figures(repeat: int, *, warm: bool) -> dict[str, float]:
    """The smallest of each figure over ``repeat`` fresh servers (``warm``: started as ``make run`` does)."""
    from tests.conftest import streamlit_server

    best: dict[str, float] = {}
    for _ in range(repeat):
        with streamlit_server(warm=warm) as url:
            for name, value in browser_figures(url).items():
                best[name] = min(value, best.get(name, value))
    return best


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="servers started per build; the best run is printed")
    args = parser.parse_args(argv)
    default_mb, naive_mb = payload_figures()
    naive = best_browser_figures(args.repeat, warm=False)
    figures = best_browser_figures(args.repeat, warm=True)
    figures["payload_mb"], naive["payload_mb"] = default_mb, naive_mb
    print(f"runs: best of {args.repeat}")
    for name in ("cold_render_s", "first_render_s", "redraw_s", "payload_mb"):
        digits = 3 if name.endswith("mb") else 2
        print(f"{name}: {figures[name]:.{digits}f}  (naive: {naive[name]:.{digits}f}, goal: < {GOALS[name]:g})")
    print(f"ws_mb: {figures['ws_mb']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
