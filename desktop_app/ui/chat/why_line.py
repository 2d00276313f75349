"""The compact "why" under each assistant reply: which inputs decided this turn.

A customer who spoke, held up parts and showed a QR code should see that all three were heard,
and which one settled the question. The line names modalities, the intent and where the key
facts came from, never a value (an order number or phone digits stay out of it). The full
evidence, every hypothesis with its weight, is the debug panel's job, not this line's.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

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


def why_text(fused: Any, language: str, intent: str | None = None) -> str:
    """One line: "Why: 🎤 voice + 📷 camera → Assembly help (from voice) · product, step: camera"."""
    t = partial(tr, language)
    label = intent_label(intent or fused.intent.value, language)
    inputs = " + ".join(modality_label(m, language) for m in fused.modalities) or t("nothing", "无")
    decided = ""
    if fused.intent_source and len(fused.modalities) > 1:
        decided = t(f" (decided by {modality_label(fused.intent_source, 'en')})",
                    f"（由{modality_label(fused.intent_source, 'zh')}决定）")
    by_source: dict[str, list[str]] = {}
    for entity in fused.entities:
        if entity.kind not in FACT_LABELS:
            continue
        sources = "+".join(modality_label(s, language) for s in entity.sources)
        name = t(*FACT_LABELS[entity.kind])
        names = by_source.setdefault(sources, [])
        if name not in names:
            names.append(name)
    facts = "; ".join(f"{', '.join(names)} ← {src}" for src, names in by_source.items())
    line = t(f"Why: {inputs} → {label}{decided}", f"依据：{inputs} → {label}{decided}")
    return f"{line} · {facts}" if facts else line


class WhyLine(QLabel):
    """A one-line, selectable explanation under a reply card."""

    def __init__(self, fused: Any, language: str, intent: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(why_text(fused, language, intent), parent)
        self.setObjectName("whyLine")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
