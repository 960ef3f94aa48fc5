"""Builder for data/sources/rail/*.csv  (run: python data/sources/rail/_build.py)

Every number below is copied from a cited source; derived numbers are computed
here with the formula written into minutes_basis. Nothing is guessed.
"""
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- sources
FP_NODES = "github JerryTheAlpaca/footpoint-atlas@13b20974dc15ff4417963b546830dd3532b07097:js/rail-route-data.js"
FP_DATA = "github JerryTheAlpaca/footpoint-atlas@0dcba560d70e6860d18967232541d36a0240a6a5:js/data.js"
FP_KM = "github JerryTheAlpaca/footpoint-atlas@9fbaea25d3bdf69951ceb1da72afb048eafa735d:js/train-stops.js"
S = {
    "wuguang_2014": "http://rail.ally.net.cn/html/2014/ganxiantielu_0917/32129.html (中国交通报 2014-09-17: 武汉到长沙最快1小时18分, 长沙到南昌1小时27分)",
    "hukun_gmw": "http://epaper.gmw.cn/gmrb/html/2014-09/17/nw.D110000gmrb_20140917_5-10.htm (光明日报 2014-09-17: 南昌至长沙段 2014-09-16 开通, 全长342公里, 设计最高运营时速350)",
    "bjreview": "http://www.bjreview.com.cn/Cover_Story_Series/2010-05/24/content_306423_3.htm (Beijing Review 2010: Wuhan-Guangzhou 1069 km 350 km/h opened 2009-12-26; Hefei-Wuhan 350 km 250 km/h opened 2009-04-01; Hefei-Nanjing 166 km opened 2009-04-18; Zhengzhou-Xi'an 2010)",
    "hanyi": "http://wfwb.wfnews.com.cn/content/20120702/Articel23009EL.htm (新华社 2012-07-01: 汉宜铁路开通, 正线293.1公里, 设计时速200, 武汉到宜昌最快1小时39分钟)",
    "wuyi_open": "http://www.360elib.com:2027/detail.aspx?NewsCode=NC139&NewsId=74361972&OrgId=001 (新华社: 2025-12-26 沪渝蓉沿江高铁武宜段开通, 全长314公里, 设计时速350)",
    "wuyi_12306": "http://www.digipub.cc/dy/article/KHKNAPCR05149E7M.html (2025-12-25: 武宜段站点 汉口、汉川北、天门、京山南、钟祥南、荆门西、当阳西、宜昌北; 汉口至宜昌最快69分钟)",
    "jingjing": "https://wuhan.icu/tags-1144.html (荆荆高铁12月8日开通, 荆门西至荆州最快28分, 全长约77.48公里, 设计时速350; 襄荆高铁9月底开通)",
    "xiangjing": "http://daqing.47000.cn/news/929f199069.html (襄荆高铁设计时速350, 正线全长约116.23公里); https://m.kaobei173.com/shgzz/baoming/hubei/20201121/252659.html (襄阳到荆门半小时左右)",
    "hanshi": "http://news.jsnol.com/local/20191127/18944.html (中新社 2019-11-27: 汉十高铁 11-29 开通, 全长399公里, 最高设计时速350, 十堰至武汉最快1小时57分)",
    "hanshi_trial": "https://hk.pandatrips.com/news/21871.html (2019-10-30 体验列车 G55304 汉口06:30开, 07:45到襄阳东)",
    "wushi_wugang": "http://news.cnhubei.com/xw/jj/201406/t2960514.shtml (武汉晨报 2014-06: 武石城铁全长95公里全程最快46分钟; 武冈城铁65公里全程最快43分钟; 武汉站引出)",
    "wushi_speed": "http://www.shilongwang1.cn/news/2014210/363097.html (楚天时报 2014-02: 武黄城际 正线97公里, 设计速度200公里/小时及以上, 站 葛店南、鄂州、黄石北、大冶北 ...)",
    "wuxian": "http://95105105.com/news/2013/1228/33340.html (新华社 2013-12-28: 武咸城际开通, 运营长度90.1公里, 最高250公里/小时, 全线运行时间在40分钟左右)",
    "wujiu": "https://pediainside.com/index.php?title=%E6%AD%A6%E4%B9%9D%E5%AE%A2%E8%BF%90%E4%B8%93%E7%BA%BF&variant=zh-hans (武九客专 2017-09-21 全线通车, 设计时速250, 大冶北出岔至九江); http://www.man-on.com/masjj/13323.html (湖北段 大冶北-阳新 2017-06 开通)",
    "wujiu_len": "http://www.tjxzdmb.com/jiujiang/13758.html (武九高铁 设计时速250公里 ...)",
    "changjiu": "https://uic.org/com/enews/nr/202/article/china-opening-of-first-intercity?page=modal_enews (UIC eNews 202: 南昌-九江 opened 2010-09-20, 135 km, 45 minutes at maximum speed)",
    "yichang": "https://harscorail.com.cn/article/11/135.html (益阳至长沙段 2022-09-06 开通, 63公里, 最快31分钟, 设计时速350); https://m.ithome.com/html/663392.htm (常德至益阳段 2023-12-26 开通, 91公里, 常德至长沙最快59分钟)",
    "changjinghuang": "http://zjunbsn.com/tourism/system/2023/12/27/013076019.shtml (杭昌高铁黄昌段 2023-12-27 通车, 288公里, 设计时速350, 南昌东至景德镇北、黄山北最快49分、1小时45分)",
    "ningrong_fp": FP_NODES + " (lines[].serviceDate)",
    "hukun_east_open": "http://shcew.cn/shnews/jtnews/6296.html (中国上海政府网 2014-12-11: 12月10日, 杭长高铁东段(杭州东至南昌西)…正式投入使用; 客运总里程582公里)",
    "hukun_east_time": "https://news.66wz.com/system/2014/10/31/104260069.shtml (经济日报 2014-10-31: 沪昆高铁南昌至杭州段 线路长582公里 … 南昌至杭州最短铁路旅行时间将由现在的5小时压缩至2.5小时)",
    "hukun_west_1": "https://ribao.xyxww.com.cn/html/2014-12/17/content_185988.htm (新华社 photo 2014-12-17: 12月16日 沪昆高铁长沙以西湖南段正式开通运营 … 长沙至怀化单程运行时间…缩短至1小时40分左右; 长沙至怀化(新晃)段约416公里)",
    "hukun_west_2": "http://hn.rednet.cn/c/2015/06/18/3713217.htm (长沙晚报 2015-06-18: 沪昆高铁贵阳至新晃段今日开通运营; G3005次 15:30长沙南发车, 18:43抵达贵阳北, 全程3小时13分; 新晃西至贵阳北段全长286公里)",
    "xiangjing_open": "https://picture.youth.cn/qtdb/202509/t20250929_16265775.htm (新华社 photo caption: 9月28日, 襄阳至荆门高铁(襄荆高铁)正式开通运营 … 线路全长116公里, 设计时速350公里); https://stocks.com.hk/news.aspx?ID=229420 (2025-09-29: 襄荆高铁於9月28日正式開通運營 … 設有襄陽東、宜城、荊門西三站 … 襄陽至荊門最快僅需29分鐘)",
    "jingjing_open": "https://blog.bobobk.com/financial/2024/12-08/10332760.html (中新网武汉12月8日电 mirror: 荆荆高铁8日正式开通运营 … 荆门西至荆州最快28分钟; 线路全长77公里; dated 2024-12-08); http://www.zgcsb.com/news/shouYe/2024-12/09/ma_558585_3.html (Xinhua photo 2024-12-09)",
    "xiangpu": "http://big5.www.gov.cn/gate/big5/www.gov.cn/jrzg/2013-09/26/content_2495277.htm (新华社 2013-09-26: 向莆铁路开通运营; 南昌与福州间最快旅行时间3小时12分; 南昌西站至福州站区段设南昌西…抚州北、抚州…三明北…永泰、杜坞、福州20个车站, 营业里程547公里; 运营时速200公里)",
    "hefu_open": "http://cnbridge.cn/html/2015/news_0630/58083.html (厦门网-海西晨报 2015-06-30: 合福高铁(6月)28日开通运营, 首趟福州开往合肥G2626次)",
    "hefu_time": "http://www.ytbyz.com/ask/259431IA071OLDB (合福铁路6月28日正式开通运营; 福州到黄山的最快旅行时间…缩至2小时15分; 线路全长850公里, 初期运营时速300公里)",
    "hefu_len": "http://zrdqbw.cn/2023/yangcheyaowen_10037805.html (合福高速铁路 2015年6月28日全线开通运营; 正线全长809.92千米, 设计速度300千米/小时; 江西段183.2千米, 福建段283.6千米; 车站含黄山北、婺源、德兴、上饶…福州)",
    "czt_time": "http://cztshq.com/post/219.html (长株潭城际: 长沙西至株洲南最快70分钟, 至湘潭最快64分钟; 长沙站以南段于2016年12月26日开通; 西线(开福寺…长沙西)2017年12月26日开通)",
    "czt_open": "http://m.tielu.cn/47/153126.html (2017-12-27: 长株潭城际铁路全长105公里, 设计时速200公里; 2016年12月26日长沙站以南至株洲、湘潭段建成通车; 2017年12月26日长沙站以西至长沙西站段建成通车)",
    "czt_stations": "https://www.hunan.gov.cn/hnszf/hnyw/szdt/202306/t20230620_29379786.html (station list 长沙…株洲、株洲南、昭山…湘潭, as quoted in a GitHub markdown; not opened by us)",
}

# ---------------------------------------------------------------- stations
# id: (name_zh, name_en, city_zh, main, lon, lat, datum, coord_source)
OSM = FP_NODES + " (node source=osm; OpenStreetMap, ODbL)"
DATA2 = FP_NODES + " (node source=data, 2-decimal coordinate from the repo's js/data.js; approx. +-1 km)"
NOC = ""  # coordinates not found in a citable dataset
CHSR = "github linroger/china-hsr-simulation@12692546d418a37c2088a135830761c1e8094635:public/hsr-stations.geojson"
CHSR_OSM = CHSR + " (feature source=osm-augmented, i.e. OpenStreetMap node; ODbL)"
CHSR_CSV = CHSR + " (feature source=csv; repo's public/station-data.json header: 'China rail station CSV with WGS84 coordinates'; upstream CSV not identified; spot-checked vs OSM: 南昌/南昌西/九江/长沙南/岳阳东 agree within ~0.1 km)"
ST = {
 # --- Wuhan
 "hankou": ("汉口站", "Hankou", "武汉", 1, 114.26, 30.62, "wgs84", DATA2),
 "wuhan": ("武汉站", "Wuhan", "武汉", 1, 114.42, 30.61, "wgs84", DATA2),
 "wuchang": ("武昌站", "Wuchang", "武汉", 1, 114.32, 30.53, "wgs84", FP_DATA + " (stations: 2-decimal)"),
 # --- Hubei members
 "xiaogan_north": ("孝感北站", "Xiaogan North", "孝感", 0, 114.21599, 31.58819, "wgs84", OSM),
 "xiaogan_east": ("孝感东站", "Xiaogan East", "孝感", 1, 113.94249, 30.93577, "wgs84", OSM),
 "xianning_north": ("咸宁北站", "Xianning North", "咸宁", 1, 114.29585, 29.90161, "wgs84", OSM),
 "xianning_south": ("咸宁南站", "Xianning South", "咸宁", 0, None, None, "", NOC),
 "gedian_south": ("葛店南站", "Gedian South", "鄂州", 1, 114.65509, 30.49262, "wgs84", OSM),
 "huanggang_east": ("黄冈东站", "Huanggang East", "黄冈", 1, 114.98118, 30.50921, "wgs84", OSM),
 "daye_north": ("大冶北站", "Daye North", "黄石", 1, None, None, "", NOC),
 "yangxin": ("阳新站", "Yangxin", "黄石", 0, None, None, "", NOC),
 "hanchuan": ("汉川站", "Hanchuan", "孝感", 0, 113.80725, 30.5442, "wgs84", OSM),
 "tianmen_south": ("天门南站", "Tianmen South", "天门", 1, 113.45035, 30.43038, "wgs84", OSM),
 "xiantao_west": ("仙桃西站", "Xiantao West", "仙桃", 1, 113.13905, 30.42765, "wgs84", OSM),
 "qianjiang": ("潜江站", "Qianjiang", "潜江", 1, 112.93368, 30.39206, "wgs84", OSM),
 "jingzhou": ("荆州站", "Jingzhou", "荆州", 1, 112.20744, 30.37257, "wgs84", OSM),
 "zhijiang_north": ("枝江北站", "Zhijiang North", "宜昌", 0, 111.76662, 30.47962, "wgs84", OSM),
 "yichang_east": ("宜昌东站", "Yichang East", "宜昌", 1, 111.36488, 30.66041, "wgs84", OSM),
 "yichang_north": ("宜昌北站", "Yichang North", "宜昌", 0, None, None, "", NOC),
 "tianmen": ("天门站", "Tianmen", "天门", 0, None, None, "", NOC),
 "jingmen_west": ("荆门西站", "Jingmen West", "荆门", 1, None, None, "", NOC),
 "xiangyang_east": ("襄阳东站", "Xiangyang East", "襄阳", 1, None, None, "", NOC),
 "shiyan_east": ("十堰东站", "Shiyan East", "十堰", 1, None, None, "", NOC),
 "lichuan": ("利川站", "Lichuan", "恩施", 0, 108.93597, 30.28118, "wgs84", OSM),
 "hongan_west": ("红安西站", "Hong'an West", "黄冈", 0, 114.6264, 31.0062, "wgs84", OSM),
 "macheng_north": ("麻城北站", "Macheng North", "黄冈", 0, 114.9793, 31.1893, "wgs84", OSM),
 # --- Hunan members
 "yueyang_east": ("岳阳东站", "Yueyang East", "岳阳", 1, 113.20232, 29.36896, "wgs84", OSM),
 "miluo_east": ("汨罗东站", "Miluo East", "岳阳", 0, 113.13822, 28.74864, "wgs84", OSM),
 "changsha_south": ("长沙南站", "Changsha South", "长沙", 1, 113.05988, 28.15008, "wgs84", OSM),
 "changsha_west": ("长沙西站", "Changsha West", "长沙", 0, 112.8205132, 28.2653776, "wgs84", CHSR_OSM + " id osm-84"),
 "zhuzhou_west": ("株洲西站", "Zhuzhou West", "株洲", 1, 113.06284, 27.79395, "wgs84", OSM),
 "hengshan_west": ("衡山西站", "Hengshan West", "衡阳", 0, 112.78379, 27.2511, "wgs84", OSM),
 "hengyang_east": ("衡阳东站", "Hengyang East", "衡阳", 1, 112.70449, 26.8997, "wgs84", OSM),
 "chenzhou_west": ("郴州西站", "Chenzhou West", "郴州", 0, 112.96453, 25.73913, "wgs84", OSM),
 "xiangtan_north": ("湘潭北站", "Xiangtan North", "湘潭", 1, 112.93713, 27.96827, "wgs84", OSM),
 "shaoshan_south": ("韶山南站", "Shaoshan South", "湘潭", 0, 112.54237, 27.8917, "wgs84", OSM),
 "loudi_south": ("娄底南站", "Loudi South", "娄底", 1, 112.00847, 27.66626, "wgs84", OSM),
 "shaoyang_north": ("邵阳北站", "Shaoyang North", "邵阳", 0, 111.49898, 27.57756, "wgs84", OSM),
 "huaihua_south": ("怀化南站", "Huaihua South", "怀化", 0, 109.98876, 27.51552, "wgs84", OSM),
 "liling_east": ("醴陵东站", "Liling East", "株洲", 0, 113.5726, 27.7185, "wgs84", OSM),
 "yiyang_south": ("益阳南站", "Yiyang South", "益阳", 1, None, None, "", NOC),
 "changde": ("常德站", "Changde", "常德", 1, 111.689446, 29.074366, "wgs84", CHSR_CSV + " id st-665; pre-常益长 dataset, station later rebuilt on the same name"),
 # --- Jiangxi members
 "nanchang_west": ("南昌西站", "Nanchang West", "南昌", 1, 115.78771, 28.62573, "wgs84", OSM),
 "nanchang": ("南昌站", "Nanchang", "南昌", 1, 115.91482, 28.66529, "wgs84", OSM),
 "nanchang_east": ("南昌东站", "Nanchang East", "南昌", 0, None, None, "", NOC),
 "gaoan": ("高安站", "Gao'an", "宜春", 0, 115.37981, 28.47415, "wgs84", OSM),
 "xinyu_north": ("新余北站", "Xinyu North", "新余", 1, 114.89133, 27.91523, "wgs84", OSM),
 "yichun": ("宜春站", "Yichun", "宜春", 1, 114.43154, 27.79155, "wgs84", OSM),
 "pingxiang_north": ("萍乡北站", "Pingxiang North", "萍乡", 1, 113.8423, 27.68745, "wgs84", OSM),
 "jinxian_south": ("进贤南站", "Jinxian South", "南昌", 0, 116.22965, 28.34073, "wgs84", OSM),
 "fuzhou_east_jx": ("抚州东站", "Fuzhou East (Jiangxi)", "抚州", 1, 116.61188, 28.26394, "wgs84", OSM),
 "yingtan_north": ("鹰潭北站", "Yingtan North", "鹰潭", 1, 117.03387, 28.30876, "wgs84", OSM),
 "yiyang_jx": ("弋阳站", "Yiyang (Jiangxi)", "上饶", 0, 117.43972, 28.41425, "wgs84", OSM),
 "shangrao": ("上饶站", "Shangrao", "上饶", 1, 118.00308, 28.49412, "wgs84", OSM),
 "yushan_south": ("玉山南站", "Yushan South", "上饶", 0, 118.28811, 28.65008, "wgs84", OSM),
 "quzhou": ("衢州站", "Quzhou", "衢州", 0, 118.87612, 28.92702, "wgs84", OSM),
 "jinhua": ("金华站", "Jinhua", "金华", 0, 119.63122, 29.11428, "wgs84", OSM),
 "yiwu": ("义乌站", "Yiwu", "金华", 0, 120.0387, 29.38084, "wgs84", OSM),
 "zhuji": ("诸暨站", "Zhuji", "绍兴", 0, 120.18054, 29.72966, "wgs84", OSM),
 "jiujiang": ("九江站", "Jiujiang", "九江", 1, 116.00167, 29.7066, "wgs84", OSM),
 "lushan": ("庐山站", "Lushan", "九江", 0, 115.87434, 29.59964, "wgs84", OSM),
 "dean": ("德安站", "De'an", "九江", 0, 115.76189, 29.31178, "wgs84", OSM),
 "gongqingcheng": ("共青城站", "Gongqingcheng", "九江", 0, 115.76975, 29.24566, "wgs84", OSM),
 "yongxiu": ("永修站", "Yongxiu", "九江", 0, 115.8109, 29.02289, "wgs84", OSM),
 "jingdezhen_north": ("景德镇北站", "Jingdezhen North", "景德镇", 1, 117.2376217, 29.3416354, "wgs84", CHSR_OSM + " id osm-19"),
 "huangshan_north": ("黄山北站", "Huangshan North", "黄山", 1, 118.26734, 29.81834, "wgs84", OSM),
 "fengcheng_east": ("丰城东站", "Fengcheng East", "宜春", 0, 115.80587, 28.16871, "wgs84", OSM),
 "zhangshu_east": ("樟树东站", "Zhangshu East", "宜春", 0, 115.5957, 27.96821, "wgs84", OSM),
 "xingan_east": ("新干东站", "Xingan East", "吉安", 0, 115.42177, 27.74695, "wgs84", OSM),
 "jian_west": ("吉安西站", "Ji'an West", "吉安", 1, 114.92839, 27.13947, "wgs84", OSM),
 "ganzhou_west": ("赣州西站", "Ganzhou West", "赣州", 1, 114.81156, 25.82303, "wgs84", OSM),
 # --- outside cores and intermediate
 "zhengzhou_east": ("郑州东站", "Zhengzhou East", "郑州", 1, 113.77325, 34.76019, "wgs84", OSM),
 "xinyang_east": ("信阳东站", "Xinyang East", "信阳", 0, 114.15439, 32.14592, "wgs84", OSM),
 "xian_north": ("西安北站", "Xi'an North", "西安", 1, 108.93403, 34.37767, "wgs84", OSM),
 "chongqing_north": ("重庆北站", "Chongqing North", "重庆", 1, 106.54727, 29.61232, "wgs84", OSM),
 "chengdu_east": ("成都东站", "Chengdu East", "成都", 1, 104.13892, 30.6313, "wgs84", OSM),
 "guiyang_north": ("贵阳北站", "Guiyang North", "贵阳", 1, 106.67245, 26.62283, "wgs84", OSM),
 "guangzhou_south": ("广州南站", "Guangzhou South", "广州", 1, 113.26404, 22.99141, "wgs84", OSM),
 "shenzhen_north": ("深圳北站", "Shenzhen North", "深圳", 1, 114.02395, 22.61204, "wgs84", OSM),
 "hangzhou_east": ("杭州东站", "Hangzhou East", "杭州", 1, 120.2082, 30.29355, "wgs84", OSM),
 "shanghai_hongqiao": ("上海虹桥站", "Shanghai Hongqiao", "上海", 1, 121.3162, 31.19598, "wgs84", OSM),
 "nanjing_south": ("南京南站", "Nanjing South", "南京", 1, 118.81, 31.97, "wgs84", DATA2),
 "hefei_south": ("合肥南站", "Hefei South", "合肥", 1, 117.29, 31.8, "wgs84", DATA2),
 "luan": ("六安站", "Lu'an", "六安", 0, 116.49729, 31.71769, "wgs84", FP_NODES + " (node source=data)"),
 # --- added 2026-11: 福州 link (向莆 / 合福) and 长株潭城际
 "fuzhou": ("福州站", "Fuzhou", "福州", 1, 119.315178, 26.117115, "wgs84", CHSR_CSV + " id st-1593"),
 "fuzhou_jx": ("抚州站", "Fuzhou (Jiangxi)", "抚州", 0, 116.349107, 27.923144, "wgs84", CHSR_CSV + " id st-1661"),
 "sanming_north": ("三明北站", "Sanming North", "三明", 0, 117.801796, 26.379135, "wgs84", CHSR_CSV + " id st-1625"),
 "zhuzhou_south": ("株洲南站", "Zhuzhou South", "株洲", 0, 113.1628275, 27.7719839, "wgs84", CHSR_OSM + " id osm-85"),
 "xiangtan": ("湘潭站", "Xiangtan", "湘潭", 0, 112.907681, 27.878751, "wgs84", CHSR_CSV + " id st-695"),
}

# ---------------------------------------------------------------- lines
# id: (name_zh, name_en, kind, design_speed, source, note)
LN = {
 "jingguang_hsr": ("京广高速铁路", "Beijing-Guangzhou HSR", "hsr", 350, S["bjreview"], "武广段 Wuhan-Guangzhou opened 2009-12-26 (bjreview); 郑武段 opened 2012 per footpoint serviceDate of full line 2012-12-26"),
 "hukun_hsr": ("沪昆高速铁路", "Shanghai-Kunming HSR", "hsr", 350, S["hukun_gmw"], "南昌-长沙段 2014-09-16; 杭州东-南昌西 2014-12-10; 长沙南-新晃西 2014-12-16; 新晃西-贵阳北 2015-06-18 (sources in segments.csv); footpoint gives full-line 2016-12-28"),
 "huhanrong_hanyi": ("汉宜铁路（沪汉蓉通道）", "Hankou-Yichang railway (Shanghai-Wuhan-Chengdu corridor)", "hsr", 200, S["hanyi"], "designed 200 km/h"),
 "huhanrong_hewu": ("合武铁路（沪汉蓉通道）", "Hefei-Wuhan railway", "hsr", 250, S["bjreview"], "Hefei-Wuhan 350 km, 250 km/h, opened 2009-04-01"),
 "huhanrong_ningrong_east": ("合宁铁路/沪宁城际（沪汉蓉通道）", "Hefei-Nanjing / Shanghai-Nanjing", "hsr", None, S["bjreview"], "Hefei-Nanjing 166 km opened 2009-04-18; 沪宁城际 2010-07-01 per footpoint serviceDate; design speed not taken"),
 "huhanrong_west": ("宜万/渝利/遂渝（沪汉蓉通道西段）", "Yichang-Chongqing-Chengdu (west section)", "hsr", None, FP_NODES, "opening dates and design speed not sourced here"),
 "yanjiang_wuyi": ("沪渝蓉沿江高铁武宜段", "Shanghai-Chongqing-Chengdu riverside HSR, Wuhan-Yichang section", "hsr", 350, S["wuyi_open"], "opened 2025-12-26 (Xinhua); stations per 12306 sale notice"),
 "hanshi_hsr": ("汉十高速铁路", "Wuhan-Shiyan HSR", "hsr", 350, S["hanshi"], "opened 2019-11-29; initial operating speed 300"),
 "wuxiao_intercity": ("武孝城际铁路", "Wuhan-Xiaogan intercity", "intercity", None, FP_NODES, "serviceDate 2016-12-01 in footpoint lines[]"),
 "xiangjing_hsr": ("襄荆高速铁路（呼南通道）", "Xiangyang-Jingmen HSR", "hsr", 350, S["xiangjing_open"], "opened 2025-09-28; 116 km (116.23 km per daqing.47000.cn)"),
 "jingjing_hsr": ("荆荆高速铁路", "Jingmen-Jingzhou HSR", "hsr", 350, S["jingjing"] + " ; " + S["jingjing_open"], "opened 2024-12-08; 77 km (77.48 km per wuhan.icu)"),
 "wugang_intercity": ("武冈城际铁路", "Wuhan-Huanggang intercity", "intercity", None, S["wushi_wugang"], "65 km, opened 2014-06 (footpoint serviceDate 2014-06-18)"),
 "wushi_intercity": ("武石城际铁路（武黄城际）", "Wuhan-Huangshi intercity", "intercity", 200, S["wushi_speed"], "95 km Wuhan-Daye North, fastest 46 min (cnhubei); 200 km/h and above"),
 "wujiu_hsr": ("武九客运专线", "Wuhan-Jiujiang passenger line", "hsr", 250, S["wujiu"], "shares 武汉-大冶北 with 武石城际; 大冶北-阳新 2017-06, 阳新-九江 2017-09-21"),
 "wuxian_intercity": ("武咸城际铁路", "Wuhan-Xianning intercity", "intercity", 250, S["wuxian"], "opened 2013-12-28; 90.1 km"),
 "changjiu_intercity": ("昌九城际铁路", "Nanchang-Jiujiang intercity", "intercity", None, S["changjiu"], "opened 2010-09-20; 135 km; 45 min at max speed"),
 "changyichang_hsr": ("常益长高速铁路（渝厦通道）", "Changde-Yiyang-Changsha HSR", "hsr", 350, S["yichang"], "益阳-长沙 2022-09-06; 常德-益阳 2023-12-26"),
 "changjinghuang_hsr": ("昌景黄高速铁路（杭昌高铁黄昌段）", "Nanchang-Jingdezhen-Huangshan HSR", "hsr", 350, S["changjinghuang"], "opened 2023-12-27"),
 "changgan_hsr": ("昌赣高速铁路", "Nanchang-Ganzhou HSR", "hsr", None, FP_NODES, "serviceDate 2019-12-26 in footpoint lines[]; design speed not taken"),
 "ganshen_hsr": ("赣深高速铁路", "Ganzhou-Shenzhen HSR", "hsr", None, FP_NODES, "serviceDate 2021-12-10 in footpoint lines[]"),
 "xulan_hsr": ("郑西高速铁路（徐兰高铁）", "Zhengzhou-Xi'an HSR", "hsr", 350, S["bjreview"], "Zhengzhou-Xi'an 350 km/h, 2010 (bjreview)"),
 "xicheng_hsr": ("西成高速铁路", "Xi'an-Chengdu HSR", "hsr", None, FP_NODES, "serviceDate 2017-12-06 in footpoint lines[]"),
 "guangshenggang_hsr": ("广深港高速铁路", "Guangzhou-Shenzhen-HK HSR", "hsr", None, FP_NODES, "serviceDate 2011-12-26 in footpoint lines[]"),
 "huhang_hsr": ("沪杭高速铁路", "Shanghai-Hangzhou HSR", "hsr", None, FP_NODES, "serviceDate 2010-10-26 in footpoint lines[]"),
 "xiangpu_railway": ("向莆铁路（南昌西—福州）", "Xiangtang-Putian railway (Nanchang West-Fuzhou)", "hsr", 200, S["xiangpu"], "opened 2013-09-26; 200 km/h mixed passenger/freight; 南昌西-福州 547 km"),
 "hefu_hsr": ("合福高速铁路", "Hefei-Fuzhou HSR", "hsr", 300, S["hefu_len"] + " ; " + S["hefu_open"], "opened 2015-06-28; design 300 km/h (zrdqbw; yyykp.com says design 350 / allowed 300 -- 300 taken); 809.92 km"),
 "changzhutan_intercity": ("长株潭城际铁路", "Changsha-Zhuzhou-Xiangtan intercity", "intercity", 200, S["czt_open"], "长沙站以南 opened 2016-12-26; 长沙站-长沙西 opened 2017-12-26; 105 km; 200 km/h"),
}

def gc(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (ST[a][5], ST[a][4], ST[b][5], ST[b][4]))
    h = math.sin((la2-la1)/2)**2 + math.cos(la1)*math.cos(la2)*math.sin((lo2-lo1)/2)**2
    return 6371.0 * 2 * math.asin(math.sqrt(h))

SEG = []
def seg(line, a, b, minutes, basis, dist, opened, status, src, note="", expected=""):
    SEG.append(dict(line_id=line, from_station=a, to_station=b,
                    minutes=(round(minutes, 1) if minutes is not None else ""), minutes_basis=basis,
                    distance_km=(round(dist, 1) if dist not in (None, "") else ""), opened=opened,
                    status=status, expected_year=expected, source=src, note=note))

def chain_split(line, stops, km, total_min, total_src, opened, status="open", note="", km_src=FP_KM, dist_from_km=True):
    """Split a sourced end-to-end fastest time over consecutive stops in proportion to km."""
    tot = km[stops[-1]] - km[stops[0]]
    for a, b in zip(stops, stops[1:]):
        d = abs(km[b] - km[a])
        m = total_min * d / abs(tot)
        seg(line, a, b, m,
            f"derived: {total_min} min ({ST[stops[0]][0]}-{ST[stops[-1]][0]} fastest, sourced) x {d}/{abs(tot)} km share",
            d if dist_from_km else None, opened, status, total_src + " ; km: " + km_src, note)

def chain_speed(line, stops, km, v, vbasis, opened, status="open", src="", note="", km_src=FP_KM):
    for a, b in zip(stops, stops[1:]):
        d = abs(km[b] - km[a])
        seg(line, a, b, d / v * 60, f"derived: {d} km / {v:.1f} km/h x 60 ({vbasis})", d, opened, status,
            (src + " ; " if src else "") + "km: " + km_src, note)

def gc_split(line, stops, total_min, total_km, src, opened, status="open", note=""):
    """Split sourced total time (and total length) over stops by great-circle share between sourced coordinates."""
    parts = [gc(a, b) for a, b in zip(stops, stops[1:])]
    tot = sum(parts)
    for (a, b), p in zip(zip(stops, stops[1:]), parts):
        seg(line, a, b, total_min * p / tot,
            f"derived: {total_min} min ({ST[stops[0]][0]}-{ST[stops[-1]][0]}, sourced) x great-circle share {p:.1f}/{tot:.1f} km (coords: stations.csv)",
            (total_km * p / tot) if total_km else None, opened, status, src,
            (note + "; " if note else "") + ("distance_km = sourced line length x same share" if total_km else ""))

# ====================================================== JINGGUANG HSR
# km from footpoint train-stops (G1043 Beijing West-Zhuhai; G1136; G390; G6240)
KM_G1043 = {"zhengzhou_east": 693, "xinyang_east": 1030, "xiaogan_north": 1103, "wuhan": 1229, "xianning_north": 1314,
            "yueyang_east": 1444, "miluo_east": 1514, "changsha_south": 1591, "hengshan_west": 1727,
            "hengyang_east": 1768, "chenzhou_west": 1921, "guangzhou_south": 2298}
KM_G1136 = {"changsha_south": 707, "zhuzhou_west": 655, "hengyang_east": 530}
V_WC = 362 / (78 / 60)  # 武汉-长沙南 362 km (G1043 km 1591-1229) in 78 min (wuguang_2014)
chain_split("jingguang_hsr", ["wuhan", "xianning_north", "yueyang_east", "miluo_east", "changsha_south"], KM_G1043, 78,
            S["wuguang_2014"], 2009, note="武广段 opened 2009-12-26 (bjreview)")
chain_speed("jingguang_hsr", ["zhengzhou_east", "xinyang_east", "xiaogan_north", "wuhan"], KM_G1043, V_WC,
            "average speed implied by sourced 武汉-长沙南 fastest 78 min over 362 km", 2012,
            note="opened year = footpoint jingguang-hsr serviceDate 2012-12-26 (full line)")
# Changsha South - Zhuzhou West - Hengyang East via G1136 km, then G1043 km south
chain_speed("jingguang_hsr", ["changsha_south", "zhuzhou_west", "hengyang_east"], KM_G1136, V_WC,
            "average speed implied by sourced 武汉-长沙南 78 min / 362 km", 2009, note="武广段 opened 2009-12-26 (bjreview)")
chain_speed("jingguang_hsr", ["hengyang_east", "chenzhou_west", "guangzhou_south"], KM_G1043, V_WC,
            "average speed implied by sourced 武汉-长沙南 78 min / 362 km", 2009, note="武广段 opened 2009-12-26 (bjreview)")
chain_speed("guangshenggang_hsr", ["guangzhou_south", "shenzhen_north"], {"shenzhen_north": 0, "guangzhou_south": 102}, V_WC,
            "average speed implied by sourced 武汉-长沙南 78 min / 362 km (proxy, other line)", 2011,
            note="opened = footpoint serviceDate 2011-12-26")

# ====================================================== HUKUN HSR
# 南昌西-长沙南 fastest 87 min (wuguang_2014), length 342 km (gmw); split by great-circle
gc_split("hukun_hsr", ["changsha_south", "liling_east", "pingxiang_north", "yichun", "xinyu_north", "gaoan", "nanchang_west"],
         87, 342, S["wuguang_2014"] + " ; length: " + S["hukun_gmw"], 2014)
V_HK = 342 / (87 / 60)
# East of Nanchang and west of Changsha: no sourced time or km -> great-circle / speed (lower bound)
def gc_speed(line, stops, v, vbasis, opened, src, status="open", note=""):
    for a, b in zip(stops, stops[1:]):
        d = gc(a, b)
        seg(line, a, b, d / v * 60,
            f"derived: great-circle {d:.1f} km (coords: stations.csv) / {v:.1f} km/h x 60 ({vbasis}); LOWER BOUND, track longer than great circle",
            None, opened, status, src, note)
# East of Nanchang (杭长东段 南昌西-杭州东, opened 2014-12-10, 582 km): only an approximate pre-opening time '2.5小时' was found
gc_split("hukun_hsr", ["nanchang_west", "jinxian_south", "fuzhou_east_jx", "yingtan_north", "yiyang_jx", "shangrao",
                       "yushan_south", "quzhou", "jinhua", "yiwu", "zhuji", "hangzhou_east"], 150, 582,
         S["hukun_east_time"] + " ; opened: " + S["hukun_east_open"], 2014,
         note="UNCERTAIN: 150 min = '南昌至杭州最短…压缩至2.5小时' stated before opening (approximate, not a timetable); opened 2014-12-10")
# West of Changsha: 长沙南-怀化南 '1小时40分左右' (opening 2014-12-16), 长沙南-贵阳北 G3005 3h13m (first day 2015-06-18)
gc_split("hukun_hsr", ["changsha_south", "xiangtan_north", "shaoshan_south", "loudi_south", "shaoyang_north", "huaihua_south"],
         100, None, S["hukun_west_1"], 2014,
         note="100 min = '长沙至怀化单程运行时间…缩短至1小时40分左右' (approximate); opened 2014-12-16 (长沙以西湖南段)")
seg("hukun_hsr", "huaihua_south", "guiyang_north", 193 - 100,
    "derived: 193 min (G3005 长沙南15:30-贵阳北18:43, timetable of 2015-06-18) - 100 min (长沙-怀化 '1小时40分左右') -- UNCERTAIN",
    None, 2015, "open", S["hukun_west_2"] + " ; " + S["hukun_west_1"],
    "怀化南-新晃西 part opened 2014-12-16, 新晃西-贵阳北 (286 km) opened 2015-06-18; intermediate stops (芷江, 新晃西, 铜仁南, 凯里南 …) omitted")
gc_speed("huhang_hsr", ["hangzhou_east", "shanghai_hongqiao"], V_HK, "proxy: 沪昆 南昌西-长沙南 average", 2010, FP_NODES,
         note="opened = footpoint serviceDate 2010-10-26")

# ====================================================== HUHANRONG
# 汉宜: 汉口-宜昌东 fastest 99 min, 293.1 km, opened 2012 (hanyi)
gc_split("huhanrong_hanyi", ["hankou", "hanchuan", "tianmen_south", "xiantao_west", "qianjiang", "jingzhou", "zhijiang_north",
                             "yichang_east"], 99, 293.1, S["hanyi"], 2012)
# 合武 + 合宁 + 沪宁 : km from G678 (汉口 0 ...), speed from 汉宜? no -> use Hefei-Wuhan design 250 is not a schedule; use gc? we have km.
KM_G678 = {"hankou": 0, "hongan_west": 72, "macheng_north": 111, "luan": 272, "hefei_south": 359, "nanjing_south": 516}
KM_G1427 = {"shanghai_hongqiao": 0, "nanjing_south": 295}
V_HY = 293.1 / (99 / 60)
chain_speed("huhanrong_hewu", ["hankou", "hongan_west", "macheng_north", "luan", "hefei_south"], KM_G678, V_HK,
            "proxy average speed of 沪昆 南昌西-长沙南 87 min/342 km; 合武 design 250 km/h (bjreview) -- UNCERTAIN", 2009,
            src=S["bjreview"], note="opened 2009-04-01 (bjreview)")
chain_speed("huhanrong_ningrong_east", ["hefei_south", "nanjing_south"], KM_G678, V_HK,
            "proxy average speed of 沪昆 南昌西-长沙南", 2009, src=S["bjreview"], note="Hefei-Nanjing opened 2009-04-18 (bjreview); 合肥南 station itself opened later (not sourced)")
chain_speed("huhanrong_ningrong_east", ["nanjing_south", "shanghai_hongqiao"], KM_G1427, V_HK,
            "proxy average speed of 沪昆 南昌西-长沙南", 2010, note="沪宁城际 serviceDate 2010-07-01 (footpoint); fast trains also use 京沪高铁")
KM_D2256 = {"chengdu_east": 0, "chongqing_north": 304, "lichuan": 582, "yichang_east": 857}
chain_speed("huhanrong_west", ["yichang_east", "lichuan", "chongqing_north", "chengdu_east"], KM_D2256, V_HY,
            "proxy average speed of 汉宜 汉口-宜昌东 99 min/293.1 km (200 km/h class line)", "", src=FP_NODES,
            note="opening years not sourced here (all before 2016 except not checked)")

# ====================================================== YANJIANG (Wuhan-Yichang) opened 2025-12-26
KM_G1737 = {"hankou": 811, "tianmen": 918, "jingmen_west": 1041, "yichang_north": 1111}
chain_split("yanjiang_wuyi", ["hankou", "tianmen", "jingmen_west", "yichang_north"], KM_G1737, 69,
            S["wuyi_12306"] + " ; " + S["wuyi_open"], 2025,
            note="only stops with km in train-stops kept (汉川北/京山南/钟祥南/当阳西 omitted); official length 314 km vs 300 km by train-stops")

# ====================================================== HANSHI + WUXIAO
KM_D5234 = {"xiaogan_east": 22, "hankou": 83}
V_HS = 399 / (117 / 60)  # not used for times; kept for info
seg("wuxiao_intercity", "hankou", "xiaogan_east", 61 / V_WC * 60,
    f"derived: 61 km / {V_WC:.1f} km/h x 60 (proxy average of 京广 武汉-长沙南) -- UNCERTAIN", 61, 2016, "open",
    FP_KM + " (D5234 km) ; opened: footpoint wuxiao-int serviceDate 2016-12-01")
t_hk_xg = 61 / V_WC * 60
seg("hanshi_hsr", "xiaogan_east", "xiangyang_east", 75 - t_hk_xg,
    f"derived: 75 min (汉口06:30-襄阳东07:45 experience train G55304, 2019-10-30) - {t_hk_xg:.1f} min 汉口-孝感东 (row above)", None,
    2019, "open", S["hanshi_trial"] + " ; " + S["hanshi"], "trial train, not a public timetable")
seg("hanshi_hsr", "xiangyang_east", "shiyan_east", 117 - 75,
    "derived: 117 min (武汉-十堰 fastest at opening, hanshi source) - 75 min (汉口-襄阳东 trial run)", None, 2019, "open",
    S["hanshi"] + " ; " + S["hanshi_trial"], "assumes the 117-min train starts at 汉口 (source says 武汉)")

# ====================================================== XIANGJING / JINGJING (new Hubei links)
seg("xiangjing_hsr", "xiangyang_east", "jingmen_west", 29, "timetable: 襄阳至荆门最快仅需29分钟 (opening report 2025-09-29)", 116.23,
    2025, "open", S["xiangjing_open"] + " ; length: " + S["xiangjing"],
    "opened 2025-09-28 (Xinhua photo caption, youth.cn); stations 襄阳东、宜城、荆门西; G1136 (train-stops, asOf 2026-09) runs 荆门西-宜城-襄阳东")
seg("jingjing_hsr", "jingmen_west", "jingzhou", 28, "timetable: 荆门西至荆州最快28分 (opening announcement)", 77.48, 2024, "open", S["jingjing"] + " ; " + S["jingjing_open"],
    "opened 2024-12-08 (中新网 2024-12-08); intermediate station 沙洋西 not modelled")

# ====================================================== WUHAN METRO-AREA INTERCITY
seg("wugang_intercity", "wuhan", "gedian_south", None, "", None, 2014, "open", S["wushi_wugang"], "placeholder, replaced below")
SEG.pop()
# 武冈 武汉-黄冈东 65 km fastest 43 min; 葛店南 is an intermediate stop (shared with 武石)
gc_split("wugang_intercity", ["wuhan", "gedian_south", "huanggang_east"], 43, 65, S["wushi_wugang"], 2014)
# 武石 武汉-大冶北 95 km 46 min ; 大冶北 coords missing -> one segment
seg("wushi_intercity", "wuhan", "daye_north", 46, "timetable: 武石城铁全程最快46分钟 (opening report 2014-06)", 95, 2014, "open",
    S["wushi_wugang"], "intermediate stops (葛店南/鄂州/黄石北) not split: coordinates of 鄂州/黄石北/大冶北 not found")
seg("wujiu_hsr", "daye_north", "yangxin", None, "", None, 2017, "open", S["wujiu"], "")
SEG.pop()
# 武九: total 武汉-九江 '1小时左右' only approximate; no split possible -> leave 大冶北-九江 as one derived row
seg("wujiu_hsr", "daye_north", "jiujiang", 60 - 46,
    "derived: 60 min ('武汉与九江间运行时间压缩至1小时左右', approximate) - 46 min (武汉-大冶北 fastest) -- UNCERTAIN",
    None, 2017, "open", S["wujiu"] + " ; https://pediainside.com (武汉至九江 1小时) ; " + S["wushi_wugang"],
    "阳新 (黄石) is an intermediate stop not split; 大冶北-阳新 opened 2017-06, 阳新-九江 2017-09-21")
seg("wuxian_intercity", "wuchang", "xianning_south", 40, "timetable(approx): '全线运行时间在40分钟左右' (opening report)", 90.1, 2013, "open", S["wuxian"])

# ====================================================== JIANGXI
gc_split("changjiu_intercity", ["nanchang", "yongxiu", "gongqingcheng", "dean", "lushan", "jiujiang"], 45, 135, S["changjiu"], 2010,
         note="45 min = end-to-end at maximum speed (UIC); intermediate stops not all served by the fastest train")
seg("changjinghuang_hsr", "nanchang_east", "jingdezhen_north", 49, "timetable: 南昌东至景德镇北最快49分 (opening announcement)", None, 2023, "open", S["changjinghuang"])
seg("changjinghuang_hsr", "jingdezhen_north", "huangshan_north", 105 - 49,
    "derived: 105 min (南昌东-黄山北 fastest) - 49 min (南昌东-景德镇北 fastest)", None, 2023, "open", S["changjinghuang"])
gc_speed("changgan_hsr", ["nanchang", "fengcheng_east", "zhangshu_east", "xingan_east", "jian_west", "ganzhou_west"], V_HK,
         "proxy average of 沪昆 南昌西-长沙南 87 min/342 km", 2019, FP_NODES, note="opened = footpoint changgan-hsr serviceDate 2019-12-26")
gc_speed("ganshen_hsr", ["ganzhou_west", "shenzhen_north"], V_HK, "proxy average of 沪昆 南昌西-长沙南", 2021, FP_NODES,
         note="opened = footpoint ganshen-hsr serviceDate 2021-12-10; intermediate stops omitted")

# ====================================================== HUNAN
seg("changyichang_hsr", "changsha_west", "yiyang_south", 31, "timetable: 益阳至长沙最快31分钟 (opening report)", 63, 2022, "open", S["yichang"])
seg("changyichang_hsr", "yiyang_south", "changde", 59 - 31, "derived: 59 min (常德-长沙 fastest) - 31 min (益阳-长沙 fastest)", 91, 2023, "open", S["yichang"])

# ====================================================== NORTH / WEST links
KM_G1970 = {"zhengzhou_east": 986, "xian_north": 1509}
chain_speed("xulan_hsr", ["zhengzhou_east", "xian_north"], KM_G1970, V_WC, "proxy average of 京广 武汉-长沙南 78 min/362 km", 2010,
            src=S["bjreview"], note="intermediate stops omitted")
gc_speed("xicheng_hsr", ["xian_north", "chengdu_east"], V_HY, "proxy average of 汉宜 (250-class line, UNCERTAIN)", 2017, FP_NODES,
         note="opened = footpoint xicheng-hsr serviceDate 2017-12-06; mountain line, great circle underestimates")

# ====================================================== FUZHOU LINK (added 2026-11)
# 向莆: 南昌-福州 fastest 3h12m (192 min), 南昌西-福州 547 km (Xinhua 2013-09-26); split by great-circle share
gc_split("xiangpu_railway", ["nanchang_west", "fuzhou_jx", "sanming_north", "fuzhou"], 192, 547, S["xiangpu"], 2013,
         note="source says '南昌与福州' fastest; the line starts at 南昌西 so the 192 min is assigned to 南昌西-福州 (endpoint UNCERTAIN); "
              "only 抚州 and 三明北 kept as intermediate stops (others: 三江镇, 大岗, 抚州北, 腾桥, 南城, 南丰, 建宁县北, 泰宁, 将乐, 夏茂, 尤溪, 中仙, 长庆, 永泰, 杜坞)")
# 合福: 福州-黄山(北) fastest 2h15m (135 min) at opening; split at 上饶 by great-circle share
gc_split("hefu_hsr", ["huangshan_north", "shangrao", "fuzhou"], 135, None, S["hefu_time"] + " ; " + S["hefu_open"], 2015,
         note="source says '福州到黄山'; 合福's 黄山 station is 黄山北; 上饶 split is derived (no sourced 上饶-福州 time); intermediate stops (婺源, 德兴, 五府山, 武夷山北 …) omitted")

# ====================================================== CHANGZHUTAN INTERCITY (added 2026-11)
# Published fastest times after the 2017-12-26 full opening; modelled as two end-to-end edges from 长沙西 (branch at 暮云 not modelled)
seg("changzhutan_intercity", "changsha_west", "zhuzhou_south", 70, "timetable: 长沙西至株洲南最快70分钟 (full-line opening report)", None, 2017, "open",
    S["czt_time"] + " ; " + S["czt_open"], "end-to-end fastest; intermediate stops (长沙, 暮云 …) not modelled; 长沙站以南 part open since 2016-12-26, 长沙西 end since 2017-12-26")
seg("changzhutan_intercity", "changsha_west", "xiangtan", 64, "timetable: 长沙西至湘潭最快64分钟 (full-line opening report)", None, 2017, "open",
    S["czt_time"] + " ; " + S["czt_open"], "end-to-end fastest; intermediate stops not modelled; 长沙站以南 part open since 2016-12-26, 长沙西 end since 2017-12-26")

# ---------------------------------------------------------------- transfers (no sourced minutes)
TR = [
 ("hankou", "wuhan", "", "", "same city; no sourced transfer time -> engine default penalty"),
 ("hankou", "wuchang", "", "", "same city; no sourced transfer time -> engine default penalty"),
 ("wuhan", "wuchang", "", "", "same city; no sourced transfer time -> engine default penalty"),
 ("changsha_south", "changsha_west", "", "", "same city; no sourced time -> default penalty"),
 ("nanchang_west", "nanchang", "", "", "same city; no sourced time -> default penalty"),
 ("nanchang_west", "nanchang_east", "", "", "same city; no sourced time -> default penalty"),
 ("nanchang", "nanchang_east", "", "", "same city; no sourced time -> default penalty"),
 ("yichang_east", "yichang_north", "", "", "same city; no sourced time -> default penalty"),
 ("tianmen_south", "tianmen", "", "", "same city; no sourced time -> default penalty"),
 ("zhuzhou_west", "zhuzhou_south", "", "", "same city; no sourced time -> default penalty"),
 ("xiangtan_north", "xiangtan", "", "", "same city; no sourced time -> default penalty"),
 ("fuzhou_east_jx", "fuzhou_jx", "", "", "same city (抚州); no sourced time -> default penalty"),
]

def write():
    with open(os.path.join(HERE, "stations.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["station_id", "name_zh", "name_en", "city_zh", "main", "lon", "lat", "datum", "coord_source"])
        for k, v in ST.items():
            w.writerow([k, v[0], v[1], v[2], v[3], "" if v[4] is None else v[4], "" if v[5] is None else v[5], v[6], v[7]])
    with open(os.path.join(HERE, "lines.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["line_id", "name_zh", "name_en", "kind", "design_speed_kmh", "source", "note"])
        for k, v in LN.items():
            w.writerow([k, v[0], v[1], v[2], "" if v[3] is None else v[3], v[4], v[5]])
    cols = ["line_id", "from_station", "to_station", "minutes", "minutes_basis", "distance_km", "opened", "status",
            "expected_year", "source", "note"]
    with open(os.path.join(HERE, "segments.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols); w.writeheader()
        for r in SEG + PLANNED:
            w.writerow(r)
    with open(os.path.join(HERE, "transfers.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["from_station", "to_station", "minutes", "source", "note"])
        for r in TR: w.writerow(r)

ST["fuling_north"] = ("涪陵北站", "Fuling North", "重庆", 0, 107.27312, 29.77309, "wgs84", OSM)
LN["yanjiang_yifu"] = ("沪渝蓉沿江高铁宜昌至涪陵段", "Riverside HSR Yichang-Fuling", "hsr", None, S["wuyi_open"].split(" (")[0] + " ; http://www.shucheng9.com/guanyuwomen/36670.html (新华社: 西连在建的宜昌至兴山、宜昌至涪陵高铁)", "under construction; design speed/expected year not sourced")
PLANNED = [dict(line_id="yanjiang_yifu", from_station="yichang_north", to_station="fuling_north", minutes="", minutes_basis="", distance_km="", opened="", status="construction", expected_year="", source="http://www.shucheng9.com/guanyuwomen/36670.html (Xinhua text: 在建的宜昌至兴山、宜昌至涪陵高铁)", note="under construction per Xinhua 2025-12-26; expected year not sourced; intermediate stations unknown")]
if __name__ == "__main__":
    write()
    print(len(ST), "stations", len(LN), "lines", len(SEG), "segments")
