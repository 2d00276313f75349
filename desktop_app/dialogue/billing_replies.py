"""Composing billing replies: an issued invoice, a price-protection claim or refusal, the coupons
that fit and how spend-and-save works, and help with a failed, doubled or unconfirmed payment.

Split out of ``billing_flow`` so the flow decides what happens and this module says it, in English
and Chinese; amounts, dates and rules come from the services' views.
"""

from __future__ import annotations

from desktop_app.core.errors import NotFound
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.dialogue.reply import ItemChoice, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Intent
from desktop_app.service.coupons import COUPONS_PER_ORDER, CouponList, CouponState, category_text
from desktop_app.service.invoices import KIND_EN, KIND_ZH, InvoiceKind, InvoiceView
from desktop_app.service.payments import PAY_CHANNELS_EN, PAY_CHANNELS_ZH, payment_due
from desktop_app.service.price_protection import PriceCheck, PriceProtection, PriceVerdict, channel_text
from desktop_app.service.types import OrderStatus, OrderView, yuan

TALK_TO_PERSON = ("Talk to a person", "转人工")


def mention_other_drops(app: Services, st: SessionState, out: ReplyBuilder, shown: str) -> None:
    """After a refusal, a signed-in customer hears about their other orders that can be claimed."""
    if not st.customer_code:
        return
    others = [v for v in app.orders.orders_of(st.customer_code)
              if v.order_number != shown and app.price_protection.claimable(v)]
    for other in others[:2]:
        tail = other.order_number[-4:]
        names_en = ", ".join(ln.product.name_en for ln in other.lines)
        names_zh = "、".join(ln.product.name_zh for ln in other.lines)
        out.add(f"By the way, your order {other.masked_number} ({names_en}) is cheaper now and can be claimed.",
                f"另外，您的订单{other.masked_number}（{names_zh}）降价了，可以申请价保。")
        out.suggest((f"Price protection for order {tail}", f"订单{tail}价保"))


def ask_which_item(st: SessionState, out: ReplyBuilder, view: OrderView, eligible: list[PriceCheck]) -> None:
    st.task = TaskForm(Intent.PRICE_PROTECTION, "item", order_number=view.order_number)
    names_en = [f"{c.name_en} (−{yuan(c.refund_fen)})" for c in eligible]
    names_zh = [f"{c.name_zh}（可退 {yuan(c.refund_fen)}）" for c in eligible]
    out.card(ItemChoice(view.masked_number, tuple(ln.product.name(st.language) for ln in view.lines)))
    out.add(f"Several items of order {view.masked_number} are cheaper now: {'; '.join(names_en)}. Which one first?",
            f"订单{view.masked_number}中有多件商品降价了：{'；'.join(names_zh)}。先为哪一件申请价保呢？")
    for n, ln in enumerate(view.lines, start=1):
        out.suggest((ln.product.name_en, ln.product.name_zh))
        if n >= 4:
            break
    out.outcome = Outcome.FORM


def explain_price_refusal(out: ReplyBuilder, checks: tuple[PriceCheck, ...]) -> None:
    order_level = {PriceVerdict.NOT_PAID, PriceVerdict.CANCELLED, PriceVerdict.OUTSIDE_WINDOW}
    shown = checks[:1] if checks and checks[0].verdict in order_level else checks
    for check in shown:
        out.card(check)
    out.add(" ".join(c.explanation("en") for c in shown), "".join(c.explanation("zh") for c in shown))
    out.outcome = Outcome.REFUSED
    out.did(ServiceAction.PRICE_PROTECTION_REFUSED)


def explain_thresholds(out: ReplyBuilder, listing: CouponList) -> None:
    example = max(listing.coupons, key=lambda c: c.discount_fen) if listing.coupons else None
    ex_en = (f" For example {example.title_en}: once the items it covers reach {yuan(example.threshold_fen)}, "
             f"{yuan(example.discount_fen)} comes off." if example else "")
    ex_zh = (f"比如“{example.title_zh}”：适用商品满 {yuan(example.threshold_fen)}，就立减 {yuan(example.discount_fen)}。"
             if example else "")
    per = COUPONS_PER_ORDER
    out.add(f"满减 means spend-and-save: when the items a coupon covers add up to its threshold (after any price "
            f"promotion, shipping not included), the discount comes off at checkout.{ex_en} A category coupon counts "
            f"only that category's items, and {per} coupon can be used per order.",
            f"满减就是：券适用范围内的商品金额（按优惠后价格，不含运费）达到门槛，结算时直接减免。{ex_zh}"
            f"品类券只计算该品类的商品，每个订单限用 {per} 张券。")


def describe_coupons(out: ReplyBuilder, listing: CouponList, category: str | None) -> None:
    if not listing.coupons:
        what_en = f" for {category_text(category, 'en').removesuffix(' only')}" if category else ""
        what_zh = f"{CATEGORIES[category].zh}" if category in CATEGORIES else ""
        out.add(f"There are no coupons{what_en} you can use right now.", f"目前没有可用的{what_zh}优惠券。")
        return
    codes = ", ".join(f"{c.title_en} ({c.code})" for c in listing.coupons)
    codes_zh = "、".join(f"{c.title_zh}（{c.code}）" for c in listing.coupons)
    item_en = f" for the {listing.item_name_en}" if listing.item_name_en else ""
    item_zh = f"{listing.item_name_zh}" if listing.item_name_zh else ""
    out.add(f"Coupons you can use{item_en}: {codes}.", f"{item_zh}{'可用' if item_zh else '目前可用'}的优惠券：{codes_zh}。")
    best, amount = listing.best, listing.amount_fen
    if best is not None and amount is not None:
        out.add(f"The best is {best.code}: it saves {yuan(best.discount_fen)}, so you would pay "
                f"{yuan(amount - best.discount_fen)} instead of {yuan(amount)}.",
                f"最划算的是 {best.code}，可省 {yuan(best.discount_fen)}，到手价 {yuan(amount - best.discount_fen)}"
                f"（原价 {yuan(amount)}）。")
        bigger = [c for c in listing.coupons if c.discount_fen > best.discount_fen and c.threshold_fen > amount]
        if bigger:
            nxt = min(bigger, key=lambda c: c.threshold_fen)
            short = yuan(nxt.threshold_fen - amount)
            out.add(f"Add {short} more to the same order and {nxt.code} would take {yuan(nxt.discount_fen)} off "
                    "instead.",
                    f"同一订单再凑 {short}，就能改用 {nxt.code} 减 {yuan(nxt.discount_fen)}。")
    elif amount is not None:
        nearest = min(listing.coupons, key=lambda c: c.threshold_fen - amount)
        short = yuan(nearest.threshold_fen - amount)
        out.add(f"At {yuan(amount)} none reaches its threshold yet: add {short} more to use {nearest.code}.",
                f"按 {yuan(amount)} 计算还没有达到门槛，再凑 {short} 就能用 {nearest.code}。")


#: Minutes a payment confirmation may take before a charge with no paid order is treated as a fault.
CONFIRMATION_MINUTES = 30


def say_charged_but_unpaid(out: ReplyBuilder) -> None:
    """Money left the account but the order still says unpaid: usually the confirmation is late."""
    out.add("The payment confirmation can take a few minutes to reach the order, so please don't pay again yet. "
            f"If the order still shows unpaid after {CONFIRMATION_MINUTES} minutes, the money is returned "
            "automatically to the same account (usually within 1–3 working days), and a colleague can check it "
            "with you.",
            f"付款后订单状态同步可能会有几分钟延迟，请先不要重复付款。如果 {CONFIRMATION_MINUTES} 分钟后订单仍显示待付款，"
            "这笔钱会自动原路退回（一般 1–3 个工作日到账），也可以转人工帮您核对。")
    out.suggest(TALK_TO_PERSON)
    out.did(ServiceAction.PAYMENT_HELPED)


def unpaid_orders(app: Services, customer_code: str) -> list[OrderView]:
    return [o for o in app.orders.orders_of(customer_code) if o.status == OrderStatus.UNPAID]


def say_payment_failed(app: Services, st: SessionState, out: ReplyBuilder) -> None:
    channels_en = ", ".join(PAY_CHANNELS_EN[:-1]) + " or " + PAY_CHANNELS_EN[-1]
    channels_zh = "、".join(PAY_CHANNELS_ZH)
    out.apologise("Sorry about that.", "抱歉给您添麻烦了。")
    out.add("Usually one of these helps: 1) check the card's balance and its daily limit for online "
            "payments (the bank's app shows it); 2) try another channel: we take "
            f"{channels_en}; 3) check the network and pay again from the order page. Nothing is charged for a failed "
            "payment; if money left your account anyway, it is returned automatically.",
            "通常这样可以解决：1）确认银行卡余额和网上支付的单日限额（可在银行 App 查看）；"
            f"2）换一种支付方式，本店支持{channels_zh}；3）检查网络后在订单详情页重新付款。"
            "支付失败不会扣款，如已扣款会自动原路退回。")
    if st.customer_code:
        unpaid = unpaid_orders(app, st.customer_code)
        if unpaid:
            due = payment_due(unpaid[0], app.clock.now())
            out.card(due)
            out.add(f"Your order {due.masked_number} ({yuan(due.amount_fen)}) stays open until "
                    f"{due.cancel_at:%m-%d %H:%M}.",
                    f"您的订单{due.masked_number}（{yuan(due.amount_fen)}）会保留到 {due.cancel_at:%m-%d %H:%M}。")
    out.add("If it still fails, a colleague can help.", "如果还是不行，可以转人工为您处理。")
    out.suggest(TALK_TO_PERSON)
    out.did(ServiceAction.PAYMENT_HELPED)


def say_invoice_issued(out: ReplyBuilder, view: InvoiceView, values: dict[str, str]) -> None:
    """The issued (or re-issued) invoice in words; a VAT invoice's bank details are confirmed by finance."""
    kind_en, kind_zh = KIND_EN[view.kind], KIND_ZH[view.kind]
    where_en = f"sent to {view.email_masked}" if view.email_masked else "ready to download from the order page"
    where_zh = f"已发送至 {view.email_masked}" if view.email_masked else "可在订单详情中下载"
    again = view.revision > 1
    title_en = view.title_text("en")
    out.add(f"Done: the {kind_en} for order {view.masked_number} ({yuan(view.amount_fen)}, title \"{title_en}\") "
            f"{'has been re-issued' if again else 'has been issued'}, {where_en}.",
            f"已为订单{view.masked_number}{'重新' if again else ''}开具{kind_zh}，金额 {yuan(view.amount_fen)}，"
            f"抬头“{view.title}”，{where_zh}。")
    if view.kind == InvoiceKind.VAT_SPECIAL:
        # The invoice table holds no address or bank fields: finance confirms them, whatever was typed here.
        if values.get("extras"):
            out.add("I cannot record the address and bank details here.", "地址和银行信息这里无法登记，")
        out.add("Our finance team will confirm the registered address and phone, bank and account number with you "
                "by e-mail.", "注册地址、电话、开户行及账号将由财务同事通过邮件与您确认。")


def say_price_protected(out: ReplyBuilder, done: PriceProtection) -> None:
    """A granted price-protection claim in words: the prices, the refund and when it arrives."""
    name_en, name_zh = done.name_en, done.name_zh
    each_en = f" for the {done.quantity} you bought" if done.quantity > 1 else ""
    each_zh = f"（{done.quantity} 件合计）" if done.quantity > 1 else ""
    out.add(f"Good news: the {name_en} is cheaper now. You paid {yuan(done.paid_fen)} and it has since been "
            f"{yuan(done.lowest_fen)}, so I have requested a refund of the difference, {yuan(done.refund_fen)}{each_en} to your "
            f"{channel_text(done.channel, 'en')}; it should arrive by {done.expected_by:%Y-%m-%d}.",
            f"好消息，{name_zh}降价了：您购买时单价 {yuan(done.paid_fen)}，之后最低 {yuan(done.lowest_fen)}，"
            f"差价 {yuan(done.refund_fen)}{each_zh} 已为您申请退回{channel_text(done.channel, 'zh')}，"
            f"预计 {done.expected_by:%Y-%m-%d} 前到账。")
    out.suggest(("Check the refund", "查询退款进度"))


def explain_coupon_code(app: Services, st: SessionState, out: ReplyBuilder, code: str) -> bool:
    try:
        status = app.coupons.lookup(code, st.customer_code)
    except NotFound as exc:
        out.add(exc.message, exc.message_zh)  # a mistyped code: say so, then list the real ones
        return False
    out.add(status.explanation("en"), status.explanation("zh"))
    if status.state != CouponState.USABLE:
        others = app.coupons.available(st.customer_code, status.coupon.category)
        out.card(others)
        out.did(ServiceAction.COUPONS_LISTED)
        wanted = status.coupon.category
        same_use = [c for c in others.coupons if c.code != status.coupon.code and c.category in (None, wanted)]
        if same_use:
            best = max(same_use, key=lambda c: c.discount_fen)
            out.add(f"You can use {best.code} instead ({best.title_en}, until {best.valid_until:%Y-%m-%d}).",
                    f"您可以改用 {best.code}（{best.title_zh}，有效期至 {best.valid_until:%Y-%m-%d}）。")
        elif others.coupons:
            out.add("These are the coupons you can use now.", "以下是您现在可以使用的优惠券。")
        else:
            out.add("There is no other coupon for it at the moment.", "目前没有其他可用的优惠券。")
    else:
        out.did(ServiceAction.COUPONS_LISTED)
    return True
