"""Demo catalog: camping gear and apparel (fictional brands).

A few apparel items are clearance stock sold as final sale (no no-reason returns), so the
return rules have an exception to apply.
"""

from __future__ import annotations

from functools import partial

from desktop_app.store.demo.catalog_types import Brand, ProductDef, product

NORTHSHORE = Brand("北岸 Northshore", "浙江", "宁波")
TRAILFOX = Brand("Trailfox", "福建", "厦门")
SHANYE = Brand("山野 Shanye", "四川", "成都")
JIANYI = Brand("简衣 Jianyi", "浙江", "杭州")
URBANLOOM = Brand("Urbanloom", "广东", "广州")

_camp = partial(product, "camping")
_wear = partial(product, "apparel")

ALL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
S_TO_XL = ("S", "M", "L", "XL")
S_TO_XXL = ("S", "M", "L", "XL", "XXL")

CAMPING: tuple[ProductDef, ...] = (
    _camp("CMP-TF-HL", TRAILFOX, ("Trailfox rechargeable headlamp", "Trailfox 充电头灯"),
          ("300-lumen USB-C headlamp with a red night mode; rain-proof.", "300 流明 USB-C 充电头灯，带红光夜间模式，可淋雨使用。"),
          price=39, waterproof=True, weight_kg=0.08, colour=("black", "orange")),
    _camp("CMP-TF-DRY20", TRAILFOX, ("Trailfox 20 L dry bag", "Trailfox 20 升防水袋"),
          ("Roll-top dry bag that keeps clothes dry on boats and in downpours.",
           "卷口式防水袋，划船、暴雨都能保持衣物干燥。"),
          price=79, waterproof=True, capacity_l=20, weight_kg=0.2, material="polyester",
          colour=("blue", "orange", "black")),
    _camp("CMP-SY-LAMP", SHANYE, ("Shanye rechargeable camping lantern", "山野充电营地灯"),
          ("Warm-white lantern with a hook and a power-bank port; 40 hours on low.",
           "暖白光营地灯，带挂钩，可作充电宝；低档续航 40 小时。"),
          price=89, waterproof=True, weight_kg=0.3, material="metal", colour=("orange", "beige")),
    _camp("CMP-SY-STOVE", SHANYE, ("Shanye mini gas stove", "山野迷你卡式炉头"),
          ("Pocket stove that boils a litre in four minutes; piezo ignition.", "口袋炉头，四分钟烧开一升水；电子点火。"),
          price=129, weight_kg=0.1, material="metal"),
    _camp("CMP-NS-CHAIR", NORTHSHORE, ("Northshore folding moon chair", "北岸折叠月亮椅"),
          ("Packable chair with an aluminium frame; holds 120 kg.", "铝合金支架折叠月亮椅，可收纳，承重 120 公斤。"),
          price=169, weight_kg=1.2, material=("metal", "polyester"), colour=("black", "green", "beige")),
    _camp("CMP-TF-MAT", TRAILFOX, ("Trailfox self-inflating sleeping mat", "Trailfox 自动充气防潮垫"),
          ("5 cm self-inflating mat that keeps the cold ground away.", "5 厘米厚自动充气垫，隔绝地面寒气。"),
          price=199, weight_kg=0.9, material="polyester", colour=("blue", "green")),
    _camp("CMP-SY-POT", SHANYE, ("Shanye titanium cook set", "山野钛合金套锅"),
          ("Pot, pan and mug that nest together; 350 g in total.", "锅、煎盘、杯子可嵌套收纳，总重 350 克。"),
          price=229, weight_kg=0.35, material="metal"),
    _camp("CMP-NS-TABLE", NORTHSHORE, ("Northshore roll-top camping table", "北岸铝合金蛋卷桌"),
          ("Aluminium roll-top table that packs into a shoulder bag.", "铝合金蛋卷桌，收起来装进单肩包。"),
          price=239, weight_kg=3.0, material="metal", colour="silver"),
    _camp("CMP-SY-SB10", SHANYE, ("Shanye 3-season sleeping bag", "山野三季睡袋"),
          ("Synthetic-fill envelope bag, comfortable to 5 °C; machine washable.",
           "化纤填充信封式睡袋，舒适温度 5°C，可机洗。"),
          price=259, season="3-season", weight_kg=1.6, material="polyester", colour=("blue", "green")),
    _camp("CMP-SY-TARP", SHANYE, ("Shanye 3 × 3 m canopy tarp", "山野 3×3 米天幕"),
          ("Silver-coated tarp for shade and rain; poles sold separately.", "银胶涂层天幕，遮阳挡雨；不含天幕杆。"),
          price=329, waterproof=True, weight_kg=1.1, material="polyester", colour=("beige", "green")),
    _camp("CMP-NS-COOL", NORTHSHORE, ("Northshore 25 L cool box", "北岸 25 升保温箱"),
          ("Keeps ice for two days at the campsite; doubles as a seat.", "营地保冰两天，还能当凳子坐。"),
          price=359, capacity_l=25, weight_kg=3.2, colour=("blue", "green")),
    _camp("CMP-TF-BP40", TRAILFOX, ("Trailfox 40 L hiking backpack", "Trailfox 40 升徒步背包"),
          ("Ventilated back panel, hip-belt pockets and a rain cover.", "透气背板，腰带口袋，附防雨罩。"),
          price=459, capacity_l=40, weight_kg=1.3, material="nylon", colour=("black", "blue", "green")),
    _camp("CMP-NS-T2", NORTHSHORE, ("Northshore Ridge 2 backpacking tent", "北岸山脊 2 人徒步帐篷"),
          ("Two-person, two-door tent with a 3000 mm fly; pitches in five minutes.",
           "双人双门帐篷，外帐防水 3000 毫米，五分钟搭好。"),
          price=699, waterproof=True, capacity_persons=2, season="3-season", weight_kg=2.1,
          material="nylon", colour=("green", "orange")),
    _camp("CMP-TF-BP65", TRAILFOX, ("Trailfox 65 L trekking backpack", "Trailfox 65 升重装背包"),
          ("Adjustable back length for multi-day treks; carries 20 kg comfortably.",
           "背长可调，适合多日徒步；负重 20 公斤依然舒适。"),
          price=799, capacity_l=65, weight_kg=2.0, material="nylon", colour=("grey", "orange")),
    _camp("CMP-TF-UL1", TRAILFOX, ("Trailfox UL1 ultralight solo tent", "Trailfox UL1 超轻单人帐篷"),
          ("Trekking-pole tent under 1 kg for fast-and-light trips.", "用登山杖支撑的单人帐，不到 1 公斤，适合轻量化徒步。"),
          price=899, waterproof=True, capacity_persons=1, season="3-season", weight_kg=0.98,
          material="nylon", colour="grey"),
    _camp("CMP-SY-SB0", SHANYE, ("Shanye -10 °C down sleeping bag", "山野 -10°C 羽绒睡袋"),
          ("650-fill duck down mummy bag for winter camping.", "650 蓬鸭绒木乃伊睡袋，冬季露营可用。"),
          price=899, season="4-season", weight_kg=1.4, material="down", colour="red"),
    _camp("CMP-NS-T4", NORTHSHORE, ("Northshore Basecamp 4 family tent", "北岸大本营 4 人家庭帐篷"),
          ("Stand-up height, two rooms and a porch for family weekends.", "站立高度，两室一厅带前厅，适合家庭周末露营。"),
          price=1299, waterproof=True, capacity_persons=4, season="3-season", weight_kg=6.8,
          material="polyester", colour=("green", "beige")),
    _camp("CMP-NS-T2W", NORTHSHORE, ("Northshore Alpine 2 four-season tent", "北岸高山 2 人四季帐篷"),
          ("Snow-load geodesic tent for winter and high altitude.", "可承受积雪的网格帐篷，冬季和高海拔适用。"),
          price=2599, stock=3, waterproof=True, capacity_persons=2, season="4-season", weight_kg=3.2,
          material="nylon", colour="orange"),
)

APPAREL: tuple[ProductDef, ...] = (
    _wear("APP-JY-TEE", JIANYI, ("Jianyi cotton crew-neck T-shirt", "简衣纯棉圆领 T恤"),
          ("Heavyweight 220 g cotton tee that keeps its shape after washing.", "220 克重磅纯棉，洗后不变形。"),
          price=59, material="cotton", size=ALL_SIZES, colour=("white", "black", "grey", "blue")),
    _wear("APP-NS-SOCK", NORTHSHORE, ("Northshore merino hiking socks (2 pairs)", "北岸美利奴羊毛徒步袜（2 双装）"),
          ("Cushioned merino socks that stay fresh on long hikes.", "加厚美利奴羊毛袜，长距离徒步也不闷脚。"),
          price=89, material="wool", size=("S", "M", "L"), colour=("grey", "green")),
    _wear("APP-JY-LEGG", JIANYI, ("Jianyi high-rise yoga leggings", "简衣高腰瑜伽裤"),
          ("Squat-proof stretch leggings with a phone pocket.", "深蹲不透的弹力瑜伽裤，带手机口袋。"),
          price=129, material="nylon", size=("XS", "S", "M", "L", "XL"), colour=("black", "purple")),
    _wear("APP-JY-LINEN", JIANYI, ("Jianyi linen-blend summer shirt (clearance)", "简衣棉麻夏季衬衫（清仓）"),
          ("Last season's cotton-linen shirt at a clearance price; final sale.",
           "上季棉麻衬衫清仓价；清仓商品，不支持无理由退货。"),
          price=139, stock=0, final_sale=True, material="cotton", size=("S", "M", "L"), colour=("white", "beige")),
    _wear("APP-JY-OXF", JIANYI, ("Jianyi oxford shirt", "简衣牛津纺衬衫"),
          ("Button-down oxford shirt for the office and weekends.", "纽扣领牛津纺衬衫，通勤周末两相宜。"),
          price=159, material="cotton", size=S_TO_XL, colour=("white", "blue")),
    _wear("APP-JY-HOOD", JIANYI, ("Jianyi brushed-fleece hoodie", "简衣加绒连帽卫衣"),
          ("Warm brushed-back hoodie with a kangaroo pocket.", "内里加绒的连帽卫衣，带袋鼠兜。"),
          price=199, material="cotton", size=S_TO_XXL, colour=("grey", "black", "beige")),
    _wear("APP-JY-CHINO", JIANYI, ("Jianyi stretch chinos", "简衣弹力休闲裤"),
          ("Slim chinos with a little stretch for all-day comfort.", "微弹修身休闲裤，久坐也舒适。"),
          price=229, material="cotton", size=S_TO_XL, colour=("beige", "black", "blue")),
    _wear("APP-NS-FLEECE", NORTHSHORE, ("Northshore polar fleece jacket", "北岸摇粒绒外套"),
          ("Warm mid-layer fleece for hikes and chilly offices.", "保暖中间层摇粒绒，爬山、空调房都适用。"),
          price=259, material="polyester", size=S_TO_XXL, colour=("grey", "green", "blue")),
    _wear("APP-NS-RAINP", NORTHSHORE, ("Northshore waterproof rain pants", "北岸防水冲锋裤"),
          ("Full side zips pull on over boots; taped seams.", "侧边全开拉链，穿着鞋也能套上；压胶防水。"),
          price=329, waterproof=True, material="nylon", size=("M", "L", "XL", "XXL"), colour="black"),
    _wear("APP-UL-DRESS", URBANLOOM, ("Urbanloom midi shirt dress", "Urbanloom 中长款衬衫裙"),
          ("Belted cotton shirt dress that works for office and brunch.", "配腰带的纯棉衬衫裙，上班约会都合适。"),
          price=329, material="cotton", size=("XS", "S", "M", "L"), colour=("blue", "green")),
    _wear("APP-UL-KNIT", URBANLOOM, ("Urbanloom cable-knit cardigan", "Urbanloom 麻花针织开衫"),
          ("Soft wool-blend cardigan with horn-look buttons.", "柔软羊毛混纺开衫，仿牛角扣。"),
          price=359, material="wool", size=("XS", "S", "M", "L"), colour=("beige", "pink")),
    _wear("APP-UL-WOOL", URBANLOOM, ("Urbanloom merino crew sweater", "Urbanloom 美利奴羊毛圆领毛衣"),
          ("Fine-gauge merino that is warm but not itchy.", "细针美利奴羊毛，保暖不扎。"),
          price=499, material="wool", size=S_TO_XL, colour=("grey", "blue", "red")),
    _wear("APP-UL-PUFF", URBANLOOM, ("Urbanloom cropped puffer jacket (clearance)", "Urbanloom 短款面包服（清仓）"),
          ("Cropped puffer in last season's colours; final sale.", "上季配色短款面包服；清仓商品，不支持无理由退货。"),
          price=599, stock=6, final_sale=True, material="polyester", size=("XS", "S", "M"),
          colour=("pink", "purple")),
    _wear("APP-NS-SHELL", NORTHSHORE, ("Northshore waterproof hard-shell jacket", "北岸防水硬壳冲锋衣"),
          ("3-layer waterproof, breathable shell with a helmet-compatible hood.",
           "三层压胶防水透气面料，头盔兼容帽檐。"),
          price=899, waterproof=True, material="nylon", size=S_TO_XXL, colour=("black", "blue", "red")),
    _wear("APP-UL-TRENCH", URBANLOOM, ("Urbanloom classic trench coat (clearance)", "Urbanloom 经典风衣（清仓）"),
          ("Double-breasted cotton trench, clearance price; final sale.", "双排扣纯棉风衣，清仓价；清仓商品，不支持无理由退货。"),
          price=899, final_sale=True, material="cotton", size=("S", "M", "L"), colour="beige"),
    _wear("APP-UL-COAT", URBANLOOM, ("Urbanloom wool-blend overcoat", "Urbanloom 羊毛混纺大衣"),
          ("Knee-length overcoat with 60 % wool for northern winters.", "含 60% 羊毛的及膝大衣，北方冬天也够暖。"),
          price=1199, stock=4, material="wool", size=S_TO_XL, colour=("black", "grey", "beige")),
    _wear("APP-NS-DOWN", NORTHSHORE, ("Northshore 700-fill down jacket", "北岸 700 蓬羽绒服"),
          ("Hooded down jacket with 700-fill goose down; packs into its pocket.",
           "700 蓬鹅绒连帽羽绒服，可收纳进自身口袋。"),
          price=1299, material="down", size=S_TO_XL, colour=("black", "beige", "green")),
)
