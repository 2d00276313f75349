"""The complaints tab: topics grouped by the root cause a merchant acts on (supplier, carrier,
after-sales process, pricing), each with its weekly trend, what customers said, and the products
and carriers concerned. Clicking a cause or a topic lists its conversations."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop_app.service.analytics import Rate
from desktop_app.service.complaint_causes import RootCause
from desktop_app.service.merchant_types import TopicTrend
from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant import texts
from desktop_app.ui.merchant.charts import ChartView, complaints_chart
from desktop_app.ui.merchant.data import Dashboard
from desktop_app.ui.merchant.widgets import IDS_ROLE, Drill, Page, note_label

#: Tree columns: (English, Chinese).
COLUMNS = (("Root cause / topic", "根本原因 / 投诉话题"), ("Complaints", "投诉数"), ("Linked to an order", "已关联订单"),
           ("Per week, oldest first", "每周投诉数（由远及近）"), ("Carriers", "承运快递"), ("Products", "涉及商品"))
#: Where a tree row keeps its topic (None on a cause row).
TOPIC_ROLE = Qt.ItemDataRole.UserRole + 1
#: Where a cause row keeps its root cause.
CAUSE_ROLE = Qt.ItemDataRole.UserRole + 2


def weekly_text(counts: list[int]) -> str:
    """The weekly counts, oldest first, e.g. "1 · 3 · 6"."""
    return " · ".join(str(n) for n in counts)


def cause_weeks(trends: tuple[TopicTrend, ...], cause: RootCause) -> list[int]:
    """A root cause's complaints per week (the weeks every trend of the period shares)."""
    group = [t for t in trends if t.cause == cause]
    if not group:
        return []
    return [sum(n for g in group for d, n in g.by_week if d == day) for day, _ in group[0].by_week]


class ComplaintsPage(Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("complaintsPage")
        self.language = "zh"
        self.dashboard: Dashboard | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        self.summary = note_label("complaintSummary")
        column.addWidget(self.summary)
        self.chart_view = ChartView()
        self.chart_view.setObjectName("complaintChart")
        self.chart_view.setMinimumHeight(230)
        column.addWidget(self.chart_view, 2)
        self.tree = QTreeWidget()
        self.tree.setObjectName("complaintTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemClicked.connect(self._clicked)
        column.addWidget(self.tree, 2)
        self.examples_title = QLabel()
        self.examples_title.setObjectName("sectionTitle")
        column.addWidget(self.examples_title)
        #: The customers' own words, in whatever language they wrote (never translated).
        self.examples = note_label("customerWords")
        self.examples.setTextFormat(Qt.TextFormat.PlainText)
        self.examples.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.examples)
        self._selected: TopicTrend | None = None

    def show_dashboard(self, dashboard: Dashboard, language: str) -> None:
        self.dashboard = dashboard
        self.language = language
        t = partial(tr, language)
        trends = dashboard.complaints
        total = sum(c.complaints for c in trends)
        self.tree.clear()
        self.tree.setHeaderLabels([t(en, zh) for en, zh in COLUMNS])
        if not total:
            self.summary.setText(t("No complaints in this period.", "本期间没有投诉。"))
        else:
            parts = [f"{texts.cause(c, language)} {texts.rate_text(Rate(n, total), language)}"
                     for c in RootCause if (n := sum(x.complaints for x in trends if x.cause == c))]
            self.summary.setText(t(f"{total} complaints in this period, by root cause: ", f"本期间共 {total} 条投诉，按根本原因：")
                                 + ("；" if language == "zh" else "; ").join(parts))
        for cause in RootCause:
            group = [c for c in trends if c.cause == cause]
            count = sum(c.complaints for c in group)
            if not count:
                continue
            weeks = cause_weeks(trends, cause)
            ids = tuple(sorted({i for g in group for i in g.conversation_ids}))
            linked = sum(g.with_order for g in group)
            parent = QTreeWidgetItem([texts.cause(cause, language), texts.rate_text(Rate(count, total), language),
                                      texts.count_of(linked, count, language), weekly_text(weeks), "", ""])
            parent.setData(0, IDS_ROLE, ids)
            parent.setData(0, CAUSE_ROLE, cause.value)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.tree.addTopLevelItem(parent)
            for trend in group:
                products = partial(_product, dashboard)
                child = QTreeWidgetItem([
                    texts.topic(trend.topic, language), str(trend.complaints),
                    texts.count_of(trend.with_order, trend.complaints, language),
                    weekly_text([n for _, n in trend.by_week]),
                    texts.counted(trend.carriers, texts.carrier, language),
                    texts.counted(trend.products, products, language)])
                child.setData(0, IDS_ROLE, trend.conversation_ids)
                child.setData(0, TOPIC_ROLE, trend.topic.value)
                child.setToolTip(3, self._weeks_tip(trend))
                child.setToolTip(5, texts.counted(trend.products, products, language, limit=20))
                parent.addChild(child)
            parent.setExpanded(True)
        for c in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(c)
        self._show_chart(trends, language)
        selected = self._selected
        self._selected = next((c for c in trends if selected is not None and c.topic == selected.topic), None)
        if self._selected is None and trends:
            self._selected = trends[0]
        self._show_examples()

    def _show_chart(self, trends: tuple[TopicTrend, ...], language: str) -> None:
        causes = [c for c in RootCause if any(t.cause == c for t in trends)]
        weeks = [d for d, _ in trends[0].by_week] if trends else []
        chart, sets = complaints_chart(weeks, [(texts.cause(c, language), cause_weeks(trends, c)) for c in causes],
                                       language)
        self.chart_view.replace_chart(chart)
        for cause, bar_set in zip(causes, sets):
            bar_set.clicked.connect(lambda _index, cause=cause: self._cause_picked(cause))

    def _cause_picked(self, cause: RootCause) -> None:
        if self.dashboard is None:
            return
        ids = tuple(sorted({i for t in self.dashboard.complaints if t.cause == cause for i in t.conversation_ids}))
        self.drill.emit(Drill(f"Complaints: {texts.cause(cause, 'en')}", f"投诉：{texts.cause(cause, 'zh')}", ids))

    def _weeks_tip(self, trend: TopicTrend) -> str:
        lines = [tr(self.language, f"week of {d:%d %b}: {n}", f"{d.month}月{d.day}日当周：{n} 条") for d, n in trend.by_week]
        return "\n".join(lines)

    def _show_examples(self) -> None:
        t = partial(tr, self.language)
        trend = self._selected
        if trend is None:
            self.examples_title.setText(t("What customers said", "顾客原话"))
            self.examples.setText("")
            return
        self.examples_title.setText(t(f"What customers said about {texts.topic(trend.topic, 'en')}",
                                      f"顾客关于「{texts.topic(trend.topic, 'zh')}」的原话"))
        self.examples.setText("\n".join(f"“{e}”" for e in trend.examples) or "–")

    def topic_items(self) -> list[QTreeWidgetItem]:
        """The topic rows (children of the cause rows), top to bottom."""
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            cause = self.tree.topLevelItem(i)
            if cause is not None:
                out += [child for j in range(cause.childCount()) if (child := cause.child(j)) is not None]
        return out

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        ids = tuple(item.data(0, IDS_ROLE) or ())
        topic_value = item.data(0, TOPIC_ROLE)
        if self.dashboard is not None and topic_value:
            self._selected = next((c for c in self.dashboard.complaints if c.topic.value == topic_value), None)
            self._show_examples()
        name_en, name_zh = _names(item, topic_value)
        if not ids:
            self.drill.emit(Drill(f"Complaints: {name_en} (filed without a conversation)",
                                  f"投诉：{name_zh}（非会话中提交）", ()))
            return
        self.drill.emit(Drill(f"Complaints: {name_en}", f"投诉：{name_zh}", ids))


def _names(item: QTreeWidgetItem, topic_value: str | None) -> tuple[str, str]:
    if topic_value:
        return texts.topic(topic_value, "en"), texts.topic(topic_value, "zh")
    cause = RootCause(item.data(0, CAUSE_ROLE))
    return texts.cause(cause, "en"), texts.cause(cause, "zh")


def _product(dashboard: Dashboard, sku: str, language: str) -> str:
    return texts.product_name(sku, dashboard.product_names, language)
