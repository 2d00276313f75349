"""The dashboard's two charts (rates over time, conversation volume by intent), built with QtCharts.

Each builder returns a plain ``QChart`` so the window shows it in a clickable view and the PDF
report draws the very same chart onto a page (:func:`paint_chart`). A click on a point or a bar
is reported as (what, bucket index): the window turns it into the conversations behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QToolTip, QWidget

from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant import texts
from desktop_app.ui.merchant.data import OTHER_INTENTS, Bucket

log = logging.getLogger(__name__)

#: Series colours: the window's orange first, then colours that stay apart in print.
PALETTE = ("#ff5000", "#1677ff", "#52c41a", "#faad14", "#722ed1", "#13c2c2", "#eb2f96", "#8c8c8c", "#bfbfbf")
RESOLUTION, HANDOFF, SATISFACTION = "resolution", "handoff", "satisfaction"


def bucket_label(bucket: Bucket, language: str) -> str:
    if bucket.days == 1:
        return texts.day_text(bucket.start, language)
    return tr(language, f"wk {bucket.start:%d %b}", f"{bucket.start.month}/{bucket.start.day}起")


def _axis_font(chart: QChart, many: bool) -> QFont:
    font = QFont(chart.font())
    font.setPointSize(7 if many else 8)
    return font


def _category_axis(chart: QChart, labels: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(labels)
    axis.setLabelsFont(_axis_font(chart, len(labels) > 10))
    if len(labels) > 10:
        axis.setLabelsAngle(-90)  # upright labels are cut short once the days crowd each other
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    return axis


def _plain(chart: QChart, title: str) -> None:
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setBackgroundRoundness(6)


def rates_chart(buckets: Sequence[Bucket], language: str) -> tuple[QChart, dict[str, QLineSeries]]:
    """AI resolution and handoff (% of conversations, left axis) and satisfaction (stars, right axis).

    A day without conversations has no point: its rate is not 0 %, it is unknown.
    """
    chart = QChart()
    _plain(chart, tr(language, "How conversations ended", "会话结果走势"))
    axis_x = _category_axis(chart, [bucket_label(b, language) for b in buckets])
    percent = QValueAxis()
    percent.setRange(0, 100)
    percent.setLabelFormat("%d%%")
    percent.setTitleText(tr(language, "% of conversations", "占会话比例"))
    chart.addAxis(percent, Qt.AlignmentFlag.AlignLeft)
    stars = QValueAxis()
    stars.setRange(1, 5)
    stars.setTickCount(5)
    stars.setLabelFormat("%.0f")
    stars.setTitleText(tr(language, "satisfaction (stars)", "星级"))
    chart.addAxis(stars, Qt.AlignmentFlag.AlignRight)
    series: dict[str, QLineSeries] = {}
    for key, name, colour, axis in (
            (RESOLUTION, tr(language, "Resolved by the assistant", "智能助手独立解决率"), PALETTE[0], percent),
            (HANDOFF, tr(language, "Handed to a person", "转人工率"), PALETTE[1], percent),
            (SATISFACTION, tr(language, "Satisfaction", "满意度"), PALETTE[2], stars)):
        line = QLineSeries()
        line.setName(name)
        line.setPen(QPen(QColor(colour), 2.5))
        line.setPointsVisible(True)
        for i, b in enumerate(buckets):
            if key == SATISFACTION:
                if b.satisfaction is not None:
                    line.append(QPointF(i, b.satisfaction))
            elif b.conversations:
                rate = b.resolution if key == RESOLUTION else b.handoff
                line.append(QPointF(i, rate.value * 100))
        chart.addSeries(line)
        line.attachAxis(axis_x)
        line.attachAxis(axis)
        series[key] = line
    return chart, series


def intent_sets(buckets: Sequence[Bucket], intents: Sequence[str]) -> list[list[int]]:
    """Customer turns per intent (rows) per bucket (columns); "other" sums the intents not drawn alone."""
    named = [i for i in intents if i != OTHER_INTENTS]
    rows = [[b.turns_for(i) for b in buckets] for i in named]
    if OTHER_INTENTS in intents:
        rows.append([sum(n for i, n in b.turns if i not in named) for b in buckets])
    return rows


def intent_caption(intent: str, language: str) -> str:
    return tr(language, "other requests", "其他诉求") if intent == OTHER_INTENTS else texts.intent_name(intent, language)


def volume_chart(buckets: Sequence[Bucket], intents: Sequence[str],
                 language: str) -> tuple[QChart, list[QBarSet]]:
    """Customer requests per day (or week), stacked by what they asked for."""
    chart = QChart()
    _plain(chart, tr(language, "Customer requests by topic", "顾客诉求量（按意图）"))
    bars = QStackedBarSeries()
    sets = []
    for n, (intent, counts) in enumerate(zip(intents, intent_sets(buckets, intents))):
        bar_set = QBarSet(intent_caption(intent, language))
        bar_set.setColor(QColor(PALETTE[n % len(PALETTE)]))
        bar_set.setBorderColor(QColor("#ffffff"))
        bar_set.append([float(c) for c in counts])
        bars.append(bar_set)
        sets.append(bar_set)
    chart.addSeries(bars)
    axis_x = _category_axis(chart, [bucket_label(b, language) for b in buckets])
    bars.attachAxis(axis_x)
    top = max((sum(col) for col in zip(*intent_sets(buckets, intents))), default=0)
    bars.attachAxis(count_axis(chart, top))
    return chart, sets


def count_axis(chart: QChart, top: int) -> QValueAxis:
    """A left axis of whole numbers from 0 with four equal steps (no "2.5 requests")."""
    axis = QValueAxis()
    step = max(1, -(-top // 4))
    axis.setRange(0, step * 4)
    axis.setTickCount(5)
    axis.setLabelFormat("%d")
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    return axis


def complaints_chart(weeks: Sequence[date], causes: Sequence[tuple[str, list[int]]],
                     language: str) -> tuple[QChart, list[QBarSet]]:
    """Complaints per week (oldest first), stacked by root cause (``causes``: name and weekly counts)."""
    chart = QChart()
    _plain(chart, tr(language, "Complaints per week, by root cause", "每周投诉数（按根本原因）"))
    bars = QStackedBarSeries()
    sets = []
    for n, (name, counts) in enumerate(causes):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(PALETTE[n % len(PALETTE)]))
        bar_set.setBorderColor(QColor("#ffffff"))
        bar_set.append([float(c) for c in counts])
        bars.append(bar_set)
        sets.append(bar_set)
    chart.addSeries(bars)
    labels = [tr(language, f"wk {w:%d %b}", f"{w.month}月{w.day}日当周") for w in weeks]
    bars.attachAxis(_category_axis(chart, labels))
    bars.attachAxis(count_axis(chart, max((sum(col) for col in zip(*(c for _, c in causes))), default=0)))
    return chart, sets


def paint_chart(chart: QChart, painter: QPainter, target: QRectF) -> None:
    """Draw ``chart`` (not shown in any view) into ``target`` of ``painter``, e.g. a PDF page."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, target.width(), target.height()))
    scene.render(painter, target, QRectF(0, 0, target.width(), target.height()))
    scene.removeItem(chart)


class ChartView(QChartView):
    """A chart on screen whose points and bars report clicks as (series key, bucket index)."""

    picked = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.tips: list[str] = []

    def show_rates(self, buckets: Sequence[Bucket], language: str) -> dict[str, QLineSeries]:
        chart, series = rates_chart(buckets, language)
        self.replace_chart(chart)
        for key, line in series.items():
            line.clicked.connect(lambda point, key=key: self.picked.emit(key, round(point.x())))
            line.hovered.connect(lambda point, on, key=key: self._hover(key, point, on, buckets, language))
        return series

    def show_volume(self, buckets: Sequence[Bucket], intents: Sequence[str], language: str) -> list[QBarSet]:
        chart, sets = volume_chart(buckets, intents, language)
        self.replace_chart(chart)
        for intent, bar_set in zip(intents, sets):
            bar_set.clicked.connect(lambda index, intent=intent: self.picked.emit(intent, index))
        return sets

    def replace_chart(self, chart: QChart) -> None:
        """Show ``chart``; the one shown before is deleted (the view released it)."""
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def _hover(self, key: str, point: QPointF, on: bool, buckets: Sequence[Bucket], language: str) -> None:
        index = round(point.x())
        if not on or not 0 <= index < len(buckets):
            QToolTip.hideText()
            return
        b = buckets[index]
        if key == SATISFACTION:
            text = texts.stars_text(b.satisfaction, b.rated, language)
        else:
            text = texts.rate_text(b.resolution if key == RESOLUTION else b.handoff, language)
        QToolTip.showText(QCursor.pos(), f"{bucket_label(b, language)}: {text}")
