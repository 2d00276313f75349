"""Printable QR codes that tell the app which guide and step a printed sheet belongs to.

What a payload means is decided in ``core.guide_code`` (vision scans what ar prints); this
module only draws the codes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import segno

from desktop_app.core.guide_code import encode_payload
from desktop_app.core.guide_format import Guide

log = logging.getLogger(__name__)


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
