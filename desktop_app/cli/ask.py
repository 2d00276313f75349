"""``desktop-app ask``: the assistant from the command line, for QA teams and scripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli.one_shot import resume_collection
from desktop_app.cli.output import emit_json, to_jsonable
from desktop_app.core.errors import InvalidInput
from desktop_app.core.text import clean_text, undecodable
from desktop_app.service.types import FactCard

if TYPE_CHECKING:  # the command imports only what answering needs (tests/test_startup_ask.py)
    from desktop_app.core.config import Settings
    from desktop_app.dialogue.pipeline import Assistant
    from desktop_app.dialogue.turn import Exchange


def exchange_json(ex: Exchange) -> dict[str, object]:
    t, r = ex.turn, ex.reply
    return {
        "text": t.text,
        "language": t.language,
        # The task the turn served: "手机后四位6630" answering the refund question is refund_status,
        # "要黑色的" after a search is product_search. What the words alone said is understood_intent.
        "intent": r.intent or t.intent.value,
        "understood_intent": t.intent.value,
        "confidence": round(t.confidence, 4),
        "is_confident": t.is_confident,
        "secondary_intents": [i.value for i, _ in t.secondary_intents],
        "entities": [{"kind": e.kind.value, "value": e.value, "key": e.key, "partial": e.partial,
                      "confidence": round(e.confidence, 4)} for e in t.entities],
        "emotion": {"label": t.emotion.label.value, "intensity": round(t.emotion.intensity, 3)},
        "modalities": list(ex.fused.modalities),
        "explanation": t.explanation,
        "reply": {
            "language": r.language,
            "text": r.text,
            "outcome": r.outcome.value,
            "actions": [a.value for a in r.actions],
            "filters": list(r.filters),
            "suggestions": list(r.suggestions),
            "cards": [_card_json(c, r.language) for c in r.cards],
            "ticket": to_jsonable(r.ticket) if r.ticket else None,
        },
    }


def _card_json(card: object, language: str) -> dict[str, object]:
    out: dict[str, object] = {"type": type(card).__name__, "data": to_jsonable(card)}
    if isinstance(card, FactCard):
        out["title"], out["lines"] = card.card_title(language), list(card.card_lines(language))
    return out


def _print_reply(ex: Exchange) -> None:
    print(ex.reply.text)
    for card in ex.reply.cards:
        if isinstance(card, FactCard):
            print(f"  [{card.card_title(ex.reply.language)}] " + " · ".join(card.card_lines(ex.reply.language)))
    if ex.reply.filters:
        print("  [" + " · ".join(ex.reply.filters) + "]")


def _check_question(text: str, where: str = "") -> None:
    """Refuse a question that is blank or not text before any session exists: a refused question
    must leave no empty conversation behind."""
    if undecodable(text):
        raise InvalidInput(f"The question{where} is not valid UTF-8 text.", message_zh=f"问题{where}不是有效的 UTF-8 文本。")
    if not clean_text(text):
        raise InvalidInput(f"The question{where} is empty.", message_zh=f"问题{where}为空。")


def _batch_lines(args: argparse.Namespace) -> list[str]:
    try:
        text = sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read {args.batch}: {exc.__class__.__name__}.",
                           message_zh=f"无法读取 {args.batch}：{exc.__class__.__name__}。") from None
    lines = [line for line in text.splitlines() if line.strip()]
    for n, line in enumerate(lines, start=1):
        _check_question(line, f" on line {n}")
    return lines


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if sum(map(bool, (args.text, args.batch, args.audio))) != 1:
        raise InvalidInput("Give exactly one of TEXT, --batch FILE or --audio FILE.",
                           message_zh="请只给出问题文本、--batch 文件或 --audio 文件中的一项。")
    if args.text:
        _check_question(" ".join(args.text))
    lines = _batch_lines(args) if args.batch else []
    from desktop_app.app import build_app

    app = build_app(settings)
    try:
        return _answer(args, app.assistant, lines, settings)
    finally:
        app.close()  # the store's connections closed, its write-ahead log folded back, whatever the exit


def _answer(args: argparse.Namespace, assistant: Assistant, lines: list[str], settings: Settings) -> int:
    language = args.lang or settings.language
    if args.audio:
        from desktop_app.voice.engines import create_transcriber
        from desktop_app.voice.transcriber import transcribe_file

        transcript = transcribe_file(create_transcriber(args.engine, settings), args.audio, language=args.lang)
        st = assistant.new_session(language=transcript.language, customer_code=args.customer)
        ex = assistant.ask_voice(st, transcript)
        if args.json:
            data = exchange_json(ex)
            data["transcript"] = {"text": transcript.text, "language": transcript.language,
                                  "confidence": round(transcript.confidence, 4), "engine": transcript.engine,
                                  "seconds": round(transcript.seconds, 3)}
            emit_json(data)
        else:
            print(f"» {transcript.text}")
            _print_reply(ex)
        return 0
    if args.text:
        st = assistant.new_session(language=language, customer_code=args.customer)
        ex = assistant.ask(st, " ".join(args.text))
        emit_json(exchange_json(ex)) if args.json else _print_reply(ex)
        return 0
    resume_collection()  # many answers in one process: collect their garbage (one_shot)
    shared = assistant.new_session(language=language, customer_code=args.customer) if args.session else None
    for line in lines:
        st = shared or assistant.new_session(language=language, customer_code=args.customer)
        ex = assistant.ask(st, line)
        emit_json(exchange_json(ex)) if args.json else _print_reply(ex)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ask", help="ask the assistant (text in, reply out)")
    p.add_argument("text", nargs="*", help="the question")
    p.add_argument("--batch", metavar="FILE", help="one utterance per line ('-' for stdin); JSON lines with --json")
    p.add_argument("--session", action="store_true", help="with --batch: one conversation for all lines")
    p.add_argument("--audio", metavar="FILE", help="answer a spoken question from an audio file")
    p.add_argument("--engine", choices=("faster-whisper", "openai-whisper"), help="speech engine for --audio")
    p.add_argument("--customer", metavar="CODE", help="signed-in customer (laptop mode)")
    p.add_argument("--json", action="store_true", help="print the fused query and the reply as JSON")
    p.set_defaults(func=cmd_ask)
