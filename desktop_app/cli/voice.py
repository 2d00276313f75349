"""``desktop-app transcribe FILE...``: speech files to text with the bundled Whisper model.

The model loads once per call, however many files, and only once a file has passed its checks
(a 10-minute recording is refused from its header without loading anything). A file that cannot
be transcribed (0 bytes, truncated, too long, silent, not audio…) gets one clear line on stderr
— and, with ``--json``, a JSON line with an ``error`` field so output stays one line per file —
and the rest still run; the exit status is non-zero if any file failed. A missing or damaged
model ends the command with one line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from desktop_app.core.config import Settings
from desktop_app.core.errors import AppError
from desktop_app.voice.settings import ENGINES, load_voice_settings


def cmd_transcribe(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.voice.audio import load_audio
    from desktop_app.voice.engines import create_transcriber
    from desktop_app.voice.model_files import ModelError
    from desktop_app.voice.transcriber import Transcriber

    lang = args.lang or "en"
    transcriber: Transcriber | None = None
    load_seconds = 0.0
    failures = 0
    for path in args.files:
        try:
            clip = load_audio(path)  # bounds and bad input are refused before the model is loaded
            if transcriber is None:
                start = time.perf_counter()
                transcriber = create_transcriber(args.engine, settings, voice=load_voice_settings())
                load_seconds = time.perf_counter() - start
            t = transcriber.transcribe(clip, language=args.language)
        except ModelError:
            raise  # a missing or damaged model fails the whole command, in one line
        except AppError as exc:
            failures += 1
            print(f"desktop-app: {exc.localized(lang)}", file=sys.stderr)
            if args.json:
                print(json.dumps({"file": path, "error": exc.localized(lang), "kind": getattr(exc, "kind", exc.code)},
                                 ensure_ascii=False))
            continue
        if args.json:
            print(json.dumps({"file": path, "text": t.text, "language": t.language, "confidence": t.confidence,
                              "engine": t.engine, "seconds": t.seconds, "duration": t.duration,
                              "arousal": t.tone.arousal if t.tone else None}, ensure_ascii=False), flush=True)
        else:
            print(f"{path}\t[{t.language} {t.confidence:.2f} {t.seconds:.2f}s]\t{t.text}", flush=True)
    if args.verbose and transcriber is not None:
        print(f"model load {load_seconds:.2f}s ({transcriber.engine})", file=sys.stderr)
    return 1 if failures else 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("transcribe", help="transcribe speech files (Mandarin or English), offline")
    p.add_argument("files", nargs="+", metavar="FILE", help="audio files (wav, flac, mp3, ogg, m4a…)")
    p.add_argument("--engine", choices=ENGINES, default=None, help="speech engine (default: DESKTOP_APP_STT_ENGINE "
                   "or faster-whisper)")
    p.add_argument("--language", choices=("zh", "en"), default=None,
                   help="fix the spoken language (default: detect Mandarin or English)")
    p.add_argument("--json", action="store_true", help="one JSON line per file")
    p.set_defaults(func=cmd_transcribe)
