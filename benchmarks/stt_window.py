"""Whisper's encoder window for short queries: accuracy and time, 30 s against shorter windows.

Run: .venv/bin/python benchmarks/stt_window.py [--queries 30] [--windows 30,10,15,20]

The encoder's cost follows the window it is given, not the speech in it, and Whisper always pads
to 30 s; CTranslate2 accepts fewer frames. This measures what a shorter window costs in words.
Inputs, transcribed with the language fixed (as the microphone does):
  * the real recordings in ../shared/data/speech (two English, two Mandarin);
  * N English questions drawn (seed 1) from the NLU held-out set (desktop_app/nlu/data/dev_en.tsv),
    spoken by espeak-ng (its Mandarin voice reads tone numbers, so Mandarin has only the real clips).
Clips longer than a window minus 1 s of silence use the full window, as the app does; "second
looks" counts the unsure readings the engine read again in the full window (included in the time).
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks._table import percentile, print_table


def queries(n: int, workdir: Path) -> list[tuple[str, Path, str, str]]:
    from voice_audio import speech_clips

    from desktop_app.nlu.classifier import load_examples

    examples = load_examples(("dev_en.tsv",))
    random.Random(1).shuffle(examples)
    items = []
    for i, example in enumerate(examples[:n]):
        wav = workdir / f"en{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), example.text], check=True)
        items.append((f"espeak en{i}", wav, "en", example.text))
    items += [(clip.path.name, clip.path, clip.language, clip.reference) for clip in speech_clips()]
    return items


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--queries", type=int, default=30)
    p.add_argument("--windows", default="30,10,15,20")
    args = p.parse_args()
    from voice_audio import edit_distance, units

    from desktop_app.core.config import load_settings
    from desktop_app.voice.audio import load_audio
    from desktop_app.voice.engine_faster import FasterWhisperTranscriber
    from desktop_app.voice.model_files import ensure_ct2_model
    from desktop_app.voice.transcriber import DecodeOptions

    class Count(logging.Handler):
        """Counts the engine's second, full-window looks at unsure readings."""

        seen = 0

        def emit(self, record: logging.LogRecord) -> None:
            self.seen += record.getMessage().startswith("unsure in the")

    engine_log = logging.getLogger("desktop_app.voice.engine_faster")
    engine_log.setLevel(logging.DEBUG)
    windows = [float(w) for w in args.windows.split(",")]
    model_dir = ensure_ct2_model(load_settings().cache_dir)
    engines = {w: FasterWhisperTranscriber(model_dir, options=DecodeOptions(encoder_window_s=w)) for w in windows}
    with tempfile.TemporaryDirectory() as tmp:
        items = [(name, load_audio(path), lang, ref) for name, path, lang, ref in queries(args.queries, Path(tmp))]
    edits = {w: {"en": [0, 0], "zh": [0, 0]} for w in windows}
    seconds: dict[float, list[float]] = {w: [] for w in windows}
    second_looks = {w: Count() for w in windows}
    for _name, clip, lang, ref in items:
        for w in windows:  # interleaved, so a busy spell on the machine hits every window alike
            engine_log.addHandler(second_looks[w])
            start = time.perf_counter()
            text = engines[w].transcribe(clip, language=lang).text
            seconds[w].append(time.perf_counter() - start)
            engine_log.removeHandler(second_looks[w])
            reference = units(ref, lang)
            edits[w][lang][0] += edit_distance(reference, units(text, lang))
            edits[w][lang][1] += len(reference)
    base = statistics.median(seconds[windows[0]])
    rows = []
    for w in windows:
        en, zh = edits[w]["en"], edits[w]["zh"]
        med = statistics.median(seconds[w])
        rows.append([f"{w:g} s", len(seconds[w]), f"{en[0]}/{en[1]} = {en[0] / max(en[1], 1):.1%}",
                     f"{zh[0]}/{zh[1]} = {zh[0] / max(zh[1], 1):.1%}", med * 1000, percentile(seconds[w], 95) * 1000,
                     f"{base / med:.2f}x", second_looks[w].seen])
    print_table(["encoder window", "clips", "English WER", "Mandarin CER", "p50 ms", "p95 ms", "speed-up",
                 "second looks"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
