"""One answered return-policy topic as shown to the customer, and the wordings the answers share.

Split from ``return_policy`` so the FAQ and the policy overview (``policy_sections``) build the same
``PolicyAnswer`` cards from the same names of categories, exclusions and warranty periods.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.policy import Policy
from desktop_app.service.return_topics import Topic

#: The law's exclusions as a list reads them ("made-to-order items, fresh and perishable goods...").
EXCLUSION_PLURALS: dict[str, tuple[str, str]] = {
    "custom_made": ("made-to-order (custom) items", "定制商品"),
    "perishable": ("fresh and perishable goods", "鲜活易腐商品"),
    "digital": ("digital content (downloads, unsealed software or audio-visual products)", "数字化商品（在线下载或已拆封的音像制品、软件）"),
    "periodical": ("delivered newspapers and periodicals", "已交付的报纸期刊"),
}

TITLES: dict[Topic, tuple[str, str]] = {
    Topic.NO_REASON: ("No-reason returns", "无理由退货"),
    Topic.SHIPPING: ("Who pays the return shipping", "退货运费由谁承担"),
    Topic.OPENED: ("Opened or tried items", "拆封、试用后的退货"),
    Topic.FINAL_SALE: ("Clearance and final sale", "清仓特价商品"),
    Topic.EXCLUDED: ("Items with no no-reason return", "不适用无理由退货的商品"),
    Topic.QUALITY: ("Quality problems (三包)", "质量问题（三包）"),
    Topic.REFUND_TIME: ("When the refund arrives", "退款到账时间"),
    Topic.EXCHANGE_SIZE: ("Exchanging for another size", "换尺码"),
    Topic.CONDITION: ("What \"complete\" (完好) means", "什么是商品完好"),
    Topic.GIFTS: ("Gifts and bundles", "赠品与套装"),
    Topic.SUMMARY: ("Our return rules in short", "退换货规则一览"),
}


@dataclass(frozen=True)
class PolicyAnswer:
    """One answered topic: a direct answer to say, and the rule lines behind it for the card."""

    topic: Topic
    title_en: str
    title_zh: str
    headline_en: str
    headline_zh: str
    lines_en: tuple[str, ...]
    lines_zh: tuple[str, ...]
    #: A person must confirm this one: the rules do not cover it.
    needs_person: bool = False

    def card_title(self, language: str) -> str:
        return self.title_zh if language == "zh" else self.title_en

    def card_lines(self, language: str) -> tuple[str, ...]:
        return self.lines_zh if language == "zh" else self.lines_en

    def headline(self, language: str) -> str:
        return self.headline_zh if language == "zh" else self.headline_en


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def category_names(categories: frozenset[str] | set[str]) -> tuple[str, str]:
    ordered = sorted(categories, key=lambda c: list(CATEGORIES).index(c) if c in CATEGORIES else len(CATEGORIES))
    en = [CATEGORIES[c].en.lower() if c in CATEGORIES else c for c in ordered]
    zh = [f"{CATEGORIES[c].zh}类商品" if c in CATEGORIES else c for c in ordered]
    return ", ".join(en), "、".join(zh)


def warranty_lines(policy: Policy) -> tuple[str, str]:
    """The warranty periods in force, per category (and the phone battery), in both languages."""
    w = policy.warranty
    parts_en, parts_zh = [], []
    for category, months in w.months:
        if months <= 0 or category not in CATEGORIES:
            continue
        parts_en.append(f"{CATEGORIES[category].en.lower()} {months} months")
        parts_zh.append(f"{CATEGORIES[category].zh} {months} 个月")
    if w.months_for("phone") > 0:
        parts_en.append(f"phone batteries {w.phone_battery_months} months")
        parts_zh.append(f"手机电池 {w.phone_battery_months} 个月")
    return ", ".join(parts_en), "、".join(parts_zh)
