"""Delivery estimates from warehouse to destination by region.

Carriers quote by region pairs, not distance; these bands follow typical mainland express
times (same city next day, same region 1–3 days, cross-region 2–5, remote west 4–8).
"""

from __future__ import annotations

from desktop_app.service.types import DeliveryEstimate

_REGIONS: dict[str, tuple[str, ...]] = {
    "east": ("上海", "Shanghai", "杭州", "Hangzhou", "南京", "Nanjing", "苏州", "Suzhou", "宁波", "Ningbo",
             "合肥", "Hefei", "义乌", "Yiwu", "无锡", "Wuxi", "厦门", "Xiamen", "福州", "Fuzhou"),
    "north": ("北京", "Beijing", "天津", "Tianjin", "石家庄", "Shijiazhuang", "济南", "Jinan", "青岛", "Qingdao",
              "太原", "Taiyuan", "郑州", "Zhengzhou"),
    "south": ("广州", "Guangzhou", "深圳", "Shenzhen", "东莞", "Dongguan", "佛山", "Foshan", "南宁", "Nanning",
              "海口", "Haikou", "珠海", "Zhuhai"),
    "central": ("武汉", "Wuhan", "长沙", "Changsha", "南昌", "Nanchang"),
    "southwest": ("成都", "Chengdu", "重庆", "Chongqing", "昆明", "Kunming", "贵阳", "Guiyang"),
    "northeast": ("沈阳", "Shenyang", "大连", "Dalian", "哈尔滨", "Harbin", "长春", "Changchun"),
    "northwest": ("西安", "Xi'an", "Xian", "兰州", "Lanzhou", "银川", "Yinchuan", "西宁", "Xining"),
    "remote": ("乌鲁木齐", "Urumqi", "拉萨", "Lhasa", "喀什", "Kashgar"),
}
_CITY_REGION = {city.lower(): region for region, cities in _REGIONS.items() for city in cities}


def region_of(city: str | None) -> str | None:
    if not city:
        return None
    key = city.strip().lower().removesuffix("市").removesuffix(" city")
    return _CITY_REGION.get(key)


def estimate_delivery(ship_from: str, destination: str | None, *, in_stock: bool) -> DeliveryEstimate:
    origin, target = region_of(ship_from), region_of(destination)
    if destination and ship_from.strip().lower() == destination.strip().lower():
        low, high = 1, 1
    elif target == "remote":
        low, high = 4, 8
    elif origin is not None and origin == target:
        low, high = 1, 3
    elif target is None:
        low, high = 2, 5  # destination unknown (a kiosk visitor): quote the national band
    else:
        low, high = 2, 4
    ships_within = 24 if in_stock else 24 * 7  # out of stock: restock lead time
    if not in_stock:
        low, high = low + 7, high + 10
    return DeliveryEstimate(
        ship_from=ship_from,
        destination=destination,
        earliest_days=low,
        latest_days=high,
        ships_within_hours=ships_within,
        in_stock=in_stock,
    )
