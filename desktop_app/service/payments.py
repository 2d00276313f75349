"""Payment questions: how long an unpaid order waits, and which channels the store takes.

The auto-cancel delay is the store's rule, kept here as a named constant (the policy file has no
key for it yet), so the answer the assistant gives and any job that cancels unpaid orders read
the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_app.service.types import OrderStatus, OrderView, yuan

#: The store's rule: an order not paid within this many hours of being placed is cancelled.
UNPAID_AUTO_CANCEL_HOURS = 24
#: Payment channels the checkout offers, in the customer's words.
PAY_CHANNELS_ZH = ("支付宝", "微信支付", "银行卡")
PAY_CHANNELS_EN = ("Alipay", "WeChat Pay", "a bank card")


def duration_text(minutes: int, language: str) -> str:
    """"5 小时 20 分钟" / "5 h 20 min"; never negative."""
    minutes = max(0, minutes)
    hours, mins = divmod(minutes, 60)
    if language == "zh":
        return (f"{hours} 小时 " if hours else "") + f"{mins} 分钟"
    return (f"{hours} h " if hours else "") + f"{mins} min"


@dataclass(frozen=True)
class PaymentDue:
    """An unpaid order: what to pay and how long is left before the store cancels it."""

    order_number: str
    amount_fen: int
    placed_at: datetime
    cancel_at: datetime
    minutes_left: int
    item_names_en: tuple[str, ...]
    item_names_zh: tuple[str, ...]

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def card_title(self, language: str) -> str:
        return "待付款订单" if language == "zh" else "Awaiting payment"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        names = "、".join(self.item_names_zh) if zh else ", ".join(self.item_names_en)
        return (
            f"订单{self.masked_number} · {names}" if zh else f"Order {self.masked_number} · {names}",
            f"应付金额：{yuan(self.amount_fen)}" if zh else f"To pay: {yuan(self.amount_fen)}",
            f"下单时间：{self.placed_at:%Y-%m-%d %H:%M}" if zh else f"Placed: {self.placed_at:%Y-%m-%d %H:%M}",
            (f"请在 {self.cancel_at:%m-%d %H:%M} 前付款（还剩 {duration_text(self.minutes_left, 'zh')}）" if zh else
             f"Pay by {self.cancel_at:%m-%d %H:%M} ({duration_text(self.minutes_left, 'en')} left)"),
        )


def payment_due(view: OrderView, now: datetime) -> PaymentDue:
    """The amount and deadline of an unpaid order (the caller has already opened it)."""
    if view.status != OrderStatus.UNPAID:
        raise ValueError("only an unpaid order has a payment deadline")
    cancel_at = view.placed_at + timedelta(hours=UNPAID_AUTO_CANCEL_HOURS)
    return PaymentDue(order_number=view.order_number, amount_fen=view.total_fen, placed_at=view.placed_at,
                      cancel_at=cancel_at, minutes_left=max(0, int((cancel_at - now).total_seconds() // 60)),
                      item_names_en=tuple(line.product.name_en for line in view.lines),
                      item_names_zh=tuple(line.product.name_zh for line in view.lines))
