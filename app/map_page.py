"""The explorer's page: the map first, then the sidebar and the panels beside and below it."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import layers
from app import state
from app.export_panel import export_panel
from app.mydata import settings_problem
from app.panels import circle_panel, tables_panel
from app.scenarios import scenario_page
from app.sidebar import sidebar
from data import load_cities
from layers.catalogue.circles import circles_caption
from layers.catalogue.surface import surface_caption
from layers.frames import visible_layers
from layers.i18n import escape_markdown, t
from layers.spec import Kind
from layers.view import ViewState
from render import assets
from render import webmap as fm
from workspace import Workspace
from workspace.scratch import clean_stale

__all__ = ["main"]

MAP_HEIGHT = 620  # CSS px: the component's own height, before the page CSS fits it to the window
# The map fills the window below the title and caption (never shorter than MIN_MAP_HEIGHT_PX); inside its frame,
# the map's box follows the frame, and Leaflet redraws on the frame's resize.
MIN_MAP_HEIGHT_PX = 420
_PAGE_CSS = f"""<style>
iframe[title="streamlit_folium.st_folium"] {{ height: max({MIN_MAP_HEIGHT_PX}px, calc(100vh - 300px)) !important; }}
</style>"""
FLY_ZOOM = 10
ss = st.session_state


@st.cache_resource
def _install_assets() -> int:
    """Copy Leaflet and plugin files into static/vendor once per server process."""
    return len(assets.ensure_assets())


@st.cache_resource
def _clean_scratch() -> int:
    """Once per server process: remove what killed imports left in the temp folder (bytes freed)."""
    return clean_stale()


@st.cache_data
def _cities() -> pd.DataFrame:
    """Member cities: name_zh, name_en, role, lon, lat (WGS-84)."""
    gdf = load_cities()
    return pd.DataFrame({"name_zh": gdf["name_zh"], "name_en": gdf["name_en"], "role": gdf["role"],
                         "lon": gdf.geometry.x, "lat": gdf.geometry.y})


def _map(view: ViewState, visible: list, lang: str) -> None:
    """The map: the base map mounted once per basemap, overlays swapped in place (the view is kept)."""
    basemap, origin_center, origin_zoom = ss.map_origin
    # The base map is built in one language whatever the page's: the overlays switch its province names, so a
    # language change swaps them in place instead of remounting the map (which would lose the view).
    m = fm.base_map(basemap, origin_center, origin_zoom)
    groups, errors = fm.overlay_groups(visible, lang=lang, datum=fm.datum_for(basemap),
                                       tolerance=fm.detail_tolerance(view.zoom), highlight=ss.fly)
    fly = ss.fly
    if fly is not None and fm.datum_for(basemap) == "gcj02":
        fly = (fly[0] + fm.GCJ_DELTA[0], fly[1] + fm.GCJ_DELTA[1])
    # The map reports its centre and zoom, so the view written to the URL, saved and exported is the one seen.
    st_folium(m, key=state.MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
              returned_objects=["center", "zoom"], feature_group_to_add=groups,
              center=fm.latlon(*fly) if fly else None, zoom=FLY_ZOOM if fly else None)
    for layer_id, error in errors:
        st.warning(escape_markdown(t("layer_error", lang, layer=layers.get(layer_id).title(lang), error=error)))
    st.caption(t("share_help", lang))


@scenario_page
def main() -> None:
    _install_assets()
    _clean_scratch()
    cities = _cities()
    state.init_state(tuple(cities["name_zh"]))
    # The map goes out first. The view comes from session state (every widget is keyed and seeded by
    # init_state, and widget callbacks run before the script), so the sidebar and the panels are drawn after
    # st_folium and the map's message leaves the server without waiting for them.
    lang = ss.lang
    view = state.current_view()
    if ss.map_origin[0] != ss.basemap:  # a new basemap remounts the map: keep the view the planner had
        ss.map_origin, ss.fly = (ss.basemap, view.center, view.zoom), None
        ss.pop(state.MAP_KEY, None)
    state.sync_url(view)

    st.html(_PAGE_CSS)
    st.title(t("app_title", lang))
    st.caption(t("app_caption", lang))
    problem = settings_problem()
    if problem:
        st.error(escape_markdown(problem), icon="⛔")
    for notice in ss.notices:
        st.warning(t("notice_prefix", lang) + escape_markdown(notice), icon="⚠️")
    _, bad = state.parse_hours(ss.thresholds)
    if bad:
        st.warning(escape_markdown(t("thresholds_bad", lang, bad=", ".join(bad))), icon="⚠️")

    visible = visible_layers(view)
    left, right = st.columns([3, 2])
    with left:
        if any(spec.kind is Kind.CIRCLES for spec, _ in visible):
            st.caption(circles_caption(view, lang))
        if any(spec.kind is Kind.SURFACE for spec, _ in visible):
            st.caption(surface_caption(lang, mode=view.mode, year=view.year, figure=view.figure))
        _map(view, visible, lang)
    sidebar(cities, lang, Workspace())
    with right:
        circle_panel(visible, view, lang)
    tables_panel(view, lang)
    export_panel(view, visible, lang)
