"""The debug panel's evidence table: every hypothesis one turn fused, and those left out.

Staff tuning a kiosk need to see what each producer said (typed text, transcript, parts seen,
QR code), how much it weighed, and what it claimed, to tell a misheard word from a misread
part. Values are masked the same way as everywhere else in the panel.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from desktop_app.ui.chat.handler import mask_entity
from desktop_app.ui.chat.why_line import modality_label
from desktop_app.ui.common.labels import tr

#: The table grows to this many rows, then scrolls.
MAX_ROWS_SHOWN = 6


def mask_digits(text: str) -> str:
    """Digit runs that could be an order or phone number: long ones keep four, four-digit ones none."""
    return re.sub(r"\d{4,}", lambda m: f"…{m.group(0)[-4:]}" if len(m.group(0)) > 4 else "****", text)


def _evidence(hypothesis: Any) -> str:
    """What the input itself was: the words heard or typed, the parts seen, the code scanned."""
    payload = hypothesis.payload
    if payload is None:
        return ""
    if hasattr(payload, "transcript"):
        return f"“{mask_digits(payload.transcript)}” asr {payload.asr_confidence:.2f}"
    if hasattr(payload, "text"):
        return f"“{mask_digits(payload.text)}”"
    parts = []
    detections = getattr(payload, "detections", ())
    if detections:
        counts: dict[str, int] = {}
        for d in detections:
            counts[d.label] = counts.get(d.label, 0) + 1
        parts.append(", ".join(f"{n}×{label}" for label, n in sorted(counts.items())))
    codes = getattr(payload, "qr_payloads", ())
    if codes:
        parts.append(" ".join(codes))
    return " · ".join(parts)


def _claims(hypothesis: Any) -> str:
    """Claimed entities; four bare digits may be phone digits whatever the producer called them."""
    def shown(kind: str, value: str) -> str:
        return mask_digits(value) if value.isdigit() and len(value) <= 4 else mask_entity(kind, value)

    return ", ".join(f"{c.kind}{':' + c.key if c.key else ''}={shown(c.kind, str(c.value))} {c.confidence:.2f}"
                     for c in hypothesis.entities)


class HypothesisTable(QTableWidget):
    """Rows: input, evidence, top intent and probability, weight, entity claims, age in the turn."""

    COLUMNS = (("Input", "输入"), ("Evidence", "内容"), ("Intent", "意图"), ("Weight", "权重"),
               ("Claims", "实体"), ("Age", "时差"))

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.setObjectName("hypothesisTable")
        self.language = language
        self.verticalHeader().hide()
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._fused: Any = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([tr(self.language, en, zh) for en, zh in self.COLUMNS])

    def set_language(self, language: str) -> None:
        self.language = language
        self.retranslate()
        if self._fused is not None:
            self.show_fused(self._fused)

    def show_fused(self, fused: Any) -> None:
        self._fused = fused
        used = list(fused.hypotheses)
        rows = [(h, False) for h in used] + [(h, True) for h in fused.dropped]
        newest = max((h.produced_at for h in used), default=0.0)
        self.setRowCount(len(rows))
        for row, (h, dropped) in enumerate(rows):
            top = h.top_intent
            intent = f"{top[0].value} {top[1]:.2f}" if top else "—"
            age = f"{newest - h.produced_at:+.1f}s".replace("+", "−") if h.produced_at < newest else "0.0s"
            name = modality_label(h.modality, self.language)
            if dropped:
                name += tr(self.language, " (too old)", "（超出时间窗）")
            cells = (name, _evidence(h), intent, f"{h.weight:.2f}", _claims(h), age)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if dropped:
                    item.setForeground(QColor("#9aa0a6"))
                self.setItem(row, col, item)
        shown = min(len(rows), MAX_ROWS_SHOWN)
        self.setFixedHeight(self.horizontalHeader().sizeHint().height()
                            + self.verticalHeader().defaultSectionSize() * max(shown, 1) + 4)

    def clear_rows(self) -> None:
        self._fused = None
        self.setRowCount(0)

    def texts(self) -> list[str]:
        return [" · ".join(cell_text(self, r, c) for c in range(self.columnCount())) for r in range(self.rowCount())]


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    """A cell's text; "" for a cell with no item."""
    item = table.item(row, column)
    return item.text() if item is not None else ""
