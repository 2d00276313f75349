"""Speech-to-text speed per engine: cold load, real-time factor, end-of-speech → transcript, memory.

Run: .venv/bin/python benchmarks/voice.py [--runs 5] [--beams 5,1]
     .venv/bin/python benchmarks/voice.py --live [--runs 3]   (hands-free turns, before/after; see live_main)
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
from typing import TYPE_CHECKING, Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._table import percentile, print_table

if TYPE_CHECKING:
    import numpy as np

    from desktop_app.voice.transcriber import Transcriber
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
    parser.add_argument("--live", action="store_true",
                        help="hands-free end of speech → first spoken word, the 600 ms pause against the live turn")
    args = parser.parse_args()
    if args.live:
        live_main(args.runs)
        return
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


# -- hands-free turns: the 600 ms pause against the live turn (partials, early end) ---------------

def _never_complete(text: str, language: str) -> bool:
    return False


#: mode → (live turn on, completeness rule). The third mode reads every pause as unfinished, as for
#: a customer whose words trail off ("广州市房地产…"): the 600 ms pause ends each turn, and the live
#: turn can only gain by having the transcript ready when it does.
LIVE_MODES: dict[str, tuple[bool, Any]] = {
    "before: 600 ms pause": (False, None),
    "after: live turn": (True, None),
    "after, words unfinished": (True, _never_complete),
}


def live_turn_run(path: Path, live: bool, transcriber: Transcriber, services: Any, marker: Path,
                  complete: Any = None, partial_worker: Any = None) -> dict[str, object]:
    """One hands-free turn from ``path`` played at real-time pace through the live turn, answered aloud.

    The clock starts when the chunk holding the last voiced sample (|x| > 0.02, as in
    benchmarks/e2e.py) is fed, and stops when the speaker starts its player for the reply's
    first sentence (the player writes a timestamp). In between: end-pointing, transcription,
    the dialogue's answer to the transcript and the synthesis of its first sentence. Each full
    transcription is timed too, so the turn's own (the one whose transcript the turn delivers)
    shows when it started and how long it took; "queued" is how long it waited for the worker.
    """
    import queue
    import re
    import threading
    from concurrent.futures import Future, ThreadPoolExecutor

    import numpy as np

    from desktop_app.voice.audio import load_audio
    from desktop_app.voice.live import LiveTurn, PartialTranscript
    from desktop_app.voice.transcriber import Transcript, partial_reader, transcribe_partial
    from desktop_app.voice.vad import Endpointer, EndReason, Mode, SileroDetector

    samples = load_audio(path).samples
    rng = np.random.default_rng(0)
    lead = rng.normal(0, 3e-4, 4800).astype(np.float32)
    stream = np.concatenate([lead, samples, rng.normal(0, 3e-4, 32_000).astype(np.float32)])
    voiced = np.flatnonzero(np.abs(samples) > 0.02)
    last_voiced = len(lead) + int(voiced[-1])
    events: queue.Queue[tuple[str, object]] = queue.Queue()
    partials: list[PartialTranscript] = []
    turns: list[tuple[Utterance, Future[Transcript]]] = []
    readings: list[tuple[float, float, float, Transcript]] = []  # (asked, started, done, transcript)
    asked: dict[int, float] = {}

    class TimedExecutor(ThreadPoolExecutor):
        """Notes when each transcription was asked for, to tell its wait in the queue from its work."""

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            if args:
                asked[id(args[0])] = time.time()
            return super().submit(fn, *args, **kwargs)

    def recognise(audio: np.ndarray) -> Transcript:
        started = time.time()
        result = transcriber.transcribe(audio)
        readings.append((asked.get(id(audio), started), started, time.time(), result))
        return result

    def recognise_partial(audio: np.ndarray) -> Transcript:
        return transcribe_partial(partial_reader(transcriber), audio)  # the twin, as the microphone reads them

    stt = TimedExecutor(max_workers=1)
    turn = LiveTurn(Endpointer(SileroDetector(), Mode.HANDS_FREE), stt, recognise,
                    post=lambda fn: events.put(("call", fn)), on_partial=partials.append,
                    recognise_partial=recognise_partial,
                    on_turn=lambda u, f: turns.append((u, f)), live=live, partial_executor=partial_worker,
                    **({"complete": complete} if complete is not None else {}))
    stop = threading.Event()

    def play() -> None:
        chunk, pace, due = 1024, 1024 / 16_000, time.monotonic()
        for start in range(0, len(stream), chunk):
            if stop.is_set():
                return
            events.put(("chunk", (start + chunk >= last_voiced > start, stream[start:start + chunk])))
            due += pace
            time.sleep(max(0.0, due - time.monotonic()))

    marker.write_text("")
    player = threading.Thread(target=play, daemon=True)
    player.start()
    speech_end = replied_at = None
    transcript: Transcript | None = None
    deadline = time.monotonic() + len(stream) / 16_000 + 30
    while time.monotonic() < deadline and transcript is None:
        try:
            kind, payload = events.get(timeout=0.01)
        except queue.Empty:
            continue
        if kind == "chunk":
            is_last, chunk_samples = cast("tuple[bool, np.ndarray]", payload)
            turn.feed(chunk_samples)
            if is_last:
                speech_end = time.time()
        else:
            payload()  # type: ignore[operator]
        if turns and turns[0][1].done():
            transcript = turns[0][1].result()
            replied_at = time.time()
    stop.set()
    if transcript is None or speech_end is None:
        raise RuntimeError(f"{path.name}: no turn ended ({len(turns)} turns)")
    assistant = services.assistant
    exchange = assistant.ask_voice(assistant.new_session(language=transcript.language), transcript)
    answered = time.time()
    first = next(s.strip() for s in re.split(r"(?<=[.!?。！？；;])\s*", exchange.reply.speech) if s.strip())
    services.speaker.say(first, exchange.reply.language)
    while not marker.read_text().strip():
        if time.time() > float(replied_at or 0) + 30:
            raise RuntimeError("the speaker never started")
        time.sleep(0.002)
    spoken = float(marker.read_text().split()[0])
    player.join()
    stt.shutdown(wait=True)
    own = next(r for r in readings if r[3] is transcript)
    return {"first_word": spoken - speech_end, "turn": float(replied_at or 0) - speech_end, "text": transcript.text,
            "early": turns[0][0].ended_by is EndReason.COMPLETE, "partials": len(partials),
            "asked": own[0] - speech_end, "queued": own[1] - own[0], "read": own[2] - own[1],
            "reply": answered - float(replied_at or 0), "speak": spoken - answered}


def live_main(runs: int) -> None:
    """All modes on the real recordings that are one query, interleaved, in this one process: p50 side by side."""
    import tempfile
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "tests"))
    from voice_audio import error_rate, speech_clips

    from desktop_app.app import build_app
    from desktop_app.core.config import load_settings
    from desktop_app.voice.audio import load_audio
    from desktop_app.voice.completeness import warm
    from desktop_app.voice.engines import create_transcriber
    from desktop_app.voice.priority import lower_thread_priority
    from desktop_app.voice.transcriber import partial_reader
    from desktop_app.voice.tts import Speaker

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"{runs} runs per clip and mode, interleaved")
    # The short recordings are queries; JFK's 11 s speech pauses 0.6 s between clauses, so even the
    # 600 ms rule splits it into turns (tests/test_voice_live.py plays it for the mid-sentence pauses).
    clips = [c for c in speech_clips() if load_audio(c.path).duration < 9]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env={}, data_dir=Path(tmp) / "data")
        app = build_app(settings)
        marker = Path(tmp) / "first-word.txt"
        speaker = Speaker(player=("sh", "-c", 'date +%s.%N >> "$0"', str(marker)))
        services = SimpleNamespace(assistant=app.assistant, speaker=speaker)
        transcriber = create_transcriber(settings=settings)
        transcriber.transcribe(load_audio(clips[0].path))  # warm-up
        # Partials as the microphone runs them: a second worker at idle priority reading with the
        # engine's twin model, beside the readings.
        partial_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-partials")
        partial_worker.submit(lambda: (lower_thread_priority(), partial_reader(transcriber))).result()
        warm()  # the completeness rule's tagger, as the microphone loads it with the model
        results: dict[str, list[dict[str, object]]] = {mode: [] for mode in LIVE_MODES}
        by_clip: dict[tuple[str, str], list[dict[str, object]]] = {}
        for _ in range(runs):
            for clip in clips:
                for mode, (live, complete) in LIVE_MODES.items():
                    r = live_turn_run(clip.path, live, transcriber, services, marker, complete, partial_worker)
                    edits, n = error_rate(clip.reference, str(r["text"]), clip.language)
                    r["edits"], r["n"], r["lang"] = edits, n, clip.language
                    results[mode].append(r)
                    by_clip.setdefault((clip.path.name, mode), []).append(r)
                    time.sleep(0.3)
        partial_worker.shutdown()
        speaker.shutdown()
        app.close()
    rows = []
    for mode, rs in results.items():
        first = [float(str(r["first_word"])) * 1000 for r in rs]
        ended = [float(str(r["turn"])) * 1000 for r in rs]
        errors = {lang: [sum(int(str(r["edits"])) for r in rs if r["lang"] == lang),
                         sum(int(str(r["n"])) for r in rs if r["lang"] == lang)] for lang in ("en", "zh")}
        rows.append([mode, len(rs), statistics.median(first), percentile(first, 95), statistics.median(ended),
                     sum(bool(r["early"]) for r in rs),
                     f"{errors['en'][0]}/{errors['en'][1]}", f"{errors['zh'][0]}/{errors['zh'][1]}"])
    print_table(["hands-free turn", "turns", "first word p50 ms", "p95 ms", "turn ended p50 ms", "ended early",
                 "English WER", "Mandarin CER"], rows)
    print()
    # Where the time goes (p50 of each part, ms after the end of speech): the turn's transcription
    # was asked for, waited for the worker, ran; the dialogue answered; the first sentence was spoken.
    print_table(["where the time goes (p50 ms)", "reading asked", "queued", "reading", "transcript ready",
                 "reply", "synthesis + player"],
                [[mode, *(statistics.median(float(str(r[k])) * 1000 for r in rs)
                          for k in ("asked", "queued", "read", "turn", "reply", "speak"))]
                 for mode, rs in results.items()])
    # The race: a turn ends early only if its reading is done before the 600 ms pause is.
    for mode, rs in results.items():
        for early in (True, False):
            done = [float(str(r["asked"])) + float(str(r["queued"])) + float(str(r["read"]))
                    for r in rs if bool(r["early"]) is early]
            if done and LIVE_MODES[mode][0]:
                print(f"{mode}, {'ended early' if early else 'ended by the 600 ms pause'}: {len(done)} turns, "
                      f"reading done p50 {statistics.median(done) * 1000:.0f} ms "
                      f"(range {min(done) * 1000:.0f}–{max(done) * 1000:.0f}) after the end of speech")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    for (name, mode), rs in by_clip.items():
        p50 = statistics.median(float(str(r["first_word"])) * 1000 for r in rs)
        parts = ", ".join(f"{k} {statistics.median(float(str(r[k])) for r in rs) * 1000:.0f}"
                          for k in ("asked", "queued", "read"))
        print(f"{name} [{mode}]: first word p50 {p50:.0f} ms ({parts}), {rs[-1]['partials']} partials, "
              f"early {sum(bool(r['early']) for r in rs)}/{len(rs)}: {rs[-1]['text']}")


if __name__ == "__main__":
    main()
