"""Product questions, multi-condition search, recommendations and assembly help."""

from __future__ import annotations

from dataclasses import replace

from desktop_app.core.errors import AppError
from desktop_app.core.vocabulary import ATTRIBUTES, attribute_label
from desktop_app.dialogue.reply import GuideOffer, Outcome, ReplyBuilder
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, describe_filters, entities, entity, search_query
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.types import SearchQuery, SortOrder, yuan


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


def product_question(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _other_brand(app, st, q):
        search(app, st, q, out)
        return
    sku = _product_sku(st, q)
    if sku is None:
        if entity(q, EntityKind.CATEGORY) or entities(q, EntityKind.ATTRIBUTE):
            search(app, st, q, out)  # "is there a waterproof tent?" is a search in disguise
            return
        out.add("Which product do you mean? Tell me its name, or search first and pick one.",
                "请问是哪款商品？可以告诉我商品名称，或先搜索再选择。")
        out.outcome = Outcome.CLARIFY
        return
    city = entity(q, EntityKind.CITY)
    try:
        answer = app.catalog.answer(sku, destination_city=city.value if city else None)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return
    out.card(answer)
    p = answer.product
    asked = entities(q, EntityKind.ATTRIBUTE) + entities(q, EntityKind.COLOUR)
    facts_en, facts_zh = [], []
    for e in asked:
        key = "colour" if e.kind == EntityKind.COLOUR else e.key
        have = p.attribute_values(key)
        spec = ATTRIBUTES.get(key)
        if spec is None:
            continue
        if spec.kind == "flag" or e.kind == EntityKind.COLOUR:
            target = "true" if spec.kind == "flag" else e.value
            ok = target in have
            label_en, label_zh = attribute_label(key, target, "en"), attribute_label(key, target, "zh")
            facts_en.append(f"{'Yes' if ok else 'No'}, it is {'' if ok else 'not '}{label_en.lower()}.")
            facts_zh.append(f"{'是的，支持' if ok else '抱歉，不支持'}{label_zh}。" if spec.kind == "flag"
                            else f"{'有' if ok else '没有'}{label_zh}款。")
        elif have:
            facts_en.append(f"{attribute_label(key, have[0], 'en')}.")
            facts_zh.append(f"{attribute_label(key, have[0], 'zh')}。")
    d = answer.delivery
    out.add(f"{p.summary.name_en}: {yuan(p.summary.price_fen)}, {answer.stock_text_en.lower()}, "
            f"delivery in {d.earliest_days}–{d.latest_days} days. " + " ".join(facts_en),
            f"{p.summary.name_zh}：{yuan(p.summary.price_fen)}，{answer.stock_text_zh}，"
            f"预计 {d.earliest_days}–{d.latest_days} 天送达。" + "".join(facts_zh))
    if p.summary.needs_assembly:
        out.suggest(("Show the assembly guide", "查看安装指引"))


def search(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    refine = st.last_search is not None and not entity(q, EntityKind.CATEGORY) and st.last_intent in (
        Intent.PRODUCT_SEARCH, Intent.RECOMMENDATION)
    query, found = search_query(q, st.last_search if refine else None)
    if not found and not refine:
        query = SearchQuery(text=q.text[:60], page_size=8)
    try:
        result = app.catalog.search(query)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    if result.total == 0 and not found:
        out.add("I could not tell what you are looking for. Try a category, a price range or a feature, "
                "e.g. \"waterproof phones under 800 yuan\".",
                "没能理解您要找的商品。可以说类目、价格区间或功能，例如“800元以下防水手机”。")
        out.outcome = Outcome.CLARIFY
        return
    st.last_search = query
    st.shown = result.items
    chips = describe_filters(query, st.language)
    out.filters.extend(chips)
    out.card(result)
    if result.items:
        st.current_product = result.items[0].sku if result.total == 1 else st.current_product
        out.add(f"I found {result.total} products" + (f" ({', '.join(chips)})" if chips else "") + ".",
                f"为您找到 {result.total} 件商品" + (f"（{'，'.join(chips)}）" if chips else "") + "。")
        out.suggest(("Cheapest first", "价格从低到高"), ("Best rated", "评分最高"))
    else:
        out.add("Nothing matches all of those conditions. Try widening the price range or dropping a feature.",
                "没有同时满足这些条件的商品，可以放宽价格或减少条件试试。")
        out.outcome = Outcome.NOT_FOUND


def sort_last_search(app: Services, st: SessionState, sort: SortOrder, out: ReplyBuilder) -> bool:
    if st.last_search is None:
        return False
    st.last_search = replace(st.last_search, sort=sort, page=1)
    result = app.catalog.search(st.last_search)
    st.shown = result.items
    out.card(result)
    out.filters.extend(describe_filters(st.last_search, st.language))
    out.add("Sorted.", "已为您重新排序。")
    return True


def recommend(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if st.customer_code:
        recs = app.recommendations.for_customer(st.customer_code, limit=5)
        if recs:
            st.shown, st.recommended = tuple(r.product for r in recs), tuple(recs)
            out.card(recs)
            out.add("Based on your purchases and what you browsed, you may like these. Each says why.",
                    "根据您的购买和浏览记录，为您推荐以下商品，每件都附有推荐理由。")
            return
    sku = _product_sku(st, q)
    similar = app.catalog.similar(sku, limit=5) if sku else ()
    if similar:
        st.shown = tuple(s.summary for s in similar)
        out.card(st.shown)
        out.add("Here are similar products.", "为您推荐以下相似商品。")
        return
    query, found = search_query(q)
    query = replace(query, sort=SortOrder.RATING, page_size=5)
    result = app.catalog.search(query)
    st.last_search, st.shown = query, result.items
    out.card(result)
    out.filters.extend(describe_filters(query, st.language))
    out.add("These are our best-rated picks" + (" for those conditions." if found else ". Sign in for personal picks."),
            "这些是评分最高的商品" + ("。" if found else "。登录后可获得个性化推荐。"))


def explain_recommendation(st: SessionState, out: ReplyBuilder) -> bool:
    """Why the product in focus (or the first one) was recommended, from the signals that ranked it."""
    if not st.recommended:
        return False
    chosen = next((r for r in st.recommended if r.product.sku == st.current_product), st.recommended[0])
    out.add(f"I recommended {chosen.product.name_en} because: {chosen.why('en')}.",
            f"推荐「{chosen.product.name_zh}」的原因：{chosen.why('zh')}。")
    return True


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
