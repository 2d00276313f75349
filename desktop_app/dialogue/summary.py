"""The summary a human agent reads when a conversation is handed over.

An agent taking over must not ask the customer to start again: the summary says who it is (signed
in or not), what they asked turn by turn, how they felt and whether it was getting worse, which
order it is about, what the assistant already did, and the customer's own words as evidence.
It is stored encrypted with the ticket (``HandoffService``), never logged.
"""

from __future__ import annotations

from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EmotionLabel
from desktop_app.service.types import OrderView, status_text

#: Customer turns quoted word for word at the end of the summary.
QUOTED_TURNS = 3


def handoff_summary(st: SessionState, reason: str, order: OrderView | None = None, latest: str = "") -> str:
    """Plain text, agent-facing, in the language the customer used (the agent sees the same words)."""
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
    failed = sum(1 for n in st.history if n.outcome.value in ("clarify", "not_found", "unsupported", "rephrased"))
    if failed:
        lines.append(f"未能解决的轮次：{failed}" if zh else f"Turns not resolved: {failed}")
    quotes = [n.text for n in st.history[-QUOTED_TURNS:]]
    if latest and (not quotes or quotes[-1] != latest):
        quotes = (quotes + [latest])[-QUOTED_TURNS:]
    lines.extend(("顾客原话：" if zh else "Customer said: ") + f"“{t}”" for t in quotes)
    return "\n".join(lines)
