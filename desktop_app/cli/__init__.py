"""The ``desktop-app`` command: the window by default, service commands for QA and scripts.

Foreseeable failures print one clear line on stderr and exit non-zero; only bugs show a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace

from desktop_app.core.errors import AppError

log = logging.getLogger(__name__)

#: Modules that add sub-commands; each exposes ``register(subparsers)``. Optional ones may be absent.
COMMAND_MODULES = (
    "desktop_app.cli.store_commands",
    "desktop_app.cli.ask",
    "desktop_app.cli.merchant",
    "desktop_app.cli.guide",
    "desktop_app.cli.voice",
    "desktop_app.cli.vision",
)

EXIT_USAGE = 2
EXIT_FAILURE = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-app",
        description="Offline bilingual customer-service assistant. Without a command, opens the window.",
    )
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="reply language (default: config)")
    parser.add_argument("--kiosk", action="store_true", help="open the window in kiosk mode")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from desktop_app.core.config import load_settings
    from desktop_app.core.logsetup import configure_logging

    try:
        settings = load_settings()
        if args.kiosk:
            settings = replace(settings, kiosk=True)
        configure_logging("DEBUG" if args.verbose else settings.log_level, settings.data_dir / "logs",
                          console_level="DEBUG" if args.verbose else "WARNING")
        if args.command is None:
            from desktop_app.ui.shell.main import run_window

            return run_window(settings, kiosk=args.kiosk or settings.kiosk)
        return int(args.func(args, settings) or 0)
    except AppError as exc:
        print(f"desktop-app: {exc.localized(args.lang or 'en')}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
