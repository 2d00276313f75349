"""Offline speech: Whisper transcription (two engines), tone cues, end-pointing, spoken replies.

Headless: the Qt microphone lives in ``desktop_app.ui.voice.microphone``. Entry points:
``create_transcriber`` (engines.py), ``load_audio`` (audio.py), ``Endpointer`` (vad.py),
``AudioSource`` (capture.py), ``Speaker`` (tts.py), ``VoiceSettings`` (settings.py).
"""
