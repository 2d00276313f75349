"""The summary a human agent reads when a conversation is handed over.

An agent taking over must not ask the customer to start again: the summary says who it is (signed
in or not), what they asked turn by turn, how they felt and whether it was getting worse, which
order it is about, what the assistant already did, and the customer's own words as evidence.
It is stored encrypted with the ticket (``HandoffService``), never logged.

The same pass records the signals the desk's priority rules read (how many turns were angry and
how strongly, the escalation, failed turns, the intents, a late order): observations over turns,
so a customer cannot jump the queue by typing "紧急".
"""

from __future__ import annotations

from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EmotionLabel
from desktop_app.service.desk_types import HandoffBrief, HandoffSignals
from desktop_app.service.types import OrderView, status_text

#: Customer turns quoted word for word at the end of the summary.
QUOTED_TURNS = 3


def handoff_summary(st: SessionState, reason: str, order: OrderView | None = None, latest: str = "") -> HandoffBrief:
    """Plain text, agent-facing, in the language the customer used (the agent sees the same words),
    with the signals behind it."""
    return HandoffBrief(summary_text(st, reason, order, latest), handoff_signals(st, order, latest))


def handoff_signals(st: SessionState, order: OrderView | None = None, latest: str = "") -> HandoffSignals:
    """The turn being answered is not in ``st.history`` yet: its feeling is the session's mood."""
    angry = [n.intensity for n in st.history if n.emotion == EmotionLabel.ANGRY]
    current_noted = bool(st.history) and st.history[-1].text == latest
    if latest and not current_noted and st.mood.label == EmotionLabel.ANGRY:
        angry.append(st.mood.intensity)
    failed = sum(1 for n in st.history if n.outcome.value in _FAILED)
    return HandoffSignals(angry_turns=len(angry), peak_anger=max(angry, default=0.0), escalation=st.escalation,
                          failed_turns=failed, intents=tuple(dict.fromkeys(n.intent.value for n in st.history)),
                          order_late=bool(order is not None and order.is_late))


_FAILED = ("clarify", "not_found", "unsupported", "rephrased")


def summary_text(st: SessionState, reason: str, order: OrderView | None = None, latest: str = "") -> str:
    zh = st.language == "zh"
    lines: list[str] = []
    who = st.customer_code or ("未登录顾客" if zh else "anonymous visitor")
    lines.append(f"顾客：{who}；转人工原因：{reason}" if zh else f"Customer: {who}; handoff reason: {reason}")
    trail = " → ".join(dict.fromkeys(n.intent.value for n in st.history)) or "-"
    lines.append(("诉求经过：" if zh else "Requests: ") + trail)
    moods = [f"{n.emotion.value}({n.intensity:.1f})" if n.emotion != EmotionLabel.NEUTRAL else n.emotion.value
             for n in st.history]
    lines.append(("情绪变化：" if zh else "Emotion: ") + (" → ".join(moods) or "-"))
    if st.escalation:
        causes = ", ".join(st.escalation_causes) or "-"
        lines.append(f"升级程度：{st.escalation}（{causes}）" if zh else f"Escalation: {st.escalation} ({causes})")
    if order is not None:
        items = ("、" if zh else ", ").join(ln.product.name_zh if zh else ln.product.name_en for ln in order.lines)
        late = ("，已延误" if zh else ", late") if order.is_late else ""
        lines.append(f"订单：{order.masked_number}（{items}；{status_text(order.status.value, 'zh')}{late}）" if zh else
                      f"Order: {order.masked_number} ({items}; {status_text(order.status.value, 'en')}{late})")
    done = [a for n in st.history for a in n.actions]
    if done:
        lines.append(("AI 已处理：" if zh else "Assistant already: ") + ", ".join(dict.fromkeys(done)))
    failed = sum(1 for n in st.history if n.outcome.value in _FAILED)
    if failed:
        lines.append(f"未能解决的轮次：{failed}" if zh else f"Turns not resolved: {failed}")
    quotes = [n.text for n in st.history[-QUOTED_TURNS:]]
    if latest and (not quotes or quotes[-1] != latest):
        quotes = (quotes + [latest])[-QUOTED_TURNS:]
    lines.extend(("顾客原话：" if zh else "Customer said: ") + f"“{t}”" for t in quotes)
    return "\n".join(lines)
