"""The dashboard on paper: a PDF a store manager can print or forward, drawn with QPdfWriter.

Page one carries the period, the headline rates with their counts and the two charts of the
overview; then the complaints by root cause (chart and table), searches that found nothing, the
slowest assembly steps and the agents' times. The charts are the dashboard's own (built by
:mod:`~desktop_app.ui.merchant.charts`) and every cell comes from :mod:`~desktop_app.ui.merchant.rows`
or the same formatting, so the paper and the screen agree.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCharts import QChart
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QApplication

from desktop_app.core.errors import AppError
from desktop_app.service.analytics import Rate
from desktop_app.service.complaint_causes import RootCause
from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant import rows, texts
from desktop_app.ui.merchant.charts import complaints_chart, paint_chart, rates_chart, volume_chart
from desktop_app.ui.merchant.complaints import cause_weeks
from desktop_app.ui.merchant.data import Dashboard

log = logging.getLogger(__name__)

#: Dots per inch of the page's coordinate system (the PDF itself is vector).
DPI = 150
ACCENT = QColor("#ff5000")
INK = QColor("#1f2329")
GREY = QColor("#5b6470")
RULE = QColor("#e6e8eb")


class _Pages:
    """A cursor down A4 pages: text, a table, a chart; a new page when the next block does not fit."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.painter = painter
        page = writer.pageLayout().paintRectPixels(DPI)
        self.width = float(page.width())
        self.height = float(page.height())
        self.y = 0.0
        self.pages = 1
        base = QApplication.font()
        self.family = base.families() or [base.family()]

    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont()
        font.setFamilies(list(self.family))
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def room(self, needed: float) -> None:
        if self.y + needed > self.height:
            self.writer.newPage()
            self.pages += 1
            self.y = 0.0

    def text(self, text: str, points: float = 10, *, bold: bool = False, colour: QColor = INK,
             gap: float = 6) -> None:
        font = self.font(points, bold)
        metrics = QFontMetricsF(font, self.writer)
        rect = metrics.boundingRect(QRectF(0, 0, self.width, 10_000), int(Qt.TextFlag.TextWordWrap), text)
        self.room(rect.height() + gap)
        self.painter.setFont(font)
        self.painter.setPen(colour)
        self.painter.drawText(QRectF(0, self.y, self.width, rect.height() + 2), int(Qt.TextFlag.TextWordWrap), text)
        self.y += rect.height() + gap

    def chart(self, chart: QChart, height: float) -> None:
        self.room(height + 8)
        paint_chart(chart, self.painter, QRectF(0, self.y, self.width, height))
        self.y += height + 8

    def table(self, headers: Sequence[str], cells: Sequence[Sequence[str]], widths: Sequence[float],
              bold_rows: frozenset[int] = frozenset()) -> None:
        """A ruled table; columns take ``widths`` shares of the page; long cells are cut with "…"."""
        font, head = self.font(8.5), self.font(8.5, bold=True)
        metrics = QFontMetricsF(font, self.writer)
        line = metrics.height() * 1.45
        xs = [0.0]
        for share in widths:
            xs.append(xs[-1] + share * self.width)

        def row(values: Sequence[str], bold: bool) -> None:
            self.room(line)
            self.painter.setFont(head if bold else font)
            self.painter.setPen(INK)
            for c, value in enumerate(values):
                cell = QRectF(xs[c] + 3, self.y, xs[c + 1] - xs[c] - 6, line)
                align = Qt.AlignmentFlag.AlignVCenter | (Qt.AlignmentFlag.AlignRight if c and _numeric(value)
                                                         else Qt.AlignmentFlag.AlignLeft)
                shown = metrics.elidedText(value, Qt.TextElideMode.ElideRight, cell.width())
                self.painter.drawText(cell, int(align), shown)
            self.painter.setPen(QPen(RULE, 1))
            self.painter.drawLine(0, int(self.y + line), int(self.width), int(self.y + line))
            self.y += line

        row(headers, True)
        for n, values in enumerate(cells):
            row(values, n in bold_rows)
        self.y += 10


def _numeric(value: str) -> bool:
    return bool(value) and (value[0].isdigit() or value[0] in "–¥")


def _headline(d: Dashboard, language: str) -> list[str]:
    total = d.total
    t = partial(tr, language)
    complaints = sum(c.complaints for c in d.complaints)
    return [
        t(f"Conversations with a request: {total.conversations}", f"有实际诉求的会话：{total.conversations} 个"),
        t(f"Resolved by the assistant: {texts.rate_text(total.resolution, language)}",
          f"智能助手独立解决率：{texts.rate_text(total.resolution, language)}"),
        t(f"Handed to a person: {texts.rate_text(total.handoff, language)}",
          f"转人工率：{texts.rate_text(total.handoff, language)}"),
        t(f"Satisfaction: {texts.stars_text(total.satisfaction, total.rated, language)}",
          f"满意度：{texts.stars_text(total.satisfaction, total.rated, language)}"),
        t(f"Complaints: {complaints}", f"投诉：{complaints} 条"),
    ]


def _complaint_rows(d: Dashboard, language: str) -> tuple[list[list[str]], frozenset[int]]:
    total = sum(c.complaints for c in d.complaints)
    out: list[list[str]] = []
    bold = set()
    for cause in RootCause:
        group = [c for c in d.complaints if c.cause == cause]
        count = sum(c.complaints for c in group)
        if not count:
            continue
        bold.add(len(out))
        out.append([texts.cause(cause, language), texts.rate_text(Rate(count, total), language),
                    texts.count_of(sum(c.with_order for c in group), count, language), "", ""])
        for c in group:
            out.append(["   " + texts.topic(c.topic, language), str(c.complaints),
                        texts.count_of(c.with_order, c.complaints, language),
                        texts.counted(c.carriers, texts.carrier, language, limit=2),
                        texts.counted(c.products, lambda sku, lang: texts.product_name(sku, d.product_names, lang),
                                      language, limit=2)])
    return out, frozenset(bold)


def write_report(d: Dashboard, path: Path, language: str, *, generated_at: datetime) -> int:
    """Draw the report for ``d`` into ``path`` (a PDF) in ``language``; returns the number of pages."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    t = partial(tr, language)
    writer.setTitle(t("Store service report", "经营服务报告"))
    writer.setCreator("desktop-app")
    painter = QPainter()
    if not painter.begin(writer):
        raise AppError(f"cannot write {path}.", message_zh=f"无法写入 {path}。")
    try:
        pages = _Pages(writer, painter)
        pages.text(t("Store service report", "经营服务报告"), 20, bold=True, colour=ACCENT, gap=2)
        pages.text(t(f"{texts.period_text(d.period.start, d.period.end, 'en')} · generated {generated_at:%d %b %Y %H:%M}",
                     f"{texts.period_text(d.period.start, d.period.end, 'zh')} · 生成于 "
                     f"{texts.when_text(generated_at, 'zh')}"), 9, colour=GREY, gap=12)
        for line in _headline(d, language):
            pages.text(line, 11, bold=True, gap=3)
        pages.text(t("Resolved by the assistant: not handed to a person, no need to ask again, not ended with the "
                     "request open, not rated 1–2 stars. Greetings alone are not counted.",
                     "智能助手独立解决：未转人工、无需重复提问、结束时诉求未悬而未决、未被评为 1–2 星。仅寒暄的会话不计入。"),
                   8, colour=GREY, gap=10)
        buckets = d.buckets
        pages.chart(rates_chart(buckets, language)[0], pages.height * 0.33)
        pages.chart(volume_chart(buckets, d.intents, language)[0], pages.height * 0.33)

        pages.room(pages.height)  # complaints start a page
        pages.text(t("Complaints by root cause", "投诉（按根本原因）"), 14, bold=True, colour=ACCENT)
        if d.complaints:
            causes = [c for c in RootCause if any(x.cause == c for x in d.complaints)]
            weeks = [w for w, _ in d.complaints[0].by_week]
            chart, _ = complaints_chart(weeks, [(texts.cause(c, language), cause_weeks(d.complaints, c))
                                                for c in causes], language)
            pages.chart(chart, pages.height * 0.28)
            cells, bold = _complaint_rows(d, language)
            pages.table([t(*h) for h in (("Root cause / topic", "根本原因 / 话题"), ("Complaints", "投诉数"),
                                         ("Linked to an order", "已关联订单"), ("Carriers", "承运快递"),
                                         ("Products", "涉及商品"))], cells, (0.26, 0.14, 0.12, 0.2, 0.28), bold)
        else:
            pages.text(t("No complaints in this period.", "本期间没有投诉。"), 10)
        for table, widths, limit in ((rows.unmet(d, language), (0.55, 0.1, 0.2, 0.15), 10),
                                     (rows.assembly(d, language), (0.34, 0.1, 0.12, 0.18, 0.13, 0.13), 10),
                                     (rows.agents(d, language), (0.26, 0.14, 0.12, 0.12, 0.18, 0.18), 20)):
            pages.room(80)
            pages.text(tr(language, table.title_en, table.title_zh), 12, bold=True, colour=ACCENT, gap=2)
            pages.text(tr(language, table.note_en, table.note_zh), 8, colour=GREY, gap=4)
            if table.rows:
                pages.table(table.headers, table.rows[:limit], widths)
            else:
                pages.text(t("Nothing recorded in this period.", "本期间暂无记录。"), 9, gap=10)
        if d.model is not None:
            pages.text(t(f"Intent model in use: {d.model.version}, macro-F1 {d.model.macro_f1:.3f} on held-out examples",
                         f"当前意图模型：{d.model.version}，留出集宏平均 F1 {d.model.macro_f1:.3f}"), 9, colour=GREY)
        return pages.pages
    finally:
        painter.end()
