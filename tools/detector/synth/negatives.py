"""Hard negatives: things a camera sees that are not parts, drawn procedurally.

On real photos the detector found every screw but also took every empty screw hole for a screw
(precision 0.61): its training images never showed a hole, a knot, a manual page, a hand or a
room.  Real photos of these with a licence that allows training are not on this offline machine
(the few that are, in matplotlib and scikit-learn, are the abstention benchmark's negatives and
stay out of training), so they are drawn here: drilled holes with torn fibres, countersinks and
cam-lock bores, knots, printed manual pages with QR codes, hands, floors and rooms.

Everything here draws with its own generator, so a split that uses none of it renders exactly
the bytes it rendered before (the held-out split must not move).
"""

from __future__ import annotations

import numpy as np

from desktop_app.vision.cv import cv2
from tools.detector.synth.textures import colour_field, smooth_noise, wood_texture

SKIN_TONES = np.array([(0.96, 0.80, 0.69), (0.89, 0.67, 0.53), (0.78, 0.57, 0.42), (0.55, 0.37, 0.26),
                       (0.92, 0.75, 0.62), (0.68, 0.47, 0.34)])


def _blend(img: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> None:
    """In place: ``img = img * (1 - alpha) + colour * alpha`` (alpha h×w, colour h×w×3 or 3)."""
    a = alpha[..., None]
    img *= 1.0 - a
    img += colour * a


def _ellipse_mask(h: int, w: int, centre: tuple[float, float], axes: tuple[float, float], angle: float,
                  blur: float) -> np.ndarray:
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])), (max(1, int(axes[0])), max(1, int(axes[1]))),
                angle, 0, 360, 1.0, -1, cv2.LINE_AA)
    if blur > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), blur)
    return mask


def drilled_hole(rng: np.random.Generator, img: np.ndarray, cx: float, cy: float, r: float) -> None:
    """An empty screw hole as a phone sees it: torn pale fibres, a shaded wall, a dark pit."""
    h, w = img.shape[:2]
    squash = float(rng.uniform(0.7, 1.0))  # seen at an angle
    angle = float(rng.uniform(0, 180))
    light = float(rng.uniform(0, 2 * np.pi))
    x0, y0 = max(0, int(cx - 3 * r)), max(0, int(cy - 3 * r))
    x1, y1 = min(w, int(cx + 3 * r) + 1), min(h, int(cy + 3 * r) + 1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return
    patch = img[y0:y1, x0:x1]
    ph, pw = patch.shape[:2]
    c = (cx - x0, cy - y0)
    local = patch.reshape(-1, 3).mean(0)
    ys, xs = np.mgrid[0:ph, 0:pw].astype(np.float32)
    theta = np.arctan2(ys - c[1], xs - c[0])
    # (An empty cam-lock bore, a flat bottom with a small dark centre, was tried and dropped: it
    # looks like a screw head with its recess and taught the detector to miss real screws.)
    kind = rng.choice(["torn", "torn", "clean", "countersink"])
    if kind == "torn":  # fibres pulled up around the hole: an irregular pale ring with radial streaks
        n = 48
        radii = r * rng.uniform(1.3, 2.1) * (1 + 0.25 * smooth_noise(rng, 1, n, 6)[0])
        pts = [(c[0] + radii[i] * np.cos(2 * np.pi * i / n), c[1] + squash * radii[i] * np.sin(2 * np.pi * i / n))
               for i in range(n)]
        torn = np.zeros((ph, pw), np.float32)
        cv2.fillPoly(torn, [np.array(pts, np.int32)], 1.0, cv2.LINE_AA)
        torn = cv2.GaussianBlur(torn, (0, 0), max(0.8, r / 8))
        streaks = 0.5 + 0.5 * np.sin(theta * rng.integers(9, 25) + rng.uniform(0, 6))
        pale = np.clip(local * rng.uniform(1.05, 1.3) + rng.uniform(0.03, 0.12), 0, 1)
        colour = pale[None, None, :] * (0.85 + 0.25 * streaks[..., None])
        _blend(patch, colour, torn * rng.uniform(0.6, 0.95))
    elif kind == "countersink":  # a cone of fresh wood around the hole
        cone = _ellipse_mask(ph, pw, c, (r * rng.uniform(1.5, 2.0), squash * r * rng.uniform(1.5, 2.0)), angle, r / 10)
        fresh = np.clip(local * rng.uniform(1.0, 1.25), 0, 1)
        shade = 0.8 + 0.2 * np.cos(theta - light)
        _blend(patch, fresh[None, None, :] * shade[..., None], cone * 0.9)
    wall = _ellipse_mask(ph, pw, c, (r, squash * r), angle, max(0.6, r / 14))
    shade = rng.uniform(0.35, 0.7) + rng.uniform(0.1, 0.3) * np.cos(theta - light)
    _blend(patch, (local * 0.9)[None, None, :] * shade[..., None], wall)
    pit_r = r * rng.uniform(0.55, 0.85)
    off = rng.uniform(0, 0.18) * r
    pc = (c[0] - off * np.cos(light), c[1] - off * np.sin(light))
    pit = _ellipse_mask(ph, pw, pc, (pit_r, squash * pit_r), angle, max(0.6, r / 12))
    dark = np.clip(local * rng.uniform(0.05, 0.25), 0, 1)
    _blend(patch, np.broadcast_to(dark, (ph, pw, 3)).copy(), pit)


def add_holes(rng: np.random.Generator, img: np.ndarray, count: int) -> None:
    """Holes at random places, or in a grid as a pre-drilled board has them."""
    h, w = img.shape[:2]
    size = min(h, w)
    r = float(size * rng.uniform(0.03, 0.12))
    if rng.random() < 0.5:
        cols, rows = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        gx, gy = np.linspace(0.2, 0.8, cols) * w, np.linspace(0.2, 0.8, rows) * h
        for x in gx:
            for y in gy:
                drilled_hole(rng, img, float(x + rng.normal(0, r / 3)), float(y + rng.normal(0, r / 3)),
                             r * float(rng.uniform(0.85, 1.15)))
    else:
        for _ in range(count):
            drilled_hole(rng, img, float(rng.uniform(0, w)), float(rng.uniform(0, h)), r * float(rng.uniform(0.7, 1.4)))


def hole_board(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """A pre-drilled board for driven screws to sit in: wood with a grid of empty holes.  Screws
    placed over it are the positives; the holes left empty are what a screw must not be taken for."""
    board = wood_texture(rng, *img.shape[:2])
    h, w = board.shape[:2]
    cols, rows = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    r = float(min(h, w) * rng.uniform(0.03, 0.1))
    for x in np.linspace(0.15, 0.85, cols) * w:
        for y in np.linspace(0.15, 0.85, rows) * h:
            drilled_hole(rng, board, float(x + rng.normal(0, 2 * r)), float(y + rng.normal(0, 2 * r)), r)
    return board


def knot(rng: np.random.Generator, img: np.ndarray) -> None:
    """A dark knot in the grain: concentric elliptical rings."""
    h, w = img.shape[:2]
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    a = float(min(h, w) * rng.uniform(0.03, 0.12))
    b = a * float(rng.uniform(0.4, 0.9))
    angle = float(rng.uniform(0, 180))
    base = img[int(min(cy, h - 1)), int(min(cx, w - 1))].copy()
    for i, s in enumerate(np.linspace(1.0, 0.2, int(rng.integers(3, 7)))):
        m = _ellipse_mask(h, w, (cx, cy), (a * s, b * s), angle, 1.0)
        _blend(img, base * (0.75 - 0.12 * (i % 2)), m * 0.8)


def qr_patch(rng: np.random.Generator, img: np.ndarray) -> None:
    """A printed QR code (as on a manual's cover), in perspective."""
    import segno

    qr = segno.make(f"https://example.invalid/{int(rng.integers(1 << 30)):x}", error="m")
    matrix = np.array([[0.0 if bit else 1.0 for bit in row] for row in qr.matrix], np.float32)
    matrix = np.pad(matrix, 4, constant_values=1.0)
    h, w = img.shape[:2]
    side = int(min(h, w) * rng.uniform(0.2, 0.6))
    tile = cv2.resize(matrix, (side, side), interpolation=cv2.INTER_NEAREST)
    src = np.array([[0, 0], [side, 0], [side, side], [0, side]], np.float32)
    ox, oy = rng.uniform(-0.1, 0.8) * w, rng.uniform(-0.1, 0.8) * h
    dst = (src + np.array([ox, oy], np.float32) + rng.normal(0, side * 0.08, (4, 2))).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(tile, m, (w, h), borderValue=0.0)
    cover = cv2.warpPerspective(np.ones_like(tile), m, (w, h), borderValue=0.0)
    paper = float(rng.uniform(0.8, 1.0))
    _blend(img, (warped * paper)[..., None] * np.ones(3, np.float32), cover)


def manual_page(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """An assembly manual's page: off-white paper, line drawings, step numbers, text lines."""
    page = np.full((h, w, 3), int(rng.uniform(0.85, 1.0) * 255), np.uint8)  # cv2.putText draws on 8 bits only
    ink = (13, 13, 13)
    for _ in range(int(rng.integers(2, 7))):  # line drawings: boxes in isometric, circles, arrows
        x, y = rng.uniform(0.05, 0.8) * w, rng.uniform(0.05, 0.8) * h
        s = rng.uniform(0.08, 0.3) * min(h, w)
        kind = rng.integers(4)
        if kind == 0:
            d = s * 0.3
            pts = np.array([[x, y], [x + s, y], [x + s + d, y - d], [x + d, y - d]], np.int32)
            cv2.polylines(page, [pts], True, ink, 1, cv2.LINE_AA)
            cv2.rectangle(page, (int(x), int(y)), (int(x + s), int(y + s * 0.4)), ink, 1, cv2.LINE_AA)
        elif kind == 1:
            cv2.circle(page, (int(x), int(y)), int(s / 3), ink, 1, cv2.LINE_AA)
            cv2.putText(page, str(int(rng.integers(1, 20))), (int(x - s / 8), int(y + s / 8)),
                        cv2.FONT_HERSHEY_SIMPLEX, s / 90, ink, 1, cv2.LINE_AA)
        elif kind == 2:
            cv2.arrowedLine(page, (int(x), int(y)), (int(x + rng.normal(0, s)), int(y + rng.normal(0, s))),
                            ink, 1, cv2.LINE_AA, tipLength=0.2)
        else:
            cv2.ellipse(page, (int(x), int(y)), (int(s / 2), int(s / 6)), float(rng.uniform(0, 180)), 0, 360,
                        ink, 1, cv2.LINE_AA)
    for _ in range(int(rng.integers(0, 8))):
        y = int(rng.uniform(0.05, 0.95) * h)
        text = "".join(rng.choice(list("ABCDEFGHKLMNPRSTUVX0123456789 x")) for _ in range(int(rng.integers(4, 16))))
        cv2.putText(page, text, (int(rng.uniform(0, 0.5) * w), y), cv2.FONT_HERSHEY_SIMPLEX,
                    float(rng.uniform(0.25, 0.6)), ink, 1, cv2.LINE_AA)
    out = page.astype(np.float32) / 255.0
    if rng.random() < 0.5:
        qr_patch(rng, out)
    return out


def hand(rng: np.random.Generator, img: np.ndarray) -> None:
    """A hand reaching into the frame: palm and fingers as shaded capsules of one skin tone."""
    h, w = img.shape[:2]
    tone = SKIN_TONES[rng.integers(len(SKIN_TONES))] * rng.uniform(0.85, 1.1)
    size = min(h, w) * rng.uniform(0.25, 0.7)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    angle = rng.uniform(0, 2 * np.pi)
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(mask, (int(cx), int(cy)), (int(size * 0.35), int(size * 0.3)), float(np.degrees(angle)), 0, 360, 1.0, -1)
    for i in range(int(rng.integers(3, 6))):
        a = angle + (i - 2) * rng.uniform(0.2, 0.35)
        length = size * rng.uniform(0.35, 0.6)
        x0, y0 = cx + np.cos(a) * size * 0.25, cy + np.sin(a) * size * 0.25
        x1, y1 = x0 + np.cos(a) * length, y0 + np.sin(a) * length
        cv2.line(mask, (int(x0), int(y0)), (int(x1), int(y1)), 1.0, max(2, int(size * 0.09)), cv2.LINE_AA)
    ex, ey = cx - np.cos(angle) * size, cy - np.sin(angle) * size  # the arm, back towards the edge
    cv2.line(mask, (int(cx), int(cy)), (int(ex), int(ey)), 1.0, int(size * 0.45), cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.2)
    shading = 0.8 + 0.2 * smooth_noise(rng, h, w, 4)
    _blend(img, tone[None, None, :] * shading[..., None], np.clip(mask, 0, 1))


def room(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A room corner: a wall, a floor of planks or tiles in perspective, a skirting board."""
    img = colour_field(rng, h, w) * 0.5 + rng.uniform(0.4, 0.9, 3) * 0.5
    horizon = int(h * rng.uniform(0.3, 0.7))
    floor = wood_texture(rng, h, w) if rng.random() < 0.6 else np.ones((h, w, 3), np.float32) * rng.uniform(0.3, 0.9, 3)
    if rng.random() < 0.5:  # tile or plank seams
        step = int(rng.integers(12, 60))
        for x in range(0, w * 3, step):
            cv2.line(floor, (x - w, h), (w // 2 + (x - w) // 4, 0), (0.15, 0.15, 0.15), 1, cv2.LINE_AA)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = np.array([[w * 0.3, horizon], [w * 0.7, horizon], [w * 1.4, h], [-w * 0.4, h]], np.float32)
    warped = cv2.warpPerspective(floor, cv2.getPerspectiveTransform(src, dst), (w, h), borderMode=cv2.BORDER_REFLECT)
    img[horizon:] = warped[horizon:]
    cv2.rectangle(img, (0, horizon - int(h * 0.03)), (w, horizon), tuple(float(v) for v in rng.uniform(0.6, 1.0, 3)), -1)
    if rng.random() < 0.5:  # a door or a window
        x = int(rng.uniform(0, 0.7) * w)
        cv2.rectangle(img, (x, int(horizon * 0.2)), (x + int(w * 0.2), horizon), tuple(float(v) for v in rng.uniform(0, 1, 3)), 2)
    result: np.ndarray = np.clip(img, 0, 1).astype(np.float32)
    return result


def decorate(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Add holes, knots, a QR code or a hand to a background that parts are then placed on."""
    out = img.copy()
    if rng.random() < 0.45:  # holes are what the real photos showed; wood under them most of the time
        if rng.random() < 0.7:
            out = wood_texture(rng, *out.shape[:2])
        add_holes(rng, out, int(rng.integers(1, 6)))
    if rng.random() < 0.15:
        knot(rng, out)
    if rng.random() < 0.08:
        qr_patch(rng, out)
    if rng.random() < 0.08:
        hand(rng, out)
    return out


def negative_scene(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A whole image with no parts in it: holes in wood, a manual, a room, a hand on a table."""
    kind = rng.choice(["holes", "holes", "holes", "manual", "room", "hand"])
    if kind == "holes":
        img = wood_texture(rng, h, w)
        add_holes(rng, img, int(rng.integers(1, 8)))
        if rng.random() < 0.3:
            knot(rng, img)
    elif kind == "manual":
        img = manual_page(rng, h, w)
    elif kind == "room":
        img = room(rng, h, w)
    else:
        img = wood_texture(rng, h, w) if rng.random() < 0.6 else colour_field(rng, h, w)
        hand(rng, img)
        if rng.random() < 0.5:
            add_holes(rng, img, int(rng.integers(1, 4)))
    return img
