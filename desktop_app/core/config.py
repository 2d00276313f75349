"""Typed configuration in one place.

Every setting reads from an environment variable with the ``DESKTOP_APP_`` prefix so a kiosk
fleet can be configured without touching files; every default works offline on a laptop.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir, user_data_dir

from desktop_app.core.errors import ConfigError

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
    #: With the demo store, also seed four weeks of service history (conversations, complaints, agents'
    #: tickets, ratings, guide step times) so the merchant's figures are not empty; off for a bare catalogue.
    demo_history: bool = True
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


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LANGUAGES = ("zh", "en")
STT_ENGINES = ("faster-whisper", "openai-whisper")
#: Inclusive bounds of the numeric settings: a value outside them is a typo, never a wish (a
#: retention of -1 days would purge every conversation; 0 threads would hang the recogniser).
RANGES: dict[str, tuple[float, float]] = {
    "retention_days": (1, 3650),
    "demo_seed": (0, 2**32 - 1),
    "stt_beam_size": (1, 10),
    "stt_threads": (1, 64),
    "stt_window_s": (5, 30),
    "idle_timeout_s": (10, 86_400),
}
CHOICES: dict[str, tuple[str, ...]] = {"log_level": LOG_LEVELS, "language": LANGUAGES, "stt_engine": STT_ENGINES}
#: Demo dates outside this span are typos (the demo store spreads orders over the year before it).
_DEMO_YEARS = (1990, 2100)
_DB_SCHEMES = ("sqlite", "postgresql")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
#: Variables with the prefix that are not settings but are read elsewhere (the test suite's PostgreSQL).
OTHER_VARIABLES = frozenset({ENV_PREFIX + "PG_BIN"})


def _problem(key: str, en: str, zh: str) -> ConfigError:
    return ConfigError(f"{key}: {en}", message_zh=f"{key}：{zh}")


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


_KINDS = {"bool": ("a boolean (yes/no, 1/0)", "布尔值（yes/no、1/0）"), "int": ("a whole number", "整数"),
          "float": ("a number", "数字")}


def _read(key: str, raw: str, target: Any) -> Any:
    """One variable's value in its field's type, or a ConfigError naming the variable."""
    if any("\ud800" <= ch <= "\udfff" for ch in raw) or "\x00" in raw:
        raise _problem(key, "the value is not valid UTF-8 text.", "取值不是有效的 UTF-8 文本。")
    try:
        return _coerce(raw, target)
    except ValueError:
        kind_en, kind_zh = _KINDS.get(str(getattr(target, "__name__", target)), ("a value", "取值"))
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise _problem(key, f"expected {kind_en}, got {shown!r}.", f"应为{kind_zh}，实际为 {shown!r}。") from None


def _check_value(name: str, key: str, value: Any) -> Any:
    """Range, choice and format checks of one setting read from the environment; returns it normalised."""
    if name in RANGES:
        low, high = RANGES[name]
        if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
            lo, hi = (f"{int(b)}" if float(b).is_integer() else f"{b}" for b in (low, high))
            raise _problem(key, f"must be from {lo} to {hi}, got {value!r}.", f"取值范围为 {lo} 到 {hi}，实际为 {value!r}。")
    if name in CHOICES:
        value = value.strip().upper() if name == "log_level" else value.strip().lower()
        if value not in CHOICES[name]:
            choices = ", ".join(CHOICES[name])
            raise _problem(key, f"expected one of {choices}, got {value!r}.", f"应为 {choices} 之一，实际为 {value!r}。")
    if name == "demo_today":
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise _problem(key, f"expected an ISO date (YYYY-MM-DD), got {value!r}.",
                           f"应为 ISO 日期（YYYY-MM-DD），实际为 {value!r}。") from None
        if not _DEMO_YEARS[0] <= day.year <= _DEMO_YEARS[1]:
            raise _problem(key, f"the year must be from {_DEMO_YEARS[0]} to {_DEMO_YEARS[1]}.",
                           f"年份须在 {_DEMO_YEARS[0]} 到 {_DEMO_YEARS[1]} 之间。")
        value = day.isoformat()
    if name == "db_url" and value.split(":", 1)[0].split("+", 1)[0].lower() not in _DB_SCHEMES:
        raise _problem(key, "expected a sqlite:/// or postgresql:// URL.", "应为 sqlite:/// 或 postgresql:// 地址。")
    if name == "demo_customer" and not _CODE.match(value):
        raise _problem(key, "expected a customer code such as C001.", "应为顾客编号，例如 C001。")
    if name == "operator_pin" and value.strip() and not 4 <= len(value.strip()) <= 64:
        raise _problem(key, "a PIN has 4 to 64 characters.", "PIN 须为 4 到 64 个字符。")
    if name == "microphone" and len(value) > 200:
        raise _problem(key, "at most 200 characters.", "最多 200 个字符。")
    return value


def _check_path(name: str, key: str, path: Path) -> None:
    """Paths that cannot work are refused before anything is created or written."""
    if name in ("data_dir", "cache_dir", "assets_dir"):
        if path.exists() and not path.is_dir():
            raise _problem(key, f"{path} is a file, not a directory.", f"{path} 是文件，不是目录。")
        if name == "assets_dir" and not path.is_dir():
            raise _problem(key, f"no directory {path}.", f"目录 {path} 不存在。")
        blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocked is not None:
            raise _problem(key, f"{blocked} is a file, not a directory.", f"{blocked} 是文件，不是目录。")
    elif name == "key_file":
        if path.is_dir():
            raise _problem(key, f"{path} is a directory, not a key file.", f"{path} 是目录，不是密钥文件。")
        if path.parent.exists() and not path.parent.is_dir():
            raise _problem(key, f"{path.parent} is a file, not a directory.", f"{path.parent} 是文件，不是目录。")
    elif name in ("policy_file", "whisper_pt") and not path.is_file():
        raise _problem(key, f"no file {path}.", f"文件 {path} 不存在。")


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read ``DESKTOP_APP_*`` variables over the defaults; keyword overrides win over both.

    Every variable that is set is checked here (type, range, choices, paths), so a typo stops the
    start with one line naming the variable instead of failing later, half-way through a write.
    Keyword overrides come from code (tests, the window's own choices) and are taken as given.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(Settings):
        key = ENV_PREFIX + f.name.upper()
        if key in env and env[key] != "":
            value = _check_value(f.name, key, _read(key, env[key], f.type))
            if isinstance(value, Path):
                try:
                    _check_path(f.name, key, value)
                except OSError as exc:
                    raise _problem(key, f"cannot use {value}: {exc.strerror}.", f"无法使用 {value}：{exc.strerror}。") from None
            values[f.name] = value
    settings = replace(Settings(), **values)
    return replace(settings, **overrides) if overrides else settings


def unknown_variables(env: Mapping[str, str] | None = None) -> list[str]:
    """One warning per ``DESKTOP_APP_*`` variable that no setting reads, naming the closest known
    one: ``DESKTOP_APP_KEYFILE`` would otherwise be ignored without a word and a new key made."""
    env = os.environ if env is None else env
    known = {ENV_PREFIX + f.name.upper() for f in fields(Settings)} | OTHER_VARIABLES
    warnings = []
    suffixes = sorted(k.removeprefix(ENV_PREFIX) for k in known)
    for key in sorted(k for k in env if k.startswith(ENV_PREFIX) and k not in known):
        close = difflib.get_close_matches(key.removeprefix(ENV_PREFIX).upper(), suffixes, n=1, cutoff=0.6)
        hint = f"; did you mean {ENV_PREFIX}{close[0]}?" if close else ""
        warnings.append(f"{ascii(key)[1:-1]} is not a setting of this app and is ignored{hint}")
    return warnings
