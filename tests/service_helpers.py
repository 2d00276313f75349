"""Finders for service tests: pick seeded records by what they are, not by hard-coded numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from desktop_app.app import App
from desktop_app.store.schema import Customer, Order, OrderItem, Product

OrderPredicate = Callable[[Order, datetime], bool]


def order_where(app: App, predicate: OrderPredicate) -> tuple[Order, Customer]:
    """First seeded order (by id) for which ``predicate(order, now)`` holds, with its customer."""
    now = app.clock.now()
    with app.db.session() as s:
        for order in s.scalars(select(Order).order_by(Order.id)).all():
            if order.customer_id is not None and predicate(order, now):
                customer = s.get(Customer, order.customer_id)
                assert customer is not None
                s.expunge_all()
                return order, customer
    raise AssertionError("the demo store has no order matching the predicate")


def delivered_within(days_low: float, days_high: float, category: str | None = None,
                     final_sale: bool | None = None) -> OrderPredicate:
    """Delivered between the two ages, holding an item of the category / final-sale flag given."""

    def predicate(order: Order, now: datetime) -> bool:
        if order.status != "delivered" or order.delivered_at is None:
            return False
        age = now - order.delivered_at
        if not (timedelta(days=days_low) <= age <= timedelta(days=days_high)):
            return False
        return matching_item(order, category, final_sale) is not None

    return predicate


def matching_item(order: Order, category: str | None = None, final_sale: bool | None = None) -> OrderItem | None:
    for item in order.items:
        if category is not None and item.product.category != category:
            continue
        if final_sale is not None and item.product.final_sale != final_sale:
            continue
        return item
    return None


def wrong_last4(phone: str) -> str:
    return f"{(int(phone[-4:]) + 1) % 10000:04d}"


def product_by_sku(app: App, sku: str) -> Product:
    with app.db.session() as s:
        p = s.scalar(select(Product).where(Product.sku == sku))
        assert p is not None
        s.expunge_all()
        return p
