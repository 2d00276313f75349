"""When a conversation is resolved for the customer, so the window may ask them to rate it.

Plain Python (the chat handler runs it on a worker, with the conversation's lock held).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.dialogue.state import SessionState
    from desktop_app.dialogue.turn import Exchange

#: Services that finish what the customer came for: the conversation may be rated after one.
_RESOLVING_ACTIONS = frozenset({
    "order_shown", "return_filed", "warranty_filed", "price_protected", "installation_booked", "order_cancelled",
    "address_changed", "invoice_issued", "restock_subscribed", "refund_status_shown", "intercept_requested",
    "shipping_urged", "size_advised", "policy_answered"})
_SOCIAL = frozenset({"greeting", "thanks", "goodbye"})


def resolved_turn(st: SessionState, exchange: Exchange) -> bool:
    """Whether this turn resolved the conversation for the customer: a service finished (an order
    shown, a return filed), or thanks/goodbye after an answered question. Never while a person has it."""
    reply = exchange.reply
    if st.handed_off or reply.outcome.value not in ("answered", "small_talk"):
        return False
    if {a.value for a in reply.actions} & _RESOLVING_ACTIONS:
        return True
    return reply.intent in ("thanks", "goodbye") and any(
        n.outcome.value == "answered" and n.intent.value not in _SOCIAL for n in st.history[:-1])
