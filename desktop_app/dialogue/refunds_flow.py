"""Refund status: what the customer is owed back, how much, by which channel and by when.

The refund ledger answers first (amount, channel, the date promised or the date paid); an order
with no refund yet but a return on its way gets where that return stands, in words; an order with
neither gets what would lead to a refund for it. A signed-in customer asking "where is my refund?"
without naming an order is answered about the order whose refund is still open.
"""

from __future__ import annotations

from desktop_app.core.errors import AppError
from desktop_app.dialogue.orders_flow import OrderFilter, resolve_order
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind
from desktop_app.service.refunds import RefundView, channel_text, day_text
from desktop_app.service.types import OrderStatus, OrderView, ReturnKind, ReturnRequestView, yuan

#: Most refunds read out in one reply; the cards list them all.
SPOKEN_REFUNDS = 3

#: Where a return or exchange request stands, in the customer's words; never the stored code.
_REQUEST_STATE = {
    "submitted": ("filed; we are waiting for the item to reach our warehouse", "已提交，正在等待商品寄回仓库"),
    "received": ("with us: the warehouse has the item and is checking it", "仓库已收到商品，正在验货"),
    "approved": ("approved", "已审核通过"),
    "completed": ("finished", "已办理完成"),
    "rejected": ("declined", "未通过审核"),
}


def _request_state(status: str, language: str) -> str:
    en, zh = _REQUEST_STATE.get(status, ("being processed", "正在处理中"))
    return zh if language == "zh" else en


def refund_status(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, intent: str) -> None:
    view = resolve_order(app, st, q, out, intent, fits=_open_refunds(app, st, q))
    if view is None:
        return
    creds = st.credentials(view.order_number)
    try:
        refunds = app.refunds.refunds_for(view.order_number, **creds)
        requests = () if refunds else app.returns.requests_for(view.order_number, **creds)
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    out.did(ServiceAction.REFUND_STATUS_SHOWN)
    if refunds:
        _say_refunds(out, view, refunds)
    elif requests:
        _say_requests(app, out, view, requests)
    else:
        _say_none(out, view)


def _open_refunds(app: Services, st: SessionState, q: Understood) -> OrderFilter | None:
    """For a signed-in customer naming no order: the orders whose refund is still open (a pending
    refund, or a return not yet completed), else the order of the latest refund; None leaves the
    choice to the usual hints."""
    if not st.customer_code or entity(q, EntityKind.ORDER_REF):
        return None
    try:
        refunds = app.refunds.refunds_of(st.customer_code)
        mine = app.orders.orders_of(st.customer_code)
        open_returns = {o.order_number for o in mine if o.status == OrderStatus.DELIVERED
                        and any(r.status != "completed" for r in app.returns.requests_for(
                            o.order_number, customer_code=st.customer_code))}
    except AppError:
        return None
    wanted = {r.order_number for r in refunds if not r.completed} | open_returns
    if not wanted and refunds:
        wanted = {refunds[0].order_number}  # all paid out: the latest is the one they mean
    if not wanted:
        return None
    return lambda v: v.order_number in wanted


def _say_refunds(out: ReplyBuilder, view: OrderView, refunds: tuple[RefundView, ...]) -> None:
    for r in refunds:
        out.card(r)
    out.add(f"Refunds on order {view.masked_number}:", f"订单{view.masked_number}的退款情况：")
    overdue = False
    for r in refunds[:SPOKEN_REFUNDS]:
        what_en = f"{r.product_name_en}, {r.source_text('en')}" if r.product_name_en else r.source_text("en")
        what_zh = f"{r.product_name_zh}，{r.source_text('zh')}" if r.product_name_zh else r.source_text("zh")
        to_en, to_zh = channel_text(r.channel, "en"), channel_text(r.channel, "zh")
        if r.completed and r.completed_at is not None:
            out.add(f"{yuan(r.amount_fen)} ({what_en}) was refunded to your {to_en} on {day_text(r.completed_at, 'en')}.",
                    f"{yuan(r.amount_fen)}（{what_zh}）已于 {day_text(r.completed_at, 'zh')} 原路退回您的{to_zh}。")
        elif r.overdue:
            overdue = True
            out.add(f"{yuan(r.amount_fen)} ({what_en}) should have reached your {to_en} by "
                    f"{day_text(r.expected_by, 'en')} and is late.",
                    f"{yuan(r.amount_fen)}（{what_zh}）原定 {day_text(r.expected_by, 'zh')} 前退回您的{to_zh}，"
                    "目前已超时。")
            out.apologise("I'm sorry.", "非常抱歉。")
        else:
            out.add(f"{yuan(r.amount_fen)} ({what_en}) is on its way back to your {to_en}, "
                    f"expected by {day_text(r.expected_by, 'en')}.",
                    f"{yuan(r.amount_fen)}（{what_zh}）正在原路退回您的{to_zh}，预计 {day_text(r.expected_by, 'zh')} 前到账。")
    if overdue:
        out.add("A colleague can check it with the payment provider for you.", "可以为您转人工，向支付渠道核实进度。")
        out.suggest(("Talk to a person", "转人工"))
    elif all(r.completed for r in refunds):
        out.add("If you can't see it, please check the transaction list of that account.",
                "如未看到，请在对应账户的账单明细里查看。")


def _say_requests(app: Services, out: ReplyBuilder, view: OrderView,
                  requests: tuple[ReturnRequestView, ...]) -> None:
    days = app.policy.returns.refund_days
    for r in requests:
        out.card(r)
        kind_en, kind_zh = ("return", "退货") if r.kind == ReturnKind.RETURN else ("exchange", "换货")
        out.add(f"Your {kind_en} request for {r.product_name_en} (order {view.masked_number}) is "
                f"{_request_state(r.status, 'en')}.",
                f"您的{kind_zh}申请（{r.product_name_zh}，订单{view.masked_number}）{_request_state(r.status, 'zh')}。")
    if any(r.kind == ReturnKind.RETURN and r.status != "completed" for r in requests):
        out.add(f"No refund has been started yet: it goes back the way you paid within {days} days of the item "
                "reaching our warehouse.",
                f"目前还没有产生退款：仓库收到退回的商品后 {days} 天内原路退款。")
    elif all(r.kind == ReturnKind.EXCHANGE for r in requests):
        out.add("An exchange sends you a replacement, so no refund is involved.", "换货会为您重新发出商品，不涉及退款。")


def _say_none(out: ReplyBuilder, view: OrderView) -> None:
    m = view.masked_number
    status = view.status
    if status == OrderStatus.UNPAID:
        out.add(f"Order {m} has not been paid, so there is nothing to refund.", f"订单{m}还未付款，不涉及退款。")
    elif status == OrderStatus.CANCELLED:
        out.add(f"Order {m} was cancelled before payment, so there is nothing to refund.",
                f"订单{m}在付款前已取消，不涉及退款。")
    elif status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED):
        out.add(f"There is no refund on order {m}: it has not been cancelled or returned.",
                f"订单{m}目前没有退款：该订单没有取消或退货。")
        if status == OrderStatus.PAID:
            out.suggest(("Cancel the order", "取消订单"))
    else:
        out.add(f"There is no refund or return request on order {m} yet.", f"订单{m}目前没有退款或退货申请。")
        out.suggest(("Return an item", "申请退货"))
