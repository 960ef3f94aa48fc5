"""The GTFS feed: gtfs-kit reads it and rates it good, its trips carry the patterns' times, the committed feeds
are current, and ``python -m geo gtfs`` writes one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gtfs_kit as gk
import numpy as np
import pytest

from data import DERIVED_DIR
from geo.gtfs import feed_tables, write_feed
from geo.network import CURRENT_YEAR, PLAN_YEAR, PLANNED, default_network

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("year", [PLAN_YEAR, CURRENT_YEAR, PLANNED])
def test_gtfs_kit_reads_a_good_feed(tmp_path, year):
    feed = gk.read_feed(write_feed(default_network(), tmp_path / "feed.zip", year), dist_units="km")
    quality = feed.assess_quality().set_index("indicator")["value"]
    assert quality["assessment"] == "good feed", quality.to_dict()
    assert set(feed.stop_times["stop_id"]) <= set(feed.stops["stop_id"])
    assert set(feed.trips["route_id"]) == set(feed.routes["route_id"])
    assert len(feed.trips) == 2 * len(feed.routes)  # every pattern runs both ways


def _clock(hms: str) -> float:
    h, m, s = (int(x) for x in hms.split(":"))
    return h * 60 + m + s / 60


def test_a_pattern_trip_keeps_its_sourced_times_and_the_engine_agrees():
    net = default_network()
    tables = feed_tables(net, CURRENT_YEAR)
    times = tables["stop_times.txt"]
    g66 = times[times["trip_id"] == "hubei_g66_wuhan_zhengzhou:0"]
    assert list(g66["stop_id"]) == ["wuhan", "zhengzhou_east"]
    assert _clock(g66["arrival_time"].iloc[-1]) - _clock(g66["departure_time"].iloc[0]) == 96
    back = times[times["trip_id"] == "hubei_g66_wuhan_zhengzhou:1"]
    assert list(back["stop_id"]) == ["zhengzhou_east", "wuhan"]
    graph = net.graph(CURRENT_YEAR)
    engine = graph.station_minutes(np.array([net.station_index("wuhan")]))[0, net.station_index("zhengzhou_east")]
    assert engine == 96
    sources = tables["sources.txt"].set_index("route_id")
    assert sources.loc["hubei_g66_wuhan_zhengzhou", "source"].startswith("http")


def test_the_2015_feed_has_no_train_of_today_only():
    routes = set(feed_tables(default_network(), PLAN_YEAR)["routes.txt"]["route_id"])
    assert "hubei_g66_wuhan_zhengzhou" not in routes and "hubei_g1004_szn_wuhan_2012" in routes


def test_the_committed_feeds_are_the_ones_the_sources_give(tmp_path):
    net = default_network()
    for label, year in (("2015", PLAN_YEAR), ("now", CURRENT_YEAR), ("planned", PLANNED)):
        fresh = write_feed(net, tmp_path / f"gtfs_{label}.zip", year)
        assert fresh.read_bytes() == (DERIVED_DIR / f"gtfs_{label}.zip").read_bytes(), label


def test_the_command_line_writes_a_feed_and_refuses_another_suffix(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "geo", "gtfs", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)

    out = tmp_path / "feed.zip"
    res = run("--year", "2015", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert gk.read_feed(out, dist_units="km").routes is not None
    bad = run("--out", str(tmp_path / "feed.txt"))
    assert bad.returncode == 2 and bad.stderr.startswith("error: --out must end in .zip")
