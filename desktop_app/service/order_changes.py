"""Cancel, change the address of, urge, or intercept an order, under the store's order rules.

What may change depends only on how far the parcel has gone: before shipment the store itself can
cancel (refunding by the original channel) or rewrite the address; once the carrier has it, only
the carrier can stop or redirect it (for a fee, and it may fail), and after delivery the return
rules take over. Every refusal says which of these applies and changes nothing; every change is
written as an ``OrderChange`` row, with a new address encrypted because it is personal data.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotEligible
from desktop_app.core.places import CITIES, REGIONS, carrier_label, place_label
from desktop_app.core.text import clean_text
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.refunds import RefundService, RefundView, channel_text, coupon_discount_fen, day_text
from desktop_app.service.types import OrderStatus, status_text, yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import Order, OrderChange, Refund

log = logging.getLogger(__name__)

BEFORE_SHIPMENT = frozenset({OrderStatus.UNPAID, OrderStatus.PAID})
ON_THE_WAY = frozenset({OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED})

# -- addresses ---------------------------------------------------------------------------------

ADDRESS_MIN_CHARS = 8
ADDRESS_MAX_CHARS = 120

#: Mainland provinces and regions the store delivers to, beyond those ``places.REGIONS`` names
#: (remote regions ship too, at the remote fee); Hong Kong, Macau and Taiwan need cross-border shipping.
_MORE_PROVINCES: dict[str, str] = {
    "河北": "Hebei", "山西": "Shanxi", "吉林": "Jilin", "安徽": "Anhui", "江西": "Jiangxi", "海南": "Hainan",
    "贵州": "Guizhou", "甘肃": "Gansu", "青海": "Qinghai", "广西": "Guangxi", "西藏": "Tibet",
    "宁夏": "Ningxia", "新疆": "Xinjiang",
}
_PROVINCES: dict[str, str] = {**REGIONS, **_MORE_PROVINCES}
_STREET_ZH = re.compile(r"路|街|道|巷|弄|胡同|村|镇|乡|小区|大厦|花园|公寓|广场|园区|苑|\d+\s*(?:号|栋|幢|座|单元|室|楼|层)")
_STREET_EN = re.compile(r"\b(?:road|rd|street|st|avenue|ave|lane|ln|boulevard|blvd|way|drive|dr|district|building|"
                        r"bldg|apt|apartment|room|rm|floor|fl|no|community|village|tower|plaza|garden|gardens|estate|"
                        r"lu|jie|dao|xiang|hutong)\b\.?", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: "河北省石家庄市…", "广西壮族自治区南宁市…": a city the tables do not list, named after its province.
_CITY_IN_PROVINCE = re.compile(r"(?:省|自治区|" + "|".join(_PROVINCES) + r")省?\s*([^\s\d省市区县,，]{2,4}?)市")


@dataclass(frozen=True)
class ShippingAddress:
    """A delivery address that passed the sanity checks, with the city it is in (Chinese, as the store keeps places)."""

    text: str
    city: str


def parse_address(raw: str) -> ShippingAddress:
    """Check that ``raw`` could be delivered to: a known city or province, a street, number or
    residential-compound part, and a sensible length. Raises ``InvalidInput`` saying what is missing,
    so the customer can fix exactly that."""
    text = clean_text(raw, max_chars=ADDRESS_MAX_CHARS * 2, normalize=False).strip(" ,，。.;；:：")
    folded = unicodedata.normalize("NFKC", text)
    if len(text) < ADDRESS_MIN_CHARS:
        raise InvalidInput(
            "That address is too short: please give the city, district, street and house number.",
            message_zh="地址太简短了，请写明城市、区县、街道和门牌号。")
    if len(text) > ADDRESS_MAX_CHARS:
        raise InvalidInput(
            f"That address is too long (at most {ADDRESS_MAX_CHARS} characters).",
            message_zh=f"地址过长（最多 {ADDRESS_MAX_CHARS} 个字）。")
    chinese = bool(_CJK.search(folded))
    city = _city_of(folded, chinese)
    if city is None:
        raise InvalidInput(
            "I can't find a city or province in that address; please include it (e.g. Beijing, Chaoyang District, ...).",
            message_zh="地址里没有找到城市或省份，请写上，例如“北京市朝阳区……”。")
    street = _STREET_ZH.search(folded) or _STREET_EN.search(folded)
    if street is None or (not chinese and not re.search(r"\d", folded)):
        raise InvalidInput(
            "Please include the street and house number (or the residential compound and building).",
            message_zh="请写明街道门牌号（或小区、楼栋和门牌号）。")
    return ShippingAddress(text=text, city=city)


def looks_like_address(text: str) -> bool:
    """Whether some words are meant as an address (a place, or a street with a number), so a chat turn
    can tell "地址改成北京市朝阳区…" (an address, maybe a bad one) from "I want to change my address"."""
    folded = unicodedata.normalize("NFKC", text)
    chinese = bool(_CJK.search(folded))
    if _city_of(folded, chinese) is not None:
        return True
    street = _STREET_ZH.search(folded) if chinese else _STREET_EN.search(folded)
    return street is not None and bool(re.search(r"\d", folded))


def _city_of(folded: str, chinese: bool) -> str | None:
    """The city an address is in, as the store writes it: a known city first (the earliest in a
    Chinese address, the last in an English one, where the city comes after the street), else the
    "…市" it names, else its province."""
    if chinese:
        hits = [(folded.find(c.zh), c.zh) for c in CITIES.values() if c.zh in folded]
        if hits:
            return min(hits)[1]
        named = _CITY_IN_PROVINCE.search(folded)
        if named:
            return named.group(1)
        provinces = [(folded.find(p), p) for p in _PROVINCES if p in folded]
        return min(provinces)[1] if provinces else None
    lowered = folded.lower()
    english: list[tuple[int, str]] = []
    for c in CITIES.values():
        english += [(m.start(), c.zh) for m in re.finditer(rf"\b{re.escape(c.en.lower())}\b", lowered)]
    if english:
        return max(english)[1]
    provinces = [(m.start(), zh) for zh, en in _PROVINCES.items()
                 for m in re.finditer(rf"\b{re.escape(en.lower())}\b", lowered)]
    return max(provinces)[1] if provinces else None


# -- results -----------------------------------------------------------------------------------


class ChangeRule(StrEnum):
    """Why a change is or is not possible, from the order's progress."""

    UNPAID = "unpaid"  # allowed, nothing paid yet
    PAID = "paid"  # allowed, not shipped yet
    SHIPPED = "shipped"  # only the carrier can stop or redirect it now
    DELIVERED = "delivered"  # the return rules apply
    CANCELLED = "cancelled"
    RETURNED = "returned"


def _rule(status: OrderStatus) -> ChangeRule:
    if status in ON_THE_WAY:
        return ChangeRule.SHIPPED
    return ChangeRule(status.value)


def _items(order: Order, language: str) -> tuple[str, ...]:
    return tuple((i.product.name_zh if language == "zh" else i.product.name_en)
                 + (f" ×{i.quantity}" if i.quantity > 1 else "") for i in order.items)


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


# -- the service -------------------------------------------------------------------------------


class OrderChangeService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, refunds: RefundService, policy: Policy,
                 cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._refunds = refunds
        self._policy = policy
        self._cipher = cipher

    # -- cancel ----------------------------------------------------------------------------

    def check_cancel(self, order_ref: str, *, customer_code: str | None = None,
                     phone_last4: str | None = None) -> ChangeCheck:
        """What cancelling would do (refund, channel, date) or why it cannot be; changes nothing."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            return self._check(s, order, "cancel")

    def cancel(self, order_ref: str, *, customer_code: str | None = None,
               phone_last4: str | None = None) -> CancelResult:
        """Cancel an order not yet shipped; a paid one is refunded in full by the channel it was paid with.

        Anything else raises ``ChangeRefused`` (a ``NotEligible``) with what is possible instead, and
        changes nothing; a second cancel is refused as already cancelled.
        """
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            check = self._check(s, order, "cancel")
            if not check.allowed:
                raise ChangeRefused(check)
            now = self._clock.now()
            # Only from the state just checked: of two cancels racing, one changes the row, the other is told.
            moved = s.execute(update(Order).where(Order.id == order.id, Order.status == order.status)
                              .values(status=OrderStatus.CANCELLED.value)
                              .execution_options(synchronize_session="fetch"))
            if getattr(moved, "rowcount", 1) != 1:
                raise NotEligible("This order changed a moment ago; nothing was cancelled. Please check it again.",
                                  message_zh="该订单刚刚发生了变化，本次未取消，请重新查看订单。")
            s.add(OrderChange(order_id=order.id, kind="cancel", status="done", created_at=now))
            refund = self._refunds.record(s, order, None, "cancel", check.refund_fen) if check.refund_fen else None
            s.commit()
            log.info("order id %d cancelled (refund %s)", order.id, "booked" if refund else "none")
            return CancelResult(order_number=order.order_number, items_en=check.items_en, items_zh=check.items_zh,
                                total_fen=order.total_fen, cancelled_at=now, refund=refund)

    # -- address ---------------------------------------------------------------------------

    def check_address(self, order_ref: str, *, customer_code: str | None = None,
                      phone_last4: str | None = None) -> ChangeCheck:
        """Whether the order's address can still be changed (before shipment), or what to do instead."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            return self._check(s, order, "address")

    def change_address(self, order_ref: str, new_address: str, *, customer_code: str | None = None,
                       phone_last4: str | None = None) -> AddressChangeResult:
        """Send a not-yet-shipped order to a new address. The change record keeps the address encrypted; the
        order's own delivery columns hold it as they hold every order's address (their encryption at rest
        is the trust work's, for all addresses at once)."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            check = self._check(s, order, "address")
            if not check.allowed:
                raise ChangeRefused(check)
            address = parse_address(new_address)
            if _same_address(address.text, order.ship_address):
                raise NotEligible("That is already the delivery address of this order; nothing was changed.",
                                  message_zh="这已经是该订单的收货地址了，无需修改。")
            now = self._clock.now()
            order.ship_address = address.text
            order.ship_city = address.city
            s.add(OrderChange(order_id=order.id, kind="address", status="done",
                              detail_encrypted=self._cipher.encrypt(address.text), created_at=now))
            s.commit()
            log.info("order id %d: delivery address changed", order.id)
            return AddressChangeResult(order_number=order.order_number, address=address.text, city=address.city,
                                       changed_at=now)

    # -- interception ----------------------------------------------------------------------

    def intercept(self, order_ref: str, *, new_address: str | None = None, customer_code: str | None = None,
                  phone_last4: str | None = None) -> InterceptResult:
        """Ask the carrier to stop a parcel on its way: back to the store (then a refund), or to
        ``new_address``. A request already standing is returned as it is, not made twice."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            status = OrderStatus(order.status)
            if status not in ON_THE_WAY:
                en, zh = self._no_intercept(order, status)
                raise NotEligible(en, message_zh=zh)
            address = parse_address(new_address) if new_address is not None else None
            fee = self._policy.orders.intercept_fee_fen
            refund = max(0, order.total_fen - coupon_discount_fen(s, order) - self._refunded(s, order) - fee)
            existing = s.scalar(select(OrderChange).where(OrderChange.order_id == order.id,
                                                          OrderChange.kind == "intercept",
                                                          OrderChange.status == "requested"))
            if existing is not None:
                old = self._cipher.decrypt(existing.detail_encrypted) if existing.detail_encrypted else None
                old_city = parse_address(old).city if old else None
                return InterceptResult(order_number=order.order_number, carrier=order.carrier, fee_fen=fee,
                                       purpose="redirect" if old else "return", new_city=old_city,
                                       requested_at=existing.created_at, refund_fen=refund,
                                       channel=order.pay_channel, created=False)
            now = self._clock.now()
            s.add(OrderChange(order_id=order.id, kind="intercept", status="requested", created_at=now,
                              detail_encrypted=self._cipher.encrypt(address.text) if address else None))
            s.commit()
            log.info("order id %d: interception requested", order.id)
            return InterceptResult(order_number=order.order_number, carrier=order.carrier, fee_fen=fee,
                                   purpose="redirect" if address else "return",
                                   new_city=address.city if address else None, requested_at=now,
                                   refund_fen=refund, channel=order.pay_channel, created=True)

    # -- urge ------------------------------------------------------------------------------

    def urge(self, order_ref: str, *, customer_code: str | None = None,
             phone_last4: str | None = None) -> UrgeResult:
        """Remind the warehouse to ship a paid order (once a day is enough) and say when it is due to
        leave; an order already on its way gets its logistics state instead."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            status = OrderStatus(order.status)
            now = self._clock.now()
            if status in ON_THE_WAY:
                return _urge_result(order, ship_by=None, overdue=False, created=False, already=False)
            if status != OrderStatus.PAID:
                en, zh = self._no_urge(order, status)
                raise NotEligible(en, message_zh=zh)
            ship_by = (order.paid_at or order.placed_at) + timedelta(hours=self._policy.orders.ship_within_hours)
            day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
            earlier = s.scalar(select(OrderChange).where(OrderChange.order_id == order.id, OrderChange.kind == "urge",
                                                         OrderChange.created_at >= day_start).limit(1))
            if earlier is None:
                s.add(OrderChange(order_id=order.id, kind="urge", status="requested", created_at=now))
                s.commit()
                log.info("order id %d: shipping urged", order.id)
            return _urge_result(order, ship_by=ship_by, overdue=now > ship_by, created=earlier is None,
                                already=earlier is not None)

    # -- internals -------------------------------------------------------------------------

    def _refunded(self, s: Session, order: Order) -> int:
        """Money already paid back on this order (a price difference), which a cancel must not pay twice."""
        rows = s.scalars(select(Refund.amount_fen).where(Refund.order_id == order.id)).all()
        return sum(rows)

    def _check(self, s: Session, order: Order, kind: str) -> ChangeCheck:
        status = OrderStatus(order.status)
        rule = _rule(status)
        allowed = status in BEFORE_SHIPMENT
        paid = order.paid_at is not None and status == OrderStatus.PAID
        refund = (max(0, order.total_fen - coupon_discount_fen(s, order) - self._refunded(s, order))
                  if allowed and paid and kind == "cancel" else 0)
        days = self._policy.orders.refund_days_after_cancel
        fee = self._policy.orders.intercept_fee_fen if rule == ChangeRule.SHIPPED else None
        en, zh = _explain(kind, rule, order, refund=refund, days=days, fee=fee,
                          no_reason_days=self._policy.returns.no_reason_days)
        return ChangeCheck(kind=kind, order_number=order.order_number, status=status, rule=rule, allowed=allowed,
                           items_en=_items(order, "en"), items_zh=_items(order, "zh"), total_fen=order.total_fen,
                           refund_fen=refund, channel=order.pay_channel, refund_days=days, intercept_fee_fen=fee,
                           carrier=order.carrier, delivered_at=order.delivered_at,
                           explanation_en=en, explanation_zh=zh)

    def _no_intercept(self, order: Order, status: OrderStatus) -> tuple[str, str]:
        m = f"…{order.order_number[-4:]}"
        if status in BEFORE_SHIPMENT:
            return (f"Order {m} has not shipped yet, so there is nothing to intercept: it can be cancelled or "
                    "its address changed directly.",
                    f"订单{m}还没有发货，不需要拦截，可以直接取消订单或修改地址。")
        if status == OrderStatus.DELIVERED:
            return (f"Order {m} has already been delivered, so the carrier can no longer intercept it; "
                    "you can return it under our return rules.",
                    f"订单{m}已经签收，快递无法再拦截；如需退货，可以按退货规则申请。")
        return (f"Order {m} is {status_text(status.value, 'en')}; there is no parcel on the way to intercept.",
                f"订单{m}{status_text(status.value, 'zh')}，没有在途包裹可以拦截。")

    def _no_urge(self, order: Order, status: OrderStatus) -> tuple[str, str]:
        m = f"…{order.order_number[-4:]}"
        hours = self._policy.orders.ship_within_hours
        if status == OrderStatus.UNPAID:
            return (f"Order {m} is not paid yet; it ships within {hours} hours of payment.",
                    f"订单{m}还未付款，付款后 {hours} 小时内发货。")
        if status == OrderStatus.DELIVERED and order.delivered_at is not None:
            return (f"Order {m} was already delivered on {order.delivered_at:%Y-%m-%d}.",
                    f"订单{m}已于 {order.delivered_at:%Y-%m-%d} 签收。")
        return (f"Order {m} is {status_text(status.value, 'en')}, so there is nothing to ship.",
                f"订单{m}{status_text(status.value, 'zh')}，无需发货。")


def _urge_result(order: Order, *, ship_by: datetime | None, overdue: bool, created: bool,
                 already: bool) -> UrgeResult:
    latest = order.events[-1] if order.events else None
    return UrgeResult(
        order_number=order.order_number, status=OrderStatus(order.status), items_en=_items(order, "en"),
        items_zh=_items(order, "zh"), ship_by=ship_by, overdue=overdue, created=created, already_urged=already,
        carrier=order.carrier, tracking_number=order.tracking_number, promised_by=order.promised_by,
        latest_en=f"{latest.description_en} ({latest.location_en}, {latest.occurred_at:%m-%d %H:%M})" if latest else None,
        latest_zh=f"{latest.description_zh}（{latest.location_zh}，{latest.occurred_at:%m-%d %H:%M}）" if latest else None)


def _same_address(a: str, b: str) -> bool:
    def fold(text: str) -> str:
        return re.sub(r"[\s,，.。]", "", unicodedata.normalize("NFKC", text)).lower()

    return fold(a) == fold(b)


def _explain(kind: str, rule: ChangeRule, order: Order, *, refund: int, days: int, fee: int | None,
             no_reason_days: int) -> tuple[str, str]:
    """The rule behind a check, in both languages, for the customer."""
    m = f"…{order.order_number[-4:]}"
    channel_en, channel_zh = channel_text(order.pay_channel, "en"), channel_text(order.pay_channel, "zh")
    when_en = "today" if days == 0 else f"within {days} day{'s' if days != 1 else ''}"
    when_zh = "当天" if days == 0 else f" {days} 天内"
    carrier_en, carrier_zh = carrier_label(order.carrier, "en"), order.carrier
    fee_text = yuan(fee or 0)
    if rule == ChangeRule.UNPAID:
        if kind == "cancel":
            return (f"Order {m} is not paid yet, so it can be cancelled with nothing to refund.",
                    f"订单{m}尚未付款，可以直接取消，无需退款。")
        return (f"Order {m} has not shipped yet, so its delivery address can still be changed.",
                f"订单{m}还未发货，可以修改收货地址。")
    if rule == ChangeRule.PAID:
        if kind == "cancel":
            return (f"Order {m} has not shipped yet, so it can be cancelled; {yuan(refund)} goes back to your "
                    f"{channel_en} {when_en}.",
                    f"订单{m}还未发货，可以取消；{yuan(refund)} 将原路退回您的{channel_zh}，预计{when_zh}到账。")
        return (f"Order {m} has not shipped yet, so its delivery address can still be changed.",
                f"订单{m}还未发货，可以修改收货地址。")
    if rule == ChangeRule.SHIPPED:
        state_en, state_zh = status_text(order.status, "en"), status_text(order.status, "zh")
        if kind == "cancel":
            return (f"Order {m} has already shipped ({state_en}), so it can no longer be cancelled directly. "
                    f"We can ask {carrier_en} to intercept the parcel and send it back (fee {fee_text}; interception "
                    "may fail), or you can refuse the delivery; either way you are refunded once it is back with us.",
                    f"订单{m}已经发货（{state_zh}），无法直接取消。可以为您申请{carrier_zh}拦截包裹退回"
                    f"（拦截费 {fee_text}，拦截不一定成功），或者在快递派送时直接拒收；包裹退回后为您原路退款。")
        return (f"Order {m} has already shipped ({state_en}), so we can no longer change its address ourselves. "
                f"We can ask {carrier_en} to redirect the parcel to the new address (fee {fee_text}; it may fail).",
                f"订单{m}已经发货（{state_zh}），无法直接修改地址。可以为您申请{carrier_zh}拦截改派到新地址"
                f"（费用 {fee_text}，改派不一定成功）。")
    if rule == ChangeRule.DELIVERED:
        on = f" on {order.delivered_at:%Y-%m-%d}" if order.delivered_at else ""
        on_zh = f"于 {order.delivered_at:%Y-%m-%d} " if order.delivered_at else ""
        if kind == "cancel":
            return (f"Order {m} was already delivered{on}, so it can no longer be cancelled. You can return it "
                    f"instead: no-reason returns are accepted within {no_reason_days} days of delivery, "
                    "counted from the day after you signed for it.",
                    f"订单{m}已{on_zh}签收，无法取消。如不想要了可以申请退货：签收次日起 {no_reason_days} 天内"
                    "支持无理由退货。")
        return (f"Order {m} was already delivered{on}, so its address can no longer be changed.",
                f"订单{m}已{on_zh}签收，无法再修改收货地址。")
    if rule == ChangeRule.CANCELLED:
        if kind == "cancel":
            return (f"Order {m} is already cancelled; nothing was changed.",
                    f"订单{m}已经取消过了，无需重复操作。")
        return (f"Order {m} is cancelled, so there is nothing to deliver.",
                f"订单{m}已取消，无需修改地址。")
    if kind == "cancel":
        return (f"Order {m} has been returned; its refund goes with the return, so there is nothing to cancel.",
                f"订单{m}已经退货，退款随退货办理，无需取消。")
    return (f"Order {m} has been returned, so its address can no longer be changed.",
            f"订单{m}已经退货，无法修改收货地址。")


__all__ = ["AddressChangeResult", "CancelResult", "ChangeCheck", "ChangeRefused", "ChangeRule", "InterceptResult",
           "OrderChangeService", "ShippingAddress", "UrgeResult", "day_text", "goods_text", "looks_like_address",
           "parse_address"]
