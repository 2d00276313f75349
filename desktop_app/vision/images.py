"""Read an image file into a BGR array, or refuse it with one clear sentence.

Uploads come from anywhere: empty files, documents renamed .jpg, half-copied photos.  Pillow
decodes (it notices truncation, which OpenCV only warns about on stderr) and applies the
EXIF orientation phones write, so a portrait photo is not detected lying on its side.

Bounds come before work: the size is read from the header (Pillow's ``open`` decodes nothing)
and a picture over ``MAX_PIXELS`` (40 megapixels) is never decoded at full size: a JPEG is
decoded already shrunk by 2, 4 or 8 (the decoder's DCT scaling, ``Image.draft``), anything else
is refused. A 79-megapixel image once cost 1.65 GB; the detector looks at 320 pixels anyway.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.vision.errors import BadImage

log = logging.getLogger(__name__)

#: The most pixels decoded from one picture (a 48-megapixel phone JPEG is decoded at half size).
MAX_PIXELS = 40_000_000
_JPEG_SCALES = (2, 4, 8)  # the reductions a JPEG decoder can apply while decoding
SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


def _too_large(name: str, size: tuple[int, int] | None) -> BadImage:
    dims = f" ({size[0]}x{size[1]}, {size[0] * size[1] / 1e6:.0f} megapixels)" if size else ""
    limit = MAX_PIXELS // 1_000_000
    return BadImage(f"{name} is too large{dims}; the limit is {limit} megapixels (larger JPEG photos are read "
                    "at reduced size). Please send a smaller picture.",
                    message_zh=f"{name} 图片过大{dims}；上限为 {limit} 百万像素（更大的 JPEG 照片会缩小读取）。请发送较小的图片。")


def _shrink_or_refuse(im: Any, name: str) -> None:
    """Keep a decode within ``MAX_PIXELS`` using only the header: shrink a JPEG while decoding, or refuse."""
    w, h = im.size
    if w * h <= MAX_PIXELS:
        return
    if im.format in ("JPEG", "MPO"):
        for k in _JPEG_SCALES:
            if -(-w // k) * -(-h // k) <= MAX_PIXELS:
                im.draft("RGB", (-(-w // k), -(-h // k)))
                if im.size[0] * im.size[1] <= MAX_PIXELS:
                    log.info("decoding a %dx%d JPEG at 1/%d size", w, h, k)
                    return
                break
    raise _too_large(name, (w, h))


def load_image(path: Path | str) -> np.ndarray:
    """BGR uint8 (h, w, 3) of the picture at ``path``; BadImage if it is not a readable picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    p = Path(path)
    name = p.name
    if not p.exists():
        raise BadImage(f"No such file: {name}.", message_zh=f"找不到文件：{name}。")
    if p.is_dir():
        raise BadImage(f"{name} is a folder, not a picture.", message_zh=f"{name} 是文件夹，不是图片。")
    if p.stat().st_size == 0:
        raise BadImage(f"{name} is empty (0 bytes).", message_zh=f"{name} 是空文件。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own, lower limit is below
            with Image.open(p) as im:
                _shrink_or_refuse(im, name)
                im.load()
                upright = ImageOps.exif_transpose(im)
                rgb = np.asarray(upright.convert("RGB"))
    except BadImage:
        raise
    except Image.DecompressionBombError:
        raise _too_large(name, None) from None
    except UnidentifiedImageError:
        raise BadImage(f"{name} is not a picture this app can read (JPEG, PNG, BMP, WebP or TIFF).",
                       message_zh=f"{name} 不是可识别的图片（支持 JPEG、PNG、BMP、WebP、TIFF）。") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        log.info("refused image %s: %s", name, type(exc).__name__)
        raise BadImage(f"{name} is damaged or incomplete and cannot be read.",
                       message_zh=f"{name} 已损坏或不完整，无法读取。") from None
    if rgb.ndim != 3 or rgb.shape[0] < 8 or rgb.shape[1] < 8:
        raise BadImage(f"{name} is too small to look at.", message_zh=f"{name} 尺寸太小。")
    return np.ascontiguousarray(rgb[:, :, ::-1])
