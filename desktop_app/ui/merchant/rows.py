"""The dashboard's figures as rows: formatted for the screen's tables, and as plain values for CSV.

One place decides what each table says, so the window, the CSV files and the PDF never disagree.
Screen rows carry words ("3 of 10 viewings"); CSV rows carry numbers a spreadsheet can add up
(numerator and denominator in their own columns, seconds as seconds, money in yuan), with the
same human names for intents, topics, causes, products and carriers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from desktop_app.core.errors import InvalidInput
from desktop_app.service.analytics import Rate
from desktop_app.ui.common.labels import tr
from desktop_app.ui.merchant import texts
from desktop_app.ui.merchant.data import Dashboard

Value = str | int | float


@dataclass(frozen=True)
class Table:
    """One screen table: headers and cells in the manager's language, and per row the conversations
    behind it (``ids`` is None for a table whose rows have none, e.g. anonymous guide viewings)."""

    key: str
    title_en: str
    title_zh: str
    note_en: str
    note_zh: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    ids: tuple[tuple[int, ...], ...] | None = None
    #: Each row's name in both languages, for the drill-down caption.
    row_names: tuple[tuple[str, str], ...] = ()
    no_ids_en: str = ""
    no_ids_zh: str = ""


@dataclass(frozen=True)
class CsvTable:
    """One CSV file: its name, a header row and rows of plain values."""

    filename: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


def _h(language: str, *pairs: tuple[str, str]) -> tuple[str, ...]:
    return tuple(tr(language, en, zh) for en, zh in pairs)


def _product(d: Dashboard, sku: str, language: str) -> str:
    return texts.product_name(sku, d.product_names, language)


# -- screen tables ---------------------------------------------------------------------------------


def assembly(d: Dashboard, language: str) -> Table:
    rows, names = [], []
    for p in d.assembly:
        viewed = max(p.sessions, p.replayed)
        rows.append((_product(d, p.product_sku, language), tr(language, f"step {p.step}", f"第 {p.step} 步"),
                     str(p.sessions), texts.duration_text(p.median_seconds if p.sessions else None, language),
                     texts.count_of(p.replayed, viewed, language), str(p.abandoned_here)))
        names.append((f"{_product(d, p.product_sku, 'en')}, step {p.step}",
                      f"{_product(d, p.product_sku, 'zh')} 第 {p.step} 步"))
    return Table(
        "assembly", "Assembly guides", "安装指导",
        "Where customers struggle with the 3D assembly guides, slowest steps first: the median time spent on "
        "each step, how many viewings went back to it, and how many viewings stopped there without finishing.",
        "顾客使用 3D 安装指导时的难点，最慢的步骤在前：每步停留时间的中位数、回看该步的次数，以及停在该步未完成的次数。",
        _h(language, ("Product", "商品"), ("Step", "步骤"), ("Viewings timed", "计时次数"),
           ("Median time on step", "停留时间中位数"), ("Went back to it", "回看"), ("Stopped here", "在此放弃")),
        tuple(rows), None, tuple(names),
        "Guide viewings are anonymous: no conversation is linked to a step.",
        "安装指导的观看记录是匿名的：步骤不关联任何会话。")


def unmet(d: Dashboard, language: str) -> Table:
    rows = tuple((u.text, str(u.count), texts.when_text(u.last_seen, language), str(len(u.conversation_ids)))
                 for u in d.unmet)
    return Table(
        "unmet", "Searches that found nothing", "无结果的搜索",
        "What customers looked for and the store could not offer, most asked first: candidates for new products.",
        "顾客想要但店里没有的商品，按搜索次数排序：可作为选品参考。",
        _h(language, ("What customers searched for", "顾客搜索的内容"), ("Times", "次数"),
           ("Last asked", "最近一次"), ("Conversations", "会话数")),
        rows, tuple(u.conversation_ids for u in d.unmet), tuple((u.text, u.text) for u in d.unmet))


def segments(d: Dashboard, language: str) -> Table:
    rows = []
    for s in d.segments:
        base = s.base or sum(x.customers for x in d.segments if not x.key.startswith("category:"))
        rows.append((texts.segment(s.key, language), str(s.customers),
                     texts.rate_text(Rate(s.customers, base), language), texts.yuan(s.median_order_fen),
                     texts.counted(s.top_categories, texts.category, language)))
    return Table(
        "segments", "Customer segments", "客户分群",
        "Customers grouped by what they paid compared with the rest of the shelf, and by the category they spend "
        "most on. Groups of fewer than 5 customers are not shown.",
        "按顾客购买价位（与同类商品相比）及花费最多的类目分群。少于 5 位顾客的分群不显示。",
        _h(language, ("Segment", "分群"), ("Customers", "顾客数"), ("Share of buyers", "占购买顾客比例"),
           ("Median order", "订单金额中位数"), ("Most bought categories", "购买最多的类目")),
        tuple(rows), None, tuple((texts.segment(s.key, "en"), texts.segment(s.key, "zh")) for s in d.segments),
        "Segments are counts of customers, never who they are: no conversations are listed.",
        "分群只统计人数，不涉及具体顾客：不列出会话。")


def agents(d: Dashboard, language: str) -> Table:
    rows = tuple((a.display_name, str(a.tickets), texts.count_of(a.answered, a.tickets, language),
                  texts.count_of(a.closed, a.tickets, language),
                  texts.duration_text(a.median_first_response_s, language),
                  texts.duration_text(a.median_resolution_s, language)) for a in d.agents)
    return Table(
        "agents", "Agents", "人工客服",
        "Handed-off customers each agent took in this period. Times are medians, measured from when the customer "
        "started waiting in the queue.",
        "本期间各位客服接待的转人工顾客。时间为中位数，从顾客开始排队时算起。",
        _h(language, ("Agent", "客服"), ("Customers taken", "接待数"), ("Answered", "已回复"), ("Closed", "已结束"),
           ("First response", "首次响应时间"), ("Time to close", "解决时长")),
        rows, None, tuple((a.display_name, a.display_name) for a in d.agents),
        "Agents' tickets are on the agents' console.", "工单详情请在人工客服工作台查看。")


SCREEN_TABLES = {"assembly": assembly, "unmet": unmet, "segments": segments, "agents": agents}


def screen_table(key: str, d: Dashboard, language: str) -> Table:
    return SCREEN_TABLES[key](d, language)


# -- CSV files -------------------------------------------------------------------------------------


def _stars(rating_sum: int, rated: int) -> Value:
    return round(rating_sum / rated, 2) if rated else ""


def csv_tables(d: Dashboard, language: str) -> tuple[CsvTable, ...]:
    """One CSV table per figure, headers in ``language``; numbers as numbers."""
    if language not in ("zh", "en"):
        raise InvalidInput("The language is zh or en.", message_zh="语言须为 zh 或 en。")
    h = partial(_h, language)
    out = [CsvTable("rates_by_day.csv", h(
        ("Day", "日期"), ("Conversations with a request", "有诉求的会话"), ("Resolved by the assistant", "智能助手解决"),
        ("Resolution rate", "独立解决率"), ("Handed to a person", "转人工"), ("Handoff rate", "转人工率"),
        ("Rated", "评分数"), ("Average stars", "平均星级")),
        tuple((r.day.isoformat(), r.conversations, r.resolved, round(r.resolution.value, 4), r.handed_off,
               round(r.handoff.value, 4), r.rated, _stars(r.rating_sum, r.rated)) for r in d.rates))]
    out.append(CsvTable("requests_by_intent.csv", h(
        ("Day", "日期"), ("Request", "诉求"), ("Customer turns", "顾客发言次数"), ("Conversations", "会话数")),
        tuple((v.day.isoformat(), texts.intent_name(v.intent, language), v.turns, len(v.conversation_ids))
              for v in d.volume)))
    out.append(CsvTable("complaints.csv", h(
        ("Root cause", "根本原因"), ("Topic", "投诉话题"), ("Complaints", "投诉数"), ("Linked to an order", "已关联订单"),
        ("Products", "涉及商品"), ("Carriers", "承运快递"), ("What customers said", "顾客原话")),
        tuple((texts.cause(c.cause, language), texts.topic(c.topic, language), c.complaints, c.with_order,
               texts.counted(c.products, partial(_product, d), language, limit=10),
               texts.counted(c.carriers, texts.carrier, language, limit=10), " | ".join(c.examples))
              for c in d.complaints)))
    out.append(CsvTable("complaints_by_week.csv", h(
        ("Topic", "投诉话题"), ("Week starting", "周起始日"), ("Complaints", "投诉数")),
        tuple((texts.topic(c.topic, language), week.isoformat(), n) for c in d.complaints for week, n in c.by_week)))
    out.append(CsvTable("assembly_steps.csv", h(
        ("Product", "商品"), ("SKU", "商品编码"), ("Step", "步骤"), ("Viewings timed", "计时次数"),
        ("Median seconds on step", "停留秒数中位数"), ("Went back to it", "回看次数"), ("Stopped here", "在此放弃次数")),
        tuple((_product(d, p.product_sku, language), p.product_sku, p.step, p.sessions, p.median_seconds, p.replayed,
               p.abandoned_here) for p in d.assembly)))
    out.append(CsvTable("unmet_searches.csv", h(
        ("What customers searched for", "顾客搜索的内容"), ("Times", "次数"), ("Last asked", "最近一次"),
        ("Conversations", "会话数")),
        tuple((u.text, u.count, u.last_seen.isoformat(timespec="minutes"), len(u.conversation_ids)) for u in d.unmet)))
    out.append(CsvTable("segments.csv", h(
        ("Segment", "分群"), ("Customers", "顾客数"), ("Customers with a purchase", "有购买的顾客数"),
        ("Share", "占比"), ("Median order (yuan)", "订单金额中位数（元）"), ("Most bought categories", "购买最多的类目")),
        tuple((texts.segment(s.key, language), s.customers, s.base, round(s.share, 4), round(s.median_order_fen / 100, 2),
               texts.counted(s.top_categories, texts.category, language)) for s in d.segments)))
    out.append(CsvTable("agents.csv", h(
        ("Agent", "客服"), ("Customers taken", "接待数"), ("Answered", "已回复"), ("Closed", "已结束"),
        ("Median first response (seconds)", "首次响应中位数（秒）"), ("Median time to close (seconds)", "解决时长中位数（秒）")),
        tuple((a.display_name, a.tickets, a.answered, a.closed,
               "" if a.median_first_response_s is None else round(a.median_first_response_s, 1),
               "" if a.median_resolution_s is None else round(a.median_resolution_s, 1)) for a in d.agents)))
    if d.model is not None:
        m = d.model
        out.append(CsvTable("model_in_use.csv", h(
            ("Model", "模型"), ("Macro-F1", "宏平均 F1"), ("Replaced model's macro-F1", "被替换模型 F1"),
            ("Base examples", "基础样本"), ("Reviewed examples", "审核样本")),
            ((m.version, round(m.macro_f1, 4), "" if m.baseline_f1 is None else round(m.baseline_f1, 4),
              m.base_examples, m.reviewed_examples),)))
    return tuple(out)
