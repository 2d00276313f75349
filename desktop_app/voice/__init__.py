"""Offline speech: Whisper transcription (two engines), tone cues, end-pointing, spoken replies.

Headless: the Qt microphone lives in ``desktop_app.ui.microphone``. Entry points:
``create_transcriber`` (transcriber.py), ``load_audio`` (audio.py), ``Endpointer`` (vad.py),
``FileAudioSource`` (capture.py), ``Speaker`` (tts.py), ``VoiceSettings`` (settings.py).
"""
