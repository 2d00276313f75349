"""Product questions, comparisons, multi-condition search, recommendations and assembly help.

Every answer is read from the store: a field the product data does not hold is said to be
unknown, a recommendation's reasons are the signals that ranked it, and a follow-up ("第二个呢",
"那V8呢", "cheaper ones?") reuses what the previous turn asked rather than starting over.

Reading the turn lives in ``product_slots``, wording the answers in ``product_replies``.
"""

from __future__ import annotations

from dataclasses import replace

from desktop_app.core.errors import AppError
from desktop_app.dialogue.product_replies import (
    comparison_text,
    present_recommendations,
    say_not_sold,
    show_similar,
    variant_answers,
)
from desktop_app.dialogue.product_slots import (
    ASKS_ADVICE,
    SIMILAR,
    SORT_WORDS,
    asked_fields,
    asks_comparison,
    comparison_directions,
    fields_for,
    last_request_text,
    mentioned_products,
    names_other_brand,
    not_sold,
    product_sku,
    request_from,
    wants_comparison,
)
from desktop_app.dialogue.reply import GuideOffer, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, describe_filters, entities, entity, list_reference, search_query
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.catalog import field_fact, product_type_in
from desktop_app.service.recommend import RecommendationExplanation, RecommendationList
from desktop_app.service.types import SearchQuery, SortOrder, yuan

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
    if wants_comparison(st, q, mentioned):
        compare(app, st, q, out, mentioned)
        return
    if not mentioned and names_other_brand(app, st, q):
        search(app, st, q, out)
        return
    order = next((o for pattern, o in SORT_WORDS if pattern.search(q.text)), None)
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


def answer_product(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, sku: str) -> None:
    """Answer the fields the turn asks about ``sku`` (the asked field first, in words), then its card."""
    try:
        category = app.catalog.product(sku).summary.category
        fields, earlier_city = fields_for(app, st, q, category)
        city = entity(q, EntityKind.CITY)
        answer = app.catalog.answer(sku, destination_city=city.value if city else earlier_city)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return
    st.current_product = sku
    p = answer.product
    sentences_en, sentences_zh = variant_answers(q, answer)
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
    direction = comparison_directions(q.text, fields)
    asked = bool(fields)
    city = entity(q, EntityKind.CITY)
    try:
        comparison = app.catalog.compare(skus, fields, destination_city=city.value if city else None,
                                         direction=direction, warranty=app.policy.warranty)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    out.add(*comparison_text(comparison, asked=asked))
    out.card(comparison)
    out.did(ServiceAction.PRODUCTS_COMPARED)
    winners = [r.facts[r.winner].sku for r in comparison.rows if r.winner is not None]
    if winners:
        st.current_product = winners[0]  # "那就它吧" / "它多少钱" now means the winner


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
    if ASKS_ADVICE.search(q.text) and not _showing_recommendations(st):
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
        asked_order = next((order for pattern, order in SORT_WORDS if pattern.search(q.text)), None)
        query = replace(query, sort=asked_order or query.sort)
    try:
        result = app.catalog.search(query)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    if result.total == 0 and not found:
        missing = not_sold(q.text)
        if missing is not None:
            say_not_sold(out, missing)
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
        request = request_from(q.text, query)
        nearest = app.recommendations.recommend(request, customer_code=st.customer_code, limit=5)
        if nearest.items and nearest.relaxed:
            present_recommendations(app, st, out, request, nearest, action=ServiceAction.PRODUCTS_SHOWN)
            return
        out.add("Nothing matches all of those conditions. Try widening the price range or dropping a feature.",
                "没有同时满足这些条件的商品，可以放宽价格或减少条件试试。")
        out.outcome = Outcome.NOT_FOUND


def sort_last_search(app: Services, st: SessionState, sort: SortOrder, out: ReplyBuilder) -> bool:
    if st.last_search is None:
        return False
    if _showing_recommendations(st):
        order = "price" if sort in (SortOrder.PRICE_ASC,) else "rating" if sort == SortOrder.RATING else "score"
        request = replace(request_from(last_request_text(app, st), st.last_search), order=order)
        present_recommendations(app, st, out, request, RecommendationList(request, ()), rerun=True)
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


def recommend(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _answered(out):
        return
    mentioned = mentioned_products(app, q)
    if wants_comparison(st, q, mentioned) and (len(mentioned) >= 2 or asks_comparison(q.text)):
        compare(app, st, q, out, mentioned)  # "A5和V8哪个续航好" is read as advice but answered as a comparison
        return
    request = request_from(q.text, q=q)
    missing = not_sold(q.text) if not (entity(q, EntityKind.CATEGORY) or request.product_type) else None
    if missing is not None and not request.asked:
        say_not_sold(out, missing)
        return
    sku = mentioned[0] if mentioned else st.current_product
    if not request.asked and sku and SIMILAR.search(q.text):
        show_similar(app, st, sku, out)
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
    present_recommendations(app, st, out, request, result, missing=missing)


def _refine_recommendation(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    request = request_from(last_request_text(app, st), st.last_search, q)
    turn = request_from(q.text, q=q)
    request = replace(request, audience=turn.audience or request.audience, occasion=turn.occasion or request.occasion,
                      product_type=turn.product_type or request.product_type)
    present_recommendations(app, st, out, request, RecommendationList(request, ()), rerun=True)


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
    sku = product_sku(st, q)
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
