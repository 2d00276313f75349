"""Noticing feelings: acknowledgements, and when a person should take over and how urgently.

A customer who is angry or anxious first hears that we understood, then gets the answer; strong
anger, an anxious customer with a late parcel, an explicit request, or the assistant failing twice
in a row puts the conversation in the human queue with a priority that reflects it.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.dialogue.state import ESCALATION_HANDOFF
from desktop_app.nlu.types import Emotion, EmotionLabel, Intent
from desktop_app.service.types import Priority

STRONG_ANGER = 0.7
FAILURES_BEFORE_HANDOFF = 2


def acknowledgement(emotion: Emotion, *, escalation: int = 0) -> tuple[str, str] | None:
    """What we say first: a conversation that keeps escalating gets the fullest apology."""
    if emotion.label == EmotionLabel.ANGRY or (escalation >= 2 and emotion.label != EmotionLabel.SATISFIED):
        if emotion.intensity >= STRONG_ANGER or escalation >= 2:
            return ("I'm truly sorry, I understand how frustrating this is. Let me sort it out with you right now.",
                    "非常抱歉给您带来这么糟糕的体验，我完全理解您的心情，现在马上为您处理。")
        return ("I'm sorry about this, and I understand your frustration.", "很抱歉，理解您的不满。")
    if emotion.label == EmotionLabel.ANXIOUS:
        return ("I understand the wait is worrying; let me check right away.", "理解您着急的心情，我马上帮您查看。")
    if emotion.label == EmotionLabel.SATISFIED:
        return ("Glad to hear it!", "很高兴能帮到您！")
    return None


@dataclass(frozen=True)
class HandoffDecision:
    reason: str
    priority: Priority


def handoff_needed(intent: Intent, emotion: Emotion, *, failures: int, order_late: bool,
                   escalation: int = 0) -> HandoffDecision | None:
    angry = emotion.label == EmotionLabel.ANGRY
    if escalation >= ESCALATION_HANDOFF:
        return HandoffDecision("angry" if angry else "repeated_failure", Priority.URGENT)
    anxious = emotion.label == EmotionLabel.ANXIOUS
    if intent == Intent.HUMAN_AGENT:
        if angry:
            return HandoffDecision("angry", Priority.URGENT if emotion.intensity >= STRONG_ANGER else Priority.HIGH)
        return HandoffDecision("customer_request", Priority.HIGH if anxious else Priority.NORMAL)
    if angry and emotion.intensity >= STRONG_ANGER:
        return HandoffDecision("angry", Priority.URGENT if order_late else Priority.HIGH)
    if anxious and order_late and intent in {Intent.LOGISTICS_DELAY, Intent.ORDER_STATUS, Intent.COMPLAINT}:
        return HandoffDecision("anxious", Priority.HIGH)
    if angry and order_late:
        return HandoffDecision("angry", Priority.HIGH)
    if failures >= FAILURES_BEFORE_HANDOFF:
        return HandoffDecision("repeated_failure", Priority.NORMAL)
    return None
