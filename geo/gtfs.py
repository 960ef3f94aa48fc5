"""The rail network of a network year as a GTFS feed (zip), for r5py, OpenTripPlanner, QGIS and gtfs-kit.

What goes in, from :class:`~geo.network.RailNetwork`:

- ``stops.txt``: every station the year's trains call at (WGS-84); a station whose position is not
  sourced sits at its city's seat and says so in ``stop_desc``.
- ``routes.txt`` / ``trips.txt`` / ``stop_times.txt``: one route per service pattern (a real train's stop
  pattern, ``services.csv``) with a trip each way, and one route per segment line (``segments.csv``, the
  stopping pattern derived from published end-to-end times) with a trip each way along each of its
  chains of segments. Trips leave their first stop at 08:00:00; times are the scheduled run and dwell
  times (rounded to the second).
- ``shapes.txt``: straight station-to-station lines; ``shape_dist_traveled`` is geodesic km (track is longer).
- ``calendar.txt``: one daily service over the network year (2015, the current year, or the planned
  network's nominal year).
- ``frequencies.txt``: for patterns whose trains a day are sourced, a headway over 06:00–22:00.
- ``feed_info.txt`` and ``sources.txt`` (an extra file GTFS consumers ignore): each route's source and the
  basis of its times (timetable, published run time, interpolated or derived), so the figures stay traceable.

The zip is byte-for-byte reproducible (fixed member order and timestamps).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from geo.network import CURRENT_YEAR, PLAN_YEAR, PLANNED, RailNetwork, Year, check_year, geodesic_km

__all__ = ["FIRST_DEPARTURE_S", "feed_tables", "write_feed"]

FIRST_DEPARTURE_S = 8 * 3600  # every trip leaves its first stop at 08:00:00
SERVICE_DAY = (6 * 3600, 22 * 3600)  # the span a sourced train count is spread over, seconds after midnight
PLANNED_NOMINAL_YEAR = 2030  # the calendar year a "planned" feed is dated in (no timetable exists yet)
_ZIP_TIME = (2015, 1, 1, 0, 0, 0)
_AGENCY = "cr"


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _chains(seg: pd.DataFrame) -> list[list[int]]:
    """Row indices of ``seg`` (one line) grouped into trails: walks along unused segments, starting at stations
    where the line ends or branches, until every segment is on exactly one trail."""
    ends: dict[int, list[int]] = {}
    for i, (a, b) in enumerate(zip(seg["from_idx"], seg["to_idx"], strict=True)):
        ends.setdefault(int(a), []).append(i)
        ends.setdefault(int(b), []).append(i)
    used: set[int] = set()
    chains = []
    starts = sorted(ends, key=lambda s: (len(ends[s]) == 2, s))  # line ends and branches first
    for start in starts:
        while any(i not in used for i in ends[start]):
            here, chain = start, []
            while True:
                step = next((i for i in ends[here] if i not in used), None)
                if step is None:
                    break
                used.add(step)
                a, b = int(seg["from_idx"].iloc[step]), int(seg["to_idx"].iloc[step])
                chain.append((here, step))
                here = b if here == a else a
                if len(ends[here]) != 2:  # a branch or an end: the trail stops here
                    break
            chains.append(chain)
    return chains


def _calendar_year(year: Year) -> int:
    return PLANNED_NOMINAL_YEAR if year == PLANNED else int(year)


def feed_tables(net: RailNetwork, year: Year = CURRENT_YEAR) -> dict[str, pd.DataFrame]:
    """The feed's tables for ``year`` (``"planned"`` included), GTFS field names, as DataFrames."""
    year = check_year(year)
    routes, trips, times, freqs, sources = [], [], [], [], []

    shapes = []

    def add_trip(route_id: str, direction: int, calls: Iterable[tuple[int, float, float]]) -> None:
        trip_id = f"{route_id}:{direction}"
        # A stop with no position at all (outside the member cities, unsourced) is left out: the train still runs
        # through it, and the other stops keep their times.
        calls = [c for c in calls if np.isfinite(net.lon[c[0]])]
        if len(calls) < 2:
            return
        trips.append({"route_id": route_id, "service_id": "daily", "trip_id": trip_id, "direction_id": direction,
                      "shape_id": trip_id})
        at = np.array([c[0] for c in calls], dtype=np.int64)
        # Straight station-to-station lines: the distances travelled are geodesic km, a lower bound of track km.
        km = np.r_[0.0, np.cumsum(geodesic_km(net.lon[at[:-1]], net.lat[at[:-1]], net.lon[at[1:]], net.lat[at[1:]]))]
        for seq, ((station, arrive, depart), dist) in enumerate(zip(calls, km, strict=True), start=1):
            times.append({"trip_id": trip_id, "arrival_time": _hms(FIRST_DEPARTURE_S + arrive * 60),
                          "departure_time": _hms(FIRST_DEPARTURE_S + depart * 60),
                          "stop_id": net.station_ids[station], "stop_sequence": seq,
                          "shape_dist_traveled": round(float(dist), 3)})
            shapes.append({"shape_id": trip_id, "shape_pt_lat": round(float(net.lat[station]), 6),
                           "shape_pt_lon": round(float(net.lon[station]), 6), "shape_pt_sequence": seq,
                           "shape_dist_traveled": round(float(dist), 3)})

    stops = net.usable_services(year)
    services = net.services.set_index("service_id")
    for sid, group in stops.groupby("service_id", sort=False):
        row = services.loc[sid]
        train = str(row.get("example_train", "") or "").strip()
        routes.append({"route_id": sid, "agency_id": _AGENCY, "route_short_name": sid,
                       "route_long_name": row["name_zh"], "route_type": 2,
                       "route_desc": f"service pattern; example train: {train}" if train else "service pattern"})
        idx = group["station_idx"].to_numpy(np.int64)
        arrive, depart = group["arrive_min"].to_numpy(float), group["depart_min"].to_numpy(float)
        end = depart[-1]
        add_trip(sid, 0, zip(idx, arrive, depart, strict=True))
        add_trip(sid, 1, zip(idx[::-1], (end - depart)[::-1], (end - arrive)[::-1], strict=True))
        per_day = row["trains_per_day"]
        if np.isfinite(per_day) and per_day >= 2:  # one train a day is the trip itself, not a frequency
            headway = round((SERVICE_DAY[1] - SERVICE_DAY[0]) / per_day)
            freqs += [{"trip_id": f"{sid}:{d}", "start_time": _hms(SERVICE_DAY[0]), "end_time": _hms(SERVICE_DAY[1]),
                       "headway_secs": headway, "exact_times": 0} for d in (0, 1)]
        basis = "; ".join(sorted(set(group["time_basis"].astype(str))))
        sources.append({"route_id": sid, "source": row["source"], "source_date": row["source_date"],
                        "time_basis": basis})

    seg_all = net.usable_segments(year)
    for line_id, seg in seg_all.groupby("line_id", sort=True):
        seg = seg.reset_index(drop=True)
        for n, chain in enumerate(_chains(seg)):
            route_id = f"{line_id}~{n}"
            routes.append({"route_id": route_id, "agency_id": _AGENCY, "route_short_name": route_id,
                           "route_long_name": line_id, "route_type": 2,
                           "route_desc": "stopping pattern from segment times"})
            stations, clock = [chain[0][0]], [0.0]
            for here, step in chain:
                a, b = int(seg["from_idx"].iloc[step]), int(seg["to_idx"].iloc[step])
                stations.append(b if here == a else a)
                clock.append(clock[-1] + float(seg["minutes"].iloc[step]))
            clock = np.array(clock)
            add_trip(route_id, 0, zip(stations, clock, clock, strict=True))
            add_trip(route_id, 1, zip(stations[::-1], (clock[-1] - clock)[::-1], (clock[-1] - clock)[::-1],
                                      strict=True))
            sources.append({"route_id": route_id, "source": "; ".join(sorted(set(seg["source"].astype(str)))),
                            "source_date": "", "time_basis": "; ".join(sorted(set(seg["minutes_basis"].astype(str))))})

    served = sorted({net.station_index(s) for s in pd.DataFrame(times)["stop_id"]})
    imputed = net.stations["coord_imputed"].to_numpy()
    stops_txt = pd.DataFrame({
        "stop_id": net.station_ids[served], "stop_name": net.stations["name_zh"].to_numpy()[served],
        "stop_lat": np.round(net.lat[served], 6), "stop_lon": np.round(net.lon[served], 6),
        "stop_desc": np.where(imputed[served], "position not sourced: drawn at its city's seat", ""),
    })
    stops_txt = stops_txt[np.isfinite(stops_txt["stop_lat"])]
    times_df = pd.DataFrame(times)
    kept = set(times_df.groupby("trip_id").filter(lambda t: len(t) >= 2)["trip_id"])
    times_df = times_df[times_df["trip_id"].isin(kept)]
    shapes_df = pd.DataFrame(shapes)
    shapes_df = shapes_df[shapes_df["shape_id"].isin(kept)]
    trips_df = pd.DataFrame(trips)
    trips_df = trips_df[trips_df["trip_id"].isin(kept)]
    routes_df = pd.DataFrame(routes)
    routes_df = routes_df[routes_df["route_id"].isin(set(trips_df["route_id"]))]
    cal_year = _calendar_year(year)
    label = {PLAN_YEAR: "2015", CURRENT_YEAR: "now"}.get(year, str(year))
    return {
        "agency.txt": pd.DataFrame([{"agency_id": _AGENCY, "agency_name": "中国国家铁路 (as modelled)",
                                     "agency_url": "https://www.12306.cn", "agency_timezone": "Asia/Shanghai",
                                     "agency_lang": "zh"}]),
        "stops.txt": stops_txt,
        "routes.txt": routes_df,
        "trips.txt": trips_df,
        "shapes.txt": shapes_df,
        "stop_times.txt": times_df,
        "calendar.txt": pd.DataFrame([{"service_id": "daily", **dict.fromkeys(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), 1),
            "start_date": f"{cal_year}0101", "end_date": f"{cal_year}1231"}]),
        "frequencies.txt": pd.DataFrame(freqs, columns=["trip_id", "start_time", "end_time", "headway_secs",
                                                         "exact_times"]).loc[lambda f: f["trip_id"].isin(kept)],
        "feed_info.txt": pd.DataFrame([{"feed_publisher_name": "Middle Yangtze Explorer (data/sources/rail)",
                                        "feed_publisher_url": "https://www.12306.cn", "feed_lang": "zh",
                                        "feed_start_date": f"{cal_year}0101", "feed_end_date": f"{cal_year}1231",
                                        "feed_version": f"network {label}"}]),
        "sources.txt": pd.DataFrame(sources).loc[lambda f: f["route_id"].isin(set(routes_df["route_id"]))],
    }


def write_feed(net: RailNetwork, path: str | Path, year: Year = CURRENT_YEAR) -> Path:
    """Write the feed for ``year`` as a zip at ``path`` (reproducible to the byte); return the path."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, table in feed_tables(net, year).items():
            if name == "frequencies.txt" and table.empty:
                continue
            buf = io.StringIO()
            table.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue().encode("utf-8"))
    return path
