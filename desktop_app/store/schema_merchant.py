"""The merchant's side of the store (schema v4): how far customers got through assembly guides,
supervisors' reviews of fairness flags, and the review queue and model versions through which the
assistant learns from agents. Part of the one schema (``store.schema`` re-exports them).

None of these tables holds a customer's identity. The review queue keeps a customer's words
(encrypted) only while the message they came from exists: it hangs off ``messages`` and is deleted
with the conversation, so export and delete of a customer reach it through her conversations.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.base import Base
from desktop_app.store.sealed import SealedText


class GuideViewing(Base):
    """One viewing of an assembly guide, written when it closes: the furthest step reached, whether
    the last step was reached, and how many steps were replayed. Abandoned-at-step figures come from
    here; per-step times stay in ``guide_step_times``. Anonymous by design."""

    __tablename__ = "guide_viewings"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_sku: Mapped[str] = mapped_column(String(32), index=True)
    steps_total: Mapped[int] = mapped_column(Integer)
    last_step: Mapped[int] = mapped_column(Integer)
    finished: Mapped[bool] = mapped_column(Boolean)
    replays: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class FairnessReview(Base):
    """A supervisor's decision on one fairness flag, as an ethics committee would record it: which
    display path and group, the figures at the time, the verdict and the reason."""

    __tablename__ = "fairness_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(24))  # recommend | search | fallback ...
    dimension: Mapped[str] = mapped_column(String(24))  # brand | origin_region | price_band | language | city
    group_name: Mapped[str] = mapped_column(String(64))
    ratio: Mapped[float] = mapped_column(Float)
    ci_low: Mapped[float] = mapped_column(Float)
    ci_high: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(16))  # accepted | explained
    #: The supervisor's own words (about products and groups, never about a customer).
    note: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(32))  # the agent code of the supervisor
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)


class NluReviewItem(Base):
    """A turn the assistant may have misread: an agent corrected its intent, or its confidence was
    low. A reviewer accepts it (with the right intent) as a training example or rejects it."""

    __tablename__ = "nlu_review_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    #: The customer's words, encrypted; gone with the message.
    text: Mapped[str] = mapped_column(SealedText)
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(24))  # agent_correction | low_confidence
    predicted_intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The intent the correcting agent chose (None for a low-confidence turn nobody corrected yet).
    suggested_intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|accepted|rejected
    #: The intent the reviewer accepted it as.
    final_intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    suggested_by: Mapped[str | None] = mapped_column(String(32), nullable=True)  # agent code
    reviewer: Mapped[str | None] = mapped_column(String(32), nullable=True)  # agent code
    created_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class NluModelVersion(Base):
    """One intent model built by ``nlu retrain``: its scores on the held-out dev set, how many
    reviewed examples it learnt from, and whether it was deployed, refused or rolled back. The model
    files live in the models folder under ``version``; ``sha256`` is checked before one is used."""

    __tablename__ = "nlu_model_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    base_examples: Mapped[int] = mapped_column(Integer)
    reviewed_examples: Mapped[int] = mapped_column(Integer)
    macro_f1: Mapped[float] = mapped_column(Float)
    #: The macro-F1 of the model in use when this one was scored (None for the first).
    baseline_f1: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: Per-intent precision/recall/F1 on the dev set, as JSON (intent names and numbers only).
    scores: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # deployed | refused | retired
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
