"""Read an image file into a BGR array, or refuse it with one clear sentence.

Uploads come from anywhere: empty files, documents renamed .jpg, half-copied photos.  Pillow
decodes (it notices truncation, which OpenCV only warns about on stderr) and applies the
EXIF orientation phones write, so a portrait photo is not detected lying on its side.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np

from desktop_app.vision.errors import BadImage

log = logging.getLogger(__name__)

MAX_PIXELS = 80_000_000
SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


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
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(p) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise BadImage(f"{name} is too large ({im.width}x{im.height}).", message_zh=f"{name} 图片过大。")
                im.load()
                upright = ImageOps.exif_transpose(im)
                rgb = np.asarray(upright.convert("RGB"))
    except BadImage:
        raise
    except UnidentifiedImageError:
        raise BadImage(f"{name} is not a picture this app can read (JPEG, PNG, BMP, WebP or TIFF).",
                       message_zh=f"{name} 不是可识别的图片（支持 JPEG、PNG、BMP、WebP、TIFF）。") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        log.info("refused image %s: %s", name, type(exc).__name__)
        raise BadImage(f"{name} is damaged or incomplete and cannot be read.",
                       message_zh=f"{name} 已损坏或不完整，无法读取。") from None
    if rgb.ndim != 3 or rgb.shape[0] < 8 or rgb.shape[1] < 8:
        raise BadImage(f"{name} is too small to look at.", message_zh=f"{name} 尺寸太小。")
    return np.ascontiguousarray(rgb[:, :, ::-1])
