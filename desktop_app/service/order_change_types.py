"""What a cancel, an address change, an interception or a reminder would do or did, as shown to the customer.

Split from ``order_changes`` so the dialogue, the agent desk and the command line read these
results (each a card with a title and lines in both languages) without the service that changes
orders. ``ChangeRule`` names why a change is or is not possible, from the order's progress alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from desktop_app.core.errors import NotEligible
from desktop_app.core.places import carrier_label, place_label
from desktop_app.service.refunds import RefundView, channel_text
from desktop_app.service.types import OrderStatus, status_text, yuan

BEFORE_SHIPMENT = frozenset({OrderStatus.UNPAID, OrderStatus.PAID})
ON_THE_WAY = frozenset({OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED})


class ChangeRule(StrEnum):
    """Why a change is or is not possible, from the order's progress."""

    UNPAID = "unpaid"  # allowed, nothing paid yet
    PAID = "paid"  # allowed, not shipped yet
    SHIPPED = "shipped"  # only the carrier can stop or redirect it now
    DELIVERED = "delivered"  # the return rules apply
    CANCELLED = "cancelled"
    RETURNED = "returned"



def goods_text(names: tuple[str, ...], language: str) -> str:
    """The goods of an order in a few words: "Trailfox 充电头灯等" / "Trailfox headlamp and 1 more"."""
    names = tuple(n.split(" ×")[0] for n in names)  # the quantity belongs on the card, not in a summary
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{names[0]}等" if language == "zh" else f"{names[0]} and {len(names) - 1} more"


@dataclass(frozen=True)
class ChangeCheck:
    """What a cancel or an address change would do to an order, decided without changing anything:
    the confirmation the customer answers, and the CLI's dry run."""

    kind: str  # cancel | address
    order_number: str
    status: OrderStatus
    rule: ChangeRule
    allowed: bool
    items_en: tuple[str, ...]
    items_zh: tuple[str, ...]
    total_fen: int
    #: What a cancel would pay back (0 when unpaid or not allowed).
    refund_fen: int
    channel: str
    refund_days: int
    #: Set when asking the carrier to intercept or redirect is the way forward.
    intercept_fee_fen: int | None
    carrier: str
    delivered_at: datetime | None
    explanation_en: str
    explanation_zh: str

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def goods(self, language: str) -> str:
        return goods_text(self.items_zh if language == "zh" else self.items_en, language)

    def explanation(self, language: str) -> str:
        return self.explanation_zh if language == "zh" else self.explanation_en

    def card_title(self, language: str) -> str:
        if self.kind == "cancel":
            return f"取消订单 {self.masked_number}" if language == "zh" else f"Cancel order {self.masked_number}"
        return f"修改收货地址：订单 {self.masked_number}" if language == "zh" \
            else f"Change address: order {self.masked_number}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [("商品：" if zh else "Items: ") + ("、" if zh else ", ").join(self.items_zh if zh else self.items_en),
                 f"订单金额：{yuan(self.total_fen)}" if zh else f"Order total: {yuan(self.total_fen)}",
                 f"订单状态：{status_text(self.status.value, language)}" if zh
                 else f"Status: {status_text(self.status.value, language)}"]
        if self.kind == "cancel" and self.allowed:
            if self.refund_fen:
                lines.append(f"退款：{yuan(self.refund_fen)} 原路退回{channel_text(self.channel, language)}" if zh
                             else f"Refund: {yuan(self.refund_fen)} to your {channel_text(self.channel, language)}")
            else:
                lines.append("尚未付款，无需退款" if zh else "Not paid yet: nothing to refund")
        if self.intercept_fee_fen is not None:
            lines.append(f"可申请快递拦截，费用 {yuan(self.intercept_fee_fen)}" if zh
                         else f"Carrier interception possible, fee {yuan(self.intercept_fee_fen)}")
        lines.append(self.explanation(language))
        return tuple(lines)


class ChangeRefused(NotEligible):
    """A change the order rules refuse; carries the check so a caller can offer what is possible instead."""

    def __init__(self, check: ChangeCheck) -> None:
        super().__init__(check.explanation_en, message_zh=check.explanation_zh)
        self.check = check


@dataclass(frozen=True)
class CancelResult:
    order_number: str
    items_en: tuple[str, ...]
    items_zh: tuple[str, ...]
    total_fen: int
    cancelled_at: datetime
    #: The refund booked by the cancel; None when the order was not paid.
    refund: RefundView | None

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def card_title(self, language: str) -> str:
        return f"订单 {self.masked_number} 已取消" if language == "zh" else f"Order {self.masked_number} cancelled"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [("商品：" if zh else "Items: ") + ("、" if zh else ", ").join(self.items_zh if zh else self.items_en),
                 f"取消时间：{self.cancelled_at:%Y-%m-%d %H:%M}" if zh else f"Cancelled: {self.cancelled_at:%Y-%m-%d %H:%M}"]
        r = self.refund
        if r is None:
            lines.append("订单未付款，无需退款" if zh else "Not paid: nothing to refund")
        else:
            lines.append(f"退款：{yuan(r.amount_fen)} 原路退回{channel_text(r.channel, language)}" if zh
                         else f"Refund: {yuan(r.amount_fen)} to your {channel_text(r.channel, language)}")
            lines.append(f"预计到账：{r.expected_by:%Y-%m-%d} 前" if zh else f"Expected by: {r.expected_by:%Y-%m-%d}")
        return tuple(lines)


@dataclass(frozen=True)
class AddressChangeResult:
    order_number: str
    #: The customer's own new address, shown back to them; never logged.
    address: str
    city: str
    changed_at: datetime

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def card_title(self, language: str) -> str:
        return f"订单 {self.masked_number} 收货地址已修改" if language == "zh" \
            else f"Order {self.masked_number}: address changed"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        return (f"新地址：{self.address}" if zh else f"New address: {self.address}",
                f"城市：{place_label(self.city, language)}" if zh else f"City: {place_label(self.city, language)}",
                f"修改时间：{self.changed_at:%Y-%m-%d %H:%M}" if zh else f"Changed: {self.changed_at:%Y-%m-%d %H:%M}")


@dataclass(frozen=True)
class InterceptResult:
    order_number: str
    carrier: str
    fee_fen: int
    #: "return" (back to the store, then a refund) or "redirect" (to a new address).
    purpose: str
    new_city: str | None
    requested_at: datetime
    #: What comes back once a returned parcel reaches the store (the order total less the fee).
    refund_fen: int
    channel: str
    #: False when the same request already stood; nothing new was recorded.
    created: bool

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def card_title(self, language: str) -> str:
        return f"快递拦截：订单 {self.masked_number}" if language == "zh" \
            else f"Carrier interception: order {self.masked_number}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        carrier = carrier_label(self.carrier, language)
        lines = [f"承运快递：{carrier}" if zh else f"Carrier: {carrier}",
                 f"拦截费用：{yuan(self.fee_fen)}" if zh else f"Fee: {yuan(self.fee_fen)}",
                 f"申请时间：{self.requested_at:%Y-%m-%d %H:%M}" if zh else f"Requested: {self.requested_at:%Y-%m-%d %H:%M}"]
        if self.purpose == "redirect" and self.new_city:
            lines.append(f"改派至：{place_label(self.new_city, language)}" if zh
                         else f"Redirect to: {place_label(self.new_city, language)}")
        else:
            lines.append(f"退回后退款：{yuan(self.refund_fen)} 原路退回{channel_text(self.channel, language)}" if zh
                         else f"Refund once back: {yuan(self.refund_fen)} to your {channel_text(self.channel, language)}")
        lines.append("拦截不一定成功，结果会短信通知您" if zh else "Interception may fail; you will get a text with the result")
        return tuple(lines)


@dataclass(frozen=True)
class UrgeResult:
    order_number: str
    status: OrderStatus
    items_en: tuple[str, ...]
    items_zh: tuple[str, ...]
    #: Paid, not shipped: when it must leave the warehouse (payment + the policy's hours).
    ship_by: datetime | None
    overdue: bool
    #: A reminder was recorded now (False: one already stood today, or the parcel is already on its way).
    created: bool
    already_urged: bool
    carrier: str
    tracking_number: str | None
    promised_by: datetime
    latest_en: str | None
    latest_zh: str | None

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    @property
    def shipped(self) -> bool:
        return self.status in ON_THE_WAY

    def card_title(self, language: str) -> str:
        if self.shipped:
            return f"订单 {self.masked_number} 已发货" if language == "zh" else f"Order {self.masked_number} has shipped"
        return f"催发货：订单 {self.masked_number}" if language == "zh" else f"Shipping reminder: order {self.masked_number}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [("商品：" if zh else "Items: ") + ("、" if zh else ", ").join(self.items_zh if zh else self.items_en),
                 f"状态：{status_text(self.status.value, language)}" if zh
                 else f"Status: {status_text(self.status.value, language)}"]
        if self.shipped:
            carrier = carrier_label(self.carrier, language)
            lines.append(f"快递：{carrier} {self.tracking_number or ''}".rstrip() if zh
                         else f"Carrier: {carrier} {self.tracking_number or ''}".rstrip())
            latest = self.latest_zh if zh else self.latest_en
            if latest:
                lines.append(f"最新进度：{latest}" if zh else f"Latest: {latest}")
            lines.append(f"预计送达：{self.promised_by:%Y-%m-%d}" if zh else f"Promised by: {self.promised_by:%Y-%m-%d}")
            return tuple(lines)
        if self.ship_by is not None:
            lines.append(f"承诺发货时间：{self.ship_by:%Y-%m-%d %H:%M} 前" if zh
                         else f"Ships by: {self.ship_by:%Y-%m-%d %H:%M}")
        if self.overdue:
            lines.append("已超过承诺发货时间，已加急催促" if zh else "Past the promised time: flagged as urgent")
        lines.append("今天已催促过，无需重复" if zh and self.already_urged else
                     "已通知仓库尽快发货" if zh else
                     "Already reminded today" if self.already_urged else "The warehouse has been reminded")
        return tuple(lines)

