"""The legend and caption say what is drawn: the chosen thresholds, the mode, the rail figure, door to door or
station to station; and every drawn layer (the 二广 axis included) has its row, in the web map and the briefing."""

from __future__ import annotations

import re

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import layers
from data import read_derived
from layers.catalogue.circles import circle_legend_title, circles_caption
from layers.frames import visible_layers
from layers.i18n import t
from layers.view import ViewState
from render import briefing
from render import webmap as fm
from render.fonts import choose_font

CIRCLES = layers.get("isochrones")


@pytest.mark.parametrize(("minutes", "zh", "en"), [((60, 90, 120), "1/1.5/2 小时", "1/1.5/2-hour"),
                                                   ((60, 120, 180), "1/2/3 小时", "1/2/3-hour"),
                                                   ((45,), "0.75 小时", "0.75-hour")])
def test_the_heading_follows_the_thresholds(minutes, zh, en):
    assert circle_legend_title("zh", minutes=minutes).startswith(zh)
    assert circle_legend_title("en", minutes=minutes).startswith(en)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heading_follows_the_mode_measure_and_figure(lang):
    rail = circle_legend_title(lang, mode="rail", figure="typical")
    assert t("legend_measure_door", lang) in rail and t("legend_figure_typical", lang) in rail
    station = circle_legend_title(lang, mode="rail", measure="station")
    assert t("legend_measure_station", lang, r="10") in station and t("legend_figure_fastest", lang) in station
    road = circle_legend_title(lang, mode="road", figure="typical", measure="station")
    assert t("legend_measure_road", lang) in road
    for word in ("铁路", "高铁", "班次", "站到站", "HSR", "rail", "scheduled", "station"):
        assert word not in road, (word, road)
    nominal = circle_legend_title(lang, mode="nominal")
    assert "60 km/h" in nominal and t("legend_figure_fastest", lang) not in nominal


def test_the_web_legend_heads_the_circles_with_their_thresholds_and_mode():
    params = {"origins": ("武汉",), "minutes": (60, 90, 120), "mode": "road", "figure": "fastest", "measure": "door"}
    html = fm.legend_html([(CIRCLES, params)], "en")
    assert "1/1.5/2-hour circles · road only, door to door" in html
    assert "1/2/3" not in html and "rail" not in html.lower()


def test_the_briefing_legend_heads_the_circles_with_their_thresholds_and_mode():
    view = ViewState(layers=("isochrones", "corridors"), origins=("武汉", "长沙"), minutes=(60, 90, 120),
                     mode="rail", measure="station", figure="typical", lang="zh")
    fig = Figure(figsize=(4, 6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    specs = [spec for spec, _ in visible_layers(view)]
    with mpl.rc_context({"font.family": list(choose_font("zh").family)}):  # as the briefing draws it
        briefing._draw_legend(fig, ax, specs, view, "zh", 8.0)
    # A long label may be wrapped to fit the legend's frame: compare the words.
    labels = ["".join(text.get_text().split()) for text in ax.get_legend().get_texts()]
    heading = circle_legend_title("zh", minutes=(60, 90, 120), mode="rail", measure="station", figure="typical")
    assert "".join(heading.split()) in labels, labels
    assert "1/2/3小时交通圈" not in labels
    assert any("二广" in label for label in labels), labels


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_axis_drawn_is_named_in_the_corridors_legend(lang):
    corridors = read_derived("corridors")
    items = layers.get("corridors").legend_items()
    zh_words = {"沿江": "Yangtze", "沪昆": "Shanghai–Kunming", "京广": "Beijing–Guangzhou", "京九": "Beijing–Kowloon",
                "二广": "Erenhot–Guangzhou"}
    assert len(corridors) == len(zh_words)
    for row in corridors.itertuples():
        short = row.name_zh.removesuffix("发展轴")
        rows = [i for i in items if i.style.color == dict(layers.get("corridors").style.categories)[row.orientation]]
        assert len(rows) == 1, row.name_zh
        label = rows[0].label(lang)
        assert (short if lang == "zh" else zh_words[short]) in label, (row.name_zh, label)


def test_every_visible_layer_has_its_rows_in_the_web_legend():
    view = ViewState(layers=tuple(s.id for s in layers.all_specs()))
    visible = visible_layers(view)
    html = fm.legend_html(visible, "zh")
    assert re.findall(r"data-layer='([^']+)'", html) == [s.id for s, _ in reversed(visible)]


@pytest.mark.parametrize(("changes", "zh", "en"), [
    ({}, "铁路按最快班次（不含候车）；门到门", "rail: fastest scheduled (no wait); door to door"),
    ({"figure": "typical"}, "铁路按典型时间", "rail: typical (fastest + expected wait"),
    ({"measure": "station"}, "站到站", "station to station"),
    ({"mode": "road", "figure": "typical", "measure": "station"}, "仅公路", "road only"),
])
def test_the_caption_says_which_figure_and_measure(changes, zh, en):
    view = ViewState(**changes)
    assert zh in circles_caption(view, "zh") and en in circles_caption(view, "en")
    if view.mode == "road":
        assert "典型" not in circles_caption(view, "zh") and "station" not in circles_caption(view, "en")
    if view.measure == "station" and view.mode == "rail":
        assert "10 km" in circles_caption(view, "en")


@pytest.mark.parametrize(("changes", "en"), [({}, "60/90-min Road + rail circles"),
                                             ({"measure": "station"}, "60/90-min station-to-station rail circles"),
                                             ({"mode": "road", "measure": "station"}, "60/90-min Road only circles")])
def test_the_briefing_title_names_the_measure(changes, en):
    view = ViewState(minutes=(60, 90), **changes)
    title, subtitle = briefing.default_titles(view, [CIRCLES], "en")
    assert en in title and circles_caption(view, "en") in subtitle
