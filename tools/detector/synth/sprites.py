"""A bank of rendered part sprites per class, with random pose, material and light.

Each sprite keeps the exact box of its part inside the crop (from vertex projection), so
scaling and flipping it in 2D keeps the label exact.  Screws are also rendered head-on (axis
towards the camera, up to 25° tilt) with a Robertson, Phillips or slotted recess drawn into the
head, because a screw driven into a board is seen exactly like that from above.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from desktop_app.vision.classes import CLASSES
from desktop_app.vision.cv import cv2
from tools.detector.synth.catalog import WOOD_CLASSES, MeshAsset
from tools.detector.synth.render import SpriteRenderer, axis_rotation, random_rotation
from tools.detector.synth.textures import WOOD_TONES, wood_grain

log = logging.getLogger(__name__)

METALS = np.array([
    (0.72, 0.72, 0.74), (0.85, 0.85, 0.88), (0.55, 0.56, 0.6), (0.2, 0.2, 0.22),
    (0.78, 0.7, 0.45), (0.8, 0.66, 0.32), (0.65, 0.68, 0.62),
])
HANDLES = np.array([(0.8, 0.1, 0.1), (0.95, 0.75, 0.1), (0.1, 0.3, 0.8), (0.1, 0.1, 0.1), (0.2, 0.6, 0.2), (0.9, 0.4, 0.05)])


@dataclass(frozen=True)
class Sprite:
    label: str
    rgba: np.ndarray  # (h, w, 4) uint8
    box: tuple[float, float, float, float]  # exact part box inside the crop, pixel edges
    head_on: bool = False  # a screw seen along its axis (what a driven screw looks like)


def _normalise(vertices: np.ndarray) -> np.ndarray:
    centred = vertices - (vertices.max(axis=0) + vertices.min(axis=0)) / 2
    unit: np.ndarray = centred / np.linalg.norm(centred, axis=1).max()
    return unit


def _colours(asset: MeshAsset, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if asset.label in WOOD_CLASSES:
        base = WOOD_TONES[rng.integers(len(WOOD_TONES))] * rng.uniform(0.85, 1.12, 3)
    else:
        base = METALS[rng.integers(len(METALS))] * rng.uniform(0.9, 1.1, 3)
    colours = np.tile(np.clip(base, 0, 1), (len(v), 1))
    if asset.label == "screwdriver":  # handle above z=0 in the mesh, steel shaft below
        handle = HANDLES[rng.integers(len(HANDLES))] * rng.uniform(0.8, 1.15, 3)
        colours[v[:, 2] > 0.0] = np.clip(handle, 0, 1)
    return colours


def _draw_recess(rgb: np.ndarray, centre: np.ndarray, radius: float, rng: np.random.Generator) -> None:
    """A drive recess in a head-on screw head: shaded pyramid square, cross, or slot."""
    kind = rng.choice(["robertson", "robertson", "robertson", "phillips", "slot"])
    angle = rng.uniform(0, np.pi / 2)
    dark = rng.uniform(0.25, 0.6)
    if kind == "robertson":
        half = radius * rng.uniform(0.32, 0.5)
        corners = np.array([[np.cos(angle + k * np.pi / 2), np.sin(angle + k * np.pi / 2)] for k in range(4)]) * half * np.sqrt(2)
        for k in range(4):  # four sloped walls of the square socket, each lit differently
            tri = np.array([centre, centre + corners[k], centre + corners[(k + 1) % 4]], dtype=np.float32)
            shade = rgb[int(centre[1]) % rgb.shape[0], int(centre[0]) % rgb.shape[1]].astype(np.float32) * rng.uniform(0.3, 1.3)
            cv2.fillPoly(rgb, [np.round(tri * 16).astype(np.int32)], tuple(float(c) for c in np.clip(shade, 0, 255)), cv2.LINE_AA, shift=4)
        cv2.circle(rgb, (int(round(centre[0])), int(round(centre[1]))), max(1, int(half * 0.25)),
                   tuple(float(c) for c in rgb[int(centre[1]), int(centre[0])] * dark), -1, cv2.LINE_AA)
    else:
        arms = (0.0, np.pi / 2) if kind == "phillips" else (0.0,)
        for a in arms:
            d = np.array([np.cos(angle + a), np.sin(angle + a)]) * radius * 0.6
            p0, p1 = centre - d, centre + d
            colour = tuple(float(c) for c in rgb[int(centre[1]), int(centre[0])] * dark)
            cv2.line(rgb, tuple(int(round(x)) for x in p0), tuple(int(round(x)) for x in p1), colour,
                     max(1, int(radius * 0.18)), cv2.LINE_AA)


def render_sprite(renderer: SpriteRenderer, asset: MeshAsset, rng: np.random.Generator, *, head_on: bool = False) -> Sprite:
    vertices, triangles = asset.vertices, asset.triangles
    if head_on:  # driven in: only the head (+z in the mesh) shows, facing the camera, spun and tilted
        radius = np.hypot(vertices[:, 0], vertices[:, 1])
        head_z0 = vertices[radius > 0.9 * radius.max(), 2].min()
        triangles = triangles[(vertices[triangles, 2] >= head_z0 - 1e-9).all(axis=1)]
        spin = axis_rotation(np.array([0.0, 0.0, 1.0]), rng.uniform(0, 2 * np.pi))
        tilt = axis_rotation(np.array([*rng.normal(size=2), 0.0]), np.radians(rng.uniform(0, 15)))
        rotation = tilt @ spin
        vertices = vertices - np.array([0.0, 0.0, vertices[:, 2].max()])
        used = np.unique(triangles)
        vertices = vertices / np.linalg.norm(vertices[used], axis=1).max()
        v = vertices
    else:
        v = _normalise(vertices)
        rotation = random_rotation(rng)
    renderer.set_lights(rng)
    rgb, mask, box = renderer.render(v, triangles, _colours(asset, v, rng), rotation)
    if asset.label in WOOD_CLASSES:
        ys, xs = np.nonzero(mask)
        if len(xs) > 2:
            angle = np.degrees(np.arctan2(*np.linalg.eigh(np.cov(np.stack([xs, ys])))[1][:, -1][::-1]))
            side = rgb.shape[0]
            grain = wood_grain(rng, side, side)
            grain = cv2.warpAffine(grain, cv2.getRotationMatrix2D((side / 2, side / 2), -angle, 1.0), (side, side),
                                   borderMode=cv2.BORDER_REFLECT)
            rgb = np.clip(rgb.astype(np.float32) * grain[..., None], 0, 255).astype(np.uint8)
    if head_on:
        top = v[:, 2].max()
        head = v[v[:, 2] > top - 1e-6]
        centre_world = np.array([[0.0, 0.0, top]]) @ rotation.T
        rim_world = np.array([[np.abs(head[:, :2]).max(), 0.0, top]]) @ rotation.T
        centre, rim = renderer.project(centre_world)[0], renderer.project(rim_world)[0]
        rgb = np.ascontiguousarray(rgb)
        _draw_recess(rgb, centre, float(np.linalg.norm(rim - centre)), rng)
    x0, y0 = int(np.floor(box[0])), int(np.floor(box[1]))
    x1, y1 = int(np.ceil(box[2])), int(np.ceil(box[3]))
    x0, y0 = max(x0, 0), max(y0, 0)
    rgba = np.dstack([rgb, mask.astype(np.uint8) * 255])[y0:y1, x0:x1]
    return Sprite(asset.label, np.ascontiguousarray(rgba),
                  (float(box[0] - x0), float(box[1] - y0), float(box[2] - x0), float(box[3] - y0)), head_on)


def build_bank(assets: list[MeshAsset], per_class: int, seed: int, *, size: int = 256) -> dict[str, list[Sprite]]:
    """``per_class`` sprites of every class; the same seed gives the same bank."""
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[MeshAsset]] = {c: [a for a in assets if a.label == c] for c in CLASSES}
    bank: dict[str, list[Sprite]] = {c: [] for c in CLASSES}
    with SpriteRenderer(size) as renderer:
        for label in CLASSES:
            options = by_class[label]
            if not options:
                log.warning("no mesh teaches class %s", label)
                continue
            for _i in range(per_class):
                asset = options[int(rng.integers(len(options)))]
                head_on = label == "screw" and rng.random() < 0.55
                bank[label].append(render_sprite(renderer, asset, rng, head_on=head_on))
    return bank
