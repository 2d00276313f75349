"""What a supervisor sees and edits: the audit trail, response and resolution times, canned replies.

Canned replies (快捷回复) are per topic and bilingual; every agent reads them, only supervisors
change them, and each change is audited like any other desk action. A store without any gets a
small starting set the first time they are listed.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.service.agent_accounts import require_supervisor
from desktop_app.service.agent_desk import record
from desktop_app.service.desk_types import AgentView, AuditRow, CannedReplyView, TicketTimes
from desktop_app.store.db import Database
from desktop_app.store.schema import Agent, CannedReply, DeskEvent, DeskTicket, HandoffTicket

log = logging.getLogger(__name__)

TOPICS = ("greeting", "delivery", "damaged", "refund", "return", "closing")
STARTER_REPLIES = (
    ("greeting", "Hello, I'm taking over from the assistant and have read your conversation.",
     "您好，我是人工客服，已经看过您和智能助手的对话记录。"),
    ("delivery", "I'm checking with the carrier now and will update you within a few minutes.",
     "我正在联系快递公司核实，几分钟内给您答复。"),
    ("damaged", "I'm sorry the item arrived damaged. I can file a return for you right now.",
     "非常抱歉商品到货破损，我现在就可以为您提交退货申请。"),
    ("refund", "Your refund goes back the way you paid; I'll show you its status.",
     "退款会原路退回，我来为您查看退款进度。"),
    ("return", "I've filed the return; a courier will contact you to collect it.",
     "退货申请已提交，快递员会联系您上门取件。"),
    ("closing", "Is there anything else I can help with? Thank you for your patience.",
     "请问还有其他可以帮您的吗？感谢您的耐心等待。"),
)


def _view(r: CannedReply) -> CannedReplyView:
    return CannedReplyView(r.id, r.topic, r.text_en, r.text_zh)


class DeskSupervision:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- canned replies --------------------------------------------------------------------

    def canned(self, topic: str | None = None) -> tuple[CannedReplyView, ...]:
        with self._db.session() as s:
            if not s.scalar(select(func.count()).select_from(CannedReply)):
                now = self._clock.now()
                s.add_all(CannedReply(topic=t, text_en=en, text_zh=zh, updated_at=now) for t, en, zh in STARTER_REPLIES)
                s.flush()
            query = select(CannedReply).order_by(CannedReply.topic, CannedReply.id)
            if topic is not None:
                query = query.where(CannedReply.topic == topic)
            return tuple(_view(r) for r in s.scalars(query))

    def save_canned(self, supervisor: AgentView, *, topic: str, text_en: str, text_zh: str,
                    reply_id: int | None = None) -> CannedReplyView:
        require_supervisor(supervisor)
        topic, text_en, text_zh = topic.strip().lower(), text_en.strip(), text_zh.strip()
        if not topic or len(topic) > 32 or not topic.replace("_", "").isalnum():
            raise InvalidInput("A topic is one word (letters, digits, '_').", message_zh="主题为一个词（字母、数字或“_”）。")
        if not text_en or not text_zh or max(len(text_en), len(text_zh)) > 1000:
            raise InvalidInput("A canned reply needs both languages (up to 1000 characters each).",
                               message_zh="快捷回复需要中英文两种文本（各不超过 1000 字）。")
        now = self._clock.now()
        with self._db.session() as s:
            if reply_id is None:
                row = CannedReply(topic=topic, text_en=text_en, text_zh=text_zh, updated_at=now)
                s.add(row)
            else:
                found = s.get(CannedReply, reply_id)
                if found is None:
                    raise NotFound("No such canned reply.", message_zh="没有该快捷回复。")
                row = found
                row.topic, row.text_en, row.text_zh, row.updated_at = topic, text_en, text_zh, now
            row.updated_by = supervisor.agent_id
            s.flush()
            record(s, supervisor.agent_id, None, "canned_saved", f"reply {row.id} ({topic})", now)
            return _view(row)

    def delete_canned(self, supervisor: AgentView, reply_id: int) -> None:
        require_supervisor(supervisor)
        with self._db.session() as s:
            row = s.get(CannedReply, reply_id)
            if row is None:
                raise NotFound("No such canned reply.", message_zh="没有该快捷回复。")
            s.delete(row)
            record(s, supervisor.agent_id, None, "canned_deleted", f"reply {reply_id}", self._clock.now())

    # -- audit -----------------------------------------------------------------------------

    def audit(self, supervisor: AgentView, *, ticket_id: int | None = None, limit: int = 500) -> tuple[AuditRow, ...]:
        """Newest first: who did what, when."""
        require_supervisor(supervisor)
        with self._db.session() as s:
            query = (select(DeskEvent, Agent.code).outerjoin(Agent, Agent.id == DeskEvent.agent_id)
                     .order_by(DeskEvent.at.desc(), DeskEvent.id.desc()).limit(limit))
            if ticket_id is not None:
                query = query.where(DeskEvent.ticket_id == ticket_id)
            return tuple(AuditRow(e.at, code, e.ticket_id, e.action, e.detail) for e, code in s.execute(query))

    def ticket_times(self, supervisor: AgentView, *, limit: int = 200) -> tuple[TicketTimes, ...]:
        """Per ticket handled at the desk: seconds from opening to the first agent message, and to closing."""
        require_supervisor(supervisor)
        with self._db.session() as s:
            rows = s.execute(
                select(HandoffTicket.id, HandoffTicket.status, HandoffTicket.created_at, DeskTicket.first_response_at,
                       DeskTicket.closed_at, DeskTicket.resolution_code, Agent.code)
                .join(DeskTicket, DeskTicket.ticket_id == HandoffTicket.id)
                .outerjoin(Agent, Agent.id == DeskTicket.agent_id)
                .where(DeskTicket.taken_at.is_not(None))
                .order_by(HandoffTicket.id.desc()).limit(limit)).all()
            return tuple(TicketTimes(tid, code, status,
                                     (first - created).total_seconds() if first else None,
                                     (closed - created).total_seconds() if closed else None, resolution)
                         for tid, status, created, first, closed, resolution, code in rows)
