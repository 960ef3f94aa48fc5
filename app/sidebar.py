"""The sidebar: language, city search, basemap, layers by group, My data, and the circle settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import layers
from app import state
from app.mydata import sidebar as mydata_sidebar
from layers.i18n import LANG_NAMES, escape_markdown, t
from layers.spec import GROUP_TITLES, Group
from layers.view import BASEMAPS, DEFAULT_LAYERS, FIGURES, MEASURES, MODES, ROAD_FIELDS, YEARS
from render import webmap as fm
from workspace import Workspace

__all__ = ["ASSUMPTIONS_KEY", "sidebar"]

ASSUMPTIONS_KEY = "assumptions_open"  # session state: whether the access-model popover is open

ss = st.session_state


def _fly(cities: pd.DataFrame) -> None:
    """Search callback: centre the map on the chosen city."""
    hit = cities[cities["name_zh"] == ss.search]
    ss.fly = None if hit.empty else (float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0]))


def sidebar(cities: pd.DataFrame, lang: str, workspace: Workspace) -> None:
    """All controls, drawn after the map (their values are already in session state when the script starts)."""
    sb = st.sidebar
    # Layers of a section drawn only when open (我的数据) keep their checkbox state while it is closed.
    state.keep(*(f"layer_{lid}" for lid in state.known_layers()))
    sb.radio(t("language", lang), list(LANG_NAMES), format_func=LANG_NAMES.get, key="lang", horizontal=True)
    names = {r.name_zh: (r.name_zh if lang == "zh" else r.name_en) + (f" · {r.name_en}" if lang == "zh"
                                                                       else f" · {r.name_zh}")
             for r in cities.itertuples()}
    state.language_widget(sb.selectbox, "search", lang, t("search", lang), list(names), names.get,
                          placeholder=t("search_placeholder", lang), then=lambda: _fly(cities))
    available = fm.basemaps()
    state.language_widget(sb.selectbox, "basemap", lang, t("basemap", lang), [b for b in BASEMAPS if b in available],
                          lambda b: t(f"basemap_{b}", lang))
    if ss.basemap == "gaode":
        sb.caption(t("basemap_gcj_note", lang))
    elif ss.basemap != "offline":
        sb.caption(t("basemap_online_note", lang))

    sb.subheader(t("layers", lang))
    for group, specs in layers.by_group().items():
        if group is Group.USER:  # drawn with their import form in the one 我的数据 section
            continue
        with sb.expander(GROUP_TITLES[group][0 if lang == "zh" else 1],
                         expanded=any(s.id in DEFAULT_LAYERS for s in specs)):
            for spec in specs:
                # Titles of user layers come from files: shown as plain text, never as Markdown.
                st.checkbox(escape_markdown(spec.title(lang)), key=f"layer_{spec.id}")
    mydata_sidebar(sb, lang, workspace, open_view=state.open_view,
                   current_query=lambda: state.current_view().to_query())

    with sb.expander(t("circles", lang), expanded=True):
        state.language_widget(st.multiselect, "origins", lang, t("origins", lang), list(names), names.get,
                              max_selections=state.MAX_ORIGINS)
        st.text_input(t("thresholds", lang), key="thresholds", help=t("thresholds_help", lang))
        state.language_widget(st.radio, "mode", lang, t("mode", lang), list(MODES), lambda m: t(f"mode_{m}", lang))
        state.language_widget(st.selectbox, "year", lang, t("year", lang), list(YEARS),
                              lambda y: t(f"year_{y}", lang))
        # The rail figure also sets the door-to-door tables, so it stays open in every mode; station-to-station
        # circles exist on the rail network only.
        state.language_widget(st.radio, "figure", lang, t("figure", lang), list(FIGURES),
                              lambda f: t(f"figure_{f}", lang), help=t("figure_help", lang))
        state.language_widget(st.radio, "measure", lang, t("measure", lang), list(MEASURES),
                              lambda m: t(f"measure_{m}", lang), help=t("measure_help", lang),
                              disabled=ss.mode != "rail")
        # Its inputs are drawn only while it is open (six elements off the first render); seeded by init_state,
        # their values are kept while it is closed.
        state.keep(*ROAD_FIELDS)
        assumptions = st.popover(t("assumptions", lang), width="stretch", key=ASSUMPTIONS_KEY, on_change="rerun")
        if assumptions.open:
            with assumptions:
                for key, (_, lo, hi, step) in ROAD_FIELDS.items():
                    st.number_input(t(key, lang), min_value=lo, max_value=hi, step=step, key=key)
