"""Requests the assistant understands but cannot carry out itself yet.

Cancelling an order, changing an address, invoices, price protection and the like are understood
and routed here, so the customer hears that we got it and how to get it done (a colleague), not
an unrelated answer from the nearest intent. Each is counted as not resolved by the assistant.
"""

from __future__ import annotations

from desktop_app.dialogue.reply import Outcome, ReplyBuilder
from desktop_app.dialogue.smalltalk import INTENT_CHOICES
from desktop_app.nlu.types import Intent

#: What the customer asked for, as the reply names it back.
TASKS: dict[Intent, tuple[str, str]] = {
    Intent.CANCEL_ORDER: ("cancel an order", "取消订单"),
    Intent.CHANGE_ADDRESS: ("change the delivery address", "修改收货地址"),
    Intent.URGE_SHIPPING: ("have your order shipped sooner", "催促发货"),
    Intent.RETURN_POLICY: ("know our return rules", "了解退换货规则"),
    Intent.INVOICE: ("get an invoice", "开具发票"),
    Intent.PRICE_PROTECTION: ("claim a price difference (price protection)", "申请价保退差价"),
    Intent.COUPON_PROMOTION: ("use a coupon or promotion", "使用优惠券或参加活动"),
    Intent.SHIPPING_FEE: ("know the shipping fee", "了解运费"),
    Intent.WARRANTY_REPAIR: ("have an item repaired under warranty", "办理保修维修"),
    Intent.INSTALLATION_SERVICE: ("book an installation visit", "预约上门安装"),
    Intent.SIZE_ADVICE: ("choose the right size", "选择合适的尺码"),
    Intent.EXPLAIN_RECOMMENDATION: ("know why an item was recommended", "了解推荐理由"),
    Intent.PAYMENT_ISSUE: ("sort out a payment", "处理付款问题"),
    Intent.RESTOCK_ALERT: ("be told when an item is back in stock", "到货提醒"),
}


def not_yet(out: ReplyBuilder, intent: Intent) -> None:
    en, zh = TASKS[intent]
    out.add(f"I understand you want to {en}. I can't do that here yet; a colleague can help you with it.",
            f"明白，您想{zh}。这项服务我暂时还不能直接办理，可以为您转接人工客服处理。")
    out.suggest(INTENT_CHOICES[Intent.HUMAN_AGENT])
    out.outcome = Outcome.UNSUPPORTED
