"""Briefing maps: sheet sizes, every layout element drawn in its frame, real Chinese glyphs, PDF and SVG."""

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PIL import Image

import layers
from export.files import ExportError
from layers.view import ViewState
from render import briefing, fonts
from render.briefing import BriefingOptions, render_briefing

STATIC = ("provinces", "agglomeration", "subclusters", "cities")
VIEW = ViewState(layers=STATIC)

needs_cjk = pytest.mark.skipif(fonts.find_cjk_family() is None, reason="no CJK font installed (fonts-noto-cjk)")


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _crop(img: np.ndarray, box: tuple[int, int, int, int], inset: int = 3) -> np.ndarray:
    left, top, right, bottom = box
    return img[top + inset:bottom - inset, left + inset:right - inset]


def _near(img: np.ndarray, color: str, tol: int = 40) -> int:
    """How many pixels are within ``tol`` (per channel) of ``color``."""
    target = np.array([round(c * 255) for c in to_rgb(color)])
    return int((np.abs(img - target).max(axis=2) <= tol).sum())


def _blend(color: str, alpha: float, under: str = "#ffffff") -> str:
    c, u = np.array(to_rgb(color)), np.array(to_rgb(under))
    r, g, b = alpha * c + (1 - alpha) * u
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


@pytest.fixture(scope="module")
def zh_png(artifacts):
    result = render_briefing(VIEW, "png", BriefingOptions(dpi=150, extent="region"))
    (artifacts / "test_briefing_zh_a4_150.png").write_bytes(result.data)
    return result


@pytest.mark.parametrize(
    ("paper", "orientation", "dpi", "size"),
    [("a4", "landscape", 300, (3508, 2480)), ("a4", "portrait", 150, (1240, 1754)),
     ("a3", "landscape", 150, (2480, 1754)), ("a3", "portrait", 150, (1754, 2480))],
)
def test_png_has_the_pixel_size_of_the_sheet(paper, orientation, dpi, size, artifacts):
    result = render_briefing(VIEW, "png", BriefingOptions(paper=paper, orientation=orientation, dpi=dpi))
    with Image.open(io.BytesIO(result.data)) as img:
        assert img.size == size == result.size_px
    assert result.mime == "image/png" and result.filename.endswith(".png")
    if paper == "a3" and orientation == "portrait":
        (artifacts / "test_briefing_a3_portrait.png").write_bytes(result.data)


def test_every_frame_lies_on_the_sheet_without_overlap(zh_png):
    w, h = zh_png.size_px
    frames = zh_png.frames_px
    assert {"title", "map", "legend", "inset", "scalebar", "north", "footer"} <= set(frames)
    for left, top, right, bottom in frames.values():
        assert 0 <= left < right <= w and 0 <= top < bottom <= h
    side = ("title", "map", "legend", "inset", "footer")
    for i, a in enumerate(side):
        for b in side[i + 1:]:
            la, ta, ra, ba = frames[a]
            lb, tb, rb, bb = frames[b]
            assert ra <= lb or rb <= la or ba <= tb or bb <= ta, f"{a} overlaps {b}"


def test_legend_shows_the_visible_layers_in_their_style_colours(zh_png):
    legend = _crop(_pixels(zh_png.data), zh_png.frames_px["legend"])
    for _zh, color in layers.get("subclusters").style.categories:
        assert _near(legend, _blend(color, 0.35), tol=12) > 50, color  # each sub-cluster swatch
    assert _near(legend, "#5b2a86", tol=30) > 20  # the agglomeration's dashed outline


def test_legend_lists_exactly_the_visible_layers():
    only_cities = render_briefing(ViewState(layers=("cities",)), "png", BriefingOptions(dpi=150))
    legend = _crop(_pixels(only_cities.data), only_cities.frames_px["legend"])
    for _zh, color in layers.get("subclusters").style.categories:
        assert _near(legend, _blend(color, 0.35), tol=12) == 0  # sub-clusters are off: no swatch
    assert _near(legend, "#b2182b", tol=30) > 10  # the core-city symbol


def test_scale_bar_north_arrow_and_inset_are_drawn_in_their_frames(zh_png):
    img = _pixels(zh_png.data)
    bar = _crop(img, zh_png.frames_px["scalebar"])
    north = _crop(img, zh_png.frames_px["north"])
    inset = _crop(img, zh_png.frames_px["inset"])
    assert _near(bar, "#222222", tol=30) > 300  # the black bar segments and their numbers
    assert _near(bar, "#ffffff", tol=10) > bar.shape[0] * bar.shape[1] * 0.5  # on a white panel
    assert _near(north, "#222222", tol=30) > 150  # arrow and letter
    assert _near(inset, "#c0392b", tol=25) > 30  # the agglomeration marked on China
    assert _near(inset, "#e3e2dc", tol=8) > 2000  # China's land


def test_map_and_footer_are_drawn(zh_png):
    img = _pixels(zh_png.data)
    sheet_map = _crop(img, zh_png.frames_px["map"])
    assert _near(sheet_map, _blend("#2e8b57", 0.22, "#fbfaf6"), tol=12) > 5000  # the Changsha sub-cluster fill
    assert _near(_crop(img, zh_png.frames_px["footer"], 0), "#6b6b6b", tol=50) > 200  # attribution text
    assert _near(_crop(img, zh_png.frames_px["title"], 0), "#222222", tol=40) > 500  # title text


def test_scale_bar_matches_the_geodesic_distance():
    """A km on the bar equals a geodesic km at the map centre (within the 1 % the projection allows)."""
    limits = briefing._map_limits("region", VIEW, 1.3)
    cx, cy = (limits[0] + limits[1]) / 2, (limits[2] + limits[3]) / 2
    assert briefing._ground_scale(cx, cy) == pytest.approx(1.0, abs=0.01)  # Albers near its standard parallels


def test_north_arrow_points_to_true_north():
    """Meridians converge towards the pole in the conic: true north leans west east of 113.5°E, east west of it."""
    east, centre, west = briefing._to_map(shapely.points([(117.5, 29.0), (113.5, 29.0), (110.0, 29.0)]))
    assert briefing._north_angle(east.x, east.y) < -1.0
    assert briefing._north_angle(centre.x, centre.y) == pytest.approx(0.0, abs=1e-6)
    assert briefing._north_angle(west.x, west.y) > 1.0


def _glyph_image(text: str, family: str) -> np.ndarray:
    fig = Figure(figsize=(1.2, 0.5), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.05, 0.3, text, family=[family], fontsize=20)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return _pixels(buf.getvalue())


@needs_cjk
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_chinese_renders_real_glyphs_not_boxes():
    family = fonts.find_cjk_family()
    box = _glyph_image("长", "DejaVu Sans")  # DejaVu has no CJK: this is the missing-glyph box
    assert (_glyph_image("江", "DejaVu Sans") == box).all()  # every missing glyph looks the same
    chang, jiang = _glyph_image("长", family), _glyph_image("江", family)
    assert not (chang == box).all() and not (chang == jiang).all()


@needs_cjk
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_briefing_title_is_not_drawn_in_boxes(zh_png, monkeypatch):
    monkeypatch.setattr(fonts, "choose_font", lambda lang: fonts.FontChoice(lang, ("DejaVu Sans",)))
    monkeypatch.setattr(briefing, "choose_font", fonts.choose_font)
    boxed = render_briefing(VIEW, "png", BriefingOptions(dpi=150, extent="region"))
    real = _crop(_pixels(zh_png.data), zh_png.frames_px["title"], 0)
    tofu = _crop(_pixels(boxed.data), boxed.frames_px["title"], 0)
    assert zh_png.lang == "zh"
    assert (np.abs(real - tofu).max(axis=2) > 60).sum() > 2000  # the glyphs differ from the boxes


def test_without_a_cjk_font_labels_fall_back_to_english(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_family", lambda: None)
    result = render_briefing(VIEW, "png", BriefingOptions(dpi=150, lang="zh"))
    assert result.lang == "en"
    assert any("CJK" in n for n in result.notices)


def test_pdf_is_a_vector_file_poppler_renders(tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    result = render_briefing(VIEW, "pdf", BriefingOptions())
    assert result.data.startswith(b"%PDF") and result.mime == "application/pdf"
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(result.data)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True,
                   capture_output=True, timeout=60)
    with Image.open(tmp_path / "page.png") as page:
        expected = (297 / 25.4 * 50, 210 / 25.4 * 50)  # poppler rounds the sheet up to whole pixels
        assert all(abs(got - want) <= 1 for got, want in zip(page.size, expected, strict=True))
        assert np.asarray(page.convert("L")).std() > 10  # something is drawn


def test_svg_parses_and_has_the_sheet_size():
    result = render_briefing(VIEW, "svg", BriefingOptions(paper="a3", orientation="portrait"))
    root = ET.fromstring(result.data)
    assert root.tag.endswith("svg") and result.mime == "image/svg+xml"
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(297 / 25.4 * 72, rel=1e-3)
    assert float(root.get("height").removesuffix("pt")) == pytest.approx(420 / 25.4 * 72, rel=1e-3)


def test_default_title_names_the_circles_and_subtitle_the_layers():
    specs = [layers.get("cities"), layers.get("isochrones")]
    view = ViewState(origins=("武汉", "长沙"), minutes=(60, 120))
    title, subtitle = briefing.default_titles(view, specs, "zh")
    assert title.startswith("长江中游城市群")
    assert "成员城市" in subtitle and "路网" in subtitle
    assert "武汉、长沙" in title and "60/120" in title
    plain, _ = briefing.default_titles(view, [layers.get("cities")], "zh")
    assert "武汉" not in plain


def test_a_broken_layer_is_left_out_and_reported(monkeypatch):
    real = briefing._layer_data

    def broken(spec, params):
        if spec.id == "subclusters":
            raise FileNotFoundError("no derived file 'subclusters'")
        return real(spec, params)

    monkeypatch.setattr(briefing, "_layer_data", broken)
    result = render_briefing(VIEW, "png", BriefingOptions(dpi=150, title="咸岳九合作简报"))
    assert any("subclusters" in n for n in result.notices)
    legend = _crop(_pixels(result.data), result.frames_px["legend"])
    assert _near(legend, _blend("#d1495b", 0.35), tol=12) == 0


def test_unknown_layer_is_an_error():
    with pytest.raises(layers.UnknownLayerError):
        render_briefing(ViewState(layers=("nope",)), "png")


@pytest.mark.parametrize(
    "options",
    [BriefingOptions(paper="letter"), BriefingOptions(orientation="diagonal"), BriefingOptions(dpi=5),
     BriefingOptions(extent=(120, 30, 110, 25)), BriefingOptions(lang="fr")],
)
def test_bad_options_are_export_errors(options):
    with pytest.raises(ExportError):
        render_briefing(VIEW, "png", options)


def test_a_long_legend_stays_inside_its_frame(artifacts):
    every = ViewState(layers=tuple(s.id for s in layers.all_specs()))
    for orientation in ("landscape", "portrait"):
        result = render_briefing(every, "png", BriefingOptions(dpi=150, orientation=orientation))
        img = _pixels(result.data)
        left, top, right, bottom = result.frames_px["legend"]
        (artifacts / f"test_briefing_all_layers_{orientation}.png").write_bytes(result.data)
        below = img[bottom + 2:bottom + 6, left:right]  # the gap under the legend frame
        beside = img[top:bottom, right + 2:right + 5] if orientation == "portrait" else img[top:bottom, right + 1:]
        assert _near(below, "#ffffff", tol=3) == below.shape[0] * below.shape[1], orientation
        assert _near(beside, "#ffffff", tol=3) == beside.shape[0] * beside.shape[1], orientation


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (.ci/run installs it)")
def test_footer_states_the_road_assumptions_behind_the_circles(tmp_path):
    def footer_text(view: ViewState) -> str:
        pdf = tmp_path / "brief.pdf"
        pdf.write_bytes(render_briefing(view, "pdf", BriefingOptions(lang="en")).data)
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return " ".join(out.split())

    circles = ViewState(layers=("provinces", "isochrones"), origins=("武汉",), minutes=(60,), lang="en",
                        road=(65.0, 1.3, 17.0, 15.0, 10.0, 100.0))
    text = footer_text(circles)
    assert ("Road: 65 km/h, detour ×1.3, 17 min in town, 15 min to board, 10 min to leave, stations within 100 km"
            in text)
    assert "Road:" not in footer_text(ViewState(layers=("provinces", "cities"), lang="en"))


def test_a_hole_wound_like_its_shell_stays_open():
    """Structure defect 6: the briefing filled such a hole (matplotlib fills by the non-zero rule); the web map
    did not."""
    import geopandas as gpd

    from layers.registry import _SPECS, register
    from layers.spec import Group, LayerSpec, Style

    shell = [(113.0, 29.0), (116.0, 29.0), (116.0, 32.0), (113.0, 32.0)]
    hole = [(114.0, 30.0), (115.0, 30.0), (115.0, 31.0), (114.0, 31.0)]  # counter-clockwise, like the shell
    frame = gpd.GeoDataFrame({"name_zh": ["环"], "name_en": ["ring"], "source": ["test"]},
                             geometry=[shapely.Polygon(shell, [hole])], crs="EPSG:4326")
    spec = LayerSpec(id="wound_hole", title_zh="环", title_en="ring", group=Group.USER, build=lambda: frame,
                     style=Style(kind="polygon", color="#000000", fill_color="#000000", fill_opacity=1.0))
    register(spec)
    try:
        view = ViewState(layers=("wound_hole",), center=(114.5, 30.5), zoom=8)
        result = render_briefing(view, "png", BriefingOptions(dpi=150, title="hole"))
    finally:
        _SPECS.pop("wound_hole")
    img = _pixels(result.data)
    left, top, right, bottom = result.frames_px["map"]
    centre = img[(top + bottom) // 2 - 3:(top + bottom) // 2 + 3, (left + right) // 2 - 3:(left + right) // 2 + 3]
    assert _near(centre, "#000000", tol=30) == 0, "the hole is filled"
    assert _near(_crop(img, result.frames_px["map"]), "#000000", tol=30) > 1000, "the shell is not filled"


def _drawn_titles(monkeypatch) -> list[str]:
    """The title and subtitle as drawn (after fitting), recorded from :func:`briefing._fit`."""
    drawn: list[str] = []
    real = briefing._fit

    def fit(text, *args, **kwargs):
        real(text, *args, **kwargs)
        drawn.append(text.get_text())

    monkeypatch.setattr(briefing, "_fit", fit)
    return drawn


@pytest.mark.parametrize("title", ["长江" * 2_000, "Wuhan " * 700])
def test_a_very_long_title_is_cut_with_an_ellipsis_in_bounded_time(monkeypatch, title):
    import time

    drawn = _drawn_titles(monkeypatch)
    start = time.monotonic()
    render_briefing(ViewState(layers=("cities",)), "png", BriefingOptions(dpi=150, title=title, subtitle=title))
    assert time.monotonic() - start < 30  # 4,000 characters took 175 s
    assert len(drawn) == 2 and all(d.endswith("…") and 10 < len(d) < 300 for d in drawn), drawn
    assert title.startswith(drawn[0][:-1].rstrip())


def test_an_automatic_title_of_many_thresholds_is_bounded():
    circle_spec = layers.get("isochrones")
    view = ViewState(origins=("武汉", "长沙", "南昌"), minutes=tuple(range(1, 1441)))
    title, subtitle = briefing.default_titles(view, [circle_spec] * 200, "en")
    assert len(title) < 300 and len(subtitle) < 300
    assert "1/2/3/4/5/6/…" in title and subtitle.count("…") == 1


@pytest.mark.parametrize("title", [r"$\notacommand$", "成本 $^$ 与 $_$", "$" * 7])
def test_dollar_signs_in_titles_are_text_not_mathtext(title):
    result = render_briefing(ViewState(layers=("cities",)), "png", BriefingOptions(dpi=150, title=title))
    assert result.data.startswith(b"\x89PNG")
