"""Turning service results into JSON or readable lines for the terminal."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from desktop_app.core.errors import InvalidInput


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def emit_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), ensure_ascii=False))


#: A failure line longer than this is cut: it names the problem, it does not quote the input back.
MAX_ERROR_CHARS = 500


def one_line(message: str) -> str:
    """``message`` as a single line of at most ``MAX_ERROR_CHARS`` characters that any terminal can
    print (undecodable bytes escaped, newlines folded): a failure is always exactly one line."""
    text = " ".join(message.split())
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def emit_error(message: str, *, prog: str = "desktop-app") -> None:
    """The one line a failed command prints on stderr."""
    print(f"{prog}: {one_line(message)}", file=sys.stderr)


def check_out_file(path: Path, suffixes: tuple[str, ...]) -> Path:
    """Refuse an ``--out`` the command could not write, before any work is done: a wrong extension
    (an image writer picks its format from it), a directory, a parent that is a file."""
    if path.suffix.lower() not in suffixes:
        allowed = ", ".join(suffixes)
        raise InvalidInput(f"--out must end in {allowed}, got {path.name!r}.",
                           message_zh=f"--out 的文件名须以 {allowed} 结尾，实际为 {path.name!r}。")
    if path.is_dir():
        raise InvalidInput(f"--out {path} is a directory.", message_zh=f"--out {path} 是目录。")
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise InvalidInput(f"--out: {blocked} is a file, not a directory.", message_zh=f"--out：{blocked} 是文件，不是目录。")
    return path
