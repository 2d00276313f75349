"""Printable QR codes that tell the app which guide and step a printed sheet belongs to.

The payload is a small URI (``asmguide:v1?product=FUR-SHELF-3T&step=3``) so the vision code
can scan a sticker on the box and open the guide at the right step; parse_payload is the
single place that decides what a scanned code means.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import segno

from desktop_app.ar.guide_format import Guide, GuideError

log = logging.getLogger(__name__)
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
    parts = urlsplit(payload.strip())
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


def write_guide_codes(guide: Guide, out_dir: Path, *, scale: int = 6) -> list[Path]:
    """One PNG per step (``step-01.png``...) plus ``guide.png`` opening step 1."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    targets = [("guide.png", 1)] + [(f"step-{n:02d}.png", n) for n in range(1, len(guide.steps) + 1)]
    for name, step in targets:
        code = segno.make(encode_payload(guide.product_id, step), error="m", micro=False)
        path = out_dir / name
        code.save(str(path), kind="png", scale=scale, border=4)
        written.append(path)
    return written
