"""What a complaint is about and whether it needs a person: the topic it is filed under (the
bilingual classifier, with a keyword rule as fallback) and the complex cases (damaged, wrong or lost
goods) that go to an agent with a summary. A leaf of the dialogue layer; the manager asks, this answers.
"""

from __future__ import annotations

import logging
import re

from desktop_app.core.errors import AppError
from desktop_app.nlu.complaint_topics import classify_complaint
from desktop_app.service.types import ComplaintTopic

log = logging.getLogger(__name__)

_TOPICS: tuple[tuple[ComplaintTopic, re.Pattern[str]], ...] = (
    (ComplaintTopic.DELIVERY_DELAY, re.compile(r"late|delay|slow|still not|hasn'?t arrived|courier|parcel|"
                                               r"慢|延误|还没到|没收到|快递|物流|等了", re.I)),
    (ComplaintTopic.DAMAGED, re.compile(r"damaged|broken in|crushed|破损|压坏|摔坏", re.I)),
    (ComplaintTopic.WRONG_ITEM, re.compile(r"wrong item|not what i ordered|发错|送错", re.I)),
    (ComplaintTopic.PRODUCT_QUALITY, re.compile(r"quality|defect|broke|faulty|质量|坏了|做工|瑕疵", re.I)),
    (ComplaintTopic.REFUND, re.compile(r"refund|money back|退款|钱", re.I)),
    (ComplaintTopic.ASSEMBLY, re.compile(r"assembl|instructions|安装|组装|说明书", re.I)),
    (ComplaintTopic.SERVICE_ATTITUDE, re.compile(r"rude|attitude|staff|service|态度|客服|服务", re.I)),
)


_LOST = re.compile(r"丢件|丢了|丢失|弄丢|找不到(?:我的)?(?:包裹|快递)|lost (?:my |the )?(?:parcel|package|order)|"
                   r"(?:parcel|package) (?:is |was |got )?lost|never (?:arrived|came|received)|"
                   r"(?:显示|说)(?:已)?签收.{0,12}没(?:有)?(?:收到|拿到|见到)|没收到.{0,8}(?:显示|却)(?:已)?签收|"
                   r"(?:says|shows|marked as) delivered.{0,40}(?:not|never|didn'?t|haven'?t)|"
                   r"(?:didn'?t|never|haven'?t) (?:get|got|receive).{0,40}(?:says|shows|marked as) delivered", re.I)
#: Handoff reasons for the complex cases, and how the reply names them.
CASE_WORDS = {"damaged_parcel": ("damaged item", "商品损坏"), "wrong_item": ("wrong item", "发错货"),
               "lost_parcel": ("missing parcel", "包裹丢失")}


def complex_case(text: str, topic: ComplaintTopic) -> str | None:
    """The handoff reason when a complaint needs a person to act (damage, wrong item, lost parcel)."""
    if _LOST.search(text):
        return "lost_parcel"
    if topic == ComplaintTopic.DAMAGED:
        return "damaged_parcel"
    if topic == ComplaintTopic.WRONG_ITEM:
        return "wrong_item"
    return None


def keyword_topic(text: str) -> ComplaintTopic:
    """The first topic whose keywords occur: cheap, so it screens every turn for damaged or wrong goods."""
    for topic, pattern in _TOPICS:
        if pattern.search(text):
            return topic
    return ComplaintTopic.OTHER


def complaint_topic(text: str) -> ComplaintTopic:
    """The topic a complaint is filed under: the bilingual classifier (``nlu.complaint_topics``), or
    the keyword rule when the model cannot be loaded (the complaint is filed either way)."""
    try:
        guess = classify_complaint(text)
    except (AppError, OSError, ValueError):
        log.warning("complaint topic model unavailable; using the keyword rule", exc_info=True)
        return keyword_topic(text)
    return ComplaintTopic(guess.topic)
