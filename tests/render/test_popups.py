"""Popup and tooltip text for people: no codes or developer notes, English values, short linked citations."""

from __future__ import annotations

import html
import re

import pytest

from layers.frames import layer_frame, visible_layers
from layers.registry import builtin_ids
from layers.spec import Group, LayerSpec, Style
from layers.view import ViewState
from render import popups

_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Text a planner must never read in a popup: commit hashes, developer notes, internal paths, field codes.
_RAW = re.compile(r"@[0-9a-f]{7,40}|NOT CONFIRMED|assumption:|DERIVED|data/sources|\.csv\b|geo engine")
# A code as a whole table cell (the codes also occur inside repository names, which is fine).
_CODE_CELL = re.compile(r">(?:hitech_zone|bonded_zone|jingguang_hsr|regional_hub|intercity|hsr|core|member|whole|"
                        r"partial|regional|construction|planned|[01])<")


def _visible(markup: str) -> str:
    """What the page shows of ``markup``: tags (and so hover titles and link targets) removed, entities decoded."""
    return html.unescape(_TAG.sub(" ", markup))


def _every_popup(lang: str) -> list[tuple[str, str, str]]:
    """(layer id, row name, popup markup) for every feature of every built-in layer in the default view."""
    view = ViewState()
    out = []
    for spec, params in visible_layers(view, builtin_ids()):
        gdf = layer_frame(spec, params)
        for row in gdf.drop(columns=gdf.geometry.name).to_dict("records"):
            out.append((spec.id, str(row["name_zh"]), popups.popup_html(spec, row, lang)))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_popup_of_any_layer_shows_codes_notes_or_commit_hashes(lang):
    found = [(lid, name, m.group(0)) for lid, name, markup in _every_popup(lang)
             for m in [_RAW.search(_visible(markup)) or _CODE_CELL.search(markup)] if m]
    assert not found, found[:10]


def test_english_popups_translate_place_names_and_kinds():
    by_layer: dict[str, list[str]] = {}
    for lid, _, markup in _every_popup("en"):
        by_layer.setdefault(lid, []).append(_visible(markup))
    city = next(text for text in by_layer["cities"] if "Wuhan" in text.split("|")[0])
    assert "Hubei" in city and "Wuhan Metropolitan Circle" in city and "core city" in city
    assert "湖北" not in city.split("Province", 1)[1].split("Source")[0]
    assert any("Wuhan 0, Xiaogan" in text for text in by_layer["isochrones"])
    assert any("national high-tech zone" in text for text in by_layer["hitech_zones"])
    # The value cells of a city popup hold no Chinese in English mode (the second name beside the first may).
    cells = re.findall(r"<td>(.*?)</td>", next(m for lid, _, m in _every_popup("en") if lid == "cities"))
    assert cells and not any(_CJK.search(html.unescape(c)) for c in cells), cells


def test_a_source_is_a_short_citation_with_its_link():
    source = ("http://rail.ally.net.cn/html/2014/ganxiantielu_0917/32129.html (中国交通报 2014-09-17: 武汉到长沙) ; "
              "km: github owner/repo@9fbaea25d3bdf69951ceb1da72afb048eafa735d:js/train-stops.js ; "
              "https://big5.cri.cn/gate/big5/hb.cri.cn/n/20220429/87e7.html")
    markup = popups.citations(source, "en")
    shown = [c.strip() for c in _visible(markup).split("; ")]
    assert shown == ["中国交通报, 2014-09-17", "GitHub owner/repo", "hb.cri.cn, 2022-04-29"]
    assert ('href="https://github.com/owner/repo/blob/9fbaea25d3bdf69951ceb1da72afb048eafa735d/js/train-stops.js"'
            in markup)
    assert 'href="http://rail.ally.net.cn/html/2014/ganxiantielu_0917/32129.html"' in markup
    assert markup.count("<a ") == 3 and markup.count('rel="noopener noreferrer"') == 3


def test_hostile_source_text_is_escaped_and_never_linked_as_script():
    markup = popups.citations("javascript:alert(1) ; <img src=x onerror=alert(1)> ; http://a.example/\"onmouseover=x",
                              "zh")
    assert "<img" not in markup
    assert re.findall(r'href="([^"]*)"', markup) == ["http://a.example/"]


def _noted_spec() -> LayerSpec:
    return LayerSpec(id="noted", title_zh="测试", title_en="Test", group=Group.CONTEXT, build=lambda: None,
                     style=Style(kind="point"), fields=("city_zh", "minutes", "minutes_basis", "note"))


@pytest.mark.parametrize(("lang", "unconfirmed", "estimate"),
                         [("zh", "未核实", "估算"), ("en", "unconfirmed", "estimate")])
def test_developer_notes_become_badges_whose_hover_keeps_the_note(lang, unconfirmed, estimate):
    row = {"name_zh": "甲", "name_en": "A", "source": "https://x.example/a", "city_zh": "武汉", "minutes": 18.0,
           "minutes_basis": "derived: 78 min x 85/362 km share",
           "note": "assumption: <b>order</b> NOT CONFIRMED"}
    markup = popups.popup_html(_noted_spec(), row, lang)
    shown = _visible(markup)
    assert unconfirmed in shown and estimate in shown
    assert "NOT CONFIRMED" not in shown and "derived" not in shown
    assert "derived: 78 min x 85/362 km share" in html.unescape(markup)  # the basis travels with the figure
    assert "<b>order</b>" not in markup  # a note is data: escaped even in a hover title
    plain = dict(row, minutes_basis="timetable: 最快18分钟", note="")
    assert "mye-badge" not in popups.popup_html(_noted_spec(), plain, lang)


def test_whole_names_only_are_translated():
    assert popups.english_text("武汉 0、孝感 51") == "Wuhan 0, Xiaogan 51"
    assert popups.english_text("九江长江公路大桥 (2013)") == "九江长江公路大桥 (2013)"


@pytest.mark.parametrize(("layer_id", "query"), [("isochrones", {}), ("surface_bands", {}),
                                                 ("isochrones", {"measure": "station"})])
def test_population_basis_and_crossings_are_shown_in_the_chosen_language_only(layer_id, query):
    """The engine writes the people's basis and the river crossings in both languages (they travel so into
    exports); a popup shows one."""
    view = ViewState(**query)
    spec, params = next((s, p) for s, p in visible_layers(view, (layer_id,)))
    row = layer_frame(spec, params).iloc[0].to_dict()
    zh, en = (_visible(popups.popup_html(spec, row, lang)) for lang in ("zh", "en"))
    assert "人口" in zh and not re.search(r"census|apportioned|counties|bridges|none:", zh), zh
    assert "census" in en and not _CJK.search(en.split("Source")[0].replace(str(row["name_zh"]), "")), en


@pytest.mark.parametrize(("lang", "unconfirmed"), [("zh", "未核实"), ("en", "unconfirmed")])
def test_an_approximate_station_position_carries_an_unconfirmed_badge(lang, unconfirmed):
    """天门站 and 南昌东站 are placed from sourced distances, 宜昌北站 at its town's point: each popup says the
    position is unconfirmed and its hover keeps the basis; a station at its OpenStreetMap point has no badge."""
    import layers

    spec = layers.get("stations")
    rows = layer_frame(spec, {"year": "now"}).set_index("station_id")
    for sid in ("tianmen", "nanchang_east", "yichang_north"):
        markup = popups.popup_html(spec, {**rows.loc[sid].drop("geometry").to_dict(), "station_id": sid}, lang)
        assert unconfirmed in _visible(markup), sid
        hover = html.unescape(markup)
        assert "approximate position (uncertain): " in hover and "APPROXIMATE" in hover, sid
    sourced = popups.popup_html(spec, {**rows.loc["wuhan"].drop("geometry").to_dict(), "station_id": "wuhan"}, lang)
    assert "mye-badge" not in sourced
