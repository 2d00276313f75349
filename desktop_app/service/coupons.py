"""Coupons and promotions (满减): which apply to an item or order, the best one, per-customer use.

A coupon is "¥discount off when the items it covers reach ¥threshold" (满减), store-wide or for one
category, valid between two dates, usable a limited number of times per customer. The assistant
only lists and explains them; applying one happens at checkout.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.types import yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import Coupon, CouponUse, Customer

log = logging.getLogger(__name__)

#: The store's checkout rule: one coupon per order (coupons do not stack).
COUPONS_PER_ORDER = 1
#: What a coupon code looks like when a shopper types one ("SKIN20", "welcome30").
COUPON_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{3,12}\d{1,4})(?![A-Za-z0-9])")


def category_text(category: str | None, language: str) -> str:
    if category is None:
        return "全场通用" if language == "zh" else "store-wide"
    term = CATEGORIES.get(category)
    label = term.label(language) if term else category
    return f"限{label}" if language == "zh" else f"{label} only"


@dataclass(frozen=True)
class CouponView:
    code: str
    title_en: str
    title_zh: str
    category: str | None
    threshold_fen: int
    discount_fen: int
    valid_from: datetime
    valid_until: datetime

    def title(self, language: str) -> str:
        return self.title_zh if language == "zh" else self.title_en

    def rule(self, language: str) -> str:
        """The 满减 rule in words: "满¥300.00减¥30.00" / "¥30.00 off from ¥300.00"."""
        if language == "zh":
            return f"满{yuan(self.threshold_fen)}减{yuan(self.discount_fen)}"
        return f"{yuan(self.discount_fen)} off from {yuan(self.threshold_fen)}"


@dataclass(frozen=True)
class CouponList:
    """The coupons a customer can use now, for an item or amount when one was asked about."""

    coupons: tuple[CouponView, ...]
    #: Code of the coupon saving the most on ``amount_fen`` (its threshold met), or None.
    best_code: str | None = None
    amount_fen: int | None = None
    category: str | None = None
    item_name_en: str | None = None
    item_name_zh: str | None = None

    @property
    def best(self) -> CouponView | None:
        return next((c for c in self.coupons if c.code == self.best_code), None)

    def card_title(self, language: str) -> str:
        return "可用优惠券" if language == "zh" else "Coupons you can use"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        if not self.coupons:
            return ("目前没有可用的优惠券" if zh else "No coupons available right now",)
        lines = []
        for c in self.coupons:
            line = (f"{c.title_zh} · {category_text(c.category, 'zh')} · {c.code} · 有效期至 {c.valid_until:%Y-%m-%d}"
                    if zh else
                    f"{c.title_en} · {category_text(c.category, 'en')} · {c.code} · "
                    f"valid until {c.valid_until:%Y-%m-%d}")
            if c.code == self.best_code:
                line += f" · ★最优，本次可省 {yuan(c.discount_fen)}" if zh else f" · ★ best: saves {yuan(c.discount_fen)}"
            elif self.amount_fen is not None and self.amount_fen < c.threshold_fen:
                short = yuan(c.threshold_fen - self.amount_fen)
                line += f" · 还差 {short} 可用" if zh else f" · {short} short of the threshold"
            lines.append(line)
        return tuple(lines)


class CouponState(StrEnum):
    USABLE = "usable"
    EXPIRED = "expired"
    NOT_STARTED = "not_started"
    USED_UP = "used_up"


@dataclass(frozen=True)
class CouponStatus:
    """One coupon asked about by its code, and whether this customer can use it now."""

    coupon: CouponView
    state: CouponState

    def explanation(self, language: str) -> str:
        c, zh = self.coupon, language == "zh"
        what = f"{category_text(c.category, language)}，{c.rule('zh')}" if zh else \
            f"{category_text(c.category, language)}, {c.rule('en')}"
        if self.state == CouponState.EXPIRED:
            return (f"{c.code}（{what}）已于 {c.valid_until:%Y-%m-%d} 过期，不能再使用了。" if zh else
                    f"{c.code} ({what}) expired on {c.valid_until:%Y-%m-%d}, so it can no longer be used.")
        if self.state == CouponState.NOT_STARTED:
            return (f"{c.code}（{what}）从 {c.valid_from:%Y-%m-%d} 起才能使用。" if zh else
                    f"{c.code} ({what}) can be used from {c.valid_from:%Y-%m-%d}.")
        if self.state == CouponState.USED_UP:
            return (f"{c.code}（{what}）您已经使用过了，每位顾客限用次数已满。" if zh else
                    f"You have already used {c.code} ({what}); it is limited per customer.")
        return (f"{c.code} 可以使用：{what}，有效期至 {c.valid_until:%Y-%m-%d}。" if zh else
                f"{c.code} can be used: {what}, valid until {c.valid_until:%Y-%m-%d}.")


class CouponService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def available(self, customer_code: str | None, category: str | None = None,
                  amount_fen: int | None = None, *, item_name_en: str | None = None,
                  item_name_zh: str | None = None) -> CouponList:
        """Coupons valid now that the customer has not used up, for ``category`` (store-wide ones
        included; None: every coupon), best first when an amount was given."""
        if amount_fen is not None and amount_fen < 0:
            raise InvalidInput("An amount cannot be negative.", message_zh="金额不能为负数。")
        if category is not None and category not in CATEGORIES:
            known_en = ", ".join(f"{t.en} ({key})" for key, t in sorted(CATEGORIES.items()))
            known_zh = "、".join(f"{t.zh}（{key}）" for key, t in sorted(CATEGORIES.items()))
            raise InvalidInput(f"Unknown category {category!r}; the store's categories are {known_en}.",
                               message_zh=f"没有“{category}”这个品类，本店品类有：{known_zh}。")
        with self._db.session() as s:
            coupons = self._usable(s, customer_code, category)
        best = self._best(coupons, amount_fen, category)
        # The best first, then the biggest discounts; a list the shopper reads top-down.
        ordered = sorted(coupons, key=lambda c: (c.code != (best.code if best else None), -c.discount_fen,
                                                 c.valid_until))
        return CouponList(coupons=tuple(ordered), best_code=best.code if best else None, amount_fen=amount_fen,
                          category=category, item_name_en=item_name_en, item_name_zh=item_name_zh)

    def best_for(self, amount_fen: int, category: str | None, customer_code: str | None) -> CouponView | None:
        """The usable coupon with the biggest discount whose threshold ``amount_fen`` meets; without a
        category only store-wide coupons are sure to apply."""
        with self._db.session() as s:
            return self._best(self._usable(s, customer_code, category), amount_fen, category)

    def lookup(self, code: str, customer_code: str | None = None) -> CouponStatus:
        """A coupon asked about by its code: usable, expired (and when), not started, or used up."""
        wanted = code.strip().upper()
        now = self._clock.now()
        with self._db.session() as s:
            row = s.scalar(select(Coupon).where(func.upper(Coupon.code) == wanted))
            if row is None:
                raise NotFound(f"There is no coupon with the code {wanted}; please check it.",
                               message_zh=f"没有找到券码为 {wanted} 的优惠券，请核对。")
            view = _view(row)
            if now > row.valid_until:
                state = CouponState.EXPIRED
            elif now < row.valid_from:
                state = CouponState.NOT_STARTED
            elif _used(s, _customer_id(s, customer_code), row) >= row.per_customer_limit:
                state = CouponState.USED_UP
            else:
                state = CouponState.USABLE
            return CouponStatus(view, state)

    def offer_after_resolution(self, customer_code: str | None, category: str | None) -> CouponView | None:
        """One coupon worth offering once an after-sales case ends well (never after a complaint:
        the caller decides when): one for the category when there is one, else a store-wide one."""
        with self._db.session() as s:
            coupons = self._usable(s, customer_code, category)
        if not coupons:
            return None
        return min(coupons, key=lambda c: (c.category is None, -c.discount_fen, c.valid_until))

    # -- internals -------------------------------------------------------------------------

    def _usable(self, s: Session, customer_code: str | None, category: str | None) -> list[CouponView]:
        now = self._clock.now()
        customer_id = _customer_id(s, customer_code)
        stmt = select(Coupon).where(Coupon.valid_from <= now, Coupon.valid_until >= now)
        if category is not None:
            stmt = stmt.where((Coupon.category.is_(None)) | (Coupon.category == category))
        rows = s.scalars(stmt.order_by(Coupon.code)).all()
        return [_view(r) for r in rows if _used(s, customer_id, r) < r.per_customer_limit]

    @staticmethod
    def _best(coupons: list[CouponView], amount_fen: int | None, category: str | None) -> CouponView | None:
        """Among the coupons sure to apply (store-wide, or for ``category``), the biggest discount met."""
        if amount_fen is None:
            return None
        met = [c for c in coupons if c.threshold_fen <= amount_fen and c.category in (None, category)]
        return min(met, key=lambda c: (-c.discount_fen, c.valid_until)) if met else None


def _view(row: Coupon) -> CouponView:
    return CouponView(code=row.code, title_en=row.title_en, title_zh=row.title_zh, category=row.category,
                      threshold_fen=row.threshold_fen, discount_fen=row.discount_fen, valid_from=row.valid_from,
                      valid_until=row.valid_until)


def _customer_id(s: Session, customer_code: str | None) -> int | None:
    """The signed-in customer's id; None for an anonymous visitor (limits are checked at checkout)."""
    if customer_code is None:
        return None
    customer_id = s.scalar(select(Customer.id).where(Customer.code == customer_code))
    if customer_id is None:
        raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
    return int(customer_id)


def _used(s: Session, customer_id: int | None, coupon: Coupon) -> int:
    if customer_id is None:
        return 0
    return int(s.scalar(select(func.count(CouponUse.id)).where(CouponUse.coupon_id == coupon.id,
                                                               CouponUse.customer_id == customer_id)) or 0)
