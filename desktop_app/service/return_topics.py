"""Which return-policy topics a question is about, and whether the shopper says the item was opened.

Split from ``return_policy`` because reading the question is keyword work in both languages, loose
on purpose (7天无理由, 七天无理由, "7 day return", 运费谁出, 拆了...), and the dialogue reads
"opened?" answers with it on their own.
"""

from __future__ import annotations

import re
from enum import StrEnum


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


EXCLUSION_WORDS: dict[str, re.Pattern[str]] = {
    "custom_made": re.compile(r"定制|定做|订做|订制|刻字|custom|personali[sz]ed|engraved|made.to.order", _I),
    "perishable": re.compile(r"生鲜|鲜活|易腐|水果|海鲜|鲜花|食品|fresh|perishable|\bfood\b", _I),
    "digital": re.compile(r"数字|下载|虚拟|软件|digital|download|software|e-?book", _I),
    "periodical": re.compile(r"报纸|期刊|杂志|newspaper|magazine|periodical", _I),
}


def topics_in(text: str) -> tuple[Topic, ...]:
    """The topics a question asks about, in a stable order; empty when none is recognised."""
    found = [topic for topic, pattern in _TOPIC_PATTERNS if pattern.search(text)]
    if Topic.NO_REASON in found and len(found) > 1 and not _COUNTING.search(text):
        found.remove(Topic.NO_REASON)  # "清仓的能七天无理由吗": the 7 days are context, not the question
    if Topic.OPENED in found and Topic.CONDITION in found:
        found.remove(Topic.CONDITION)  # the opened answer already says what complete means
    if not found and _COUNTING.search(text) and re.search(r"退|return", text, _I):
        found.append(Topic.NO_REASON)  # "退货期限几天"
    return tuple(found)
