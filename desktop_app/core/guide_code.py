"""What a scanned assembly-guide QR code means: the one place that decodes (and encodes) a payload.

The payload is a small URI (``asmguide:v1?product=FUR-SHELF-3T&step=3``) printed on a sticker or
a guide sheet. Vision scans codes and ar prints them, so the meaning lives here, below both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from desktop_app.core.guide_format import GuideError

SCHEME = "asmguide"
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class GuideCode:
    product_id: str
    step: int  # 1-based


def encode_payload(product_id: str, step: int) -> str:
    if not _SKU.match(product_id) or step < 1:
        raise ValueError(f"cannot encode product {product_id!r} step {step}")
    return f"{SCHEME}:v1?product={quote(product_id)}&step={step}"


def parse_payload(payload: str) -> GuideCode:
    """Decode a scanned payload; anything else raises GuideError (codes come from untrusted paper)."""
    try:
        parts = urlsplit(payload.strip())
    except ValueError:  # e.g. "asmguide://[": an unbalanced IPv6 bracket
        parts = urlsplit("")
    if parts.scheme != SCHEME or parts.path != "v1":
        raise GuideError("This QR code is not an assembly-guide code.", message_zh="这不是安装指南二维码。")
    query = parse_qs(parts.query)
    try:
        product, step = query["product"][0], int(query["step"][0])
    except (KeyError, IndexError, ValueError):
        raise GuideError("Assembly-guide QR code is missing its product or step.") from None
    if not _SKU.match(product) or step < 1:
        raise GuideError("Assembly-guide QR code names an invalid product or step.")
    return GuideCode(product, step)
