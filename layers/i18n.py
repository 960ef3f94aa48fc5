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
    "population_reached": ("覆盖人口", "Population reached"),
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
    "circles_no_origin": ("请选择至少一个中心城市以绘制交通圈。", "Choose at least one origin to draw the circles."),
    "circles_unavailable": ("交通圈计算模块尚不可用。", "The travel-time engine is not available."),
    "circle_error": ("无法计算 {origin} 的交通圈：{error}", "Could not compute circles for {origin}: {error}"),
    "tables": ("规划目标与出行时间", "Plan targets and travel times"),
    "targets": ("规划目标核验", "Plan-target verdicts"),
    "target_core_commute": ("中心城市 1 小时通勤 (本子城市群)", "Cores: 1-hour commute (own sub-cluster)"),
    "target_member_pairs": ("成员城市间 2 小时", "Member cities: 2 hours apart"),
    "target_neighbour_cores": ("与周边中心城市 3 小时 (铁路)", "Neighbouring cores: 3 hours by rail"),
    "targets_met": ("达标 {ok} / {n}", "{ok} of {n} met"),
    "matrix": ("出行时间矩阵 (分钟)", "Travel-time matrix (minutes)"),
    "matrix_kind": ("时间口径", "Time measure"),
    "matrix_door": ("门到门", "Door to door"),
    "matrix_rail": ("站到站，最快班次", "Fastest scheduled, station to station"),
    "matrix_typical": ("站到站，典型 (含预期候车)", "Typical, incl. expected wait, station to station"),
    "matrix_door_fastest": ("门到门 (铁路按最快班次)", "Door to door (rail at the fastest scheduled train)"),
    "matrix_door_typical": ("门到门 (铁路按典型时间，含候车)", "Door to door (rail at the typical time, incl. wait)"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "col_origin": ("起点", "Origin"),
    "col_minutes": ("阈值 (分钟)", "Threshold (min)"),
    "col_area_km2": ("面积 (km²)", "Area (km²)"),
    "col_n_cities": ("可达城市数", "Cities reached"),
    "col_population": ("覆盖人口", "Population reached"),
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
    "ud_auto": ("自动 (文件自带，否则 WGS-84)", "Automatic (the file's own, else WGS-84)"),
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
    "ud_merged": ("已导入 {layers} 个图层、{views} 个视图", "Imported {layers} layers and {views} views"),
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
