"""Restock alerts: a signed-in customer asks to be told when a sold-out item is back.

Only a customer account can be told later (a kiosk visitor has no address to reach), only a
sold-out item needs an alert (one in stock can be bought now, and the customer is told how many
are left), and asking twice keeps one alert (the database's unique key backs the service's check).
An alert already sent is re-armed when asked again, since the item sold out once more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop_app.core.clock import Clock
from desktop_app.core.errors import AccessDenied, NotEligible, NotFound
from desktop_app.service.shipping import product_by_sku
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, RestockAlert

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestockView:
    alert_id: int
    sku: str
    product_en: str
    product_zh: str
    subscribed_at: datetime
    #: False when the customer had already asked for this item (nothing new was stored).
    created: bool

    def name(self, language: str) -> str:
        return self.product_zh if language == "zh" else self.product_en

    def card_title(self, language: str) -> str:
        return "到货提醒" if language == "zh" else "Restock alert"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        return (f"商品：{self.name(language)}" if zh else f"Item: {self.name(language)}",
                "状态：暂时缺货" if zh else "Status: sold out",
                f"订阅时间：{self.subscribed_at:%Y-%m-%d %H:%M}" if zh else f"Subscribed: {self.subscribed_at:%Y-%m-%d %H:%M}",
                "到货后会通过站内消息第一时间通知您" if zh else "We will send you an app message as soon as it is back")


@dataclass(frozen=True)
class PendingAlert:
    """One customer waiting for an item, for the merchant's restock planning."""

    alert_id: int
    customer_code: str
    subscribed_at: datetime


class RestockService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def subscribe(self, customer_code: str | None, sku: str) -> RestockView:
        """Ask to be told when ``sku`` is back; refuses an item in stock and a visitor without an account."""
        with self._db.session() as s:
            product = product_by_sku(s, sku)
            if product.stock > 0:
                raise NotEligible(f"{product.name_en} is in stock now: {product.stock} left. You can order it right away.",
                                  message_zh=f"{product.name_zh}现在有货，还剩 {product.stock} 件，可以直接下单哦。")
            if not customer_code:
                raise AccessDenied("Restock alerts are for members: please sign in (in the app or on the website) "
                                   "to be told when it is back.",
                                   message_zh="到货提醒需要登录会员账号，您可以在 App 或官网登录后订阅。")
            customer = s.scalar(select(Customer).where(Customer.code == customer_code))
            if customer is None:
                raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
            alert = s.scalar(select(RestockAlert).where(RestockAlert.customer_id == customer.id,
                                                        RestockAlert.product_id == product.id))
            created = alert is None or alert.notified_at is not None
            if alert is None:
                alert = RestockAlert(customer_id=customer.id, product_id=product.id, created_at=self._clock.now())
                s.add(alert)
            elif alert.notified_at is not None:
                alert.notified_at, alert.created_at = None, self._clock.now()  # sold out again: wait once more
            try:
                s.flush()
            except IntegrityError:  # the same customer subscribed a moment ago from another kiosk
                s.rollback()
                alert = s.scalar(select(RestockAlert).where(RestockAlert.customer_id == customer.id,
                                                            RestockAlert.product_id == product.id))
                assert alert is not None
                created = False
            view = RestockView(alert.id, product.sku, product.name_en, product.name_zh, alert.created_at, created)
            s.commit()
        if created:
            log.info("restock alert %d stored", view.alert_id)
        return view

    def pending_for(self, sku: str) -> tuple[PendingAlert, ...]:
        """Customers still waiting for ``sku``, oldest first."""
        with self._db.session() as s:
            product = product_by_sku(s, sku)
            rows = s.execute(select(RestockAlert.id, Customer.code, RestockAlert.created_at)
                             .join(Customer, Customer.id == RestockAlert.customer_id)
                             .where(RestockAlert.product_id == product.id, RestockAlert.notified_at.is_(None))
                             .order_by(RestockAlert.created_at, RestockAlert.id))
            return tuple(PendingAlert(alert_id, code, at) for alert_id, code, at in rows)
