"""Order operations: `desktop-app orders cancel | address | urge` and `refunds`."""

from __future__ import annotations

import argparse

from desktop_app.cli.common import AddCommand, SubParsers


def register_orders(orders: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Sub-commands under ``desktop-app orders``."""


def register(sub: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Top-level sub-commands."""
