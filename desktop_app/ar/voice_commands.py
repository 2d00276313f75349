"""Map spoken or typed phrases ("next step", "下一步", "第三步") to guide-player commands.

The speech recogniser hands over a transcript; this module decides if it is a player command
so the same words work from the microphone, the keyboard chat box and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.ar.player import GuidePlayer
from desktop_app.core.text import clean_text


class Command(StrEnum):
    NEXT = "next"
    PREVIOUS = "previous"
    REPLAY = "replay"
    PLAY_ALL = "play_all"
    PAUSE = "pause"
    FASTER = "faster"
    SLOWER = "slower"
    GOTO = "goto"


@dataclass(frozen=True)
class PlayerCommand:
    command: Command
    step: int | None = None  # 1-based, for GOTO


_PHRASES: tuple[tuple[Command, tuple[str, ...]], ...] = (
    (Command.PREVIOUS, ("previous", "go back", "back", "last step", "上一步", "上一个", "返回", "后退")),
    (Command.NEXT, ("next", "continue", "forward", "下一步", "下一个", "继续", "下一")),
    (Command.REPLAY, ("replay", "again", "repeat", "重播", "再来一遍", "再放一遍", "重放", "再看一遍")),
    (Command.PLAY_ALL, ("play all", "play everything", "全部播放", "播放全部", "从头播放", "自动播放")),
    (Command.PAUSE, ("pause", "stop", "wait", "暂停", "停止", "等一下")),
    (Command.FASTER, ("faster", "speed up", "快一点", "加快", "快点")),
    (Command.SLOWER, ("slower", "slow down", "慢一点", "减慢", "慢点")),
)
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_GOTO_EN = re.compile(r"\b(?:go to |show )?step (\d{1,2})\b")
_GOTO_ZH = re.compile(r"第\s*([0-9一二两三四五六七八九十]{1,3})\s*步")


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _ZH_DIGITS.get(text[1:], 0)
    if text.endswith("十") and len(text) == 2:
        return _ZH_DIGITS.get(text[0], 0) * 10
    if len(text) == 3 and text[1] == "十":
        return _ZH_DIGITS.get(text[0], 0) * 10 + _ZH_DIGITS.get(text[2], 0)
    return _ZH_DIGITS.get(text)


def parse_command(text: str) -> PlayerCommand | None:
    """The player command ``text`` asks for, or None if it is not one."""
    phrase = clean_text(text, max_chars=200).lower().strip(" .!?。！？")
    if not phrase:
        return None
    for pattern, conv in ((_GOTO_EN, int), (_GOTO_ZH, _zh_number)):
        m = pattern.search(phrase)
        if m:
            n = conv(m.group(1))
            if n:
                return PlayerCommand(Command.GOTO, n)
    for command, words in _PHRASES:
        if any(re.search(rf"\b{re.escape(w)}\b", phrase) if w.isascii() else w in phrase for w in words):
            return PlayerCommand(command)
    return None


def apply_command(player: GuidePlayer, cmd: PlayerCommand) -> bool:
    """Run ``cmd`` on ``player``; False when it cannot be done (e.g. no next step)."""
    if cmd.command is Command.NEXT:
        return player.next()
    if cmd.command is Command.PREVIOUS:
        return player.previous()
    if cmd.command is Command.GOTO:
        return cmd.step is not None and player.goto(cmd.step - 1)
    actions = {Command.REPLAY: player.replay, Command.PLAY_ALL: player.start_play_all,
               Command.PAUSE: player.pause, Command.FASTER: player.faster, Command.SLOWER: player.slower}
    actions[cmd.command]()
    return True
