"""Why an order can or cannot be changed, in the customer's words, in both languages.

Split from ``order_changes`` because these sentences are the bulk of the module and change for
wording reasons, not rules: each one names the order (by its last four digits), the rule that
applies and what is possible instead.
"""

from __future__ import annotations

from desktop_app.core.places import carrier_label
from desktop_app.service.order_change_types import BEFORE_SHIPMENT, ChangeRule
from desktop_app.service.refunds import channel_text
from desktop_app.service.types import OrderStatus, status_text, yuan
from desktop_app.store.schema import Order


def explain_change(kind: str, rule: ChangeRule, order: Order, *, refund: int, days: int, fee: int | None,
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


def no_intercept_text(order: Order, status: OrderStatus) -> tuple[str, str]:
    """Why there is nothing to intercept: not shipped yet, already delivered, or no parcel at all."""
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


def no_urge_text(order: Order, status: OrderStatus, hours: int) -> tuple[str, str]:
    """Why there is nothing to ship: not paid yet (it ships ``hours`` after payment), delivered, or closed."""
    m = f"…{order.order_number[-4:]}"
    if status == OrderStatus.UNPAID:
        return (f"Order {m} is not paid yet; it ships within {hours} hours of payment.",
                f"订单{m}还未付款，付款后 {hours} 小时内发货。")
    if status == OrderStatus.DELIVERED and order.delivered_at is not None:
        return (f"Order {m} was already delivered on {order.delivered_at:%Y-%m-%d}.",
                f"订单{m}已于 {order.delivered_at:%Y-%m-%d} 签收。")
    return (f"Order {m} is {status_text(status.value, 'en')}, so there is nothing to ship.",
            f"订单{m}{status_text(status.value, 'zh')}，无需发货。")

