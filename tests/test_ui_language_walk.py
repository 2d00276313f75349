"""One language switch for everything visible: a walk over every shown widget after real turns.

An English-speaking customer saw Chinese cards, Chinese statuses ("状态 submitted"), a Chinese camera
panel and Qt's English OK/Cancel in the Chinese window. This walks every visible text (labels,
buttons, placeholders, tabs, combo items, tooltips) after a conversation that shows the main kinds
of cards, and fails on the other language's script.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QTabBar,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from desktop_app.service.types import OrderStatus, SearchResult
from desktop_app.ui.chat.card_base import TextCard
from desktop_app.ui.chat.reply_cards import GuideOfferCard, ReplyCard

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
#: Words that stay as they are in a Chinese window: brand names, codes, units and the app's name.
LATIN_ALLOWED = re.compile(r"^(?:[A-Z0-9][A-Za-z0-9\-]*|QR|NFC|WiFi|Wi-Fi|USB|LED|Type|mAh|Pro|Max|Plus|Mini|"
                           r"Ultra|Lite|Air|Edge|SUPOR|Midea|Haier|Huawei|Xiaomi|Redmi|Apple|iPhone)$")


def _texts(root: QWidget, said_in: str | None = None) -> list[tuple[str, str]]:
    """(widget name, text) for every text a customer can see under ``root``; replies said in
    ``said_in`` (turns the customer had in the other language, before switching) are left out."""
    found: list[tuple[str, str]] = []
    earlier: list[QWidget] = [c for c in root.findChildren(ReplyCard) if said_in and c.reply.language == said_in]
    # The customer's own words are theirs, in whatever language they typed them.
    earlier += [c for c in root.findChildren(TextCard) if c.property("variant") == "user"]
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        if any(w is c or c.isAncestorOf(w) for c in earlier):
            continue
        if w.objectName() == "languageCombo":
            continue  # each language is named in its own words ("中文" / "English"), on purpose
        name = w.objectName() or type(w).__name__
        if isinstance(w, QLabel):
            found.append((name, w.text()))
        elif isinstance(w, QAbstractButton):
            found.append((name, w.text()))
        elif isinstance(w, QLineEdit):
            found.append((name, w.placeholderText()))
        elif isinstance(w, QComboBox):
            found += [(name, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            found += [(name, w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QListWidget):
            found += [(name, w.item(i).text()) for i in range(w.count())]
        elif isinstance(w, QTableWidget):
            found += [(name, item.text()) for r in range(w.rowCount()) for c in range(w.columnCount())
                      if (item := w.item(r, c)) is not None]
            found += [(name, item.text()) for c in range(w.columnCount())
                      if (item := w.horizontalHeaderItem(c)) is not None]
        elif isinstance(w, QGroupBox):
            found.append((name, w.title()))
        if w.toolTip():
            found.append((name + ".toolTip", w.toolTip()))
    return [(n, re.sub(r"<[^>]+>", "", t)) for n, t in found if t]


def _send(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    before = len(window.chat.entries())
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.chat.entries()) >= before + 2 and not window.chat.busy, timeout=60_000)


def _conversation(qtbot, app, window, language: str) -> None:  # type: ignore[no-untyped-def]
    orders = app.orders.orders_of("C001")
    moving = next(o for o in orders if o.status in (OrderStatus.IN_TRANSIT, OrderStatus.DELAYED))
    delivered = next(o for o in orders if o.status == OrderStatus.DELIVERED)
    en = language == "en"
    for text in ((f"Where is order {moving.order_number}?" if en else f"订单{moving.order_number}到哪了"),
                 ("phones between 2000 and 4000 yuan with NFC" if en else "2000到4000元之间支持NFC的手机"),
                 (f"Can I return order {delivered.order_number}?" if en else f"订单{delivered.order_number}能退货吗"),
                 ("recommend a gift for my dad" if en else "给我爸推荐个礼物"),
                 ("what is your return policy for opened skincare?" if en else "护肤品拆封了还能退吗")):
        _send(qtbot, window, text)
    _send(qtbot, window, "how do I assemble the Birch 3-tier bookshelf?" if en else "桦木三层书架怎么安装？")
    offers = window.chat.cards()[-1].findChildren(GuideOfferCard)
    assert offers, "the assembly question offers the 3D guide"
    offers[0].open_button.click()
    qtbot.waitUntil(lambda: bool(window.guides), timeout=30_000)
    searched = next(r for _role, e in window.chat.entries() for r in getattr(getattr(e, "reply", None), "cards", ())
                    if isinstance(r, SearchResult) and r.items)
    before = len(window.chat.entries())
    window.chat.productRequested.emit(searched.items[0].product_id)  # "Details" on a result
    qtbot.waitUntil(lambda: len(window.chat.entries()) > before and not window.chat.busy, timeout=60_000)
    _send(qtbot, window, "I want to talk to a person" if en else "我要找人工客服")
    for key in window.action_buttons:
        window.open_form(key)
    window.open_form("order")


@pytest.mark.parametrize("language, started_in", [("en", "en"), ("zh", "zh"), ("en", "zh"), ("zh", "en")])
def test_every_visible_text_is_in_the_windows_language(qtbot, app, make_main_window, language, started_in):
    """Also after a live switch: the guide, forms, tabs and cards follow; only the turns the customer
    had in the other language keep the words they were said in."""
    window = make_main_window(language=started_in, customer_code="C001")
    _conversation(qtbot, app, window, started_in)
    window.set_language(language)
    said_in = started_in if started_in != language else None
    for index in range(window.side.count()):  # every side tab, shown in turn
        window.side.setCurrentIndex(index)
        qtbot.wait(10)
        texts = _texts(window, said_in)
        if language == "en":
            wrong = [(n, t) for n, t in texts if CJK.search(t)]
        else:
            wrong = [(n, t) for n, t in texts
                     if [w for w in LATIN_WORD.findall(t) if not LATIN_ALLOWED.match(w)]]
        assert not wrong, f"{language} window, tab {window.side.tabText(index)!r}: {wrong[:8]}"


@pytest.mark.parametrize("language, cancel", [("zh", "取消"), ("en", "Cancel")])
def test_qts_own_buttons_follow_the_window(qtbot, make_main_window, language, cancel):
    window = make_main_window(language=language)
    box = QMessageBox(QMessageBox.Icon.Question, "?", "?",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, window)
    qtbot.addWidget(box)
    buttons = box.findChild(QDialogButtonBox)
    assert buttons is not None
    assert cancel in [b.text().replace("&", "") for b in buttons.buttons()]
    other = "en" if language == "zh" else "zh"
    window.set_language(other)  # switching the window switches Qt's words too
    box2 = QMessageBox(QMessageBox.Icon.Question, "?", "?", QMessageBox.StandardButton.Cancel, window)
    qtbot.addWidget(box2)
    texts = [b.text().replace("&", "") for b in box2.findChild(QDialogButtonBox).buttons()]
    assert texts == (["Cancel"] if other == "en" else ["取消"])
    assert isinstance(window.side, QTabWidget)
