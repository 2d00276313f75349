"""The overview tab: the period's headline rates with their counts, how they moved day by day,
and what customers asked for; every point, bar and row opens the conversations behind it."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QGridLayout, QScrollArea, QTableWidgetItem, QVBoxLayout, QWidget

from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant import texts
from desktop_app.ui.merchant.charts import HANDOFF, RESOLUTION, SATISFACTION, ChartView, bucket_label, intent_caption
from desktop_app.ui.merchant.data import OTHER_INTENTS, Bucket, Dashboard
from desktop_app.ui.merchant.widgets import IDS_ROLE, Drill, KpiTile, Page, fill_table, make_table, note_label

#: Per-day table columns: (English, Chinese).
DAY_COLUMNS = (("Day", "日期"), ("Conversations", "会话数"), ("Resolved by the assistant", "智能助手解决"),
               ("Not resolved", "未解决"), ("Handed to a person", "转人工"), ("Satisfaction", "满意度"))


def _when(b: Bucket) -> tuple[str, str]:
    """The bucket as a caption fragment in both languages."""
    return bucket_label(b, "en"), bucket_label(b, "zh")


class OverviewPage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPage")
        self.dashboard: Dashboard | None = None
        self.language = "zh"
        self.buckets: tuple[Bucket, ...] = ()
        self.intents: tuple[str, ...] = ()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(self.scroll_area)
        body = QWidget()
        self.scroll_area.setWidget(body)
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(10)
        tiles = QGridLayout()
        self.tiles = {key: KpiTile(key, accent=key == "resolution")
                      for key in ("conversations", "resolution", "handoff", "satisfaction")}
        for n, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, n)
        column.addLayout(tiles)
        self.note = note_label()
        column.addWidget(self.note)
        self.rates_view = ChartView()
        self.rates_view.setObjectName("ratesChart")
        self.rates_view.setMinimumHeight(300)
        self.rates_view.picked.connect(self._rate_picked)
        column.addWidget(self.rates_view)
        self.volume_view = ChartView()
        self.volume_view.setObjectName("volumeChart")
        self.volume_view.setMinimumHeight(320)
        self.volume_view.picked.connect(self._bar_picked)
        column.addWidget(self.volume_view)
        self.table = make_table("dayTable")
        self.table.setMinimumHeight(260)
        self.table.cellClicked.connect(self._cell_clicked)
        column.addWidget(self.table)

    def show_dashboard(self, dashboard: Dashboard, language: str) -> None:
        self.dashboard = dashboard
        self.language = language
        self.buckets = dashboard.buckets
        self.intents = dashboard.intents
        total = dashboard.total
        t = partial(tr, language)
        self.tiles["conversations"].show_figure(t("Conversations with a request", "有实际诉求的会话"),
                                                str(total.conversations))
        self.tiles["resolution"].show_figure(t("Resolved by the assistant", "智能助手独立解决率"),
                                             texts.rate_text(total.resolution, language))
        self.tiles["handoff"].show_figure(t("Handed to a person", "转人工率"), texts.rate_text(total.handoff, language))
        self.tiles["satisfaction"].show_figure(t("Satisfaction", "满意度"),
                                               texts.stars_text(total.satisfaction, total.rated, language))
        self.note.setText(t("Resolved by the assistant: not handed to a person, the customer did not have to ask "
                            "again, the conversation did not end with the request open, and it was not rated 1–2 "
                            "stars. Greetings alone are not counted. Click a point, a bar or a row to see the "
                            "conversations.",
                            "智能助手独立解决：未转人工、顾客无需重复提问、结束时诉求未悬而未决、且未被评为 1–2 星。"
                            "仅寒暄的会话不计入。点击图中的点、柱或表格行，可查看对应会话。"))
        self.rates_view.show_rates(self.buckets, language)
        self.volume_view.show_volume(self.buckets, self.intents, language)
        self._fill_days(language)

    def _fill_days(self, language: str) -> None:
        rows, ids = [], []
        for b in reversed(self.buckets):  # newest first: what the manager looks at
            rows.append([bucket_label(b, language), str(b.conversations), texts.rate_text(b.resolution, language),
                         texts.count_of(len(b.unresolved_ids), b.conversations, language),
                         texts.rate_text(b.handoff, language), texts.stars_text(b.satisfaction, b.rated, language)])
            ids.append([b.all_ids, b.all_ids, b.resolved_ids, b.unresolved_ids, b.handed_off_ids, b.all_ids])
        fill_table(self.table, [tr(language, en, zh) for en, zh in DAY_COLUMNS], rows, ids)

    # -- clicks → the conversations behind them -------------------------------------------------

    def _rate_picked(self, key: str, index: int) -> None:
        if not 0 <= index < len(self.buckets):
            return
        b = self.buckets[index]
        en, zh = _when(b)
        if key == HANDOFF:
            self.drill.emit(Drill(f"Handed to a person, {en}", f"{zh}转人工", b.handed_off_ids))
        elif key == RESOLUTION:
            self.drill.emit(Drill(f"Conversations on {en}", f"{zh}的会话", b.all_ids))
        elif key == SATISFACTION:
            self.drill.emit(Drill(f"Conversations on {en}", f"{zh}的会话", b.all_ids))

    def _bar_picked(self, intent: str, index: int) -> None:
        if not 0 <= index < len(self.buckets):
            return
        b = self.buckets[index]
        en, zh = _when(b)
        if intent == OTHER_INTENTS:
            named = set(self.intents)
            ids = tuple(sorted({i for k, v in b.intent_ids if k not in named for i in v}))
        else:
            ids = b.ids_for(intent)
        self.drill.emit(Drill(f"{intent_caption(intent, 'en')}, {en}", f"{zh}「{intent_caption(intent, 'zh')}」", ids))

    def _cell_clicked(self, row: int, column: int) -> None:
        item: QTableWidgetItem | None = self.table.item(row, column)
        day = self.table.item(row, 0)
        if item is None or day is None:
            return
        ids = item.data(IDS_ROLE)
        index = len(self.buckets) - 1 - row
        if ids is None or not 0 <= index < len(self.buckets):
            return
        en, zh = _when(self.buckets[index])
        col_en, col_zh = DAY_COLUMNS[column] if column >= 2 else ("Conversations", "会话")
        self.drill.emit(Drill(f"{col_en}, {en}", f"{zh}·{col_zh}", tuple(ids)))

