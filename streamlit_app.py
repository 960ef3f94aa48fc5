"""Middle Yangtze Explorer: the interactive map (Streamlit + Folium), offline-first, Chinese first.

Thin by design: this script reads widget and URL state, asks :mod:`layers` and
:mod:`geo` for results and renders them. Map rendering lives in
:mod:`layers.folium_map`, UI strings in :mod:`layers.i18n`, URL state in
:mod:`layers.view`.

    streamlit run streamlit_app.py
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import layers
from data import load_cities
from layers import folium_map as fm
from layers import offline_assets
from layers.circles import english_names, road_assumptions
from layers.i18n import LANG_NAMES, escape_markdown, fmt_minutes, fmt_number, t, widget_key
from layers.spec import GROUP_TITLES, LayerSpec
from layers.userdata import Workspace
from layers.view import BASEMAPS, DEFAULT_LAYERS, MODES, ROAD_FIELDS, YEARS, ViewState, parse_view
from streamlit_userdata import sidebar as userdata_sidebar

st.set_page_config(page_title="长江中游城市群 · Middle Yangtze Explorer", page_icon="🗺️", layout="wide")

MAP_HEIGHT = 620  # CSS px
FLY_ZOOM = 10


# ------------------------------------------------------------------------------------------- cached data


@st.cache_resource
def _install_assets() -> int:
    """Copy Leaflet and plugin files into static/vendor once per server process."""
    return len(offline_assets.ensure_assets())


@st.cache_data
def _cities() -> pd.DataFrame:
    """Member cities: name_zh, name_en, role, lon, lat (WGS-84)."""
    gdf = load_cities()
    return pd.DataFrame({"name_zh": gdf["name_zh"], "name_en": gdf["name_en"], "role": gdf["role"],
                         "lon": gdf.geometry.x, "lat": gdf.geometry.y})


@st.cache_data(show_spinner=False)
def _tables(year: str, model_items: tuple[tuple[str, float], ...]) -> dict[str, pd.DataFrame]:
    """Plan-target verdicts and door/rail matrices (minutes) for a network year and access model."""
    from geo.network import RoadModel
    from geo.traveltime import plan_targets, travel_time_matrix
    from layers.scenario import engine_year

    kw = {"year": engine_year(year), "model": RoadModel(**dict(model_items))}
    targets = plan_targets(**kw)
    return {"core_commute": targets.core_commute, "member_pairs": targets.member_pairs,
            "neighbour_cores": targets.neighbour_cores,
            "door": travel_time_matrix(kind="door", **kw), "rail": travel_time_matrix(kind="rail", **kw)}


# ---------------------------------------------------------------------------------------------- URL state

# Built-in layers plus the planner's own (read from the workspace on every run, so imports show at once).
SPECS: tuple[LayerSpec, ...] = layers.all_specs()
KNOWN_LAYERS = tuple(s.id for s in SPECS)
WORKSPACE = Workspace()
ss = st.session_state


def _init_state(cities: pd.DataFrame) -> None:
    """First run of a session: seed every widget from the URL (unknown values dropped with a notice)."""
    if ss.get("_init"):
        return
    view = parse_view(st.query_params.to_dict(), known_layers=KNOWN_LAYERS,
                      known_origins=tuple(cities["name_zh"]))
    ss.notices = list(view.notices)
    if view.basemap == "tianditu" and "tianditu" not in fm.basemaps():
        ss.notices.append(t("tianditu_no_key", view.lang))
        view = view.with_(basemap="offline")
    ss.lang, ss.basemap, ss.mode, ss.year = view.lang, view.basemap, view.mode, view.year
    for spec in SPECS:
        ss[f"layer_{spec.id}"] = spec.id in view.layers
    ss.origins = list(view.origins)
    ss.thresholds = ", ".join(f"{m / 60:g}" for m in view.minutes)
    for key, value in zip(ROAD_FIELDS, view.road, strict=True):
        ss[key] = value
    ss.map_origin = (view.basemap, view.center, view.zoom)
    ss.fly = ss.search = None
    ss._init = True


def _current_view() -> tuple[tuple[float, float], int]:
    """The map's centre (lon, lat) and zoom as the browser last wrote them into the URL."""
    view = parse_view({k: v for k, v in st.query_params.to_dict().items() if k in ("lon", "lat", "zoom")},
                      known_layers=KNOWN_LAYERS)
    return view.center, view.zoom


def _parse_hours(text: str) -> tuple[tuple[int, ...], list[str]]:
    """Thresholds typed in hours ("1, 2, 3" or "1.5") as whole minutes; unreadable or out-of-range items apart."""
    good, bad = set(), []
    for item in text.replace("，", ",").replace(" ", ",").split(","):
        if not item.strip():
            continue
        try:
            minutes = round(float(item) * 60)
        except ValueError:
            bad.append(item.strip())
            continue
        if 0 < minutes <= 24 * 60:
            good.add(minutes)
        else:
            bad.append(item.strip())
    return tuple(sorted(good)), bad


# ----------------------------------------------------------------------------------------------- sidebar


def _sidebar(cities: pd.DataFrame, lang: str) -> None:
    """All controls, drawn after the map (their values are already in session state when the script starts)."""
    sb = st.sidebar
    sb.radio(t("language", lang), list(LANG_NAMES), format_func=LANG_NAMES.get, key="lang", horizontal=True)
    names = {r.name_zh: (r.name_zh if lang == "zh" else r.name_en) + (f" · {r.name_en}" if lang == "zh"
                                                                       else f" · {r.name_zh}")
             for r in cities.itertuples()}
    _language_widget(sb.selectbox, "search", lang, t("search", lang), list(names), names.get,
                placeholder=t("search_placeholder", lang), then=lambda: _fly(cities))
    available = fm.basemaps()
    _language_widget(sb.selectbox, "basemap", lang, t("basemap", lang), [b for b in BASEMAPS if b in available],
                lambda b: t(f"basemap_{b}", lang))
    if ss.basemap == "gaode":
        sb.caption(t("basemap_gcj_note", lang))
    elif ss.basemap != "offline":
        sb.caption(t("basemap_online_note", lang))

    sb.subheader(t("layers", lang))
    for group, specs in layers.by_group(SPECS).items():
        with sb.expander(GROUP_TITLES[group][0 if lang == "zh" else 1],
                         expanded=any(s.id in DEFAULT_LAYERS for s in specs)):
            for spec in specs:
                st.checkbox(spec.title(lang), key=f"layer_{spec.id}")
    userdata_sidebar(
        sb, lang, WORKSPACE, open_view=_open_view, changed=_user_layers_changed,
        current_query=lambda: parse_view(st.query_params.to_dict(), known_layers=KNOWN_LAYERS).to_query())

    with sb.expander(t("circles", lang), expanded=True):
        _language_widget(st.multiselect, "origins", lang, t("origins", lang), list(names), names.get)
        st.text_input(t("thresholds", lang), key="thresholds", help=t("thresholds_help", lang))
        _language_widget(st.radio, "mode", lang, t("mode", lang), MODES, lambda m: t(f"mode_{m}", lang))
        _language_widget(st.selectbox, "year", lang, t("year", lang), YEARS, lambda y: t(f"year_{y}", lang))
        with st.popover(t("assumptions", lang), width="stretch"):
            for key, (_, lo, hi, step) in ROAD_FIELDS.items():
                st.number_input(t(key, lang), min_value=lo, max_value=hi, step=step, key=key)


def _input_warnings(lang: str) -> list[str]:
    """Notices about typed input (threshold items that could not be read)."""
    _, bad = _parse_hours(ss.thresholds)
    return [t("thresholds_bad", lang, bad=", ".join(bad))] if bad else []


def _open_view(query: str) -> None:
    """Show a saved view: put it in the URL and seed every widget from it again on the next run."""
    st.query_params.from_dict(parse_view(query, known_layers=KNOWN_LAYERS).to_params())
    ss._init = False


def _user_layers_changed() -> None:
    """User layers keep their ids when replaced or removed, so cached frames and map payloads must go."""
    from layers import briefing

    fm.clear_caches()
    briefing.clear_caches()


def _language_widget(widget, name: str, lang: str, label: str, options: list, fmt, *, then=None, **kwargs) -> None:
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


def _fly(cities: pd.DataFrame) -> None:
    """Selectbox callback: centre the map on the chosen city."""
    hit = cities[cities["name_zh"] == ss.search]
    ss.fly = None if hit.empty else (float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0]))


# --------------------------------------------------------------------------------------------------- view


def _view(lang: str, center: tuple[float, float], zoom: int) -> ViewState:
    minutes, _ = _parse_hours(ss.thresholds)
    return ViewState(layers=tuple(s.id for s in SPECS if ss.get(f"layer_{s.id}", False)), origins=tuple(ss.origins),
                     minutes=minutes or ViewState().minutes, mode=ss.mode, year=ss.year, basemap=ss.basemap,
                     lang=lang, center=center, zoom=zoom, road=tuple(float(ss[k]) for k in ROAD_FIELDS))


def _sync_url(view: ViewState) -> None:
    """Write the view into the query string (only when it changed, so no extra reruns)."""
    params = view.to_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def _circle_candidates(view: ViewState) -> dict[str, Any]:
    """Every parameter a circle layer may take, from the view (its road assumptions included)."""
    return {"origins": view.origins, "minutes": view.minutes, "mode": view.mode, "year": view.year,
            "model": view.road_model()}


def _visible(view: ViewState) -> list[tuple[LayerSpec, dict[str, Any]]]:
    """Visible specs with their build parameters (circle layers are left out while no origin is chosen)."""
    candidates = _circle_candidates(view)
    out = []
    for spec in SPECS:
        if spec.id not in view.layers:
            continue
        params = spec.params_from(candidates)
        if spec.parameters and not view.origins:
            continue
        out.append((spec, params))
    return out


# ---------------------------------------------------------------------------------------------------- map


def _map(visible: list[tuple[LayerSpec, dict[str, Any]]], lang: str, zoom: int) -> None:
    """The map: the base map mounted once per basemap, overlays swapped in place (the view is kept)."""
    _basemap, origin_center, origin_zoom = ss.map_origin
    m = fm.base_map(ss.basemap, origin_center, origin_zoom)
    groups, errors = fm.overlay_groups(visible, lang=lang, datum=fm.datum_for(ss.basemap),
                                       tolerance=fm.detail_tolerance(zoom), highlight=ss.fly)
    fly = ss.fly
    if fly is not None and fm.datum_for(ss.basemap) == "gcj02":
        fly = (fly[0] + fm.GCJ_DELTA[0], fly[1] + fm.GCJ_DELTA[1])
    st_folium(m, key="map", height=MAP_HEIGHT, use_container_width=True, returned_objects=[],
              feature_group_to_add=groups, center=fm.latlon(*fly) if fly else None,
              zoom=FLY_ZOOM if fly else None)
    for layer_id, error in errors:
        st.warning(escape_markdown(t("layer_error", lang, layer=layers.get(layer_id).title(lang), error=error)))
    st.caption(t("share_help", lang))


# ------------------------------------------------------------------------------------------------- panels


def _circle_panel(visible: list[tuple[LayerSpec, dict[str, Any]]], lang: str) -> None:
    """Beside the map: each circle's area, the cities it reaches (with times) and the population reached."""
    st.subheader(t("circle_summary", lang))
    circle_layers = [(s, p) for s, p in visible if s.parameters]
    if not circle_layers:
        st.info(t("circles_off", lang))
        return
    for spec, params in circle_layers:
        try:
            gdf = fm.layer_frame(spec, params)
        except Exception as err:  # the engine reports bad input as exceptions with a readable message
            st.warning(escape_markdown(t("layer_error", lang, layer=spec.title(lang), error=err)))
            continue
        table = _circle_table(gdf, lang)
        st.dataframe(table, hide_index=True, width="stretch")
        if "model" in params and params.get("mode") != "nominal":
            st.caption(road_assumptions(params["model"], lang))
        st.download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{spec.id}.csv", mime="text/csv", key=f"dl_{spec.id}")


def _circle_table(gdf: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per circle with translated headers; cities as "name (time)" in reach order."""
    en = english_names()
    rows = []
    for _, r in gdf.sort_values(["origin", "minutes"], kind="stable").iterrows():
        reached = r.get("cities_reached")
        if isinstance(reached, str) and reached.startswith("["):
            items = json.loads(reached)
            cities = "、".join(f"{c['name_zh'] if lang == 'zh' else en.get(c['name_zh'], c['name_zh'])} "
                              f"({fmt_minutes(c.get('door_min'), lang)})" for c in items)
        else:
            cities = str(r.get("cities_within", reached) or "")
        origin = str(r.get("origin", ""))
        rows.append({
            t("col_origin", lang): origin if lang == "zh" else en.get(origin, origin),
            t("col_minutes", lang): int(r["minutes"]),
            t("col_area_km2", lang): round(float(r["area_km2"])),
            t("col_n_cities", lang): r.get("n_cities_reached", len(cities.split("、")) if cities else 0),
            t("col_population", lang): fmt_number(r.get("population_reached"), lang),
            t("col_cities", lang): cities or t("no_cities", lang),
        })
    return pd.DataFrame(rows)


_TABLE_COLUMNS = ("core", "city", "city_a", "city_b", "neighbour", "door_min", "door_ok", "rail_min", "rail_ok")


def _translated(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    en = english_names()
    out = df.copy()
    for col in ("core", "city", "city_a", "city_b", "neighbour"):
        if col in out and lang == "en":
            out[col] = out[col].map(lambda n: en.get(n, n))
    for col in ("door_min", "rail_min"):
        if col in out:
            out[col] = out[col].round(0)
    return out.rename(columns={c: t(f"col_{c}", lang) for c in _TABLE_COLUMNS if c in out})


def _tables_panel(view: ViewState, lang: str) -> None:
    """Plan-target verdicts and the travel-time matrix: sortable tables, each downloadable as CSV."""
    st.subheader(t("tables", lang))
    try:
        tables = _tables(view.year, tuple(zip(ROAD_FIELDS, view.road, strict=True)))
    except Exception as err:  # missing rail data must leave the map usable
        st.warning(escape_markdown(t("circles_unavailable", lang) + f" ({err})"))
        return
    verdicts = {}
    for name in ("core_commute", "member_pairs", "neighbour_cores"):
        df = tables[name]
        ok = df["door_ok" if "door_ok" in df else "rail_ok"]
        verdicts[name] = f"{t(f'target_{name}', lang)} · {t('targets_met', lang, ok=int(ok.sum()), n=len(df))}"
    # One table at a time: each grid costs the browser time, and the map must draw first.
    choice = st.radio(t("tables", lang), [*verdicts, "matrix"], key="table_choice", horizontal=True,
                      label_visibility="collapsed", format_func=lambda k: verdicts.get(k) or t("matrix", lang))
    if choice == "matrix":
        kind = st.radio(t("matrix_kind", lang), ("door", "rail"), format_func=lambda k: t(f"matrix_{k}", lang),
                        horizontal=True, key="matrix_kind")
        shown = tables[kind].round(0)
        if lang == "en":
            en = english_names()
            shown = shown.rename(index=lambda n: en.get(n, n), columns=lambda n: en.get(n, n))
        st.dataframe(shown, width="stretch", height=380)
        csv, name = shown.to_csv(), f"matrix_{kind}_{view.year}.csv"
    else:
        shown = _translated(tables[choice], lang)
        st.dataframe(shown, hide_index=True, width="stretch", height=300)
        csv, name = shown.to_csv(index=False), f"targets_{choice}_{view.year}.csv"
    st.download_button(t("download_csv", lang), csv.encode("utf-8-sig"), file_name=name, mime="text/csv",
                       key="dl_table")


@st.fragment
def _export_panel(view: ViewState, visible: list[tuple[LayerSpec, dict[str, Any]]], lang: str) -> None:
    """导出 / Export: briefing maps, the interactive map as HTML and the data files, built on request."""
    from layers import briefing, export_data, html_export

    with st.expander(f"{t('export', lang)} / Export", expanded=False):
        c1, c2, c3 = st.columns(3)
        with c1:
            fmt = st.selectbox("PNG / PDF / SVG", ("png", "pdf", "svg"), key="brief_fmt")
            paper = st.radio(t("brief_paper", lang), ("a4", "a3"), format_func=str.upper, horizontal=True,
                             key="brief_paper")
            orientation = st.radio(t("brief_orientation", lang), ("landscape", "portrait"), horizontal=True,
                                   format_func=lambda o: t(f"brief_{o}", lang), key=widget_key("brief_orient", lang))
            dpi = st.radio(t("brief_dpi", lang), (150, 300), index=1, horizontal=True, key="brief_dpi",
                           disabled=fmt != "png")
            extent = st.radio(t("brief_extent", lang), ("view", "region"), horizontal=True,
                              format_func=lambda e: t(f"brief_extent_{e}", lang), key=widget_key("brief_extent", lang))
            title = st.text_input(t("brief_title", lang), key="brief_title").strip() or None
            if st.button(t("export", lang) + f" {fmt.upper()}", key="brief_go"):
                with st.spinner(t("export_working", lang)):
                    download = briefing.briefing_download(view, fmt, lang=lang, paper=paper, orientation=orientation,
                                                          dpi=dpi, extent=extent, title=title)
                _offer(download, "brief_dl")
        with c2:
            layer_fmt = st.selectbox("GIS", tuple(export_data.LAYER_FORMATS), key="layer_fmt")
            crs = st.selectbox("CRS", tuple(export_data.CRS_CHOICES), key=widget_key("layer_crs", lang),
                               format_func=lambda c: export_data.CRS_CHOICES[c][0 if lang == "zh" else 1])
            if st.button(t("export", lang) + f" {layer_fmt.upper()}", key="layers_go"):
                with st.spinner(t("export_working", lang)):
                    frames = {s.id: fm.layer_frame(s, p) for s, p in visible}
                    download = export_data.export_layers(frames, layer_fmt, crs=crs)
                _offer(download, "layers_dl")
        with c3:
            table_fmt = st.selectbox("CSV / XLSX", tuple(export_data.TABLE_FORMATS), key="table_fmt")
            if st.button(t("export", lang) + f" {table_fmt.upper()}", key="tables_go"):
                with st.spinner(t("export_working", lang)):
                    download = export_data.export_tables(export_data.travel_tables(view), table_fmt)
                _offer(download, "tables_dl")
            if st.button(t("export_html", lang), key="html_go"):
                with st.spinner(t("export_working", lang)):
                    download = html_export.html_download(view)
                _offer(download, "html_dl")


def _offer(download: Any, key: str) -> None:
    """A download button for an export :class:`~layers.export_data.Download`, with its notices."""
    for notice in download.notices:
        st.caption(escape_markdown(notice))
    st.download_button(download.filename, download.data, file_name=download.filename, mime=download.mime, key=key)


# --------------------------------------------------------------------------------------------------- main


def main() -> None:
    _install_assets()
    cities = _cities()
    _init_state(cities)
    # The map goes out first. The view comes from session state (every widget is keyed and seeded by
    # _init_state, and widget callbacks run before the script), so the sidebar and the panels beside and below
    # the map are drawn after st_folium and the map's message leaves the server without waiting for them. The
    # layout is unchanged: the columns exist before the map, and the sidebar is an area of its own.
    lang = ss.lang
    center, zoom = _current_view()
    if ss.map_origin[0] != ss.basemap:  # a new basemap remounts the map: keep the view the planner had
        ss.map_origin, ss.fly = (ss.basemap, center, zoom), None
    view = _view(lang, center, zoom)
    _sync_url(view)

    st.title(t("app_title", lang))
    st.caption(t("app_caption", lang))
    for notice in ss.notices:
        st.warning(t("notice_prefix", lang) + escape_markdown(notice), icon="⚠️")
    for warning in _input_warnings(lang):
        st.warning(escape_markdown(warning), icon="⚠️")

    visible = _visible(view)
    left, right = st.columns([5, 2])
    with left:
        _map(visible, lang, zoom)
    _sidebar(cities, lang)
    with right:
        _circle_panel(visible, lang)
    _tables_panel(view, lang)
    _export_panel(view, visible, lang)


main()
