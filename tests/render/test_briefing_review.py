"""A briefing that passes review (issue 12, section 4): the China inset by the rules for maps of China, the
review notice, a footer for people, a legend box that fits, symbols above the circle bands, labels that do not
collide."""

import io
import itertools
import shutil
import subprocess
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from PIL import Image

import layers
from data import read_derived
from layers.registry import _SPECS, register
from layers.spec import Group, LayerSpec, Style
from layers.view import ViewState
from render import briefing, fonts
from render.briefing import BriefingOptions, briefing_figure, render_briefing

needs_cjk = pytest.mark.skipif(fonts.find_cjk_family() is None, reason="no CJK font installed (fonts-noto-cjk)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

CIRCLES = ViewState(layers=("provinces", "subclusters", "cities", "cross_river_pairs", "cross_river_towns",
                            "isochrones"), origins=("武汉", "长沙", "南昌"), minutes=(60, 120, 180))


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _near(img: np.ndarray, color: str, tol: int) -> int:
    target = np.array([round(c * 255) for c in to_rgb(color)])
    return int((np.abs(img - target).max(axis=2) <= tol).sum())


@pytest.fixture(scope="module")
def png(artifacts):
    result = render_briefing(CIRCLES, "png", BriefingOptions(dpi=200, extent="region", lang="zh"))
    (artifacts / "test_briefing_review_zh.png").write_bytes(result.data)
    return result


# --------------------------------------------------------------------------- the China inset


def test_inset_has_the_south_china_sea_box_in_svg():
    root = ET.fromstring(render_briefing(CIRCLES, "svg", BriefingOptions(lang="en")).data)
    ids = {el.get("id") for el in root.iter()}
    assert briefing.SCS_GID in ids and "china-inset" in ids
    box = next(el for el in root.iter() if el.get("id") == briefing.SCS_GID)
    assert len(list(box.iter())) > 20  # drawn: land, islands, dashes, caption


def test_south_china_sea_box_sits_in_the_inset_lower_right_with_the_dashes(png):
    img = _pixels(png.data)
    left, top, right, bottom = png.frames_px["scs"]
    il, it, ir, ib = png.frames_px["inset"]
    assert il < left < right == pytest.approx(ir, abs=0.03 * (ir - il)) and it < top < bottom  # lower right
    assert bottom == pytest.approx(ib, abs=0.03 * (ib - it)) and (left - il) > 0.6 * (ir - il)
    inside = img[top + 3:bottom - 3, left + 3:right - 3]
    assert _near(inside, briefing._SEA, tol=3) > 0.3 * inside.shape[0] * inside.shape[1]  # the box's sea
    assert _near(inside, briefing._DASH_INK, tol=40) > 40  # the maritime boundary dashes
    assert _near(inside, briefing._CHINA_EDGE, tol=30) > 40  # the island groups
    # The box is in the corner: the rest of the inset's bottom strip, left of it, has no box sea.
    beside = img[top + 3:bottom - 3, il + 3:left - 3]
    assert _near(beside, briefing._SEA, tol=1) < 0.01 * beside.shape[0] * beside.shape[1]


def test_inset_shows_taiwan_and_hainan_on_the_main_frame():
    data = briefing._inset_data()
    taiwan, hainan = briefing._to_map(shapely.points([(121.0, 23.7), (109.8, 19.2)]), briefing.INSET_CRS)
    x0, y0, x1, y1 = data.main_bounds
    for p in (taiwan, hainan):
        assert x0 < p.x < x1 and y0 < p.y < y1
        assert shapely.union_all(data.china).contains(p)
    sx0, sy0, sx1, sy1 = data.scs_bounds
    zengmu = briefing._to_map(shapely.points([(112.28, 3.97)]), briefing.INSET_CRS)[0]  # 曾母暗沙
    assert sx0 < zengmu.x < sx1 and sy0 < zengmu.y < sy1
    assert len(data.dashes) == 10


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_no_land_of_the_main_frame_lies_under_the_south_china_sea_box(orientation):
    fig = briefing_figure(ViewState(layers=("cities",)), BriefingOptions(dpi=100, orientation=orientation))
    inset = next(ax for ax in fig.axes if ax.get_gid() == "china-inset")
    box = next(ax for ax in inset.child_axes if ax.get_gid() == briefing.SCS_GID)
    corner = inset.transData.inverted().transform(box.get_window_extent().get_points())
    under = shapely.box(*corner.ravel())
    assert not shapely.union_all(briefing._inset_data().mainland).intersects(under)
    # 钓鱼岛 is on the main frame, drawn (as a dot: it is 4 km²) and not under the box.
    diaoyu = briefing._to_map(shapely.points([(123.47, 25.74)]), briefing.INSET_CRS)[0]
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    assert x0 < diaoyu.x < x1 and y0 < diaoyu.y < y1 and not under.contains(diaoyu)
    assert min(shapely.distance(briefing._inset_data().islands, diaoyu)) < 5000


def test_south_china_sea_box_reaches_what_the_rules_ask():
    """Hanoi, Manila, the Tropic of Cancer over Taiwan, 曾母暗沙 and the Malaysian coast at Kuching."""
    x0, y0, x1, y1 = briefing._inset_data().scs_bounds
    places = [(105.85, 21.03), (120.98, 14.6), (120.9, 23.44), (112.28, 3.97), (110.35, 1.55)]
    for p in briefing._to_map(shapely.points(places), briefing.INSET_CRS):
        assert x0 <= p.x <= x1 and y0 <= p.y <= y1, p


# --------------------------------------------------------------------------- notice and footer


def _pdf_text(data: bytes, tmp_path) -> str:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())  # pdftotext breaks lines (and Chinese runs) where the sheet does


@needs_poppler
@needs_cjk
@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", ("本图仅供内部研究参考", "非正式出版地图", "审图号", "数据来源", "南海诸岛")),
    ("en", ("Forinternalresearchreferenceonly", "notanofficiallypublishedmap", "审图号", "Sources:",
            "SouthChinaSea")),
])
def test_notice_and_sources_are_in_the_pdf_text_layer(lang, expected, tmp_path):
    text = _pdf_text(render_briefing(CIRCLES, "pdf", BriefingOptions(lang=lang)).data, tmp_path)
    for phrase in expected:
        assert phrase in text, phrase


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_footer_is_text_for_people_not_paths_or_modules(lang):
    every = ViewState(layers=tuple(s.id for s in layers.all_specs()), origins=("武汉",), minutes=(60,))
    fig = briefing_figure(every, BriefingOptions(dpi=72, lang=lang))
    footer = " ".join(t.get_text() for t in fig.texts if t.get_gid() in ("footer", "review-notice"))
    assert footer
    for code in ("data/", ".py", ".csv", "geo.", "RoadModel", "sources/", "github"):
        assert code not in footer, code
    if lang == "en":
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in footer.replace("审图号", ""))
    else:
        assert "Boundaries" not in footer and "Travel times" not in footer


# --------------------------------------------------------------------------- legend, z-order, labels


@pytest.mark.parametrize("layer_ids", [("cities",), ("cities", "subclusters", "isochrones")])
def test_legend_box_fits_its_entries(layer_ids):
    view = ViewState(layers=layer_ids, origins=("武汉", "长沙"), minutes=(60, 120))
    fig = briefing_figure(view, BriefingOptions(dpi=100))
    ax = next(a for a in fig.axes if a.get_gid() == "legend")
    box = next(p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() == "legend-box").get_window_extent()
    content = ax.get_legend().get_window_extent()
    panel = ax.get_window_extent()
    pad = briefing._LEGEND_PAD_PT * fig.dpi / 72
    assert panel.y0 - 1 <= box.y0 and box.y1 <= panel.y1 + 1  # on its panel
    assert box.x0 - 1 <= content.x0 and content.x1 <= box.x1 + 1 and box.y0 - 1 <= content.y0  # no overflow
    assert content.y0 - box.y0 <= pad + 1  # no empty box below the entries
    if layer_ids == ("cities",):
        assert box.height < 0.5 * panel.height  # two entries do not get the whole panel


def test_long_legend_stays_on_its_panel():
    every = ViewState(layers=tuple(s.id for s in layers.all_specs()), origins=("武汉", "长沙", "南昌"))
    for orientation in ("landscape", "portrait"):
        fig = briefing_figure(every, BriefingOptions(dpi=100, orientation=orientation))
        ax = next(a for a in fig.axes if a.get_gid() == "legend")
        content, panel = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert panel.x0 - 1 <= content.x0 and content.x1 <= panel.x1 + 1, orientation
        assert panel.y0 - 1 <= content.y0 and content.y1 <= panel.y1 + 1, orientation


@pytest.fixture
def user_points():
    frame = gpd.GeoDataFrame({"name_zh": ["项目甲", "项目乙"], "name_en": ["A", "B"], "source": ["test"] * 2},
                             geometry=shapely.points([(114.3, 30.6), (113.0, 28.2)]), crs="EPSG:4326")
    spec = LayerSpec(id="user.projects", title_zh="重点项目", title_en="Projects", group=Group.USER,
                     build=lambda: frame, style=Style(kind="point", color="#3182bd", radius=6))
    register(spec)
    yield spec
    _SPECS.pop(spec.id)


def _zorders(fig, layer_id: str) -> list[float]:
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    return [a.get_zorder() for a in ax.get_children() if a.get_gid() == f"layer:{layer_id}"]


def test_user_points_and_cross_river_pairs_are_drawn_above_the_circle_bands(user_points):
    view = ViewState(layers=(*CIRCLES.layers, user_points.id), origins=CIRCLES.origins, minutes=CIRCLES.minutes)
    fig = briefing_figure(view, BriefingOptions(dpi=72, extent="region"))
    bands = _zorders(fig, "isochrones")
    assert bands
    for above in (user_points.id, "cross_river_pairs", "cross_river_towns", "cities"):
        z = _zorders(fig, above)
        assert z and min(z) > max(bands), above
    assert max(_zorders(fig, "subclusters")) < min(bands)  # area fills stay under the bands


def _labels_and_markers(fig):
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    labels = {t.get_gid()[6:]: t.get_window_extent() for t in ax.texts if (t.get_gid() or "").startswith("label:")}
    return ax, labels


@needs_cjk
@pytest.mark.parametrize(("paper", "orientation", "lang"), [("a4", "landscape", "zh"), ("a4", "landscape", "en"),
                                                             ("a3", "portrait", "zh"), ("a4", "portrait", "en")])
def test_city_labels_do_not_collide_with_each_other_or_other_cities(paper, orientation, lang):
    fig = briefing_figure(CIRCLES, BriefingOptions(paper=paper, orientation=orientation, dpi=100, extent="region",
                                                   lang=lang))
    ax, labels = _labels_and_markers(fig)
    names = {"zh": ("黄冈", "鄂州", "湘潭", "株洲", "宜春", "新余"),
             "en": ("Huanggang", "Ezhou", "Xiangtan", "Zhuzhou", "Yichun", "Xinyu")}[lang]
    assert set(names) <= set(labels)  # none of the crowded pairs is dropped
    assert len(labels) == 31
    for (a, box_a), (b, box_b) in itertools.combinations(labels.items(), 2):
        assert not box_a.overlaps(box_b), (a, b)
    cities = read_derived("cities")
    name_col = "name_zh" if lang == "zh" else "name_en"
    seats = ax.transData.transform(shapely.get_coordinates(briefing._to_map(cities.geometry.to_numpy())))
    r = layers.get("cities").style.radius * briefing.PX_PT * fig.dpi / 72  # the member-city symbol's radius
    for name, box in labels.items():
        for other, (x, y) in zip(cities[name_col], seats, strict=True):
            if other != name:
                assert not box.overlaps(Bbox.from_extents(x - r, y - r, x + r, y + r)), (name, other)


@pytest.mark.filterwarnings("error:Glyph .* missing from font")
def test_without_a_cjk_font_the_english_notice_has_no_chinese(monkeypatch):
    """The English notice names the 审图号 in Chinese only when the font can draw it (else: boxes)."""
    monkeypatch.setattr(fonts, "find_cjk_family", lambda: None)
    fig = briefing_figure(ViewState(layers=("provinces",)), BriefingOptions(dpi=72, lang="en"))
    notice = next(t.get_text() for t in fig.texts if t.get_gid() == "review-notice")
    assert "not an officially published map" in notice
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in notice)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_footer_lines_fit_the_sheet_and_break_where_a_reader_expects(lang):
    every = ViewState(layers=tuple(s.id for s in layers.all_specs()), origins=("武汉",), minutes=(60,))
    fig = briefing_figure(every, BriefingOptions(dpi=100, lang=lang, paper="a4", orientation="portrait"))
    footer = next(t for t in fig.texts if t.get_gid() == "footer")
    lines = footer.get_text().split("\n")
    assert len(lines) >= 3  # the long source line was wrapped, not left running off the sheet
    assert footer.get_window_extent().x1 <= fig.bbox.width
    for line in lines:
        assert line == line.strip() and line[0] not in "，。；：、）」”》,.;:)", line
        assert line[-1] not in "（「“《(", line
    notice = next(t for t in fig.texts if t.get_gid() == "review-notice")
    assert notice.get_window_extent().y1 <= footer.get_window_extent().y0 + 1  # under the footer, not over it
    assert notice.get_window_extent().y0 >= 0
