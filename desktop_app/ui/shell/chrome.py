"""The window's fixed furniture: the row of quick actions and the help tab.

Plain builders, kept out of the main window so it stays about wiring, not widget assembly.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.forms.panels import ACTION_LABELS


def action_bar(open_form: Callable[[str], object]) -> tuple[QFrame, dict[str, QPushButton]]:
    """One chip per structured action (``ACTION_LABELS``); the window sets their words."""
    bar = QFrame()
    bar.setObjectName("actionBar")
    row = QHBoxLayout(bar)
    row.setContentsMargins(18, 8, 18, 8)
    row.setSpacing(8)
    buttons: dict[str, QPushButton] = {}
    for key in ACTION_LABELS:
        button = QPushButton()
        button.setObjectName(f"action_{key}")
        button.setProperty("chip", True)
        button.clicked.connect(lambda _=False, k=key: open_form(k))
        buttons[key] = button
        row.addWidget(button)
    row.addStretch(1)
    return bar, buttons


def help_panel() -> tuple[QWidget, QLabel]:
    """The help tab and its text label (filled in the window's language)."""
    panel = QWidget()
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(16, 16, 16, 16)
    text = QLabel()
    text.setObjectName("helpText")
    text.setWordWrap(True)
    text.setTextFormat(Qt.TextFormat.PlainText)
    text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(text)
    layout.addStretch(1)
    return panel, text


#: The conversation's share of the window beside (landscape) or above (portrait) the side tabs.
CHAT_SHARE = 0.58
#: Below this the conversation cannot show a reply card; the side tabs give way first.
CHAT_MIN_WIDTH = 420


def fit_splitter(splitter: QSplitter, chat: QWidget, width: int, height: int) -> None:
    """Chat beside the side tabs on a landscape screen, above them on a portrait kiosk; a newly opened
    guide or camera never squeezes the conversation (the window keeps its size, the tabs shrink)."""
    portrait = height > width
    wanted = Qt.Orientation.Vertical if portrait else Qt.Orientation.Horizontal
    chat.setMinimumWidth(0 if portrait else min(CHAT_MIN_WIDTH, width // 2))
    if splitter.orientation() != wanted:
        splitter.setOrientation(wanted)
        total = height if portrait else width
        splitter.setSizes([int(total * CHAT_SHARE), total - int(total * CHAT_SHARE)])


def name_close_buttons(tabs: QTabWidget, text: str) -> None:
    """Qt names a tab's close button in the language of the day the tab was made; rename them all."""
    bar = tabs.tabBar()
    for index in range(bar.count()):
        close = bar.tabButton(index, QTabBar.ButtonPosition.RightSide)
        if close is not None:
            close.setToolTip(text)
