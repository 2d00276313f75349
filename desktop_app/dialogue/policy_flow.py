"""Return-policy questions answered from the same rules engine that decides returns.

The FAQ (service/return_policy.py) reads the policy the decisions read, and a question about a
named product, a category ("这款面霜没拆封能退吗") or an order is judged by ``returns.evaluate``
itself, so what the assistant says and what a return request later gets can never differ.
"""

from __future__ import annotations

import re

from desktop_app.core.errors import AppError
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.return_policy import PolicyAnswer, ReturnPolicyAnswers, Topic, opened_from_text
from desktop_app.service.returns import ReturnFacts
from desktop_app.service.types import ReturnKind, ReturnReason

#: Topics a verdict on one product already answers ("can this cream be returned unopened?").
_COVERED_BY_ITEM = frozenset({Topic.NO_REASON, Topic.OPENED, Topic.FINAL_SALE, Topic.CONDITION})
#: Topics about a kind of sale or goods that a whole category's verdict would contradict.
_ABOUT_A_KIND = frozenset({Topic.FINAL_SALE, Topic.EXCLUDED})
#: "this one", "it": the product being discussed.
_DEICTIC = re.compile(r"这款|这个|这件|这双|这台|这把|这套|它|该商品|\bthis\b|\bit\b|\bthat one\b", re.I)
#: A question this short with no topic ("能退吗?") is about the product being discussed.
_SHORT = 10
#: Decisions about the whole order rather than one item.
_ORDER_LEVEL = frozenset({"not_delivered", "already_returned"})
#: Items of one order judged in a single answer; a longer order is asked about item by item.
_ORDER_ITEMS = 4


def return_policy(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    answers = ReturnPolicyAnswers(svc.policy)
    topics = answers.topics(q.text)
    if entity(q, EntityKind.ORDER_REF) is not None:
        _about_order(svc, st, q, out, answers, topics)
        return
    results: list[PolicyAnswer] = []
    facts, specific = _item_facts(svc, st, q, topics)
    if facts is not None and not specific and set(topics) & _ABOUT_A_KIND:
        facts = None  # "清仓特价的衣服能退吗": the question is about clearance, not about clothes in general
    if facts is not None:
        results.append(answers.for_item(facts, svc.clock.now(), opened=opened_from_text(q.text)))
        topics = tuple(t for t in topics if t not in _COVERED_BY_ITEM)
    results += [answers.answer(topic, q.text) for topic in topics]
    if not results:
        results.append(answers.summary())  # "in what cases can I get my money back?": the rules in short
    _say(out, results)
    out.did(ServiceAction.POLICY_ANSWERED)


def _say(out: ReplyBuilder, results: list[PolicyAnswer]) -> None:
    for result in results:
        out.card(result)
        out.add(result.headline_en, result.headline_zh)
    if any(r.needs_person for r in results):
        out.suggest(("Talk to a person", "转人工"))
    out.suggest(("Start a return", "申请退货"))


def _item_facts(svc: Services, st: SessionState, q: Understood,
                topics: tuple[Topic, ...]) -> tuple[ReturnFacts | None, bool]:
    """The product (or category) the question is about, if any: named, or the one being discussed;
    and whether it is one product (True) rather than a whole category."""
    product, category = entity(q, EntityKind.PRODUCT), entity(q, EntityKind.CATEGORY)
    sku = product.value if product else None
    if sku is None and st.current_product:
        about_it = (bool(_DEICTIC.search(q.text)) or (bool(topics) and set(topics) <= _COVERED_BY_ITEM)
                    or (not topics and len(q.text.strip()) <= _SHORT))
        current = _facts(svc, st.current_product)
        if current is not None and (category is None or category.value == current.category) and about_it:
            return current, True
    if sku is not None:
        facts = _facts(svc, sku)
        if facts is not None:
            st.current_product = sku
            return facts, True
    if category is not None:
        return ReturnFacts.of_category(category.value), False
    return None, False


def _facts(svc: Services, sku: str) -> ReturnFacts | None:
    try:
        return svc.returns.product_facts(sku)
    except AppError:
        return None


def _about_order(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder, answers: ReturnPolicyAnswers,
                 topics: tuple[Topic, ...]) -> None:
    """"Can I still return order 1234?": the decision for each of its items, from the same rules."""
    view = resolve_order(svc, st, q, out, Intent.RETURN_POLICY.value)
    if view is None:
        return
    opened = opened_from_text(q.text)
    for line in view.lines[:_ORDER_ITEMS]:
        try:
            decision = svc.returns.check(view.order_number, kind=ReturnKind.RETURN, reason=ReturnReason.NO_REASON,
                                         item_id=line.item_id, opened=opened, **st.credentials(view.order_number))
        except AppError as exc:
            out.add(exc.message, exc.message_zh)
            out.outcome = Outcome.REFUSED
            return
        out.card(decision)
        if decision.rule in _ORDER_LEVEL:
            out.add(decision.explanation_en, decision.explanation_zh)  # the same for every item: said once
            break
        out.add(f"{line.product.name_en}: {decision.explanation_en}", f"{line.product.name_zh}：{decision.explanation_zh}")
    extra = [answers.answer(topic, q.text) for topic in topics if topic not in _COVERED_BY_ITEM]
    _say(out, extra)
    out.did(ServiceAction.POLICY_ANSWERED)


HANDLERS: dict[Intent, Handler] = {Intent.RETURN_POLICY: return_policy}
