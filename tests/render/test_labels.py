"""City labels on the web map: neighbours that collided at the default zoom get labels on different sides."""

from __future__ import annotations

import itertools

import pytest

import layers
from layers.frames import layer_frame
from render import webmap as fm

PAIRS = (("黄冈", "鄂州"), ("湘潭", "株洲"), ("宜春", "新余"))


def _boxes(names: list[str], lons, lats, sides, zoom: int) -> dict[str, tuple[float, float, float, float]]:
    import math

    scale = 256 * 2**zoom
    out = {}
    for name, lon, lat, side in zip(names, lons, lats, sides, strict=True):
        x = (lon + 180) / 360 * scale
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * scale
        width = sum(12.5 if ord(ch) > 0x2E80 else 7.0 for ch in name)
        out[name] = fm._label_box(x, y, width, side)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_two_city_labels_overlap_at_the_default_zoom(lang):
    cities = layer_frame(layers.get("cities"), {})
    names = list(cities["name_zh" if lang == "zh" else "name_en"])
    sides = fm.label_sides(cities.geometry.x, cities.geometry.y, names)
    boxes = _boxes(names, cities.geometry.x, cities.geometry.y, sides, fm.LABEL_ZOOM)
    by_zh = dict(zip(cities["name_zh"], names, strict=True))

    def overlap(a, b) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for a, b in PAIRS:
        assert not overlap(boxes[by_zh[a]], boxes[by_zh[b]]), (a, b)
    clashes = [(a, b) for a, b in itertools.combinations(names, 2) if overlap(boxes[a], boxes[b])]
    assert len(clashes) <= 1, clashes  # the 武汉 cluster at zoom 7 may keep one near miss
