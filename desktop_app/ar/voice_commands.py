"""Map spoken or typed phrases ("next step", "下一步", "第三步") to guide-player commands.

The speech recogniser hands over a transcript; this module decides if it is a player command
so the same words work from the microphone, the keyboard chat box and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.ar.player import GuidePlayer
from desktop_app.core.errors import AppError
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
    step: int | None = None  # 1-based, for GOTO (0 or past the end when that is what was asked)


_PHRASES: tuple[tuple[Command, tuple[str, ...]], ...] = (
    (Command.PREVIOUS, ("previous", "go back", "back", "last step", "上一步", "上一个", "返回", "后退")),
    (Command.NEXT, ("next", "continue", "forward", "下一步", "下一个", "继续", "下一")),
    (Command.REPLAY, ("replay", "again", "repeat", "重播", "再来一遍", "再放一遍", "重放", "再看一遍")),
    (Command.PLAY_ALL, ("play all", "play everything", "全部播放", "播放全部", "从头播放", "自动播放")),
    (Command.PAUSE, ("pause", "stop", "wait", "暂停", "停止", "等一下")),
    (Command.FASTER, ("faster", "speed up", "快一点", "加快", "快点")),
    (Command.SLOWER, ("slower", "slow down", "慢一点", "减慢", "慢点")),
)
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_EN_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_EN_ORDINALS = {w: n for n, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_EN_NUMBER = r"\d{1,3}|" + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))
_GOTO_EN = (
    re.compile(rf"\b(?:go to |jump to |skip to |show (?:me )?)?step (?:number )?({_EN_NUMBER})\b"),
    re.compile(rf"\b(?:the )?({'|'.join(sorted(_EN_ORDINALS, key=len, reverse=True))}|\d{{1,3}}(?:st|nd|rd|th)) step\b"),
)
# 步 is "step"; speech recognisers often write its homophone 部 for a spoken "第三步".
_GOTO_ZH = re.compile(r"第\s*([0-9零〇一二两三四五六七八九十百]{1,5})\s*[步部]")


def _zh_number(text: str) -> int | None:
    """1..999 written in digits or Chinese numerals ("三", "十二", "二十", "一百零五")."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in "十百":
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


def _en_number(text: str) -> int | None:
    text = re.sub(r"(?<=\d)(st|nd|rd|th)$", "", text)
    if text.isdigit():
        return int(text)
    return _EN_NUMBERS.get(text, _EN_ORDINALS.get(text))


def parse_command(text: str) -> PlayerCommand | None:
    """The player command ``text`` asks for, or None if it is not one.

    "Step 0" or "第零步" is still a step request (GOTO with step 0), so the caller can say which
    steps exist instead of sending the words to the assistant as a question.
    """
    phrase = clean_text(text, max_chars=200).lower().strip(" .!?。！？")
    if not phrase:
        return None
    for pattern, conv in ((_GOTO_EN[0], _en_number), (_GOTO_EN[1], _en_number), (_GOTO_ZH, _zh_number)):
        m = pattern.search(phrase)
        if m:
            n = conv(m.group(1))
            if n is not None:
                return PlayerCommand(Command.GOTO, n)
    for command, words in _PHRASES:
        if any(re.search(rf"\b{re.escape(w)}\b", phrase) if w.isascii() else w in phrase for w in words):
            return PlayerCommand(command)
    return None


class NoSuchStep(AppError):
    """A step number the open guide does not have ("step 40" in a 7-step guide)."""

    def __init__(self, asked: int, step_count: int) -> None:
        super().__init__(f"This guide has {step_count} steps; say a step from 1 to {step_count}.",
                         message_zh=f"本指南共 {step_count} 步，请说第 1 到第 {step_count} 步。")
        self.asked = asked
        self.step_count = step_count


def check_command(cmd: PlayerCommand, step_count: int) -> NoSuchStep | None:
    """Why ``cmd`` cannot be done on a guide of ``step_count`` steps, or None if it can."""
    if cmd.command is Command.GOTO and not (cmd.step is not None and 1 <= cmd.step <= step_count):
        return NoSuchStep(cmd.step or 0, step_count)
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
