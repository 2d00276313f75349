"""Merchant figures computed from the turn records: resolution rate and what customers complain about.

A conversation is resolved when it was not handed to a person, the customer never had to
rephrase, the assistant never had to say it cannot do what was asked, and they did not rate it
down (1–2 stars).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.service.types import Outcome
from desktop_app.store.db import Database
from desktop_app.store.schema import Conversation, Message


@dataclass(frozen=True)
class ResolutionStats:
    conversations: int
    resolved: int
    handed_off: int
    rephrased: int
    rated_down: int
    #: Conversations with a request the assistant understood but could not carry out.
    unsupported: int = 0

    @property
    def rate(self) -> float:
        return self.resolved / self.conversations if self.conversations else 0.0


def resolution_stats(db: Database) -> ResolutionStats:
    with db.session() as s:
        outcomes: dict[int, set[str]] = {}
        for conv_id, outcome in s.execute(select(Message.conversation_id, Message.outcome)
                                          .where(Message.role == "assistant")):
            outcomes.setdefault(conv_id, set()).add(outcome or "")
        ratings = dict(s.execute(select(Conversation.id, Conversation.rating)).all())
    handed = rephrased = down = resolved = unsupported = 0
    for conv_id, seen in outcomes.items():
        h, r, u = Outcome.HANDED_OFF in seen, Outcome.REPHRASED in seen, Outcome.UNSUPPORTED in seen
        d = (ratings.get(conv_id) or 5) <= 2
        handed += h
        rephrased += r
        down += d
        unsupported += u
        resolved += not (h or r or d or u)
    return ResolutionStats(len(outcomes), resolved, handed, rephrased, down, unsupported)
