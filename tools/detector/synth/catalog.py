"""The meshes that show each detector class, read from every guide under ``assets/models3d``.

Which class a part is comes from the runtime rule in ``desktop_app.vision.classes``, so the
training data and the interpretation of detections cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.vision.classes import DEFAULT_MODELS_DIR, class_of, extent_of, load_guides, read_mesh

#: Classes whose sprites get a wood texture.
WOOD_CLASSES = frozenset({"board", "leg", "dowel"})


@dataclass(frozen=True)
class MeshAsset:
    """One distinct mesh file and the class it teaches."""

    path: Path
    label: str
    vertices: np.ndarray  # (n, 3) metres, scaled as the guide places it
    triangles: np.ndarray  # (m, 3) int


#: The guides whose meshes the committed detector (stage 11) was trained on. Its held-out sample must
#: be drawn from the same meshes to reproduce ``metrics.json``; a retrain on more guides changes this
#: (pass ``products=None`` for every guide) together with the committed weights and metrics.
TRAINED_ON = frozenset({"FUR-SHELF-3T", "FUR-STOOL-01", "FUR-TABLE-SIDE"})


def mesh_assets(models_dir: Path = DEFAULT_MODELS_DIR,
                products: frozenset[str] | None = TRAINED_ON) -> list[MeshAsset]:
    """Distinct meshes of the guides (by file content and scale), sorted for determinism."""
    seen: dict[tuple[str, tuple[float, ...]], MeshAsset] = {}
    for product, (guide, guide_dir) in load_guides(models_dir).items():
        if products is not None and product not in products:
            continue
        for part in guide.parts:
            path = guide_dir / part.mesh
            key = (path.name, tuple(part.scale))  # same file name = same design across guides
            if key in seen:
                continue
            vertices, triangles = read_mesh(path, part.scale)
            label = class_of(part.kind, extent_of(vertices))
            if label is None:
                continue
            seen[key] = MeshAsset(path, label, vertices, triangles)
    return [seen[k] for k in sorted(seen)]
