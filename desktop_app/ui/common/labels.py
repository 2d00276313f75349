"""Bilingual labels that cards and forms share.

One choice (a return reason, a priority) reads the same in the form that asks for it and the
card that confirms it. A leaf module: it imports nothing from the window.
"""

from __future__ import annotations


def tr(language: str, en: str, zh: str) -> str:
    return zh if language == "zh" else en


RETURN_KIND_LABELS = {"return": ("Return", "退货"), "exchange": ("Exchange", "换货")}

REASON_LABELS = {
    "no_reason": ("7-day no-reason return", "七天无理由"),
    "quality": ("Quality problem", "质量问题"),
    "wrong_item": ("Wrong item received", "发错商品"),
    "size": ("Wrong size", "尺码不合适"),
    "damaged": ("Damaged on arrival", "运输损坏"),
}

PRIORITY_LABELS = {1: ("Low", "低"), 2: ("Normal", "普通"), 3: ("High", "高"), 4: ("Urgent", "紧急")}

HANDOFF_REASON_LABELS = {
    "customer_request": ("I want to talk to a person", "我要找人工客服"),
    "complaint": ("Complaint", "投诉"),
    "repeated_failure": ("My problem is still not solved", "问题多次未解决"),
    "verification_failed": ("I cannot verify my order", "无法验证订单"),
    "angry": ("I am unhappy with the service", "对服务不满意"),
    "anxious": ("It is urgent", "情况紧急"),
    "damaged_parcel": ("The item arrived damaged", "商品损坏"),
    "wrong_item": ("I received the wrong item", "发错货"),
    "lost_parcel": ("My parcel is missing", "包裹丢失"),
    "other": ("Something else", "其他问题"),
}

#: Why an agent closed a ticket (``service.desk_types.RESOLUTION_CODES``), in the agent's words.
RESOLUTION_LABELS = {
    "resolved": ("Resolved", "已解决"), "refund_issued": ("Refund issued", "已退款"),
    "return_filed": ("Return filed", "已提交退货"), "order_cancelled": ("Order cancelled", "已取消订单"),
    "callback_promised": ("Callback promised", "约定回电"), "no_response": ("Customer did not respond", "顾客未回应"),
    "duplicate": ("Duplicate", "重复工单"), "other": ("Other", "其他"),
}


def reason_label(code: str, language: str) -> str:
    """A handoff reason in words (an unknown code is shown as it is)."""
    en, zh = HANDOFF_REASON_LABELS.get(code, (code, code))
    return tr(language, en, zh)


SORT_LABELS = {
    "relevance": ("Best match", "综合排序"),
    "price_asc": ("Price: low to high", "价格从低到高"),
    "price_desc": ("Price: high to low", "价格从高到低"),
    "rating": ("Top rated", "评分最高"),
    "sales": ("Best selling", "销量最高"),
}
