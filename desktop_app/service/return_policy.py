"""Answers to return-policy questions, read from the same policy values that decide returns.

Every number in an answer comes from ``Policy`` and, when a product (or a whole category) is
known, the verdict comes from ``returns.evaluate`` itself: the answer and the decision can never
disagree, and a merchant who edits the policy file changes both at once.

Topics are recognised by keywords in both languages, loose on purpose (shoppers write 7天无理由,
七天无理由, "7 day return", 运费谁出, 拆了...); a question with no recognisable topic gets the short
summary of the rules rather than a request for an order number.

The question is read in ``return_topics``, the answer type and shared wordings are in
``policy_answer`` and the whole-policy overview in ``policy_sections``.
"""

from __future__ import annotations

from datetime import datetime

from desktop_app.service.policy import LEGAL_EXCLUSIONS, Policy
from desktop_app.service.policy_answer import (
    EXCLUSION_PLURALS,
    TITLES,
    PolicyAnswer as PolicyAnswer,
    category_names,
    ordinal,
    warranty_lines as warranty_lines,
)
from desktop_app.service.return_facts import ReturnFacts, refund_text, shipping_text
from desktop_app.service.return_rules import evaluate
from desktop_app.service.return_topics import (
    EXCLUSION_WORDS,
    Topic as Topic,
    opened_from_text as opened_from_text,
    topics_in,
)
from desktop_app.service.types import ReturnDecision, ReturnKind, ReturnReason


class ReturnPolicyAnswers:
    """The return-policy FAQ; built from the policy alone, so any layer can construct it."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    @property
    def policy(self) -> Policy:
        return self._policy

    # -- topics ----------------------------------------------------------------------------

    def topics(self, text: str) -> tuple[Topic, ...]:
        """The topics a question asks about, in a stable order; empty when none is recognised."""
        return topics_in(text)

    def answer_question(self, text: str) -> tuple[PolicyAnswer, ...]:
        """Each topic the question asks about, or the summary when none is recognised."""
        topics = self.topics(text)
        if not topics:
            return (self.summary(),)
        return tuple(self.answer(topic, text) for topic in topics)

    def answer(self, topic: Topic, text: str = "") -> PolicyAnswer:
        build = {
            Topic.NO_REASON: self._no_reason, Topic.SHIPPING: self._shipping, Topic.OPENED: self._opened,
            Topic.FINAL_SALE: self._final_sale, Topic.QUALITY: self._quality, Topic.REFUND_TIME: self._refund,
            Topic.EXCHANGE_SIZE: self._exchange_size, Topic.CONDITION: self._condition, Topic.GIFTS: self._gifts,
            Topic.SUMMARY: self.summary,
        }
        if topic == Topic.EXCLUDED:
            return self._excluded(text)
        return build[topic]()

    # -- a product or category -----------------------------------------------------------

    def for_item(self, facts: ReturnFacts, now: datetime, *, opened: bool | None = None) -> PolicyAnswer:
        """What the rules say about one product (or a whole category): judged by ``evaluate``."""
        name_en, name_zh = facts.name_en, facts.name_zh
        no_reason = self._decide(facts, now, opened)
        quality = evaluate(facts, ReturnKind.RETURN, ReturnReason.QUALITY, now, self._policy)
        lines_en: list[str] = []
        lines_zh: list[str] = []
        if no_reason.rule == "ask_opened":
            sealed, open_ = self._decide(facts, now, False), self._decide(facts, now, True)
            head_en = f"{name_en}: yes while unopened, no once opened. {sealed.explanation_en}"
            head_zh = f"{name_zh}：未拆封可以无理由退货，拆封后不可以。{sealed.explanation_zh}"
            lines_en += [f"Unopened: {sealed.explanation_en}", f"Opened: {open_.explanation_en}"]
            lines_zh += [f"未拆封：{sealed.explanation_zh}", f"已拆封：{open_.explanation_zh}"]
        else:
            yes_en, yes_zh = ("Yes" if no_reason.eligible else "No"), ("可以" if no_reason.eligible else "不可以")
            head_en = f"{name_en}: {yes_en}. {no_reason.explanation_en}"
            head_zh = f"{name_zh}：{yes_zh}无理由退货。{no_reason.explanation_zh}"
            lines_en.append(no_reason.explanation_en)
            lines_zh.append(no_reason.explanation_zh)
        if quality.rule != no_reason.rule:
            lines_en.append(quality.explanation_en)
            lines_zh.append(quality.explanation_zh)
        return PolicyAnswer(Topic.NO_REASON, f"Returning {name_en}", f"「{name_zh}」能否退货", head_en, head_zh,
                            tuple(lines_en), tuple(lines_zh))

    def _decide(self, facts: ReturnFacts, now: datetime, opened: bool | None) -> ReturnDecision:
        return evaluate(facts, ReturnKind.RETURN, ReturnReason.NO_REASON, now, self._policy, opened=opened)

    # -- the topics --------------------------------------------------------------------------

    def _made(self, topic: Topic, head_en: str, head_zh: str, lines_en: list[str], lines_zh: list[str],
              *, needs_person: bool = False) -> PolicyAnswer:
        title_en, title_zh = TITLES[topic]
        return PolicyAnswer(topic, title_en, title_zh, head_en, head_zh, tuple(lines_en), tuple(lines_zh),
                            needs_person)

    def _exclusion_lines(self) -> tuple[str, str]:
        never = [e for e in LEGAL_EXCLUSIONS if e in self._policy.returns.never_no_reason]
        return (", ".join(EXCLUSION_PLURALS[e][0] for e in never), "、".join(EXCLUSION_PLURALS[e][1] for e in never))

    def _quality_short(self) -> tuple[str, str]:
        r = self._policy.returns
        return (f"quality problems can be returned within {r.quality_return_days} days and exchanged within "
                f"{r.quality_exchange_days} days of signing",
                f"质量问题签收次日起 {r.quality_return_days} 天内可退货、{r.quality_exchange_days} 天内可换货")

    def _no_reason(self) -> PolicyAnswer:
        r = self._policy.returns
        n = r.no_reason_days
        head_en = (f"Most items can be returned without a reason within {n} days, counted from the day after you sign "
                   f"for them: signed on the 1st, you can apply until the {ordinal(1 + n)}.")
        head_zh = f"大部分商品支持{n}天无理由退货，从签收次日开始算：比如 1 号签收，{1 + n} 号当天结束前都可以申请。"
        lines_en = [f"{n} days from the day after signing (签收次日).",
                    "The item must be complete: opening it to inspect is fine; keep the accessories, tags and brand "
                    "marks."]
        lines_zh = [f"签收次日起 {n} 天内可申请。", "商品需完好：拆封查验不影响，配件、吊牌、品牌标识齐全。"]
        ex_en, ex_zh = self._exclusion_lines()
        if ex_en:
            lines_en.append(f"Never without a reason, by law: {ex_en}.")
            lines_zh.append(f"依法不适用：{ex_zh}。")
        if r.opened_not_returnable_categories:
            cat_en, cat_zh = category_names(r.opened_not_returnable_categories)
            lines_en.append(f"{cat_en.capitalize()}: only while unopened.")
            lines_zh.append(f"{cat_zh}：仅限未拆封。")
        if not r.final_sale_no_reason:
            lines_en.append("Clearance items sold as final sale: quality problems only.")
            lines_zh.append("清仓特价（不退换）商品：仅限质量问题。")
        ship_en, ship_zh = shipping_text(self._policy, quality=False)
        ref_en, ref_zh = refund_text(self._policy)
        lines_en += [ship_en, ref_en]
        lines_zh += [ship_zh, ref_zh]
        return PolicyAnswer(Topic.NO_REASON, f"{n}-day no-reason returns", f"{n}天无理由退货", head_en, head_zh,
                            tuple(lines_en), tuple(lines_zh))

    def _shipping(self) -> PolicyAnswer:
        r = self._policy.returns
        q_en, q_zh = shipping_text(self._policy, quality=True)
        if r.buyer_pays_no_reason_shipping:
            head_en = ("For a no-reason return you pay the shipping to send it back; for a quality problem (a defect, "
                       "damage in transit, or a wrong item) we pay it.")
            head_zh = "无理由退货的寄回运费由您承担；质量问题（故障、运输破损、发错货）的运费由我们承担。"
        else:
            head_en = "We pay the return shipping, for no-reason returns and quality problems alike."
            head_zh = "无论是无理由退货还是质量问题，寄回运费都由我们承担。"
        no_en, no_zh = shipping_text(self._policy, quality=False)
        return self._made(Topic.SHIPPING, head_en, head_zh, [no_en, q_en], [no_zh, q_zh])

    def _opened(self) -> PolicyAnswer:
        r = self._policy.returns
        n = r.no_reason_days
        head_en = ("Opening the package to inspect an item does not stop a no-reason return, as long as the item, "
                   "its accessories and tags are complete.")
        head_zh = "拆开包装查验商品不影响无理由退货，只要商品本身、配件和吊牌完好齐全即可。"
        lines_en = [head_en]
        lines_zh = [head_zh]
        if r.opened_not_returnable_categories:
            cat_en, cat_zh = category_names(r.opened_not_returnable_categories)
            extra_en = (f" The exception is {cat_en}: unopened, it can be returned within {n} days of signing; once "
                        "opened it cannot, as you confirm when you buy it (quality problems are still covered).")
            extra_zh = (f"例外是{cat_zh}：未拆封的签收次日起 {n} 天内可以退；拆封后不支持无理由退货"
                        "（购买时您已确认），质量问题除外。")
            head_en += extra_en
            head_zh += extra_zh
            lines_en.append(extra_en.strip())
            lines_zh.append(extra_zh)
        return self._made(Topic.OPENED, head_en, head_zh, lines_en, lines_zh)

    def _final_sale(self) -> PolicyAnswer:
        r = self._policy.returns
        q_en, q_zh = self._quality_short()
        if r.final_sale_no_reason:
            head_en = (f"Clearance items can be returned without a reason within {r.no_reason_days} days of signing, "
                       "like any other item.")
            head_zh = f"清仓特价商品和其他商品一样，签收次日起 {r.no_reason_days} 天内支持无理由退货。"
        else:
            head_en = (f"Clearance items sold as final sale cannot be returned without a reason (the product page says "
                       f"so before you buy), but {q_en}.")
            head_zh = f"标注清仓特价（不退换）的商品不支持无理由退货，购买页面会提前注明；但{q_zh}。"
        return self._made(Topic.FINAL_SALE, head_en, head_zh, [head_en], [head_zh])

    def _excluded(self, text: str) -> PolicyAnswer:
        r = self._policy.returns
        q_en, q_zh = self._quality_short()
        asked = [e for e, pattern in EXCLUSION_WORDS.items() if pattern.search(text)] or list(LEGAL_EXCLUSIONS)
        lines_en, lines_zh = [], []
        for exclusion in asked:
            what_en, what_zh = EXCLUSION_PLURALS[exclusion]
            if exclusion in r.never_no_reason:
                lines_en.append(f"{what_en[0].upper()}{what_en[1:]}: no no-reason return (the law excludes them).")
                lines_zh.append(f"{what_zh}：依法不适用无理由退货。")
            else:
                lines_en.append(f"{what_en[0].upper()}{what_en[1:]}: our store accepts no-reason returns within "
                                f"{r.no_reason_days} days.")
                lines_zh.append(f"{what_zh}：本店支持签收次日起 {r.no_reason_days} 天内无理由退货。")
        if all(e in r.never_no_reason for e in asked):
            names_en = ", ".join(EXCLUSION_PLURALS[e][0] for e in asked)
            names_zh = "、".join(EXCLUSION_PLURALS[e][1] for e in asked)
            head_en = f"By law, {names_en} cannot be returned without a reason; {q_en}."
            head_zh = f"依照规定，{names_zh}不适用无理由退货；{q_zh}。"
        else:
            head_en = " ".join(lines_en) + f" In every case, {q_en}."
            head_zh = "".join(lines_zh) + f"无论哪种，{q_zh}。"
        lines_en.append(f"In every case, {q_en}.")
        lines_zh.append(f"{q_zh}。")
        return self._made(Topic.EXCLUDED, head_en, head_zh, lines_en, lines_zh)

    def _quality(self) -> PolicyAnswer:
        r = self._policy.returns
        w = self._policy.warranty
        head_en = (f"For a quality problem (三包): within {r.quality_return_days} days of signing you can return, "
                   f"exchange or have it repaired; within {r.quality_exchange_days} days, exchange or repair; after "
                   "that, free repair within the warranty. We pay the shipping.")
        head_zh = (f"质量问题按三包处理：签收次日起 {r.quality_return_days} 天内可退货、换货或维修；"
                   f"{r.quality_exchange_days} 天内可换货或维修；之后在保修期内免费维修。来回运费由我们承担。")
        war_en, war_zh = warranty_lines(self._policy)
        lines_en = [f"Within {r.quality_return_days} days: return, exchange or repair.",
                    f"Within {r.quality_exchange_days} days: exchange or repair.",
                    f"Warranty (free repair): {war_en}." if war_en else "Warranty: free repair within the period.",
                    f"After {w.failed_repairs_before_exchange} failed repairs: an exchange or a return.",
                    "This applies to every item, clearance included."]
        lines_zh = [f"{r.quality_return_days} 天内：退货、换货或维修。", f"{r.quality_exchange_days} 天内：换货或维修。",
                    f"保修期（免费维修）：{war_zh}。" if war_zh else "保修期内免费维修。",
                    f"维修 {w.failed_repairs_before_exchange} 次仍未修好：可换货或退货。", "所有商品都适用，清仓商品也不例外。"]
        ship_en, ship_zh = shipping_text(self._policy, quality=True)
        lines_en.append(ship_en)
        lines_zh.append(ship_zh)
        return self._made(Topic.QUALITY, head_en, head_zh, lines_en, lines_zh)

    def _refund(self) -> PolicyAnswer:
        r, o = self._policy.returns, self._policy.orders
        head_en = (f"Once your return reaches us, the refund goes back to your original payment method (Alipay, WeChat "
                   f"Pay or bank card, as you paid) within {r.refund_days} days.")
        head_zh = f"退货寄回我们收到后，{r.refund_days} 天内原路退回（支付宝、微信或银行卡，怎么付的就退到哪）。"
        lines_en = [f"Returns: within {r.refund_days} days of the item reaching us, by the original payment channel.",
                    f"A cancelled paid order: within {o.refund_days_after_cancel} day(s).",
                    "Bank cards may take a few more days to show it, depending on the bank."]
        lines_zh = [f"退货：仓库收到商品后 {r.refund_days} 天内原路退款。", f"已付款订单取消：{o.refund_days_after_cancel} 天内退款。",
                    "银行卡到账时间视银行而定，可能稍晚几天。"]
        return self._made(Topic.REFUND_TIME, head_en, head_zh, lines_en, lines_zh)

    def _exchange_size(self) -> PolicyAnswer:
        r = self._policy.returns
        n = r.no_reason_days
        ship_en, ship_zh = shipping_text(self._policy, quality=False)
        head_en = (f"Clothing can be exchanged for another size within {n} days of signing (counted from the day "
                   f"after), unworn with its tags. {ship_en}")
        head_zh = f"服饰可以换尺码：签收次日起 {n} 天内，未穿着、吊牌完好即可。{ship_zh}"
        lines_en = [head_en, f"For a quality problem any item can be exchanged within {r.quality_exchange_days} days."]
        lines_zh = [head_zh, f"如有质量问题，任何商品签收次日起 {r.quality_exchange_days} 天内都可换货。"]
        if not r.final_sale_no_reason:
            lines_en.append("Final-sale (clearance) items cannot be exchanged for size.")
            lines_zh.append("清仓特价（不退换）商品不支持换尺码。")
        return self._made(Topic.EXCHANGE_SIZE, head_en, head_zh, lines_en, lines_zh)

    def _condition(self) -> PolicyAnswer:
        head_en = ("\"Complete\" (完好) means the item keeps its original quality and function, with its accessories, "
                   "tags and brand marks all there. Opening the package to inspect it is allowed.")
        head_zh = "“完好”是指商品保持原有品质和功能，商品本身、配件、吊牌和品牌标识齐全；拆开包装查验是允许的。"
        lines_en = [head_en, "Wear, use or missing parts that reduce its value are not complete."]
        lines_zh = [head_zh, "穿着使用、配件缺失等影响二次销售的情况不属于完好。"]
        r = self._policy.returns
        if r.opened_not_returnable_categories:
            cat_en, cat_zh = category_names(r.opened_not_returnable_categories)
            lines_en.append(f"{cat_en.capitalize()} must also be unopened.")
            lines_zh.append(f"{cat_zh}还需未拆封。")
        return self._made(Topic.CONDITION, head_en, head_zh, lines_en, lines_zh)

    def _gifts(self) -> PolicyAnswer:
        head_en = ("Our return rules do not say how gifts and bundle deals are handled, so a colleague will confirm "
                   "that for your order; keep the gift with the item meanwhile.")
        head_zh = "赠品和套装的退货方式在退换规则里没有明确规定，需要人工客服根据您的订单确认；在此之前请先保留好赠品。"
        return self._made(Topic.GIFTS, head_en, head_zh, [head_en], [head_zh], needs_person=True)

    def summary(self) -> PolicyAnswer:
        r = self._policy.returns
        n = r.no_reason_days
        ship_en, ship_zh = ("you pay the return shipping for a no-reason return, we pay it for quality problems"
                            if r.buyer_pays_no_reason_shipping else "we pay the return shipping",
                            "无理由退货运费由您承担，质量问题运费由我们承担"
                            if r.buyer_pays_no_reason_shipping else "退货运费由我们承担")
        head_en = (f"In short: a {n}-day no-reason return from the day after signing; for quality problems, a return "
                   f"within {r.quality_return_days} days or an exchange within {r.quality_exchange_days} days, then "
                   f"warranty repair; {ship_en}; refunds within {r.refund_days} days of the item reaching us.")
        head_zh = (f"简单来说：签收次日起{n}天无理由退货；质量问题 {r.quality_return_days} 天内可退、"
                   f"{r.quality_exchange_days} 天内可换，之后享受保修；{ship_zh}；收到退货后 {r.refund_days} 天内原路退款。")
        ex_en, ex_zh = self._exclusion_lines()
        lines_en = [f"{n}-day no-reason return, counted from the day after signing; the item must be complete."]
        lines_zh = [f"签收次日起 {n} 天内无理由退货，商品需完好。"]
        if ex_en:
            lines_en.append(f"Not for {ex_en}.")
            lines_zh.append(f"{ex_zh}不适用。")
        if r.opened_not_returnable_categories:
            cat_en, cat_zh = category_names(r.opened_not_returnable_categories)
            lines_en.append(f"{cat_en.capitalize()}: only unopened.")
            lines_zh.append(f"{cat_zh}：仅限未拆封。")
        if not r.final_sale_no_reason:
            lines_en.append("Clearance (final sale): quality problems only.")
            lines_zh.append("清仓特价：仅限质量问题。")
        lines_en += [f"Quality problems: return within {r.quality_return_days} days, exchange within "
                     f"{r.quality_exchange_days} days, then warranty repair.", ship_en[0].upper() + ship_en[1:] + ".",
                     f"Refunds within {r.refund_days} days of the item reaching us, by the original payment method."]
        lines_zh += [f"质量问题：{r.quality_return_days} 天内可退货，{r.quality_exchange_days} 天内可换货，之后保修。",
                     ship_zh + "。", f"收到退货后 {r.refund_days} 天内原路退款。"]
        return self._made(Topic.SUMMARY, head_en, head_zh, lines_en, lines_zh)

