"""Composing product replies: yes/no answers about a colour or size, comparison verdicts, a
recommendation list with its reasons and what had to be relaxed, and "we don't sell that".

Split out of ``products_flow`` so the flow decides what to answer and this module words it, in
English and Chinese alike.
"""

from __future__ import annotations

from desktop_app.core.errors import AppError
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, attribute_label
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, describe_filters, entity
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind
from desktop_app.service.catalog import ProductComparison, field_label, product_type
from desktop_app.service.recommend import AUDIENCES, OCCASIONS, RecommendationList, RecommendationRequest
from desktop_app.service.types import AttributeFilter, ProductAnswer, Recommendation, SearchQuery, SortOrder, yuan


def variant_answers(q: Understood, answer: ProductAnswer) -> tuple[list[str], list[str]]:
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


def comparison_text(c: ProductComparison, *, asked: bool) -> tuple[str, str]:
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


def say_not_sold(out: ReplyBuilder, missing: tuple[str, str]) -> None:
    categories_en = ", ".join(c.en.lower() for c in CATEGORIES.values())
    categories_zh = "、".join(c.zh for c in CATEGORIES.values())
    out.add(f"Sorry, we don't sell {missing[0]}. Our shop carries {categories_en}.",
            f"抱歉，本店暂时没有{missing[1]}。我们主要经营{categories_zh}。")
    out.outcome = Outcome.NOT_FOUND
    out.suggest(("Recommend something", "给我推荐点别的"))


def show_similar(app: Services, st: SessionState, sku: str, out: ReplyBuilder) -> None:
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


def describe_request(request: RecommendationRequest, language: str) -> str:
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


def present_recommendations(app: Services, st: SessionState, out: ReplyBuilder, request: RecommendationRequest,
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
    what_en, what_zh = describe_request(request, "en"), describe_request(request, "zh")
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
