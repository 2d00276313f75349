"""The agents' desk services wired over one store: accounts, tickets, order actions, supervision.

Built from the services the app already has (the console and ``desktop-app agent`` both call
``build_desk``), so an agent's return, refund or cancel follows exactly the customer's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.clock import Clock
from desktop_app.service.agent_accounts import AgentAccounts
from desktop_app.service.agent_desk import AgentDesk
from desktop_app.service.desk_actions import DeskOrderActions
from desktop_app.service.desk_supervision import DeskSupervision
from desktop_app.service.order_changes import OrderChangeService
from desktop_app.service.orders import OrderService
from desktop_app.service.refunds import RefundService
from desktop_app.service.returns import ReturnService
from desktop_app.store.db import Database


@dataclass(frozen=True)
class Desk:
    accounts: AgentAccounts
    tickets: AgentDesk
    actions: DeskOrderActions
    supervision: DeskSupervision


def build_desk(db: Database, clock: Clock, *, orders: OrderService, returns: ReturnService, refunds: RefundService,
               changes: OrderChangeService, publish: Callable[[int], None] | None = None) -> Desk:
    return Desk(accounts=AgentAccounts(db, clock),
                tickets=AgentDesk(db, clock, db.keys.cipher, publish),
                actions=DeskOrderActions(db, clock, orders, returns, refunds, changes),
                supervision=DeskSupervision(db, clock))
