"""Every after-sales flow's handlers in one table, so the manager routes an intent without
knowing which module serves it. Each intent is served by exactly one flow (checked at import)."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.dialogue import billing_flow, order_ops_flow, policy_flow, product_care_flow
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.slots import Understood
from desktop_app.dialogue.state import SessionState, TaskForm
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

#: Flows whose open task can recognise its own answers ("the screen went black" after "what is wrong
#: with it?", "个人" after "what title?") even when the words alone read as another request.
_TASK_ANSWERS: dict[Intent, Callable[[TaskForm, Understood], bool]] = {
    **billing_flow.TASK_ANSWERS, **product_care_flow.TASK_ANSWERS}


def answers_task(st: SessionState, q: Understood) -> bool:
    """Whether this turn answers the question the open after-sales task asked."""
    check = _TASK_ANSWERS.get(st.task.intent) if st.task is not None else None
    return st.task is not None and check is not None and check(st.task, q)
