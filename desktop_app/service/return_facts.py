"""What the return rules need to know about one item, and the sentences every return decision shares.

Split from ``returns`` so the rules (``return_rules``), the policy FAQ (``return_policy``) and the
service read the same facts and the same wording of shipping, refunds and windows. A window is
counted from the day after signing (签收次日), as the law counts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.policy import Policy
from desktop_app.store.schema import Order, OrderItem, Product

#: A product's ``return_exclusion`` in the customer's words.
EXCLUSION_NAMES: dict[str, tuple[str, str]] = {
    "custom_made": ("made to your order", "定制商品"),
    "perishable": ("fresh or perishable", "鲜活易腐商品"),
    "digital": ("digital content", "数字化商品"),
    "periodical": ("a newspaper or periodical", "报纸期刊"),
}

#: The channels money goes back by, in the customer's words.
PAY_CHANNEL_NAMES: dict[str, tuple[str, str]] = {
    "alipay": ("Alipay", "支付宝"),
    "wechat": ("WeChat Pay", "微信支付"),
    "card": ("your bank card", "银行卡"),
}


@dataclass(frozen=True)
class ReturnFacts:
    """What the rules need to know about one item: from an order line, or a product (or a whole
    category) asked about before any order exists, so the FAQ is judged by the same ``evaluate``."""

    name_en: str
    name_zh: str
    category: str
    final_sale: bool = False
    return_exclusion: str | None = None
    #: None: no order yet (a policy question about a product): the windows are stated, not dated.
    order_status: str | None = None
    signed_at: datetime | None = None
    pay_channel: str | None = None

    @classmethod
    def of_item(cls, order: Order, item: OrderItem) -> ReturnFacts:
        p = item.product
        return cls(p.name_en, p.name_zh, p.category, p.final_sale, p.return_exclusion, order.status,
                   order.delivered_at, order.pay_channel)

    @classmethod
    def of_product(cls, product: Product) -> ReturnFacts:
        return cls(product.name_en, product.name_zh, product.category, product.final_sale, product.return_exclusion)

    @classmethod
    def of_category(cls, category: str) -> ReturnFacts:
        term = CATEGORIES.get(category)
        en, zh = (term.en, f"{term.zh}类商品") if term else (category, category)
        return cls(en, zh, category)

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en


def last_day(signed_at: datetime, days: int) -> date:
    """The last day of a window of ``days`` counted from the day after signing (签收次日)."""
    return signed_at.date() + timedelta(days=days)



def _channel(channel: str | None) -> tuple[str, str]:
    en, zh = PAY_CHANNEL_NAMES.get(channel or "", ("", ""))
    return (f"your original payment method ({en})" if en else "your original payment method",
            f"原支付渠道（{zh}）" if zh else "原支付渠道")


def shipping_text(policy: Policy, *, quality: bool) -> tuple[str, str]:
    """Who pays to send the item back, in both languages."""
    if quality:
        return ("For a quality problem, damage or a wrong item, we pay the return shipping.",
                "质量问题（含运输破损、发错商品）的退回运费由我们承担。")
    if policy.returns.buyer_pays_no_reason_shipping:
        return ("For a no-reason return or exchange you pay the return shipping.",
                "无理由退换的寄回运费由您承担。")
    return "We pay the return shipping.", "寄回运费由我们承担。"


def refund_text(policy: Policy, channel: str | None = None) -> tuple[str, str]:
    """When and how the money comes back once the item reaches us."""
    days = policy.returns.refund_days
    en, zh = _channel(channel)
    return (f"We refund to {en} within {days} days of receiving the item.",
            f"我们收到退货后 {days} 天内原路退款至{zh}。")


def window_text(days: int, facts: ReturnFacts) -> tuple[str, str]:
    """"until 11-27 (7 days from the day after signing)", or the rule alone when there is no order."""
    if facts.signed_at is None:
        return (f"within {days} days of signing for it (counted from the day after)",
                f"签收次日起 {days} 天内")
    end = last_day(facts.signed_at, days)
    return (f"until {end:%Y-%m-%d} ({days} days counted from the day after you signed for it)",
            f"截止 {end:%Y-%m-%d}（自签收次日起 {days} 天）")
