"""Order status, late parcels and refund status: find the order, prove access, show the timeline."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from desktop_app.core.errors import AccessDenied, InvalidInput, NotFound
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.dialogue.reply import OrderPicker, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, list_reference
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind
from desktop_app.service.access_guard import OwnershipNotProven, TooManyAttempts
from desktop_app.service.types import OrderStatus, OrderView, status_text, yuan

OrderFilter = Callable[[OrderView], bool]


def resolve_order(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, intent: str,
                  *, fits: OrderFilter | None = None) -> OrderView | None:
    """The order this turn is about, opened with the session's credentials; asks for what is missing.

    A signed-in customer need not give a number: the turn's hints (product, category, status words,
    when it was bought) and ``fits`` (the orders the operation can apply to, e.g. not yet shipped for
    a cancel) pick among their orders; when several remain, an order picker asks which one.
    """
    ref_entity = entity(q, EntityKind.ORDER_REF)
    picked = _picked_order(st, q, intent)
    if picked is not None:
        ref_entity = None
        st.pending_order_ref = picked
    last4_entity = entity(q, EntityKind.PHONE_LAST4)
    bare = lone_digits(q.text)
    last4: str | None
    if last4_entity is None and st.pending_order_ref and picked is None and bare is not None:
        last4 = bare  # the answer to "last four digits of your phone?" ("1915", "it's 1915"), not an order
        ref_entity = None
    else:
        last4 = last4_entity.value if last4_entity else None
    ref = ref_entity.value if ref_entity else st.pending_order_ref
    if ref is None and st.customer_code and (_describes_an_order(q) or (fits is not None and not st.current_order)):
        # "我买的手表到哪了", "the one that hasn't shipped": the words pick among the customer's orders.
        mine = app.orders.orders_of(st.customer_code)
        now = app.clock.now()
        candidates = [o for o in mine if _matches(o, q, now) and (fits is None or fits(o))]
        candidates = _narrowed(candidates, q, intent, now, operation=fits is not None)
        if st.current_order and any(o.order_number == st.current_order for o in candidates):
            candidates = [o for o in candidates if o.order_number == st.current_order]  # the one we are on fits
        if len(candidates) > 1:
            _offer_picker(st, candidates, intent, out)
            return None
        ref = candidates[0].order_number if candidates else _likely_order(mine, intent, q, now)
    ref = ref or st.current_order
    if ref is None:
        if st.customer_code:
            ref = _likely_order(app.orders.orders_of(st.customer_code), intent, q, app.clock.now())
        if ref is None:
            st.pending_intent = intent
            out.add("Could you tell me your order number? The last four digits are fine together with "
                    "the last four digits of your phone number.",
                    "请告诉我您的订单号（也可以提供订单号后四位，加上下单手机号后四位）。")
            out.outcome = Outcome.FORM
            return None
    known_digits = st.verified.get(ref) if len(ref) == 16 else None
    try:
        view = app.orders.lookup(ref, customer_code=st.customer_code, phone_last4=last4 or known_digits,
                                 session_key=session_key(st))
    except AccessDenied as exc:
        if last4 is None and not isinstance(exc, TooManyAttempts | OwnershipNotProven):
            st.pending_order_ref, st.pending_intent = ref, intent
            out.add("To protect your privacy, please tell me the last four digits of the phone number on the order.",
                    "为保护您的隐私，请告诉我下单手机号的后四位。")
            out.outcome = Outcome.FORM
        else:
            st.pending_order_ref = None
            out.add(exc.message, exc.message_zh)
            out.outcome = Outcome.REFUSED
        return None
    except InvalidInput as exc:
        if last4 is None and not st.customer_code and len(ref) < 16:
            st.pending_order_ref, st.pending_intent = ref, intent
            out.add("Please also tell me the last four digits of the phone number on the order.",
                    "请再告诉我下单手机号的后四位。")
            out.outcome = Outcome.FORM
            return None
        st.pending_order_ref = None
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return None
    except NotFound as exc:
        st.pending_order_ref = None
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.NOT_FOUND
        return None
    st.pending_order_ref = st.pending_intent = None
    if view.order_number not in st.verified and st.conversation_id is not None:
        # Proven hers: this conversation now belongs to the order's customer for export and delete.
        app.conversations.link_order(st.conversation_id, view.order_number)
    st.verified[view.order_number] = last4 or known_digits
    st.current_order = view.order_number
    if len(view.lines) == 1:
        st.current_product = view.lines[0].product.sku
    return view


def session_key(st: SessionState) -> str | None:
    """The conversation's name for counting failed ownership checks (every guess in one chat counts
    together, whichever order or digits it tries)."""
    return f"conversation-{st.conversation_id}" if st.conversation_id is not None else None


_LONE_DIGITS = re.compile(r"^\D{0,16}?(\d{4})\D{0,8}$")


def lone_digits(text: str) -> str | None:
    """Four digits that are the whole of a short answer ("1915", "it's 1915", "尾号1915"), else None."""
    m = _LONE_DIGITS.match(text.strip())
    return m.group(1) if m else None


#: Orders still worth asking about when the customer only says "my phone": recently delivered.
RECENT_DAYS = 15
_STATUS_INTENTS = ("order_status", "logistics_delay")


def _narrowed(candidates: list[OrderView], q: Understood, intent: str, now: datetime, *,
              operation: bool) -> list[OrderView]:
    """Fewer candidates when the words are more specific than the category ("帐篷" among camping orders)
    or when only some can be meant (a status question is about orders still on their way)."""
    if len(candidates) <= 1:
        return candidates
    category = entity(q, EntityKind.CATEGORY)
    term = CATEGORIES.get(category.value) if category is not None else None
    if term is not None:
        text = q.text.lower()
        words = [w for w in (*term.aliases_zh, *term.aliases_en) if w.lower() in text and w not in (term.zh, term.en)]
        named = [o for o in candidates if any(w.lower() in f"{ln.product.name_zh} {ln.product.name_en}".lower()
                                              for w in words for ln in o.lines)]
        if named:
            candidates = named
    if intent in _STATUS_INTENTS and not operation and entity(q, EntityKind.ORDER_STATE) is None:
        finished = (OrderStatus.DELIVERED, OrderStatus.RETURNED, OrderStatus.CANCELLED)
        moving = [o for o in candidates if o.status not in finished]
        recent = [o for o in candidates if o.status == OrderStatus.DELIVERED and o.delivered_at is not None
                  and now - o.delivered_at <= timedelta(days=RECENT_DAYS)]
        candidates = moving or recent or candidates
    return candidates


#: Most orders an order picker lists; older ones are reached by number.
PICKER_SIZE = 5


def _offer_picker(st: SessionState, candidates: list[OrderView], intent: str, out: ReplyBuilder) -> None:
    shown = tuple(candidates[:PICKER_SIZE])
    st.shown_order_views = shown
    st.pending_intent, st.pending_order_ref = intent, None
    out.card(OrderPicker(intent, shown))
    out.did(ServiceAction.ORDER_PICKER_SHOWN)
    lines_en, lines_zh = [], []
    for n, o in enumerate(shown, start=1):
        names_en = ", ".join(line.product.name_en for line in o.lines)
        names_zh = "、".join(line.product.name_zh for line in o.lines)
        lines_en.append(f"{n}) {names_en}, ordered {o.placed_at:%m-%d}, {status_text(o.status.value, 'en')}")
        lines_zh.append(f"{n}）{names_zh}，{o.placed_at:%m-%d} 下单，{status_text(o.status.value, 'zh')}")
        out.suggest((f"The {_ORDINALS_EN[n - 1]} one", f"第{n}个"))
    out.add("Several of your orders could be meant. Which one? " + "; ".join(lines_en) + ".",
            "您有多个订单符合，请问是哪一个？" + "；".join(lines_zh) + "。")
    out.outcome = Outcome.FORM


_ORDINALS_EN = ("first", "second", "third", "fourth", "fifth")


def _picked_order(st: SessionState, q: Understood, intent: str) -> str | None:
    """The order a turn picks from the picker just shown: by position, last digits or what is in it."""
    if not st.shown_orders or st.pending_intent != intent:
        return None
    shown = st.shown_orders
    ref = list_reference(q.text, len(shown))
    bare = q.text.strip().rstrip("。.")
    if ref is None and bare.isdigit() and 1 <= int(bare) <= len(shown):
        ref = int(bare) - 1  # "2" answering the numbered picker
    choice: str | None = None
    if isinstance(ref, int):
        choice = shown[ref]
    else:
        digits = re.findall(r"\d{4,16}", q.text)
        hits = [n for n in shown for d in digits if n.endswith(d)]
        if not digits and (entity(q, EntityKind.PRODUCT) or entity(q, EntityKind.CATEGORY)):
            # "the phone one" / "帐篷那个": the words name what is in one of the orders shown
            views = [v for v in st.shown_order_views if _holds(v, q)]
            hits = [v.order_number for v in _narrowed(views, q, intent, datetime.min, operation=True)]
        if len(set(hits)) == 1:
            choice = hits[0]
    if choice is not None:
        st.shown_order_views = ()
    return choice


def _holds(order: OrderView, q: Understood) -> bool:
    """Whether the order holds the product or category the turn names."""
    category, product = entity(q, EntityKind.CATEGORY), entity(q, EntityKind.PRODUCT)
    return any((product is None or line.product.sku == product.value)
               and (category is None or line.product.category == category.value) for line in order.lines)


_HINTS = (EntityKind.ORDER_STATE, EntityKind.CATEGORY, EntityKind.PRODUCT, EntityKind.RELATIVE_DATE)


def _describes_an_order(q: Understood) -> bool:
    return any(entity(q, kind) for kind in _HINTS)


def _matches(order: OrderView, q: Understood, now: datetime) -> bool:
    """Whether the order fits every hint the turn gives: its state, what is in it, when it was bought."""
    state = entity(q, EntityKind.ORDER_STATE)
    if state is not None:
        wanted = state.value
        if wanted == "delayed":
            if not (order.is_late or order.status == OrderStatus.DELAYED):
                return False
        elif wanted == "in_transit":
            if order.status not in (OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED):
                return False
        elif order.status.value != wanted:
            return False
    category, product = entity(q, EntityKind.CATEGORY), entity(q, EntityKind.PRODUCT)
    if category is not None and all(line.product.category != category.value for line in order.lines):
        return False
    if product is not None and all(line.product.sku != product.value for line in order.lines):
        return False
    when = entity(q, EntityKind.RELATIVE_DATE)
    if when is not None and when.key == "point" and when.value.lstrip("-").isdigit():
        target = now + timedelta(days=int(when.value))
        if abs((order.placed_at - target).days) > max(3, abs(int(when.value)) // 2):
            return False
    return True


def _likely_order(orders: tuple[OrderView, ...], intent: str, q: Understood, now: datetime) -> str | None:
    """The signed-in customer's order this is probably about: those fitting the turn's hints, then
    newest first within each preference of the intent."""
    if _describes_an_order(q):
        orders = tuple(o for o in orders if _matches(o, q, now))  # none fits: ask, rather than show the wrong one
    if not orders:
        return None
    if intent in ("logistics_delay", "complaint"):
        late = [o for o in orders if o.is_late]
        if late:
            return late[0].order_number
    if intent in ("order_status", "logistics_delay"):
        moving = [o for o in orders if o.status not in (OrderStatus.DELIVERED, OrderStatus.RETURNED)]
        if moving:
            return moving[0].order_number
    if intent in ("return_request", "refund_status"):
        done = [o for o in orders if o.status in (OrderStatus.DELIVERED, OrderStatus.RETURNED)]
        if done:
            return done[0].order_number
    return orders[0].order_number


def order_status(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, intent: str) -> OrderView | None:
    view = resolve_order(app, st, q, out, intent)
    if view is None:
        return None
    out.card(view)
    out.did(ServiceAction.ORDER_SHOWN)
    last = view.timeline[-1] if view.timeline else None
    where_en = f" Latest: {last.description_en} ({last.location_en}, {last.occurred_at:%m-%d %H:%M})." if last else ""
    where_zh = f"最新进度：{last.description_zh}（{last.location_zh}，{last.occurred_at:%m-%d %H:%M}）。" if last else ""
    status_en, status_zh = status_text(view.status.value, "en"), status_text(view.status.value, "zh")
    if view.status == OrderStatus.UNPAID:
        out.add(f"Order {view.masked_number} is awaiting payment ({yuan(view.total_fen)}); it ships once paid.",
                f"订单{view.masked_number}还未付款（{yuan(view.total_fen)}），付款后即安排发货。")
    elif view.status in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        out.add(f"Order {view.masked_number} has been {status_en}.", f"订单{view.masked_number}{status_zh}。")
        out.suggest(("Where is my refund?", "退款到哪了"))
    elif view.status == OrderStatus.DELIVERED and view.delivered_at:
        out.add(f"Order {view.masked_number} was delivered on {view.delivered_at:%Y-%m-%d}.",
                f"订单{view.masked_number}已于 {view.delivered_at:%Y-%m-%d} 签收。")
    elif view.is_late:
        out.add(f"Order {view.masked_number} is late: it was promised by {view.promised_by:%m-%d}.{where_en}",
                f"订单{view.masked_number}已延误，原定 {view.promised_by:%m-%d} 前送达。{where_zh}")
        out.apologise("I'm sorry for the wait.", "非常抱歉让您久等了。")
    else:
        out.add(f"Order {view.masked_number} is {status_en}, expected by {view.promised_by:%m-%d}.{where_en}",
                f"订单{view.masked_number}状态：{status_zh}，预计 {view.promised_by:%m-%d} 前送达。{where_zh}")
    _mention_late_orders(app, st, q, view, out)
    out.suggest(("Return an item", "申请退货"), ("Talk to a person", "转人工"))
    return view


def _mention_late_orders(app: Services, st: SessionState, q: Understood, shown: OrderView, out: ReplyBuilder) -> None:
    """A signed-in customer asking about "my order" hears about any other order that is late too."""
    if not st.customer_code or entity(q, EntityKind.ORDER_REF) or shown.is_late:
        return
    late = [o for o in app.orders.orders_of(st.customer_code) if o.is_late and o.order_number != shown.order_number]
    for other in late[:2]:
        tail = other.order_number[-4:]
        out.add(f"Your order {other.masked_number} is late (promised by {other.promised_by:%m-%d}).",
                f"另外，您的订单{other.masked_number}已延误（原定 {other.promised_by:%m-%d} 前送达）。")
        out.suggest((f"Where is order {tail}?", f"订单{tail}到哪了"))
