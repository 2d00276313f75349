"""Answers to return-policy questions, read from the same policy values that decide returns.

Every number in an answer comes from ``Policy`` and, when a product (or a whole category) is
known, the verdict comes from ``returns.evaluate`` itself: the answer and the decision can never
disagree, and a merchant who edits the policy file changes both at once.

Topics are recognised by keywords in both languages, loose on purpose (shoppers write 7天无理由,
七天无理由, "7 day return", 运费谁出, 拆了...); a question with no recognisable topic gets the short
summary of the rules rather than a request for an order number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.policy import LEGAL_EXCLUSIONS, Policy
from desktop_app.service.returns import ReturnFacts, evaluate, refund_text, shipping_text
from desktop_app.service.types import ReturnDecision, ReturnKind, ReturnReason, yuan


class Topic(StrEnum):
    NO_REASON = "no_reason"  # the 7-day rule: when it starts, how long
    SHIPPING = "shipping"  # who pays the return shipping
    OPENED = "opened"  # opened / tried goods; skin care
    FINAL_SALE = "final_sale"  # clearance
    EXCLUDED = "excluded"  # custom-made, perishable, digital, periodicals
    QUALITY = "quality"  # 三包 windows
    REFUND_TIME = "refund_time"  # how long a refund takes, by which channel
    EXCHANGE_SIZE = "exchange_size"  # exchanging clothes for another size
    CONDITION = "condition"  # what 完好 means
    GIFTS = "gifts"  # gifts and bundles
    SUMMARY = "summary"  # the rules in short


_I = re.IGNORECASE
#: Topic → keywords, both languages, tolerant of slang and common misspellings.
_TOPIC_PATTERNS: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    (Topic.SHIPPING, re.compile(r"运费|邮费|快递费|寄回.{0,6}(?:钱|费)|退回.{0,4}(?:钱|费)|谁出|谁付|谁承担|谁掏|"
                                r"shipping|shiping|postage|return (?:label|fee|cost)|who pays|pay for (?:the )?return", _I)),
    (Topic.OPENED, re.compile(r"拆封|拆开|拆了|拆过|已拆|没拆|未拆|开封|打开|开过|用过|试用|试过|试穿|"
                              r"\bopen(?:ed)?\b|unopened|\bseal(?:ed)?\b|\bused\b|tried (?:it )?on|\bworn\b", _I)),
    (Topic.FINAL_SALE, re.compile(r"清仓|特价|处理品|折扣品|打折|final.?sale|clearance|sale items?|on sale|outlet", _I)),
    (Topic.EXCLUDED, re.compile(r"定制|定做|订做|订制|刻字|生鲜|鲜活|易腐|水果|海鲜|鲜花|食品|数字|下载|虚拟|软件|"
                                r"报纸|期刊|杂志|custom|personali[sz]ed|engraved|made.to.order|fresh|perishable|"
                                r"\bfood\b|digital|download|software|e-?book|newspaper|magazine|periodical", _I)),
    (Topic.QUALITY, re.compile(r"质量|三包|坏了|故障|瑕疵|次品|破损|发错|保修|维修|不能用|用不了|"
                               r"quality|defect|faulty|broken|damaged|wrong item|warrant|repair|"
                               r"doesn'?t work|stopped working", _I)),
    (Topic.REFUND_TIME, re.compile(r"(?:退款|退钱|钱).{0,8}(?:多久|几天|多长时间|什么时候|啥时候|何时|到账|退到哪|退回哪)|"
                                   r"多久到账|几天到账|到账|原路|"
                                   r"refund.{0,30}(?:how long|when|take|days|arrive)|"
                                   r"(?:how long|when|how soon|how many days).{0,40}(?:refund|money back)|"
                                   r"refund.{0,20}(?:which|what) (?:account|card|method)", _I)),
    (Topic.EXCHANGE_SIZE, re.compile(r"换码|换尺码|换个码|换大|换小|尺码|码数|大了|小了|不合身|偏大|偏小|"
                                     r"\bsizes?\b|doesn'?t fit|too (?:small|big|large|tight|loose)", _I)),
    (Topic.CONDITION, re.compile(r"完好|吊牌|标签|配件|原包装|外包装|包装盒|二次销售|影响销售|"
                                 r"unused|\btags?\b|packaging|accessor|condition|original box|"
                                 r"what counts|resell", _I)),
    (Topic.GIFTS, re.compile(r"赠品|赠送|送的|满赠|套装|组合装|捆绑|买一送一|gift|freebie|bundle|free item|promo", _I)),
    (Topic.NO_REASON, re.compile(r"无理由|7\s*天|七\s*天|7\s*日|七\s*日|no.?reason|7.?days?|seven.?days?|"
                                 r"return (?:window|period|policy)|change (?:of|my) mind|"
                                 r"(?:after|past|over|more than|within) \d+ days|\d+ days ago|\d+\s*天(?:后|以后|了|内|前)|超过.{0,3}天|过了.{0,3}天",
                                 _I)),
)
#: Questions about the window's length or start: the 7-day answer even when other topics are asked too.
_COUNTING = re.compile(r"从哪天|哪天开始|什么时候开始|啥时候开始|开始算|起算|怎么算|咋算|几天|多少天|多久内|期限|截止|"
                       r"when (?:does|do|is)|start|count|how many days|how long do i have|deadline", _I)

_NOT_OPENED = re.compile(r"没拆|未拆|没有拆|还没拆|没开封|未开封|没有开封|没打开|没有打开|没用过|没有用过|未使用|没用|"
                         r"没动过|全新|密封|原封|unopened|not opened|haven'?t opened|have not opened|never opened|"
                         r"still sealed|\bsealed\b|brand new|not used|unused|never used|didn'?t open|did not open", _I)
_OPENED = re.compile(r"拆了|拆封了|拆开了|拆过|已拆|开封了|已开封|打开了|打开过|用过|用了|试用了|试过了|"
                     r"\bopened\b|used it|i used|tried it|\bopen now\b|\bopen (?:it|the (?:box|package|seal|jar|bottle))\b",
                     _I)
_BARE_NO = re.compile(r"^\s*(?:没有|没|否|no|nope|not yet)\b", _I)
_BARE_YES = re.compile(r"^\s*(?:是的|是|对|嗯|拆了|yes|yeah|yep|yup)\b", _I)


def opened_from_text(text: str, *, answering: bool = False) -> bool | None:
    """Whether the customer says the item was opened: True, False, or None when they did not say.

    ``answering``: the turn answers "has it been opened?", so a bare yes or no counts too.
    """
    if _NOT_OPENED.search(text):
        return False
    if _OPENED.search(text):
        return True
    if answering:
        if _BARE_NO.search(text):
            return False
        if _BARE_YES.search(text):
            return True
    return None


_EXCLUSION_WORDS: dict[str, re.Pattern[str]] = {
    "custom_made": re.compile(r"定制|定做|订做|订制|刻字|custom|personali[sz]ed|engraved|made.to.order", _I),
    "perishable": re.compile(r"生鲜|鲜活|易腐|水果|海鲜|鲜花|食品|fresh|perishable|\bfood\b", _I),
    "digital": re.compile(r"数字|下载|虚拟|软件|digital|download|software|e-?book", _I),
    "periodical": re.compile(r"报纸|期刊|杂志|newspaper|magazine|periodical", _I),
}

#: The law's exclusions as a list reads them ("made-to-order items, fresh and perishable goods...").
_EXCLUSION_PLURALS: dict[str, tuple[str, str]] = {
    "custom_made": ("made-to-order (custom) items", "定制商品"),
    "perishable": ("fresh and perishable goods", "鲜活易腐商品"),
    "digital": ("digital content (downloads, unsealed software or audio-visual products)", "数字化商品（在线下载或已拆封的音像制品、软件）"),
    "periodical": ("delivered newspapers and periodicals", "已交付的报纸期刊"),
}

_TITLES: dict[Topic, tuple[str, str]] = {
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


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _category_names(categories: frozenset[str] | set[str]) -> tuple[str, str]:
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
        found = [topic for topic, pattern in _TOPIC_PATTERNS if pattern.search(text)]
        if Topic.NO_REASON in found and len(found) > 1 and not _COUNTING.search(text):
            found.remove(Topic.NO_REASON)  # "清仓的能七天无理由吗": the 7 days are context, not the question
        if Topic.OPENED in found and Topic.CONDITION in found:
            found.remove(Topic.CONDITION)  # the opened answer already says what complete means
        if not found and _COUNTING.search(text) and re.search(r"退|return", text, _I):
            found.append(Topic.NO_REASON)  # "退货期限几天"
        return tuple(found)

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
        title_en, title_zh = _TITLES[topic]
        return PolicyAnswer(topic, title_en, title_zh, head_en, head_zh, tuple(lines_en), tuple(lines_zh),
                            needs_person)

    def _exclusion_lines(self) -> tuple[str, str]:
        never = [e for e in LEGAL_EXCLUSIONS if e in self._policy.returns.never_no_reason]
        return (", ".join(_EXCLUSION_PLURALS[e][0] for e in never), "、".join(_EXCLUSION_PLURALS[e][1] for e in never))

    def _quality_short(self) -> tuple[str, str]:
        r = self._policy.returns
        return (f"quality problems can be returned within {r.quality_return_days} days and exchanged within "
                f"{r.quality_exchange_days} days of signing",
                f"质量问题签收次日起 {r.quality_return_days} 天内可退货、{r.quality_exchange_days} 天内可换货")

    def _no_reason(self) -> PolicyAnswer:
        r = self._policy.returns
        n = r.no_reason_days
        head_en = (f"Most items can be returned without a reason within {n} days, counted from the day after you sign "
                   f"for them: signed on the 1st, you can apply until the {_ordinal(1 + n)}.")
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
            cat_en, cat_zh = _category_names(r.opened_not_returnable_categories)
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
            cat_en, cat_zh = _category_names(r.opened_not_returnable_categories)
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
        asked = [e for e, pattern in _EXCLUSION_WORDS.items() if pattern.search(text)] or list(LEGAL_EXCLUSIONS)
        lines_en, lines_zh = [], []
        for exclusion in asked:
            what_en, what_zh = _EXCLUSION_PLURALS[exclusion]
            if exclusion in r.never_no_reason:
                lines_en.append(f"{what_en[0].upper()}{what_en[1:]}: no no-reason return (the law excludes them).")
                lines_zh.append(f"{what_zh}：依法不适用无理由退货。")
            else:
                lines_en.append(f"{what_en[0].upper()}{what_en[1:]}: our store accepts no-reason returns within "
                                f"{r.no_reason_days} days.")
                lines_zh.append(f"{what_zh}：本店支持签收次日起 {r.no_reason_days} 天内无理由退货。")
        if all(e in r.never_no_reason for e in asked):
            names_en = ", ".join(_EXCLUSION_PLURALS[e][0] for e in asked)
            names_zh = "、".join(_EXCLUSION_PLURALS[e][1] for e in asked)
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
            cat_en, cat_zh = _category_names(r.opened_not_returnable_categories)
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
            cat_en, cat_zh = _category_names(r.opened_not_returnable_categories)
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
    excluded_en, excluded_zh = _category_names(pp.excluded_categories) if pp.excluded_categories else ("none", "无")
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
    cats_en, cats_zh = _category_names(ins.categories)
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
