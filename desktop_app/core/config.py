"""Typed configuration in one place.

Every setting reads from an environment variable with the ``DESKTOP_APP_`` prefix so a kiosk
fleet can be configured without touching files; every default works offline on a laptop.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir, user_data_dir

ENV_PREFIX = "DESKTOP_APP_"
APP_NAME = "desktop-app"


def _default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def _default_cache_dir() -> Path:
    return Path(user_cache_dir(APP_NAME, appauthor=False))


def _default_assets_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "assets"


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`load_settings` rather than by hand."""

    data_dir: Path = field(default_factory=_default_data_dir)
    cache_dir: Path = field(default_factory=_default_cache_dir)
    #: Bundled models and 3D guides (``assets/`` beside the package in a checkout).
    assets_dir: Path = field(default_factory=_default_assets_dir)
    #: SQLAlchemy URL; empty means SQLite in ``data_dir`` (a kiosk chain may point at PostgreSQL).
    db_url: str = ""
    #: Fernet key file for conversation text; kept outside the database, mode 0600.
    key_file: Path | None = None
    log_level: str = "INFO"
    #: Conversations and messages older than this are purged.
    retention_days: int = 90
    #: Seed the demo store on first start when the database is empty.
    seed_demo: bool = True
    demo_seed: int = 20261125
    #: "today" for the demo store; fixed so windows and timelines are reproducible.
    demo_today: str = "2026-11-20"
    language: str = "zh"
    kiosk: bool = False
    #: Speech-to-text engine: "faster-whisper" (default: faster, a third of the memory) or "openai-whisper".
    stt_engine: str = "faster-whisper"
    #: A user's own openai-whisper checkpoint (e.g. ~/.cache/whisper/small.pt); unset: the bundled model.
    whisper_pt: Path | None = None
    #: Keep recordings of voice queries on disk; off unless the user opts in.
    store_audio: bool = False
    #: Microphone: an input device's id or part of its name; empty: the system's default input.
    microphone: str = ""
    stt_beam_size: int = 5
    stt_threads: int = 2
    #: Encoder window for short voice queries, seconds (30: Whisper's full window; slower).
    stt_window_s: float = 10.0
    #: Kiosk: seconds without touch, key, speech or parts in view before the session is wiped.
    idle_timeout_s: int = 90
    #: Kiosk: PIN that unlocks settings and files; empty keeps them locked.
    operator_pin: str = ""
    #: The store's after-sales rules (TOML); unset: ``assets/policy/store_policy.toml``.
    policy_file: Path | None = None
    #: Laptop: the demo customer signed in at start (their history drives recommendations).
    demo_customer: str = "C001"

    @property
    def resolved_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'store.sqlite3'}"

    @property
    def resolved_policy_file(self) -> Path:
        return self.policy_file or (self.assets_dir / "policy" / "store_policy.toml")

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or (self.data_dir / "secrets" / "conversation.key")


def _coerce(raw: str, target: Any) -> Any:
    if target in (bool, "bool"):
        value = raw.strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected a boolean, got {raw!r}")
    if target in (int, "int"):
        return int(raw)
    if target in (float, "float"):
        return float(raw)
    if target in (Path, "Path", "Path | None"):
        return Path(raw).expanduser()
    return raw


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read ``DESKTOP_APP_*`` variables over the defaults; keyword overrides win over both."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(Settings):
        key = ENV_PREFIX + f.name.upper()
        if key in env and env[key] != "":
            try:
                values[f.name] = _coerce(env[key], f.type)
            except ValueError as exc:
                from desktop_app.core.errors import ConfigError

                raise ConfigError(f"{key}: {exc}") from exc
    settings = replace(Settings(), **values)
    return replace(settings, **overrides) if overrides else settings
