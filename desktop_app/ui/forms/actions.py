"""What the structured-action forms do: each request becomes one service call on the task runner.

The forms are the fallback when typing is not enough (or a member prefers buttons); they call
the services directly, not the assistant, but an order they verify counts for the chat session
too. The main window owns one :class:`FormController` and hands it what it needs: the services,
the conversation the forms open in and report to, and the status bar for short notes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QStatusBar

from desktop_app.app import App
from desktop_app.core.vocabulary import CATEGORIES, attribute_label
from desktop_app.service.types import OrderView, SearchQuery, yuan
from desktop_app.ui.chat.handler import AssistantText
from desktop_app.ui.chat.panel import ChatPanel
from desktop_app.ui.common.labels import HANDOFF_REASON_LABELS, REASON_LABELS, RETURN_KIND_LABELS, tr
from desktop_app.ui.forms.panels import (
    FORM_TYPES,
    Form,
    HandoffInput,
    OrderLookupInput,
    ProductQuestion,
    RecommendInput,
    ReturnForm,
    ReturnInput,
    ReturnItemsInput,
)
from desktop_app.ui.kiosk.numpad import NumberPad

log = logging.getLogger(__name__)


def _said(en: str, zh: str) -> AssistantText:
    """A customer-side bubble describing a form request, in both languages."""
    return AssistantText(en, zh)


def _describe(query: SearchQuery) -> AssistantText:
    """The customer's side of a search, e.g. "搜索：手机 · 快充 · ≤ ¥3,000.00"."""
    parts: list[tuple[str, str]] = []
    if query.text:
        parts.append((f"“{query.text}”", f"“{query.text}”"))
    if query.category:
        term = CATEGORIES[query.category]
        parts.append((term.en, term.zh))
    for f in query.attributes:
        value = f.value or ""
        parts.append((attribute_label(f.key, value, "en"), attribute_label(f.key, value, "zh")))
    if query.min_price_fen is not None:
        parts.append((f"≥ {yuan(query.min_price_fen)}", f"≥ {yuan(query.min_price_fen)}"))
    if query.max_price_fen is not None:
        parts.append((f"≤ {yuan(query.max_price_fen)}", f"≤ {yuan(query.max_price_fen)}"))
    if query.in_stock_only:
        parts.append(("in stock", "有货"))
    en = " · ".join(p[0] for p in parts) or "all products"
    zh = " · ".join(p[1] for p in parts) or "全部商品"
    return AssistantText(f"Search: {en}", f"搜索：{zh}")


def _recommend(app: App, customer_code: str) -> object:
    """Runs on a worker: an empty list would be a blank card, so say why there is none."""
    recommendations = app.recommendations.for_customer(customer_code)
    if not recommendations:
        return AssistantText(
            "No personal recommendations yet: this member has no purchases or views to go on.",
            "暂时没有个性化推荐：该会员还没有可参考的购买或浏览记录。")
    return recommendations


class FormController:
    """Form requests → service calls → cards in the conversation. One form of each kind, reused."""

    def __init__(self, app: App, chat: ChatPanel, status: QStatusBar, language: str,
                 customer_code: str | None = None, kiosk: bool = False) -> None:
        self.app = app
        self.kiosk = kiosk
        #: The signed-in member (laptop); None at a kiosk, where nothing personal is shown.
        self.customer_code = customer_code
        self.chat = chat
        self.status = status
        self.language = language
        self.forms: dict[str, Form] = {}

    def set_language(self, language: str) -> None:
        self.language = language
        for form in self.forms.values():
            form.set_language(language)
            for pad in form.findChildren(NumberPad):
                pad.set_language(language)

    def clear(self) -> None:
        """A new conversation: the open forms go (built again on request)."""
        for form in self.forms.values():
            form.deleteLater()
        self.forms.clear()

    def open_form(self, key: str) -> Form:
        form = self.forms.get(key)
        if form is None:
            form = FORM_TYPES[key](self.language)
            form.submitted.connect(self._on_submitted)
            if isinstance(form, ReturnForm):
                form.itemsRequested.connect(self._load_return_items)
            if self.kiosk and form.digit_fields():
                form.add_below(NumberPad(form.digit_fields(), form.submit_default, self.language, parent=form))
            self.forms[key] = form
        self.chat.set_form(form)
        return form

    def _on_submitted(self, request: Any) -> None:
        if isinstance(request, OrderLookupInput):
            self._lookup_order(request)
        elif isinstance(request, ReturnInput):
            self._return(request)
        elif isinstance(request, SearchQuery):
            self.search(request)
        elif isinstance(request, ProductQuestion):
            self.chat.add_user_text(_said(f"About product {request.sku}", f"咨询商品 {request.sku}"))
            catalog = self.app.catalog
            self.chat.run(lambda: catalog.answer(request.sku, destination_city=request.destination_city))
        elif isinstance(request, RecommendInput):
            self._recommend(request)
        elif isinstance(request, HandoffInput):
            en, zh = HANDOFF_REASON_LABELS[request.reason]
            self.chat.add_user_text(_said(f"Talk to a person: {en}", f"转人工：{zh}"))
            handoff = self.app.handoff
            self.chat.run(lambda: handoff.open_ticket(
                reason=request.reason, priority=request.priority, summary=request.summary))
        else:
            log.error("unhandled form request %s", type(request).__name__)

    def _recommend(self, request: RecommendInput) -> None:
        """A signed-in member with no particular wish gets picks from their own history; anything else
        is asked of the assistant as the shopper would type it (anonymous: non-personal picks)."""
        if self.customer_code is not None and not request.wish:
            self.chat.add_user_text(_said("Recommend something for me", "给我推荐一些商品"))
            self.chat.run(_recommend, self.app, self.customer_code)
            return
        if request.wish:
            text = f"推荐{request.wish}" if self.language == "zh" else f"Recommend {request.wish}"
        else:
            text = "给我推荐一些商品" if self.language == "zh" else "Recommend something for me"
        self.chat.submit_text(text)

    def _lookup_order(self, request: OrderLookupInput) -> None:
        tail = request.order_ref[-4:]
        self.chat.add_user_text(_said(f"Where is my order …{tail}?", f"查询订单 …{tail}"))
        self.chat.run(self._verified_lookup, request.order_ref, request.phone_last4)

    def _verified_lookup(self, order_ref: str, phone_last4: str) -> OrderView:
        """Runs on a worker: an order proven in a form is proven for the chat session too."""
        view = self.app.orders.lookup(order_ref, phone_last4=phone_last4)
        note = getattr(self.chat.handler, "note_verified", None)
        if note is not None:
            note(view.order_number, phone_last4)
        return view

    def _load_return_items(self, request: ReturnItemsInput) -> None:
        form = self.forms.get("return")

        def fill(view: OrderView) -> None:
            if isinstance(form, ReturnForm):
                form.set_items(view.lines)
            self.status.showMessage(tr(self.language, f"{len(view.lines)} item(s) found",
                                       f"找到 {len(view.lines)} 件商品"), 5000)

        self.chat.run(self._verified_lookup, request.order_ref, request.phone_last4, on_done=fill)

    def _return(self, request: ReturnInput) -> None:
        kind_en, kind_zh = RETURN_KIND_LABELS[request.kind.value]
        reason_en, reason_zh = REASON_LABELS[request.reason.value]
        tail = request.order_ref[-4:]
        if request.file:
            said = _said(f"File a {kind_en.lower()} for order …{tail} ({reason_en})",
                         f"申请{kind_zh}：订单 …{tail}（{reason_zh}）")
            call: Callable[..., object] = self.app.returns.file
        else:
            said = _said(f"Can I {kind_en.lower()} order …{tail}? ({reason_en})",
                         f"订单 …{tail} 能否{kind_zh}？（{reason_zh}）")
            call = self.app.returns.check
        self.chat.add_user_text(said)
        self.chat.run(lambda: call(request.order_ref, kind=request.kind, reason=request.reason,
                                   item_id=request.item_id, phone_last4=request.phone_last4, opened=request.opened))

    def search(self, query: SearchQuery) -> None:
        if query.page == 1:
            self.chat.add_user_text(_describe(query))
        self.chat.run(self.app.catalog.search, query)

    def ask_product_by_id(self, product_id: int) -> None:
        self.chat.run(self.app.catalog.answer, product_id)
