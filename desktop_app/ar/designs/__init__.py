"""Parametric designs of every assembly product the store sells, each sized as its catalogue row.

A handful of families (cam-and-dowel cabinets, apron tables, stools and benches, chairs and
sofas, racks) cover the range; here each store SKU gets its family, its dimensions (width x
depth x height, cm, exactly as the demo catalogue lists them) and its bilingual name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from desktop_app.ar.designs import bookshelf, cabinet, racks, seating, side_table, stool, tables
from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.ar.designs.cabinet import CabinetSpec, Drawer
from desktop_app.core.guide_format import Text

#: Each family's joinery is set per product (fittings per joint, which steps are combined) so that
#: the parts of one step rarely match another product's step: the camera tells products apart by
#: what it sees laid out, and two products built from identical kits would always be "can't tell".
DESIGNS: dict[str, Callable[[], DesignBuilder]] = {
    "FUR-SHELF-3T": bookshelf.build,
    "FUR-TABLE-SIDE": side_table.build,
    "FUR-STOOL-01": stool.build,
    "FUR-LACK-55": partial(seating.build_low_table, seating.LowTableSpec(
        "FUR-LACK-55", Text("LACK-style low table", "LACK 款矮桌"), 65.0, 24.0, 31.0)),
    "FUR-BENCH-BJ": partial(seating.build_bench, seating.BenchSpec(
        "FUR-BENCH-BJ", Text("BJURSTA-style foot bench", "BJURSTA 款脚凳"), 65.0, 19.0, 21.0)),
    "FUR-SHELF-5T": partial(racks.build_ladder, racks.LadderSpec(
        "FUR-SHELF-5T", Text("Birch 5-tier ladder shelf", "桦木五层梯形置物架"), 60.0, 35.0, 180.0)),
    "FUR-NIGHT": partial(cabinet.build, CabinetSpec(
        "FUR-NIGHT", Text("Birch nightstand with drawer", "桦木带抽屉床头柜"), 45.0, 40.0, 55.0,
        wood=cabinet.BIRCH, plinth_cams=1, cams=1, dowels=3, fixed=(38.0,),
        drawers=(Drawer(-20.7, 20.7, 39.8, 53.2),))),
    "FUR-DESK-120": partial(tables.build, tables.TableSpec(
        "FUR-DESK-120", Text("Oak writing desk 120 cm", "橡木书桌 120 厘米"), 120.0, 60.0, 75.0,
        apron_h=10.0, dowels_per_end=3, bolts_per_end=2, brackets_long=2, apron_screws=3, top_screws=3,
        cable_tray=True)),
    "FUR-CHAIR-DIN": partial(seating.build_chair, seating.ChairSpec(
        "FUR-CHAIR-DIN", Text("Walnut dining chair", "胡桃木餐椅"), 45.0, 52.0, 82.0)),
    "FUR-COFFEE": partial(tables.build, tables.TableSpec(
        "FUR-COFFEE", Text("Oak coffee table", "橡木茶几"), 110.0, 60.0, 42.0,
        apron_h=7.0, dowels_per_end=1, bolts_per_end=1, brackets_long=1, apron_screws=3, top_screws=3,
        lower_shelf=10.0)),
    "FUR-SOFA-2": partial(seating.build_sofa, seating.SofaSpec(
        "FUR-SOFA-2", Text("Walnut-frame two-seat sofa", "胡桃木框架双人沙发"), 140.0, 78.0, 82.0)),
    "FUR-CAB-2D": partial(cabinet.build, CabinetSpec(
        "FUR-CAB-2D", Text("Two-door storage cabinet", "双门储物柜"), 80.0, 40.0, 180.0,
        plinth_cams=2, cams=3, dowels=4, fixed=(92.0,), adjustable=(36.0, 64.0, 122.0, 150.0),
        doors=2, hinges=3, wall_anchor=True)),
    "FUR-TV-160": partial(cabinet.build, CabinetSpec(
        "FUR-TV-160", Text("TV bench 160 cm", "电视柜 160 厘米"), 160.0, 40.0, 45.0,
        feet=True, cams=3, dowels=2, fixed=(24.0,), divider_below=24.0,
        drawers=(Drawer(-78.2, -0.9, 7.8, 24.0), Drawer(0.9, 78.2, 7.8, 24.0)))),
    "FUR-METAL-RACK": partial(racks.build_steel_rack, racks.RackSpec(
        "FUR-METAL-RACK", Text("4-tier steel storage rack", "四层钢制置物架"), 90.0, 40.0, 160.0)),
    "FUR-BAMBOO-RACK": partial(racks.build_bamboo_rack, racks.RackSpec(
        "FUR-BAMBOO-RACK", Text("Bamboo shoe rack", "竹制鞋架"), 70.0, 26.0, 52.0, tiers=3)),
}
