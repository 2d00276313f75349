"""Speech-to-text speed per engine: cold load, real-time factor, end-of-speech → transcript, memory.

Run: .venv/bin/python benchmarks/voice.py [--runs 5] [--beams 5,1]
Each engine (and beam width) is measured in its own subprocess so load time is cold and peak
memory (ru_maxrss) is that engine's alone. The query is the ~3 s TIMIT sentence from
../shared/data/speech (en04) and a ~4 s Mandarin AISHELL clip (zh01).

End-of-speech → transcript = end-pointing hangover (stream time from the last speech frame to
the moment the end-pointer closes the utterance; Silero VAD, 600 ms silence rule) + the
end-pointer's compute for those frames + transcription of the utterance with language detection.
The machine is shared; read medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._table import percentile, print_table

if TYPE_CHECKING:
    import numpy as np

    from desktop_app.voice.vad import SpeechDetector, Utterance

SPEECH = ROOT.parent / "shared" / "data" / "speech"
QUERIES = {"en": SPEECH / "en" / "en04_LDC93S1.wav", "zh": SPEECH / "zh" / "zh01_BAC009S0764W0121.wav"}


def endpoint_hangover(samples: np.ndarray, detector: SpeechDetector) -> tuple[float, float, Utterance]:
    """Stream seconds from last speech frame to end-pointer firing, compute seconds, utterance."""
    import numpy as np

    from desktop_app.voice.vad import FRAME, Endpointer, Mode

    rng = np.random.default_rng(0)
    stream = np.concatenate([rng.normal(0, 3e-4, 4800), samples, rng.normal(0, 3e-4, 32000)]).astype(np.float32)
    ep = Endpointer(detector, Mode.HANDS_FREE)
    chunk = FRAME * 2  # 64 ms, a typical capture buffer
    compute = 0.0
    last_speech_frame_end = None
    for start in range(0, len(stream), chunk):
        t = time.perf_counter()
        out = ep.feed(stream[start:start + chunk])
        compute += time.perf_counter() - t
        if ep.speaking or ep._speech_frames:
            flags = ep._speech_flags
            if flags and flags[-1]:
                last_speech_frame_end = (start + chunk) / 16_000
        if finals := [u for u in out if not u.tentative]:
            fired = (start + chunk) / 16_000
            return fired - (last_speech_frame_end or fired), compute, finals[0]
    raise RuntimeError("the end-pointer never closed the utterance")


def worker(engine: str, beam: int, runs: int) -> dict[str, object]:
    t0 = time.perf_counter()
    from desktop_app.core.config import load_settings
    from desktop_app.voice.audio import load_audio
    from desktop_app.voice.engines import create_transcriber
    from desktop_app.voice.settings import load_voice_settings
    from desktop_app.voice.vad import SileroDetector

    transcriber = create_transcriber(engine, load_settings(), voice=load_voice_settings(env={}, stt_beam_size=beam))
    load_s = time.perf_counter() - t0
    result: dict[str, object] = {"engine": engine, "beam": beam, "load_s": load_s}
    detector = SileroDetector()
    for lang, path in QUERIES.items():
        clip = load_audio(path)
        transcriber.transcribe(clip)  # warm-up (first call allocates)
        rtf, latency, hang = [], [], []
        text = ""
        for _ in range(runs):
            hangover, vad_s, utterance = endpoint_hangover(clip.samples, detector)
            t = time.perf_counter()
            tr = transcriber.transcribe(utterance.samples)
            stt = time.perf_counter() - t
            text = tr.text
            rtf.append(stt / (len(utterance.samples) / 16_000))
            hang.append(hangover)
            latency.append(hangover + vad_s + stt)
        result[lang] = {"rtf": rtf, "latency": latency, "hangover": hang, "text": text,
                        "duration": clip.duration}
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--beams", default="5,1", help="beam widths to compare, e.g. 5,1")
    parser.add_argument("--engines", default="faster-whisper,openai-whisper")
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "BEAM"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), args.runs), ensure_ascii=False))
        return
    missing = [p for p in QUERIES.values() if not p.is_file()]
    if missing:
        raise SystemExit(f"speech clips not found: {', '.join(map(str, missing))}")
    rows, texts = [], []
    for engine in args.engines.split(","):
        for beam in (int(b) for b in args.beams.split(",")):
            proc = subprocess.run([sys.executable, __file__, "--worker", engine, str(beam), "--runs", str(args.runs)],
                                  capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=1800)
            if proc.returncode != 0:
                raise SystemExit(f"{engine} failed: {proc.stderr.strip().splitlines()[-1:]}")
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            for lang in QUERIES:
                m = r[lang]
                rows.append([f"{engine} b{beam} {lang} ({m['duration']:.1f}s)", statistics.median(m["rtf"]),
                             statistics.median(m["hangover"]) * 1000, statistics.median(m["latency"]) * 1000,
                             percentile(m["latency"], 95) * 1000, r["load_s"], r["peak_mib"]])
                texts.append(f"{engine} b{beam} {lang}: {m['text']}")
    print(f"{os.cpu_count()} CPUs, {args.runs} runs each; latency = end-of-speech → transcript")
    print_table(["engine / query", "RTF p50", "hangover ms", "latency p50 ms", "latency p95 ms", "cold load s",
                 "peak MiB"], rows)
    print()
    print("\n".join(texts))


if __name__ == "__main__":
    main()
