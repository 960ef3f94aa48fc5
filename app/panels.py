"""The panels beside and below the map: circle statistics, plan-target verdicts and the travel-time matrix."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from export.tables import matrix_title, target_table
from geo.network import RoadModel, active_network_key
from geo.options import engine_year
from geo.population import BASIS_EN, BASIS_ZH
from layers.catalogue.circles import english_names, road_assumptions
from layers.catalogue.surface import band_name
from layers.frames import layer_frame
from layers.i18n import escape_markdown, fmt_minutes, fmt_number, t, widget_key
from layers.registry import get
from layers.spec import Kind, LayerSpec
from layers.view import ROAD_FIELDS, ViewState

__all__ = ["MATRICES", "circle_panel", "circle_table", "plan_reach_figures", "plan_reach_panel", "surface_table",
           "tables_panel", "travel_tables"]

TARGETS = ("core_commute", "member_pairs", "neighbour_cores")
MATRICES = ("door", "rail", "typical")  # door to door (the view's figure), then both station-to-station figures


@st.cache_data(show_spinner=False)
def _tables(year: str, model_items: tuple[tuple[str, float], ...], network: str,
            figure: str) -> dict[str, pd.DataFrame]:
    """:func:`travel_tables` per what-if network: ``network`` is its key (the computation reads the network
    itself from :func:`geo.network.default_network`)."""
    return travel_tables(year, model_items, figure)


def travel_tables(year: str, model_items: tuple[tuple[str, float], ...], figure: str) -> dict[str, pd.DataFrame]:
    """Plan-target verdicts and the door (rail ``figure``), fastest and typical rail matrices (minutes) for a
    network year and access model (``ROAD_FIELDS`` items) on the default network."""
    from geo.traveltime import plan_targets, travel_time_matrix

    kw = {"year": engine_year(year), "model": RoadModel(**dict(model_items))}
    targets = plan_targets(figure=figure, **kw)
    return {"core_commute": targets.core_commute, "member_pairs": targets.member_pairs,
            "neighbour_cores": targets.neighbour_cores,
            "door": travel_time_matrix(kind="door", figure=figure, **kw),
            "rail": travel_time_matrix(kind="rail", **kw),
            "typical": travel_time_matrix(kind="rail", figure="typical", **kw)}


@st.cache_data(show_spinner=False)
def _plan_reach(year: str, model_items: tuple[tuple[str, float], ...]) -> dict[str, float]:
    return plan_reach_figures(year, model_items)


def plan_reach_figures(year: str, model_items: tuple[tuple[str, float], ...]) -> dict[str, float]:
    """The plan's targets as shares of people (:func:`geo.population.plan_reach`) for a network year and model
    (``ROAD_FIELDS`` items) on the default network: shares 0–1, people, resolution in km."""
    from geo.population import plan_reach

    r = plan_reach(year=engine_year(year), model=RoadModel(**dict(model_items)))
    return {"core_hour": r.core_hour_share, "core_hour_people": r.core_hour_people,
            "all_members_2h": r.all_members_2h_share, "all_members_2h_people": r.all_members_2h_people,
            "members_2h_mean": r.members_2h_mean, "total": r.total, "resolution_km": r.resolution_km}


def plan_reach_panel(view: ViewState, lang: str) -> None:
    """The headline shares: people within 1 h of a core, within 2 h of every member city (county figures)."""
    try:
        r = _plan_reach(view.year, tuple(zip(ROAD_FIELDS, view.road, strict=True)))
    except Exception as err:  # missing county data must leave the verdict tables usable
        st.warning(escape_markdown(t("circles_unavailable", lang) + f" ({err})"))
        return
    cols = st.columns(3)
    cols[0].metric(t("reach_core_hour", lang), f"{r['core_hour']:.1%}",
                   help=t("reach_people", lang, people=fmt_number(r["core_hour_people"], lang)))
    cols[1].metric(t("reach_all_members_2h", lang), f"{r['all_members_2h']:.1%}",
                   help=t("reach_people", lang, people=fmt_number(r["all_members_2h_people"], lang)))
    cols[2].metric(t("reach_members_2h_mean", lang), f"{r['members_2h_mean']:.1%}")
    st.caption(t("reach_caption", lang, total=fmt_number(r["total"], lang), res=f"{r['resolution_km']:g}",
                 basis=BASIS_ZH if lang == "zh" else BASIS_EN))


def circle_panel(visible: list[tuple[LayerSpec, dict[str, Any]]], view: ViewState, lang: str) -> None:
    """Beside the map: each circle's area, the cities it reaches (with times) and the population reached."""
    st.subheader(t("circle_summary", lang))
    circle_layers = [(s, p) for s, p in visible if s.kind is Kind.CIRCLES]
    surface = next((p for s, p in visible if s.kind is Kind.SURFACE), None)
    if surface is not None:
        _surface_summary(surface, lang)
    if not circle_layers:
        if surface is None:
            st.info(t("circles_off", lang) if view.origins else t("circles_no_origin", lang))
        return
    for spec, params in circle_layers:
        try:
            gdf = layer_frame(spec, params)
        except Exception as err:  # the engine reports bad input as exceptions with a readable message
            st.warning(escape_markdown(t("layer_error", lang, layer=spec.title(lang), error=err)))
            continue
        table = circle_table(gdf, lang)
        st.dataframe(table, hide_index=True, width="stretch", column_order=_circle_order(lang),
                     column_config=_circle_columns(lang))
        if params["mode"] == "road" or (params["mode"] == "rail" and params["measure"] != "station"):
            st.caption(road_assumptions(params["model"], lang))  # station-to-station circles take no road leg
        basis = (t("station_population_basis", lang) if params["mode"] == "rail" and params["measure"] == "station"
                 else BASIS_ZH if lang == "zh" else BASIS_EN)
        st.caption(t("population_basis", lang, basis=basis))
        st.download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{spec.id}.csv", mime="text/csv", key=f"dl_{spec.id}")


def _surface_summary(params: dict[str, Any], lang: str) -> None:
    """The travel-time surface's bands (the surface layers share their parameters): area and people in each."""
    try:
        gdf = layer_frame(get("surface_bands"), params)
    except Exception as err:  # the engine reports bad input as exceptions with a readable message
        st.warning(escape_markdown(t("layer_error", lang, layer=t("surface_summary", lang), error=err)))
        return
    if gdf.empty:  # nominal rings have no network to make a surface from
        return
    table = surface_table(gdf, lang)
    st.caption(t("surface_summary", lang))
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("population_basis", lang, basis=BASIS_ZH if lang == "zh" else BASIS_EN))
    st.download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                       file_name="surface_bands.csv", mime="text/csv", key="dl_surface_bands")


def surface_table(gdf: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per band of the surface, quickest first: its name in ``lang``, area (km², equal-area) and people
    (county figures apportioned by area)."""
    return pd.DataFrame({
        t("col_band", lang): [band_name(lo, hi, lang) for lo, hi in zip(gdf["min_from"], gdf["min_to"], strict=True)],
        t("col_area_km2", lang): gdf["area_km2"].round().astype(int).to_numpy(),
        t("col_population", lang): [fmt_number(p, lang) for p in gdf["population"]],
    })


def _circle_order(lang: str) -> tuple[str, ...]:
    """The circle table's columns as shown beside the map: the figures a planner looks for first, so that they
    stay in view in the narrow column (the CSV keeps the table's own order)."""
    return tuple(t(k, lang) for k in ("col_origin", "col_minutes", "col_population", "col_n_cities", "col_cities",
                                      "col_area_km2"))


def _circle_columns(lang: str) -> dict[str, Any]:
    """Column widths (CSS px) that fit origin, threshold, population and the start of the cities at 1440 px."""
    return {t("col_origin", lang): st.column_config.TextColumn(width=64 if lang == "zh" else 84),
            t("col_minutes", lang): st.column_config.NumberColumn(width=64, format="%d"),
            t("col_population", lang): st.column_config.TextColumn(width=96),
            t("col_n_cities", lang): st.column_config.NumberColumn(width=56, format="%d"),
            t("col_cities", lang): st.column_config.TextColumn(width="large"),
            t("col_area_km2", lang): st.column_config.NumberColumn(width=88, format="localized")}


def circle_table(gdf: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per circle with translated headers; cities as "name (time)" nearest first, in ``lang``."""
    en = english_names()

    def name(zh: str) -> str:
        return zh if lang == "zh" else en.get(zh, zh)

    station = "measure" in gdf and (gdf["measure"] == "station").any()
    rows = []
    for _, r in gdf.sort_values(["origin", "minutes"], kind="stable").iterrows():
        reached = json.loads(r["reached"])
        cities = ("、" if lang == "zh" else ", ").join(f"{name(c)} ({fmt_minutes(m, lang)})" for c, m in reached)
        rows.append({
            t("col_origin", lang): name(str(r["origin"])),
            t("col_minutes", lang): int(r["minutes"]),
            t("col_area_km2", lang): round(float(r["area_km2"])),
            t("col_n_cities", lang): len(reached),
            t("col_population", lang): fmt_number(r.get("population_reached"), lang),
            t("col_cities_station" if station else "col_cities", lang): cities or t("no_cities", lang),
        })
    return pd.DataFrame(rows)


def tables_panel(view: ViewState, lang: str) -> None:
    """Plan-target verdicts and the travel-time matrix: sortable tables, each downloadable as CSV."""
    st.subheader(t("tables", lang))
    try:
        tables = _tables(view.year, tuple(zip(ROAD_FIELDS, view.road, strict=True)), active_network_key(),
                         view.figure)
    except Exception as err:  # missing rail data must leave the map usable
        st.warning(escape_markdown(t("circles_unavailable", lang) + f" ({err})"))
        return
    plan_reach_panel(view, lang)
    # The choice's labels are fixed per language (a keyed widget keeps its labels); the verdict counts, which
    # change with the network year and the road model, are shown under it.
    choice = st.radio(t("tables", lang), [*TARGETS, "matrix"], key=widget_key("table_choice", lang),
                      horizontal=True, label_visibility="collapsed",
                      format_func=lambda k: t(f"target_{k}", lang) if k in TARGETS else t("matrix", lang))
    if choice == "matrix":
        # Keyed per language and figure: a keyed radio keeps the labels of its first render.
        kind = st.radio(t("matrix_kind", lang), MATRICES, format_func=lambda k: matrix_title(k, view.figure, lang),
                        horizontal=True, key=widget_key(f"matrix_kind_{view.figure}", lang))
        shown = tables[kind].round(0)
        if lang == "en":
            en = english_names()
            shown = shown.rename(index=lambda n: en.get(n, n), columns=lambda n: en.get(n, n))
        st.caption(matrix_title(kind, view.figure, lang))
        st.dataframe(shown, width="stretch", height=380)
        figure = view.figure if kind == "door" else "fastest" if kind == "rail" else "typical"
        csv, name = shown.to_csv(), f"matrix_{'door' if kind == 'door' else 'rail'}_{figure}_{view.year}.csv"
    else:
        df = tables[choice]
        ok = df["door_ok" if "door_ok" in df else "rail_ok"]
        st.caption(t("targets_met", lang, ok=int(ok.sum()), n=len(df)))
        shown = target_table(df, lang, view.figure)
        st.dataframe(shown, hide_index=True, width="stretch", height=300)
        csv, name = shown.to_csv(index=False), f"targets_{choice}_{view.figure}_{view.year}.csv"
    st.download_button(t("download_csv", lang), csv.encode("utf-8-sig"), file_name=name, mime="text/csv",
                       key="dl_table")
