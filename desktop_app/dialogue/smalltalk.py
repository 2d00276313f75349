"""Greetings, thanks, goodbyes, off-topic turns and clarifying questions."""

from __future__ import annotations

from desktop_app.dialogue.reply import Outcome, ReplyBuilder
from desktop_app.nlu.types import Intent

#: How each intent is offered back to the customer when we must ask which one they meant.
INTENT_CHOICES: dict[Intent, tuple[str, str]] = {
    Intent.ORDER_STATUS: ("Track my order", "查询订单"),
    Intent.LOGISTICS_DELAY: ("My parcel is late", "快递延误"),
    Intent.RETURN_REQUEST: ("Return an item", "申请退货"),
    Intent.EXCHANGE_REQUEST: ("Exchange an item", "申请换货"),
    Intent.REFUND_STATUS: ("Refund status", "退款进度"),
    Intent.PRODUCT_QUESTION: ("Ask about a product", "咨询商品"),
    Intent.PRODUCT_SEARCH: ("Find a product", "搜索商品"),
    Intent.RECOMMENDATION: ("Recommend something", "推荐商品"),
    Intent.ASSEMBLY_HELP: ("Assembly help", "安装指引"),
    Intent.COMPLAINT: ("Make a complaint", "投诉"),
    Intent.HUMAN_AGENT: ("Talk to a person", "转人工"),
    Intent.CANCEL_ORDER: ("Cancel an order", "取消订单"),
    Intent.CHANGE_ADDRESS: ("Change the address", "修改地址"),
    Intent.URGE_SHIPPING: ("Ship my order sooner", "催发货"),
    Intent.RETURN_POLICY: ("Return rules", "退换货规则"),
    Intent.INVOICE: ("Invoice", "发票"),
    Intent.PRICE_PROTECTION: ("Price protection", "价保"),
    Intent.COUPON_PROMOTION: ("Coupons and offers", "优惠券与活动"),
    Intent.SHIPPING_FEE: ("Shipping fee", "运费"),
    Intent.WARRANTY_REPAIR: ("Warranty repair", "保修维修"),
    Intent.INSTALLATION_SERVICE: ("Book installation", "预约安装"),
    Intent.SIZE_ADVICE: ("Size advice", "尺码建议"),
    Intent.EXPLAIN_RECOMMENDATION: ("Why this recommendation", "推荐理由"),
    Intent.PAYMENT_ISSUE: ("Payment problem", "付款问题"),
    Intent.RESTOCK_ALERT: ("Back-in-stock alert", "到货提醒"),
}


def greeting(out: ReplyBuilder) -> None:
    out.add("Hello! I can track orders, help with returns, find products and show assembly guides. "
            "How can I help?", "您好！我可以帮您查订单、办理退换货、找商品、看安装指引，请问有什么可以帮您？")
    out.suggest(INTENT_CHOICES[Intent.ORDER_STATUS], INTENT_CHOICES[Intent.PRODUCT_SEARCH],
                INTENT_CHOICES[Intent.RETURN_REQUEST])
    out.outcome = Outcome.SMALL_TALK


def thanks(out: ReplyBuilder) -> None:
    out.add("You're welcome! Anything else I can do?", "不客气！还有其他可以帮您的吗？")
    out.outcome = Outcome.SMALL_TALK


def goodbye(out: ReplyBuilder) -> None:
    out.add("Goodbye, and thank you for shopping with us!", "再见，感谢您的光临！")
    out.outcome = Outcome.SMALL_TALK


def out_of_scope(out: ReplyBuilder) -> None:
    out.add("Sorry, that is outside what I can help with here. I can track orders, handle returns, "
            "answer product questions and show assembly guides.",
            "抱歉，这个问题我暂时无法解答。我可以帮您查订单、办理退换货、解答商品问题、查看安装指引。")
    out.suggest(INTENT_CHOICES[Intent.ORDER_STATUS], INTENT_CHOICES[Intent.PRODUCT_SEARCH],
                INTENT_CHOICES[Intent.HUMAN_AGENT])
    out.outcome = Outcome.CLARIFY


def clarify(out: ReplyBuilder, candidates: list[Intent]) -> None:
    options = [INTENT_CHOICES[i] for i in candidates if i in INTENT_CHOICES][:3]
    if options:
        listing_en = " or ".join(f"\"{en}\"" for en, _ in options)
        listing_zh = "还是".join(f"“{zh}”" for _, zh in options)
        out.add(f"Just to be sure I help with the right thing: do you mean {listing_en}?",
                f"为了准确帮到您，请问您是想{listing_zh}？")
        out.suggest(*options)
    else:
        out.add("Sorry, I did not quite get that. Could you say it another way, or pick one of these?",
                "抱歉，我没太明白，您能换个说法，或选择下面的一项吗？")
        out.suggest(INTENT_CHOICES[Intent.ORDER_STATUS], INTENT_CHOICES[Intent.PRODUCT_SEARCH],
                    INTENT_CHOICES[Intent.HUMAN_AGENT])
    out.outcome = Outcome.CLARIFY
