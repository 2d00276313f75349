"""Complaint topics grouped by the root cause a merchant acts on, and their names in both languages.

A merchant fixes a supplier, a carrier, a process or a price, not a "topic": damage in transit is
the carrier's, a wrong item is the warehouse's after-sales handling, unclear instructions belong to
the product as the supplier made it. The report and the dashboard group topics by these causes.
"""

from __future__ import annotations

from enum import StrEnum

from desktop_app.service.types import ComplaintTopic


class RootCause(StrEnum):
    PRODUCT_QUALITY = "product_quality"  # the supply chain: materials, manufacture, instructions
    CARRIER = "carrier"  # the logistics carrier: late, lost, damaged in transit
    AFTER_SALES = "after_sales"  # our process: refunds, returns, picking, staff
    PRICING = "pricing"
    OTHER = "other"


_CAUSES = {
    ComplaintTopic.PRODUCT_QUALITY: RootCause.PRODUCT_QUALITY,
    ComplaintTopic.ASSEMBLY: RootCause.PRODUCT_QUALITY,
    ComplaintTopic.DELIVERY_DELAY: RootCause.CARRIER,
    ComplaintTopic.DAMAGED: RootCause.CARRIER,
    ComplaintTopic.WRONG_ITEM: RootCause.AFTER_SALES,
    ComplaintTopic.REFUND: RootCause.AFTER_SALES,
    ComplaintTopic.SERVICE_ATTITUDE: RootCause.AFTER_SALES,
    ComplaintTopic.PRICING: RootCause.PRICING,
}

TOPIC_NAMES: dict[ComplaintTopic, tuple[str, str]] = {
    ComplaintTopic.DELIVERY_DELAY: ("late or lost delivery", "配送延误或丢件"),
    ComplaintTopic.DAMAGED: ("damaged in transit", "运输破损"),
    ComplaintTopic.WRONG_ITEM: ("wrong or missing item", "发错或漏发"),
    ComplaintTopic.PRODUCT_QUALITY: ("product quality", "商品质量"),
    ComplaintTopic.REFUND: ("refunds and returns", "退款与退货"),
    ComplaintTopic.SERVICE_ATTITUDE: ("service attitude", "服务态度"),
    ComplaintTopic.ASSEMBLY: ("assembly and instructions", "安装与说明书"),
    ComplaintTopic.PRICING: ("prices and fees", "价格与费用"),
    ComplaintTopic.OTHER: ("other", "其他"),
}

CAUSE_NAMES: dict[RootCause, tuple[str, str]] = {
    RootCause.PRODUCT_QUALITY: ("product quality (supplier)", "商品质量（供应链）"),
    RootCause.CARRIER: ("logistics carrier", "物流承运商"),
    RootCause.AFTER_SALES: ("after-sales process", "售后流程"),
    RootCause.PRICING: ("pricing", "定价"),
    RootCause.OTHER: ("other", "其他"),
}


def root_cause(topic: ComplaintTopic) -> RootCause:
    return _CAUSES.get(topic, RootCause.OTHER)


def topic_name(topic: str, language: str) -> str:
    """A topic's human name; an unknown stored value is shown as it is."""
    try:
        en, zh = TOPIC_NAMES[ComplaintTopic(topic)]
    except ValueError:
        return topic
    return zh if language == "zh" else en


def cause_name(cause: RootCause, language: str) -> str:
    en, zh = CAUSE_NAMES[cause]
    return zh if language == "zh" else en
