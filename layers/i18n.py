"""User-interface strings in Chinese (default) and English, and text escaping for the UI.

Layer titles, legends and field names live in the layer specs; this module
holds everything else the explorer shows: sidebar labels, table headers,
notices. ``t("key", lang)`` picks the language; unknown keys are an error so a
missing translation fails in tests, not in front of a planner.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping

from geo.network import CURRENT_YEAR

__all__ = ["LANG_NAMES", "STRINGS", "escape_markdown", "fmt_minutes", "fmt_number", "printable", "t", "widget_key"]

LANG_NAMES: Mapping[str, str] = {"zh": "中文", "en": "English"}

STRINGS: Mapping[str, tuple[str, str]] = {
    "app_title": ("长江中游城市群空间探索", "Middle Yangtze Explorer"),
    "app_caption": ("长江中游城市群：城市群、发展轴线、水系、跨江合作与交通圈",
                    "Middle Yangtze River urban agglomeration: clusters, corridors, waterways, cross-river pairs and "
                    "travel-time circles"),
    "language": ("语言", "Language"),
    "basemap": ("底图", "Basemap"),
    "basemap_offline": ("离线矢量底图 (本地数据)", "Offline vector basemap (own data)"),
    "basemap_osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap_carto": ("CartoDB Positron", "CartoDB Positron"),
    "basemap_gaode": ("高德地图 (GCJ-02)", "Gaode / Amap (GCJ-02)"),
    "basemap_tianditu": ("天地图", "Tianditu"),
    "basemap_gcj_note": ("高德底图使用 GCJ-02 坐标，所有图层已相应偏移以对齐。",
                         "Gaode tiles use GCJ-02; every overlay is shifted to GCJ-02 so it lines up."),
    "basemap_online_note": ("在线底图需要访问外网瓦片服务；内网环境请使用离线底图。",
                            "Tile basemaps need the tile server; on an intranet use the offline basemap."),
    "tianditu_no_key": ("未设置天地图密钥 (环境变量 TIANDITU_KEY)，已改用离线底图。",
                        "No Tianditu key (environment variable TIANDITU_KEY); using the offline basemap."),
    "layers": ("图层", "Layers"),
    "search": ("查找城市", "Find a city"),
    "search_placeholder": ("输入中文或英文名", "Type a Chinese or English name"),
    "circles": ("交通圈", "Travel-time circles"),
    "origins": ("中心城市 (起点)", "Origins"),
    "thresholds": ("时间阈值 (小时)", "Thresholds (hours)"),
    "thresholds_help": ("以逗号分隔，例如 1, 2, 3；0–24 小时", "Comma-separated, e.g. 1, 2, 3; 0–24 h"),
    "thresholds_bad": ("已忽略无法识别、超出 0–24 小时或超过 6 个的时间阈值：{bad}",
                       "Ignored thresholds that are unreadable, outside 0–24 h or beyond the first 6: {bad}"),
    "mode": ("出行方式", "Mode"),
    "mode_rail": ("公路 + 铁路", "Road + rail"),
    "mode_road": ("仅公路", "Road only"),
    "mode_station": ("站到站铁路", "station-to-station rail"),
    "mode_nominal": ("名义圈 (匀速直线)", "Nominal ring (steady speed)"),
    "year": ("路网年份", "Network year"),
    "year_2015": ("2015 规划年路网", "2015 network (plan year)"),
    "year_now": (f"{CURRENT_YEAR} 现状路网", f"{CURRENT_YEAR} network (today)"),
    "year_planned": ("规划路网 (含在建)", "Planned network (incl. under construction)"),
    "assumptions": ("可达性模型假设", "Access-model assumptions"),
    "speed_kmh": ("道路车速 (km/h)", "Road speed (km/h)"),
    "detour_factor": ("道路绕行系数", "Road detour factor"),
    "ends_min": ("城区两端耗时 (分钟)", "Town driving at both ends (min)"),
    "access_min": ("进站时间 (分钟)", "Access time to rail (min)"),
    "egress_min": ("出站时间 (分钟)", "Egress time from rail (min)"),
    "max_access_km": ("最远接驳距离 (km)", "Longest road leg to a station (km)"),
    "circle_summary": ("交通圈概况", "Circles at a glance"),
    "circle_header": ("{origin} · {hours} 小时", "{origin} · {hours} h"),
    "area": ("面积", "Area"),
    "population_reached": ("覆盖人口 (区县人口按面积分摊)", "Population reached (county figures by area share)"),
    "cities_reached": ("可达城市", "Cities reached"),
    "no_cities": ("无", "none"),
    "circles_off": ("交通圈图层未开启。", "The circles layer is off."),
    "circles_caption": ("交通圈：{mode}，{year}；铁路按{figure}；门到门（含进出站与城区行车）",
                        "Circles: {mode}, {year}; rail: {figure}; door to door (incl. boarding and town driving)"),
    "circles_caption_station": ("交通圈：站到站，{year}；铁路按{figure}；仅计从主要车站出发的铁路时间，"
                                "每个可达车站画半径 {r} km 的圆",
                                "Circles: station to station, {year}; rail: {figure}; rail time from the main stations "
                                "only, a {r} km disc per station reached"),
    "circles_caption_road": ("交通圈：仅公路，{year}；门到门（含城区行车），不含铁路",
                             "Circles: road only, {year}; door to door (incl. town driving), no rail"),
    "figure": ("铁路时间口径", "Rail time"),
    "figure_fastest": ("最快班次 (时刻表)", "Fastest scheduled train"),
    "figure_typical": ("典型 (含按班次频率的预期候车)", "Typical (incl. expected wait)"),
    "figure_fastest_caption": ("最快班次（不含候车）", "fastest scheduled (no wait)"),
    "figure_typical_caption": ("典型时间（最快班次 + 按班次频率的预期候车）",
                               "typical (fastest + expected wait from frequency)"),
    "figure_help": ("典型 = 最快班次 + 每次上车的预期候车：16 小时运营日内发车间隔的一半 (16×60 ÷ 日开行列数 ÷ 2)，"
                    "最多 60 分钟；无开行列数的班次及线路按 30 分钟 (假设)。换乘另加换乘时间与再一次候车。",
                    "Typical = fastest scheduled + an expected wait at every boarding: half the headway over a "
                    "16-hour service day (16×60 ÷ trains a day ÷ 2), at most 60 min; 30 min where no count is "
                    "sourced (an assumption). A change adds the transfer time and a second wait."),
    "measure": ("交通圈口径", "Circle measure"),
    "measure_door": ("门到门 (从市政府驻地)", "Door to door (from the city seat)"),
    "measure_station": ("站到站 (从主要车站，仅铁路)", "Station to station (main stations, rail only)"),
    "measure_help": ("站到站：规划中交通圈常用口径，只计主要车站间的铁路时间；仅用于“公路 + 铁路”方式。",
                     "Station to station: how the plan usually quotes its circles, rail time between main stations "
                     "only; applies to the road + rail mode."),
    "legend_circles": ("{hours} 小时交通圈 · {measure}", "{hours}-hour circles · {measure}"),
    "legend_circles_rail": ("{hours} 小时交通圈 · {measure} · {figure}", "{hours}-hour circles · {measure} · {figure}"),
    "legend_measure_door": ("门到门", "door to door"),
    "legend_measure_road": ("仅公路，门到门", "road only, door to door"),
    "legend_measure_station": ("站到站 (车站周围 {r} km 圆)", "station to station ({r} km disc per station)"),
    "legend_figure_fastest": ("最快班次", "fastest scheduled"),
    "legend_figure_typical": ("典型 (含候车)", "typical, incl. wait"),
    "legend_nominal": ("{hours} 小时名义圈 · 直线 {v} km/h，非路网",
                       "{hours}-hour nominal rings · straight line at {v} km/h, not the network"),
    "circles_caption_nominal": ("名义圈：直线匀速，不计路网",
                                "Nominal rings: straight line at a steady speed, no network"),
    "surface_legend": ("通达时间面 · {year} · {what}", "Travel-time surface · {year} · {what}"),
    "surface_caption": ("通达时间面：到最近中心城市的时间，{year}；{what}；{r} km 栅格，覆盖城市群及其外 {m} km",
                        "Travel-time surface: minutes to the nearest origin, {year}; {what}; {r} km cells over "
                        "the agglomeration and {m} km around it"),
    "surface_nominal": ("名义圈模式无路网，不绘通达时间面", "Nominal mode has no network: no travel-time surface"),
    "circles_no_origin": ("请选择至少一个中心城市以绘制交通圈。", "Choose at least one origin to draw the circles."),
    "circles_unavailable": ("交通圈计算模块尚不可用。", "The travel-time engine is not available."),
    "circle_error": ("无法计算 {origin} 的交通圈：{error}", "Could not compute circles for {origin}: {error}"),
    # 情景分析 / what-if scenarios (app/scenarios.py)
    "sc_title": ("情景分析 (假设方案)", "What-if scenarios"),
    "sc_intro": ("在某一路网年份上叠加修改 (开通规划线路、新增或调整列车、停运)，保存后可用于地图、表格与导出，"
                 "并与任一路网年份或情景对比。",
                 "Changes over a network year (open a planned line, add or change a train, close one), saved by "
                 "name: use one on the map, the tables and the exports, or compare any two networks."),
    "sc_tab_build": ("编辑情景", "Build"),
    "sc_tab_saved": ("已保存的情景", "Saved scenarios"),
    "sc_tab_compare": ("对比", "Compare"),
    "sc_name": ("情景名称", "Scenario name"),
    "sc_name_en": ("英文名称 (可选)", "English name (optional)"),
    "sc_year": ("基准路网", "Base network"),
    "sc_changes": ("修改 (按顺序执行)", "Changes (applied in order)"),
    "sc_no_changes": ("尚无修改。", "No changes yet."),
    "sc_remove": ("移除", "Remove"),
    "sc_add_kind": ("添加修改", "Add a change"),
    "sc_kind_open_line": ("开通规划线路", "Open a planned line"),
    "sc_kind_add_service": ("新增列车", "Add a train service"),
    "sc_kind_change_service": ("调整列车", "Change a service"),
    "sc_kind_close_service": ("停运列车", "Close a service"),
    "sc_kind_close_segment": ("封闭区段", "Close a segment"),
    "sc_line": ("规划线路", "Planned line"),
    "sc_line_segments": ("{n} 段可开通", "{n} segments to open"),
    "sc_no_lines": ("该年份没有可开通的规划线路。", "No planned line left to open in this year."),
    "sc_service": ("列车 (服务模式)", "Service pattern"),
    "sc_segment": ("区段", "Segment"),
    "sc_svc_name": ("列车名称", "Service name"),
    "sc_svc_name_en": ("英文名称 (可选)", "English name (optional)"),
    "sc_stops": ("经停车站 (按选择顺序)", "Stations, in the order chosen"),
    "sc_new_point": ("加入一个新站点 (经纬度)", "Add a new point (lon/lat)"),
    "sc_new_name": ("新站点名称", "New point's name"),
    "sc_new_lon": ("经度 (WGS-84)", "Longitude (WGS-84)"),
    "sc_new_lat": ("纬度 (WGS-84)", "Latitude (WGS-84)"),
    "sc_new_pos": ("新站点位置", "Position of the new point"),
    "sc_new_pos_item": ("第 {k} 站", "stop {k}"),
    "sc_pick_map": ("在地图上点击选取新站点", "Click the map to place the new point"),
    "sc_picked": ("已选取：{lon:.4f}, {lat:.4f}", "Picked: {lon:.4f}, {lat:.4f}"),
    "sc_runs": ("区间运行时间 (分钟，逗号分隔)", "Run minutes between stops (comma-separated)"),
    "sc_runs_help": ("n 个车站需要 n − 1 个时间，例如 40, 35", "n stops need n − 1 times, e.g. 40, 35"),
    "sc_tpd": ("每日列车数 (可选)", "Trains per day (optional)"),
    "sc_factor": ("运行时间系数 (可选，如 0.9)", "Run-time factor (optional, e.g. 0.9)"),
    "sc_add": ("添加", "Add"),
    "sc_added": ("已添加修改：{what}", "Added: {what}"),
    "sc_bad": ("无效修改：{error}", "Invalid change: {error}"),
    "sc_not_number": ("{what}：无法识别的数字 {value}", "{what}: {value} is not a number"),
    "sc_save": ("保存情景", "Save scenario"),
    "sc_saved": ("已保存情景：{name}", "Saved scenario: {name}"),
    "sc_new": ("新建 (清空)", "New (clear)"),
    "sc_need_name": ("请先填写情景名称。", "Give the scenario a name first."),
    "sc_none_saved": ("工作区中还没有保存的情景。", "No scenario saved in the workspace yet."),
    "sc_saved_item": ("{name} ({year}，{n} 项修改)", "{name} ({year}, {n} changes)"),
    "sc_pick_saved": ("情景", "Scenario"),
    "sc_edit": ("打开编辑", "Open to edit"),
    "sc_use": ("用于地图与表格", "Use on the map and tables"),
    "sc_stop": ("停止使用情景", "Stop using the scenario"),
    "sc_delete": ("删除", "Delete"),
    "sc_deleted": ("已删除情景：{name}", "Deleted scenario: {name}"),
    "sc_opened": ("已打开情景：{name}", "Opened scenario: {name}"),
    "sc_active": ("当前情景：{name} (基准：{year})；交通圈、表格与导出均按此情景计算。",
                  "Scenario in use: {name} (base: {year}); the circles, tables and exports use it."),
    "sc_missing": ("工作区中没有名为「{name}」的情景，已改为显示路网年份。",
                   "No scenario “{name}” is saved in this workspace; showing the network year."),
    "sc_unusable": ("情景「{name}」无法使用：{error}", "Scenario “{name}” cannot be used: {error}"),
    "sc_before": ("对比基准 (之前)", "Before"),
    "sc_after": ("对比方案 (之后)", "After"),
    "sc_side_scenario": ("情景：{name}", "Scenario: {name}"),
    "sc_compare": ("对比", "Compare"),
    "sc_same": ("请选择两个不同的方案。", "Choose two different networks."),
    "sc_compare_need_origin": ("请先在交通圈设置中选择至少一个中心城市。",
                               "Choose at least one origin in the circle settings."),
    "sc_compare_caption": ("{after} 对比 {before}：起点 {origins}；阈值 {minutes}；公路 + 铁路，门到门。",
                           "{after} against {before}: origins {origins}; thresholds {minutes}; road + rail, door to "
                           "door."),
    "sc_diff_map": ("节省时间分布图", "Minutes saved"),
    "sc_diff_legend": ("自{origin}出发节省的时间 (门到门)", "Minutes saved from {origin} (door to door)"),
    "sc_map_origin": ("起点", "From"),
    "sc_band_none": ("无变化", "no change"),
    "sc_diff_points": ("圆点：自所选起点至各成员城市政府驻地节省的时间。",
                       "Dots: minutes saved from the chosen origin to each member city's seat."),
    "sc_diff_bands": ("面状分带：自所选起点至 {km} km 网格各格节省的时间；圆点：至各成员城市政府驻地。",
                      "Shaded bands: minutes saved from the chosen origin to each cell of a {km} km grid; dots: to "
                      "each member city's seat."),
    "sc_gains_reach": ("各阈值内新增的城市与人口", "Cities and people newly within each threshold"),
    "sc_gains_targets": ("新达标 (或不再达标) 的规划目标", "Plan targets newly met (or no longer met)"),
    "sc_no_target_change": ("规划目标核验结果无变化。", "No plan-target verdict changes."),
    "sc_gains_pairs": ("自{origin}至各城市节省的时间", "Minutes saved from {origin} to each city"),
    "sc_download": ("下载对比表格", "Download the comparison"),
    "sc_download_sheet": ("下载对比简报图", "Download the before/after sheet"),
    "sc_basis_door": ("门到门", "door to door"),
    "sc_basis_rail": ("站到站", "station to station"),
    "tables": ("规划目标与出行时间", "Plan targets and travel times"),
    "targets": ("规划目标核验", "Plan-target verdicts"),
    "target_core_commute": ("中心城市 1 小时通勤 (本子城市群)", "Cores: 1-hour commute (own sub-cluster)"),
    "target_member_pairs": ("成员城市间 2 小时", "Member cities: 2 hours apart"),
    "target_neighbour_cores": ("与周边中心城市 3 小时 (铁路)", "Neighbouring cores: 3 hours by rail"),
    "targets_met": ("达标 {ok} / {n}", "{ok} of {n} met"),
    "reach_core_hour": ("1 小时内到达中心城市的人口", "People within 1 h of a core"),
    "reach_all_members_2h": ("2 小时内到达全部成员城市的人口", "People within 2 h of every member city"),
    "reach_members_2h_mean": ("居民 2 小时内可达的其他成员城市 (平均)",
                              "Other member cities an average resident reaches in 2 h"),
    "station_population_basis": ("主要车站可达的成员城市 2020 年人口普查总数",
                                 "2020 census totals of the member cities whose main station is reached"),
    "population_basis": ("覆盖人口：{basis}", "People reached: {basis}"),
    "reach_people": ("{people} 人", "{people} people"),
    "reach_caption": ("占城市群 {total} 人口之比；门到门，{res} km 网格；{basis}",
                      "Shares of the agglomeration's {total} people; door to door, {res} km grid; {basis}"),
    "matrix": ("出行时间矩阵 (分钟)", "Travel-time matrix (minutes)"),
    "matrix_kind": ("时间口径", "Time measure"),
    "matrix_door": ("门到门", "Door to door"),
    "matrix_rail": ("站到站，最快班次", "Fastest scheduled, station to station"),
    "matrix_typical": ("站到站，典型 (含预期候车)", "Typical, incl. expected wait, station to station"),
    "matrix_door_fastest": ("门到门 (铁路按最快班次)", "Door to door (rail at the fastest scheduled train)"),
    "matrix_door_typical": ("门到门 (铁路按典型时间，含候车)", "Door to door (rail at the typical time, incl. wait)"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "col_origin": ("起点", "Origin"),
    "col_band": ("通达时间", "Travel time"),
    "surface_band_within": ("{h} 小时内", "within {h} h"),
    "surface_band_between": ("{lo}–{hi} 小时", "{lo}–{hi} h"),
    "surface_summary": ("通达时间面：到最近中心城市的时间分段",
                        "Travel-time surface: bands of time to the nearest core"),
    "col_minutes": ("阈值 (分钟)", "Threshold (min)"),
    "col_area_km2": ("面积 (km²)", "Area (km²)"),
    "col_n_cities": ("可达城市数", "Cities reached"),
    "col_population": ("覆盖人口 (区县按面积分摊)", "Population reached (counties by area share)"),
    "col_cities": ("可达城市 (门到门分钟)", "Cities reached (door to door, min)"),
    "col_core": ("中心城市", "Core"),
    "col_city": ("城市", "City"),
    "col_city_a": ("城市 A", "City A"),
    "col_city_b": ("城市 B", "City B"),
    "col_neighbour": ("周边中心城市", "Neighbouring core"),
    "col_door_min_fastest": ("门到门，铁路按最快班次 (分钟)", "Door to door, rail at the fastest scheduled (min)"),
    "col_door_min_typical": ("门到门，铁路按典型时间 (分钟)", "Door to door, rail at the typical time (min)"),
    "col_door_ok": ("门到门达标", "Door-to-door target met"),
    "col_rail_min": ("最快班次，站到站 (分钟)", "Fastest scheduled, station to station (min)"),
    "col_rail_ok": ("最快班次达标", "Fastest scheduled: target met"),
    "col_typical_min": ("典型，含预期候车，站到站 (分钟)", "Typical, incl. expected wait, station to station (min)"),
    "col_typical_ok": ("典型时间达标", "Typical: target met"),
    "col_cities_station": ("可达城市 (站到站分钟)", "Cities reached (station to station, min)"),
    "export": ("导出", "Export"),
    "export_working": ("正在生成…", "Preparing…"),
    "brief_paper": ("纸张", "Paper"),
    "brief_orientation": ("方向", "Orientation"),
    "brief_landscape": ("横向", "Landscape"),
    "brief_portrait": ("纵向", "Portrait"),
    "brief_dpi": ("分辨率 (PNG, dpi)", "Resolution (PNG, dpi)"),
    "brief_extent": ("范围", "Extent"),
    "brief_extent_view": ("当前地图视图", "Current map view"),
    "brief_extent_region": ("整个城市群", "Whole agglomeration"),
    "brief_title": ("标题 (留空用默认标题)", "Title (blank for the default)"),
    "export_html": ("下载交互地图 (HTML，离线可用)", "Download the interactive map (HTML, works offline)"),
    "share": ("分享链接", "Share link"),
    "share_help": ("地址栏中的链接包含当前图层、交通圈设置、底图、语言与视图。",
                   "The address bar link holds the layer set, circle settings, basemap, language and map view."),
    "notice_prefix": ("链接中的部分参数已忽略：", "Some link parameters were ignored: "),
    "layer_error": ("图层 {layer} 无法加载：{error}", "Layer {layer} could not be loaded: {error}"),
    "legend": ("图例", "Legend"),
    "source": ("来源", "Source"),
    "people": ("{value} 人", "{value} people"),
    "km2": ("{value} km²", "{value} km²"),
    "hours_minutes": ("{h} 小时 {m} 分", "{h} h {m} min"),
    "minutes_only": ("{m} 分钟", "{m} min"),
    "unreachable": ("不可达", "unreachable"),
    # Briefing map (render.briefing)
    "brief_region": ("长江中游城市群", "Middle Yangtze River Urban Agglomeration"),
    "brief_legend": ("图例", "Legend"),
    "brief_north": ("北", "N"),
    "brief_km": ("千米", "km"),
    "brief_scale": ("比例尺（图幅中心）1:{n}", "Scale at map centre 1:{n}"),
    "brief_inset": ("位置示意", "Location"),
    "brief_sources": ("数据来源：", "Sources: "),
    "brief_network": ("路网：{y}", "Network: {y}"),
    "brief_road": ("道路：{v} km/h，绕行系数 {d}，城区两端 {u} 分钟，进站 {a} 分钟，出站 {e} 分钟，车站 {r} km 内",
                   "Road: {v} km/h, detour ×{d}, {u} min in town, {a} min to board, {e} min to leave, "
                   "stations within {r} km"),
    "brief_exported": ("导出日期：{d}", "Exported {d}"),
    "brief_projection": ("投影：Albers 等积圆锥（WGS-84）", "Projection: Albers equal-area conic (WGS-84)"),
    "brief_layers": ("图层：", "Layers: "),
    "brief_region_short": ("长江中游城市群", "Middle Yangtze"),
    "brief_circles": ("{origins} {minutes} 分钟{mode}交通圈", "{minutes}-min {mode} circles: {origins}"),
    "brief_no_legend": ("（无可见图层）", "(no visible layers)"),
    "brief_basemap": ("底图：自有矢量数据（省界、水系）", "Basemap: own vector data (provinces, water)"),
    "brief_scs": ("南海诸岛", "South China Sea Islands"),
    "brief_notice": ("本图仅供内部研究参考，非正式出版地图；公开使用须依法送审，取得审图号。",
                     "For internal research reference only; not an officially published map. Public use in China "
                     "requires map review under the law and an approval number{term}."),
    # My data (app.mydata)
    # key -> (zh, en)
    "ud_title": ("我的数据 · 导入与工作区", "My data · import and workspace"),
    "ud_file": ("导入文件 (CSV、XLSX、GeoJSON、KML、Shapefile.zip、GeoPackage)",
    "Import a file (CSV, XLSX, GeoJSON, KML, zipped Shapefile, GeoPackage)"),
    "ud_crs": ("坐标系", "Coordinate system"),
    "ud_auto": ("文件自带的坐标系 (GeoPackage、Shapefile .prj；GeoJSON/KML 为 WGS-84)",
                "The file's own (GeoPackage, Shapefile .prj; GeoJSON/KML are WGS-84)"),
    "ud_crs_placeholder": ("请选择坐标系", "Choose the coordinate system"),
    "ud_crs_needed": ("请先选择坐标系：高德坐标按 WGS-84 读入会偏约 500 米。",
                      "Choose the coordinate system first: Amap coordinates read as WGS-84 land ~500 m off."),
    "ud_crs_guess": ("推测：{crs}（依据名称“{word}”），仅为推测，请确认。",
                     "Guess: {crs} (from the name \"{word}\"); only a guess, please confirm."),
    "ud_crs_take": ("采用推测", "Use the guess"),
    "ud_epsg": ("投影坐标 EPSG 代码", "Projected: EPSG code"),
    "ud_epsg_code": ("EPSG 代码", "EPSG code"),
    "ud_lon": ("经度列", "Longitude column"),
    "ud_lat": ("纬度列", "Latitude column"),
    "ud_encoding": ("文字编码", "Text encoding"),
    "ud_encoding_auto": ("自动识别", "Detect"),
    "ud_table": ("图层 / 表", "Table"),
    "ud_name": ("图层名称", "Layer name"),
    "ud_color": ("颜色", "Colour"),
    "ud_replace": ("替换同名图层", "Replace a layer of the same name"),
    "ud_import": ("导入", "Import"),
    "ud_imported": ("已导入 {n} 个要素：{name}", "Imported {n} features: {name}"),
    "ud_layers": ("已导入的图层", "Imported layers"),
    "ud_none": ("暂无自有图层", "No layers of your own yet"),
    "ud_delete": ("删除", "Delete"),
    "ud_confirm": ("确定删除图层「{name}」？此操作不能撤销。", "Delete layer “{name}”? This cannot be undone."),
    "ud_yes": ("确定删除", "Yes, delete"),
    "ud_no": ("取消", "Cancel"),
    "ud_deleted": ("已删除：{name}", "Deleted: {name}"),
    "ud_views": ("保存的视图", "Saved views"),
    "ud_view_name": ("视图名称", "View name"),
    "ud_save_view": ("保存当前视图", "Save current view"),
    "ud_saved": ("已保存视图：{name}", "Saved view: {name}"),
    "ud_open_view": ("打开", "Open"),
    "ud_delete_view": ("删除", "Delete"),
    "ud_view_deleted": ("已删除视图：{name}", "Deleted view: {name}"),
    "ud_style": ("样式", "Style"),
    "ud_radius": ("点半径 (像素)", "Point radius (px)"),
    "ud_weight": ("线宽 (像素)", "Line width (px)"),
    "ud_fill_opacity": ("填充不透明度", "Fill opacity"),
    "ud_apply": ("应用", "Apply"),
    "ud_restyled": ("已更新样式：{name}", "Style updated: {name}"),
    "ud_workspace": ("工作区文件", "Workspace file"),
    "ud_prepare": ("准备下载工作区", "Prepare workspace download"),
    "ud_upload_ws": ("导入工作区文件 (.gpkg)", "Import a workspace file (.gpkg)"),
    "ud_merge": ("合并导入", "Import and merge"),
    "popup_source": ("来源", "Source"),
    "popup_unconfirmed": ("未核实", "unconfirmed"),
    "popup_estimate": ("估算", "estimate"),
    "popup_at_seat": ("位置未核实：暂置于城市驻地", "position not confirmed: shown at the city seat"),
    "popup_own_data": ("本项目整理数据 (见导出文件)", "this project's compiled data (see the export)"),
    "popup_computed": ("本工具按路网与道路模型计算", "computed by this explorer from its network and road model"),
    "popup_station_road": ("无：站到站，仅计铁路时间", "none: station to station, rail time only"),
    "popup_no_road_leg": ("无：不含公路段", "none: no road leg"),
    "popup_nominal": ("无：直线匀速 {v} km/h", "none: straight line at {v} km/h"),
    "ud_merged": ("已导入 {layers} 个图层、{views} 个视图", "Imported {layers} layers and {views} views"),
    # What-if scenarios and their comparison (geo.scenario, geo.compare): cmp_<column> heads the column.
    "scenario": ("情景", "Scenario"),
    "scenario_caption": ("情景：{name}（基于 {year}）", "Scenario: {name} (over {year})"),
    "cmp_origin": ("出发城市", "Origin"),
    "cmp_minutes": ("时间阈值 (分钟)", "Threshold (min)"),
    "cmp_cities_before": ("覆盖城市数 (前)", "Cities within (before)"),
    "cmp_cities_after": ("覆盖城市数 (后)", "Cities within (after)"),
    "cmp_new_cities": ("新进入城市", "Newly within"),
    "cmp_lost_cities": ("退出城市", "No longer within"),
    "cmp_population_before": ("覆盖人口 (前)", "Population within (before)"),
    "cmp_population_after": ("覆盖人口 (后)", "Population within (after)"),
    "cmp_population_gain": ("新增覆盖人口", "Population gained"),
    "cmp_target": ("规划目标", "Plan target"),
    "cmp_limit_min": ("目标时间 (分钟)", "Target (min)"),
    "cmp_basis": ("口径", "Basis"),
    "cmp_place_a": ("城市 A", "Place A"),
    "cmp_place_b": ("城市 B", "Place B"),
    "cmp_before_min": ("时间 (前, 分钟)", "Minutes (before)"),
    "cmp_after_min": ("时间 (后, 分钟)", "Minutes (after)"),
    "cmp_change": ("变化", "Change"),
    "cmp_city": ("目的城市", "Destination"),
    "cmp_member": ("成员城市", "Member city"),
    "cmp_saved_min": ("节省时间 (分钟)", "Minutes saved"),
    "cmp_band": ("节省时间分段", "Minutes saved (band)"),
    "cmp_change_newly met": ("新达标", "newly met"),
    "cmp_change_no longer met": ("不再达标", "no longer met"),
    "cmp_target_core_commute": ("核心城市 1 小时通勤", "1 h from each core"),
    "cmp_target_member_pairs": ("成员城市 2 小时互达", "2 h between members"),
    "cmp_target_neighbour_cores": ("3 小时至周边核心城市", "3 h to neighbouring cores"),
    "cmp_band_lost": ("增加时间", "minutes lost"),
    "cmp_band_0–5": ("节省 0–5 分钟", "0–5 min saved"),
    "cmp_band_5–15": ("节省 5–15 分钟", "5–15 min saved"),
    "cmp_band_15–30": ("节省 15–30 分钟", "15–30 min saved"),
    "cmp_band_30+": ("节省 30 分钟以上", "30+ min saved"),
    # The printed before/after sheet (render.comparison_sheet).
    "sheet_side_now": ("今日", "Today"),
    "sheet_side_2015": ("2015 规划年", "2015 (plan year)"),
    "sheet_side_planned": ("规划路网", "Planned network"),
    "sheet_side_scenario": ("情景 {name}", "scenario {name}"),
    "sheet_subtitle": ("节省时间：门到门，自 {origins} 中最近者出发  |  阈值 {minutes} 分钟  |  {before} → {after}",
                       "Minutes saved door to door from the nearest of {origins}  |  thresholds {minutes} min  |  "
                       "{before} → {after}"),
    "sheet_bands": ("节省时间（{km} km 网格）", "Minutes saved ({km} km grid)"),
    "sheet_cities": ("成员城市（按节省时间着色）", "Member cities (coloured by minutes saved)"),
    "sheet_origins": ("出发城市", "Origins"),
    "sheet_extent": ("城市群范围", "Agglomeration extent"),
    "sheet_gains": ("各阈值内的城市与人口：前 → 后", "Cities and people within each threshold: before → after"),
    "sheet_minutes_col": ("分钟", "Minutes"),
    "sheet_cities_col": ("城市数", "Cities"),
    "sheet_more": ("另有 {n} 项未列出，见导出表格", "{n} more not listed: see the exported tables"),
    "sheet_target_row": ("{target}（{basis}）：{a}—{b} {before} → {after} 分钟，{change}",
                         "{target} ({basis}): {a}–{b} {before} → {after} min, {change}"),
    "sheet_population_note": ("人口：2020 年县级普查人口按交通圈覆盖的县域面积比例分摊；时间为门到门。",
                              "Population: 2020 county census figures apportioned by the share of each county's "
                              "area within the circle; times door to door."),
    "sheet_sides": ("对比：{before} → {after}", "Comparison: {before} → {after}"),
    "sheet_assumption": ("情景新增或改动的运行时间与班次为情景假设，非时刻表数据",
                         "run times and frequencies a scenario adds or changes are its assumptions, not timetable "
                         "figures"),
    "sheet_no_bands": ("无面状分带（节省时间不足半分钟或网格不可用）；圆点为各城市",
                       "no shaded bands (under half a minute saved, or no grid); the dots are the cities"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The UI string ``key`` in ``lang`` ("zh" or "en"), formatted with ``values``."""
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def fmt_number(value: float | None, lang: str, *, digits: int = 0) -> str:
    """A number for display: thousands separators, ``digits`` decimals; 万/亿 for large counts in Chinese."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if lang == "zh" and abs(value) >= 1e8:
        return f"{value / 1e8:,.2f} 亿"
    if lang == "zh" and abs(value) >= 1e4:
        return f"{value / 1e4:,.1f} 万"
    return f"{value:,.{digits}f}"


def fmt_minutes(minutes: float | None, lang: str) -> str:
    """Minutes as "1 h 25 min" / "1 小时 25 分" (rounded to whole minutes)."""
    if minutes is None or not math.isfinite(minutes):
        return t("unreachable", lang)
    m = round(minutes)
    if m < 60:
        return t("minutes_only", lang, m=m)
    return t("hours_minutes", lang, h=m // 60, m=m % 60)


_MARKDOWN_SPECIALS = frozenset(string.punctuation)


def escape_markdown(text: object) -> str:
    """``text`` with every ASCII punctuation mark backslash-escaped, so Streamlit markdown shows it literally.

    Use for anything that came from data or the URL before passing it to a
    markdown-rendering call (``st.warning``, ``st.markdown``, labels).
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))


def printable(text: object) -> str:
    """``text`` with every non-printable character (terminal escapes, bidi overrides, NUL) shown as its escape.

    Use for anything from data (table and file names, titles) printed on a terminal or put in a one-line message:
    ``"\\x1b[31mred"`` stays visible instead of turning the terminal red. Chinese and other printable text is kept.
    """
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))


def widget_key(name: str, lang: str) -> str:
    """The UI widget key for the state ``name`` while its labels are shown in ``lang``."""
    return f"{name}__{lang}"
