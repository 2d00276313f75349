"""Small pieces the dashboard's pages share: a figure tile, a read-only table whose rows know the
conversations behind them, and the drill-down request every page emits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant.data import Dashboard

#: Where a table row keeps the conversation ids behind it.
IDS_ROLE = Qt.ItemDataRole.UserRole

MERCHANT_STYLE = """
#merchantWindow { background: #f4f5f7; }
#kpiTile { background: #ffffff; border: 1px solid #e6e8eb; border-radius: 10px; }
#kpiCaption { color: #5b6470; font-size: 12px; }
#kpiValue { color: #1f2329; font-size: 20px; font-weight: 600; }
#kpiValue[accent="true"] { color: #ff5000; }
#pageNote, #drillCaption, #periodLabel { color: #5b6470; }
#drillTitle, #sectionTitle { font-weight: 600; color: #1f2329; }
#customerWords { color: #3b424b; background: #ffffff; border: 1px solid #e6e8eb; border-radius: 8px; padding: 8px; }
QTableWidget, QTreeWidget, QListWidget { background: #ffffff; border: 1px solid #e6e8eb; gridline-color: #eef0f2; }
"""


@dataclass(frozen=True)
class Drill:
    """What a click asks the side list to show: a caption in both languages and the conversations."""

    en: str
    zh: str
    ids: tuple[int, ...] | None  # None: no conversation stands behind this figure (``en``/``zh`` say why)


class Page(QWidget):
    """A dashboard tab; ``drill`` carries a :class:`Drill` when the manager clicks a figure."""

    drill = Signal(object)

    def show_dashboard(self, dashboard: Dashboard, language: str) -> None:
        """Show ``dashboard``'s figures in ``language`` (each tab formats its own part)."""
        raise NotImplementedError


class KpiTile(QFrame):
    """One headline figure: a caption over its value (e.g. "Resolved by the assistant" / "42% (5 of 12)")."""

    def __init__(self, name: str, accent: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 10, 14, 10)
        self.caption = QLabel()
        self.caption.setObjectName("kpiCaption")
        self.value = QLabel()
        self.value.setObjectName("kpiValue")
        self.value.setProperty("accent", accent)
        self.value.setAccessibleName(name)
        column.addWidget(self.caption)
        column.addWidget(self.value)

    def show_figure(self, caption: str, value: str) -> None:
        self.caption.setText(caption)
        self.value.setText(value)


def make_table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    return table


def fill_table(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[str]],
               ids: Sequence[Sequence[tuple[int, ...] | None]] | None = None, *, numeric_from: int = 1) -> None:
    """Replace the table's contents; ``ids[r][c]`` (when given) is what clicking that cell lists."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c >= numeric_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if ids is not None and ids[r][c] is not None:
                item.setData(IDS_ROLE, ids[r][c])
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if headers:
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


def empty_note(language: str) -> str:
    return tr(language, "Nothing recorded in this period.", "本期间暂无记录。")


def note_label(name: str = "pageNote") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label
