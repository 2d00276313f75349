"""Places and carriers of the demo store, in both languages.

Convention: the store keeps every place name in its Chinese form (``Customer.city``,
``Order.ship_city``, ``Product.ship_from``, ``Product.origin_region``) and every carrier by its
Chinese name (``Order.carrier``), because that is how a mainland shop writes a waybill; the
tables here give the English label (``place_label`` / ``carrier_label``) for English screens
and let the language layer match "Shanghai" to "上海". Coordinates are approximate city
centres, used only to lay out believable parcel routes and transit times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    zh: str
    en: str
    #: Street names, Chinese only: addresses are written the way a courier reads them.
    roads: tuple[str, ...]


@dataclass(frozen=True)
class City:
    zh: str
    en: str
    province_zh: str
    lat: float
    lon: float
    districts: tuple[District, ...] = ()


def _d(zh: str, en: str, *roads: str) -> District:
    return District(zh, en, roads)


CITIES: dict[str, City] = {
    c.zh: c
    for c in (
        City("北京", "Beijing", "北京", 39.90, 116.40,
             (_d("朝阳区", "Chaoyang", "建国路", "望京街"), _d("海淀区", "Haidian", "中关村大街", "学院路"))),
        City("上海", "Shanghai", "上海", 31.23, 121.47,
             (_d("浦东新区", "Pudong", "世纪大道", "张杨路"), _d("徐汇区", "Xuhui", "漕溪北路", "衡山路"))),
        City("广州", "Guangzhou", "广东", 23.13, 113.26,
             (_d("天河区", "Tianhe", "天河路", "体育西路"), _d("海珠区", "Haizhu", "江南大道中", "新港中路"))),
        City("深圳", "Shenzhen", "广东", 22.54, 114.06,
             (_d("南山区", "Nanshan", "深南大道", "科苑路"), _d("福田区", "Futian", "福华路", "益田路"))),
        City("杭州", "Hangzhou", "浙江", 30.27, 120.16,
             (_d("西湖区", "Xihu", "文三路", "天目山路"), _d("滨江区", "Binjiang", "江南大道", "滨盛路"))),
        City("成都", "Chengdu", "四川", 30.57, 104.07,
             (_d("武侯区", "Wuhou", "人民南路四段", "科华北路"), _d("锦江区", "Jinjiang", "春熙路", "东大街"))),
        City("武汉", "Wuhan", "湖北", 30.59, 114.31,
             (_d("武昌区", "Wuchang", "中南路", "珞喻路"), _d("江汉区", "Jianghan", "解放大道", "建设大道"))),
        City("南京", "Nanjing", "江苏", 32.06, 118.80,
             (_d("鼓楼区", "Gulou", "中山北路", "湖南路"), _d("建邺区", "Jianye", "江东中路", "河西大街"))),
        City("西安", "Xi'an", "陕西", 34.34, 108.94,
             (_d("雁塔区", "Yanta", "小寨东路", "长安南路"), _d("碑林区", "Beilin", "南大街", "东关正街"))),
        City("重庆", "Chongqing", "重庆", 29.56, 106.55,
             (_d("渝中区", "Yuzhong", "民族路", "中山三路"), _d("江北区", "Jiangbei", "建新北路", "北城天街"))),
        City("天津", "Tianjin", "天津", 39.13, 117.20,
             (_d("和平区", "Heping", "南京路", "营口道"), _d("南开区", "Nankai", "鞍山西道", "卫津路"))),
        City("苏州", "Suzhou", "江苏", 31.30, 120.59,
             (_d("姑苏区", "Gusu", "人民路", "干将西路"), _d("工业园区", "Industrial Park", "星海街", "现代大道"))),
        City("长沙", "Changsha", "湖南", 28.23, 112.94,
             (_d("岳麓区", "Yuelu", "麓山南路", "桐梓坡路"), _d("芙蓉区", "Furong", "五一大道", "韶山北路"))),
        City("厦门", "Xiamen", "福建", 24.48, 118.09,
             (_d("思明区", "Siming", "湖滨南路", "厦禾路"), _d("湖里区", "Huli", "湖里大道", "枋湖北二路"))),
        City("青岛", "Qingdao", "山东", 36.07, 120.38,
             (_d("市南区", "Shinan", "香港中路", "山东路"), _d("崂山区", "Laoshan", "海尔路", "松岭路"))),
        City("昆明", "Kunming", "云南", 25.04, 102.71,
             (_d("五华区", "Wuhua", "青年路", "人民中路"), _d("盘龙区", "Panlong", "北京路", "白塔路"))),
        City("哈尔滨", "Harbin", "黑龙江", 45.80, 126.53,
             (_d("南岗区", "Nangang", "西大直街", "红军街"), _d("道里区", "Daoli", "中央大街", "友谊路"))),
        City("沈阳", "Shenyang", "辽宁", 41.81, 123.43),
        City("郑州", "Zhengzhou", "河南", 34.75, 113.63),
        City("东莞", "Dongguan", "广东", 23.02, 113.75),
        City("佛山", "Foshan", "广东", 23.02, 113.12),
        City("义乌", "Yiwu", "浙江", 29.31, 120.08),
        City("宁波", "Ningbo", "浙江", 29.87, 121.54),
    )
}

REGIONS: dict[str, str] = {
    "北京": "Beijing", "上海": "Shanghai", "天津": "Tianjin", "重庆": "Chongqing",
    "广东": "Guangdong", "浙江": "Zhejiang", "江苏": "Jiangsu", "四川": "Sichuan",
    "湖北": "Hubei", "湖南": "Hunan", "陕西": "Shaanxi", "福建": "Fujian", "山东": "Shandong",
    "云南": "Yunnan", "黑龙江": "Heilongjiang", "辽宁": "Liaoning", "河南": "Henan",
    "内蒙古": "Inner Mongolia",
}

#: Cities with a trunk sorting hub; long routes pass through the one that costs the least detour.
HUB_CITIES: tuple[str, ...] = ("郑州", "武汉", "西安", "长沙", "南京", "沈阳", "北京", "上海", "广州", "成都")

#: Cities customers live in (every one has districts for addresses and delivery stations).
CUSTOMER_CITIES: tuple[str, ...] = tuple(c.zh for c in CITIES.values() if c.districts)


@dataclass(frozen=True)
class Carrier:
    zh: str
    en: str
    #: What this carrier calls its sorting hubs: "顺丰 … 中转场" reads wrong on a 中通 waybill.
    hub_zh: str
    hub_en: str
    tracking_prefix: str
    tracking_digits: int


CARRIERS: dict[str, Carrier] = {
    c.zh: c
    for c in (
        Carrier("顺丰速运", "SF Express", "中转场", "Transit Hub", "SF", 13),
        Carrier("中通快递", "ZTO Express", "分拨中心", "Distribution Center", "78", 12),
        Carrier("圆通速递", "YTO Express", "转运中心", "Transfer Center", "YT", 13),
        Carrier("京东物流", "JD Logistics", "分拣中心", "Sorting Center", "JDX", 12),
        Carrier("中国邮政", "EMS", "邮件处理中心", "Mail Processing Center", "11", 11),
    )
}


def place_label(name: str, language: str) -> str:
    """English label of a stored (Chinese) city or region name; the name itself for Chinese."""
    if language == "zh":
        return name
    city = CITIES.get(name)
    if city is not None:
        return city.en
    return REGIONS.get(name, name)


def carrier_label(name: str, language: str) -> str:
    carrier = CARRIERS.get(name)
    if carrier is None or language == "zh":
        return name
    return carrier.en


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two known cities."""
    ca, cb = CITIES[a], CITIES[b]
    p1, p2 = math.radians(ca.lat), math.radians(cb.lat)
    dp, dl = p2 - p1, math.radians(cb.lon - ca.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def route_hubs(origin: str, destination: str) -> tuple[str, ...]:
    """Hub cities a parcel passes, origin first, destination last (one city when they match).

    Trips over 900 km go through the trunk hub with the smallest detour, if it adds < 25 %.
    """
    if origin == destination:
        return (origin,)
    direct = distance_km(origin, destination)
    if direct > 900:
        best: tuple[float, str] | None = None
        for hub in HUB_CITIES:
            if hub in (origin, destination):
                continue
            detour = distance_km(origin, hub) + distance_km(hub, destination) - direct
            if best is None or detour < best[0]:
                best = (detour, hub)
        if best is not None and best[0] < 0.25 * direct:
            return (origin, best[1], destination)
    return (origin, destination)
