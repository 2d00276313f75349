"""What the chat box does with typed text, behind a boundary a dialogue manager will replace.

Plain Python (no Qt) on purpose: a handler runs on a worker thread and returns plain results
that the chat panel turns into cards, so it can move below the UI layer unchanged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from desktop_app.core.text import clean_text
from desktop_app.service.catalog import CatalogService
from desktop_app.service.types import SearchQuery

log = logging.getLogger(__name__)

#: The catalog search matches product names, so longer text cannot match anything anyway.
MAX_SEARCH_CHARS = 60
_ORDER_NUMBER = re.compile(r"(?<!\d)(?:\d[\s\-]?){15}\d(?!\d)")
_ORDER_WORD = re.compile(r"订单|\borders?\b", re.IGNORECASE)


class ChatHandler(Protocol):
    def handle(self, text: str, language: str) -> list[object]:
        """Plain results for one customer message (cards are built from them on the GUI thread)."""
        ...


@dataclass(frozen=True)
class AssistantText:
    """A plain assistant reply, kept in both languages so a language switch can re-render it."""

    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        return self.text_zh if language == "zh" else self.text_en


@dataclass(frozen=True)
class FormRequest:
    """Ask the customer to use a structured form (e.g. to verify an order) instead of guessing."""

    form: str  # "order" | "return" | "search" | "product" | "recommend" | "handoff"
    text_en: str
    text_zh: str
    order_ref: str | None = None
    search_text: str | None = None

    def text(self, language: str) -> str:
        return self.text_zh if language == "zh" else self.text_en


class KeywordChatHandler:
    """Order talk goes to the verification form; anything else is a catalog name search."""

    def __init__(self, catalog: CatalogService) -> None:
        self._catalog = catalog

    def handle(self, text: str, language: str) -> list[object]:
        cleaned = clean_text(text)
        if not cleaned:
            return [AssistantText("Please type a question, or use one of the buttons above.",
                                  "请输入您的问题，或使用上方的功能按钮。")]
        number = _ORDER_NUMBER.search(cleaned)
        if number or _ORDER_WORD.search(cleaned):
            ref = re.sub(r"\D", "", number.group(0)) if number else None
            return [FormRequest(
                "order",
                "To protect your privacy, please confirm the order with the last 4 digits of its phone number.",
                "为保护您的隐私，请在订单查询中填写订单号和下单手机号后四位。",
                order_ref=ref,
            )]
        query = cleaned[:MAX_SEARCH_CHARS]
        result = self._catalog.search(SearchQuery(text=query))
        log.debug("chat search matched %d products", result.total)
        if result.total == 0:
            return [FormRequest(
                "search",
                "No products matched those words. Try the search form to filter by category, price or features.",
                "没有找到名称匹配的商品。试试商品搜索，按类目、价格或功能筛选。",
                search_text=query,
            )]
        return [
            AssistantText(f"Products matching “{query}”:", f"为您找到与“{query}”相关的商品："),
            result,
        ]
