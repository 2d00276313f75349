"""The supervisor's tab: the audit trail (who did what, when), first-response and resolution times per
ticket, and the canned-reply editor. Shown only to supervisors; the services check the role again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.service.desk_types import AuditRow, TicketTimes


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


class SupervisorPane(QFrame):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisorPane")
        zh = language == "zh"
        column = QVBoxLayout(self)
        self.refresh_button = QPushButton("刷新" if zh else "Refresh")
        self.refresh_button.setObjectName("auditRefresh")
        column.addWidget(self.refresh_button)
        column.addWidget(QLabel("操作记录" if zh else "Audit trail"))
        self.audit = QTableWidget(0, 5)
        self.audit.setObjectName("auditTable")
        self.audit.setHorizontalHeaderLabels(["时间", "坐席", "工单", "操作", "详情"] if zh else
                                             ["When", "Agent", "Ticket", "Action", "Detail"])
        column.addWidget(self.audit, 2)
        column.addWidget(QLabel("响应与解决时间（分钟）" if zh else "Response and resolution (minutes)"))
        self.times = QTableWidget(0, 5)
        self.times.setObjectName("timesTable")
        self.times.setHorizontalHeaderLabels(["工单", "坐席", "状态", "首次响应", "解决"] if zh else
                                             ["Ticket", "Agent", "State", "First response", "Resolution"])
        column.addWidget(self.times, 1)
        column.addWidget(QLabel("编辑快捷回复" if zh else "Edit canned replies"))
        row = QHBoxLayout()
        self.topic = QLineEdit()
        self.topic.setObjectName("cannedTopic")
        self.topic.setPlaceholderText("topic")
        self.text_en = QLineEdit()
        self.text_en.setObjectName("cannedEn")
        self.text_en.setPlaceholderText("English")
        self.text_zh = QLineEdit()
        self.text_zh.setObjectName("cannedZh")
        self.text_zh.setPlaceholderText("中文")
        self.save_button = QPushButton("保存" if zh else "Save")
        self.save_button.setObjectName("cannedSave")
        for w in (self.topic, self.text_en, self.text_zh):
            row.addWidget(w, 1)
        row.addWidget(self.save_button)
        column.addLayout(row)

    def show_audit(self, rows: tuple[AuditRow, ...]) -> None:
        self.audit.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, value in enumerate((f"{r.at:%m-%d %H:%M:%S}", r.agent_code or "-",
                                       "" if r.ticket_id is None else f"#{r.ticket_id}", r.action, r.detail)):
                self.audit.setItem(i, j, QTableWidgetItem(value))

    def show_times(self, rows: tuple[TicketTimes, ...]) -> None:
        self.times.setRowCount(len(rows))
        for i, t in enumerate(rows):
            for j, value in enumerate((f"#{t.ticket_id}", t.agent_code or "-", t.resolution_code or t.state,
                                       _minutes(t.first_response_s), _minutes(t.resolution_s))):
                self.times.setItem(i, j, QTableWidgetItem(value))
