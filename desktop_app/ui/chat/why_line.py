""""Why this answer?" under each assistant reply: which inputs decided this turn, on demand.

A customer who spoke, held up parts and showed a QR code should see that all three were heard,
and which one settled the question. The line names modalities, the intent and where the key
facts came from, never a value (an order number or phone digits stay out of it). The full
evidence, every hypothesis with its weight, is the debug panel's job, not this line's.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from desktop_app.fusion.hypothesis import Modality
from desktop_app.ui.common.labels import tr

INTENT_LABELS: dict[str, tuple[str, str]] = {
    "order_status": ("Order status", "订单查询"),
    "logistics_delay": ("Delivery delay", "物流延误"),
    "return_request": ("Return", "退货"),
    "exchange_request": ("Exchange", "换货"),
    "refund_status": ("Refund status", "退款进度"),
    "product_question": ("Product question", "商品咨询"),
    "product_search": ("Product search", "商品搜索"),
    "recommendation": ("Recommendation", "推荐"),
    "assembly_help": ("Assembly help", "安装指导"),
    "complaint": ("Complaint", "投诉"),
    "human_agent": ("Human agent", "转人工"),
    "greeting": ("Greeting", "问候"),
    "thanks": ("Thanks", "感谢"),
    "goodbye": ("Goodbye", "告别"),
    "out_of_scope": ("Out of scope", "超出范围"),
    "cancel_order": ("Cancel order", "取消订单"),
    "change_address": ("Change address", "修改地址"),
    "urge_shipping": ("Ship sooner", "催发货"),
    "return_policy": ("Return rules", "退换货规则"),
    "invoice": ("Invoice", "发票"),
    "price_protection": ("Price protection", "价保"),
    "coupon_promotion": ("Coupons", "优惠券"),
    "shipping_fee": ("Shipping fee", "运费"),
    "warranty_repair": ("Warranty repair", "保修维修"),
    "installation_service": ("Installation", "上门安装"),
    "size_advice": ("Size advice", "尺码建议"),
    "explain_recommendation": ("Why recommended", "推荐理由"),
    "payment_issue": ("Payment", "付款问题"),
    "restock_alert": ("Restock alert", "到货提醒"),
}
MODALITY_LABELS: dict[Modality, tuple[str, str]] = {
    Modality.TEXT: ("typed", "文字"),
    Modality.VOICE: ("voice", "语音"),
    Modality.VISION: ("camera", "摄像头"),
    Modality.QR: ("QR code", "二维码"),
}
#: Entity kinds worth naming in the line, with their label (the rest are in the debug panel).
FACT_LABELS: dict[str, tuple[str, str]] = {
    "product": ("product", "商品"),
    "guide_step": ("step", "步骤"),
    "order_ref": ("order", "订单"),
    "category": ("category", "类目"),
    "price": ("price", "价格"),
    "attribute": ("features", "功能"),
}


def modality_label(modality: Modality, language: str) -> str:
    en, zh = MODALITY_LABELS[modality]
    return tr(language, en, zh)


def intent_label(code: str, language: str) -> str:
    en, zh = INTENT_LABELS.get(code, (code, code))
    return tr(language, en, zh)


def _joined(parts: list[str], language: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "、".join(parts[:-1]) + "和" + parts[-1] if language == "zh" else ", ".join(parts[:-1]) + " and " + parts[-1]


def why_text(fused: Any, language: str, intent: str | None = None) -> str:
    """Plain words: "You spoke and showed the camera (your voice decided); I understood “Assembly help”.
    The product and the step came from the camera." No values (order numbers, digits) ever."""
    t = partial(tr, language)
    label = intent_label(intent or fused.intent.value, language)
    inputs = _joined([modality_label(m, language) for m in fused.modalities], language) or t("nothing", "无")
    decided = ""
    if fused.intent_source and len(fused.modalities) > 1:
        decided = t(f" ({modality_label(fused.intent_source, 'en')} decided)",
                    f"（以{modality_label(fused.intent_source, 'zh')}为准）")
    by_source: dict[str, list[str]] = {}
    for entity in fused.entities:
        if entity.kind not in FACT_LABELS:
            continue
        sources = _joined([modality_label(s, language) for s in entity.sources], language)
        name = t(*FACT_LABELS[entity.kind])
        names = by_source.setdefault(sources, [])
        if name not in names:
            names.append(name)
    line = t(f"From your input ({inputs}){decided} I understood: {label}.",
             f"根据您的输入（{inputs}）{decided}，我理解为「{label}」。")
    facts = [t(f"The {_joined(names, 'en')} came from: {src}.", f"{_joined(names, 'zh')}来自{src}。")
             for src, names in by_source.items()]
    return " ".join([line, *facts]) if language == "en" else "".join([line, *facts])


class WhyLine(QWidget):
    """A small "Why this answer?" link under a reply; the plain-words explanation shows on demand.

    Customers asked what the grey line of internals meant, and it was often beside the point; the
    explanation stays one click away for those who want it. Operators see the full evidence in the
    session panel.
    """

    def __init__(self, fused: Any, language: str, intent: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.button = QToolButton()
        self.button.setObjectName("whyButton")
        self.button.setText(tr(language, "Why this answer?", "为什么这样回答？"))
        self.button.setCheckable(True)
        self.button.setAutoRaise(True)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # never below its text
        self.detail = QLabel(why_text(fused, language, intent))
        self.detail.setObjectName("whyLine")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setVisible(False)
        self.button.toggled.connect(self.detail.setVisible)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail)

    def text(self) -> str:
        """The explanation (shown or not)."""
        return self.detail.text()
