"""The coordinate-system guess offered on import: from file and column names only, and None when nothing tells."""

from __future__ import annotations

import pytest

from workspace.reader import guess_crs


@pytest.mark.parametrize(("name", "columns", "expected"), [
    ("门店_高德.csv", ["name", "lon", "lat"], "gcj02"),
    ("shops.csv", ["name", "amap_lng", "amap_lat"], "gcj02"),
    ("poi_baidu.xlsx", ["name", "lng", "lat"], "bd09"),
    ("百度坐标.csv", [], "bd09"),
    ("survey.csv", ["name", "WGS84_E", "WGS84_N"], "wgs84"),
    ("地块_天地图.geojson", [], "cgcs2000"),
])
def test_names_that_reveal_the_datum_give_a_guess_with_its_reason(name, columns, expected):
    key, reason = guess_crs(name, columns)
    assert key == expected
    assert reason in (name, *columns)


def test_nothing_is_guessed_from_plain_names():
    assert guess_crs("batch_a.csv", ["name", "lon", "lat"]) is None
