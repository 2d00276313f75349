"""What the assistant understood at the latest turn, for staff at a laptop: intent, entities, mood.

A debugging and trust aid, not a customer screen: a kiosk does not show it. Personal data is
masked before it is put in a label (order numbers to their last four digits, phone digits fully),
because whoever stands at the screen can read this panel too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.chat.handler import EntityRow, SessionSlots, mask_entity
from desktop_app.ui.chat.why_line import INTENT_LABELS
from desktop_app.ui.common.labels import tr
from desktop_app.ui.session.hypotheses import HypothesisTable, cell_text

if TYPE_CHECKING:
    from desktop_app.dialogue.turn import Exchange

EMOTION_LABELS = {"neutral": ("Neutral", "平静"), "anxious": ("Anxious", "焦急"),
                  "angry": ("Angry", "生气"), "satisfied": ("Satisfied", "满意")}
LANGUAGE_LABELS = {"zh": ("Chinese", "中文"), "en": ("English", "英文"), "mixed": ("Mixed", "中英混合")}
#: The entity table grows to this many rows, then scrolls.
MAX_ENTITY_ROWS = 6
FORM_STEPS = {"order": ("order number", "订单号"), "phone": ("phone digits", "手机尾号"), "item": ("item", "商品"),
              "reason": ("reason", "原因"), "confirm": ("confirmation", "确认")}


def _bar(name: str) -> QProgressBar:
    bar = QProgressBar()
    bar.setObjectName(name)
    bar.setRange(0, 100)
    bar.setTextVisible(True)
    bar.setFixedHeight(14)
    return bar


def _value(name: str) -> QLabel:
    label = QLabel("—")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SessionPanel(QScrollArea):
    """Right-hand tab "Session / 会话": the latest turn's understanding and the session's slots."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.language = language
        self.exchange: Exchange | None = None
        self.slots: SessionSlots | None = None

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(14, 12, 14, 12)
        column.setSpacing(6)
        self.empty = _value("sessionEmpty")
        column.addWidget(self.empty)

        self.turn_title = self._section(column)
        turn = QFormLayout()
        turn.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.language_value = _value("turnLanguage")
        self.intent_value = _value("intentLabel")
        self.intent_bar = _bar("intentConfidence")
        self.secondary_value = _value("secondaryIntents")
        self.emotion_value = _value("emotionLabel")
        self.emotion_bar = _bar("emotionIntensity")
        self._turn_rows = [(turn, self.language_value), (turn, self.intent_value), (turn, self.intent_bar),
                           (turn, self.secondary_value), (turn, self.emotion_value), (turn, self.emotion_bar)]
        for _, widget in self._turn_rows:
            turn.addRow(QLabel(), widget)
        column.addLayout(turn)

        self.entities_title = self._section(column)
        self.entities = QTableWidget(0, 3)
        self.entities.setObjectName("entityTable")
        self.entities.verticalHeader().hide()
        self.entities.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.entities.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        header = self.entities.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        column.addWidget(self.entities)
        self.no_entities = _value("noEntities")
        column.addWidget(self.no_entities)

        self.fusion_title = self._section(column)
        self.explanation = _value("fusionExplanation")
        self.modalities = _value("modalities")
        column.addWidget(self.explanation)
        column.addWidget(self.modalities)
        self.hypotheses_title = self._section(column)
        self.hypotheses = HypothesisTable(language)
        column.addWidget(self.hypotheses)

        self.slots_title = self._section(column)
        slots = QFormLayout()
        self.order_value = _value("slotOrder")
        self.product_value = _value("slotProduct")
        self.verified_value = _value("slotVerified")
        self.form_value = _value("slotForm")
        self.handoff_value = _value("slotHandoff")
        self.mood_value = _value("slotMood")
        self._slot_rows = [(slots, w) for w in (self.order_value, self.product_value, self.verified_value,
                                                self.form_value, self.handoff_value, self.mood_value)]
        for _, widget in self._slot_rows:
            slots.addRow(QLabel(), widget)
        column.addLayout(slots)
        column.addStretch(1)
        self.setWidget(body)
        self._details = [self.turn_title, self.entities_title, self.fusion_title,
                         self.explanation, self.modalities, self.hypotheses_title, self.hypotheses, self.slots_title]
        self._render()

    @staticmethod
    def _section(column: QVBoxLayout) -> QLabel:
        label = QLabel()
        label.setObjectName("sectionTitle")
        column.addWidget(label)
        return label

    # -- public API ------------------------------------------------------------------------

    def show_exchange(self, exchange: Exchange, slots: SessionSlots | None) -> None:
        self.exchange, self.slots = exchange, slots
        self._render()

    def clear(self) -> None:
        self.exchange = self.slots = None
        self._render()

    def set_language(self, language: str) -> None:
        self.language = language
        self.hypotheses.set_language(language)
        self._render()

    def texts(self) -> str:
        """Everything the panel now says, one line per label (for tests and support screenshots)."""
        parts = [w.text() for w in self.findChildren(QLabel) if w.isVisibleTo(self) and w.text()]
        for row in range(self.entities.rowCount()):
            parts.append(" · ".join(cell_text(self.entities, row, c) for c in range(3)))
        parts.extend(self.hypotheses.texts())
        return "\n".join(parts)

    # -- rendering -------------------------------------------------------------------------

    def _t(self, en: str, zh: str) -> str:
        return tr(self.language, en, zh)

    def _intent(self, code: str) -> str:
        en, zh = INTENT_LABELS.get(code, (code, code))
        return f"{self._t(en, zh)} ({code})"

    def _render(self) -> None:
        t = self._t
        self.empty.setText(t("Nothing yet: the latest turn's understanding appears here.",
                             "暂无内容：最近一轮的理解结果会显示在这里。"))
        self.turn_title.setText(t("Latest turn", "最近一轮"))
        self.entities_title.setText(t("Entities", "实体"))
        self.no_entities.setText(t("none", "无"))
        self.fusion_title.setText(t("Fusion", "多模态融合"))
        self.hypotheses_title.setText(t("Every input this turn", "本轮全部输入"))
        self.slots_title.setText(t("Session", "会话状态"))
        self.entities.setHorizontalHeaderLabels([t("Kind", "类型"), t("Value", "值"), t("Confidence", "置信度")])
        names = (("Language", "语言"), ("Intent", "意图"), ("Confidence", "置信度"), ("Also", "其他意图"),
                 ("Emotion", "情绪"), ("Intensity", "强度"))
        for (form, widget), (en, zh) in zip(self._turn_rows, names):
            _set_label(form.labelForField(widget), t(en, zh))
        slot_names = (("Order", "当前订单"), ("Product", "当前商品"), ("Verified", "已验证"),
                      ("Open form", "进行中的表单"), ("Handed off", "已转人工"), ("Mood", "会话情绪"))
        for (form, widget), (en, zh) in zip(self._slot_rows, slot_names):
            _set_label(form.labelForField(widget), t(en, zh))
        has_turn = self.exchange is not None
        self.empty.setVisible(not has_turn)
        for widget in self._details + [w for _, w in self._turn_rows + self._slot_rows]:
            widget.setVisible(has_turn)
        for form, widget in self._turn_rows + self._slot_rows:
            form.labelForField(widget).setVisible(has_turn)
        if self.exchange is not None:
            self._render_turn(self.exchange)
        else:
            self.entities.hide()
            self.no_entities.hide()
            self.hypotheses.clear_rows()
        self._render_slots(self.slots)

    def _render_turn(self, exchange: Exchange) -> None:
        t = self._t
        turn, fused = exchange.turn, exchange.fused
        self.language_value.setText(t(*LANGUAGE_LABELS.get(turn.language, (turn.language, turn.language))))
        acted = exchange.reply.intent or turn.intent.value
        text = self._intent(acted)
        if acted != turn.intent.value:  # an open question (phone digits, a form step) claimed the turn
            text += t(f"\n(the words alone: {self._intent(turn.intent.value)})",
                      f"\n（仅看字面：{self._intent(turn.intent.value)}）")
        elif not turn.is_confident:
            text += t(" · unsure", " · 不确定")
        self.intent_value.setText(text)
        self.intent_bar.setValue(round(turn.confidence * 100))
        self.intent_bar.setFormat(f"{turn.confidence:.2f}")
        others = [f"{self._intent(i.value)} {p:.2f}" for i, p in turn.secondary_intents]
        self.secondary_value.setText("\n".join(others) or t("none", "无"))
        emotion = turn.emotion
        self.emotion_value.setText(t(*EMOTION_LABELS.get(emotion.label.value, (emotion.label.value,) * 2))
                                   + f" ({emotion.label.value})")
        self.emotion_bar.setValue(round(emotion.intensity * 100))
        self.emotion_bar.setFormat(f"{emotion.intensity:.2f}")
        rows = self.slots.entities if self.slots is not None and self.slots.entities else tuple(
            EntityRow(f"{e.kind}:{e.key}" if e.key else e.kind, mask_entity(e.kind, str(e.value)), e.confidence,
                      e.partial) for e in fused.entities)
        self.entities.setRowCount(len(rows))
        for row, entity in enumerate(rows):
            kind = entity.kind + (t(" (partial)", "（部分）") if entity.partial else "")
            for col, text in enumerate((kind, entity.value, f"{entity.confidence:.2f}")):
                self.entities.setItem(row, col, QTableWidgetItem(text))
        self.entities.setVisible(bool(rows))
        self.no_entities.setVisible(not rows)
        shown = min(len(rows), MAX_ENTITY_ROWS)  # the table is as tall as its rows, up to a few
        self.entities.setFixedHeight(self.entities.horizontalHeader().sizeHint().height()
                                     + self.entities.verticalHeader().defaultSectionSize() * shown + 4)
        self.explanation.setText(_masked_explanation(fused.explanation))
        self.hypotheses.show_fused(fused)
        conflicts = len(fused.conflicts)
        self.modalities.setText(t(f"Modalities: {', '.join(fused.modalities) or 'none'}"
                                  + (f" · {conflicts} conflict(s)" if conflicts else ""),
                                  f"模态：{'、'.join(fused.modalities) or '无'}"
                                  + (f" · {conflicts} 处冲突" if conflicts else "")))

    def _render_slots(self, slots: SessionSlots | None) -> None:
        t = self._t
        yes, no = t("yes", "是"), t("no", "否")
        if slots is None:
            for _, widget in self._slot_rows:
                widget.setText("—")
            return
        self.order_value.setText(f"…{slots.current_order_tail}" if slots.current_order_tail else "—")
        self.product_value.setText(slots.current_product or "—")
        self.verified_value.setText(yes if slots.verified else no)
        if slots.form_kind:
            kind = t(*{"return": ("Return", "退货"), "exchange": ("Exchange", "换货")}.get(
                slots.form_kind, (slots.form_kind, slots.form_kind)))
            step = t(*FORM_STEPS.get(slots.form_step or "", (slots.form_step or "", slots.form_step or "")))
            self.form_value.setText(t(f"{kind}: waiting for the {step}", f"{kind}：等待{step}"))
        elif slots.pending_intent:
            intent = self._intent(slots.pending_intent)
            self.form_value.setText(t(f"{intent}: waiting for the phone digits", f"{intent}：等待手机尾号")
                                    if slots.awaiting_phone else
                                    t(f"{intent}: waiting for an order number", f"{intent}：等待订单号"))
        else:
            self.form_value.setText(no)
        self.handoff_value.setText(yes if slots.handed_off else no)
        mood = t(*EMOTION_LABELS.get(slots.mood, (slots.mood, slots.mood)))
        self.mood_value.setText(f"{mood} ({slots.mood}) {slots.mood_intensity:.2f}")


def _masked_explanation(text: str) -> str:
    """The fusion explanation names slots, not values; mask any long digit run all the same."""
    return re.sub(r"\d{5,}", lambda m: f"…{m.group(0)[-4:]}", text)


def _set_label(label: QWidget | None, text: str) -> None:
    if isinstance(label, QLabel):  # a form row's label
        label.setText(text)
