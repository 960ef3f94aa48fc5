"""Datum conversions: known published pairs, round trips, and the outside-China rule."""

import numpy as np
import pytest

from geo import chinacoords as cc
from geo.crs import GEOD, shift_geometry

# Published reference pairs for the public GCJ-02 / BD-09 formulas, from the README of the PyPI
# package geocraft (geocraft.cn.coordinate_converter), input (116.404, 39.915) in each case.
WGS_IN = GCJ_IN = (116.404, 39.915)
GCJ_OF_WGS = (116.41024449916938, 39.91640428150164)
BD_OF_GCJ = (116.41036949371029, 39.92133699351021)


def _metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def test_wgs84_to_gcj02_matches_published_pair():
    got = cc.wgs84_to_gcj02(*WGS_IN)
    assert _metres(got, GCJ_OF_WGS) < 0.01


def test_gcj02_to_bd09_matches_published_pair():
    got = cc.gcj02_to_bd09(*GCJ_IN)
    assert _metres(got, BD_OF_GCJ) < 0.01


def test_inverses_recover_published_inputs_within_a_metre():
    assert _metres(cc.gcj02_to_wgs84(*GCJ_OF_WGS), WGS_IN) < 1.0
    assert _metres(cc.bd09_to_gcj02(*BD_OF_GCJ), GCJ_IN) < 1.0


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(cc.wgs84_to_gcj02, cc.gcj02_to_wgs84), (cc.gcj02_to_bd09, cc.bd09_to_gcj02),
     (cc.wgs84_to_bd09, cc.bd09_to_wgs84)],
)
def test_inverse_round_trip_under_a_centimetre(forward, inverse):
    rng = np.random.default_rng(7)
    lon = rng.uniform(108, 119, 500)
    lat = rng.uniform(24, 33, 500)
    back_lon, back_lat = inverse(*forward(lon, lat))
    _, _, dist = GEOD.inv(lon, lat, back_lon, back_lat)
    assert dist.max() < 0.01


def test_offset_is_hundreds_of_metres_in_the_region():
    lon, lat = np.array([114.3, 112.9, 115.9]), np.array([30.6, 28.2, 28.7])
    glon, glat = cc.wgs84_to_gcj02(lon, lat)
    _, _, dist = GEOD.inv(lon, lat, glon, glat)
    assert ((dist > 100) & (dist < 800)).all()


def test_outside_china_is_left_alone():
    lon, lat = cc.wgs84_to_gcj02(2.35, 48.85)
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_shift_geometry_moves_every_vertex_and_rejects_unknown_datum():
    import shapely

    line = shapely.LineString([(114.3, 30.6), (114.4, 30.7)])
    moved = shift_geometry(line, "wgs84", "gcj02")
    assert np.allclose(shapely.get_coordinates(moved)[0], cc.wgs84_to_gcj02(114.3, 30.6))
    assert shift_geometry(line, "cgcs2000", "wgs84") is line
    with pytest.raises(ValueError, match="unknown datum"):
        shift_geometry(line, "beijing54", "wgs84")
