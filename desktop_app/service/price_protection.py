"""Price protection (价保): refund the difference once when the price drops within the window.

Platform practice, not law: the store's window, excluded categories and whether coupons count
come from the policy file. The price compared is the unit price the customer actually paid (less
their share of an order coupon when the policy says coupons count) against the lowest price the
product has had since the purchase. Each order item is refunded at most once, enforced by the
database as well as here; every refusal says why and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.refunds import RefundService
from desktop_app.service.types import OrderView, yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import (
    Coupon,
    CouponUse,
    Order,
    OrderItem,
    PriceHistory,
    PriceProtectionClaim,
    ReturnRequest,
)

log = logging.getLogger(__name__)

#: Where a refund goes: back the way the customer paid.
CHANNEL_ZH = {"alipay": "支付宝", "wechat": "微信支付", "card": "银行卡"}
CHANNEL_EN = {"alipay": "Alipay", "wechat": "WeChat Pay", "card": "bank card"}
#: Orders whose money is still with the store and whose goods are still the customer's.
_PROTECTED_STATUSES = frozenset({"paid", "shipped", "in_transit", "delayed", "delivered"})


def channel_text(channel: str, language: str) -> str:
    table = CHANNEL_ZH if language == "zh" else CHANNEL_EN
    return table.get(channel, "原支付方式" if language == "zh" else "the original payment method")


class PriceVerdict(StrEnum):
    ELIGIBLE = "eligible"
    NO_DROP = "no_drop"
    OUTSIDE_WINDOW = "outside_window"
    EXCLUDED = "excluded"
    ALREADY_CLAIMED = "already_claimed"
    NOT_PAID = "not_paid"
    CANCELLED = "cancelled"
    RETURNED = "returned"


@dataclass(frozen=True)
class PriceCheck:
    """One order item measured against its price since the purchase, with the verdict and why."""

    order_number: str
    item_id: int
    sku: str
    name_en: str
    name_zh: str
    category: str
    quantity: int
    #: Unit price actually paid (after the item's share of an order coupon when coupons count).
    paid_fen: int
    #: Lowest price since the purchase (the current price when it never dropped).
    lowest_fen: int
    lowest_at: datetime | None
    current_fen: int
    placed_at: datetime
    window_ends: datetime
    verdict: PriceVerdict
    #: What a claim would refund now (0 unless eligible).
    refund_fen: int
    claimed_fen: int | None = None
    claimed_at: datetime | None = None

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en

    def explanation(self, language: str) -> str:
        """The verdict in the customer's words, with the numbers behind it."""
        zh = language == "zh"
        name, tail = self.name(language), self.masked_number
        paid, lowest, now_price = yuan(self.paid_fen), yuan(self.lowest_fen), yuan(self.current_fen)
        v = self.verdict
        if v == PriceVerdict.ELIGIBLE:
            times_zh = f"（{self.quantity} 件）" if self.quantity > 1 else ""
            times_en = f" for {self.quantity}" if self.quantity > 1 else ""
            return (f"{name}降价了：您买时单价 {paid}，之后最低 {lowest}，可退差价 {yuan(self.refund_fen)}{times_zh}。" if zh
                    else f"The {name} dropped in price: you paid {paid} each, it has since been {lowest}, "
                    f"so {yuan(self.refund_fen)}{times_en} can be refunded.")
        if v == PriceVerdict.NO_DROP:
            return (f"{name}自您购买后没有降价：您买时单价 {paid}，现价 {now_price}，暂无差价可退。" if zh else
                    f"The {name} has not dropped in price since you bought it: you paid {paid}, "
                    f"it is {now_price} now, so there is no difference to refund.")
        if v == PriceVerdict.OUTSIDE_WINDOW:
            days = (self.window_ends - self.placed_at).days
            return (f"{name}（订单{tail}）于 {self.placed_at:%Y-%m-%d} 下单，价保期为下单后 {days} 天"
                    f"（至 {self.window_ends:%Y-%m-%d}），已过价保期，无法申请价保。" if zh else
                    f"The {name} (order {tail}) was bought on {self.placed_at:%Y-%m-%d}; price protection lasts "
                    f"{days} days after purchase (until {self.window_ends:%Y-%m-%d}), so that window has closed.")
        if v == PriceVerdict.EXCLUDED:
            return (f"{name}所属品类不参加价保。" if zh else f"The {name}'s category is not covered by price protection.")
        if v == PriceVerdict.ALREADY_CLAIMED:
            when = f"{self.claimed_at:%Y-%m-%d}" if self.claimed_at else ""
            amount = yuan(self.claimed_fen or 0)
            return (f"{name}已价保过：已于 {when} 退还差价 {amount}，每件商品只能价保一次。" if zh else
                    f"The {name} was already price-protected: already refunded {amount} on {when}. "
                    "Each item can be claimed once.")
        if v == PriceVerdict.NOT_PAID:
            return (f"订单{tail}还未付款，付款后才能享受价保。" if zh else
                    f"Order {tail} has not been paid yet; price protection applies once it is paid.")
        if v == PriceVerdict.CANCELLED:
            return (f"订单{tail}已取消并全额退款，不需要价保。" if zh else
                    f"Order {tail} was cancelled and fully refunded, so there is nothing to protect.")
        return (f"{name}已退货（或正在退货），会全额退款，不再单独价保。" if zh else
                f"The {name} was returned (or is being returned) for a full refund, "
                "so price protection does not apply.")

    def card_title(self, language: str) -> str:
        return "价保查询" if language == "zh" else "Price check"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [f"{self.name(language)} ×{self.quantity} · 订单{self.masked_number}" if zh
                 else f"{self.name(language)} ×{self.quantity} · order {self.masked_number}",
                 f"购买单价：{yuan(self.paid_fen)}（{self.placed_at:%Y-%m-%d}）" if zh
                 else f"Paid: {yuan(self.paid_fen)} each ({self.placed_at:%Y-%m-%d})",
                 f"现价：{yuan(self.current_fen)}" if zh else f"Price now: {yuan(self.current_fen)}"]
        if self.lowest_fen < self.current_fen:
            lines.append(f"购买后最低：{yuan(self.lowest_fen)}" if zh else f"Lowest since: {yuan(self.lowest_fen)}")
        lines.append(f"价保截止：{self.window_ends:%Y-%m-%d}" if zh else f"Protected until: {self.window_ends:%Y-%m-%d}")
        lines.append(self.explanation(language))
        return tuple(lines)


@dataclass(frozen=True)
class PriceProtection:
    """A successful claim: the difference refunded for one order item."""

    order_number: str
    item_id: int
    name_en: str
    name_zh: str
    quantity: int
    paid_fen: int
    lowest_fen: int
    refund_fen: int
    channel: str
    claimed_at: datetime
    expected_by: datetime

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def card_title(self, language: str) -> str:
        return "价保退款已提交" if language == "zh" else "Price difference refunded"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        name = self.name_zh if zh else self.name_en
        return (
            f"{name} ×{self.quantity} · 订单{self.masked_number}" if zh
            else f"{name} ×{self.quantity} · order {self.masked_number}",
            f"购买单价 {yuan(self.paid_fen)} → 最低 {yuan(self.lowest_fen)}" if zh
            else f"Paid {yuan(self.paid_fen)} each → lowest {yuan(self.lowest_fen)}",
            f"退还差价：{yuan(self.refund_fen)}" if zh else f"Refund: {yuan(self.refund_fen)}",
            f"退回：{channel_text(self.channel, language)}" if zh else f"To: {channel_text(self.channel, language)}",
            f"预计 {self.expected_by:%Y-%m-%d} 前到账" if zh else f"Expected by {self.expected_by:%Y-%m-%d}",
        )


class PriceProtectionService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, refunds: RefundService,
                 policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._refunds = refunds
        self._policy = policy

    def check(self, order_ref: str, item_id: int | None = None, *, customer_code: str | None = None,
              phone_last4: str | None = None) -> PriceCheck:
        """The verdict for one item. Without ``item_id``, an order of one item, or the only item of
        the order that can be claimed; several claimable items: ``InvalidInput`` asking which."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            return self._pick(self._checks(s, order), item_id)

    def check_all(self, order_ref: str, *, customer_code: str | None = None,
                  phone_last4: str | None = None) -> tuple[PriceCheck, ...]:
        """Every item of the order with its verdict, in the order's own order."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            return self._checks(s, order)

    def claimable(self, view: OrderView) -> bool:
        """Whether an order the caller has already opened has an item whose difference can be
        refunded now (the dialogue's order filter: only such orders are offered)."""
        now = self._clock.now()
        if view.status.value not in _PROTECTED_STATUSES or now > self._window_end(view.placed_at):
            return False
        with self._db.session() as s:
            order = s.scalar(select(Order).where(Order.order_number == view.order_number))
            return order is not None and any(c.verdict == PriceVerdict.ELIGIBLE for c in self._checks(s, order))

    def claim(self, order_ref: str, item_id: int | None = None, *, customer_code: str | None = None,
              phone_last4: str | None = None) -> PriceProtection:
        """Refund the difference for one item (once), by the order's payment channel; a refusal
        raises ``NotEligible`` with the reason and the numbers, and writes nothing."""
        try:
            with self._db.session() as s:
                order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
                check = self._pick(self._checks(s, order), item_id)
                if check.verdict != PriceVerdict.ELIGIBLE:
                    raise NotEligible(check.explanation("en"), message_zh=check.explanation("zh"))
                item = next(i for i in order.items if i.id == check.item_id)
                now = self._clock.now()
                s.add(PriceProtectionClaim(order_item_id=item.id, paid_fen=check.paid_fen, lowest_fen=check.lowest_fen,
                                           refund_fen=check.refund_fen, created_at=now))
                expected_by = self._record_refund(s, order, item, check.refund_fen)
                s.flush()
                log.info("price protection on order item %s: refund %s fen", item.id, check.refund_fen)
                return PriceProtection(order_number=order.order_number, item_id=item.id, name_en=check.name_en,
                                       name_zh=check.name_zh, quantity=check.quantity, paid_fen=check.paid_fen,
                                       lowest_fen=check.lowest_fen, refund_fen=check.refund_fen,
                                       channel=order.pay_channel, claimed_at=now, expected_by=expected_by)
        except IntegrityError:
            # The same item claimed twice at once: the unique claim per item kept the first.
            raise NotEligible("The difference for this item has just been refunded; each item can be claimed once.",
                              message_zh="该商品刚刚已价保退款，每件商品只能价保一次。") from None

    # -- internals -------------------------------------------------------------------------

    def _window_end(self, placed_at: datetime) -> datetime:
        return placed_at + timedelta(days=self._policy.price_protection.window_days)

    def _record_refund(self, s: Session, order: Order, item: OrderItem, amount_fen: int) -> datetime:
        """Book the difference in the refund ledger, committed with the claim; when it is due."""
        return self._refunds.record(s, order, item, "price_protection", amount_fen).expected_by

    @staticmethod
    def _pick(checks: tuple[PriceCheck, ...], item_id: int | None) -> PriceCheck:
        if item_id is not None:
            found = next((c for c in checks if c.item_id == item_id), None)
            if found is None:
                raise NotFound("That item is not in this order.", message_zh="该订单中没有这件商品。")
            return found
        if len(checks) == 1:
            return checks[0]
        eligible = [c for c in checks if c.verdict == PriceVerdict.ELIGIBLE]
        if len(eligible) == 1:
            return eligible[0]
        if eligible:
            names_en = ", ".join(c.name_en for c in eligible)
            names_zh = "、".join(c.name_zh for c in eligible)
            raise InvalidInput(f"Several items of this order dropped in price ({names_en}); which one?",
                               message_zh=f"该订单中有多件商品降价了（{names_zh}），请问是哪一件？")
        # Nothing claimable: the item whose answer says most (claimed or refused before "no drop").
        return min(checks, key=lambda c: c.verdict == PriceVerdict.NO_DROP)

    def _checks(self, s: Session, order: Order) -> tuple[PriceCheck, ...]:
        now = self._clock.now()
        rules = self._policy.price_protection
        window_ends = self._window_end(order.placed_at)
        coupon_fen = 0
        if rules.coupons_count:
            coupon_fen = int(s.scalar(select(func.coalesce(func.sum(Coupon.discount_fen), 0))
                                      .join(CouponUse, CouponUse.coupon_id == Coupon.id)
                                      .where(CouponUse.order_id == order.id)) or 0)
        lines_total = sum(i.quantity * i.unit_price_fen for i in order.items) or 1
        out = []
        for item in order.items:
            product = item.product
            share = coupon_fen * item.quantity * item.unit_price_fen // lines_total
            paid = item.unit_price_fen - share // max(1, item.quantity)
            low = s.execute(select(PriceHistory.price_fen, PriceHistory.effective_at)
                            .where(PriceHistory.product_id == product.id, PriceHistory.effective_at > order.placed_at,
                                   PriceHistory.effective_at <= now)
                            .order_by(PriceHistory.price_fen, PriceHistory.effective_at).limit(1)).first()
            lowest, lowest_at = (int(low[0]), low[1]) if low is not None else (product.price_fen, None)
            claim = s.scalar(select(PriceProtectionClaim).where(PriceProtectionClaim.order_item_id == item.id))
            returning = s.scalar(select(ReturnRequest.id).where(ReturnRequest.order_item_id == item.id,
                                                                ReturnRequest.kind == "return"))
            verdict = self._verdict(order, now, window_ends, product.category, claim is not None,
                                    returning is not None, paid, lowest)
            refund = (paid - lowest) * item.quantity if verdict == PriceVerdict.ELIGIBLE else 0
            out.append(PriceCheck(order_number=order.order_number, item_id=item.id, sku=product.sku,
                                  name_en=product.name_en, name_zh=product.name_zh, category=product.category,
                                  quantity=item.quantity, paid_fen=paid, lowest_fen=lowest, lowest_at=lowest_at,
                                  current_fen=product.price_fen, placed_at=order.placed_at, window_ends=window_ends,
                                  verdict=verdict, refund_fen=refund,
                                  claimed_fen=claim.refund_fen if claim else None,
                                  claimed_at=claim.created_at if claim else None))
        return tuple(out)

    def _verdict(self, order: Order, now: datetime, window_ends: datetime, category: str, claimed: bool,
                 returning: bool, paid: int, lowest: int) -> PriceVerdict:
        """Order-level rules first (the customer hears the reason that applies to everything)."""
        if order.status == "unpaid" or order.paid_at is None:
            return PriceVerdict.NOT_PAID
        if order.status == "cancelled":
            return PriceVerdict.CANCELLED
        if order.status == "returned" or returning:
            return PriceVerdict.RETURNED
        if claimed:
            return PriceVerdict.ALREADY_CLAIMED
        if now > window_ends:
            return PriceVerdict.OUTSIDE_WINDOW
        if category in self._policy.price_protection.excluded_categories:
            return PriceVerdict.EXCLUDED
        if lowest >= paid:
            return PriceVerdict.NO_DROP
        return PriceVerdict.ELIGIBLE
