"""The demo store's service history as scripts: what customers said (in both languages), what the
assistant did with it, and what followed (a complaint filed, a person taking over, a rating).

Written by hand from the kinds of requests an online shop's service desk sees, including the ones
the assistant gets wrong, so the merchant's figures have failures to show: searches for goods the
catalogue lacks, turns the customer had to say again, requests only a person can settle.

The store layer may not import ``nlu`` or ``service``, so intents, outcomes, complaint topics,
handoff reasons and resolution codes are their string values (``nlu.types.Intent``,
``service.types.Outcome`` / ``ComplaintTopic``, ``service.handoff.HANDOFF_REASONS``,
``service.desk_types.RESOLUTION_CODES``); ``tests/test_demo_history.py`` keeps them equal.

Placeholders in the words: ``{tail}`` the last four digits of the linked order, ``{product}`` the
name of its first item, ``{missing}`` one of ``MISSING`` (goods the catalogue does not carry).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One turn: the customer's words and the assistant's reply (``outcome`` as finally stored, so a
    turn the customer had to say again carries "rephrased")."""

    intent: str
    outcome: str
    zh: str
    en: str
    reply_zh: str
    reply_en: str
    confidence: float = 0.9


@dataclass(frozen=True)
class Script:
    key: str
    #: How often it is drawn, relative to the others.
    weight: int
    turns: tuple[Line, ...]
    #: The order the conversation is about: one with this status (and category, when given).
    order_status: str | None = None
    category: str | None = None
    #: A complaint filed at the first "complaint" turn, linked to the order.
    complaint: str | None = None
    #: A handoff ticket opened at the last turn, for this reason; the agent's and customer's lines follow.
    handoff: str | None = None
    agent_lines: tuple[tuple[str, str, str], ...] = ()  # (role, zh, en)
    resolution: str = "resolved"
    #: Ratings the customer may give (drawn from), and how likely she rates at all.
    ratings: tuple[int, ...] = (4, 5, 5)
    rate_chance: float = 0.35


def _l(intent: str, outcome: str, zh: str, en: str, reply_zh: str, reply_en: str, confidence: float = 0.9) -> Line:
    return Line(intent, outcome, zh, en, reply_zh, reply_en, confidence)


_THANKS = _l("thanks", "small_talk", "好的谢谢", "Great, thanks", "不客气，祝您生活愉快！", "You're welcome, have a nice day!")

#: Goods customers ask for that the demo catalogue does not carry (unmet demand), (zh, en).
MISSING: tuple[tuple[str, str], ...] = (
    ("空气炸锅", "an air fryer"),
    ("扫地机器人", "a robot vacuum"),
    ("蓝牙耳机", "wireless earbuds"),
    ("儿童安全座椅", "a child car seat"),
    ("瑜伽垫", "a yoga mat"),
    ("电动牙刷", "an electric toothbrush"),
)

SCRIPTS: tuple[Script, ...] = (
    Script("order_status", 10, (
        _l("order_status", "answered", "我的订单尾号{tail}到哪了？", "Where is my order ending {tail}?",
           "您的订单正在运输中，预计后天送达。", "Your order is on its way and should arrive the day after tomorrow."),
        _THANKS), order_status="in_transit"),
    Script("logistics_delay", 6, (
        _l("logistics_delay", "answered", "快递怎么还没到，尾号{tail}，已经超过承诺时间了",
           "My parcel ending {tail} is late, it was promised days ago",
           "抱歉让您久等了，包裹在中转站滞留，已为您催促承运商。",
           "Sorry for the wait: the parcel is held at a hub and I've chased the carrier."),),
       order_status="delayed", ratings=(3, 4, 5)),
    Script("search_found", 9, (
        _l("product_search", "answered", "有没有两千以内的5G手机", "Any 5G phones under 2000 yuan?",
           "为您找到 4 款两千元以内的 5G 手机。", "Here are 4 5G phones under ¥2,000."),
        _l("product_question", "answered", "第一款电池多大", "How big is the first one's battery?",
           "这款电池容量为 5000 毫安时。", "It has a 5,000 mAh battery."),
        _THANKS)),
    Script("search_missing", 12, (
        _l("product_search", "not_found", "有{missing}吗", "Do you sell {missing}?",
           "抱歉，本店暂时没有这类商品。", "Sorry, we don't carry that yet."),)),
    Script("search_missing_twice", 5, (
        _l("product_search", "not_found", "想买{missing}", "I'm looking for {missing}",
           "抱歉，本店暂时没有这类商品。", "Sorry, we don't carry that yet."),
        _l("recommendation", "answered", "那推荐点别的吧，家里用的", "Then recommend something for the home",
           "为您推荐几款家居好物。", "Here are a few things for the home."),), ratings=(2, 3, 4)),
    Script("rephrased_stock", 6, (
        _l("product_question", "rephrased", "那个还有吗", "Is that one still there?",
           "您想问哪件商品呢？", "Which product do you mean?", confidence=0.38),
        _l("product_question", "answered", "青岚E5手机还有货吗", "Is the Qinglan E5 phone in stock?",
           "青岚 E5 目前缺货，可以为您登记到货提醒。", "The Qinglan E5 is sold out; I can alert you when it's back."),
        _l("restock_alert", "answered", "好，到货提醒我", "Yes, tell me when it's back",
           "已为您登记到货提醒。", "Done, you'll be alerted when it's back in stock."),), ratings=(3, 4)),
    Script("rephrased_return", 5, (
        _l("return_request", "rephrased", "这个不想要了怎么弄", "I don't want this anymore, what now",
           "请问您是想退货还是换货？", "Would you like to return it or exchange it?", confidence=0.41),
        _l("return_request", "form", "退货，订单尾号{tail}", "Return it, order ending {tail}",
           "请选择退货原因。", "Please pick a reason for the return."),
        _l("return_request", "answered", "尺码不合适", "Wrong size",
           "退货申请已提交，快递员会上门取件。", "Your return is filed; a courier will collect it."),),
       order_status="delivered", category="apparel", ratings=(2, 3, 4)),
    Script("return_ok", 6, (
        _l("return_request", "form", "我要退货，尾号{tail}的{product}", "I want to return the {product}, order {tail}",
           "请选择退货原因。", "Please pick a reason for the return."),
        _l("return_request", "answered", "七天无理由", "No reason, within 7 days",
           "退货申请已提交，请在三天内寄回。", "Your return is filed; please send it back within 3 days."),),
       order_status="delivered"),
    Script("return_policy", 4, (
        _l("return_policy", "answered", "护肤品拆封了还能退吗", "Can opened skincare be returned?",
           "护肤品拆封后不支持七天无理由退货，质量问题除外。",
           "Opened skincare can't be returned without a reason, unless it is faulty."),)),
    Script("refund_status", 5, (
        _l("refund_status", "answered", "退款到哪一步了，尾号{tail}", "Where is my refund for order {tail}?",
           "退款已原路退回，预计 1–3 个工作日到账。", "The refund is on its way back, 1–3 working days."),),
       order_status="returned"),
    Script("invoice", 3, (
        _l("invoice", "form", "帮我开个发票，尾号{tail}", "I need an invoice for order {tail}",
           "请提供发票抬头。", "What name should the invoice carry?"),
        _l("invoice", "answered", "个人", "Personal",
           "电子发票已开具，已发送到您的邮箱。", "The e-invoice is issued and sent to your e-mail."),),
       order_status="delivered"),
    Script("price_protection", 4, (
        _l("price_protection", "refused", "我买的{product}降价了，能退差价吗", "The {product} I bought got cheaper, refund the difference?",
           "抱歉，该订单已超过 7 天价保期。", "Sorry, that order is past the 7-day price protection."),),
       order_status="delivered", ratings=(2, 3, 4)),
    Script("coupon", 4, (
        _l("coupon_promotion", "answered", "有什么优惠券可以用", "Any coupons I can use?",
           "您有一张满 300 减 30 的券可用。", "You have a ¥30-off-¥300 coupon."),)),
    Script("assembly_help", 5, (
        _l("assembly_help", "answered", "{product}怎么装，抽屉滑轨装不上", "How do I assemble the {product}? The drawer runner won't fit",
           "为您打开分步安装指引，请看第 7 步。", "Here is the step-by-step guide; see step 7."),),
       order_status="delivered", category="furniture", ratings=(3, 4, 5)),
    Script("size_advice", 3, (
        _l("size_advice", "answered", "身高170体重60穿什么码", "I'm 170 cm and 60 kg, which size?",
           "建议您选 M 码。", "We'd suggest size M."),)),
    Script("cancel_order", 3, (
        _l("cancel_order", "answered", "尾号{tail}的订单取消掉", "Cancel order {tail}, please",
           "订单已取消，款项将原路退回。", "The order is cancelled and the money goes back."),),
       order_status="paid"),
    Script("urge_shipping", 3, (
        _l("urge_shipping", "answered", "什么时候发货啊，尾号{tail}", "When will order {tail} ship?",
           "已为您催促仓库，预计今天发出。", "I've asked the warehouse; it should ship today."),),
       order_status="paid"),
    Script("payment_unsupported", 3, (
        _l("payment_issue", "unsupported", "付款一直提示银行卡异常", "Payment keeps failing with a card error",
           "这个问题我暂时处理不了，建议联系您的银行。", "I can't fix that myself; please check with your bank."),),
       ratings=(1, 2, 3)),
    Script("greeting_only", 4, (
        _l("greeting", "small_talk", "你好", "Hello", "您好，请问有什么可以帮您？", "Hi, how can I help?"),),
       rate_chance=0.0),
    # -- complaints ---------------------------------------------------------------------------
    Script("complaint_late", 6, (
        _l("complaint", "answered", "快递太慢了，尾号{tail}一直不动，下次不在你们家买了",
           "Delivery is far too slow, order {tail} hasn't moved, I won't buy here again",
           "您的投诉已记录，我们的团队会认真处理。", "I've recorded your complaint; our team will follow it up."),),
       order_status="delayed", complaint="delivery_delay", ratings=(1, 2, 3)),
    Script("complaint_quality", 4, (
        _l("complaint", "answered", "{product}用了一周就坏了，质量太差", "The {product} broke after a week, poor quality",
           "您的投诉已记录，我们的团队会认真处理。", "I've recorded your complaint; our team will follow it up."),),
       order_status="delivered", category="smartwatch", complaint="product_quality", ratings=(1, 2)),
    Script("complaint_assembly", 4, (
        _l("complaint", "answered", "{product}说明书看不懂，还少了两颗螺丝",
           "The {product} instructions make no sense and two screws are missing",
           "您的投诉已记录，我们的团队会认真处理。", "I've recorded your complaint; our team will follow it up."),),
       order_status="delivered", category="furniture", complaint="assembly", ratings=(2, 3)),
    Script("complaint_pricing", 3, (
        _l("complaint", "answered", "刚买完{product}就降价了，太坑了", "The {product} got cheaper right after I bought it",
           "您的投诉已记录，我们的团队会认真处理。", "I've recorded your complaint; our team will follow it up."),),
       order_status="delivered", complaint="pricing", ratings=(2, 3)),
    Script("complaint_refund", 3, (
        _l("complaint", "answered", "退款一周了还没到账", "My refund still hasn't arrived after a week",
           "您的投诉已记录，我们的团队会认真处理。", "I've recorded your complaint; our team will follow it up."),),
       order_status="returned", complaint="refund", ratings=(1, 2, 3)),
    # -- handed to a person -------------------------------------------------------------------
    Script("damaged", 4, (
        _l("complaint", "handed_off", "收到的{product}摔坏了，尾号{tail}", "The {product} from order {tail} arrived broken",
           "非常抱歉，已转交人工客服优先处理。", "I'm so sorry; a colleague will take this over right away."),),
       order_status="delivered", category="furniture", complaint="damaged", handoff="damaged_parcel",
       agent_lines=(("agent", "您好，我是客服，麻烦拍一张破损的照片给我。", "Hello, could you send me a photo of the damage?"),
                    ("customer", "拍好了，桌角裂开了", "Here, the corner is cracked"),
                    ("agent", "已为您安排补发新件，旧件无需寄回。", "A replacement is on its way; keep the broken one.")),
       resolution="resolved", ratings=(3, 4, 5), rate_chance=0.6),
    Script("wrong_item", 3, (
        _l("complaint", "handed_off", "发错货了，我买的{product}不是这个颜色", "Wrong item: the {product} came in the wrong colour",
           "非常抱歉，已转交人工客服处理。", "Sorry about that; a colleague will sort it out."),),
       order_status="delivered", category="apparel", complaint="wrong_item", handoff="wrong_item",
       agent_lines=(("agent", "您好，已为您登记换货，快递员明天上门取件。", "Hi, I've arranged an exchange; the courier collects tomorrow."),),
       resolution="return_filed", ratings=(3, 4), rate_chance=0.6),
    Script("ask_human", 5, (
        _l("human_agent", "handed_off", "转人工", "Let me talk to a person",
           "好的，正在为您转接人工客服。", "Sure, I'm connecting you to a colleague."),),
       handoff="customer_request",
       agent_lines=(("agent", "您好，请问有什么可以帮您？", "Hello, how can I help?"),
                    ("customer", "我想改一下收货时间", "I'd like to change the delivery time"),
                    ("agent", "已备注周末送货。", "Noted: weekend delivery.")),
       ratings=(4, 5), rate_chance=0.5),
    Script("repeated_failure", 3, (
        _l("out_of_scope", "rephrased", "我上次那个问题", "About my problem last time",
           "抱歉，我没有理解，能换个说法吗？", "Sorry, I didn't get that. Could you say it another way?", confidence=0.31),
        _l("out_of_scope", "unsupported", "就是上次那个维修的事", "The repair thing from last time",
           "这个我暂时处理不了。", "I can't handle that myself yet.", confidence=0.52),
        _l("human_agent", "handed_off", "人工客服", "Human agent please",
           "正在为您转接人工客服。", "Connecting you to a colleague."),),
       handoff="repeated_failure",
       agent_lines=(("agent", "您好，维修单已帮您查到，师傅周三上门。", "Hi, I found your repair ticket: the technician comes Wednesday."),),
       ratings=(2, 3), rate_chance=0.5),
    Script("angry_service", 2, (
        _l("complaint", "handed_off", "你们客服态度太差了，问三遍都不回", "Your service is awful, I asked three times and no answer",
           "非常抱歉，已为您转接主管。", "I'm very sorry; I'm passing you to a supervisor."),),
       complaint="service_attitude", handoff="angry",
       agent_lines=(("agent", "您好，非常抱歉给您不好的体验，我来处理。", "Hello, I'm sorry for the trouble, I'll take care of it."),),
       resolution="other", ratings=(1, 2), rate_chance=0.6),
)

#: Agents of the demo desk: (code, display name, role). Seeded without a usable PIN: they exist for
#: the history (who took which ticket); sign-in needs an agent added with ``desktop-app agent add``.
AGENTS: tuple[tuple[str, str, str], ...] = (
    ("A101", "林晓", "agent"),
    ("A102", "吴涛", "agent"),
    ("S101", "陈静", "supervisor"),
)

#: Rating comments some customers leave, (zh, en), by whether the rating was good (4–5 stars).
COMMENTS: dict[bool, tuple[tuple[str, str], ...]] = {
    True: (("回复很快，谢谢", "Quick answer, thanks"), ("很方便", "Very convenient")),
    False: (("问了半天没解决", "Took ages and nothing was solved"), ("希望能直接找人工", "I wish I could reach a person sooner")),
}


@dataclass(frozen=True)
class GuideProfile:
    """How long customers take on each step of one product's assembly guide (median seconds), and the
    hard step where some give up."""

    sku: str
    step_seconds: tuple[int, ...]
    hard_step: int
    viewings: int
    abandon_chance: float


#: Step counts match ``assets/models3d/<sku>/guide.json`` (a test checks it).
GUIDES: tuple[GuideProfile, ...] = (
    GuideProfile("FUR-NIGHT", (60, 90, 120, 150, 110, 140, 540, 200, 90, 60), hard_step=7, viewings=14,
                 abandon_chance=0.3),
    GuideProfile("FUR-CAB-2D", (50, 80, 110, 120, 150, 130, 140, 160, 480, 170, 120, 90, 60), hard_step=9,
                 viewings=10, abandon_chance=0.35),
    GuideProfile("FUR-DESK-120", (70, 180, 240, 200, 150, 80), hard_step=3, viewings=9, abandon_chance=0.15),
    GuideProfile("FUR-SHELF-3T", (40, 60, 90, 80, 100, 90, 110, 95, 100, 70, 40), hard_step=7, viewings=7,
                 abandon_chance=0.1),
)
