"""导出 / Export: briefing maps, the interactive map as HTML and the data files, built on request."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.scenarios import on_scenario, scenario_subtitle
from app.state import keep
from layers.frames import layer_frame
from layers.i18n import escape_markdown, t, widget_key
from layers.spec import LayerSpec
from layers.view import ViewState

__all__ = ["OPEN_KEY", "export_panel"]

OPEN_KEY = "export_open"  # session state: whether the export section is open


@st.fragment
@on_scenario
def export_panel(view: ViewState, visible: list[tuple[LayerSpec, dict[str, Any]]], lang: str) -> None:
    """The export expander; every file is of ``view``, the view on screen (its extent included)."""
    # Its widgets are drawn only while it is open: closed, they keep some fifteen elements off the page's first
    # render (the choices made are kept).
    keep(OPEN_KEY, "brief_fmt", "brief_paper", widget_key("brief_orient", lang), "brief_dpi",
         widget_key("brief_extent", lang), "brief_title", "layer_fmt", widget_key("layer_crs", lang), "table_fmt")
    st.session_state.setdefault("brief_dpi", 300)
    section = st.expander(f"{t('export', lang)} / Export", key=OPEN_KEY, on_change="rerun")
    if not section.open:
        return
    from export import gis, tables
    from render import briefing, offline_html

    with section:
        c1, c2, c3 = st.columns(3)
        with c1:
            fmt = st.selectbox("PNG / PDF / SVG", ("png", "pdf", "svg"), key="brief_fmt")
            paper = st.radio(t("brief_paper", lang), ("a4", "a3"), format_func=str.upper, horizontal=True,
                             key="brief_paper")
            orientation = st.radio(t("brief_orientation", lang), ("landscape", "portrait"), horizontal=True,
                                   format_func=lambda o: t(f"brief_{o}", lang), key=widget_key("brief_orient", lang))
            dpi = st.radio(t("brief_dpi", lang), (150, 300), horizontal=True, key="brief_dpi",
                           disabled=fmt != "png")
            extent = st.radio(t("brief_extent", lang), ("view", "region"), horizontal=True,
                              format_func=lambda e: t(f"brief_extent_{e}", lang), key=widget_key("brief_extent", lang))
            title = st.text_input(t("brief_title", lang), key="brief_title").strip() or None
            if st.button(t("export", lang) + f" {fmt.upper()}", key="brief_go"):
                with st.spinner(t("export_working", lang)):
                    download = briefing.briefing_download(view, fmt, lang=lang, paper=paper, orientation=orientation,
                                                          dpi=dpi, extent=extent, title=title,
                                                          subtitle=scenario_subtitle(view))
                _offer(download, "brief_dl")
        with c2:
            layer_fmt = st.selectbox("GIS", tuple(gis.LAYER_FORMATS), key="layer_fmt")
            crs = st.selectbox("CRS", tuple(gis.CRS_CHOICES), key=widget_key("layer_crs", lang),
                               format_func=lambda c: gis.CRS_CHOICES[c][0 if lang == "zh" else 1])
            if st.button(t("export", lang) + f" {layer_fmt.upper()}", key="layers_go"):
                with st.spinner(t("export_working", lang)):
                    frames = {s.id: layer_frame(s, p) for s, p in visible}
                    download = gis.export_layers(frames, layer_fmt, crs=crs)
                _offer(download, "layers_dl")
        with c3:
            table_fmt = st.selectbox("CSV / XLSX", tuple(tables.TABLE_FORMATS), key="table_fmt")
            if st.button(t("export", lang) + f" {table_fmt.upper()}", key="tables_go"):
                with st.spinner(t("export_working", lang)):
                    download = tables.export_tables(tables.travel_tables(view), table_fmt)
                _offer(download, "tables_dl")
            if st.button(t("export_html", lang), key="html_go"):
                with st.spinner(t("export_working", lang)):
                    download = offline_html.html_download(view)
                _offer(download, "html_dl")


def _offer(download: Any, key: str) -> None:
    """A download button for an export :class:`~export.download.Download`, with its notices."""
    for notice in download.notices:
        st.caption(escape_markdown(notice))
    st.download_button(download.filename, download.data, file_name=download.filename, mime=download.mime, key=key)
