"""What the agents' desk hands between its services, the console and the customer's window.

Small frozen records only: the console and the customer's window render them, a CLI prints them,
and none of them carries a database session or a widget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.core.errors import AccessDenied, AppError


class AgentRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


class TicketState(StrEnum):
    """``handoff_tickets.status`` as the desk moves it (``queued`` is what the old queue reads)."""

    QUEUED = "queued"
    TAKEN = "taken"
    RETURNED = "returned"  # handed back to the assistant
    CLOSED = "closed"


#: Why a ticket was closed (the note says the rest).
RESOLUTION_CODES = ("resolved", "refund_issued", "return_filed", "order_cancelled", "callback_promised",
                    "no_response", "duplicate", "other")


class TicketTaken(AppError):
    """Another agent took the ticket first (or it is no longer waiting)."""

    code = "conflict"


class SignInLocked(AccessDenied):
    """Too many wrong PINs: the agent is locked for a while (counted in the store)."""

    code = "locked"


@dataclass(frozen=True)
class AgentView:
    """A signed-in agent, as every desk call identifies who acts."""

    agent_id: int
    code: str
    name: str
    role: AgentRole
    capacity: int
    active: bool = True

    @property
    def is_supervisor(self) -> bool:
        return self.role == AgentRole.SUPERVISOR


@dataclass(frozen=True)
class HandoffSignals:
    """Facts the dialogue observed before the handoff, from which the desk computes priority. Nothing the
    customer can set by one word: anger must persist or escalate, a case must be of a serious kind."""

    angry_turns: int = 0
    peak_anger: float = 0.0
    escalation: int = 0
    failed_turns: int = 0
    intents: tuple[str, ...] = ()
    order_late: bool = False


@dataclass(frozen=True)
class HandoffBrief:
    """The agent-facing summary text and the signals behind it (``dialogue.summary.handoff_summary``)."""

    text: str
    signals: HandoffSignals = field(default_factory=HandoffSignals)


@dataclass(frozen=True)
class PriorityReason:
    points: int
    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        return f"{self.text_zh if language == 'zh' else self.text_en} +{self.points}"


@dataclass(frozen=True)
class PriorityScore:
    points: int
    reasons: tuple[PriorityReason, ...]


@dataclass(frozen=True)
class WaitEstimate:
    """Minutes until a person is likely free, from measured handling times (or the stated default)."""

    position: int
    minutes: int
    measured: bool  # False: no ticket closed yet, the default handling time was assumed
    per_ticket_s: float


@dataclass(frozen=True)
class QueueEntry:
    ticket_id: int
    state: TicketState
    reason: str
    created_at: datetime
    waited_s: float
    score: PriorityScore
    position: int
    order_tail: str | None
    agent_name: str | None
    has_callback: bool
    customer_known: bool
    agent_id: int | None = None


@dataclass(frozen=True)
class DeskMessage:
    message_id: int
    role: str  # customer | assistant | agent
    text: str
    at: datetime


@dataclass(frozen=True)
class TicketDetail:
    """What the console shows for one ticket: the AI's summary, the order, the conversation so far."""

    entry: QueueEntry
    summary: str
    order_number: str | None
    customer_code: str | None
    messages: tuple[DeskMessage, ...]
    resolution_code: str | None = None


@dataclass(frozen=True)
class CustomerUpdate:
    """What the customer's window learns on one poll of its ticket."""

    ticket_id: int
    state: TicketState
    agent_name: str | None
    wait: WaitEstimate | None
    agent_messages: tuple[DeskMessage, ...]
    cursor: int  # the newest message id seen; pass it back on the next poll
    rating_requested: bool
    callback_left: bool


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    agent_code: str | None
    ticket_id: int | None
    action: str
    detail: str


@dataclass(frozen=True)
class TicketTimes:
    ticket_id: int
    agent_code: str | None
    state: str
    first_response_s: float | None
    resolution_s: float | None
    resolution_code: str | None


@dataclass(frozen=True)
class CannedReplyView:
    reply_id: int
    topic: str
    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        return self.text_zh if language == "zh" else self.text_en
