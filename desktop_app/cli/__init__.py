"""The ``desktop-app`` command: the window by default, service commands for QA and scripts.

Every failure prints one line on stderr and exits non-zero, whatever the input: foreseeable ones
say what is wrong (in the reply language), and a bug says where its redacted traceback was logged.
A usage error is one line too, pointing at ``--help`` (the usage block would bury the message).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn

from desktop_app.cli.one_shot import exit_now, pause_collection
from desktop_app.cli.output import emit_error, one_line

log = logging.getLogger(__name__)

#: Modules that add sub-commands; each exposes ``register(subparsers)``. Optional ones may be absent.
COMMAND_MODULES = (
    "desktop_app.cli.store_commands",
    "desktop_app.cli.ask",
    "desktop_app.cli.merchant",
    "desktop_app.cli.agent_commands",
    "desktop_app.cli.db_commands",
    "desktop_app.cli.guide",
    "desktop_app.cli.voice",
    "desktop_app.cli.vision",
    "desktop_app.cli.nlu_commands",
)

#: Commands whose module registers them alone: when one of these is asked for, only its module is
#: imported (``desktop-app ask`` answers without importing every other command's services first).
#: Any other command, ``--help`` or a typo builds the whole parser from ``COMMAND_MODULES``.
QUICK_COMMANDS = {"ask": "desktop_app.cli.ask"}
#: Top-level options that take a value (argparse also accepts unique prefixes such as ``--la``).
_VALUED_OPTIONS = ("--lang",)

EXIT_USAGE = 2
EXIT_FAILURE = 1
#: The reader of our output went away (``| head``): what a process killed by SIGPIPE reports.
EXIT_BROKEN_PIPE = 141


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line; sub-command parsers inherit the class (argparse's default)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules a parse of ``argv`` needs: none to open the window, the command's own for
    a quick command, every one otherwise (help lists them all; a typo is told the choices)."""
    expects_value = False
    for token in argv:
        if expects_value:
            expects_value = False
        elif token == "--":
            break
        elif token.startswith("--") and "=" not in token and any(o.startswith(token) for o in _VALUED_OPTIONS):
            expects_value = True
        elif _asks_for_help(token):
            return COMMAND_MODULES
        elif token.startswith("-") and len(token) > 1:
            continue
        else:
            quick = QUICK_COMMANDS.get(token)
            return (quick,) if quick else COMMAND_MODULES
    return COMMAND_MODULES if expects_value or "--" in argv else ()


def _asks_for_help(token: str) -> bool:
    """``-h``, ``--help`` or an abbreviation of it, or ``-h`` among bundled short flags (``-vh``)."""
    if token.startswith("--"):
        return len(token) > 2 and "--help".startswith(token)
    return token.startswith("-") and "h" in token[1:]


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser with the sub-commands of ``modules`` (all of ``COMMAND_MODULES`` by default)."""
    parser = OneLineParser(
        prog="desktop-app",
        description="Offline bilingual customer-service assistant. Without a command, opens the window.",
    )
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="reply language (default: config)")
    parser.add_argument("--kiosk", action="store_true", help="open the window in kiosk mode")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if modules is None else modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (the window without one) and return its exit status; never raises but
    ``SystemExit`` from ``--help`` and usage errors.

    Called as the program (no ``argv``: the console script, ``python -m desktop_app``), a quick
    command runs as a one-shot process and ends the process itself (``one_shot``)."""
    program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    modules = modules_for(argv)
    one_shot = program and len(modules) == 1 and modules[0] in QUICK_COMMANDS.values()
    if one_shot:
        pause_collection()
    code = _main(argv, modules)
    return exit_now(code) if one_shot else code


def _main(argv: list[str], modules: Sequence[str]) -> int:
    from desktop_app.cli.failures import check_arguments, explain, quiet_broken_pipe, unexpected

    language, started = "en", _Started()
    try:
        check_arguments(argv)
        args = build_parser(modules).parse_args(argv)
        language = args.lang or "en"
        code = _run(args, started)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at interpreter exit
        return code
    except BrokenPipeError:
        quiet_broken_pipe()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        known = explain(exc)
        if known is not None:
            log.info("command failed: %s", known.message)
            emit_error(known.localized(language))
        else:
            from desktop_app.core.config import Settings

            emit_error(unexpected(exc, started.log_dir or Settings().data_dir / "logs", language))
        return EXIT_FAILURE


@dataclass
class _Started:
    """What a run learned before it failed: where its log file is (for the crash report)."""

    log_dir: Path | None = None


def _run(args: argparse.Namespace, started: _Started) -> int:
    from desktop_app.core.config import load_settings, unknown_variables
    from desktop_app.core.logsetup import configure_logging

    settings = load_settings()
    if args.kiosk:
        settings = replace(settings, kiosk=True)
    started.log_dir = settings.data_dir / "logs"
    configure_logging("DEBUG" if args.verbose else settings.log_level, started.log_dir,
                      console_level="DEBUG" if args.verbose else "WARNING")
    for warning in unknown_variables():
        log.warning(warning)
    if args.command is None:
        from desktop_app.ui.shell.main import run_window

        return run_window(settings, kiosk=args.kiosk or settings.kiosk)
    return int(args.func(args, settings) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
