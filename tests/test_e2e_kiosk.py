"""Kiosk and laptop modes end to end: idle timeout wipes the session, operator PIN, typed search, debug panel."""

from __future__ import annotations

import pytest
from e2e_helpers import TURN_TIMEOUT_MS, exchanges, media_window, say
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLabel, QMessageBox, QPushButton

from desktop_app.dialogue.reply import GuideOffer
from desktop_app.service.types import SearchResult
from desktop_app.ui.chat.cards import ProductListCard, ReplyCard
from desktop_app.ui.chat.why_line import WhyLine


def type_and_send(qtbot, window, text: str):  # type: ignore[no-untyped-def]
    before = len(exchanges(window))
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(exchanges(window)) > before and not window.chat.busy, timeout=60_000)
    return exchanges(window)[-1]


def test_idle_timeout_ends_the_session_and_wipes_it(qtbot, app, make_main_window, whisper, speech, tmp_path):
    spoken = speech("Where is my order?")
    window = media_window(qtbot, make_main_window, whisper, spoken, tmp_path / "played", language="en",
                          kiosk=True, start_on_attract=True, idle_timeout_s=2.0)
    assert window.pages.currentWidget() is window.attract and not window.idle.active
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)  # a visitor touches the screen
    assert window.pages.currentWidget() is window.main_page and window.idle.active

    order = app.orders.orders_of("C001")[0]
    typed = type_and_send(qtbot, window, f"where is order {order.order_number}?")
    heard = say(qtbot, window, spoken)
    assert heard is not None
    conversation_id = window.chat.handler.session.conversation_id
    assert app.conversations.messages(conversation_id)
    window.open_guide(GuideOffer("FUR-STOOL-01", "Oak stool", 2))
    qtbot.waitUntil(lambda: window.guides.get("FUR-STOOL-01") is not None
                    and window.guides["FUR-STOOL-01"].player is not None, timeout=TURN_TIMEOUT_MS)
    window.chat.input.setText("my phone is 138")  # half-typed, then the visitor walks away
    stats_before = sum(s.sessions for s in app.guide_stats.summary("FUR-STOOL-01"))

    with qtbot.waitSignal(window.sessionEnded, timeout=30_000) as ended:
        pass  # nobody touches anything
    assert ended.args == ["idle"]
    assert window.pages.currentWidget() is window.attract and not window.idle.active
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30_000)
    assert not app.conversations.messages(conversation_id)  # the stored turns are deleted
    entries = window.chat.entries()
    assert len(entries) == 1 and entries[0][0] == "assistant"  # only the greeting for the next visitor
    shown = " ".join(label.text() for label in window.findChildren(QLabel) if label.isVisibleTo(window))
    assert order.order_number not in shown and order.masked_number not in shown and heard.turn.text not in shown
    assert window.chat.input.text() == "" and window.guides == {}
    assert heard.turn.text not in window.voice.mic.status.text()
    assert window.language == "zh"  # back to the kiosk's own language for the next visitor
    assert sum(s.sessions for s in app.guide_stats.summary("FUR-STOOL-01")) > stats_before  # step times kept
    assert typed.reply.text

    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)  # the next visitor starts fresh
    type_and_send(qtbot, window, "hello")
    session = window.chat.handler.session
    assert session.turns == 1 and not session.verified  # nothing of the last visitor carries over
    stored = [m.text for m in app.conversations.messages(session.conversation_id) if m.role == "customer"]
    assert stored == ["hello"]


def _answer_pin(pin: str | None) -> list[str]:
    """Type ``pin`` into the PIN dialog when it appears (None: cancel); records what was shown."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        seen.append(type(dialog).__name__)
        if isinstance(dialog, QInputDialog) and pin is not None:
            dialog.setTextValue(pin)
            dialog.accept()
        else:
            dialog.reject()

    QTimer.singleShot(50, answer)
    return seen


def test_kiosk_settings_need_the_operator_pin(qtbot, make_main_window, monkeypatch):
    from desktop_app.ui.kiosk import screen as kiosk

    window = make_main_window(language="en", kiosk=True)
    assert window.settings_button.text() == "Staff" and window.session_panel is None
    monkeypatch.delenv(kiosk.PIN_ENV, raising=False)
    assert not kiosk.ask_pin(window, "en")  # no PIN configured: locked, no dialog at all
    monkeypatch.setenv(kiosk.PIN_ENV, "4711")
    seen = _answer_pin("1234")
    assert not kiosk.ask_pin(window, "en") and seen == ["QInputDialog"]
    seen = _answer_pin("4711")
    assert kiosk.ask_pin(window, "en")

    opened: list[str] = []

    def close_settings() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QInputDialog):
            dialog.setTextValue("4711")
            dialog.accept()
            QTimer.singleShot(50, close_settings)
        elif isinstance(dialog, QMessageBox) and dialog.objectName() == "operatorOptions":
            dialog.findChild(QPushButton, "operator_settings").click()
            QTimer.singleShot(50, close_settings)
        elif isinstance(dialog, QDialog):
            opened.append(dialog.objectName())
            dialog.reject()
        else:
            QTimer.singleShot(50, close_settings)

    QTimer.singleShot(50, close_settings)
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    assert opened == ["settingsDialog"]


def test_laptop_member_search_with_several_conditions_shows_cards_filters_and_why(qtbot, app, make_main_window):
    window = make_main_window(language="zh", customer_code="C001", staff_view=True)
    assert window.signed_in.isVisible() and "C001" in window.signed_in.text()
    exchange = type_and_send(qtbot, window, "2000到4000元之间支持5G和NFC的手机")
    results = [c for c in exchange.reply.cards if isinstance(c, SearchResult)]
    assert results and results[0].total > 0
    result = results[0]
    assert result.total == app.catalog.search(result.query).total
    for p in result.items:
        assert p.category == "phone" and 200_000 <= p.price_fen <= 400_000
    card = window.chat.cards()[-1]
    assert isinstance(card, ReplyCard)
    chips = [label.text() for label in card.findChildren(QLabel, "filterChip")]
    assert chips == list(exchange.reply.filters) and {"手机", "5G", "NFC"} <= set(chips)
    assert any("2000" in c and "4000" in c for c in chips)
    lists = card.findChildren(ProductListCard)
    assert len(lists) == 1
    assert [label.text() for label in lists[0].findChildren(QLabel, "productName")] == [p.name_zh for p in result.items]
    why = card.parentWidget().findChild(WhyLine)
    assert why is not None and why.detail.isHidden()  # no internals under the reply by default
    why.button.click()
    assert why.button.isChecked() and not why.detail.isHidden()
    assert "文字" in why.text() and "「商品搜索」" in why.text()
    rows = window.session_panel.hypotheses.texts()
    assert len(rows) == 1 and rows[0].startswith("文字") and "product_search" in rows[0]


@pytest.mark.parametrize("value, expected", [("", 90.0), ("30", 30.0), ("-5", 90.0), ("soon", 90.0)])
def test_idle_timeout_comes_from_the_environment(value: str, expected: float) -> None:
    from desktop_app.ui.kiosk.screen import IDLE_ENV, idle_timeout_s

    assert idle_timeout_s({IDLE_ENV: value}) == expected
