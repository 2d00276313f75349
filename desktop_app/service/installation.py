"""Installation booking: time slots for large furniture and appliances, with capacity.

Which items are installed, how far ahead one books, the day's slots and how many visits a slot
holds all come from ``policy.installation``. A slot's load is the number of booked rows starting
then, so the capacity holds whoever books (the assistant, the CLI, a colleague). An item has one
booking: booking again is refused with the slot already held, and ``reschedule`` moves it. A parcel
still on its way can be booked only after its promised delivery day, so the installer never comes
before the furniture.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy, Slot
from desktop_app.store.db import Database
from desktop_app.store.schema import InstallationBooking, Order, OrderItem

log = logging.getLogger(__name__)

ARRIVING = frozenset({"shipped", "in_transit", "delayed"})
#: How many free slots the card lists; the rest are there for "next week" or a date the customer names.
CARD_SLOTS = 6
_WEEKDAYS_ZH = "一二三四五六日"


def slot_label(start: datetime, end: datetime, language: str) -> str:
    """"11-22（周日）09:00-12:00" / "Sun 11-22 09:00-12:00": the day, its weekday and the hours."""
    if language == "zh":
        return f"{start:%m-%d}（周{_WEEKDAYS_ZH[start.weekday()]}）{start:%H:%M}-{end:%H:%M}"
    return f"{start:%a %m-%d} {start:%H:%M}-{end:%H:%M}"


@dataclass(frozen=True)
class FreeSlot:
    start: datetime
    end: datetime
    #: Visits still open in this slot.
    left: int

    def label(self, language: str) -> str:
        return slot_label(self.start, self.end, language)


@dataclass(frozen=True)
class InstallationBookingView:
    booking_id: int
    order_number: str
    item_id: int
    product_en: str
    product_zh: str
    slot_start: datetime
    slot_end: datetime
    #: False when the same booking already existed (the same slot asked for again).
    created: bool
    #: The slot it was moved from, for a reschedule; None otherwise.
    moved_from: datetime | None = None

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def name(self, language: str) -> str:
        return self.product_zh if language == "zh" else self.product_en

    def label(self, language: str) -> str:
        return slot_label(self.slot_start, self.slot_end, language)

    def card_title(self, language: str) -> str:
        return "上门安装预约" if language == "zh" else "Installation booking"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [f"商品：{self.name(language)}" if zh else f"Item: {self.name(language)}",
                 f"订单：{self.masked_number}" if zh else f"Order: {self.masked_number}",
                 f"上门时间：{self.label(language)}" if zh else f"Visit: {self.label(language)}"]
        if self.moved_from is not None:
            lines.append(f"原预约：{self.moved_from:%m-%d %H:%M}（已改约）" if zh else
                         f"Moved from: {self.moved_from:%m-%d %H:%M}")
        lines.append("安装师傅会在上门前一天电话与您确认，安装免费" if zh else
                     "The installer will call you the day before to confirm; installation is free")
        return tuple(lines)


@dataclass(frozen=True)
class InstallationSlots:
    """The free installation slots for one item, soonest first, and its current booking if any."""

    order_number: str
    item_id: int
    product_en: str
    product_zh: str
    #: The start of the first day a visit can be booked (tomorrow, or the day after a parcel's promised delivery).
    first_day: datetime
    free: tuple[FreeSlot, ...]
    booked: InstallationBookingView | None
    #: The parcel is still on its way: visits start after its promised delivery day.
    arriving: bool

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def shown(self) -> tuple[FreeSlot, ...]:
        """The slots the card lists (and the customer can pick by position)."""
        return self.free[:CARD_SLOTS]

    def name(self, language: str) -> str:
        return self.product_zh if language == "zh" else self.product_en

    def card_title(self, language: str) -> str:
        return "可预约的安装时间" if language == "zh" else "Installation times available"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [f"商品：{self.name(language)}（订单{self.masked_number}）" if zh else
                 f"Item: {self.name(language)} (order {self.masked_number})"]
        if self.booked is not None:
            lines.append(f"当前预约：{self.booked.label(language)}" if zh else f"Booked now: {self.booked.label(language)}")
        if self.arriving:
            lines.append(f"包裹预计送达后安排，最早 {self.first_day:%m-%d}" if zh else
                         f"After the parcel arrives: from {self.first_day:%m-%d}")
        for n, slot in enumerate(self.shown(), start=1):
            left = f"剩 {slot.left} 个名额" if zh else f"{slot.left} left"
            lines.append(f"{n}. {slot.label(language)} · {left}")
        if not self.free:
            lines.append("近期时段已约满" if zh else "Every slot in the booking window is full")
        return tuple(lines)


def installable(category: str, needs_assembly: bool, policy: Policy) -> bool:
    """Whether an item gets a free installation visit: its category is listed, or it needs assembling."""
    return category in policy.installation.categories or needs_assembly


class InstallationService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy

    def slots(self, order_ref: str, item_id: int | None = None, *, customer_code: str | None = None,
              phone_last4: str | None = None) -> InstallationSlots:
        """Free slots for the item from its first bookable day to the end of the booking window."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            first = self._first_day(order)
            free = self._free(s, first)
            booking = self._booking(s, item)
            return InstallationSlots(order.order_number, item.id, item.product.name_en, item.product.name_zh,
                                     datetime.combine(first, datetime.min.time()),
                                     free, self._view(order, item, booking, created=False) if booking else None,
                                     order.status in ARRIVING)

    def book(self, order_ref: str, slot_start: datetime, item_id: int | None = None, *,
             customer_code: str | None = None, phone_last4: str | None = None) -> InstallationBookingView:
        """Book a visit; refuses a second booking for the item (see ``reschedule``) and a full slot."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            booking = self._booking(s, item)
            if booking is not None:
                if booking.slot_start == slot_start:
                    return self._view(order, item, booking, created=False)
                held = slot_label(booking.slot_start, self._slot_end(booking.slot_start), "en")
                held_zh = slot_label(booking.slot_start, self._slot_end(booking.slot_start), "zh")
                raise NotEligible(f"{item.product.name_en} is already booked for {held}. You can change it to "
                                  "another time instead.",
                                  message_zh=f"{item.product.name_zh}已预约 {held_zh} 上门安装，如需调整可以为您改约。")
            self._check_slot(s, order, slot_start)
            row = s.scalar(select(InstallationBooking).where(InstallationBooking.order_item_id == item.id))
            if row is None:
                row = InstallationBooking(order_item_id=item.id, slot_start=slot_start, status="booked",
                                          created_at=self._clock.now())
                s.add(row)
            else:  # a cancelled booking is re-used: one row per item
                row.slot_start, row.status, row.created_at = slot_start, "booked", self._clock.now()
            try:
                s.flush()
            except IntegrityError:  # booked a moment ago from another kiosk: one booking per item
                raise NotEligible(f"{item.product.name_en} was just booked; please check the booking.",
                                  message_zh=f"{item.product.name_zh}刚刚已预约，请查看预约信息。") from None
            view = self._view(order, item, row, created=True)
            s.commit()
        log.info("installation booked for order item %d", view.item_id)
        return view

    def reschedule(self, order_ref: str, slot_start: datetime, item_id: int | None = None, *,
                   customer_code: str | None = None, phone_last4: str | None = None) -> InstallationBookingView:
        """Move the item's booking to another free slot; refuses when nothing is booked or the slot is full."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            booking = self._booking(s, item)
            if booking is None:
                raise NotFound(f"There is no installation booked for {item.product.name_en} yet.",
                               message_zh=f"{item.product.name_zh}还没有预约上门安装。")
            if booking.slot_start == slot_start:
                return self._view(order, item, booking, created=False)
            self._check_slot(s, order, slot_start)
            old = booking.slot_start
            booking.slot_start = slot_start
            s.flush()
            view = self._view(order, item, booking, created=True, moved_from=old)
            s.commit()
        log.info("installation moved for order item %d", view.item_id)
        return view

    # -- internals -------------------------------------------------------------------------

    def _item(self, order: Order, item_id: int | None) -> OrderItem:
        """The installable line meant, after the order-level rules (not delivered or on its way: no)."""
        if order.status not in ARRIVING and order.status != "delivered":
            en, zh = {
                "unpaid": ("it is not paid yet", "订单还未付款"),
                "paid": ("it has not shipped yet; you can book once it is on its way", "订单还未发货，发货后即可预约"),
                "cancelled": ("it was cancelled", "订单已取消"),
                "returned": ("it was returned", "订单已退货"),
            }.get(order.status, ("it cannot be installed now", "订单当前状态无法预约"))
            raise NotEligible(f"Installation cannot be booked for this order: {en}.",
                              message_zh=f"该订单暂时无法预约安装：{zh}。")
        lines = list(order.items)
        if item_id is not None:
            lines = [i for i in lines if i.id == item_id]
            if not lines:
                raise NotFound("That item is not part of this order.", message_zh="该订单中没有这件商品。")
        fit = [i for i in lines if installable(i.product.category, i.product.needs_assembly, self._policy)]
        if not fit:
            names_en = ", ".join(i.product.name_en for i in lines)
            names_zh = "、".join(i.product.name_zh for i in lines)
            raise NotEligible(f"{names_en} does not need installing, so there is no installation visit for it.",
                              message_zh=f"{names_zh}无需安装，不提供上门安装服务。")
        if len(fit) > 1:
            names_en = "; ".join(f"{i.id}: {i.product.name_en}" for i in fit)
            names_zh = "；".join(f"{i.id}：{i.product.name_zh}" for i in fit)
            raise InvalidInput(f"Several items in this order can be installed; which one? ({names_en})",
                               message_zh=f"该订单有多件商品可以预约安装，请问是哪一件？（{names_zh}）")
        return fit[0]

    def _first_day(self, order: Order) -> date:
        tomorrow = self._clock.now().date() + timedelta(days=1)
        if order.status in ARRIVING:
            return max(tomorrow, order.promised_by.date() + timedelta(days=1))
        return tomorrow

    def _last_day(self) -> date:
        return self._clock.now().date() + timedelta(days=self._policy.installation.days_ahead)

    def _slot_end(self, start: datetime) -> datetime:
        slot = self._slot_of(start)
        return datetime.combine(start.date(), slot.end) if slot else start

    def _slot_of(self, start: datetime) -> Slot | None:
        return next((sl for sl in self._policy.installation.slots if sl.start == start.time()), None)

    def _load(self, s: Session, first: date) -> dict[datetime, int]:
        rows = s.execute(select(InstallationBooking.slot_start, func.count())
                         .where(InstallationBooking.status == "booked",
                                InstallationBooking.slot_start >= datetime.combine(first, datetime.min.time()))
                         .group_by(InstallationBooking.slot_start))
        return {start: count for start, count in rows}

    def _free(self, s: Session, first: date) -> tuple[FreeSlot, ...]:
        rules = self._policy.installation
        load = self._load(s, first)
        out: list[FreeSlot] = []
        day = first
        while day <= self._last_day():
            for sl in rules.slots:
                start = datetime.combine(day, sl.start)
                left = rules.per_slot_capacity - load.get(start, 0)
                if left > 0:
                    out.append(FreeSlot(start, datetime.combine(day, sl.end), left))
            day += timedelta(days=1)
        return tuple(out)

    def _check_slot(self, s: Session, order: Order, start: datetime) -> None:
        """Refuse a time that is not one of the policy's slots, outside the window, or already full."""
        rules = self._policy.installation
        if self._slot_of(start) is None:
            times = ", ".join(sl.label() for sl in rules.slots)
            raise InvalidInput(f"Installers come in these slots: {times}.", message_zh=f"上门安装时段为：{times}。")
        first, last = self._first_day(order), self._last_day()
        if start.date() < first:
            why_en = "after the parcel is due to arrive" if order.status in ARRIVING else "from tomorrow"
            why_zh = "需在包裹预计送达之后" if order.status in ARRIVING else "最早可约明天"
            raise NotEligible(f"Installation can be booked {why_en}: the earliest day is {first:%m-%d}.",
                              message_zh=f"上门安装{why_zh}，最早可约 {first:%m-%d}。")
        if start.date() > last:
            raise NotEligible(f"Installation can be booked up to {rules.days_ahead} days ahead (until {last:%m-%d}).",
                              message_zh=f"上门安装最多可提前 {rules.days_ahead} 天预约（截至 {last:%m-%d}）。")
        taken = s.scalar(select(func.count()).select_from(InstallationBooking).where(
            InstallationBooking.slot_start == start, InstallationBooking.status == "booked")) or 0
        if taken >= rules.per_slot_capacity:
            free = self._free(s, max(first, start.date()))
            nxt = next((f for f in free if f.start > start), free[0] if free else None)
            label_en, label_zh = slot_label(start, self._slot_end(start), "en"), slot_label(start, self._slot_end(start), "zh")
            tail_en = f" The next free time is {nxt.label('en')}." if nxt else ""
            tail_zh = f"最近可约的时间是 {nxt.label('zh')}。" if nxt else ""
            raise NotEligible(f"{label_en} is fully booked.{tail_en}", message_zh=f"{label_zh} 已约满。{tail_zh}")

    @staticmethod
    def _booking(s: Session, item: OrderItem) -> InstallationBooking | None:
        return s.scalar(select(InstallationBooking).where(InstallationBooking.order_item_id == item.id,
                                                          InstallationBooking.status == "booked"))

    def _view(self, order: Order, item: OrderItem, booking: InstallationBooking, *, created: bool,
              moved_from: datetime | None = None) -> InstallationBookingView:
        return InstallationBookingView(booking.id, order.order_number, item.id, item.product.name_en,
                                       item.product.name_zh, booking.slot_start, self._slot_end(booking.slot_start),
                                       created, moved_from)
