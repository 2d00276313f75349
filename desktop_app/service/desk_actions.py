"""One-click service actions on a ticket's order card: file a return, show refunds, cancel.

The agent uses the same services, with the same rules, as the assistant and the customer: nothing
here decides eligibility. The order on a ticket is one the customer proved in the conversation, so
the agent acts with the order's own credentials (its customer, or its contact phone's last four
digits). Each action is recorded as the agent's in ``desk_events`` and fails with the service's own
one-line reason when it is not possible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.core.clock import Clock
from desktop_app.core.errors import AccessDenied, NotFound
from desktop_app.service.agent_desk import record as audit, ticket_or_gone
from desktop_app.service.desk_types import AgentView, TicketState
from desktop_app.service.order_changes import CancelResult, OrderChangeService
from desktop_app.service.orders import OrderService
from desktop_app.service.refunds import RefundService, RefundView
from desktop_app.service.returns import ReturnService
from desktop_app.service.types import OrderView, ReturnKind, ReturnReason, ReturnRequestView
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, DeskTicket, Order

log = logging.getLogger(__name__)

#: The return reason a one-click return is filed with, by the ticket's handoff reason.
RETURN_REASONS = {"damaged_parcel": ReturnReason.DAMAGED, "wrong_item": ReturnReason.WRONG_ITEM}


@dataclass(frozen=True)
class _OrderAccess:
    """The ticket's order and the credentials the customer proved it with (never shown or logged)."""

    number: str | None
    customer_code: str | None
    phone_last4: str | None
    handoff_reason: str

    def need(self) -> str:
        if self.number is None:
            raise NotFound("This ticket names no order; ask the customer for it.",
                           message_zh="该工单未关联订单，请向顾客询问订单号。")
        return self.number


class DeskOrderActions:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, returns: ReturnService,
                 refunds: RefundService, changes: OrderChangeService) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._returns = returns
        self._refunds = refunds
        self._changes = changes

    def order_card(self, agent: AgentView, ticket_id: int) -> OrderView | None:
        """The ticket's order as the customer's window shows it (None: the ticket names no order)."""
        c = self._credentials(agent, ticket_id, need_hold=False)
        return self._orders.lookup(c.number, customer_code=c.customer_code, phone_last4=c.phone_last4) \
            if c.number else None

    def file_return(self, agent: AgentView, ticket_id: int, *, item_id: int | None = None,
                    reason: ReturnReason | None = None) -> ReturnRequestView:
        c = self._credentials(agent, ticket_id)
        why = reason or RETURN_REASONS.get(c.handoff_reason, ReturnReason.QUALITY)
        view = self._returns.file(c.need(), kind=ReturnKind.RETURN, reason=why, item_id=item_id,
                                  customer_code=c.customer_code, phone_last4=c.phone_last4)
        self._record(agent, ticket_id, "return_filed", f"request {view.request_id} order …{view.order_number[-4:]}")
        return view

    def refund_status(self, agent: AgentView, ticket_id: int) -> tuple[RefundView, ...]:
        c = self._credentials(agent, ticket_id)
        refunds = self._refunds.refunds_for(c.need(), customer_code=c.customer_code, phone_last4=c.phone_last4)
        self._record(agent, ticket_id, "refund_status", f"{len(refunds)} refund(s)")
        return refunds

    def cancel(self, agent: AgentView, ticket_id: int) -> CancelResult:
        c = self._credentials(agent, ticket_id)
        result = self._changes.cancel(c.need(), customer_code=c.customer_code, phone_last4=c.phone_last4)
        self._record(agent, ticket_id, "order_cancelled", f"order {result.masked_number}")
        return result

    # -- internals -------------------------------------------------------------------------

    def _credentials(self, agent: AgentView, ticket_id: int, *, need_hold: bool = True) -> _OrderAccess:
        with self._db.session() as s:
            ticket = ticket_or_gone(s, ticket_id)
            if need_hold:
                desk = s.get(DeskTicket, ticket_id)
                if ticket.status != TicketState.TAKEN.value or desk is None or desk.agent_id != agent.agent_id:
                    raise AccessDenied("Take the ticket first; it is not yours.",
                                       message_zh="请先接单；该工单不在您名下。")
            order = s.get(Order, ticket.order_id) if ticket.order_id is not None else None
            if order is None:
                return _OrderAccess(None, None, None, ticket.reason)
            if order.customer_id is not None:
                code = s.scalar(select(Customer.code).where(Customer.id == order.customer_id))
                return _OrderAccess(order.order_number, code, None, ticket.reason)
            digits = "".join(ch for ch in order.contact_phone if ch.isdigit())
            return _OrderAccess(order.order_number, None, digits[-4:], ticket.reason)

    def _record(self, agent: AgentView, ticket_id: int, action: str, detail: str) -> None:
        with self._db.session() as s:
            audit(s, agent.agent_id, ticket_id, action, detail, self._clock.now())
        log.info("agent %d: %s on ticket %d", agent.agent_id, action, ticket_id)
