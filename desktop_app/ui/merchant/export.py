"""``merchant export``: the dashboard's figures as CSV files (one per figure) and a PDF report.

CSV files are UTF-8 with a byte-order mark, so Excel opens Chinese names correctly; the PDF is
drawn by :mod:`~desktop_app.ui.merchant.report_pdf`. Both are written to temporary names and
renamed into place, so a failed export never leaves half a file behind an old good one.
"""

from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.errors import InvalidInput
from desktop_app.ui.merchant.data import Dashboard, load_dashboard
from desktop_app.ui.merchant.report_pdf import write_report
from desktop_app.ui.merchant.rows import csv_tables
from desktop_app.ui.merchant.texts import PERIODS

if TYPE_CHECKING:
    from desktop_app.app import App

log = logging.getLogger(__name__)

REPORT_NAME = "report.pdf"
#: The longest period an export covers (a year): longer tables are for the database, not a report.
MAX_EXPORT_DAYS = 366


@dataclass(frozen=True)
class Exported:
    files: tuple[Path, ...]
    pages: int
    dashboard: Dashboard


def check_days(days: int) -> int:
    if not 1 <= days <= MAX_EXPORT_DAYS:
        raise InvalidInput(f"--days must be 1 to {MAX_EXPORT_DAYS} (the dashboard offers {', '.join(map(str, PERIODS))}).",
                           message_zh=f"--days 须为 1 到 {MAX_EXPORT_DAYS}（看板提供 {'、'.join(map(str, PERIODS))} 天）。")
    return days


def check_out_dir(out: Path) -> Path:
    """Refuse an output folder that is a file (or sits under one) before any work is done."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out} is a file, not a folder.", message_zh=f"--out {out} 是文件，不是文件夹。")
    parent = next((p for p in out.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise InvalidInput(f"--out {out} is under a file.", message_zh=f"--out {out} 位于一个文件之下。")
    return out


def _replace(tmp: Path, final: Path) -> Path:
    os.replace(tmp, final)
    return final


def write_csv(dashboard: Dashboard, out: Path, language: str) -> tuple[Path, ...]:
    written = []
    for table in csv_tables(dashboard, language):
        final = out / table.filename
        tmp = final.with_name(f".{final.name}.tmp")
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(table.headers)
            writer.writerows(table.rows)
        written.append(_replace(tmp, final))
    return tuple(written)


def export(app: App, out: Path, *, days: int, language: str) -> Exported:
    """Write the CSV files and ``report.pdf`` for the last ``days`` days into ``out`` (created if needed).

    Needs a running QApplication (the report draws the dashboard's charts); the caller makes one."""
    check_out_dir(out)
    dashboard = load_dashboard(app, check_days(days))
    out.mkdir(parents=True, exist_ok=True)
    files = list(write_csv(dashboard, out, language))
    final = out / REPORT_NAME
    tmp = final.with_name(f".{final.name}.tmp")
    pages = write_report(dashboard, tmp, language, generated_at=app.clock.now())
    files.append(_replace(tmp, final))
    log.info("merchant export: %d files, %d report pages", len(files), pages)
    return Exported(tuple(files), pages, dashboard)
