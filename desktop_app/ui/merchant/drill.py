"""The side list of conversations behind whatever the manager clicked: a bar, a point, a topic, a row.

A figure a manager cannot check is a figure she will not trust (Chatwoot users ask for exactly
this): clicking "handed off on 14 March" lists those conversations, when each started, where,
how it ended, its rating and the customer's first words. The digests are read on a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError
from desktop_app.service.merchant_types import ConversationDigest
from desktop_app.ui.common.labels import tr
from desktop_app.ui.common.tasks import TaskHandle, TaskRunner
from desktop_app.ui.merchant import texts

log = logging.getLogger(__name__)

#: At most this many conversations are listed for one click (the caption says how many there were).
MAX_LISTED = 200
#: The customer's first words are cut to this many characters in the list.
WORDS_CHARS = 60


def digest_line(d: ConversationDigest, language: str) -> str:
    """Up to three lines: when, where and how long; how it ended and its rating; the customer's first words."""
    head = " · ".join([f"#{d.conversation_id}", texts.when_text(d.started_at, language),
                       texts.label(texts.CHANNEL_LABELS, d.channel, language),
                       texts.label(texts.LANGUAGE_LABELS, d.language, language),
                       tr(language, f"{d.turns} turns", f"{d.turns} 轮")])
    ended = texts.outcome(d.outcome, language)
    if d.rating is not None:
        ended += " · " + "★" * d.rating + tr(language, f" ({d.rating} of 5)", f"（{d.rating}/5）")
    words = d.first_customer_words or ""
    if len(words) > WORDS_CHARS:
        words = words[:WORDS_CHARS - 1] + "…"
    return f"{head}\n{ended}" + (f"\n“{words}”" if words else "")


class DrillList(QWidget):
    """A caption ("Handed to a person on 14 Mar: 3 conversations") over the list of their digests."""

    def __init__(self, runner: TaskRunner, fetch: Callable[[tuple[int, ...]], Sequence[ConversationDigest]], language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillPanel")
        self.runner = runner
        self._fetch = fetch
        self.language = language
        self._pending: TaskHandle | None = None
        self._shown: tuple[str, str, tuple[ConversationDigest, ...], int] | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        self.title = QLabel()
        self.title.setObjectName("drillTitle")
        self.caption = QLabel()
        self.caption.setObjectName("drillCaption")
        self.caption.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("drillList")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap the lines when the panel is resized
        self.list.setAlternatingRowColors(True)
        column.addWidget(self.title)
        column.addWidget(self.caption)
        column.addWidget(self.list, 1)
        self.set_language(language)

    @property
    def busy(self) -> bool:
        return self._pending is not None and not self._pending.settled

    def show_ids(self, what_en: str, what_zh: str, ids: Sequence[int]) -> None:
        """List the conversations ``ids`` under the caption ``what`` (fetched off the GUI thread)."""
        if self._pending is not None:
            self._pending.cancel()
        wanted = tuple(ids)[:MAX_LISTED]
        self._shown = (what_en, what_zh, (), len(ids))
        self.list.clear()
        self.caption.setText(self._caption(loading=bool(wanted)))
        if not wanted:
            return
        self._pending = self.runner.submit(self._fetch, wanted, on_done=lambda digests: self._fill(what_en, what_zh, digests,
                                                                                            len(ids)),
                                           on_error=self._failed)

    def show_note(self, en: str, zh: str) -> None:
        """No conversations stand behind this figure (say why instead of an empty list)."""
        if self._pending is not None:
            self._pending.cancel()
        self._shown = (en, zh, (), -1)
        self.list.clear()
        self.caption.setText(tr(self.language, en, zh))

    def _fill(self, what_en: str, what_zh: str, digests: Sequence[ConversationDigest], total: int) -> None:
        self._shown = (what_en, what_zh, tuple(digests), total)
        self._render()

    def _failed(self, error: AppError) -> None:
        self.caption.setText(error.localized(self.language))

    def _caption(self, loading: bool = False) -> str:
        if self._shown is None:
            return tr(self.language, "Click a bar, a point, a topic or a row to see the conversations behind it.",
                      "点击图表中的柱、点，或表格中的话题、行，即可在此查看对应的会话。")
        en, zh, _digests, total = self._shown
        if total < 0:
            return tr(self.language, en, zh)
        what = tr(self.language, en, zh)
        if loading:
            return tr(self.language, f"{what}: loading {total} conversations…", f"{what}：正在载入 {total} 个会话…")
        more = tr(self.language, f" (first {MAX_LISTED} listed)", f"（列出前 {MAX_LISTED} 个）") if total > MAX_LISTED else ""
        return tr(self.language, f"{what}: {total} conversations{more}", f"{what}：共 {total} 个会话{more}")

    def _render(self) -> None:
        self.list.clear()
        self.caption.setText(self._caption())
        if self._shown is None:
            return
        metrics = QFontMetrics(self.list.font())
        width = max(200, self.list.viewport().width() - 12)
        for d in self._shown[2]:
            text = digest_line(d, self.language)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, d.conversation_id)
            # Qt guesses wrapped heights before the list has its width; say how tall the lines are
            height = metrics.boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text).height()
            item.setSizeHint(QSize(width, height + 10))
            self.list.addItem(item)

    def listed_ids(self) -> list[int]:
        return [int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]

    def set_language(self, language: str) -> None:
        self.language = language
        self.title.setText(tr(language, "Conversations behind it", "对应会话"))
        self._render()
