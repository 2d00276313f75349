"""Product questions, comparisons, multi-condition search, recommendations and assembly help.

Every answer is read from the store: a field the product data does not hold is said to be
unknown, a recommendation's reasons are the signals that ranked it, and a follow-up ("第二个呢",
"那V8呢", "cheaper ones?") reuses what the previous turn asked rather than starting over.
"""

from __future__ import annotations

import re
from dataclasses import replace

from desktop_app.core.errors import AppError
from desktop_app.core.places import CITIES
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, attribute_label
from desktop_app.dialogue.reply import GuideOffer, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, describe_filters, entities, entity, list_reference, search_query
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.catalog import (
    ProductComparison,
    field_fact,
    field_label,
    product_type,
    product_type_in,
)
from desktop_app.service.recommend import (
    AUDIENCES,
    OCCASIONS,
    RecommendationExplanation,
    RecommendationList,
    RecommendationRequest,
    audience_in,
    occasion_in,
)
from desktop_app.service.types import AttributeFilter, ProductAnswer, Recommendation, SearchQuery, SortOrder, yuan

# -- reading the turn ----------------------------------------------------------------------------

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
_SORT_WORDS: tuple[tuple[re.Pattern[str], SortOrder], ...] = (
    (re.compile(r"cheapest|lowest price|最便宜|价格最低|从低到高|便宜的", re.I), SortOrder.PRICE_ASC),
    (re.compile(r"most expensive|priciest|最贵|从高到低", re.I), SortOrder.PRICE_DESC),
    (re.compile(r"best.?rated|highest.?rated|top.?rated|评分最高|好评最多|口碑最好", re.I), SortOrder.RATING),
)
#: Words asking for advice rather than a list: the answer comes with reasons ("推荐个五百以内的手表").
_ASKS_ADVICE = re.compile(r"推荐|帮我挑|帮我选|给点建议|\brecommend|\bsuggest|what should i (?:buy|get)", re.I)
_SIMILAR = re.compile(r"类似|相似|同类|同款|差不多的|similar|alternatives?|like (?:this|it|that)", re.I)
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


def _directions(text: str, fields: list[str]) -> dict[str, str]:
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


def _last_request_text(app: Services, st: SessionState) -> str:
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


def _product_sku(st: SessionState, q: Understood) -> str | None:
    product = entity(q, EntityKind.PRODUCT)
    if product:
        st.current_product = product.value
    return st.current_product


def _other_brand(app: Services, st: SessionState, q: Understood) -> bool:
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


# -- product questions ---------------------------------------------------------------------------

_PRODUCT_ACTIONS = frozenset({ServiceAction.PRODUCTS_SHOWN, ServiceAction.PRODUCT_ANSWERED, ServiceAction.RECOMMENDED,
                              ServiceAction.PRODUCTS_COMPARED, ServiceAction.RECOMMENDATION_EXPLAINED})


def _answered(out: ReplyBuilder) -> bool:
    """Whether this turn already showed products: a second intent of the same turn ("推荐个礼物，一千以内"
    read as advice and as a search) must not add a second, different list."""
    return bool(_PRODUCT_ACTIONS & set(out.actions))


def product_question(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _answered(out):
        return
    mentioned = mentioned_products(app, q)
    if _wants_comparison(st, q, mentioned):
        compare(app, st, q, out, mentioned)
        return
    if not mentioned and _other_brand(app, st, q):
        search(app, st, q, out)
        return
    order = next((o for pattern, o in _SORT_WORDS if pattern.search(q.text)), None)
    picks_an_item = list_reference(q.text, len(st.shown)) in ("cheapest", "dearest")  # "最便宜的那个"
    if not mentioned and order is not None and not picks_an_item and len(q.text) <= 24 and sort_last_search(
            app, st, order, out):
        return  # "best rated first" re-sorts the list; it does not ask about its first item
    if mentioned:
        st.current_product = mentioned[0]
    sku = st.current_product
    if sku is None:
        if entity(q, EntityKind.CATEGORY) or entities(q, EntityKind.ATTRIBUTE):
            search(app, st, q, out)  # "is there a waterproof tent?" is a search in disguise
            return
        out.add("Which product do you mean? Tell me its name, or search first and pick one.",
                "请问是哪款商品？可以告诉我商品名称，或先搜索再选择。")
        out.outcome = Outcome.CLARIFY
        return
    answer_product(app, st, q, out, sku)


def _wants_comparison(st: SessionState, q: Understood, mentioned: list[str]) -> bool:
    if len(mentioned) >= 2:
        return True  # "E3和V8多少钱" puts both side by side
    if not asks_comparison(q.text):
        return False
    return bool(mentioned and st.current_product and st.current_product not in mentioned) or len(st.shown) >= 2


def _fields_for(app: Services, st: SessionState, q: Understood, category: str) -> tuple[list[str], str | None]:
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


def answer_product(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, sku: str) -> None:
    """Answer the fields the turn asks about ``sku`` (the asked field first, in words), then its card."""
    try:
        category = app.catalog.product(sku).summary.category
        fields, earlier_city = _fields_for(app, st, q, category)
        city = entity(q, EntityKind.CITY)
        answer = app.catalog.answer(sku, destination_city=city.value if city else earlier_city)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return
    st.current_product = sku
    p = answer.product
    sentences_en, sentences_zh = _variant_answers(q, answer)
    for field in fields:
        if field == "colours" and entity(q, EntityKind.COLOUR):
            continue  # "有黑色的吗" was answered as yes/no above
        if field == "sizes" and entity(q, EntityKind.SIZE):
            continue
        fact = field_fact(answer, field, warranty=app.policy.warranty)
        sentences_en.append(fact.sentence("en"))
        sentences_zh.append(fact.sentence("zh"))
    if sentences_en:
        if p.summary.stock <= 0 and not any("stock" in s for s in sentences_en):
            sentences_en.append("It is out of stock right now.")
            sentences_zh.append("目前暂时缺货。")
        out.add(" ".join(sentences_en), "".join(sentences_zh))
    else:
        d = answer.delivery
        out.add(f"The {p.summary.name_en}: {yuan(p.summary.price_fen)}, {answer.stock_text_en.lower()}, "
                f"delivery in {d.earliest_days}–{d.latest_days} days.",
                f"「{p.summary.name_zh}」：{yuan(p.summary.price_fen)}，{answer.stock_text_zh}，"
                f"预计 {d.earliest_days}–{d.latest_days} 天送达。")
    out.card(answer)
    out.did(ServiceAction.PRODUCT_ANSWERED)
    if p.summary.stock <= 0:
        out.suggest(("Tell me when it is back", "到货提醒我"))
    if p.summary.needs_assembly:
        out.suggest(("Show the assembly guide", "查看安装指引"))


def _variant_answers(q: Understood, answer: ProductAnswer) -> tuple[list[str], list[str]]:
    """Yes/no answers for a colour or size asked by value ("有黑色的吗", "is there an XL?")."""
    p = answer.product
    en: list[str] = []
    zh: list[str] = []
    for kind, key in ((EntityKind.COLOUR, "colour"), (EntityKind.SIZE, "size")):
        e = entity(q, kind)
        if e is None:
            continue
        have = p.attribute_values(key)
        label_en, label_zh = attribute_label(key, e.value, "en"), attribute_label(key, e.value, "zh")
        others_en = ", ".join(attribute_label(key, v, "en") for v in have)
        others_zh = "、".join(attribute_label(key, v, "zh") for v in have)
        word_zh = "码" if key == "size" else "款"
        if e.value in have:
            en.append(f"Yes, the {p.summary.name_en} comes in {label_en if key == 'size' else label_en.lower()}.")
            zh.append(f"有的，「{p.summary.name_zh}」有{label_zh}{word_zh}。")
        elif have:
            asked_en = label_en if key == "size" else label_en.lower()
            en.append(f"No, the {p.summary.name_en} does not come in {asked_en}; it comes in {others_en}.")
            zh.append(f"抱歉，「{p.summary.name_zh}」没有{label_zh}{word_zh}，现有：{others_zh}。")
        else:
            en.append(f"The {p.summary.name_en} has no {'sizes' if key == 'size' else 'colour options'} listed.")
            zh.append(f"「{p.summary.name_zh}」没有登记{'尺码' if key == 'size' else '颜色'}信息。")
    return en, zh


# -- comparisons ---------------------------------------------------------------------------------


def compare(app: Services, st: SessionState, q: Understood, out: ReplyBuilder,
            mentioned: list[str] | None = None) -> None:
    """Products side by side on what the turn asks ("哪个续航好"), the winner stated, as a card."""
    named = mentioned if mentioned is not None else mentioned_products(app, q)
    if len(named) >= 2:
        skus = named
    elif named and st.current_product and st.current_product not in named:
        skus = [st.current_product, *named]  # "它和V8比哪个好"
    else:
        skus = [p.sku for p in st.shown[:10]]
    if len(skus) < 2:
        out.add("Which products shall I compare? Name two, e.g. \"compare the E3 and the V8\".",
                "请问要对比哪几款商品？可以说两款商品名称，例如“E3和V8哪个续航好”。")
        out.outcome = Outcome.CLARIFY
        return
    try:
        first = app.catalog.product(skus[0]).summary.category
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return
    fields = asked_fields(q, category=first)
    direction = _directions(q.text, fields)
    asked = bool(fields)
    city = entity(q, EntityKind.CITY)
    try:
        comparison = app.catalog.compare(skus, fields, destination_city=city.value if city else None,
                                         direction=direction, warranty=app.policy.warranty)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    out.add(*_comparison_text(comparison, asked=asked))
    out.card(comparison)
    out.did(ServiceAction.PRODUCTS_COMPARED)
    winners = [r.facts[r.winner].sku for r in comparison.rows if r.winner is not None]
    if winners:
        st.current_product = winners[0]  # "那就它吧" / "它多少钱" now means the winner


def _comparison_text(c: ProductComparison, *, asked: bool) -> tuple[str, str]:
    """The verdicts in words. A field the shopper asked about is spelled out with every value; the
    default overview (no field asked) states only who wins what, and the card holds the values."""
    en: list[str] = []
    zh: list[str] = []
    if not asked or len(c.products) > 2:
        for row in c.rows:
            if row.winner is None:
                continue
            win = row.facts[row.winner]
            en.append(f"{row.verdict('en')}: {win.value_en}")
            zh.append(f"{row.verdict('zh')}：{win.value_zh}")
        if asked and not en:
            en.append("none of them stands out on what you asked")
            zh.append("在您问的方面没有哪一款明显胜出")
        if not en:
            return (f"I compared {len(c.products)} products; the card lists them side by side.",
                    f"已为您对比 {len(c.products)} 款商品，详见下方对比卡片。")
        return ("Compared: " + "; ".join(en) + ". The card has the details.",
                "对比结果：" + "；".join(zh) + "。详细参数见下方对比卡片。")
    for row in c.rows:
        label_en, label_zh = field_label(row.field, "en"), field_label(row.field, "zh")
        values_en = ", ".join(f"the {f.name_en} {f.value_en if f.known else 'not listed'}" for f in row.facts)
        values_zh = "，".join(f"「{f.name_zh}」{f.value_zh if f.known else '暂无数据'}" for f in row.facts)
        verdict_en, verdict_zh = row.verdict("en"), row.verdict("zh")
        en.append(f"On {label_en.lower()}, {verdict_en} ({values_en})." if verdict_en else f"{label_en}: {values_en}.")
        zh.append(f"论{label_zh}，{verdict_zh}：{values_zh}。" if verdict_zh else f"{label_zh}：{values_zh}。")
    return " ".join(en), "".join(zh)


# -- search --------------------------------------------------------------------------------------


def _showing_recommendations(st: SessionState) -> bool:
    return bool(st.recommended) and st.shown == tuple(r.product for r in st.recommended)


def search(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _answered(out):
        return
    mentioned = mentioned_products(app, q)
    if len(mentioned) >= 2 and asks_comparison(q.text):
        compare(app, st, q, out, mentioned)
        return
    if len(mentioned) == 1 and (asked_fields(q) or entity(q, EntityKind.COLOUR) or entity(q, EntityKind.SIZE)):
        answer_product(app, st, q, out, mentioned[0])  # "Lumio A5 有哪些颜色" asks about one product
        return
    refine = st.last_search is not None and not entity(q, EntityKind.CATEGORY) and st.last_intent in (
        Intent.PRODUCT_SEARCH, Intent.RECOMMENDATION)
    if _ASKS_ADVICE.search(q.text) and not _showing_recommendations(st):
        recommend(app, st, q, out)  # "推荐个五百以内的手表" read as a search still wants picks with reasons
        return
    if refine and _showing_recommendations(st):
        _refine_recommendation(app, st, q, out)  # "一千以内的呢" after "a gift for Dad" keeps Dad in mind
        return
    query, found = search_query(q, st.last_search if refine else None)
    kind = product_type_in(q.text) if not refine else None
    if kind is not None:
        query = replace(query, text=kind.search_word,
                        category=query.category or (kind.categories[0] if len(kind.categories) == 1 else None))
        found = True
    if not found and not refine:
        query = SearchQuery(text=q.text[:60], page_size=8)
    if not refine:
        asked_order = next((order for pattern, order in _SORT_WORDS if pattern.search(q.text)), None)
        query = replace(query, sort=asked_order or query.sort)
    try:
        result = app.catalog.search(query)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    if result.total == 0 and not found:
        missing = _not_sold(q.text)
        if missing is not None:
            _say_not_sold(out, missing)
            return
        out.add("I could not tell what you are looking for. Try a category, a price range or a feature, "
                "e.g. \"waterproof phones under 800 yuan\".",
                "没能理解您要找的商品。可以说类目、价格区间或功能，例如“800元以下防水手机”。")
        out.outcome = Outcome.CLARIFY
        return
    chips = describe_filters(query, st.language)
    if kind is not None:
        label = kind.label(st.language)
        chips = (label[:1].upper() + label[1:], *chips)
    if result.items:
        st.last_search = query
        st.shown = result.items
        out.filters.extend(chips)
        out.card(result)
        out.did(ServiceAction.PRODUCTS_SHOWN)
        st.current_product = result.items[0].sku if result.total == 1 else st.current_product
        first = result.items[0]
        plural = "s" if result.total != 1 else ""
        out.add(f"I found {result.total} product{plural}" + (f" ({', '.join(chips)})" if chips else "")
                + f"; first up: {first.name_en} at {yuan(first.price_fen)}.",
                f"为您找到 {result.total} 件商品" + (f"（{'，'.join(chips)}）" if chips else "")
                + f"，第一款是「{first.name_zh}」，{yuan(first.price_fen)}。")
        sold_out = [p for p in result.items if p.stock <= 0]
        if sold_out:
            out.add(f"{len(sold_out)} of them {'is' if len(sold_out) == 1 else 'are'} out of stock, listed last.",
                    f"其中 {len(sold_out)} 件暂时缺货，已排在最后。")
        out.suggest(("Cheapest first", "价格从低到高"), ("Best rated", "评分最高"))
    else:
        # Nothing fits every condition: say so, then offer the nearest alternatives with their reasons.
        request = _request_from(q.text, query)
        nearest = app.recommendations.recommend(request, customer_code=st.customer_code, limit=5)
        if nearest.items and nearest.relaxed:
            _present(app, st, out, request, nearest, action=ServiceAction.PRODUCTS_SHOWN)
            return
        out.add("Nothing matches all of those conditions. Try widening the price range or dropping a feature.",
                "没有同时满足这些条件的商品，可以放宽价格或减少条件试试。")
        out.outcome = Outcome.NOT_FOUND


def sort_last_search(app: Services, st: SessionState, sort: SortOrder, out: ReplyBuilder) -> bool:
    if st.last_search is None:
        return False
    if _showing_recommendations(st):
        order = "price" if sort in (SortOrder.PRICE_ASC,) else "rating" if sort == SortOrder.RATING else "score"
        request = replace(_request_from(_last_request_text(app, st), st.last_search), order=order)
        _present(app, st, out, request, RecommendationList(request, ()), rerun=True)
        return True
    st.last_search = replace(st.last_search, sort=sort, page=1)
    result = app.catalog.search(st.last_search)
    st.shown = result.items
    out.card(result)
    out.did(ServiceAction.PRODUCTS_SHOWN)
    out.filters.extend(describe_filters(st.last_search, st.language))
    if result.items:
        first = result.items[0]
        how_en = {SortOrder.PRICE_ASC: "cheapest first", SortOrder.PRICE_DESC: "dearest first",
                  SortOrder.RATING: "best rated first"}.get(sort, "re-sorted")
        how_zh = {SortOrder.PRICE_ASC: "价格从低到高", SortOrder.PRICE_DESC: "价格从高到低",
                  SortOrder.RATING: "评分从高到低"}.get(sort, "重新排序")
        out.add(f"Sorted {how_en}: the {first.name_en} at {yuan(first.price_fen)} leads.",
                f"已按{how_zh}排好：排第一的是「{first.name_zh}」，{yuan(first.price_fen)}。")
    else:
        out.add("Sorted, but nothing matches those conditions.", "已重新排序，但没有符合条件的商品。")
    return True


# -- recommendations -----------------------------------------------------------------------------


def _not_sold(text: str) -> tuple[str, str] | None:
    return next(((en, zh) for pattern, en, zh in _NOT_SOLD if pattern.search(text)), None)


def _say_not_sold(out: ReplyBuilder, missing: tuple[str, str]) -> None:
    categories_en = ", ".join(c.en.lower() for c in CATEGORIES.values())
    categories_zh = "、".join(c.zh for c in CATEGORIES.values())
    out.add(f"Sorry, we don't sell {missing[0]}. Our shop carries {categories_en}.",
            f"抱歉，本店暂时没有{missing[1]}。我们主要经营{categories_zh}。")
    out.outcome = Outcome.NOT_FOUND
    out.suggest(("Recommend something", "给我推荐点别的"))


def _request_from(text: str, base: SearchQuery | None = None, q: Understood | None = None) -> RecommendationRequest:
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


def recommend(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _answered(out):
        return
    mentioned = mentioned_products(app, q)
    if _wants_comparison(st, q, mentioned) and (len(mentioned) >= 2 or asks_comparison(q.text)):
        compare(app, st, q, out, mentioned)  # "A5和V8哪个续航好" is read as advice but answered as a comparison
        return
    request = _request_from(q.text, q=q)
    missing = _not_sold(q.text) if not (entity(q, EntityKind.CATEGORY) or request.product_type) else None
    if missing is not None and not request.asked:
        _say_not_sold(out, missing)
        return
    sku = mentioned[0] if mentioned else st.current_product
    if not request.asked and sku and _SIMILAR.search(q.text):
        _similar(app, st, sku, out)
        return
    if not request.asked and st.customer_code:
        recs = app.recommendations.for_customer(st.customer_code, limit=5)
        if recs:
            st.shown, st.recommended = tuple(r.product for r in recs), tuple(recs)
            st.last_search = SearchQuery(sort=SortOrder.RATING, page_size=8)
            out.card(recs)
            out.did(ServiceAction.RECOMMENDED)
            top = recs[0]
            out.add(f"Based on your purchases and what you browsed, you may like these; each says why. "
                    f"Top pick: the {top.product.name_en} ({yuan(top.product.price_fen)}), "
                    f"because {top.signals[0].detail_en}.",
                    f"根据您的购买和浏览记录，为您推荐以下商品，每件都附有推荐理由。首推「{top.product.name_zh}」"
                    f"（{yuan(top.product.price_fen)}）：{top.signals[0].detail_zh}。")
            out.suggest(("Why this one?", "为什么推荐这个"), ("Cheaper ones?", "有没有便宜点的"))
            return
    result = app.recommendations.recommend(request, customer_code=st.customer_code, limit=5)
    _present(app, st, out, request, result, missing=missing)


def _refine_recommendation(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    request = _request_from(_last_request_text(app, st), st.last_search, q)
    turn = _request_from(q.text, q=q)
    request = replace(request, audience=turn.audience or request.audience, occasion=turn.occasion or request.occasion,
                      product_type=turn.product_type or request.product_type)
    _present(app, st, out, request, RecommendationList(request, ()), rerun=True)


def _similar(app: Services, st: SessionState, sku: str, out: ReplyBuilder) -> None:
    try:
        base = app.catalog.product(sku)
        similar = app.catalog.similar(sku, limit=5)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return
    items = sorted((s.summary for s in similar), key=lambda p: p.stock <= 0)  # sold out never first
    st.shown, st.recommended = tuple(items), ()
    out.card(st.shown)
    out.did(ServiceAction.PRODUCTS_SHOWN)
    out.add(f"Products like the {base.summary.name_en} (same category, similar features and price):",
            f"与「{base.summary.name_zh}」相似的商品（同类目、功能和价位相近）：")


def _describe(request: RecommendationRequest, language: str) -> str:
    """The request in the shopper's words: "¥1,000.00 以内、适合送爸爸的商品" / "phones for your dad, up to ¥1,000.00"."""
    zh = language == "zh"
    parts: list[str] = []
    if request.audience:
        a = AUDIENCES[request.audience]
        parts.append(f"适合送{a.zh}" if zh else f"for {a.en}")
    if request.occasion and request.occasion != "gift":
        o = OCCASIONS[request.occasion]
        if request.categories != (o.core,):  # not "camping gear for camping"
            parts.append(f"适合{o.zh}" if zh else f"for {o.en}")
    elif request.occasion == "gift" and not request.audience:
        parts.append("适合送礼" if zh else "as a gift")
    if request.max_price_fen is not None and request.min_price_fen is not None:
        parts.append(f"{yuan(request.min_price_fen)}–{yuan(request.max_price_fen)}")
    elif request.max_price_fen is not None:
        parts.append(f"{yuan(request.max_price_fen)} 以内" if zh else f"up to {yuan(request.max_price_fen)}")
    elif request.min_price_fen is not None:
        parts.append(f"{yuan(request.min_price_fen)} 以上" if zh else f"from {yuan(request.min_price_fen)}")
    parts += [_filter_text(f, language) for f in request.attributes]
    if request.product_type:
        t = product_type(request.product_type)
        noun = t.zh if zh else t.plural
    elif len(request.categories) == 1:
        noun = CATEGORIES[request.categories[0]].label(language)
        noun = noun if zh else noun.lower()
    else:
        noun = "商品" if zh else ""
    if zh:
        return ("、".join(parts) + "的" + noun) if parts else noun
    return " ".join(x for x in (noun, ", ".join(parts)) if x)


#: How each relaxed condition is owned up to, (en, zh).
_RELAXED = {"budget": ("outside your budget", "超出了您的预算"),
            "features": ("without every feature you asked for", "缺少部分您要的功能"),
            "brand": ("not the brand you named", "不是您指定的品牌"),
            "type": ("not that exact kind", "不是您要的款型"),
            "occasion": ("not made for that use", "不是专为该用途设计")}
_UNIT_ZH = {"persons": "人", "L": "升", "kg": "公斤", "GB": "GB", "mAh": "毫安", "in": "英寸", "days": "天", "ml": "毫升",
            "cm": "厘米"}


def _filter_text(f: AttributeFilter, language: str) -> str:
    """A condition in words: "可容纳 4 人以上", "battery 5000 mAh or more", "防水"."""
    if f.value is not None:
        return attribute_label(f.key, f.value, language)
    spec = ATTRIBUTES.get(f.key)
    if spec is None or f.min_value is None:
        return attribute_label(f.key, "", language)
    if language == "zh":
        return f"{spec.zh} {f.min_value:g}{_UNIT_ZH.get(spec.unit, spec.unit)}以上"
    return f"{spec.en.lower()} {f.min_value:g} {spec.unit} or more".replace("  ", " ")


def _present(app: Services, st: SessionState, out: ReplyBuilder, request: RecommendationRequest,
             result: RecommendationList, *, missing: tuple[str, str] | None = None, rerun: bool = False,
             action: ServiceAction = ServiceAction.RECOMMENDED) -> None:
    """Show a recommendation list honestly: what fitted, what had to be relaxed, what is sold out."""
    if rerun:
        try:
            result = app.recommendations.recommend(request, customer_code=st.customer_code, limit=5)
        except AppError as exc:
            out.add(exc.message, exc.message_zh)
            out.outcome = Outcome.REFUSED
            return
    what_en, what_zh = _describe(request, "en"), _describe(request, "zh")
    if missing is not None:
        out.add(f"We don't sell {missing[0]}; here is what we have instead.",
                f"本店暂时没有{missing[1]}，为您挑了些其他合适的商品。")
    if not result.items:
        out.add(f"Sorry, nothing in our shop fits ({what_en}) right now.", f"抱歉，本店暂时没有符合要求（{what_zh}）的商品。")
        if result.sold_out:
            names_en = ", ".join(p.name_en for p in result.sold_out[:3])
            names_zh = "、".join(p.name_zh for p in result.sold_out[:3])
            out.add(f"{names_en} would fit but {'is' if len(result.sold_out) == 1 else 'are'} out of stock.",
                    f"「{names_zh}」符合条件，但暂时缺货。")
            out.suggest(("Tell me when it is back", "到货提醒我"))
        out.outcome = Outcome.NOT_FOUND
        return
    items = result.items
    st.shown, st.recommended = tuple(r.product for r in items), tuple(items)
    single = request.categories[0] if len(request.categories) == 1 else None
    if single is None and request.product_type and len(product_type(request.product_type).categories) == 1:
        single = product_type(request.product_type).categories[0]
    st.last_search = SearchQuery(
        text=product_type(request.product_type).search_word if request.product_type else None, category=single,
        min_price_fen=request.min_price_fen, max_price_fen=request.max_price_fen, attributes=request.attributes,
        brands=request.brands, sort=SortOrder.RATING, page_size=8)
    top = items[0]
    reason_en, reason_zh = _top_reason(top)
    if result.relaxed:
        dropped_en = ", ".join(_RELAXED[c][0] for c in result.relaxed)
        dropped_zh = "、".join(_RELAXED[c][1] for c in result.relaxed)
        out.add(f"Nothing in stock fits everything you asked ({what_en}). The nearest alternative is the "
                f"{top.product.name_en} at {yuan(top.product.price_fen)} ({dropped_en}).",
                f"本店暂时没有完全符合（{what_zh}）的有货商品。最接近的是「{top.product.name_zh}」，"
                f"{yuan(top.product.price_fen)}（{dropped_zh}）。")
    else:
        lead_en = f"My {len(items)} picks" + (f": {what_en}" if what_en and not what_en.startswith("for ") else
                                               f" {what_en}") if request.asked else f"Our {len(items)} best-rated picks"
        lead_zh = "为您挑了" if request.asked else "为您挑了店里评分最高的"
        if request.order == "price":
            lead_en, lead_zh = f"Cheapest first, {lead_en[0].lower()}{lead_en[1:]}", f"按价格从低到高，{lead_zh}"
        elif request.order == "rating":
            lead_en, lead_zh = f"Best rated first, {lead_en[0].lower()}{lead_en[1:]}", f"按评分从高到低，{lead_zh}"
        noun_zh = what_zh if request.asked else "商品"
        out.add(f"{lead_en}, each with its reasons. "
                f"Top pick: the {top.product.name_en} at {yuan(top.product.price_fen)}, {reason_en}.",
                f"{lead_zh} {len(items)} 款{' ' if noun_zh.startswith('¥') else ''}{noun_zh}，每件都附有推荐理由。"
                f"首推「{top.product.name_zh}」，{yuan(top.product.price_fen)}：{reason_zh}。")
    if result.sold_out and (result.relaxed or not result.matched):
        out.add(f"The {result.sold_out[0].name_en} would also fit but is out of stock.",
                f"「{result.sold_out[0].name_zh}」也符合，但暂时缺货。")
    out.card(items)
    out.did(action)
    out.filters.extend(describe_filters(st.last_search, st.language))
    out.suggest(("Why this one?", "为什么推荐这个"), ("Cheaper ones?", "有没有便宜点的"))


def _top_reason(rec: Recommendation) -> tuple[str, str]:
    """The strongest reason that is not just "in stock"."""
    given = ("in_stock", "request_type", "request_category", "budget")
    sig = next((s for s in rec.signals if s.name not in given), rec.signals[0])
    return sig.detail_en, sig.detail_zh


# -- why recommended -----------------------------------------------------------------------------


def explain_recommendation(st: SessionState, out: ReplyBuilder, q: Understood | None = None,
                           app: Services | None = None) -> bool:
    """Why the product named or pointed at (or the first) was recommended, from the signals and
    weights that ranked it. Always answers: with nothing recommended yet, it says so."""
    if not st.recommended:
        out.add("I haven't recommended anything in this chat yet. Shall I suggest something? Tell me what it is for.",
                "这次对话里我还没有为您推荐过商品哦。需要的话告诉我用途或预算，我来帮您挑。")
        out.suggest(("Recommend something", "给我推荐点东西"))
        out.outcome = Outcome.CLARIFY
        return True
    chosen = None
    named = mentioned_products(app, q) if (q is not None and app is not None) else []
    if named:
        chosen = next((r for r in st.recommended if r.product.sku == named[0]), None)
        if chosen is None:
            names_en = ", ".join(r.product.name_en for r in st.recommended)
            names_zh = "、".join(r.product.name_zh for r in st.recommended)
            out.add(f"I didn't recommend that one. My picks were: {names_en}; ask me about any of them.",
                    f"这款不在我刚才的推荐里哦。我推荐的是：{names_zh}，可以问我其中任意一款的推荐理由。")
            out.outcome = Outcome.CLARIFY
            return True
    if chosen is None and q is not None:
        ref = list_reference(q.text, len(st.recommended))
        if isinstance(ref, int):
            chosen = st.recommended[ref]
        elif ref in ("cheapest", "dearest"):
            pick = min if ref == "cheapest" else max
            chosen = pick(st.recommended, key=lambda r: r.product.price_fen)
    if chosen is None:
        chosen = next((r for r in st.recommended if r.product.sku == st.current_product), st.recommended[0])
    explanation = RecommendationExplanation(chosen)
    main, share = explanation.shares()[0]
    out.add(f"I recommended the {chosen.product.name_en} because: {chosen.why('en')}. "
            f"The biggest factor: {main.detail_en} ({share:.0%} of its score).",
            f"推荐「{chosen.product.name_zh}」的原因：{chosen.why('zh')}。其中最主要的是：{main.detail_zh}"
            f"（占推荐分的 {share:.0%}）。")
    out.card(explanation)
    out.did(ServiceAction.RECOMMENDATION_EXPLAINED)
    st.current_product = chosen.product.sku
    return True


# -- assembly ------------------------------------------------------------------------------------


def assembly_help(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, guides: frozenset[str]) -> None:
    sku = _product_sku(st, q)
    if sku is None and st.current_order and st.current_order in st.verified:
        try:
            view = app.orders.lookup(st.current_order, **st.credentials(st.current_order))
            furniture = [ln.product.sku for ln in view.lines if ln.product.needs_assembly]
            sku = furniture[0] if furniture else None
        except AppError:
            sku = None
    if sku is None or sku not in guides:
        out.add("Which furniture are you assembling? Tell me the product, or show the QR code on the manual "
                "to the camera.", "请问您在安装哪件家具？告诉我商品名称，或把说明书上的二维码对准摄像头。")
        out.outcome = Outcome.CLARIFY
        return
    product = app.catalog.product(sku)
    step_entity = entity(q, EntityKind.GUIDE_STEP)
    step = int(step_entity.value) if step_entity and step_entity.value.isdigit() else 1
    out.card(GuideOffer(sku=sku, name=product.summary.name(st.language), step=max(1, step)))
    out.add(f"Here is the step-by-step 3D guide for {product.summary.name_en}. Say \"next step\" to move on.",
            f"这是「{product.summary.name_zh}」的分步 3D 安装指引，说“下一步”即可继续。")
