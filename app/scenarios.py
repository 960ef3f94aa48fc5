"""情景分析 / What-if scenarios in the app: build, save, open, use and delete a scenario; compare two networks.

A scenario is built here as plain data in the :mod:`geo.scenario` file schema (``ss.sc_changes``, the name and
base year in their widgets); every change is checked by the engine before it is added (:func:`_checked`: parse,
then apply onto the network of the sources), so a bad one shows one line and changes nothing. Saved scenarios
live in the workspace (:meth:`workspace.store.Workspace.save_scenario`).

The scenario *in use* is named by ``ss.scenario`` (the view's ``scenario`` key, so the URL, a saved view and
``python -m layers snapshot --view URL`` carry it). :func:`on_scenario` runs a page function with that scenario's
network as the default network (:func:`geo.network.using_network`): the circles, tables and exports then use it,
and the network year is the scenario's base year. :func:`scenario_page` does the same for the whole page and
draws the panel below it.

The comparison (:func:`geo.compare.compare`) is of any two of: a network year, a saved scenario; its difference
map is a folium map of its own (minutes saved to the nearest origin, in :data:`geo.compare.SAVED_BANDS`).
Text typed by planners (scenario and service names) is escaped wherever it reaches Markdown or HTML.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html
import math
from collections.abc import Callable, Iterator
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from folium.template import Template

from app import state
from export.download import Download
from export.tables import export_tables
from geo.compare import Comparison, compare
from geo.errors import GeoInputError, ScenarioError
from geo.network import RailNetwork, RoadModel, active_network_key, default_network, using_network
from geo.scenario import ScenarioChoices, ScenarioNetwork, apply, choices, scenario_from_dict, scenario_to_dict
from geo.surface import DEFAULT_RESOLUTION_KM
from geo.traveltime import resolve_origin
from layers.catalogue.circles import english_names
from layers.difference import BAND_COLOURS, BAND_ORDER, band_label
from layers.i18n import escape_markdown, fmt_number, t, widget_key
from layers.view import YEARS, ViewState, finite_number
from render import webmap as fm
from workspace import Workspace
from workspace.errors import UserDataError

__all__ = ["BAND_COLOURS", "KINDS", "OPEN_KEY", "on_scenario", "scenario_page", "scenario_panel", "scenario_subtitle",
           "sources_network"]

ss = st.session_state
KINDS = ("open_line", "add_service", "change_service", "close_service", "close_segment")
DIFF_MAP_HEIGHT = 460  # CSS px
OPEN_KEY = "sc_panel_open"  # session state: whether the panel is open
_DRAFT_NAME = "draft"  # stands in for the name while changes are checked before the scenario has one


def sources_network() -> RailNetwork:
    """The network of the sources, also inside a :func:`~geo.network.using_network` block (a fresh context)."""
    return contextvars.Context().run(default_network)


@st.cache_resource(show_spinner=False)
def _choices(year: str) -> ScenarioChoices:
    """What a scenario over ``year`` can name (stations, services, lines, segments; bilingual)."""
    return choices(year, network=sources_network())


# ------------------------------------------------------------------------------------------ scenario in use


def _lang() -> str:
    lang = ss.get("lang") if ss.get("_init") else st.query_params.get("lang", "zh")
    return lang if lang in ("zh", "en") else "zh"


def _active(lang: str) -> ScenarioNetwork | None:
    """The network of the scenario in use (``ss.scenario``, or the URL's on a session's first run), or None.

    A name not saved in the workspace, or a saved scenario the network no longer accepts, is dropped with a
    one-line warning. The network year becomes the scenario's base year.
    """
    seeded = bool(ss.get("_init"))
    name = ss.get("scenario", "") if seeded else st.query_params.get("scenario", "")
    if not name:
        return None
    scenario, problem = Workspace().scenarios().get(name), None
    if scenario is None:
        problem = t("sc_missing", lang, name=name)
    elif scenario.year not in YEARS:
        problem = t("sc_unusable", lang, name=name, error=f"base year {scenario.year}; the app shows "
                                                          f"{', '.join(YEARS)}")
    else:
        try:
            net = apply(scenario, sources_network())
        except (ScenarioError, GeoInputError) as err:
            problem = t("sc_unusable", lang, name=name, error=err)
    if problem is not None:
        st.warning(escape_markdown(problem), icon="⚠️")
        if seeded:
            ss.scenario = ""
        else:
            del st.query_params["scenario"]
        return None
    if seeded:
        ss.year = scenario.year
    else:
        st.query_params["year"] = scenario.year  # the first run seeds the widgets from the URL
    return net


@contextlib.contextmanager
def _scenario_network(lang: str) -> Iterator[ScenarioNetwork | None]:
    """Within the block, the scenario in use (if any) is the default network."""
    if active_network_key():  # already inside (a fragment drawn during the page's run)
        yield None
        return
    net = _active(lang)
    if net is None:
        yield None
        return
    with using_network(net):
        yield net


def scenario_subtitle(view: ViewState) -> str | None:
    """The briefing's subtitle naming the scenario in use (as ``layers snapshot --scenario`` writes it), or None."""
    return f"情景 Scenario: {view.scenario}" if view.scenario else None


def on_scenario(page: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``page`` with the scenario in use as the default network (for fragments, which rerun alone)."""

    @functools.wraps(page)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _scenario_network(_lang()):
            return page(*args, **kwargs)

    return run


def scenario_page(page: Callable[[], None]) -> Callable[[], None]:
    """The app's page on the scenario in use (with a note saying so), then the scenario panel below it."""

    @functools.wraps(page)
    def run() -> None:
        lang = _lang()
        top = st.container()  # always drawn, so the page's elements keep their place (and the tabs their state)
        with top:
            net = _active(lang)
            if net is not None:
                st.info(escape_markdown(t("sc_active", lang, name=net.scenario.name,
                                          year=t(f"year_{net.scenario.year}", lang))), icon="🧪")
        if net is None:
            page()
        else:
            with using_network(net):
                page()
        scenario_panel(ss.lang, Workspace())

    return run


# ------------------------------------------------------------------------------------------------ messages


def _say(kind: str, text: str) -> None:
    """Queue a one-line message for the next run (callbacks run before the panel is drawn)."""
    ss.setdefault("sc_messages", []).append((kind, text))


def _show_messages() -> None:
    for kind, text in ss.pop("sc_messages", []):
        {"error": st.error, "success": st.success, "info": st.info}[kind](escape_markdown(text))


# ------------------------------------------------------------------------------------------------- building


def _seed() -> None:
    """The panel's state on a session's first draw, kept while the panel is closed."""
    defaults = {OPEN_KEY: False, "sc_name": "", "sc_name_en": "", "sc_year": "now", "sc_changes": [],
                "sc_kind": KINDS[0], "sc_line": None, "sc_service": None, "sc_close_service": None, "sc_segment": None,
                "sc_stops": [], "sc_svc_name": "", "sc_svc_name_en": "", "sc_runs": "", "sc_tpd": "", "sc_factor": "",
                "sc_tpd2": "", "sc_new": False, "sc_new_name": "", "sc_new_lon": 114.3, "sc_new_lat": 30.6,
                "sc_new_pos": 1, "sc_saved": None, "sc_map_origin": None, "sc_before": "year:now",
                "sc_after": "year:planned"}
    for key, value in defaults.items():
        ss.setdefault(key, value)
    state.keep(*defaults)


def _draft(name: str | None = None) -> dict[str, Any]:
    """The scenario being built, as file-schema data."""
    out: dict[str, Any] = {"name": name if name is not None else (ss.sc_name.strip() or _DRAFT_NAME),
                           "year": ss.sc_year, "changes": list(ss.sc_changes)}
    if ss.sc_name_en.strip():
        out["name_en"] = ss.sc_name_en.strip()
    return out


def _checked(data: dict[str, Any]):
    """The scenario of ``data`` if the engine accepts it (parsed, then applied to the network of the sources)."""
    scenario = scenario_from_dict(data)
    apply(scenario, sources_network())
    return scenario


def _numbers(text: str, what: str, lang: str) -> list[float]:
    """Numbers typed as "40, 35" (commas, Chinese commas or spaces); one-line error naming the bad item."""
    out = []
    for item in text.replace("，", ",").replace(" ", ",").split(","):
        if not item.strip():
            continue
        try:
            out.append(finite_number(item.strip()))
        except (ValueError, OverflowError):
            raise ScenarioError(t("sc_not_number", lang, what=what, value=repr(item.strip()[:20]))) from None
    return out


def _optional(text: str, what: str, lang: str) -> float | None:
    values = _numbers(text, what, lang)
    if len(values) > 1:
        raise ScenarioError(t("sc_not_number", lang, what=what, value=repr(text.strip()[:20])))
    return values[0] if values else None


def _new_change(lang: str) -> dict[str, Any]:
    """The change described by the add-change widgets, as file-schema data (the engine checks it)."""
    kind = ss.sc_kind
    if kind == "open_line":
        return {"type": kind, "line": ss.sc_line or ""}
    if kind == "close_service":
        return {"type": kind, "service": ss.sc_close_service or ""}
    if kind == "close_segment":
        segments = _choices(ss.sc_year).segments
        if ss.sc_segment is None or ss.sc_segment >= len(segments):
            raise ScenarioError(t("sc_segment", lang) + ": –")
        row = segments.iloc[ss.sc_segment]
        return {"type": kind, "line": row["line_id"], "from": row["from_station"], "to": row["to_station"]}
    if kind == "change_service":
        change: dict[str, Any] = {"type": kind, "service": ss.sc_service or ""}
        factor = _optional(ss.sc_factor, t("sc_factor", lang), lang)
        trains = _optional(ss.sc_tpd2, t("sc_tpd", lang), lang)
        if factor is not None:
            change["run_factor"] = factor
        if trains is not None:
            change["trains_per_day"] = trains
        return change
    stops: list[Any] = list(ss.sc_stops)
    if ss.sc_new:
        point = {"name": ss.sc_new_name.strip(), "lon": float(ss.sc_new_lon), "lat": float(ss.sc_new_lat)}
        stops.insert(min(max(int(ss.sc_new_pos) - 1, 0), len(stops)), point)
    used = {c.get("id") for c in ss.sc_changes}
    sid = next(f"user_{i}" for i in range(1, len(used) + 2) if f"user_{i}" not in used)
    change = {"type": kind, "id": sid, "name_zh": ss.sc_svc_name.strip(), "stops": stops,
              "run_min": _numbers(ss.sc_runs, t("sc_runs", lang), lang)}
    if ss.sc_svc_name_en.strip():
        change["name_en"] = ss.sc_svc_name_en.strip()
    trains = _optional(ss.sc_tpd, t("sc_tpd", lang), lang)
    if trains is not None:
        change["trains_per_day"] = trains
    return change


def _add_change(lang: str) -> None:
    """Add-button callback: the change joins the draft only if the engine accepts the whole draft with it."""
    try:
        change = _new_change(lang)
        _checked({**_draft(), "changes": [*ss.sc_changes, change]})
    except (ScenarioError, GeoInputError) as err:
        _say("error", t("sc_bad", lang, error=err))
        return
    ss.sc_changes = [*ss.sc_changes, change]
    _say("success", t("sc_added", lang, what=describe(change, lang)))


def _remove_change(i: int) -> None:
    ss.sc_changes = [c for k, c in enumerate(ss.sc_changes) if k != i]


def _save(lang: str) -> None:
    if not ss.sc_name.strip():
        _say("error", t("sc_need_name", lang))
        return
    try:
        scenario = _checked(_draft(ss.sc_name.strip()))
        Workspace().save_scenario(scenario)
    except (ScenarioError, GeoInputError, UserDataError) as err:
        _say("error", t("sc_bad", lang, error=err))
        return
    ss.sc_saved = scenario.name
    _say("success", t("sc_saved", lang, name=scenario.name))


def _clear() -> None:
    ss.sc_name, ss.sc_name_en, ss.sc_changes = "", "", []


def _year_changed() -> None:
    """A new base year: changes naming what the year lacks would not apply, so the draft starts again."""
    ss.sc_changes = []


def describe(change: dict[str, Any], lang: str) -> str:
    """One line saying what a change (file-schema data) does, in ``lang`` (plain text: escape it for Markdown)."""
    kind = change["type"]
    head = t(f"sc_kind_{kind}", lang) if kind in KINDS else kind
    if kind == "open_line":
        return f"{head}: {_line_label(change['line'], lang)}"
    if kind in ("change_service", "close_service"):
        extra = []
        if change.get("run_factor") is not None:
            extra.append(f"× {change['run_factor']:g}")
        if change.get("trains_per_day") is not None:
            extra.append(f"{t('sc_tpd', lang)} {change['trains_per_day']:g}")
        return f"{head}: {_service_label(change['service'], lang)}" + (f" ({', '.join(extra)})" if extra else "")
    if kind == "close_segment":
        return f"{head}: {_line_label(change['line'], lang)} {_station_label(change['from'], lang)} – " \
               f"{_station_label(change['to'], lang)}"
    if kind == "add_service":
        stops = " – ".join(s["name"] if isinstance(s, dict) else _station_label(s, lang) for s in change["stops"])
        name = change.get("name_en") if lang == "en" and change.get("name_en") else change["name_zh"]
        runs = sum(change["run_min"])
        return f"{head}: {name} ({stops}; {runs:g} min)"
    return head


def _names(year: str) -> dict[str, dict[str, tuple[str, str]]]:
    c = _choices(year)
    return {"station": dict(zip(c.stations["station_id"], zip(c.stations["name_zh"], c.stations["name_en"],
                                                                strict=True), strict=True)),
            "service": dict(zip(c.services["service_id"], zip(c.services["name_zh"], c.services["name_en"],
                                                                strict=True), strict=True)),
            "line": dict(zip(c.lines["line_id"], zip(c.lines["name_zh"].astype(str),
                                                     c.lines["name_en"].fillna("").astype(str), strict=True),
                             strict=True))}


def _label(kind: str, key: str, lang: str) -> str:
    zh, en = _names(ss.get("sc_year", "now"))[kind].get(key, (key, ""))
    en = en if isinstance(en, str) else ""
    first, second = (en or zh, zh) if lang == "en" else (zh, en)
    return f"{first} · {second}" if second and second != first else first


def _station_label(sid: str, lang: str) -> str:
    return _label("station", sid, lang)


def _service_label(sid: str, lang: str) -> str:
    return _label("service", sid, lang)


def _line_label(lid: str, lang: str) -> str:
    return _label("line", lid, lang)


def _fit(name: str, options: list, *, many: bool = False) -> None:
    """Keep ``ss[name]`` among ``options`` (they change with the base year)."""
    if many:
        ss[name] = [v for v in ss[name] if v in options]
    elif ss[name] not in options:
        ss[name] = options[0] if options else None


def _build_tab(lang: str) -> None:
    c = _choices(ss.sc_year)
    left, right = st.columns(2)
    with left:
        st.text_input(t("sc_name", lang), key="sc_name", max_chars=60)
        st.text_input(t("sc_name_en", lang), key="sc_name_en", max_chars=60)
        state.language_widget(st.selectbox, "sc_year", lang, t("sc_year", lang), list(YEARS),
                              lambda y: t(f"year_{y}", lang), then=_year_changed)
        st.markdown(f"**{t('sc_changes', lang)}**")
        if not ss.sc_changes:
            st.caption(t("sc_no_changes", lang))
        for i, change in enumerate(ss.sc_changes):
            row = st.columns([6, 1])
            row[0].markdown(escape_markdown(f"{i + 1}. {describe(change, lang)}"))
            row[1].button(t("sc_remove", lang), key=f"sc_del_{i}", on_click=_remove_change, args=(i,))
        b1, b2 = st.columns(2)
        b1.button(t("sc_save", lang), key="sc_save", type="primary", on_click=_save, args=(lang,))
        b2.button(t("sc_new", lang), key="sc_clear", on_click=_clear)
    with right:
        state.language_widget(st.radio, "sc_kind", lang, t("sc_add_kind", lang), list(KINDS),
                              lambda k: t(f"sc_kind_{k}", lang))
        kind = ss.sc_kind
        if kind == "open_line":
            lines = c.lines[c.lines["openable"] > 0]
            options = lines["line_id"].tolist()
            counts = dict(zip(lines["line_id"], lines["openable"], strict=True))
            _fit("sc_line", options)
            if not options:
                st.caption(t("sc_no_lines", lang))
            state.language_widget(st.selectbox, "sc_line", lang, t("sc_line", lang), options,
                                  lambda lid: f"{_line_label(lid, lang)} "
                                              f"({t('sc_line_segments', lang, n=counts[lid])})")
        elif kind in ("change_service", "close_service"):
            name = "sc_service" if kind == "change_service" else "sc_close_service"
            options = c.services["service_id"].tolist()
            _fit(name, options)
            state.language_widget(st.selectbox, name, lang, t("sc_service", lang), options,
                                  lambda sid: _service_label(sid, lang))
            if kind == "change_service":
                st.text_input(t("sc_factor", lang), key="sc_factor")
                st.text_input(t("sc_tpd", lang), key="sc_tpd2")
        elif kind == "close_segment":
            options = list(range(len(c.segments)))
            _fit("sc_segment", options)
            seg = c.segments
            state.language_widget(st.selectbox, "sc_segment", lang, t("sc_segment", lang), options,
                                  lambda i: f"{_line_label(seg['line_id'].iloc[i], lang)}: "
                                            f"{_station_label(seg['from_station'].iloc[i], lang)} – "
                                            f"{_station_label(seg['to_station'].iloc[i], lang)}")
        else:
            _service_inputs(c, lang)
        st.button(t("sc_add", lang), key="sc_add", on_click=_add_change, args=(lang,))


def _service_inputs(c: ScenarioChoices, lang: str) -> None:
    st.text_input(t("sc_svc_name", lang), key="sc_svc_name", max_chars=60)
    st.text_input(t("sc_svc_name_en", lang), key="sc_svc_name_en", max_chars=60)
    options = c.stations["station_id"].tolist()
    _fit("sc_stops", options, many=True)
    state.language_widget(st.multiselect, "sc_stops", lang, t("sc_stops", lang), options,
                          lambda sid: _station_label(sid, lang))
    st.checkbox(t("sc_new_point", lang), key="sc_new")
    if ss.sc_new:
        st.text_input(t("sc_new_name", lang), key="sc_new_name", max_chars=60)
        a, b = st.columns(2)
        a.number_input(t("sc_new_lon", lang), min_value=105.0, max_value=122.0, step=0.01, format="%.4f",
                       key="sc_new_lon")
        b.number_input(t("sc_new_lat", lang), min_value=24.0, max_value=34.5, step=0.01, format="%.4f",
                       key="sc_new_lat")
        positions = list(range(1, len(ss.sc_stops) + 2))
        if ss.sc_new_pos not in positions:
            ss.sc_new_pos = positions[-1]
        state.language_widget(st.selectbox, "sc_new_pos", lang, t("sc_new_pos", lang), positions,
                              lambda k: t("sc_new_pos_item", lang, k=k))
        _pick_map(lang)
    st.text_input(t("sc_runs", lang), key="sc_runs", help=t("sc_runs_help", lang))
    st.text_input(t("sc_tpd", lang), key="sc_tpd")


def _pick_map(lang: str) -> None:
    """A small map whose last click (WGS-84 on the offline basemap) becomes the new point's lon/lat."""
    with st.expander(t("sc_pick_map", lang)):
        m = fm.base_map("offline", (float(ss.sc_new_lon), float(ss.sc_new_lat)), 7, sync_view=False)
        folium.CircleMarker(fm.latlon(float(ss.sc_new_lon), float(ss.sc_new_lat)), radius=7, color="#e6550d",
                            fill=True, fill_opacity=0.9).add_to(m)
        from streamlit_folium import st_folium  # not at import: see app.serve (the component must load late)

        got = st_folium(m, key="sc_pick", height=300, use_container_width=True, returned_objects=["last_clicked"])
        click = (got or {}).get("last_clicked")
        if isinstance(click, dict) and {"lat", "lng"} <= click.keys() and ss.get("sc_last_click") != click:
            ss.sc_last_click = click
            lon, lat = float(click["lng"]), float(click["lat"])
            if 105.0 <= lon <= 122.0 and 24.0 <= lat <= 34.5:
                ss.sc_new_lon, ss.sc_new_lat = round(lon, 4), round(lat, 4)
                st.rerun()
        st.caption(t("sc_picked", lang, lon=float(ss.sc_new_lon), lat=float(ss.sc_new_lat)))


# ---------------------------------------------------------------------------------------------- saved ones


def _open(name: str, lang: str) -> None:
    scenario = Workspace().scenarios().get(name)
    if scenario is None:
        _say("error", t("sc_missing", lang, name=name))
        return
    data = scenario_to_dict(scenario)
    ss.sc_name, ss.sc_name_en = scenario.name, scenario.name_en
    ss.sc_year = scenario.year if scenario.year in YEARS else "now"
    ss.sc_changes = data["changes"]
    _say("success", t("sc_opened", lang, name=name))


def _use(name: str | None) -> None:
    ss.scenario = name or ""


def _delete(name: str, lang: str) -> None:
    try:
        Workspace().remove_scenario(name)
    except UserDataError as err:
        _say("error", str(err))
        return
    if ss.get("scenario") == name:
        ss.scenario = ""
    ss.sc_saved = None
    _say("success", t("sc_deleted", lang, name=name))


def _saved_tab(lang: str, saved: dict) -> None:
    if not saved:
        st.caption(t("sc_none_saved", lang))
    else:
        names = list(saved)
        _fit("sc_saved", names)
        state.language_widget(st.selectbox, "sc_saved", lang, t("sc_pick_saved", lang), names,
                              lambda n: t("sc_saved_item", lang, name=n, year=t(f"year_{saved[n].year}", lang)
                                          if saved[n].year in YEARS else saved[n].year, n=len(saved[n].changes)))
        chosen = ss.sc_saved
        if saved[chosen].description:
            st.caption(escape_markdown(saved[chosen].description))
        a, b, c = st.columns(3)
        a.button(t("sc_edit", lang), key="sc_open", on_click=_open, args=(chosen, lang))
        b.button(t("sc_use", lang), key="sc_use", on_click=_use, args=(chosen,), type="primary")
        c.button(t("sc_delete", lang), key="sc_delete", on_click=_delete, args=(chosen, lang))
    if ss.get("scenario"):
        st.button(t("sc_stop", lang), key="sc_stop", on_click=_use, args=(None,))


# ------------------------------------------------------------------------------------------------ compare


def _side_label(token: str, lang: str) -> str:
    kind, _, value = token.partition(":")
    return t(f"year_{value}", lang) if kind == "year" else t("sc_side_scenario", lang, name=value)


def _run_compare(lang: str) -> None:
    """Compare-button callback: the comparison of the two chosen sides for the view's origins and thresholds."""
    view = state.current_view()
    if ss.sc_before == ss.sc_after:
        _say("error", t("sc_same", lang))
        return
    if not view.origins:
        _say("error", t("sc_compare_need_origin", lang))
        return
    saved = Workspace().scenarios()
    sides = []
    for token in (ss.sc_before, ss.sc_after):
        kind, _, value = token.partition(":")
        if kind == "scenario" and value not in saved:
            _say("error", t("sc_missing", lang, name=value))
            return
        sides.append(value if kind == "year" else saved[value])
    try:
        # The shaded bands are drawn per chosen origin (:func:`_origin_bands`), so none are made here.
        result = compare(*sides, origins=view.origins, thresholds=view.minutes, model=view.road_model(),
                         network=sources_network(), bands=False)
    except (ScenarioError, GeoInputError) as err:
        _say("error", t("sc_bad", lang, error=err))
        return
    ss.sc_result = (ss.sc_before, ss.sc_after, result)
    ss.sc_bands, ss.sc_bands_model = {}, view.road_model()


def _origin_bands(result: Comparison, origin: str) -> gpd.GeoDataFrame | None:
    """The difference of the two travel-time surfaces from ``origin`` in bands (EPSG:4326), made once per origin
    of the comparison on screen; None where the surface cannot be made (the dots still show the cities)."""
    cache = ss.setdefault("sc_bands", {})
    if origin not in cache:
        try:
            cache[origin] = compare(result.before, result.after, origins=[origin], thresholds=result.thresholds,
                                    model=ss.get("sc_bands_model"), bands=True).bands
        except (GeoInputError, ValueError) as err:  # a surface the grid cannot hold: say so, keep the dots
            _say("info", str(err))
            cache[origin] = None
    return cache[origin]


def _compare_tab(lang: str, saved: dict) -> None:
    options = [f"year:{y}" for y in YEARS] + [f"scenario:{n}" for n in saved]
    _fit("sc_before", options)
    _fit("sc_after", options)
    a, b = st.columns(2)
    with a:
        state.language_widget(st.selectbox, "sc_before", lang, t("sc_before", lang), options,
                              lambda k: _side_label(k, lang))
    with b:
        state.language_widget(st.selectbox, "sc_after", lang, t("sc_after", lang), options,
                              lambda k: _side_label(k, lang))
    st.button(t("sc_compare", lang), key="sc_compare", type="primary", on_click=_run_compare, args=(lang,))
    if ss.get("sc_result"):
        before, after, result = ss.sc_result
        show_comparison(result, _side_label(before, lang), _side_label(after, lang), lang)


def _city(name: str, lang: str) -> str:
    return english_names().get(name, name) if lang == "en" else name


def _cities(text: str, lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    return sep.join(_city(c, lang) for c in text.split("、") if c)


def reach_table(result: Comparison, lang: str) -> pd.DataFrame:
    """Per origin and threshold: cities and population within it before and after, translated headers."""
    r = result.reach
    return pd.DataFrame({
        t("cmp_origin", lang): [_city(o, lang) for o in r["origin"]],
        t("cmp_minutes", lang): r["minutes"].astype(int),
        t("cmp_cities_before", lang): r["cities_before"], t("cmp_cities_after", lang): r["cities_after"],
        t("cmp_new_cities", lang): [_cities(c, lang) for c in r["new_cities"]],
        t("cmp_lost_cities", lang): [_cities(c, lang) for c in r["lost_cities"]],
        t("cmp_population_before", lang): [fmt_number(v, lang) for v in r["population_before"]],
        t("cmp_population_after", lang): [fmt_number(v, lang) for v in r["population_after"]],
        t("cmp_population_gain", lang): [fmt_number(v, lang) for v in r["population_gain"]],
    })


def targets_table(result: Comparison, lang: str) -> pd.DataFrame:
    """The plan-target verdicts that change, translated."""
    r = result.targets
    return pd.DataFrame({
        t("cmp_target", lang): [t(f"cmp_target_{x}", lang) for x in r["target"]],
        t("cmp_limit_min", lang): r["limit_min"],
        t("cmp_basis", lang): [t(f"sc_basis_{x}", lang) for x in r["basis"]],
        t("cmp_place_a", lang): [_city(x, lang) for x in r["place_a"]],
        t("cmp_place_b", lang): [_city(x, lang) for x in r["place_b"]],
        t("cmp_before_min", lang): r["before_min"].round(0), t("cmp_after_min", lang): r["after_min"].round(0),
        t("cmp_change", lang): [t(f"cmp_change_{x}", lang) for x in r["change"]],
    })


def saved_from(result: Comparison, origin: str) -> pd.DataFrame:
    """Per member city: minutes from ``origin`` before and after, minutes saved (negative: lost) and its band;
    lon/lat WGS-84 of the city seat."""
    pts = result.points[(result.points["origin"] == origin) & result.points["member"]]
    return pd.DataFrame({"city": pts["city"].to_numpy(), "before_min": pts["before_min"].to_numpy(float),
                         "after_min": pts["after_min"].to_numpy(float), "saved_min": pts["saved_min"].to_numpy(float),
                         "band": pts["band"].to_numpy(), "lon": pts.geometry.x.to_numpy(),
                         "lat": pts.geometry.y.to_numpy()})


class _Legend(MacroElement):
    """A legend control in the map's bottom-right corner (markup escaped by the caller)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var c = L.control({position: 'topright'});
          c.onAdd = function () {
            var d = L.DomUtil.create('div', 'mye-legend mye-diff-legend');
            d.innerHTML = {{ this.markup|tojson }};
            return d;
          };
          c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "MyeDiffLegend"
        self.markup = markup


def _band_class(band: str) -> str:
    """The CSS class suffix of a band: ``saved``, ``lost`` or ``none`` (the browser test counts them)."""
    return "none" if not band else ("lost" if band == "lost" else "saved")


def difference_map(result: Comparison, origin: str, title: str, lang: str,
                   bands: gpd.GeoDataFrame | None = None) -> folium.Map:
    """Minutes saved from ``origin``: ``bands`` (the surfaces' difference, EPSG:4326) shaded and each member
    city's seat as a dot coloured by its band, with a bilingual legend. WGS-84 on the offline basemap."""
    m = fm.base_map("offline", (114.3, 29.6), 6, sync_view=False)
    if bands is not None:
        bands = bands[~bands.geometry.is_empty]
        for band, geometry in zip(bands["band"], bands.geometry, strict=True):
            colour = BAND_COLOURS.get(str(band), "#bdbdbd")
            folium.GeoJson(geometry.__geo_interface__, style_function=lambda _, c=colour: {
                "color": c, "weight": 0.5, "fillColor": c, "fillOpacity": 0.4}, tooltip=html.escape(
                    band_label(str(band), lang))).add_to(m)
    rows = saved_from(result, origin)
    m.fit_bounds([fm.latlon(rows["lon"].min(), rows["lat"].min()), fm.latlon(rows["lon"].max(), rows["lat"].max())],
                 padding=(20, 20))
    home = resolve_origin(origin, network=result.before.network)
    folium.CircleMarker(fm.latlon(home.lon, home.lat), radius=11, color="#000000", weight=3, fill=False,
                        tooltip=html.escape(_city(origin, lang)), className="mye-diff-origin").add_to(m)
    for row in rows.itertuples():
        saved = "–" if not math.isfinite(row.saved_min) else f"{row.saved_min:+.0f}"
        tip = html.escape(f"{_city(row.city, lang)}: {saved} min ({band_label(row.band, lang)})")
        folium.CircleMarker(fm.latlon(row.lon, row.lat), radius=8, color="#333333", weight=1, fill=True,
                            fill_color=BAND_COLOURS.get(row.band, "#bdbdbd"), fill_opacity=0.95, tooltip=tip,
                            className=f"mye-diff mye-diff-{_band_class(row.band)}").add_to(m)
    rows = "".join(f"<div class='mye-row'><span class='mye-sw' style='display:inline-block;width:12px;height:12px;"
                   f"margin-right:6px;background:{BAND_COLOURS[b]}'></span><span>{html.escape(band_label(b, lang))}"
                   f"</span></div>" for b in BAND_ORDER)
    legend = t("sc_diff_legend", lang, origin=_city(origin, lang))
    _Legend(f"<h4>{html.escape(title)}</h4><div class='mye-ltitle'>{html.escape(legend)}</div>"
            f"{rows}").add_to(m)
    return m


def _download(result: Comparison, fmt: str) -> Download:
    tables = {name: frame.replace([math.inf, -math.inf], float("nan")) for name, frame in result.tables().items()}
    return export_tables(tables, fmt, stem="comparison")


def show_comparison(result: Comparison, before: str, after: str, lang: str) -> None:
    """The comparison: caption, difference map, gains tables side by side, downloads."""
    minutes = ", ".join(f"{m / 60:g} h" for m in result.thresholds)
    st.caption(escape_markdown(t("sc_compare_caption", lang, after=after, before=before, minutes=minutes,
                                 origins=", ".join(_city(o, lang) for o in result.origins))))
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('sc_diff_map', lang)}**")
        _fit("sc_map_origin", list(result.origins))
        state.language_widget(st.radio, "sc_map_origin", lang, t("sc_map_origin", lang), list(result.origins),
                              lambda o: _city(o, lang), horizontal=True)
        origin = ss.sc_map_origin
        bands = _origin_bands(result, origin)
        from streamlit_folium import st_folium  # not at import: see app.serve

        st_folium(difference_map(result, origin, f"{after} − {before}", lang, bands),
                  key=widget_key("sc_diffmap", lang), height=DIFF_MAP_HEIGHT, use_container_width=True,
                  returned_objects=[])
        shaded = bands is not None and not bands.geometry.is_empty.all()
        st.caption(t("sc_diff_bands", lang, km=f"{DEFAULT_RESOLUTION_KM:g}") if shaded else
                   t("sc_diff_points", lang))
    with right:
        st.markdown(f"**{t('sc_gains_pairs', lang, origin=_city(origin, lang))}**")
        near = saved_from(result, origin).sort_values("saved_min", ascending=False, kind="stable")
        st.dataframe(pd.DataFrame({
            t("cmp_city", lang): [_city(c, lang) for c in near["city"]],
            t("cmp_before_min", lang): near["before_min"].round(0),
            t("cmp_after_min", lang): near["after_min"].round(0),
            t("cmp_saved_min", lang): near["saved_min"].round(0)}), hide_index=True, width="stretch",
            height=DIFF_MAP_HEIGHT)
    st.markdown(f"**{t('sc_gains_targets', lang)}**")
    targets = targets_table(result, lang)
    if targets.empty:
        st.caption(t("sc_no_target_change", lang))
    else:
        st.dataframe(targets, hide_index=True, width="stretch", key="sc_targets_table")
    st.markdown(f"**{t('sc_gains_reach', lang)}**")
    st.dataframe(reach_table(result, lang), hide_index=True, width="stretch", key="sc_reach_table")
    for note in result.notes:
        st.caption(escape_markdown(note))
    a, b = st.columns(2)
    for column, fmt in ((a, "csv"), (b, "xlsx")):
        download = _download(result, fmt)
        column.download_button(f"{t('sc_download', lang)} ({fmt.upper()})", download.data,
                               file_name=download.filename, mime=download.mime, key=f"sc_dl_{fmt}")
    from render.briefing import FORMATS  # matplotlib loads only once a comparison is shown
    from render.comparison_sheet import sheet_filename

    c, d = st.columns(2)
    for column, fmt in ((c, "pdf"), (d, "png")):
        # The sheet (difference bands for all origins, then the drawing) is made only when clicked.
        make = sheet_maker(result, fmt, lang, ss.get("sc_bands_model"))
        column.download_button(f"{t('sc_download_sheet', lang)} ({fmt.upper()})", make, file_name=sheet_filename(fmt),
                               mime=FORMATS[fmt], key=f"sc_sheet_{fmt}", on_click="ignore")


def sheet_maker(result: Comparison, fmt: str, lang: str, model: RoadModel | None) -> Callable[[], bytes]:
    """The before/after sheet of ``result`` (A4 landscape, ``lang``; ``model`` the comparison's road model) as a
    callable for a deferred download: it recomputes the comparison with the difference bands of all its origins
    (the sides' travel times are cached on their networks). No session state is read inside: it runs on a
    thread of its own."""
    from render.comparison_sheet import sheet_download


    def make() -> bytes:
        shaded = compare(result.before, result.after, origins=list(result.origins), thresholds=result.thresholds,
                         model=model, bands=True)
        return sheet_download(shaded, fmt, model=model, lang=lang, dpi=200).data

    return make


# ---------------------------------------------------------------------------------------------------- panel


def scenario_panel(lang: str, workspace: Workspace) -> None:
    """The panel below the page, a section opened on request: build, saved scenarios, compare."""
    _seed()
    # Drawn only while open: closed, its thirty-odd elements stay off the page's first render (the draft is kept).
    panel = st.expander(t("sc_title", lang), key=OPEN_KEY, on_change="rerun")
    if not panel.open:
        return
    with panel:
        st.caption(t("sc_intro", lang))
        with st.container():  # always drawn, with or without messages, so the tabs below keep the one opened
            _show_messages()
        saved = workspace.scenarios()
        build, kept, versus = st.tabs([t("sc_tab_build", lang), t("sc_tab_saved", lang),
                                       t("sc_tab_compare", lang)], key=widget_key("sc_tabs", lang))
        with build:
            _build_tab(lang)
        with kept:
            _saved_tab(lang, saved)
        with versus:
            _compare_tab(lang, saved)
