"""Validate data/sources/rail/*.csv (run from repo root or anywhere)."""
import csv
import os
import sys

import networkx as nx

H = os.path.dirname(os.path.abspath(__file__))
rd = lambda n: list(csv.DictReader(open(os.path.join(H, n), encoding="utf-8")))
st = {r["station_id"]: r for r in rd("stations.csv")}
ln = {r["line_id"] for r in rd("lines.csv")}
seg = rd("segments.csv"); tr = rd("transfers.csv")
err = []
MEMBERS = ["武汉", "黄石", "鄂州", "黄冈", "孝感", "咸宁", "仙桃", "潜江", "天门", "襄阳", "宜昌", "荆州", "荆门", "长沙", "株洲", "湘潭", "岳阳", "益阳", "常德", "衡阳", "娄底", "南昌", "九江", "景德镇", "鹰潭", "新余", "宜春", "萍乡", "上饶", "抚州", "吉安"]
CORES = ["上海", "南京", "杭州", "合肥", "郑州", "重庆", "成都", "广州", "深圳", "福州", "贵阳", "西安"]
G = nx.Graph()
for r in seg:
    for k in ("from_station", "to_station"):
        if r[k] not in st: err.append(f"unknown station {r[k]}")
    if r["line_id"] not in ln: err.append(f"unknown line {r['line_id']}")
    if not r["source"]: err.append(f"no source {r}")
    if r["status"] == "open":
        m = float(r["minutes"])
        if m <= 0: err.append(f"minutes<=0 {r}")
        if not (r["minutes_basis"].startswith("timetable") or r["minutes_basis"].startswith("derived")):
            err.append(f"bad basis {r['minutes_basis']}")
        if r["distance_km"]:
            v = float(r["distance_km"]) / m * 60
            if not 40 <= v <= 350: err.append(f"speed {v:.0f} km/h {r['from_station']}-{r['to_station']}")
        G.add_edge(r["from_station"], r["to_station"])
for r in tr:
    G.add_edge(r["from_station"], r["to_station"])
for s, r in st.items():
    if r["lon"]:
        lon, lat = float(r["lon"]), float(r["lat"])
        if not (97 < lon < 123 and 21 < lat < 36): err.append(f"coord out of range {s}")
cities = {r["city_zh"] for s, r in st.items() if s in G}
miss = [c for c in MEMBERS + CORES if c not in cities]
comps = list(nx.connected_components(G))
print(f"stations {len(st)} (with coords {sum(1 for r in st.values() if r['lon'])}), open segments in graph {G.number_of_edges()}, components {len(comps)}")
if len(comps) > 1: err.append("graph not connected: " + " | ".join(",".join(sorted(c)) for c in comps[1:]))
if miss: err.append("cities without station in graph: " + ",".join(miss))
nd = sum(1 for r in seg if r["minutes_basis"].startswith("derived")); nt = sum(1 for r in seg if r["minutes_basis"].startswith("timetable"))
print(f"segments: {len(seg)}; timetable {nt}, derived {nd}")
print("\n".join(err) if err else "OK"); sys.exit(1 if err else 0)
