"""Composing product-care replies: a shipping quote, a filed repair ticket, installation slots and
bookings, and size advice, each in English and Chinese.

Split out of ``product_care_flow`` so the flow decides what happens (ask, book, refuse) and this
module says it; the numbers and rules come from the services' views, never from here.
"""

from __future__ import annotations

from datetime import datetime

from desktop_app.core.errors import AppError
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.dialogue.care_slots import EVENING, named_in
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.state import SessionState
from desktop_app.service.installation import InstallationBookingView, InstallationSlots, installable
from desktop_app.service.shipping import ShippingQuote
from desktop_app.service.sizing import SizeAdvice
from desktop_app.service.types import OrderView, yuan
from desktop_app.service.warranty import WarrantyTicketView

TALK_TO_PERSON = ("Talk to a person", "转人工")


def _chip(start: datetime, language: str) -> str:
    if language == "zh":
        return f"{start:%m-%d} 周{'一二三四五六日'[start.weekday()]}{'上午' if start.hour < 12 else '下午'}"
    return f"{start:%a %m-%d} {'morning' if start.hour < 12 else 'afternoon'}"


def offer_slots(st: SessionState, info: InstallationSlots, out: ReplyBuilder, *, change: bool) -> None:
    assert st.task is not None
    shown = info.shown()
    st.task.step = "slot"
    st.task.values["offered"] = ",".join(f.start.isoformat() for f in shown)
    if change:
        st.task.values["mode"] = "change"
    out.card(info)
    out.did(ServiceAction.INSTALLATION_SLOTS_OFFERED)
    out.outcome = Outcome.FORM
    for f in shown[:4]:
        out.suggest((_chip(f.start, "en"), _chip(f.start, "zh")))


def say_nothing_to_install(app: Services, st: SessionState, mine: tuple[OrderView, ...], words: list[str],
                    out: ReplyBuilder) -> None:
    """None of a signed-in customer's orders can have an installer come now: say why, for the order meant."""
    st.task = None
    out.did(ServiceAction.INSTALLATION_REFUSED)
    out.outcome = Outcome.REFUSED
    waiting = [o for o in mine if any(installable(ln.product.category, ln.product.needs_assembly, app.policy)
                                      and named_in(ln, words) for ln in o.lines)]
    if waiting:  # e.g. furniture not shipped yet: the service's own reason
        try:
            app.installation.slots(waiting[0].order_number, None, **st.credentials(waiting[0].order_number))
        except AppError as exc:
            out.add(exc.message, exc.message_zh)
            return
    known = sorted(c for c in app.policy.installation.categories if c in CATEGORIES)
    kinds_en = " and ".join(CATEGORIES[c].en.lower() for c in known) or "large items"
    kinds_zh = "、".join(CATEGORIES[c].zh for c in known) or "大件商品"
    out.add(f"None of your orders holds an item that needs installing; free installation is for {kinds_en} "
            "and items that need assembling.",
            f"您的订单里暂时没有需要安装的商品哦；{kinds_zh}以及需要组装的商品可以预约免费上门安装。")


def say_shipping_quote(out: ReplyBuilder, quote: ShippingQuote, *, is_home: bool) -> None:
    """The fee in words: the general rule when no place is known, else the fee for the place (and the
    order amount, if said), then the delivery time of a product asked about."""
    if quote.place is None:
        rule_en = (f"Most regions pay {yuan(quote.base_fee_fen)}, free from {yuan(quote.free_over_fen)}; remote regions "
                   f"({quote.regions_text('en')}) pay {yuan(quote.remote_fee_fen)}, free from "
                   f"{yuan(quote.remote_free_over_fen)}.")
        rule_zh = (f"一般地区运费 {yuan(quote.base_fee_fen)}，满 {yuan(quote.free_over_fen)} 包邮；偏远地区"
                   f"（{quote.regions_text('zh')}）运费 {yuan(quote.remote_fee_fen)}，满 {yuan(quote.remote_free_over_fen)} 包邮。")
        if quote.unknown_destination:
            out.add(f"I don't have a shipping rate for {quote.unknown_destination}. {rule_en} Tell me the city or "
                    "province and I'll work it out.",
                    f"亲，暂时查不到「{quote.unknown_destination}」的运费标准。{rule_zh}告诉我具体的城市或省份，我再帮您算一下。")
        else:
            out.add(f"{rule_en} Tell me your city and I'll give you the exact fee.",
                    f"{rule_zh}告诉我您的收货城市，我帮您算具体运费。")
    else:
        where_en, where_zh = quote.place.label("en"), quote.place.label("zh")
        lead_en = f"To your city, {where_en}" if is_home else f"To {where_en}"
        lead_zh = f"按您的收货城市{where_zh}计算，" if is_home else f"寄到{where_zh}，"
        if quote.remote:
            lead_en += " (a remote region)"
            lead_zh += "属于偏远地区，"
        if quote.amount_fen is None:
            out.add(f"{lead_en}: shipping is {yuan(quote.fee_fen)}, free from {yuan(quote.threshold_fen)}.",
                    f"{lead_zh}运费 {yuan(quote.fee_fen)}，满 {yuan(quote.threshold_fen)} 包邮。")
        elif quote.free:
            out.add(f"{lead_en}: an order of {yuan(quote.amount_fen)} ships free.",
                    f"{lead_zh}{yuan(quote.amount_fen)} 的订单可以包邮哦。")
        else:
            out.add(f"{lead_en}: shipping for {yuan(quote.amount_fen)} is {yuan(quote.fee_fen)}; add "
                    f"{yuan(quote.short_fen or 0)} more and it ships free (from {yuan(quote.threshold_fen)}).",
                    f"{lead_zh}{yuan(quote.amount_fen)} 的订单运费 {yuan(quote.fee_fen)}，再买 {yuan(quote.short_fen or 0)} "
                    f"即可包邮（满 {yuan(quote.threshold_fen)}）。")
    if quote.delivery is not None and quote.product_en and quote.product_zh:
        d = quote.delivery
        days = f"{d.earliest_days}-{d.latest_days}"
        stock_en = "" if d.in_stock else " It is out of stock now, so it ships once restocked."
        stock_zh = "" if d.in_stock else "目前缺货，补货后发出。"
        out.add(f"{quote.product_en} should arrive in {days} days.{stock_en}",
                f"{quote.product_zh}预计 {days} 天送达。{stock_zh}")


def say_warranty_filed(out: ReplyBuilder, ticket: WarrantyTicketView) -> None:
    """A filed (or already open) repair ticket in words, with the return or exchange the customer may
    choose instead."""
    if not ticket.created:
        out.add(f"{ticket.product_en} already has repair ticket {ticket.number} in progress; no need to file it again.",
                f"{ticket.product_zh}已有维修工单 {ticket.number} 在处理中，不用重复提交哦。")
        return
    out.add(f"Your warranty repair is filed: ticket {ticket.number}. {ticket.next_step('en')}.",
            f"已为您登记保修维修，工单号 {ticket.number}。{ticket.next_step('zh')}。")
    if ticket.remedy in ("return", "exchange", "repeat"):
        if ticket.remedy == "return":
            out.add(f"Since it was delivered within {ticket.remedy_days} days, you may also choose a return or an "
                    "exchange instead of the repair.",
                    f"另外，商品签收未满 {ticket.remedy_days} 天出现性能故障，您也可以选择退货或换货。")
        elif ticket.remedy == "exchange":
            out.add(f"Since it was delivered within {ticket.remedy_days} days, you may also ask for an exchange instead.",
                    f"另外，商品签收未满 {ticket.remedy_days} 天出现性能故障，您也可以选择换货。")
        else:
            out.add("As it has been repaired several times already, you may ask for an exchange or a return instead.",
                    "这件商品已多次维修，您也可以申请换货或退货。")
        out.suggest(("Return an item", "申请退货"), ("Exchange an item", "申请换货"))


def ask_for_slot(app: Services, st: SessionState, text: str, info: InstallationSlots, out: ReplyBuilder) -> None:
    """No time picked yet: offer the free slots (to book, or to move a booking), or say that none is free."""
    name_en, name_zh = info.product_en, info.product_zh
    if EVENING.search(text):
        times = ", ".join(sl.label() for sl in app.policy.installation.slots)
        out.add(f"Installers come in these slots: {times}; there are no evening visits.",
                f"安装师傅上门时段为 {times}，晚上暂不上门哦。")
    if info.booked is not None:
        out.add(f"{name_en} is already booked for {info.booked.label('en')}. Pick another time below to change it.",
                f"{name_zh}已预约 {info.booked.label('zh')} 上门安装，如需改约，请从下面选一个新时间。")
        offer_slots(st, info, out, change=True)
    elif info.free:
        first_en = f" (after the parcel arrives, from {info.first_day:%m-%d})" if info.arriving else ""
        first_zh = f"（包裹送达后安排，最早 {info.first_day:%m-%d}）" if info.arriving else ""
        out.add(f"Free installation for {name_en}{first_en}. Which time suits you? You can say e.g. "
                "\"tomorrow morning\" or \"the first one\".",
                f"{name_zh}可以免费预约上门安装{first_zh}，请问哪个时间方便？可以直接说“明天上午”或“第一个”。")
        offer_slots(st, info, out, change=False)
    else:
        st.task = None
        out.add("Every installation slot in the booking window is full; a colleague can find you a time.",
                "近期的安装时段都已约满，可以转人工客服为您协调时间。")
        out.did(ServiceAction.INSTALLATION_REFUSED)
        out.outcome = Outcome.REFUSED
        out.suggest(TALK_TO_PERSON)


def say_installation_booked(out: ReplyBuilder, booking: InstallationBookingView, name_en: str, name_zh: str) -> None:
    """A booked, moved or unchanged installation visit in words."""
    if booking.moved_from is not None:
        out.add(f"Done: the installation of {name_en} is moved to {booking.label('en')}. The installer will call "
                "you the day before.",
                f"已为您改约：{name_zh}的上门安装改到 {booking.label('zh')}，师傅会在上门前一天电话联系您。")
    elif booking.created:
        out.add(f"Booked: an installer will come for {name_en} on {booking.label('en')}, free of charge, and "
                "will call you the day before.",
                f"已为您预约：{booking.label('zh')} 上门安装{name_zh}，安装免费，师傅会在上门前一天电话联系您。")
    else:
        out.add(f"{name_en} is already booked for {booking.label('en')}; nothing changed.",
                f"{name_zh}已经预约在 {booking.label('zh')}，无需重复预约。")


def say_size_advice(out: ReplyBuilder, advice: SizeAdvice) -> None:
    """The size for the customer's height and weight, or why none is given (outside the chart), and
    whether that size is offered and in stock."""
    if advice.size is None:
        (h0, h1), (w0, w1) = advice.chart_height, advice.chart_weight
        out.add(f"At {advice.height_cm:g} cm and {advice.weight_kg:g} kg you are outside our size chart "
                f"({h0:g}-{h1:g} cm, {w0:g}-{w1:g} kg), so I'd rather not guess; a colleague can help you choose.",
                f"您的身高体重（{advice.height_cm:g}cm，{advice.weight_kg:g}kg）超出了我们的尺码表范围"
                f"（身高 {h0:g}-{h1:g}cm，体重 {w0:g}-{w1:g}kg），为免选错，建议转人工客服帮您确认。")
        out.suggest(TALK_TO_PERSON)
        return
    out.did(ServiceAction.SIZE_ADVISED)
    out.add(advice.summary("en"), advice.summary("zh"))
    if advice.available is False:
        sizes = "/".join(advice.offered)
        alt_en = f" {advice.alternative} is available." if advice.alternative else ""
        alt_zh = f"可以考虑{advice.alternative}码。" if advice.alternative else ""
        out.add(f"This item only comes in {sizes}, not {advice.size}.{alt_en}",
                f"不过这款只有 {sizes}，没有 {advice.size} 码。{alt_zh}")
    if advice.stock == 0:
        out.add("It is sold out right now; I can set a restock alert for you.", "这款目前缺货，可以帮您订阅到货提醒。")
        out.suggest(("Notify me when it's back", "到货提醒我"))
