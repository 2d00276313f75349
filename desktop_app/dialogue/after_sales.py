"""Every after-sales flow's handlers in one table, so the manager routes an intent without
knowing which module serves it. Each intent is served by exactly one flow (checked at import)."""

from __future__ import annotations

from desktop_app.dialogue import billing_flow, order_ops_flow, policy_flow, product_care_flow
from desktop_app.dialogue.handler import Handler
from desktop_app.nlu.types import Intent


def _merge(*tables: dict[Intent, Handler]) -> dict[Intent, Handler]:
    merged: dict[Intent, Handler] = {}
    for table in tables:
        clash = set(merged) & set(table)
        if clash:
            raise RuntimeError(f"intents served twice: {sorted(i.value for i in clash)}")
        merged.update(table)
    return merged


HANDLERS: dict[Intent, Handler] = _merge(order_ops_flow.HANDLERS, billing_flow.HANDLERS,
                                         product_care_flow.HANDLERS, policy_flow.HANDLERS)
