"""Product cards: a list of search results or recommendations, and one product's full answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.core.places import place_label
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, attribute_label
from desktop_app.nlu.brands import brand_label
from desktop_app.service.types import ProductAnswer, ProductSummary, Recommendation, SearchQuery, SearchResult, yuan
from desktop_app.ui.chat.card_base import Card, make_label
from desktop_app.ui.chat.product_art import product_pixmap


class ProductListCard(Card):
    """Search results or recommendations, one row per product, each with a details button."""

    productActivated = Signal(int)
    pageRequested = Signal(object)

    def __init__(self, items: SearchResult | Sequence[ProductSummary] | Sequence[Recommendation], language: str,
                 title: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        result = items if isinstance(items, SearchResult) else None
        entries: list[ProductSummary | Recommendation] = list(items.items if isinstance(items, SearchResult) else items)
        if title is None:
            if result is not None:
                title = self.t(f"{result.total} product(s) found", f"共找到 {result.total} 件商品")
            elif entries and isinstance(entries[0], Recommendation):
                title = self.t("Recommended for you", "为您推荐")
            else:
                title = self.t(f"{len(entries)} product(s)", f"{len(entries)} 件商品")
        self.title(title)
        if not entries:
            self.note(self.t("No products matched these conditions. Try fewer filters.",
                             "没有符合条件的商品，试试减少筛选条件。"), "emptyText")
        for entry in entries:
            self.add(self._row(entry))
        if result is not None and result.pages > 1:
            self._pager(result)

    def _row(self, entry: ProductSummary | Recommendation) -> QWidget:
        product = entry.product if isinstance(entry, Recommendation) else entry
        row = QFrame()
        row.setObjectName("productRow")
        row.setProperty("productId", product.product_id)
        grid = QGridLayout(row)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.addWidget(_picture(product, 48), 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(make_label(product.name(self.language), "productName"), 0, 1)
        category = CATEGORIES.get(product.category)
        meta = (f"{brand_label(product.brand, self.language)} · {category.label(self.language) if category else product.category}"
                f" · ★{product.rating:.1f} · {product.sku}")
        if product.stock <= 0:
            meta += " · " + self.t("out of stock", "缺货")
        grid.addWidget(make_label(meta, "productMeta"), 1, 1)
        price = make_label(yuan(product.price_fen), "price", wrap=False)
        price.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(price, 0, 2)
        details = QPushButton(self.t("Details", "详情"))
        details.setObjectName("detailsButton")
        details.setProperty("flat", True)
        details.clicked.connect(lambda: self.productActivated.emit(product.product_id))
        grid.addWidget(details, 1, 2, Qt.AlignmentFlag.AlignRight)
        if isinstance(entry, Recommendation):
            why = make_label(self.t("Why: ", "推荐理由：") + entry.why(self.language), "whyLabel")
            grid.addWidget(why, 2, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        return row

    def _pager(self, result: SearchResult) -> None:
        row = QHBoxLayout()
        row.addWidget(make_label(self.t(f"Page {result.page} of {result.pages}", f"第 {result.page}/{result.pages} 页"),
                             "pageLabel", wrap=False))
        row.addStretch(1)
        for name, en, zh, page in (("prevPage", "Previous", "上一页", result.page - 1),
                                   ("nextPage", "Next", "下一页", result.page + 1)):
            button = QPushButton(self.t(en, zh))
            button.setObjectName(name)
            button.setEnabled(1 <= page <= result.pages)
            button.clicked.connect(lambda _=False, p=page: self.pageRequested.emit(_with_page(result.query, p)))
            row.addWidget(button)
        self.body.addLayout(row)


def _picture(product: ProductSummary, size: int) -> QLabel:
    label = QLabel()
    label.setObjectName("productPicture")
    label.setPixmap(product_pixmap(product.category, product.name_en, size))
    label.setFixedSize(size, size)
    label.setAccessibleName(product.name_en)
    return label


def _with_page(query: SearchQuery, page: int) -> SearchQuery:
    return replace(query, page=page)


class ProductCard(Card):
    """One product's answer: price, stock, specs and a delivery estimate."""

    def __init__(self, answer: ProductAnswer, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        detail = answer.product
        p = detail.summary
        self.title(p.name(language))
        head = QHBoxLayout()
        head.addWidget(_picture(p, 72))
        head.addWidget(make_label(yuan(p.price_fen), "price", wrap=False))
        stock = self.badge(answer.stock_text_zh if language == "zh" else answer.stock_text_en,
                           "ok" if p.stock >= 10 else ("warn" if p.stock > 0 else "bad"), "stockText")
        head.addWidget(stock)
        head.addStretch(1)
        head.addWidget(make_label(f"★{p.rating:.1f} ({detail.rating_count})", "productMeta", wrap=False))
        self.body.addLayout(head)
        self.note(f"{brand_label(p.brand, self.language)} · {p.sku}", "productMeta")
        self.note(detail.description_zh if language == "zh" else detail.description_en, "description")
        specs = self._specs(answer)
        if specs:
            self.add(make_label(self.t("Specifications", "规格参数"), "sectionTitle"))
            self.add(make_label("\n".join(specs), "specs"))
        d = answer.delivery
        days = f"{d.earliest_days}–{d.latest_days}"
        origin = place_label(d.ship_from, language)
        to = place_label(d.destination, language) if d.destination else ""
        self.note(self.t(f"Ships from {origin} within {d.ships_within_hours} h; arrives in about {days} days"
                         + (f" to {to}" if to else "") + ".",
                         f"{origin}发货，{d.ships_within_hours} 小时内发出，预计 {days} 天"
                         + (f"送达{to}" if to else "送达") + "。"), "deliveryText")
        extras = []
        if p.needs_assembly:
            extras.append(self.t("Needs assembly (step-by-step guide available).", "需要组装（提供分步安装指引）。"))
        if detail.final_sale:
            extras.append(self.t("Final sale: returns only for quality problems.", "清仓特价：仅支持质量问题退换。"))
        for text in extras:
            self.note(text)

    def _specs(self, answer: ProductAnswer) -> list[str]:
        grouped: dict[str, list[str]] = {}
        for attr in answer.product.attributes:
            grouped.setdefault(attr.key, []).append(attribute_label(attr.key, attr.value, self.language))
        lines = []
        flags = []
        sep = "、" if self.language == "zh" else ", "
        for key, values in grouped.items():
            spec = ATTRIBUTES.get(key)
            if spec is not None and spec.kind == "flag":
                flags.extend(values)
            elif spec is not None and spec.kind == "enum":
                lines.append(f"{spec.label(self.language)}{'：' if self.language == 'zh' else ': '}{sep.join(values)}")
            else:
                lines.extend(values)
        if flags:
            lines.insert(0, " · ".join(flags))
        return lines
