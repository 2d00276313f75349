"""``desktop-app merchant dashboard`` (the Qt window) and ``merchant export --out DIR`` (CSV files and a
PDF report), both in the chosen language.

``register_dashboard`` adds them to the ``merchant`` command's sub-parsers (``cli.merchant`` calls it).
``--lang`` may be given before the command, as everywhere, or after it; the command's own wins.
The export needs no screen: on a machine without a display Qt draws offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop_app.cli.common import SubParsers, lang, open_app
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings

DEFAULT_DAYS = 28
#: The periods the window offers (``ui.merchant.texts.PERIODS``; not imported: Qt would load with every command).
PERIODS = (7, 28, 90)


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("win32", "darwin")


def cmd_dashboard(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.ui.merchant.window import MerchantWindow
    from desktop_app.ui.shell.main import application

    qt_app = application()
    app = open_app(settings)
    window = MerchantWindow(app, language=lang(args, settings), days=args.days)
    try:
        window.show()
        return int(qt_app.exec())
    finally:
        window.runner.shutdown()
        app.close()


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.ui.merchant.export import check_days, check_out_dir, export

    out = check_out_dir(Path(args.out))
    days = check_days(args.days)
    language = lang(args, settings)
    if not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a report needs no screen
    from desktop_app.ui.shell.main import application

    application()
    app = open_app(settings)
    try:
        result = export(app, out, days=days, language=language)
    finally:
        app.close()
    if args.json:
        emit_json({"files": [str(p) for p in result.files], "pages": result.pages,
                   "period": result.dashboard.period})
        return 0
    zh = language == "zh"
    period = result.dashboard.period
    print(f"已导出 {period.start} 至 {period.end} 的数据：" if zh else f"Exported {period.start} to {period.end}:")
    for path in result.files:
        note = f"（{result.pages} 页）" if zh else f" ({result.pages} pages)"
        print(f"  {path}{note if path.suffix == '.pdf' else ''}")
    return 0


def register_dashboard(merchant: SubParsers[argparse.ArgumentParser]) -> None:
    """Add ``dashboard`` and ``export`` to the ``merchant`` command."""
    p = merchant.add_parser("dashboard", help="open the store dashboard window (charts, complaints, drill-down)")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="window language")
    p.add_argument("--days", type=int, choices=PERIODS, default=DEFAULT_DAYS, help="period shown first (days)")
    p.set_defaults(func=cmd_dashboard)
    p = merchant.add_parser("export", help="write the dashboard's figures as CSV files and report.pdf")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created if missing)")
    p.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"the last N days (default {DEFAULT_DAYS})")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="language of headers and report")
    p.add_argument("--json", action="store_true", help="print the files written as JSON")
    p.set_defaults(func=cmd_export)
