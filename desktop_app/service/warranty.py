"""Warranty and repair tickets: the period per category from the policy, counted from delivery.

The warranty starts when the customer signs for the goods, so nothing undelivered can be repaired
under it. A phone's battery has its own, shorter period (the 三包 rules keep parts apart), chosen
when the customer's words name the battery. Early faults give more than a repair (三包): within the
quality-return window a return, exchange or repair; within the exchange window an exchange or
repair; after ``failed_repairs_before_exchange`` repairs, an exchange or return. Those go through
returns, so the ticket says so instead of choosing for the customer. One open ticket per item: a
second report of the same fault returns the first ticket.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.core.places import place_label
from desktop_app.core.text import clean_text
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.store.db import Database
from desktop_app.store.schema import Order, OrderItem, WarrantyTicket

log = logging.getLogger(__name__)

#: Words that put a fault on the phone's battery, whose warranty is shorter than the handset's.
BATTERY_WORDS = re.compile(r"电池|续航|鼓包|掉电快|不耐用|battery", re.I)
#: Longest problem description kept; a repair desk needs a sentence or two, not an essay.
MAX_PROBLEM_CHARS = 500
#: Categories repaired at home (too big to post): a technician visits instead of a courier pickup.
ONSITE_CATEGORIES = frozenset({"furniture"})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (01-31 + 1 month → 02-28)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: What 三包 still allows besides a repair, by how long ago the item was delivered.
REMEDIES = ("return", "exchange", "repair")


def _remedy_text(remedy: str, days: int, language: str) -> str:
    """What 三包 allows besides a repair, in the customer's words; ``days`` is the window that applies."""
    zh = language == "zh"
    if remedy == "return":
        return (f"签收 {days} 天内出现性能故障，您可选择退货、换货或维修" if zh else
                f"A performance fault within {days} days of delivery: you may choose a return, an exchange or a repair")
    if remedy == "exchange":
        return (f"签收 {days} 天内出现性能故障，您可选择换货或维修" if zh else
                f"A performance fault within {days} days of delivery: you may choose an exchange or a repair")
    if remedy == "repeat":
        return (f"已维修 {days} 次仍有问题，可申请换货或退货" if zh else
                f"Repaired {days} times already: you may ask for an exchange or a return instead")
    return ""


@dataclass(frozen=True)
class WarrantyStatus:
    """Whether one delivered item is under warranty, until when, and what else 三包 allows now."""

    order_number_masked: str
    item_id: int
    product_en: str
    product_zh: str
    category: str
    #: "battery" when the fault is the phone's battery (its own period), else "item".
    part: str
    months: int
    delivered_on: datetime | None
    #: The last moment of the warranty (the end day's 23:59:59); None when there is none.
    until: datetime | None
    covered: bool
    #: "return" (within the 7-day window), "exchange" (15 days), "repeat" (repaired often), or "".
    remedy: str
    #: The window (days) or repair count behind ``remedy``.
    remedy_days: int
    explanation_en: str
    explanation_zh: str
    open_ticket_id: int | None = None

    def name(self, language: str) -> str:
        return self.product_zh if language == "zh" else self.product_en

    def card_title(self, language: str) -> str:
        return "保修信息" if language == "zh" else "Warranty"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        part = ("（电池）" if zh else " (battery)") if self.part == "battery" else ""
        lines = [f"商品：{self.name(language)}{part}" if zh else f"Item: {self.name(language)}{part}",
                 f"订单：{self.order_number_masked}" if zh else f"Order: {self.order_number_masked}"]
        if self.delivered_on:
            lines.append(f"签收日期：{self.delivered_on:%Y-%m-%d}" if zh else f"Delivered: {self.delivered_on:%Y-%m-%d}")
        if self.until and self.months:
            state = ("保修中" if zh else "covered") if self.covered else ("已过保" if zh else "expired")
            lines.append(f"保修期：{self.months} 个月，至 {self.until:%Y-%m-%d}（{state}）" if zh else
                         f"Warranty: {self.months} months, until {self.until:%Y-%m-%d} ({state})")
        elif self.delivered_on and not self.months:
            lines.append("该类商品不提供保修维修" if zh else "No warranty repair for this kind of item")
        if self.remedy:
            lines.append(_remedy_text(self.remedy, self.remedy_days, language))
        if self.open_ticket_id:
            lines.append(f"已有维修工单：{ticket_number(self.open_ticket_id)}" if zh else
                         f"Open repair ticket: {ticket_number(self.open_ticket_id)}")
        return tuple(lines)


def ticket_number(ticket_id: int) -> str:
    """The number a customer quotes on the phone ("W000012"), not a bare database id."""
    return f"W{ticket_id:06d}"


@dataclass(frozen=True)
class WarrantyTicketView:
    """A filed repair: its number, the item, the warranty end and what happens next."""

    ticket_id: int
    order_number_masked: str
    item_id: int
    product_en: str
    product_zh: str
    part: str
    warranty_until: datetime
    created_at: datetime
    status: str
    #: False when an open ticket for the item already existed and is returned instead.
    created: bool
    #: True: a technician comes to the customer; False: a courier picks the item up for the repair centre.
    onsite: bool
    #: The city of the after-sales centre the item is sent to (the warehouse that shipped it).
    repair_city: str
    remedy: str
    remedy_days: int

    @property
    def number(self) -> str:
        return ticket_number(self.ticket_id)

    def name(self, language: str) -> str:
        return self.product_zh if language == "zh" else self.product_en

    def next_step(self, language: str) -> str:
        city = place_label(self.repair_city, language)
        if self.onsite:
            return ("维修师傅会先电话联系您，约好时间后上门检修，无需寄回" if language == "zh" else
                    "A technician will call you to set a time and repair it at your home; nothing to send back")
        return (f"快递员免费上门取件，寄至{city}售后服务中心维修，修好后免费寄回；请连同配件一起打包" if language == "zh" else
                f"A courier picks it up free of charge and takes it to our after-sales centre in {city}; it comes "
                "back free once repaired. Please pack it with its accessories")

    def card_title(self, language: str) -> str:
        return "保修维修工单" if language == "zh" else "Warranty repair"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        part = ("（电池）" if zh else " (battery)") if self.part == "battery" else ""
        state = {"open": ("处理中", "in progress"), "closed": ("已完成", "completed")}.get(self.status, ("处理中", "in progress"))
        lines = [f"工单号：{self.number}" if zh else f"Ticket: {self.number}",
                 f"商品：{self.name(language)}{part}" if zh else f"Item: {self.name(language)}{part}",
                 f"保修期至：{self.warranty_until:%Y-%m-%d}" if zh else f"Warranty until: {self.warranty_until:%Y-%m-%d}",
                 f"状态：{state[0]}" if zh else f"Status: {state[1]}",
                 f"下一步：{self.next_step(language)}" if zh else f"Next: {self.next_step(language)}"]
        if self.remedy:
            lines.append(_remedy_text(self.remedy, self.remedy_days, language))
        return tuple(lines)


class WarrantyService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy
        self._cipher = cipher

    def check(self, order_ref: str, item_id: int | None = None, *, problem_text: str | None = None,
              customer_code: str | None = None, phone_last4: str | None = None) -> WarrantyStatus:
        """Whether the item is under warranty now (for the fault described, if any); changes nothing."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = _item(order, item_id)
            return self._status(s, order, item, problem_text or "")

    def file(self, order_ref: str, problem_text: str, item_id: int | None = None, *,
             customer_code: str | None = None, phone_last4: str | None = None) -> WarrantyTicketView:
        """Open a repair ticket, or return the item's open one; refuses what the warranty does not cover."""
        problem = clean_text(problem_text or "", max_chars=MAX_PROBLEM_CHARS).strip()
        if not problem:
            raise InvalidInput("Please describe what is wrong with the item.", message_zh="请描述一下商品出现了什么问题。")
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = _item(order, item_id)
            status = self._status(s, order, item, problem)
            if status.open_ticket_id is not None:
                existing = s.get(WarrantyTicket, status.open_ticket_id)
                assert existing is not None
                # The open ticket keeps the fault it was filed for (handset or battery), not this turn's words.
                filed = self._cipher.decrypt(existing.problem_encrypted) if existing.problem_encrypted else ""
                status = self._status(s, order, item, filed)
                return self._view(order, item, existing, status, created=False)
            if not status.covered:
                raise NotEligible(status.explanation_en, message_zh=status.explanation_zh)
            assert status.until is not None
            ticket = WarrantyTicket(order_item_id=item.id, problem_encrypted=self._cipher.encrypt(problem),
                                    status="open", created_at=self._clock.now(), warranty_until=status.until)
            s.add(ticket)
            s.flush()
            view = self._view(order, item, ticket, status, created=True)
            s.commit()
        log.info("warranty ticket %s filed for order item %d", view.number, item.id)
        return view

    # -- internals -------------------------------------------------------------------------

    def _status(self, s: Session, order: Order, item: OrderItem, problem: str) -> WarrantyStatus:
        product = item.product
        rules = self._policy.warranty
        battery = product.category == "phone" and bool(BATTERY_WORDS.search(problem))
        months = rules.phone_battery_months if battery else rules.months_for(product.category)
        masked = f"…{order.order_number[-4:]}"
        open_ticket = s.scalar(select(WarrantyTicket.id).where(WarrantyTicket.order_item_id == item.id,
                                                               WarrantyTicket.status == "open"))
        part = "battery" if battery else "item"
        returns = self._policy.returns
        remedy_days = {"return": returns.quality_return_days, "exchange": returns.quality_exchange_days,
                       "repeat": rules.failed_repairs_before_exchange}

        def status(covered: bool, delivered_on: datetime | None, until: date | None, remedy: str, en: str,
                   zh: str) -> WarrantyStatus:
            end = datetime.combine(until, time(23, 59, 59)) if until else None
            return WarrantyStatus(masked, item.id, product.name_en, product.name_zh, product.category, part, months,
                                  delivered_on, end, covered, remedy, remedy_days.get(remedy, 0), en, zh,
                                  open_ticket)

        if order.status == "returned":
            return status(False, None, None, "", "This order was returned, so it has no warranty repair.",
                          "该订单已退货，无法办理保修维修。")
        if order.status != "delivered" or order.delivered_at is None:
            return status(False, None, None, "",
                          "This order has not been delivered yet; the warranty starts the day you sign for it.",
                          "该订单还未签收，保修期从签收之日起算，签收后如有问题再来找我哦。")
        today = self._clock.now().date()
        delivered = order.delivered_at.date()
        days = (today - delivered).days
        remedy = ""
        if days <= returns.quality_return_days:
            remedy = "return"
        elif days <= returns.quality_exchange_days:
            remedy = "exchange"
        else:
            closed = s.scalar(select(func.count()).select_from(WarrantyTicket).where(
                WarrantyTicket.order_item_id == item.id, WarrantyTicket.status == "closed")) or 0
            if closed >= rules.failed_repairs_before_exchange:
                remedy = "repeat"
        if months <= 0:
            term = CATEGORIES.get(product.category)
            kind_en, kind_zh = (term.en.lower(), term.zh) if term else ("this kind of item", "该类商品")
            if days <= returns.quality_exchange_days:
                en = (f"There is no warranty repair for {kind_en}. For a quality problem you can ask for a return "
                      f"or exchange instead (within {returns.quality_exchange_days} days of delivery).")
                zh = (f"{kind_zh}类商品不提供保修维修。如果是质量问题，签收 {returns.quality_exchange_days} 天内可以申请"
                      "退货或换货哦。")
            else:
                en = f"There is no warranty repair for {kind_en}; a colleague can look at the problem with you."
                zh = f"{kind_zh}类商品不提供保修维修，如有问题可以转人工客服为您进一步处理。"
            return status(False, order.delivered_at, None, remedy if days <= returns.quality_exchange_days else "", en,
                          zh)
        until = add_months(delivered, months)
        part_en, part_zh = ("battery ", "电池") if battery else ("", "")
        if today > until:
            return status(False, order.delivered_at, until, remedy,
                          f"The {months}-month {part_en}warranty of {product.name_en} ended on {until:%Y-%m-%d}, so a "
                          "free repair is no longer possible. A colleague can arrange a paid repair for you.",
                          f"{product.name_zh}的{part_zh}保修期（{months} 个月）已于 {until:%Y-%m-%d} 到期，无法免费维修了。"
                          "可以为您转人工客服安排付费维修。")
        return status(True, order.delivered_at, until, remedy,
                      f"{product.name_en} is under its {months}-month {part_en}warranty until {until:%Y-%m-%d}.",
                      f"{product.name_zh}在{part_zh}保修期内（{months} 个月，至 {until:%Y-%m-%d}）。")

    def _view(self, order: Order, item: OrderItem, ticket: WarrantyTicket, status: WarrantyStatus, *,
              created: bool) -> WarrantyTicketView:
        product = item.product
        return WarrantyTicketView(
            ticket_id=ticket.id, order_number_masked=status.order_number_masked, item_id=item.id,
            product_en=product.name_en, product_zh=product.name_zh, part=status.part,
            warranty_until=ticket.warranty_until, created_at=ticket.created_at, status=ticket.status,
            created=created, onsite=product.category in ONSITE_CATEGORIES, repair_city=product.ship_from,
            remedy=status.remedy, remedy_days=status.remedy_days)


def _item(order: Order, item_id: int | None) -> OrderItem:
    """The order line meant: the one given, or the only one; several lines need a choice."""
    if item_id is not None:
        item = next((i for i in order.items if i.id == item_id), None)
        if item is None:
            raise NotFound("That item is not part of this order.", message_zh="该订单中没有这件商品。")
        return item
    if len(order.items) == 1:
        return order.items[0]
    names_en = "; ".join(f"{i.id}: {i.product.name_en}" for i in order.items)
    names_zh = "；".join(f"{i.id}：{i.product.name_zh}" for i in order.items)
    raise InvalidInput(f"This order holds several items; which one? ({names_en})",
                       message_zh=f"该订单有多件商品，请问是哪一件？（{names_zh}）")
