"""Customer segments for product selection, from what customers bought (never who they are).

Only purchases count: orders with a customer that were paid for (not unpaid, not cancelled). Every
customer with such an order is in exactly one price segment and exactly one category segment:

* **Price position**: each order line's unit price divided by the median catalogue price of its
  category (so a 300-yuan stool and a 3,000-yuan sofa are each compared with their own shelf); a
  customer's position is the median over their lines.
* ``price_sensitive``: a position at or below ``CHEAP`` (0.8), or the customer acted on price: used
  a coupon or claimed price protection.
* ``premium``: a position at or above ``PREMIUM`` (1.25) and never acted on price.
* ``mid_range``: everyone else.
* ``category:<code>``: the category the customer spent the most on (ties: the first code).

A segment of fewer than ``MIN_SEGMENT_CUSTOMERS`` customers is not returned at all: a figure about
two people describes those two people. The share's denominator (``Segment.base``) is every customer
with a purchase, hidden segments included.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from desktop_app.service.merchant_types import MIN_SEGMENT_CUSTOMERS, Segment
from desktop_app.store.db import Database
from desktop_app.store.schema import CouponUse, Order, OrderItem, PriceProtectionClaim, Product

CHEAP = 0.8
PREMIUM = 1.25
TOP_CATEGORIES = 3
PRICE_SEGMENTS = ("price_sensitive", "mid_range", "premium")
#: Orders that are not (or no longer) purchases.
_NOT_BOUGHT = ("unpaid", "cancelled")


@dataclass
class _Buyer:
    totals: list[int] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    spend: Counter[str] = field(default_factory=Counter)
    units: Counter[str] = field(default_factory=Counter)


def segments(db: Database) -> tuple[Segment, ...]:
    """Price segments (in ``PRICE_SEGMENTS`` order), then category segments, most customers first."""
    with db.session() as s:
        shelf: dict[str, list[int]] = defaultdict(list)
        for category, price in s.execute(select(Product.category, Product.price_fen)):
            shelf[category].append(price)
        orders = s.execute(select(Order.id, Order.customer_id, Order.total_fen).where(
            Order.customer_id.is_not(None), Order.status.not_in(_NOT_BOUGHT))).all()
        lines = s.execute(select(OrderItem.order_id, Product.category, OrderItem.unit_price_fen, OrderItem.quantity)
                          .join(Product, Product.id == OrderItem.product_id).join(Order, Order.id == OrderItem.order_id)
                          .where(Order.customer_id.is_not(None), Order.status.not_in(_NOT_BOUGHT))).all()
        acted: set[int | None] = set(s.scalars(select(CouponUse.customer_id)))
        acted.update(s.scalars(select(Order.customer_id).join(OrderItem, OrderItem.order_id == Order.id)
                               .join(PriceProtectionClaim, PriceProtectionClaim.order_item_id == OrderItem.id)
                               .where(Order.customer_id.is_not(None))))
    median_price = {category: statistics.median(prices) for category, prices in shelf.items()}
    owner: dict[int, int] = {}
    buyers: dict[int, _Buyer] = defaultdict(_Buyer)
    for order_id, customer_id, total in orders:
        if customer_id is None:  # excluded by the query; narrows the type
            continue
        owner[order_id] = customer_id
        buyers[customer_id].totals.append(total)
    for order_id, category, unit_price, quantity in lines:
        if order_id not in owner:
            continue
        buyer = buyers[owner[order_id]]
        if median_price.get(category):
            buyer.ratios.append(unit_price / median_price[category])
        buyer.spend[category] += unit_price * quantity
        buyer.units[category] += quantity
    groups: dict[str, list[_Buyer]] = defaultdict(list)
    for customer_id, buyer in buyers.items():
        groups[_price_segment(buyer, customer_id in acted)].append(buyer)
        if buyer.spend:
            favourite = min(buyer.spend, key=lambda c: (-buyer.spend[c], c))
            groups[f"category:{favourite}"].append(buyer)
    base = len(buyers)
    out = [_segment(key, members, base) for key, members in groups.items() if len(members) >= MIN_SEGMENT_CUSTOMERS]
    rank = {key: i for i, key in enumerate(PRICE_SEGMENTS)}
    return tuple(sorted(out, key=lambda g: (rank.get(g.key, len(rank)), -g.customers, g.key)))


def _price_segment(buyer: _Buyer, acted_on_price: bool) -> str:
    position = statistics.median(buyer.ratios) if buyer.ratios else 1.0
    if acted_on_price or position <= CHEAP:
        return "price_sensitive"
    return "premium" if position >= PREMIUM else "mid_range"


def _segment(key: str, members: list[_Buyer], base: int) -> Segment:
    units: Counter[str] = Counter()
    for buyer in members:
        units.update(buyer.units)
    top = sorted(units.items(), key=lambda p: (-p[1], p[0]))[:TOP_CATEGORIES]
    totals = [total for buyer in members for total in buyer.totals]
    return Segment(key=key, customers=len(members), share=len(members) / base if base else 0.0,
                   median_order_fen=round(statistics.median(totals)) if totals else 0,
                   top_categories=tuple(top), base=base)
