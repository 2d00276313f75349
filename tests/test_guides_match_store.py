"""Every bundled 3D guide belongs to a store product needing assembly, and assembles to its size."""

from __future__ import annotations

import pytest

from desktop_app.ar.scene import StepScene, load_meshes
from desktop_app.core.guide_format import load_guide

CLVRAI = "../shared/data/furniture/clvrai"


def _store_dims(app, sku):
    product = app.catalog.product(sku)
    assert product.summary.needs_assembly
    return tuple(float(product.attribute_values(k)[0]) for k in ("width_cm", "depth_cm", "height_cm"))


def test_bundled_guides_cover_store_products(app):
    from desktop_app.store.demo.catalog_home import FURNITURE

    assert {p.sku for p in FURNITURE if p.needs_assembly} == set(app.guides)  # every assembly product, no other
    for sku in app.guides:
        guide = load_guide(app.settings.assets_dir / "models3d" / sku)
        assert guide.product_id == sku
        assert tuple(guide.dimensions_cm) == pytest.approx(_store_dims(app, sku), abs=0.5)


@pytest.mark.parametrize("item, sku", [("table_lack_0825", "FUR-LACK-55"), ("bench_bjursta_0210", "FUR-BENCH-BJ")])
def test_imported_ikea_items_match_their_store_products(app, tmp_path, item, sku):
    from pathlib import Path

    from desktop_app.ar.clvrai_import import import_clvrai

    root = Path(__file__).resolve().parents[1] / CLVRAI
    if not root.exists():
        pytest.skip("../shared/data is absent")
    result = import_clvrai(root / "objects" / f"{item}.xml", root / "recipes" / f"{item}.yaml", tmp_path / item,
                           product_id=sku)
    assert tuple(result.dimensions_cm) == pytest.approx(_store_dims(app, sku), abs=0.6)
    guide = load_guide(tmp_path / item)
    assert StepScene(guide, load_meshes(guide, tmp_path / item)) is not None
