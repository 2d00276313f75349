"""After-sales facts of the demo store: payment, price history, refunds, coupons, unpaid and
cancelled orders.

Seeded after the orders with a random source of its own, so the catalogue, customers and
orders drawn before it keep their exact values whatever is added here.

Conventions the services and their tests rely on:

* ``PRICE_DROPS``: these products' prices fell ``DROP_HOURS`` before the anchor; order lines
  bought before then paid the old price, so their buyers can claim price protection (within the
  policy window: C001's PHN-LUM-A5 can, C013's FUR-DESK-120, bought ~43 days ago, cannot).
* Every other product has had one price for ``HISTORY_DAYS``.
* Unpaid and cancelled orders belong to the customers in ``UNPAID_FOR`` / ``CANCELLED_FOR``.
* Returned orders carry their refund: completed, except those whose parcel came back within the
  last ``refund_days`` days (pending, with the date it is due).
* Coupons: ``COUPONS``; C001 has already used WELCOME30.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from desktop_app.core.places import CARRIERS, CITIES
from desktop_app.store.demo.seed_logistics import Trip, created_scan, promised_by
from desktop_app.store.schema import (
    Coupon,
    CouponUse,
    Customer,
    LogisticsEvent,
    Order,
    OrderChange,
    OrderItem,
    PriceHistory,
    Product,
    Refund,
)

UNPAID, CANCELLED = "unpaid", "cancelled"
HISTORY_DAYS = 120
DROP_HOURS = 3
#: SKU → new price as a share of the old one.
PRICE_DROPS: dict[str, float] = {"PHN-LUM-A5": 0.90, "WAT-PW-S2": 0.92, "WAT-LUM-W3": 0.90,
                                 "FUR-DESK-120": 0.88, "CMP-TF-HL": 0.85, "SKN-SY-CR01": 0.90}
UNPAID_FOR = ("C002", "C003", "C005", "C008", "C010", "C014", "C017", "C020")
CANCELLED_FOR = ("C004", "C006", "C009", "C011", "C012", "C015", "C018", "C022")
PAY_CHANNELS = (("alipay", 55), ("wechat", 35), ("card", 10))
#: Days after a returned parcel arrives by which its refund is paid (the policy's default).
REFUND_DAYS = 7


@dataclass(frozen=True)
class CouponDef:
    code: str
    title_en: str
    title_zh: str
    category: str | None
    threshold_yuan: int
    discount_yuan: int
    #: Days from the anchor; negative ``until`` means already expired.
    since_days: int
    until_days: int


COUPONS: tuple[CouponDef, ...] = (
    CouponDef("WELCOME30", "¥30 off orders over ¥300", "满300减30", None, 300, 30, -60, 30),
    CouponDef("TECH100", "¥100 off phones over ¥1000", "手机满1000减100", "phone", 1000, 100, -10, 10),
    CouponDef("WATCH50", "¥50 off smartwatches over ¥500", "智能手表满500减50", "smartwatch", 500, 50, -10, 20),
    CouponDef("OUTDOOR50", "¥50 off camping gear over ¥500", "露营装备满500减50", "camping", 500, 50, -5, 20),
    CouponDef("WEAR25", "¥25 off apparel over ¥200", "服饰满200减25", "apparel", 200, 25, -15, 15),
    CouponDef("HOME80", "¥80 off furniture over ¥800", "家具满800减80", "furniture", 800, 80, -20, 25),
    CouponDef("SKIN20", "¥20 off skin care over ¥199 (expired)", "护肤满199减20（已过期）", "skincare", 199, 20, -40, -3),
)


def seed_after_sales(s: Session, *, seed: int, anchor: datetime, products: dict[str, Product],
                     customers: dict[str, Customer], orders: list[Order]) -> list[Order]:
    """Add the after-sales facts; returns the unpaid and cancelled orders it created."""
    rng = random.Random(seed * 7 + 19)
    _pay(rng, orders)
    _price_history(s, anchor, products, orders)
    added = _unpaid_and_cancelled(s, rng, anchor, products, customers, orders)
    _return_refunds(s, anchor, orders)
    _coupons(s, anchor, customers, orders)
    return added


def _pay(rng: random.Random, orders: list[Order]) -> None:
    channels = [c for c, _ in PAY_CHANNELS]
    weights = [w for _, w in PAY_CHANNELS]
    for order in orders:
        order.paid_at = order.placed_at + timedelta(minutes=rng.randint(1, 30))
        order.pay_channel = rng.choices(channels, weights=weights)[0]


def _price_history(s: Session, anchor: datetime, products: dict[str, Product], orders: list[Order]) -> None:
    start, drop = anchor - timedelta(days=HISTORY_DAYS), anchor - timedelta(hours=DROP_HOURS)
    old_price: dict[str, int] = {}
    for sku, product in products.items():
        if sku in PRICE_DROPS:
            old = int(round(product.price_fen / PRICE_DROPS[sku] / 100)) * 100
            old_price[sku] = old
            s.add(PriceHistory(product_id=product.id, price_fen=old, effective_at=start))
            s.add(PriceHistory(product_id=product.id, price_fen=product.price_fen, effective_at=drop))
        else:
            s.add(PriceHistory(product_id=product.id, price_fen=product.price_fen, effective_at=start))
    for order in orders:
        if order.placed_at >= drop:
            continue
        changed = False
        for line in order.items:
            sku = line.product.sku
            if sku in old_price:
                old = old_price[sku]
                # Bought at the old price, with the same 10 % promotion if it had one then.
                promoted = line.unit_price_fen < line.product.price_fen
                line.unit_price_fen = old - (old // 1000) * 100 if promoted else old
                changed = True
        if changed:
            order.total_fen = sum(line.quantity * line.unit_price_fen for line in order.items)


def _new_number(rng: random.Random, placed: datetime, taken: set[str], tails: set[str]) -> str:
    while True:
        number = f"{placed:%y%m%d}{rng.randrange(10**10):010d}"
        if number not in taken and number[-4:] not in tails:
            taken.add(number)
            tails.add(number[-4:])
            return number


def _unpaid_and_cancelled(s: Session, rng: random.Random, anchor: datetime, products: dict[str, Product],
                          customers: dict[str, Customer], orders: list[Order]) -> list[Order]:
    taken = {o.order_number for o in orders}
    tails: dict[int, set[str]] = {}
    for o in orders:
        tails.setdefault(o.customer_id or 0, set()).add(o.order_number[-4:])
    in_stock = sorted((p for p in products.values() if p.stock > 0), key=lambda p: p.sku)
    carriers = list(CARRIERS.values())
    added: list[Order] = []
    for status, codes in ((UNPAID, UNPAID_FOR), (CANCELLED, CANCELLED_FOR)):
        for code in codes:
            person = customers[code]
            product = rng.choice(in_stock)
            hours = rng.uniform(0.3, 20.0) if status == UNPAID else rng.uniform(2 * 24.0, 20 * 24.0)
            placed = (anchor - timedelta(hours=hours)).replace(second=0, microsecond=0)
            carrier = rng.choice(carriers)
            district = rng.choice(CITIES[person.city].districts)
            trip = Trip(product.ship_from, person.city, district, carrier)
            colours = sorted(a.value for a in product.attributes if a.key == "colour")
            sizes = sorted(a.value for a in product.attributes if a.key == "size")
            line = OrderItem(product=product, quantity=1, unit_price_fen=product.price_fen,
                             colour=rng.choice(colours) if colours else None,
                             size=rng.choice(sizes) if sizes else None)
            order = Order(order_number=_new_number(rng, placed, taken, tails.setdefault(person.id, set())),
                          customer_id=person.id, status=status, placed_at=placed,
                          promised_by=promised_by(trip, placed), carrier=carrier.zh, tracking_number=None,
                          contact_phone=person.phone, ship_city=person.city, ship_address=person.address,
                          total_fen=product.price_fen, items=[line], paid_at=None, pay_channel="alipay")
            if status == CANCELLED:
                order.paid_at = placed + timedelta(minutes=rng.randint(1, 20))
                scan = created_scan(rng, trip, placed)
                order.events = [LogisticsEvent(occurred_at=scan.occurred_at, code=scan.code,
                                               location_en=scan.location_en, location_zh=scan.location_zh,
                                               description_en=scan.description_en,
                                               description_zh=scan.description_zh)]
            s.add(order)
            added.append(order)
    s.flush()
    for order in added:
        if order.status != CANCELLED:
            continue
        assert order.paid_at is not None
        when = order.paid_at + timedelta(hours=rng.uniform(1.0, 10.0))
        s.add(OrderChange(order_id=order.id, kind="cancel", status="done", created_at=when))
        s.add(Refund(order_id=order.id, source="cancel", amount_fen=order.total_fen, channel=order.pay_channel,
                     status="completed", created_at=when, expected_by=when + timedelta(days=1),
                     completed_at=when + timedelta(hours=rng.uniform(0.5, 20.0))))
    return added


def _return_refunds(s: Session, anchor: datetime, orders: list[Order]) -> None:
    for order in orders:
        if order.status != "returned":
            continue
        back = next((e.occurred_at for e in reversed(order.events) if e.code == "returned"), None)
        assert back is not None
        due = back + timedelta(days=REFUND_DAYS)
        done = anchor - back > timedelta(days=2)
        for line in order.items:
            s.add(Refund(order_id=order.id, order_item_id=line.id, source="return",
                         amount_fen=line.quantity * line.unit_price_fen, channel=order.pay_channel,
                         status="completed" if done else "pending", created_at=back, expected_by=due,
                         completed_at=back + timedelta(days=1, hours=3) if done else None))


def _coupons(s: Session, anchor: datetime, customers: dict[str, Customer], orders: list[Order]) -> None:
    rows = {}
    for c in COUPONS:
        row = Coupon(code=c.code, title_en=c.title_en, title_zh=c.title_zh, category=c.category,
                     threshold_fen=c.threshold_yuan * 100, discount_fen=c.discount_yuan * 100,
                     valid_from=anchor + timedelta(days=c.since_days), valid_until=anchor + timedelta(days=c.until_days),
                     per_customer_limit=1)
        s.add(row)
        rows[c.code] = row
    s.flush()
    c001 = customers["C001"]
    oldest = min((o for o in orders if o.customer_id == c001.id and o.status == "delivered"), key=lambda o: o.placed_at)
    s.add(CouponUse(coupon_id=rows["WELCOME30"].id, customer_id=c001.id, order_id=oldest.id, used_at=oldest.placed_at))
