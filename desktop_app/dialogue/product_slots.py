"""Reading a product turn: which fields it asks about, which products it names, whether it compares,
and the recommendation request its words make ("a gift for Dad under 500").

Split out of ``products_flow`` so the flow keeps only the answering; nothing here writes a reply.
A follow-up ("第二个呢", "那V8呢") is read here too, from the customer's earlier words.
"""

from __future__ import annotations

import re

from desktop_app.core.errors import AppError
from desktop_app.core.places import CITIES
from desktop_app.core.vocabulary import ATTRIBUTES
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entities, entity, search_query
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.catalog import product_type_in
from desktop_app.service.recommend import RecommendationRequest, audience_in, occasion_in
from desktop_app.service.types import SearchQuery, SortOrder

#: Which product field a question asks about. Order matters only for the sentence order of the answer.
_FIELD_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((f, re.compile(p, re.I)) for f, p in (
    ("price", r"多少钱|多少前|多钱|价格|价钱|售价|几块|多少块|什么价|啥价|贵不贵|how much|\bprice|\bcosts?\b"),
    ("battery", r"电池|毫安|续航|电量|待机|充一次|batt?e?ry|baterry|\bmah\b|last on a charge"),
    ("weight", r"多重|(?<!承)重量|重不重|几斤|几公斤|多少克|多少斤|(?<!承)重多少|有多沉|沉不沉|\bweigh|\bheavy\b|how light"),
    ("dimensions", r"尺寸|多大|多宽|多高|多长|多深|长宽高|宽度|高度|深度|dimension|how big|how wide|how tall|how high|"
                   r"how deep|\bwidth\b|\bheight\b|\bdepth\b|measurements"),
    ("material", r"材质|材料|面料|什么做的|啥做的|什么木|material|made of|fabric|what wood"),
    ("waterproof", r"防水|防泼水|进水|泡水|ip等级|waterproof|water.?proof|water.?resist|\bip\d\d\b|\bipx\d\b|swim"),
    ("warranty", r"保修|质保|保休|三包|warrant|warrenty|guarantee"),
    ("stock", r"有货|有没有货|库存|现货|缺货|卖完|断货|还有吗|还有没有|in stock|\bstock\b|available|sold out"),
    ("colours", r"颜色|什么色|几种色|配色|几个色|colou?rs?\b"),
    ("sizes", r"尺码|码数|什么码|几码|哪些码|\bsizes\b|what size"),
    ("delivery", r"寄到|送到|送达|发货|到货|快递|配送|几天到|多久到|多久能到|多长时间到|deliver|ship(?:ping)? to|"
                 r"shipping time|arrive|get here|get to"),
    ("rating", r"评分|评价|好评|口碑|几星|rating|rated|reviews?\b|stars\b"),
    ("storage", r"存储|内存|多少g\b|几个g|storage|\bgb\b|memory"),
    ("screen", r"屏幕|几寸|英寸|屏多大|screen|display|inch"),
    ("capacity", r"容量|几升|多少升|多少毫升|能装|几个人|几人|capacity|litre|liter|how many people|sleeps"),
    ("spf", r"防晒指数|spf|倍数"),
    ("skin_type", r"肤质|什么皮肤|油皮|干皮|敏感肌|混油|skin type|oily skin|dry skin|sensitive skin"),
    ("season", r"几季|四季|三季|冬天能用|冬季能用|\bseasons?\b|in winter"),
    ("max_load", r"承重|能承受|max load|how much weight|hold.{0,12}kg"),
    ("ships_from", r"哪里发货|从哪发|从哪里发|发货地|ships? from|shipped from"),
))
#: A bare "how long"/"几天" is delivery unless another field (battery life...) was named.
_WEAK_DELIVERY = re.compile(r"几天|多久|多长时间|how long|how many days|how soon", re.I)
#: Number attributes of the vocabulary → the field that answers them.
_ATTRIBUTE_FIELD = {"battery_mah": "battery", "battery_days": "battery", "storage_gb": "storage", "screen_in": "screen",
                    "volume_ml": "capacity", "capacity_l": "capacity", "capacity_persons": "capacity", "spf": "spf",
                    "weight_kg": "weight", "max_load_kg": "max_load", "width_cm": "dimensions",
                    "depth_cm": "dimensions", "height_cm": "dimensions", "skin_type": "skin_type",
                    "material": "material", "season": "season"}
_FLAG_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile("|".join(re.escape(w) for w in (*spec.aliases_en, *spec.aliases_zh) if len(w) >= 2), re.I))
    for key, spec in ATTRIBUTES.items() if spec.kind == "flag" and key != "waterproof")
_COMPARE = re.compile(r"哪个|哪款|哪一个|哪一款|哪部|哪台|哪只|哪件|哪把|对比|比较|比一比|比一下|相比|区别|差别|差异|"
                      r"\bwhich\b|\bcompare|comparison|\bvs\.?\b|versus|difference|better,? the", re.I)
#: Words that say which end of a field wins ("哪个更便宜" → price, lowest).
_DIRECTIONS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"便宜|实惠|划算|cheap|less expensive|lower price", re.I), "price", "min"),
    (re.compile(r"更贵|最贵|贵一些|贵点|expensive|pricier|dearer", re.I), "price", "max"),
    (re.compile(r"轻|lighter|lightest", re.I), "weight", "min"),
    (re.compile(r"重(?!量)|heavier|heaviest", re.I), "weight", "max"),
    (re.compile(r"续航|耐用|电池大|battery life|lasts? longer", re.I), "battery", "max"),
    (re.compile(r"评分高|好评多|口碑好|better rated|higher rated|best rated", re.I), "rating", "max"),
    (re.compile(r"送得快|到得快|发货快|更快到|arrives? (?:sooner|faster)|quicker delivery", re.I), "delivery", "min"),
)
_SIZE_WORDS = {"max": re.compile(r"大|bigger|larger|biggest|largest", re.I),
               "min": re.compile(r"小|smaller|compact|smallest", re.I)}
#: A new search's order, when its words ask for one ("cheapest phones", "评分最高的手表").
SORT_WORDS: tuple[tuple[re.Pattern[str], SortOrder], ...] = (
    (re.compile(r"cheapest|lowest price|最便宜|价格最低|从低到高|便宜的", re.I), SortOrder.PRICE_ASC),
    (re.compile(r"most expensive|priciest|最贵|从高到低", re.I), SortOrder.PRICE_DESC),
    (re.compile(r"best.?rated|highest.?rated|top.?rated|评分最高|好评最多|口碑最好", re.I), SortOrder.RATING),
)
#: Words asking for advice rather than a list: the answer comes with reasons ("推荐个五百以内的手表").
ASKS_ADVICE = re.compile(r"推荐|帮我挑|帮我选|给点建议|\brecommend|\bsuggest|what should i (?:buy|get)", re.I)
SIMILAR = re.compile(r"类似|相似|同类|同款|差不多的|similar|alternatives?|like (?:this|it|that)", re.I)
_WEAR = re.compile(r"穿|搭配|outfit|\bwear|衣服|clothes", re.I)
#: Things shoppers ask for that this store does not sell: said honestly instead of guessed at.
_NOT_SOLD: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p, re.I), en, zh) for p, en, zh in (
    (r"西装|西服|\bsuit\b", "suits", "西装"),
    (r"领带|\bties?\b", "ties", "领带"),
    (r"皮鞋|运动鞋|鞋子|高跟鞋|\bshoes?\b|sneakers", "shoes", "鞋子"),
    (r"耳机|headphones?|earbuds?|earphones?", "headphones", "耳机"),
    (r"电脑|laptops?|computers?", "computers", "电脑"),
    (r"平板|tablets?\b|ipad", "tablets", "平板"),
    (r"相机|cameras?", "cameras", "相机"),
    (r"电视(?!柜)|\btvs?\b(?! bench)|television", "TVs", "电视"),
    (r"冰箱|洗衣机|空调|fridge|washing machine|air.?conditioner", "home appliances", "家电"),
    (r"玩具|乐高|\btoys?\b|lego", "toys", "玩具"),
    (r"口红|粉底|眼影|彩妆|lipstick|foundation|make-?up", "make-up", "彩妆"),
    (r"香水|perfume", "perfume", "香水"),
    (r"零食|食品|\bsnacks?\b|\bfood\b", "food", "食品"),
))
#: A short turn naming no field ("第二个呢", "那V8呢") asks the previous question again.
_FOLLOW_UP_CHARS = 16
_MODEL_TOKEN = re.compile(r"^(?=.*[a-z])(?=.*\d)[a-z0-9]{2,6}$")
_UNIT_TOKEN = re.compile(r"^\d+(?:g|gb|l|ml|mm|cm|m|w|hz|mp|mah|kg)$")


def asks_comparison(text: str) -> bool:
    """Whether a turn asks to compare ("A和B哪个续航好", "which is cheaper?", "compare the E3 and the V8")."""
    return _COMPARE.search(text) is not None and not re.search(r"哪个订单|哪一单|which order", text, re.I)


def asked_fields(q: Understood, *, category: str | None = None) -> list[str]:
    """The product fields a turn asks about, in a stable order (no duplicates)."""
    fields = _text_fields(q.text)
    for e in entities(q, EntityKind.ATTRIBUTE):
        spec = ATTRIBUTES.get(e.key)
        if spec is not None and spec.kind == "flag":
            fields.append(e.key)
        elif e.key in _ATTRIBUTE_FIELD:
            fields.append(_ATTRIBUTE_FIELD[e.key])
    if entity(q, EntityKind.CITY) and "delivery" not in fields:
        fields.append("delivery")
    return _tidy(fields, q.text, category)


def _text_fields(text: str) -> list[str]:
    fields = [f for f, pattern in _FIELD_WORDS if pattern.search(text)]
    return fields + [key for key, pattern in _FLAG_WORDS if pattern.pattern and pattern.search(text)]


def _tidy(fields: list[str], text: str, category: str | None) -> list[str]:
    """Settle the overlaps between fields' words ("电池多大" is the battery, "尺码" of a table is its size)."""
    if not fields and _WEAK_DELIVERY.search(text):
        fields.append("delivery")
    sized = {"battery", "screen", "storage", "capacity"}
    if "dimensions" in fields and sized & set(fields):
        fields.remove("dimensions")
    if category == "apparel" and "dimensions" in fields:
        fields[fields.index("dimensions")] = "sizes"
    if category not in (None, "apparel") and "sizes" in fields:
        fields[fields.index("sizes")] = "dimensions"
    return list(dict.fromkeys(fields))


def comparison_directions(text: str, fields: list[str]) -> dict[str, str]:
    """Which end wins per field, from the comparison's words; fields the words imply are added to ``fields``."""
    found: dict[str, str] = {}
    for pattern, field, end in _DIRECTIONS:
        if pattern.search(text) and field not in found:
            found[field] = end
            if field not in fields:
                fields.append(field)
    for field in ("screen", "dimensions", "capacity", "battery"):
        if field in fields and field not in found:
            for end, pattern in _SIZE_WORDS.items():
                if pattern.search(text):
                    found[field] = end
                    break
    return found


def _model_keys(app: Services) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Model codes shoppers type ("E3", "V8", "UL1", "Band 3") → products (SKU, name words in order)."""
    keys: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for sku, name_en, _ in app.catalog.names():
        words = tuple(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", name_en.lower()))
        own = {w for w in words if _MODEL_TOKEN.match(w) and not _UNIT_TOKEN.match(w)}
        own |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
                if b.isdigit() and a.isalpha() and len(a) > 2}
        tail = sku.rsplit("-", 1)[-1].lower()
        if _MODEL_TOKEN.match(tail):
            own.add(tail)
        for key in own:
            keys.setdefault(key, []).append((sku, words))
    return keys


def _after(words: tuple[str, ...], key: str) -> str:
    """The name word right after a model code ("pro" after "a5" in "lumio a5 pro 5g phone")."""
    parts = key.split()
    for i in range(len(words) - len(parts) + 1):
        if words[i:i + len(parts)] == tuple(parts):
            return words[i + len(parts)] if i + len(parts) < len(words) else ""
    return ""


def mentioned_products(app: Services, q: Understood) -> list[str]:
    """Every product the turn names, in the order named: the language layer's matches, then model
    codes it may have missed ("A5和V8" names two phones; "青兰e3" is still the E3)."""
    lowered = q.text.lower()
    said = set(re.findall(r"[a-z0-9]+", lowered))
    try:
        keys = _model_keys(app)
    except AppError:
        keys = {}
    at: dict[str, int] = {}
    for key, products in keys.items():
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", lowered):
            following = re.match(r"\s*([a-z0-9]+)", lowered[m.end():])
            nxt = following.group(1) if following else ""
            # "A5 Pro" is the Pro when "pro" follows; a bare "A5" is the product with the fewest name words unsaid.
            best = min(products, key=lambda pw: (_after(pw[1], key) != nxt or not nxt, len(set(pw[1]) - said), pw[0]))
            at[best[0]] = min(m.start(), at.get(best[0], m.start()))
    # The language layer's products carry no position once fused: place each where its SKU or a
    # model code of it appears, else after everything found by position.
    codes = {sku: key for key, products in keys.items() for sku, _ in products}
    for e in entities(q, EntityKind.PRODUCT):
        if e.value in at:
            continue
        hits = [i for i in (lowered.find(e.value.lower()), lowered.find(codes.get(e.value, "\0"))) if i >= 0]
        at[e.value] = min(hits) if hits else len(lowered) + len(at)
    return sorted(at, key=lambda sku: (at[sku], sku))


def _recent_customer_turns(app: Services, st: SessionState, limit: int = 3) -> list[tuple[str, str | None]]:
    """(text, intent) of the customer's last turns, newest first: an elliptical follow-up repeats their question."""
    if st.conversation_id is None:
        return []
    try:
        messages = app.conversations.messages(st.conversation_id)
    except AppError:
        return []
    return [(m.text, m.intent) for m in reversed(messages) if m.role == "customer"][:limit]


def last_request_text(app: Services, st: SessionState) -> str:
    """The words of the recommendation request the products on screen answer ("a gift for Dad")."""
    if st.conversation_id is None:
        return ""
    try:
        messages = app.conversations.messages(st.conversation_id)
    except AppError:
        return ""
    wanted = Intent.RECOMMENDATION.value
    last = next((m for m in reversed(messages) if m.role == "customer" and m.intent == wanted), None)
    return last.text if last else ""


def product_sku(st: SessionState, q: Understood) -> str | None:
    product = entity(q, EntityKind.PRODUCT)
    if product:
        st.current_product = product.value
    return st.current_product


def names_other_brand(app: Services, st: SessionState, q: Understood) -> bool:
    """A brand is named but no product: "do Qinglan phones have NFC?" asks about that brand's range,
    unless the product in focus is of that brand ("is the Lumio waterproof?" right after a Lumio)."""
    brand = entity(q, EntityKind.BRAND)
    if brand is None or entity(q, EntityKind.PRODUCT):
        return False
    if st.current_product is None:
        return True
    try:
        return app.catalog.product(st.current_product).summary.brand != brand.value
    except AppError:
        return True


def wants_comparison(st: SessionState, q: Understood, mentioned: list[str]) -> bool:
    if len(mentioned) >= 2:
        return True  # "E3和V8多少钱" puts both side by side
    if not asks_comparison(q.text):
        return False
    return bool(mentioned and st.current_product and st.current_product not in mentioned) or len(st.shown) >= 2


def fields_for(app: Services, st: SessionState, q: Understood, category: str) -> tuple[list[str], str | None]:
    """The fields to answer, and a destination city carried over from the previous question."""
    fields = asked_fields(q, category=category)
    if fields or len(q.text) > _FOLLOW_UP_CHARS:
        return fields, None
    # "第二个呢" / "那V8呢": the same question about another product, read again from the words of
    # the latest product question that named a field (its entities are gone), its city included.
    for text, intent in _recent_customer_turns(app, st):
        if intent != Intent.PRODUCT_QUESTION.value:
            break
        lowered = text.lower()
        city = next((c.zh for c in CITIES.values() if c.zh in text or c.en.lower() in lowered), None)
        fields = _tidy(_text_fields(text) + (["delivery"] if city else []), text, category)
        if fields:
            return fields, city
    return [], None


def not_sold(text: str) -> tuple[str, str] | None:
    return next(((en, zh) for pattern, en, zh in _NOT_SOLD if pattern.search(text)), None)


def request_from(text: str, base: SearchQuery | None = None, q: Understood | None = None) -> RecommendationRequest:
    """A recommendation request from the shopper's words (and a turn's entities, or a search it refines)."""
    if q is not None:
        query, _ = search_query(q, base)
    else:
        query = base or SearchQuery()
    kind = product_type_in(text)
    audience = audience_in(text)
    occasion = occasion_in(text)
    categories: tuple[str, ...] = (query.category,) if query.category else ()
    if kind is not None and categories and not set(categories) & set(kind.categories):
        kind = None  # "手机" named with a word that is a type elsewhere: the category wins
    if not categories and kind is None and _WEAR.search(text):
        categories = ("apparel",)  # "上班穿什么" asks about clothes
    return RecommendationRequest(
        categories=categories, product_type=kind.key if kind else None,
        audience=audience.key if audience else None, occasion=occasion.key if occasion else None,
        min_price_fen=query.min_price_fen, max_price_fen=query.max_price_fen,
        attributes=query.attributes, brands=query.brands)
