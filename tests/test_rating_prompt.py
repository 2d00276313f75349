"""The rating prompt after the assistant resolves a conversation: offered once, never blocking, stored
like an agent's rating, wiped with a kiosk session."""

from __future__ import annotations

from e2e_helpers import exchanges
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from desktop_app.store.schema import Conversation
from desktop_app.ui.chat.rating_prompt import KIOSK_TARGET, RatingPrompt


def _send(qtbot, window, text: str):  # type: ignore[no-untyped-def]
    before = len(exchanges(window))
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(exchanges(window)) > before and not window.chat.busy, timeout=60_000)
    return exchanges(window)[-1]


def _rating(app, conversation_id: int) -> int | None:
    with app.db.session() as s:
        conv = s.get(Conversation, conversation_id)
        return conv.rating if conv is not None else None


def test_offered_after_a_resolved_turn_stores_the_stars_and_comment_once(qtbot, app, make_main_window):
    orders = [o for o in app.orders.orders_of("C001")]
    window = make_main_window(language="en", customer_code="C001")
    _send(qtbot, window, "hello")
    assert window.chat.current_form is None  # a greeting resolves nothing
    _send(qtbot, window, f"where is order {orders[0].order_number}?")
    prompt = window.chat.current_form
    assert isinstance(prompt, RatingPrompt) and prompt.isVisible()
    assert window.chat.input.isEnabled()  # typing goes on underneath
    window.set_language("zh")
    assert prompt.prompt.text() == "这次解答对您有帮助吗？请打分：" and prompt.send.text() == "发送"
    window.set_language("en")
    conversation_id = window.chat.handler.session.conversation_id

    qtbot.mouseClick(prompt.findChild(QPushButton, "aiRate4"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _rating(app, conversation_id) == 4, timeout=10_000)
    qtbot.waitUntil(lambda: prompt.comment_row.isVisible(), timeout=10_000)
    prompt.comment.setText("quick and clear")
    qtbot.mouseClick(prompt.send, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.chat.current_form is None, timeout=10_000)
    stored = [m for m in app.conversations.messages(conversation_id) if m.intent == "rating_comment"]
    assert [m.text for m in stored] == ["quick and clear"] and _rating(app, conversation_id) == 4

    _send(qtbot, window, f"where is order {orders[1].order_number}?")
    assert window.chat.current_form is None  # once per conversation


def test_thanks_after_an_answer_resolves_and_a_kiosk_wipe_removes_the_prompt(qtbot, app, make_main_window):
    window = make_main_window(language="en", kiosk=True)
    window.start_session()
    _send(qtbot, window, "phones under 800 yuan")
    assert window.chat.current_form is None  # an answer alone is not yet "resolved"
    _send(qtbot, window, "great, thanks!")
    prompt = window.chat.current_form
    assert isinstance(prompt, RatingPrompt)
    assert all(b.height() >= KIOSK_TARGET and b.width() >= KIOSK_TARGET for b in prompt.buttons)  # finger-sized on a kiosk
    qtbot.mouseClick(prompt.buttons[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prompt.comment_row.isVisible(), timeout=10_000)
    prompt.comment.setText("private remark 4711")

    window.end_session("idle")
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=30_000)
    assert window.chat.current_form is None and window.rating_offer.prompt is None
    shown = [w.text() for w in window.findChildren(QLineEdit) + window.findChildren(QLabel) if w.isVisibleTo(window)]
    assert not any("4711" in text for text in shown)
