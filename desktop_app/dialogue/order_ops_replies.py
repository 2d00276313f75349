"""Composing order-operation replies: the cancel confirmation and its result, a refund already under
way, the carrier's interception or redirection offered and requested, and how goods and times are
named in English and Chinese.

Split out of ``order_ops_flow`` so the flow decides what to change and this module says it; fees,
refunds and dates come from the services' results.
"""

from __future__ import annotations

from datetime import datetime

from desktop_app.core.errors import AppError
from desktop_app.core.places import carrier_label
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Intent
from desktop_app.service.order_changes import ChangeCheck, InterceptResult
from desktop_app.service.refunds import channel_text, day_text
from desktop_app.service.types import OrderView, yuan


def goods_text(view: OrderView | ChangeCheck, language: str) -> str:
    if isinstance(view, ChangeCheck):
        return view.goods(language)
    names = [line.product.name(language) for line in view.lines]
    if len(names) <= 1:
        return names[0] if names else ""
    return f"{names[0]}等" if language == "zh" else f"{names[0]} and {len(names) - 1} more"


def when_zh(when: datetime) -> str:
    return f"{when.month}月{when.day}日 {when:%H:%M}"


def when_en(when: datetime) -> str:
    return f"{when:%b} {when.day}, {when:%H:%M}"


def ask_cancel(st: SessionState, out: ReplyBuilder, check: ChangeCheck) -> None:
    st.task = TaskForm(intent=Intent.CANCEL_ORDER, step="confirm", order_number=check.order_number)
    m, total = check.masked_number, yuan(check.total_fen)
    if check.refund_fen:
        channel_en, channel_zh = channel_text(check.channel, "en"), channel_text(check.channel, "zh")
        days = check.refund_days
        then_en = (f"The refund of {yuan(check.refund_fen)} goes back to your {channel_en} "
                   f"{'the same day' if days == 0 else f'within {days} day' + ('s' if days != 1 else '')}.")
        then_zh = (f"退款 {yuan(check.refund_fen)} 将原路退回您的{channel_zh}，"
                   f"预计{'当天' if days == 0 else f' {days} 天内'}到账。")
    else:
        then_en, then_zh = "It is not paid yet, so there is nothing to refund.", "该订单尚未付款，取消后无需退款。"
    out.card(check)
    out.add(f"Shall I cancel order {m} ({check.goods('en')}, {total})? {then_en}",
            f"确认取消订单{m}（{check.goods('zh')}，{total}）吗？{then_zh}")
    out.suggest(("Yes, cancel it", "确认取消"), ("No, keep the order", "不取消了"))
    out.outcome = Outcome.FORM


def mention_refund(svc: Services, st: SessionState, out: ReplyBuilder, order_number: str) -> None:
    try:
        refunds = svc.refunds.refunds_for(order_number, **st.credentials(order_number))
    except AppError:
        return
    for r in refunds[:1]:
        if r.completed and r.completed_at is not None:
            out.add(f"Its refund of {yuan(r.amount_fen)} reached your {channel_text(r.channel, 'en')} on "
                    f"{day_text(r.completed_at, 'en')}.",
                    f"该订单的退款 {yuan(r.amount_fen)} 已于 {day_text(r.completed_at, 'zh')} 原路退回您的"
                    f"{channel_text(r.channel, 'zh')}。")
        else:
            out.add(f"Its refund of {yuan(r.amount_fen)} is on its way to your {channel_text(r.channel, 'en')}, "
                    f"due by {day_text(r.expected_by, 'en')}.",
                    f"该订单的退款 {yuan(r.amount_fen)} 正在原路退回您的{channel_text(r.channel, 'zh')}，"
                    f"预计 {day_text(r.expected_by, 'zh')} 前到账。")


def offer_intercept(st: SessionState, out: ReplyBuilder, check: ChangeCheck, intent: Intent,
                     address: str | None = None) -> None:
    """After a refusal for a parcel already on its way: offer the carrier's interception as a chip."""
    values = {"address": address} if address else {}
    st.task = TaskForm(intent=intent, step="intercept", order_number=check.order_number, values=values)
    out.did(ServiceAction.INTERCEPT_OFFERED)
    if intent == Intent.CHANGE_ADDRESS:
        out.add("Shall I ask the carrier to redirect it?", "需要我帮您申请快递改派吗？")
        out.suggest(("Yes, redirect it", "申请改派"), ("No, thanks", "不用了"))
    else:
        out.add("Shall I ask the carrier to intercept it?", "需要我帮您申请拦截吗？")
        out.suggest(("Yes, intercept it", "申请拦截"), ("No, I'll just refuse it", "不用，我拒收"))


def say_intercept(out: ReplyBuilder, result: InterceptResult) -> None:
    out.card(result)
    out.did(ServiceAction.INTERCEPT_REQUESTED)
    m, fee = result.masked_number, yuan(result.fee_fen)
    carrier_en, carrier_zh = carrier_label(result.carrier, "en"), carrier_label(result.carrier, "zh")
    if not result.created:
        out.add(f"An interception request for order {m} is already with {carrier_en}; "
                "you will get a text with the result.",
                f"订单{m}已经提交过拦截申请，{carrier_zh}处理后会短信通知您结果。")
        return
    if result.purpose == "redirect":
        out.add(f"I have asked {carrier_en} to redirect order {m} to the new address (fee {fee}). "
                "Redirecting can fail; you will get a text with the result.",
                f"已为您向{carrier_zh}提交改派申请，订单{m}将改派到新地址（费用 {fee}）。改派不一定成功，结果会短信通知您。")
    else:
        out.add(f"I have asked {carrier_en} to intercept order {m} and send it back (fee {fee}). If it works, "
                f"{yuan(result.refund_fen)} is refunded to your {channel_text(result.channel, 'en')} once the parcel "
                "is back; if it fails, you can still refuse the delivery.",
                f"已为您向{carrier_zh}提交拦截申请（拦截费 {fee}），订单{m}拦截成功后退回仓库，"
                f"{yuan(result.refund_fen)} 将原路退回您的{channel_text(result.channel, 'zh')}；"
                "如果拦截失败，您也可以在派送时直接拒收。")
