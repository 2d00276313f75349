"""The window's fixed words: the greeting and the help tab, in both languages."""

from __future__ import annotations

HELP_EN = (
    "What I can help with\n\n"
    "• Order status: the 16-digit order number and the last 4 digits of the phone used for the order.\n\n"
    "• Returns & exchanges: the same two, then pick the item; check first, then file.\n\n"
    "• Product Q&A: the product code shown under a product, or press Details on any product.\n\n"
    "• Search: filter by category, price, features and colour.\n\n"
    "• For you: recommendations from a member's purchases, each with its reason.\n\n"
    "• Human agent: joins the staff queue.")

HELP_ZH = (
    "我能帮您做什么\n\n"
    "• 订单查询：16 位订单号 + 下单手机号后四位。\n\n"
    "• 退换货：同上，选择商品后先检查资格，再提交申请。\n\n"
    "• 商品咨询：输入商品编码，或点击任一商品的“详情”。\n\n"
    "• 商品搜索：按类目、价格、功能和颜色筛选。\n\n"
    "• 为您推荐：根据会员的购买记录推荐，并说明理由。\n\n"
    "• 转人工：进入人工客服排队。")

#: The first message of every conversation (English, Chinese).
GREETING = (
    "Hello! I can check an order's status, returns and exchanges, answer product questions, "
    "search the catalog, recommend products and show 3D assembly guides. Type, hold the mic "
    "button and speak, or show parts to the camera.",
    "您好！我可以帮您查询订单物流、办理退换货、解答商品问题、搜索商品、推荐好物和演示 3D 安装。"
    "您可以打字、按住麦克风说话，或把零件对准摄像头。")
