"""A deleted customer is gone from everything the store holds, not only from rows keyed by her code.

At a kiosk nobody signs in: a shopper proves an order is hers with the phone digits and then talks
about it. That conversation, the ticket a person picks up and the complaint recorded from it are
hers too, so export must list them and delete must remove them (the issue found her name, phone
and address still readable in all three after ``privacy delete``).
"""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.app import build_app
from desktop_app.service.types import Priority
from desktop_app.store.schema import Complaint, Customer, DeskTicket, HandoffTicket, Message


def _her(app, code: str) -> tuple[str, str, str]:
    with app.db.session() as s:
        c = s.scalar(select(Customer).where(Customer.code == code))
        return c.name, c.phone, c.address


def _every_decrypted_text(app) -> list[str]:
    cipher = app.db.keys.cipher
    with app.db.session() as s:
        tokens = [*s.scalars(select(Message.text_encrypted)), *s.scalars(select(HandoffTicket.summary_encrypted)),
                  *s.scalars(select(Complaint.text_encrypted))]
    return [cipher.decrypt(t) for t in tokens if t]


def test_a_kiosk_conversation_about_her_order_is_exported_and_deleted_with_her(settings_factory):
    app = build_app(settings_factory(kiosk=True))
    try:
        name, phone, address = _her(app, "C005")
        order = app.orders.orders_of("C005")[0]
        st = app.assistant.new_session(language="zh")  # anonymous kiosk visitor
        app.assistant.ask(st, f"我的订单{order.order_number}到哪了")
        app.assistant.ask(st, f"手机尾号{phone[-4:]}")
        assert order.order_number in st.verified  # she proved the order is hers
        app.assistant.ask(st, f"我是{name}，电话{phone}，地址{address}，东西送到就是坏的，太气人了")
        texts = _every_decrypted_text(app)
        assert any(name in t for t in texts)  # the conversation (and its ticket/complaint) hold her details

        ticket = app.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL, summary="请回电",
                                         conversation_id=st.conversation_id)
        app.desk.tickets.leave_callback(ticket.ticket_id, phone)  # she would rather be called back

        exported = app.privacy.export_customer("C005")
        said = [m["text"] for c in exported["conversations"] for m in c["messages"]]
        assert any(name in t for t in said)
        assert exported["complaints"]
        assert [t["callback_phone"] for t in exported["handoff_tickets"]] == [phone]

        app.privacy.delete_customer("C005")
        for text in _every_decrypted_text(app):
            assert name not in text and phone not in text and address not in text
        with app.db.session() as s:
            assert phone not in [d.callback_phone for d in s.scalars(select(DeskTicket))]
    finally:
        app.close()
