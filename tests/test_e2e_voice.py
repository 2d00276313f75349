"""Voice end to end in the window: recordings through the real microphone path to spoken replies.

A ``FileAudioSource`` stands in for the microphone device (this machine has none); everything
after it is the product's own path: level meter, end-pointing, Whisper, the voice producer,
fusion, the dialogue manager, reply cards, and the speaker synthesising what it says aloud.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import exchanges, media_window, played_text, say
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select
from voice_audio import clip_named, error_rate

from desktop_app.app import build_app
from desktop_app.service.types import OrderStatus, Priority
from desktop_app.store.schema import Customer
from desktop_app.ui.chat.cards import OrderTimelineCard, ReplyCard, TicketCard
from desktop_app.ui.chat.why_line import WhyLine
from desktop_app.voice.audio import load_audio


def _user_bubbles(window: Any) -> list[str]:
    return [item.text(window.language) if hasattr(item, "text") else str(item)
            for role, item in window.chat.entries() if role == "user"]


@pytest.mark.parametrize("clip_name, language", [("LDC93S1", "en"), ("zh06", "zh")])
def test_recorded_speech_through_the_microphone_reaches_the_chat(qtbot: Any, make_main_window: Callable[..., Any],
                                                                 whisper: Any, tmp_path: Path, clip_name: str,
                                                                 language: str) -> None:
    clip = clip_named(clip_name)
    window = media_window(qtbot, make_main_window, whisper, clip.path, tmp_path / "played", language=language,
                          staff_view=True)
    levels: list[float] = []
    window.voice.mic.level_changed.connect(levels.append)
    exchange = say(qtbot, window, clip.path)
    assert exchange is not None, "the transcript never reached the assistant"
    assert "voice" in exchange.fused.modalities and exchange.fused.intent_source == "voice"
    heard = exchange.turn.text
    direct = whisper.transcribe(load_audio(clip.path)).text  # the mic path hears what the file path hears
    edits, n = error_rate(direct, heard, clip.language)
    assert edits / n <= 0.25, (direct, heard)
    edits, n = error_rate(clip.reference, heard, clip.language)
    assert edits / n <= 0.4, (clip.reference, heard)
    assert any(heard in bubble for bubble in _user_bubbles(window))  # the transcript, as the customer's bubble
    card = window.chat.cards()[-1]
    assert isinstance(card, ReplyCard) and card.reply is exchange.reply and exchange.reply.text
    box = card.parentWidget()
    assert box is not None
    why = box.findChildren(WhyLine)
    assert why and ("voice" in why[0].text() or "语音" in why[0].text())
    assert max(levels) > 0.3  # the level meter followed the recording
    assert window.session_panel is not None and heard.split()[0].lower() in window.session_panel.texts().lower()


def test_angry_spoken_complaint_gets_a_soothing_spoken_reply_timeline_and_urgent_ticket(
        qtbot: Any, app: Any, make_main_window: Callable[..., Any], whisper: Any, speech: Callable[..., Path],
        tmp_path: Path) -> None:
    delayed = next(v for v in app.orders.orders_of("C001") if v.status == OrderStatus.DELAYED)
    with app.db.session() as s:
        last4 = s.scalar(select(Customer.phone).where(Customer.code == "C001"))[-4:]
    tail = delayed.order_number[-4:]
    # The words carry strong anger on their own (0.73): espeak's flat voice read 0.57-0.63 arousal
    # depending on load, and "I'm furious" alone (0.65) crossed the 0.7 of strong anger only with it.
    complaint = speech(f"I'm absolutely furious. My parcel is delayed again. Order number {tail}.")
    played = tmp_path / "played"
    window = media_window(qtbot, make_main_window, whisper, complaint, played, language="en")
    spoken: list[str] = []
    window.voice.speaking.connect(spoken.append)

    first = say(qtbot, window, complaint)
    assert first is not None, (f"no reply; the microphone shows {window.voice.mic.status.text()!r}; "
                               f"the chat ends with {window.chat.entries()[-2:]!r}")
    assert "voice" in first.fused.modalities
    assert first.turn.emotion.label.value == "angry" and first.reply.emotion == "angry"
    assert first.reply.text.lower().startswith(("i'm sorry", "i am sorry", "i'm truly sorry", "sorry"))
    ticket = first.reply.ticket
    assert ticket is not None and ticket.priority >= Priority.HIGH
    assert ticket.ticket_id in [t.ticket_id for t in app.handoff.queue()]
    assert window.chat.cards()[-1].findChildren(TicketCard)
    said = played_text(played, whisper, len(spoken)).lower()
    assert "sorry" in said and "frustrat" in said  # the apology was spoken, not only shown

    second = say(qtbot, window, speech(last4))
    assert second is not None
    assert last4 in "".join(ch for ch in second.turn.text if ch.isdigit()), second.turn.text
    timelines = window.chat.cards()[-1].findChildren(OrderTimelineCard)
    titles = [label.text() for label in timelines[0].findChildren(QLabel, "cardTitle")] if timelines else []
    assert len(timelines) == 1 and titles == [f"Order {delayed.masked_number}"], (
        f"heard {second.turn.text!r} (intent {second.turn.intent}); replied {second.reply.text!r}")
    assert any(getattr(c, "order_number", None) == delayed.order_number for c in second.reply.cards)


def test_pressing_the_mic_silences_the_reply_and_mute_keeps_it_quiet(qtbot: Any, make_main_window: Callable[..., Any],
                                                                   whisper: Any, speech: Callable[..., Path],
                                                                   tmp_path: Path) -> None:
    question = speech("Where is my order?")
    played = tmp_path / "played"
    window = media_window(qtbot, make_main_window, whisper, question, played, language="en")
    window.voice.mic.mute.setChecked(True)
    assert window.voice.speaker.muted
    speaking: list[str] = []
    window.voice.speaking.connect(speaking.append)
    exchange = say(qtbot, window, question)  # returns once the reply was handled, speech included
    assert exchange is not None and exchange.reply.text
    assert speaking == [] and not list(played.glob("*.wav"))  # muted: shown, never handed to the speaker
    window.voice.mic.mute.setChecked(False)
    window.voice.speak("This is a long answer. It has several sentences. The customer may interrupt it.", "en")
    assert len(speaking) == 3  # sentence by sentence, so the first one plays at once
    qtbot.mousePress(window.voice.mic.talk_button, Qt.MouseButton.LeftButton)  # the customer wants to talk
    qtbot.mouseRelease(window.voice.mic.talk_button, Qt.MouseButton.LeftButton)
    assert not window.voice.speaker.speaking
    qtbot.waitUntil(lambda: not window.voice.busy, timeout=60_000)


def test_a_missing_speech_model_shows_an_error_typing_still_works_and_retry_recovers(
        qtbot: Any, settings_factory: Callable[..., Any], make_main_window: Callable[..., Any], tmp_path: Path) -> None:
    checkpoint = tmp_path / "whisper-small.pt"
    settings = settings_factory(stt_engine="openai-whisper", whisper_pt=checkpoint)  # the file was removed
    services = build_app(settings)
    try:
        window = make_main_window(app=services, language="en", media=True, cameras=[],
                                  speaker=None)
        qtbot.waitUntil(lambda: window.voice is not None and window.voice.retry_button.isVisible(), timeout=60_000)
        mic = window.voice.mic
        assert "was not found" in mic.status.text() and str(checkpoint) in mic.status.text()
        assert not mic.talk_button.isEnabled()
        assert "Voice input is unavailable" in window.statusBar().currentMessage()
        window.chat.input.setText("show me waterproof phones under 3000 yuan")
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(exchanges(window)) and not window.chat.busy, timeout=60_000)
        assert exchanges(window)[-1].reply.intent == "product_search"  # the rest of the app keeps working

        from desktop_app.voice.convert_ct2 import ensure_openai_checkpoint

        source = ensure_openai_checkpoint(_shared_cache())
        os.symlink(source, checkpoint)  # the operator puts the model back
        qtbot.mouseClick(window.voice.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.voice.model.loaded, timeout=120_000)
        mic = window.voice.mic  # live again, unless this machine has no input device (then it says so)
        qtbot.waitUntil(lambda: mic.talk_button.isEnabled() != mic.no_device and not window.voice.retry_button.isVisible(),
                        timeout=10_000)
    finally:
        services.close()


def _shared_cache() -> Path:
    """The user's cache, where the bundled model is already assembled (no 145 MB copy per test)."""
    from desktop_app.core.config import load_settings

    return load_settings().cache_dir
