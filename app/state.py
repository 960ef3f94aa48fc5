"""The app's state: the URL ⇄ session round trip, and the one :class:`~layers.view.ViewState` a run works from.

Every widget is keyed and seeded from the URL on a session's first run; the map's
extent comes back from the map itself (its last ``center``/``zoom``), so the view
the planner sees is the view written to the URL, saved and exported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

import layers
from geo.options import MAX_ORIGINS, MAX_THRESHOLDS
from layers.i18n import t, widget_key
from layers.view import ROAD_FIELDS, ViewState, parse_view, read_minutes
from render import webmap as fm

__all__ = ["MAX_ORIGINS", "current_view", "init_state", "keep", "known_layers", "language_widget", "open_view",
           "parse_hours", "sync_url"]

ss = st.session_state
MAP_KEY = "map"


def known_layers() -> tuple[str, ...]:
    """Built-in layer ids and the planner's own (read from the workspace on every run, so imports show at once)."""
    return tuple(s.id for s in layers.all_specs())


def init_state(known_origins: tuple[str, ...]) -> None:
    """First run of a session: seed every widget from the URL (unknown values dropped with a notice)."""
    if ss.get("_init"):
        return
    seed(parse_view(st.query_params.to_dict(), known_layers=known_layers(), known_origins=known_origins))


def seed(view: ViewState) -> None:
    """Put ``view`` into every widget's state (the next run draws it)."""
    ss.notices = list(view.notices)
    if view.basemap == "tianditu" and "tianditu" not in fm.basemaps():
        ss.notices.append(t("tianditu_no_key", view.lang))
        view = view.with_(basemap="offline")
    ss.lang, ss.basemap, ss.mode, ss.year = view.lang, view.basemap, view.mode, view.year
    ss.figure, ss.measure = view.figure, view.measure
    ss.scenario = view.scenario
    for lid in known_layers():
        ss[f"layer_{lid}"] = lid in view.layers
    ss.origins = list(view.origins)
    ss.thresholds = ", ".join(f"{m / 60:g}" for m in view.minutes)
    for key, value in zip(ROAD_FIELDS, view.road, strict=True):
        ss[key] = value
    ss.map_origin = (view.basemap, view.center, view.zoom)
    ss.pop(MAP_KEY, None)
    ss.fly = ss.search = None
    ss._init = True


def open_view(query: str) -> None:
    """Show a saved view: put it in the URL; the next run seeds every widget from it (the map remounts at its
    extent). Widgets drawn in this run cannot change their values any more, so the caller reruns."""
    st.query_params.from_dict(parse_view(query, known_layers=known_layers()).to_params())
    ss._init = False


def map_extent() -> tuple[tuple[float, float], int]:
    """The map's centre (lon, lat, WGS-84) and zoom as the planner left it: the map's own last report, else the
    extent it was mounted with."""
    _, center, zoom = ss.map_origin
    reported = ss.get(MAP_KEY) or {}
    c, z = reported.get("center"), reported.get("zoom")
    if isinstance(c, dict) and {"lat", "lng"} <= c.keys() and z is not None:
        lon, lat = float(c["lng"]), float(c["lat"])
        if fm.datum_for(ss.map_origin[0]) == "gcj02":
            lon, lat = lon - fm.GCJ_DELTA[0], lat - fm.GCJ_DELTA[1]
        # The map's own report is checked like any URL value (it cannot leave the region's bounds).
        checked = parse_view({"lon": str(lon), "lat": str(lat), "zoom": str(z)}, known_layers=())
        if not checked.notices:
            return checked.center, checked.zoom
    return center, zoom


def parse_hours(text: str) -> tuple[tuple[int, ...], list[str]]:
    """Thresholds typed in hours ("1, 2, 3" or "1.5") as sorted whole minutes (at most ``MAX_THRESHOLDS``,
    repeats dropped), and the items that could not be read or are out of range, as typed."""
    items = (i.strip() for i in text.replace("，", ",").replace(" ", ",").split(","))
    good, bad = read_minutes((i for i in items if i), unit_min=60)
    unique = sorted(dict.fromkeys(good))
    bad += [f"{m / 60:g}" for m in unique[MAX_THRESHOLDS:]]
    return tuple(unique[:MAX_THRESHOLDS]), bad


def current_view() -> ViewState:
    """The view on screen, from the widgets' state and the map's extent."""
    minutes, _ = parse_hours(ss.thresholds)
    center, zoom = map_extent()
    return ViewState(layers=tuple(lid for lid in known_layers() if ss.get(f"layer_{lid}", False)),
                     origins=tuple(ss.origins), minutes=minutes or ViewState().minutes, mode=ss.mode, year=ss.year,
                     figure=ss.figure, measure=ss.measure, basemap=ss.basemap, lang=ss.lang, center=center,
                     zoom=zoom, road=tuple(float(ss[k]) for k in ROAD_FIELDS), scenario=ss.get("scenario", ""))


def sync_url(view: ViewState) -> None:
    """Write the view into the query string (only when it changed, so no extra reruns)."""
    params = view.to_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def keep(*keys: str) -> None:
    """Keep the values of widgets a run may not draw (those of a closed section drawn only when open, or of one
    whose label follows the language): at the end of a run Streamlit drops the value of every widget that run did
    not draw, unless the script itself set it. Call before the widgets are drawn."""
    for key in keys:
        if key in ss:
            ss[key] = ss[key]


def language_widget(widget: Callable[..., Any], name: str, lang: str, label: str, options: list, fmt, *,
                    then: Callable[[], None] | None = None, **kwargs: Any) -> None:
    """Draw ``widget`` for state ``name`` with labels in ``lang``, keeping ``ss[name]`` in step."""
    # A keyed Streamlit widget keeps the option labels of its first render, so a widget whose
    # labels are translated gets one key per language; the value itself lives in ss[name].
    key = widget_key(name, lang)
    ss[key] = ss[name]

    def sync() -> None:
        ss[name] = ss[key]
        if then is not None:
            then()

    widget(label, options, format_func=fmt, key=key, on_change=sync, **kwargs)
