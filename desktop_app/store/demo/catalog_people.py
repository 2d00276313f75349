"""The demo store's customers: who they are, where they live and what they shop for.

Interests are ordered (strongest first); the generator turns them into browsing history and
orders, so a recommender sees a clear signal per person. Names are common ones, not people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerProfile:
    code: str
    name: str
    language: str
    #: Chinese city name, a key of ``catalog_places.CITIES``.
    city: str
    interests: tuple[str, ...]


CUSTOMERS: tuple[CustomerProfile, ...] = (
    CustomerProfile("C001", "李明轩", "zh", "上海", ("phone", "camping", "smartwatch")),
    CustomerProfile("C002", "王芳", "zh", "北京", ("furniture", "skincare")),
    CustomerProfile("C003", "张伟", "zh", "广州", ("phone", "apparel")),
    CustomerProfile("C004", "陈静", "zh", "杭州", ("skincare", "apparel")),
    CustomerProfile("C005", "Emily Carter", "en", "上海", ("camping", "apparel")),
    CustomerProfile("C006", "刘洋", "zh", "成都", ("camping", "smartwatch")),
    CustomerProfile("C007", "赵雪", "zh", "深圳", ("skincare",)),
    CustomerProfile("C008", "孙浩", "zh", "武汉", ("phone",)),
    CustomerProfile("C009", "周婷", "zh", "南京", ("apparel", "skincare")),
    CustomerProfile("C010", "吴磊", "zh", "西安", ("camping",)),
    CustomerProfile("C011", "Daniel Brooks", "en", "北京", ("smartwatch", "phone")),
    CustomerProfile("C012", "郑晓燕", "zh", "重庆", ("furniture",)),
    CustomerProfile("C013", "黄志强", "zh", "苏州", ("furniture", "phone")),
    CustomerProfile("C014", "何佳怡", "zh", "长沙", ("skincare", "apparel")),
    CustomerProfile("C015", "林子豪", "zh", "厦门", ("camping", "apparel")),
    CustomerProfile("C016", "马丽", "zh", "青岛", ("smartwatch", "skincare")),
    CustomerProfile("C017", "Sophie Martin", "en", "深圳", ("skincare", "furniture")),
    CustomerProfile("C018", "高建国", "zh", "昆明", ("camping", "phone")),
    CustomerProfile("C019", "罗晓红", "zh", "哈尔滨", ("apparel", "furniture")),
    CustomerProfile("C020", "梁宇", "zh", "天津", ("phone", "smartwatch")),
    CustomerProfile("C021", "宋雨桐", "zh", "杭州", ("apparel",)),
    CustomerProfile("C022", "Lucas Meyer", "en", "成都", ("camping", "smartwatch")),
    CustomerProfile("C023", "谢文博", "zh", "广州", ("furniture", "camping")),
    CustomerProfile("C024", "韩梅", "zh", "上海", ("skincare", "smartwatch")),
    CustomerProfile("C025", "唐嘉豪", "zh", "北京", ("phone", "camping")),
    CustomerProfile("C026", "许静怡", "zh", "南京", ("furniture", "apparel")),
)

#: Residential compound names used in street addresses.
COMPOUNDS: tuple[str, ...] = (
    "阳光花园", "锦绣苑", "翠湖小区", "金桂园", "海棠湾", "御景华庭", "春江花月", "绿地新都会",
    "枫林苑", "和平里", "紫荆花园", "滨江一号", "书香名邸", "碧水云天", "望江府", "梧桐公寓",
)

#: Mainland mobile prefixes (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES: tuple[str, ...] = (
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
    "166", "173", "177", "180", "181", "182", "186", "187", "188", "189", "191", "199",
)
