"""The guide's parts: the inventory page before step 1 and the tray of parts under each step.

Both are the same wrapping list of part types, a rendered picture and "螺栓 ×4" each (see
:mod:`desktop_app.ar.inventory`); the page shows every type of the guide with big pictures, the
tray only what the current step uses.  Pictures arrive from the render thread after the first
frame (they cost a render each); until then a type shows its words alone.  Every text switches
with the window's language.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ar.inventory import PartGroup, summary

log = logging.getLogger(__name__)


class PartsList(QListWidget):
    """Part types as tiles that wrap to the next row and never scroll sideways."""

    def __init__(self, icon: int, *, tiles: bool, max_rows: int = 0) -> None:
        super().__init__()
        self.groups: tuple[PartGroup, ...] = ()
        self._max_rows = max_rows  # > 0: as tall as its rows, up to this many (then it scrolls)
        self._row_height = icon + 12
        self._images: dict[str, QImage] = {}
        self._language = "zh"
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setIconSize(QSize(icon, icon))
        self.setWordWrap(True)
        self.setSpacing(4)
        if tiles:  # picture above its words, as in a printed manual
            self.setViewMode(QListView.ViewMode.IconMode)
            self.setGridSize(QSize(icon + 64, icon + 52))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * (1.15 if tiles else 1.05))
        font.setBold(True)
        self.setFont(font)
        # the pictures' own background (the 3D view's), so a tile is a picture, not a grey box
        self.setStyleSheet("QListWidget { background: rgb(242, 245, 250); }")

    def set_groups(self, groups: tuple[PartGroup, ...], language: str) -> None:
        self.groups = groups
        self._language = language
        self.clear()
        for group in groups:
            item = QListWidgetItem(group.label(language))
            item.setData(Qt.ItemDataRole.UserRole, group.key)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter if self.viewMode() is QListView.ViewMode.IconMode
                                  else Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            self.addItem(item)
        self._apply_icons()
        self._fit_height()

    def _fit_height(self) -> None:
        """A strip only as tall as the rows its tiles wrap into (the 3D view keeps the rest)."""
        if self._max_rows <= 0:
            return
        self.doItemsLayout()
        bottom = max((self.visualItemRect(self.item(r)).bottom() + self.verticalOffset()
                      for r in range(self.count())), default=self._row_height)
        limit = self._max_rows * (self._row_height + 2 * self.spacing())
        height = min(bottom, limit) + 2 * self.frameWidth() + self.spacing() + 2
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def set_language(self, language: str) -> None:
        self._language = language
        for row, group in enumerate(self.groups):
            item = self.item(row)
            if item is not None:
                item.setText(group.label(language))

    def set_images(self, images: dict[str, QImage]) -> None:
        self._images = images
        self._apply_icons()

    def labels(self) -> list[str]:
        return [self.item(r).text() for r in range(self.count())]

    def _apply_icons(self) -> None:
        for row, group in enumerate(self.groups):
            item, image = self.item(row), self._images.get(group.key)
            if item is not None and image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))


class InventoryPage(QWidget):
    """"零件清单": every part and fitting with its count, shown before step 1."""

    start = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("guideInventory")
        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.parts = PartsList(120, tiles=True)
        self.start_button = QPushButton()
        self.start_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.start_button.clicked.connect(self.start)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.parts, 1)

    def set_groups(self, groups: tuple[PartGroup, ...], language: str) -> None:
        self.parts.set_groups(groups, language)
        self.set_language(language)

    def set_language(self, language: str) -> None:
        zh = language == "zh"
        self.heading.setText("零件清单" if zh else "Parts and hardware")
        self.start_button.setText("开始第 1 步 ▶" if zh else "Start step 1 ▶")
        self.summary.setText(summary(self.parts.groups, language) + (
            "。开始前请对照清点。" if zh else ". Check the box against this list before you start."))
        self.parts.set_language(language)


class StepTray(QWidget):
    """The strip under the 3D view: what this step uses, "木榫 ×4", with small pictures."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("guideTray")
        self.caption = QLabel()
        self.parts = PartsList(44, tiles=False, max_rows=2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.parts, 1)

    def set_groups(self, groups: tuple[PartGroup, ...], language: str) -> None:
        self.parts.set_groups(groups, language)
        self.set_language(language)

    def set_language(self, language: str) -> None:
        self.caption.setText("本步所需：" if language == "zh" else "This step uses:")
        self.parts.set_language(language)
