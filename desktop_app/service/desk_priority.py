"""The queue's priority: points from rules, each one explained on the ticket.

Nothing a customer types raises a ticket by itself: "紧急" or "urgent" makes the customer sound
anxious, and anxiety earns no points; anger counts only when it lasts two turns or is strong, the
conversation's escalation is measured over turns, and the case kind, the order's value, earlier
contacts and the time already waited are facts of the store. The priority a caller passes when
opening a ticket (for instance one picked in a form) is not trusted for the order.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.service.desk_types import PriorityReason, PriorityScore
from desktop_app.service.types import Priority

STRONG_ANGER = 0.7
SERIOUS_CASES = {"damaged_parcel": ("damaged goods", "商品破损"), "wrong_item": ("wrong item sent", "发错商品"),
                 "lost_parcel": ("parcel lost", "包裹丢失")}
#: Order value thresholds (fen) and their points.
VALUE_STEPS = ((200_000, 10), (50_000, 5))
WAIT_POINTS_EVERY_S = 120
WAIT_POINTS_MAX = 20


@dataclass(frozen=True)
class TicketFacts:
    reason: str
    angry_turns: int
    peak_anger: float
    escalation: int
    failed_turns: int
    intents: tuple[str, ...]
    order_late: bool
    order_total_fen: int | None
    earlier_contacts: int
    waited_s: float


def yuan(fen: int) -> str:
    return f"¥{fen / 100:,.0f}" if fen % 100 == 0 else f"¥{fen / 100:,.2f}"


def score(f: TicketFacts) -> PriorityScore:
    reasons: list[PriorityReason] = []
    angry_turns = max(f.angry_turns, 1 if f.reason == "angry" else 0)  # the assistant heard anger to hand off
    if angry_turns >= 2:
        reasons.append(PriorityReason(30, f"angry for {angry_turns} turns", f"连续 {angry_turns} 轮愤怒"))
    elif angry_turns == 1 and f.peak_anger >= STRONG_ANGER:
        reasons.append(PriorityReason(20, "strongly angry", "强烈愤怒"))
    elif angry_turns == 1:
        reasons.append(PriorityReason(10, "angry", "愤怒"))
    if f.escalation > 0:
        reasons.append(PriorityReason(min(30, 10 * f.escalation), f"escalating (level {f.escalation})",
                                      f"情绪升级（{f.escalation} 级）"))
    case = SERIOUS_CASES.get(f.reason) or next((SERIOUS_CASES[i] for i in f.intents if i in SERIOUS_CASES), None)
    if case is not None:
        reasons.append(PriorityReason(25, case[0], case[1]))
    elif f.reason == "complaint" or "complaint" in f.intents:
        reasons.append(PriorityReason(15, "complaint", "投诉"))
    if f.failed_turns >= 2:
        reasons.append(PriorityReason(10, f"assistant failed {f.failed_turns} turns", f"AI 未能解决 {f.failed_turns} 轮"))
    elif f.reason == "repeated_failure":
        reasons.append(PriorityReason(10, "assistant could not help", "AI 未能解决"))
    if f.order_late:
        reasons.append(PriorityReason(15, "order late", "订单已延误"))
    if f.order_total_fen is not None:
        points = next((p for threshold, p in VALUE_STEPS if f.order_total_fen >= threshold), 0)
        if points:
            reasons.append(PriorityReason(points, f"order {yuan(f.order_total_fen)}", f"订单 {yuan(f.order_total_fen)}"))
    if f.earlier_contacts > 0:
        reasons.append(PriorityReason(15 * min(2, f.earlier_contacts), f"contacted us before ({f.earlier_contacts}×)",
                                      f"曾转人工 {f.earlier_contacts} 次"))
    waited = min(WAIT_POINTS_MAX, int(f.waited_s // WAIT_POINTS_EVERY_S))
    if waited:
        reasons.append(PriorityReason(waited, f"waiting {int(f.waited_s // 60)} min", f"已等待 {int(f.waited_s // 60)} 分钟"))
    return PriorityScore(sum(r.points for r in reasons), tuple(reasons))


def band(points: int) -> Priority:
    """The coarse label shown to the customer ("priority: high"), from the points."""
    if points >= 30:
        return Priority.URGENT
    if points >= 15:
        return Priority.HIGH
    return Priority.NORMAL  # never "low" to the customer's face: every ticket is served
