"""A turn is recorded in one transaction: both messages, and the earlier reply marked when the
customer had to ask again; a turn for a conversation wiped meanwhile is a clean NotFound."""

from __future__ import annotations

import pytest

from desktop_app.core.errors import NotFound
from desktop_app.service.types import Outcome


def test_a_turn_is_both_messages_and_a_rephrase_marks_the_reply_before(app):
    conv, _ = app.conversations.start(channel="kiosk", language="en")
    app.conversations.record_turn(conv, "where is it", "Which order?", intent="order_status", confidence=0.8,
                                  outcome=Outcome.CLARIFY)
    app.conversations.record_turn(conv, "my parcel!!", "Order …1234 is on its way.", intent="order_status",
                                  confidence=0.9, outcome=None, rephrased=True)
    messages = app.conversations.messages(conv)
    assert [(m.role, m.text) for m in messages] == [
        ("customer", "where is it"), ("assistant", "Which order?"),
        ("customer", "my parcel!!"), ("assistant", "Order …1234 is on its way.")]
    assert messages[1].outcome == Outcome.REPHRASED and messages[3].outcome is None
    assert messages[0].confidence == 0.8


def test_a_turn_for_a_wiped_conversation_is_not_found_and_writes_nothing(app):
    conv, _ = app.conversations.start(channel="kiosk", language="zh")
    app.conversations.delete(conv)
    with pytest.raises(NotFound):
        app.conversations.record_turn(conv, "你好", "您好！", intent="greeting", confidence=1.0, outcome=None)
    assert app.conversations.messages(conv) == ()
