"""The dashboard's table tabs: assembly pain per guide step, searches that found nothing, customer
segments, agents' response times, and the intent model in use.

Each table's rows come from :mod:`desktop_app.ui.merchant.rows`, the same rows the CSV export
writes, so what the manager reads on screen is what she opens in Excel.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant import rows, texts
from desktop_app.ui.merchant.data import Dashboard
from desktop_app.ui.merchant.widgets import IDS_ROLE, Drill, Page, empty_note, fill_table, make_table, note_label


class TablePage(Page):
    """A note over one table; a row with conversations behind it lists them when clicked."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"{key}Page")
        self.language = "zh"
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        self.note = note_label()
        column.addWidget(self.note)
        self.table = make_table(f"{key}Table")
        self.table.cellClicked.connect(self._clicked)
        column.addWidget(self.table, 1)
        self._table: rows.Table | None = None

    def show_dashboard(self, dashboard: Dashboard, language: str) -> None:
        self.language = language
        table = rows.screen_table(self.key, dashboard, language)
        self._table = table
        note = tr(language, table.note_en, table.note_zh)
        self.note.setText(note if table.rows else f"{note} {empty_note(language)}")
        ids = [[row_ids] * len(table.headers) for row_ids in table.ids] if table.ids else None
        fill_table(self.table, table.headers, table.rows, ids)

    def _clicked(self, row: int, _column: int) -> None:
        table = self._table
        item = self.table.item(row, 0)
        if table is None or item is None:
            return
        ids = item.data(IDS_ROLE)
        if ids is None:
            self.drill.emit(Drill(table.no_ids_en, table.no_ids_zh, None))
            return
        first = table.rows[row][0]
        self.drill.emit(Drill(f"{table.title_en}: {table.row_names[row][0] or first}",
                              f"{table.title_zh}：{table.row_names[row][1] or first}", tuple(ids)))


class ModelPage(Page):
    """The intent model the assistant answers with: its version and its scores on the held-out set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPage")
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 16, 16, 16)
        self.note = note_label()
        column.addWidget(self.note)
        self.form = QFormLayout()
        self.fields: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("version", "macro_f1", "baseline_f1", "created_at", "examples"):
            name, value = QLabel(), QLabel()
            value.setObjectName(f"model_{key}")
            self.fields[key] = (name, value)
            self.form.addRow(name, value)
        column.addLayout(self.form)
        column.addStretch(1)

    def show_dashboard(self, dashboard: Dashboard, language: str) -> None:
        t = partial(tr, language)
        model = dashboard.model
        for name, value in self.fields.values():
            name.setVisible(model is not None)
            value.setVisible(model is not None)
        if model is None:
            self.note.setText(t("The model shipped with the app is in use: no retrained model has been deployed yet.",
                                "正在使用随应用发布的模型：尚未部署重新训练的模型。"))
            return
        self.note.setText(t("The intent model the assistant uses to understand customers, scored on held-out "
                            "examples it never learnt from (macro-F1: the average over all intents, 1.00 is perfect).",
                            "智能助手用于理解顾客诉求的意图模型，在未参与训练的留出样本上评分"
                            "（宏平均 F1：各意图的平均，1.00 为满分）。"))
        baseline = ("–" if model.baseline_f1 is None else
                    t(f"{model.baseline_f1:.3f} (change {model.macro_f1 - model.baseline_f1:+.3f})",
                      f"{model.baseline_f1:.3f}（变化 {model.macro_f1 - model.baseline_f1:+.3f}）"))
        shown = {
            "version": (t("Model in use", "当前模型"), model.version),
            "macro_f1": (t("Macro-F1 on held-out examples", "留出集宏平均 F1"), f"{model.macro_f1:.3f}"),
            "baseline_f1": (t("Model it replaced", "被替换模型的 F1"), baseline),
            "created_at": (t("Trained", "训练时间"),
                           texts.when_text(model.created_at, language)),
            "examples": (t("Training examples", "训练样本"),
                         t(f"{model.base_examples} base + {model.reviewed_examples} reviewed from agents",
                           f"基础样本 {model.base_examples} 条 + 人工审核样本 {model.reviewed_examples} 条")),
        }
        for key, (name_text, value_text) in shown.items():
            name, value = self.fields[key]
            name.setText(name_text)
            value.setText(value_text)
