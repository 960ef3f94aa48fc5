"""The before/after briefing sheet of a comparison (PNG, PDF, SVG): one difference map and the table of gains.

The sheet is laid out like the normal briefing (:mod:`render.briefing`, whose map furniture it reuses): a title
naming both sides ("今日 → 情景 X" / "Today → scenario X"), the map of the agglomeration in
:data:`geo.crs.EQUAL_AREA` with the difference of the two travel-time surfaces in bands of minutes saved (the
engine's :data:`geo.compare.SAVED_BANDS`, coloured as the app's compare view: :data:`layers.difference.BAND_COLOURS`),
the member cities coloured by the minutes saved from the nearest origin, the cores labelled in bold; beside it
(below it on a portrait sheet) the legend, the China inset and the table of gains (per origin and threshold:
cities and population within it before and after, the cities newly within, the population gained) with the plan
targets newly met (or no longer met); the footer cites the sources and carries the review notice.

Every figure on the sheet is one of :class:`geo.compare.Comparison`'s tables, formatted with
:func:`layers.i18n.fmt_number`.
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from data import read_derived
from export.download import Download
from export.files import ExportError
from geo.compare import Comparison, Side, band_of
from geo.network import RoadModel
from geo.surface import DEFAULT_RESOLUTION_KM
from layers.catalogue.circles import english_names, road_assumptions
from layers.credits import credits_line
from layers.difference import BAND_COLOURS, BAND_ORDER, band_label
from layers.frames import layer_frame
from layers.i18n import STRINGS, fmt_number, t
from layers.registry import get
from render.briefing import (
    _BORDER,
    _INK,
    _MUTED,
    BASEMAP_WATER,
    FORMATS,
    Briefing,
    BriefingOptions,
    _axes,
    _basemap_provinces,
    _cut,
    _draw_basemap,
    _draw_graticule,
    _frame,
    _frames_px,
    _label_points,
    _Layout,
    _legend_box,
    _map_limits,
    _place_furniture,
    _polygon_paths,
    _rc,
    _registered,
    _Sheet,
    _to_map,
    _wrap,
)
from render.fonts import LATIN_FAMILY, choose_font

__all__ = ["gains_rows", "nearest_saved", "render_comparison_sheet", "sheet_download",
           "sheet_filename", "sheet_title", "side_name", "target_lines"]

_ORIGIN_RING = "#000000"
# Table columns: (header key, share of the table's width). The newly-within column wraps.
_COLUMNS = (("cmp_origin", 0.13), ("sheet_minutes_col", 0.09), ("sheet_cities_col", 0.14), ("cmp_new_cities", 0.18),
            ("cmp_population_before", 0.15), ("cmp_population_after", 0.15), ("cmp_population_gain", 0.16))


def side_name(s: Side, lang: str) -> str:
    """A side as the sheet names it: 今日 / Today, a network year, or 情景 NAME / scenario NAME (its English name
    in English when it has one)."""
    if s.scenario is not None:
        name = s.scenario.name_en if lang == "en" and s.scenario.name_en else s.scenario.name
        return t("sheet_side_scenario", lang, name=name)
    key = f"sheet_side_{s.label}"
    return t(key, lang) if key in STRINGS else s.label


def _full_side(s: Side, lang: str) -> str:
    """A side with its network year spelt out (for the subtitle and footer)."""
    key = f"year_{s.label}"
    return side_name(s, lang) if s.scenario is not None or key not in STRINGS else t(key, lang)


def sheet_title(result: Comparison, lang: str) -> str:
    """The sheet's title: before → after (e.g. 今日 → 情景 昌九高铁提前开通)."""
    before, after = side_name(result.before, lang), side_name(result.after, lang)
    title = f"{before} → {after}"
    return title[:1].upper() + title[1:] if lang == "en" else title


def _city(name: str, lang: str) -> str:
    return english_names().get(name, name) if lang == "en" else name


def _cities(text: str, lang: str) -> str:
    sep = ", " if lang == "en" else "、"
    return sep.join(_city(c, lang) for c in str(text).split("、") if c) or "–"


def _gain(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + fmt_number(value, lang)


def gains_rows(result: Comparison, lang: str) -> list[list[str]]:
    """The table of gains as text cells, one row per origin and threshold, in :data:`_COLUMNS` order."""
    rows = []
    for r in result.reach.itertuples():
        rows.append([_city(r.origin, lang), f"{int(r.minutes)}", f"{r.cities_before} → {r.cities_after}",
                     _cities(r.new_cities, lang), fmt_number(r.population_before, lang),
                     fmt_number(r.population_after, lang), _gain(r.population_gain, lang)])
    return rows


def target_lines(result: Comparison, lang: str) -> list[str]:
    """Each plan target whose verdict changes, as one sentence with both times."""
    return [t("sheet_target_row", lang, target=t(f"cmp_target_{r.target}", lang), basis=t(f"sc_basis_{r.basis}",
                                                                                          lang),
              a=_city(r.place_a, lang), b=_city(r.place_b, lang), before=_minutes(r.before_min),
              after=_minutes(r.after_min), change=t(f"cmp_change_{r.change}", lang))
            for r in result.targets.itertuples()]


def _minutes(value: float) -> str:
    return f"{value:.0f}" if math.isfinite(value) else "–"


def nearest_saved(result: Comparison) -> pd.DataFrame:
    """Per member city (not an origin): minutes from the nearest origin before and after, and the minutes saved
    and its band, the quantity the difference bands show (the surface is minutes to the nearest origin)."""
    pts = result.points[result.points["member"] & ~result.points["city"].isin(result.origins)]
    best = pts.groupby("city", sort=False)[["before_min", "after_min"]].min()
    saved = best["before_min"] - best["after_min"]
    saved = saved.where(np.isfinite(best["before_min"]) & np.isfinite(best["after_min"]),
                        np.where(np.isfinite(best["after_min"]), math.inf, -math.inf))
    return best.assign(saved_min=saved, band=[band_of(float(v)) for v in saved])


# --------------------------------------------------------------------------- layout


def _layout(options: BriefingOptions, footer_lines: int) -> _Layout:
    """Title, map, legend, inset, table, scale bar, north arrow and footer on the sheet (mm from bottom-left)."""
    f = _frame(options, footer_lines)
    w, s, margin, gap = f.w, f.s, f.margin, f.gap
    label_room, top, bottom, boxes = f.label_room, f.top, f.bottom, f.boxes
    inset_w = 52.0 * s
    inset_h = inset_w * 0.78
    if options.orientation == "landscape":
        map_w = min(top - bottom - label_room, (w - 2 * margin - label_room - gap) * 0.52)
        boxes["map"] = (margin + label_room, bottom + label_room, map_w, top - bottom - label_room)
        px = margin + label_room + map_w + gap
        pw = w - margin - px
        boxes["inset"] = (w - margin - inset_w, top - inset_h, inset_w, inset_h)
        boxes["legend"] = (px, top - inset_h, pw - inset_w - gap, inset_h)
        boxes["table"] = (px, bottom, pw, top - inset_h - gap - bottom)
    else:
        map_h = (top - bottom) * 0.53
        boxes["map"] = (margin + label_room, top - map_h, w - 2 * margin - label_room, map_h - label_room)
        row_top = top - map_h - gap
        boxes["inset"] = (w - margin - inset_w, row_top - inset_h, inset_w, inset_h)
        boxes["legend"] = (margin, row_top - inset_h, w - 2 * margin - inset_w - gap, inset_h)
        boxes["table"] = (margin, bottom, w - 2 * margin, row_top - inset_h - gap - bottom)
    return _place_furniture(f)


# --------------------------------------------------------------------------- drawing


def _draw_bands(ax: Axes, result: Comparison, tol: float) -> int:
    """The difference bands (opaque, so the legend's swatches are the colours on the map); the number drawn."""
    if result.bands is None:
        return 0
    bands = result.bands[~result.bands.geometry.is_empty]
    if bands.empty:
        return 0
    geoms = shapely.simplify(_to_map(bands.geometry.to_numpy()), tol)
    paths, owner = _polygon_paths(geoms)
    colours = [BAND_COLOURS.get(str(bands["band"].iat[i]), BAND_COLOURS[""]) for i in owner]
    ax.add_collection(PathCollection(paths, facecolors=colours, edgecolors="none", zorder=0.5, gid="difference-bands"))
    # Province borders again, over the bands.
    _, prov = _basemap_provinces()
    ppaths, _ = _polygon_paths(shapely.simplify(prov, tol))
    ax.add_collection(PathCollection(ppaths, facecolors="none", edgecolors=_BORDER, linewidths=0.4, zorder=0.55))
    return len(paths)


def _draw_cities(fig: Figure, ax: Axes, result: Comparison, lang: str, fs: float, furniture: list[Bbox],
                 notices: list[str]) -> None:
    """Member cities coloured by the minutes saved from the nearest origin, origins ringed, names labelled."""
    spec = get("cities")
    gdf = layer_frame(spec, {})
    geoms = _to_map(gdf.geometry.to_numpy())
    pts = shapely.get_coordinates(geoms)
    saved = nearest_saved(result)
    bands = [saved["band"].get(n, "") if n in saved.index else None for n in gdf["name_zh"]]
    r = spec.style.radius * 0.55  # points
    fills = [BAND_COLOURS.get(b, BAND_COLOURS[""]) if b is not None else "white" for b in bands]
    core = (gdf["role"] == "core").to_numpy()
    dot = r * np.where(core, 1.35, 1.0)
    ax.scatter(pts[:, 0], pts[:, 1], s=(2 * dot) ** 2, c=fills, edgecolors=_INK, linewidths=0.6, zorder=300,
               gid="sheet-cities")
    origin = gdf["name_zh"].isin(result.origins).to_numpy()
    ring = r * 1.35 + 1.0  # just outside a core's dot: the labels sit 4.5 pt from the centre
    if origin.any():
        ax.scatter(pts[origin, 0], pts[origin, 1], s=(2 * ring) ** 2, facecolors="none", edgecolors=_ORIGIN_RING,
                   linewidths=1.3, zorder=301, gid="sheet-origins")
    # Labels keep clear of the dots and of the origins' rings (radii in points, boxes in display pixels).
    radius_px = (np.where(origin, ring, dot) + 0.7) * fig.dpi / 72.0
    xy = ax.transData.transform(pts)
    markers = [Bbox.from_extents(x - rp, y - rp, x + rp, y + rp) for (x, y), rp in zip(xy, radius_px, strict=True)]
    missing = _label_points(fig, ax, gdf, geoms, lang, fs * 1.05, furniture, markers)
    if missing:
        notices.append(f"no room for the labels of {', '.join(missing)}")


def _draw_extent(ax: Axes) -> None:
    geoms = _to_map(read_derived("agglomeration").geometry.to_numpy())
    paths, _ = _polygon_paths(geoms)
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors="#555555", linewidths=0.9,
                                     linestyles=(0, (4, 2)), zorder=2.0))


def _draw_legend(fig: Figure, ax: Axes, lang: str, fs: float, shaded: bool) -> None:
    ax.set_axis_off()
    ax.set_gid("legend")
    handles: list[Any] = [Patch(visible=False)]
    labels = [t("sheet_bands", lang, km=f"{DEFAULT_RESOLUTION_KM:g}")]
    for band in BAND_ORDER:
        handles.append(Patch(facecolor=BAND_COLOURS[band], edgecolor="#777777", linewidth=0.3))
        labels.append("  " + band_label(band, lang))
    handles += [Line2D([], [], linestyle="none", marker="o", markersize=5, markerfacecolor=BAND_COLOURS["5–15"],
                       markeredgecolor=_INK, markeredgewidth=0.6),
                Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor="none",
                       markeredgecolor=_ORIGIN_RING, markeredgewidth=1.3),
                Line2D([], [], color="#555555", linewidth=0.9, linestyle=(0, (4, 2)))]
    labels += [t("sheet_cities", lang), t("sheet_origins", lang), t("sheet_extent", lang)]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    pad = 4.0 * fig.dpi / 72.0
    size = fs
    while True:
        legend = ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                           fontsize=size, title=t("brief_legend", lang), title_fontsize=size * 1.15,
                           alignment="left", handlelength=1.8, handleheight=1.0, borderaxespad=0.5,
                           labelspacing=0.35)
        legend.get_title().set_fontweight("bold")
        for text in legend.get_texts():
            text.set_parse_math(False)
        legend.get_texts()[0].set_fontweight("bold")
        box = legend.get_window_extent(renderer)
        if (box.y0 >= frame.y0 + pad and box.x1 <= frame.x1) or size < fs * 0.5:
            break
        size *= 0.92
    _legend_box(ax, frame, box, pad)
    for patch in ax.patches:
        patch.set_clip_on(False)  # the box's right edge lies on the panel's edge
    if not shaded:
        ax.text(0.03, 0.02, t("sheet_no_bands", lang), transform=ax.transAxes, fontsize=size * 0.85, color=_MUTED,
                va="bottom", wrap=True, parse_math=False)


def _draw_table(fig: Figure, ax: Axes, result: Comparison, lang: str, fs: float, notices: list[str]) -> None:
    """The table of gains, then the plan targets whose verdict changes, shrunk to fit the box (then cut)."""
    ax.set_axis_off()
    ax.set_gid("gains-table")
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    rows = gains_rows(result, lang)
    targets = target_lines(result, lang)
    size = fs
    while True:
        drawn = _table_at(fig, ax, frame, rows, targets, lang, size)
        if drawn is not None or size < fs * 0.6:
            break
        size *= 0.92
    if drawn is None:
        drawn = _table_at(fig, ax, frame, rows, targets, lang, size, cut=True)
        notices.append("the table of gains was cut to fit the sheet; the exported tables hold every row")


def _table_at(fig: Figure, ax: Axes, frame: Bbox, rows: list[list[str]], targets: list[str], lang: str,
              size: float, *, cut: bool = False) -> bool | None:
    """Draw the table at font ``size`` (points); None (nothing left drawn) when it does not fit and not ``cut``."""
    for artist in list(ax.texts) + list(ax.lines):
        artist.remove()
    px_pt = fig.dpi / 72.0
    line_h = size * 1.3 * px_pt
    width = frame.width
    measure = ax.text(0, 0, "", fontsize=size, parse_math=False, transform=None)
    y = frame.y1

    def put(x: float, top: float, lines: list[str], **kw: Any) -> None:
        ax.text((x - frame.x0) / frame.width, (top - frame.y0) / frame.height, "\n".join(lines), ha="left",
                va="top", fontsize=size, linespacing=1.3 * 0.87, color=kw.pop("color", _INK), parse_math=False,
                transform=ax.transAxes, **kw)

    def rule(at: float, lw: float = 0.5) -> None:
        yy = (at - frame.y0) / frame.height
        ax.plot([0, 1], [yy, yy], color="#888888", linewidth=lw, transform=ax.transAxes, clip_on=False)

    measure.set_fontweight("bold")
    heading = _wrap(t("sheet_gains", lang), width, measure)
    put(frame.x0, y, heading, fontweight="bold")
    y -= line_h * len(heading) + 0.3 * line_h
    rule(y, 0.8)
    xs = np.cumsum([0.0, *[share for _, share in _COLUMNS]])[:-1] * width + frame.x0
    widths = [share * width - 3 * px_pt for _, share in _COLUMNS]
    heads = [_wrap(t(key, lang), cw, measure) for (key, _), cw in zip(_COLUMNS, widths, strict=True)]
    head_h = max(len(hd) for hd in heads) * line_h
    for x, hd in zip(xs, heads, strict=True):
        put(x, y - 0.25 * line_h, hd, fontweight="bold")
    y -= head_h + 0.45 * line_h
    rule(y)
    measure.set_fontweight("normal")
    note = _wrap(t("sheet_population_note", lang), width, measure)
    target_head = [t("sc_gains_targets", lang)]
    target_body = [ln for line in (targets or [t("sc_no_target_change", lang)]) for ln in _wrap(line, width, measure)]
    # Room kept below the rows for the note and the first few plan targets (the rows are cut before those).
    reserve = (len(note) + 1.6 + len(target_head) + min(len(target_body), 4)) * line_h
    for i, row in enumerate(rows):
        cells = [_wrap(c, cw, measure) or [""] for c, cw in zip(row, widths, strict=True)]
        row_h = max(len(c) for c in cells) * line_h + 0.35 * line_h
        if y - row_h < frame.y0 + reserve:
            if not cut:
                measure.remove()
                return None
            put(frame.x0, y - 0.2 * line_h, [t("sheet_more", lang, n=len(rows) - i)], color=_MUTED)
            y -= line_h * 1.2
            break
        for j, (x, c) in enumerate(zip(xs, cells, strict=True)):
            put(x, y - 0.2 * line_h, c, fontweight="bold" if j == len(cells) - 1 else "normal")
        y -= row_h
        if i + 1 < len(rows) and rows[i + 1][0] != row[0]:
            rule(y, 0.3)
    rule(y, 0.8)
    y -= 0.3 * line_h
    put(frame.x0, y, note, color=_MUTED)
    y -= line_h * len(note) + 0.7 * line_h
    put(frame.x0, y, target_head, fontweight="bold")
    y -= line_h * 1.1
    room = int((y - frame.y0) // line_h)
    if len(target_body) > room:
        # A long list of targets is cut (the sheet says how many more) rather than shrinking the table of gains.
        keep = max(room - 1, 0)
        target_body = [*target_body[:keep], t("sheet_more", lang, n=len(target_body) - keep)]
    put(frame.x0, y, target_body, gid="targets")
    measure.remove()
    return True


# --------------------------------------------------------------------------- entry points


def _footer(result: Comparison, lang: str, when: date, model: RoadModel) -> tuple[str, str]:
    specs = [get("cities"), get("rail_lines")] + [get(lid) for lid in BASEMAP_WATER if _registered(lid)]
    facts = [t("sheet_sides", lang, before=_full_side(result.before, lang), after=_full_side(result.after, lang)),
             road_assumptions(model, lang)]
    if result.before.scenario is not None or result.after.scenario is not None:
        facts.append(t("sheet_assumption", lang))
    facts += [t("brief_exported", lang, d=when.isoformat()), t("brief_projection", lang), t("brief_basemap", lang)]
    return credits_line(specs, lang), "  ·  ".join(facts)


def _compose(result: Comparison, options: BriefingOptions, lang: str, model: RoadModel, fmt: str, *,
             cjk: bool) -> tuple[Figure, _Layout, list[str]]:
    notices: list[str] = []
    when = options.export_date or date.today()
    sheet = _Sheet.start(options, fmt)
    fig, fs = sheet.fig, sheet.fs
    lay = _layout(options, sheet.wrap_footer(*_footer(result, lang, when, model), lang, cjk=cjk))
    # The region needs no view.
    limits = _map_limits("region", None, lay.boxes["map"][2] / lay.boxes["map"][3])  # type: ignore[arg-type]
    ax = sheet.map_axes(lay, limits)
    tol = sheet.tolerance(lay, limits, options.dpi)
    _draw_basemap(ax, [], lang, limits, tol, fs)
    shaded = _draw_bands(ax, result, tol) > 0
    _draw_graticule(ax, limits, fs * 0.8)
    _draw_extent(ax)
    _draw_cities(fig, ax, result, lang, fs, sheet.furniture(lay), notices)

    title = _cut(options.title if options.title is not None else sheet_title(result, lang))
    origins = ("、" if lang == "zh" else ", ").join(_city(o, lang) for o in result.origins)
    subtitle = _cut(options.subtitle if options.subtitle is not None else t(
        "sheet_subtitle", lang, origins=origins, minutes="/".join(str(m) for m in result.thresholds),
        before=_full_side(result.before, lang), after=_full_side(result.after, lang)))
    sheet.titles(lay, title, subtitle, subtitle_scale=1.1)
    _draw_legend(fig, _axes(fig, lay, "legend"), lang, fs * 1.05, shaded)
    _draw_table(fig, _axes(fig, lay, "table"), result, lang, fs * 1.15, notices)
    sheet.map_furniture(lay, limits, lang)
    sheet.footer(lay)
    return fig, lay, notices


def render_comparison_sheet(result: Comparison, fmt: str = "pdf", options: BriefingOptions | None = None, *,
                            model: RoadModel | None = None) -> Briefing:
    """The before/after sheet of ``result`` in ``fmt`` (png, pdf or svg) on ``options``' paper (A4 or A3,
    landscape or portrait; ``extent`` is always the region). ``model`` is the road model the comparison was
    computed with (stated in the footer). Raises :class:`ExportError` for a bad format or option."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown sheet format {fmt!r}; use {', '.join(FORMATS)}")
    options = options or BriefingOptions(extent="region")
    options.check()
    font = choose_font(options.lang or "zh")
    with mpl.rc_context(_rc(font)):
        fig, lay, notices = _compose(result, options, font.lang, model or RoadModel(), fmt,
                                     cjk=font.family[0] != LATIN_FAMILY)
        buf = io.BytesIO()
        kwargs: dict[str, Any] = {"format": fmt, "dpi": options.dpi}
        if fmt == "png":
            kwargs["pil_kwargs"] = {"compress_level": 3}
        fig.savefig(buf, **kwargs)
    if font.notice:
        notices.insert(0, font.notice)
    size_px = tuple(round(d / 25.4 * options.dpi) for d in options.size_mm())
    return Briefing(buf.getvalue(), sheet_filename(fmt, options), FORMATS[fmt], options.dpi, size_px,
                    _frames_px(lay, options.dpi), font.lang, tuple(notices))


def sheet_filename(fmt: str, options: BriefingOptions | None = None) -> str:
    """The sheet's file name: paper, orientation and export date (today unless ``options`` say)."""
    options = options or BriefingOptions(extent="region")
    when = options.export_date or date.today()
    return f"middle_yangtze_before_after_{options.paper}_{options.orientation}_{when:%Y%m%d}.{fmt}"


def sheet_download(result: Comparison, fmt: str = "pdf", *, model: RoadModel | None = None,
                   **options: Any) -> Download:
    """For the app: the sheet as a :class:`~export.download.Download`; ``options`` are
    :class:`~render.briefing.BriefingOptions` fields (paper, orientation, dpi, lang, title)."""
    return render_comparison_sheet(result, fmt, BriefingOptions(extent="region", **options), model=model).download()
