"""The before/after sheet (render.comparison_sheet): both sides named, the gains of Comparison.reach printed in
either language, the difference bands in the app's colours on the map, and `layers snapshot --compare-base`."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from geo.compare import compare
from geo.scenario import scenario_from_dict
from layers.difference import BAND_COLOURS
from layers.i18n import fmt_number
from render.briefing import BriefingOptions
from render.comparison_sheet import render_comparison_sheet, sheet_title, side_name

ROOT = Path(__file__).resolve().parents[2]
# A direct 武汉—南昌西 train in 60 min (258 km geodesic: 258 km/h) brings 南昌 inside 武汉's 2 hours door to door.
DIRECT = {"name": "武汉南昌直达", "name_en": "Wuhan-Nanchang direct", "year": "now", "changes": [
    {"type": "add_service", "id": "user_1", "name_zh": "武汉—南昌西 直达", "stops": ["wuhan", "nanchang_west"],
     "run_min": [60], "trains_per_day": 12}]}
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def result():
    return compare("now", scenario_from_dict(DIRECT), origins=["武汉"], thresholds=[60, 120])


def _text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())  # pdftotext breaks lines (and Chinese runs) where the sheet does


def _row(result, minutes: int):
    reach = result.reach
    return reach[(reach["origin"] == "武汉") & (reach["minutes"] == minutes)].iloc[0]


def test_side_names_and_title(result):
    assert sheet_title(result, "zh") == "今日 → 情景 武汉南昌直达"
    assert sheet_title(result, "en") == "Today → scenario Wuhan-Nanchang direct"
    assert side_name(result.before, "en") == "Today"


@needs_poppler
@pytest.mark.parametrize(("lang", "new_city", "notice"), [("zh", "南昌", "非正式出版地图"),
                                                           ("en", "Nanchang", "notanofficiallypublishedmap")])
def test_pdf_holds_both_sides_and_the_gains(result, tmp_path, lang, new_city, notice):
    sheet = render_comparison_sheet(result, "pdf", BriefingOptions(extent="region", lang=lang))
    text = _text(sheet.data, tmp_path)
    row = _row(result, 120)
    assert row["new_cities"] == "南昌" and row["population_gain"] > 0
    for name in (side_name(result.before, lang), side_name(result.after, lang)):
        assert "".join(name.split()) in text
    gain = "".join(("+" + fmt_number(row["population_gain"], lang)).split())
    after = "".join(fmt_number(row["population_after"], lang).split())
    assert gain in text and after in text
    assert new_city in text
    assert notice in text
    # The plan target the direct train newly meets (武汉—南昌 within 2 h) is listed.
    assert ("成员城市2小时互达" if lang == "zh" else "2hbetweenmembers") in text


def _pixels(colour: str, image: np.ndarray) -> int:
    rgb = np.round(np.array(to_rgb(colour)) * 255).astype(int)
    return int((np.abs(image[:, :, :3].astype(int) - rgb).max(axis=2) <= 2).sum())


def test_png_map_shows_the_bands_in_the_apps_colours(result):
    sheet = render_comparison_sheet(result, "png", BriefingOptions(extent="region", lang="en", dpi=100))
    with Image.open(io.BytesIO(sheet.data)) as img:
        image = np.asarray(img.convert("RGB"))
    left, top, right, bottom = sheet.frames_px["map"]
    area = image[top:bottom, left:right]
    bands = result.bands.set_index("band")["area_km2"]
    saved = [b for b in ("5–15", "15–30", "30+") if bands[b] > 200]
    assert saved, bands  # the direct train saves minutes over a large area
    for band in saved:
        assert _pixels(BAND_COLOURS[band], area) > 20, band
    assert bands["lost"] == 0 and _pixels(BAND_COLOURS["lost"], area) == 0  # nothing gets slower


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.mark.parametrize(("args", "message"), [
    (("--compare-base", "now"), "--compare-base needs --scenario"),
    (("--compare-base", "mars", "--scenario", "examples/scenarios/faster_wuyi.yaml"), "not a network year"),
    (("--compare-base", "now", "--scenario", "examples/scenarios/faster_wuyi.yaml", "--layers", "cities"),
     "--layers does not apply"),
    (("--compare-base", "now", "--scenario", "examples/scenarios/faster_wuyi.yaml", "--mode", "road"),
     "drop --mode"),
    (("--compare-base", "now", "--scenario", "examples/scenarios/faster_wuyi.yaml", "--minutes", "0"),
     "--minutes"),
    (("--compare-base", "now", "--scenario", "no/such.yaml"), "no such scenario file"),
])
def test_cli_bad_input_is_one_line(tmp_path, args, message):
    res = _run("snapshot", "--out", str(tmp_path / "sheet.pdf"), *args)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], res.stderr
    assert not (tmp_path / "sheet.pdf").exists()


@needs_poppler
def test_cli_writes_the_sheet(tmp_path):
    scenario = tmp_path / "direct.json"
    scenario.write_text(json.dumps(DIRECT, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    res = _run("snapshot", "--out", str(out), "--compare-base", "now", "--scenario", str(scenario),
               "--origins", "武汉", "--minutes", "120", "--lang", "en")
    assert res.returncode == 0, res.stderr
    assert "before/after sheet" in res.stdout
    text = _text(out.read_bytes(), tmp_path)
    assert "Today→scenarioWuhan-Nanchangdirect" in text and "Nanchang" in text


@needs_poppler
def test_a_table_too_long_for_the_sheet_is_cut_with_a_line_saying_so(result, tmp_path):
    many = dataclasses.replace(result, reach=pd.concat([result.reach] * 30, ignore_index=True))
    sheet = render_comparison_sheet(many, "pdf", BriefingOptions(extent="region", lang="en", orientation="portrait"))
    assert any("cut to fit" in n for n in sheet.notices)
    text = _text(sheet.data, tmp_path)
    assert "morenotlisted:seetheexportedtables" in text
    whole = render_comparison_sheet(result, "pdf", BriefingOptions(extent="region", lang="en"))
    assert not any("cut to fit" in n for n in whole.notices)
