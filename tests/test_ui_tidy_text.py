"""A tidy conversation, sentence by sentence: nothing said twice, one apology at a time.

Customers read the same sentence in the bubble and again in the card under it (a return decision's
explanation, a price check's verdict, a repair ticket's next step), and an angry customer heard
"非常抱歉…" and then "非常抱歉…" again in one reply. Here many representative requests go through
the real window in both languages, and every reply is checked sentence by sentence.
"""

from __future__ import annotations

import re

import pytest
from e2e_helpers import exchanges
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_app.service.types import OrderStatus
from desktop_app.ui.chat.card_base import Card, TextCard
from desktop_app.ui.chat.cards import ReplyCard

#: Card labels that are the card's record, not sentences: names, figures, badges, the timeline
#: (its newest event is also the bubble's "latest:", as a list entry with its time and place).
RECORD = frozenset({"cardTitle", "productName", "orderLine", "price", "productMeta", "orderStatus", "lateBadge",
                    "eligibleBadge", "stockText", "sectionTitle", "timelineText", "timelineMeta", "filterChip",
                    "pageLabel", "specs", "messageText", "avatar", "productPicture"})
_END = re.compile(r"(?<=[。！？!?])|(?<=\.)(?!\d)|\n")
_LABEL = re.compile(r"^[^：:]{1,14}[：:]\s*")

REQUESTS = {
    "zh": ["退货运费谁出", "七天无理由从哪天开始算", "订单{moving}到哪了", "手机屏幕有问题，想换货", "我买的手机降价了，能价保吗",
           "手机坏了，申请保修", "身高175体重70公斤，外套穿什么码", "寄到新疆运费多少", "催一下发货", "退款到哪了",
           "我要开发票", "我有哪些优惠券", "PHN-QL-E3 有货吗", "3000元以下的手机", "毛衣小了想换大一码",
           "桦木三层书架怎么安装？"],
    "en": ["who pays the return shipping?", "when does the 7-day return period start?", "where is order {moving}",
           "my watch stopped working, I want an exchange", "did the price of my watch drop? price protection please",
           "my phone is broken, warranty repair please", "I'm 180 cm and 75 kg, which size jacket?",
           "how much is shipping to Xinjiang?", "please hurry up my order", "where is my refund?", "I need an invoice",
           "what coupons do I have?", "is PHN-QL-E3 in stock?", "phones under 3000 yuan with NFC",
           "the jacket is too small, can I exchange it for a bigger size?",
           "how do I assemble the Birch 3-tier bookshelf?"],
}
ANGRY = {
    "zh": ["你们的服务太差了！我要投诉！", "发错货了，气死了，你们怎么搞的", "垃圾！我的订单到底什么时候到？",
           "东西摔坏了，这都什么破快递，太生气了", "转人工！你们的机器人什么都不会，气死我了"],
    "en": ["You sent me the wrong item, this is unacceptable!", "The package was lost and nobody helps me, I'm so angry!",
           "I'm furious, my parcel arrived damaged!", "Where is my order?! This is absolutely ridiculous, I've waited forever!",
           "Get me a human, your bot is useless and I'm angry!"],
}
_APOLOGY = re.compile(r"抱歉|对不起|歉意|sorry|apologi", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    return [" ".join(s.split()).strip("。！？.!?；;，, ") for s in _END.split(text) if s.strip()]


def repeated(card: ReplyCard) -> list[str]:
    """Sentences a visible card line says that the reply's bubble says too."""
    said = sentences(card.reply.text)
    found = []
    for child in card.findChildren(Card):
        if isinstance(child, TextCard):
            continue
        for label in child.findChildren(QLabel):
            if label.objectName() in RECORD or not label.isVisibleTo(card) or not label.text():
                continue
            for s in sentences(label.text()):
                if len(s) >= 6 and (s in said or _LABEL.sub("", s) in said
                                    or (len(s) >= 10 and any(s in b for b in said))):
                    found.append(f"{label.objectName()}: {s}")
    return found


def _send(qtbot, window, text: str):  # type: ignore[no-untyped-def]
    before = len(exchanges(window))
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(exchanges(window)) > before and not window.chat.busy, timeout=60_000)
    return exchanges(window)[-1]


@pytest.mark.parametrize("language, customer", [("zh", "C001"), ("en", "C011")])
def test_no_sentence_is_said_in_both_the_bubble_and_its_card(qtbot, app, make_main_window, language, customer):
    moving = next(v for v in app.orders.orders_of(customer)
                  if v.status in (OrderStatus.IN_TRANSIT, OrderStatus.DELAYED)).order_number
    window = make_main_window(language=language, customer_code=customer)
    kinds: set[str] = set()
    problems: dict[str, list[str]] = {}
    for request in REQUESTS[language]:
        window.new_conversation()  # each request on its own: an open question would claim the next one
        exchange = _send(qtbot, window, request.format(moving=moving))
        kinds |= {type(c).__name__ for c in exchange.reply.cards}
        card = window.chat.cards()[-1]
        assert isinstance(card, ReplyCard) and card.reply is exchange.reply
        if found := repeated(card):
            problems[request] = found
    assert not problems, problems
    # what the requests reached: the results that describe themselves in sentences
    assert {"OrderView", "ReturnDecision", "PolicyAnswer", "PriceProtection", "SizeAdvice", "ShippingQuote",
            "CouponList", "ProductAnswer", "SearchResult", "GuideOffer"} <= kinds, kinds
    # the explanation the bubble gives is not repeated, but the card keeps its record
    window.new_conversation()
    _send(qtbot, window, REQUESTS[language][3])
    decision = window.chat.cards()[-1]
    assert isinstance(decision, ReplyCard)
    titles = [label.text() for label in decision.findChildren(QLabel, "cardTitle")]
    assert titles and all(t for t in titles)
    assert decision.findChildren(QLabel, "eligibleBadge")[0].isVisibleTo(decision)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_angry_customer_hears_one_apology(app, language):
    customer = "C001" if language == "zh" else "C011"
    for text in ANGRY[language]:
        st = app.assistant.new_session(language=language, customer_code=customer)
        reply = app.assistant.ask(st, text).reply
        assert reply.emotion == "angry", (text, reply.emotion)
        assert len(_APOLOGY.findall(reply.text)) == 1, reply.text


def test_an_angry_complaint_in_the_window_apologises_once_and_still_says_what_happened(qtbot, make_main_window):
    window = make_main_window(language="zh", customer_code="C001")
    reply = _send(qtbot, window, "发错货了，气死了，你们怎么搞的").reply
    assert len(_APOLOGY.findall(reply.text)) == 1, reply.text
    assert "发错货" in reply.text and "转交人工客服" in reply.text
    bubble = window.chat.cards()[-1].findChildren(QLabel, "messageText")[0].text()
    assert len(_APOLOGY.findall(bubble)) == 1
