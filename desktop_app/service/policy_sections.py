"""Every rule in force, section by section, in both languages, for ``desktop-app policy show``.

Split from ``return_policy`` because the overview covers all of the policy (orders, shipping,
price protection, warranty, installation, sizes), not only returns; its return sections are the
FAQ's own answers, so the two cannot disagree.
"""

from __future__ import annotations

from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.policy import Policy
from desktop_app.service.policy_answer import PolicyAnswer, category_names, warranty_lines
from desktop_app.service.return_policy import ReturnPolicyAnswers
from desktop_app.service.return_topics import Topic
from desktop_app.service.types import yuan


def policy_sections(policy: Policy) -> tuple[PolicyAnswer, ...]:
    """Every rule in force, section by section, readable in both languages (``desktop-app policy show``)."""
    answers = ReturnPolicyAnswers(policy)
    sections: list[PolicyAnswer] = [answers.summary(), answers.answer(Topic.NO_REASON), answers.answer(Topic.QUALITY),
                                    answers.answer(Topic.REFUND_TIME)]
    o, sh, pp, ins = policy.orders, policy.shipping, policy.price_protection, policy.installation
    sections.append(PolicyAnswer(
        Topic.SUMMARY, "Orders", "订单", "", "",
        (f"Ships within {o.ship_within_hours} hours of payment.",
         f"A cancelled paid order is refunded within {o.refund_days_after_cancel} day(s).",
         f"Asking the carrier to intercept or redirect a parcel costs {yuan(o.intercept_fee_fen)}."),
        (f"付款后 {o.ship_within_hours} 小时内发货。", f"已付款订单取消后 {o.refund_days_after_cancel} 天内退款。",
         f"申请快递拦截或改派收费 {yuan(o.intercept_fee_fen)}。")))
    regions = "、".join(sorted(sh.remote_regions))
    sections.append(PolicyAnswer(
        Topic.SUMMARY, "Shipping", "运费", "", "",
        (f"Free from {yuan(sh.free_over_fen)}; otherwise {yuan(sh.base_fee_fen)}.",
         f"Remote regions ({regions or 'none'}): {yuan(sh.remote_fee_fen)}, free from {yuan(sh.remote_free_over_fen)}."),
        (f"满 {yuan(sh.free_over_fen)} 包邮，否则运费 {yuan(sh.base_fee_fen)}。",
         f"偏远地区（{regions or '无'}）：运费 {yuan(sh.remote_fee_fen)}，满 {yuan(sh.remote_free_over_fen)} 包邮。")))
    excluded_en, excluded_zh = category_names(pp.excluded_categories) if pp.excluded_categories else ("none", "无")
    sections.append(PolicyAnswer(
        Topic.SUMMARY, "Price protection", "价格保护", "", "",
        (f"Within {pp.window_days} days of purchase, once per item.", f"Excluded categories: {excluded_en}.",
         "Compared with the price paid after coupons." if pp.coupons_count else "Compared with the price before coupons."),
        (f"购买后 {pp.window_days} 天内，每件商品一次。", f"不参与的品类：{excluded_zh}。",
         "按用券后的实付价格比较。" if pp.coupons_count else "按用券前的价格比较。")))
    war_en, war_zh = warranty_lines(policy)
    sections.append(PolicyAnswer(
        Topic.SUMMARY, "Warranty", "保修", "", "",
        (f"Free repair: {war_en or 'none'}.",
         f"After {policy.warranty.failed_repairs_before_exchange} failed repairs: an exchange or a return."),
        (f"免费维修：{war_zh or '无'}。", f"维修 {policy.warranty.failed_repairs_before_exchange} 次仍未修好：可换货或退货。")))
    cats_en, cats_zh = category_names(ins.categories)
    slots = ", ".join(s.label() for s in ins.slots)
    sections.append(PolicyAnswer(
        Topic.SUMMARY, "Installation", "安装服务", "", "",
        (f"Free installation for {cats_en} and items that need assembly.",
         f"Bookable up to {ins.days_ahead} days ahead; slots {slots}; {ins.per_slot_capacity} visits per slot."),
        (f"{cats_zh}及需要组装的商品可预约免费安装。", f"最多提前 {ins.days_ahead} 天预约；时段 {slots}；每个时段 {ins.per_slot_capacity} 单。")))
    if policy.size_chart:
        sections.append(PolicyAnswer(
            Topic.SUMMARY, "Size chart", "尺码表", "", "",
            tuple(f"{CATEGORIES[r.category].en if r.category in CATEGORIES else r.category} {r.size}: "
                  f"{r.height_cm[0]:g}-{r.height_cm[1]:g} cm, {r.weight_kg[0]:g}-{r.weight_kg[1]:g} kg"
                  for r in policy.size_chart),
            tuple(f"{CATEGORIES[r.category].zh if r.category in CATEGORIES else r.category} {r.size}："
                  f"身高 {r.height_cm[0]:g}-{r.height_cm[1]:g} 厘米，体重 {r.weight_kg[0]:g}-{r.weight_kg[1]:g} 公斤"
                  for r in policy.size_chart)))
    return tuple(sections)
