"""Refund status: what the customer is owed back, how much, by which channel and by when."""

from __future__ import annotations

from desktop_app.core.errors import AppError
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import Outcome, ReplyBuilder
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood
from desktop_app.dialogue.state import SessionState


def refund_status(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, intent: str) -> None:
    view = resolve_order(app, st, q, out, intent)
    if view is None:
        return
    try:
        requests = app.returns.requests_for(view.order_number, **st.credentials(view.order_number))
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    if not requests:
        out.add(f"There is no return or refund request on order {view.masked_number} yet.",
                f"订单{view.masked_number}目前没有退货或退款申请。")
        out.suggest(("Start a return", "申请退货"))
        return
    for r in requests:
        out.card(r)
    out.add(f"Your {requests[0].kind.value} request for {requests[0].product_name_en} is {requests[0].status}; "
            "refunds reach the original payment method within 1–3 working days after we receive the item.",
            f"您的{'退货' if requests[0].kind.value == 'return' else '换货'}申请（{requests[0].product_name_zh}）"
            f"状态：{'已提交' if requests[0].status == 'submitted' else requests[0].status}。"
            "仓库收到商品后 1–3 个工作日内原路退款。")
