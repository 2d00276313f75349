"""Laptop settings: the microphone is chosen from the inputs Qt lists, and the choice reaches capture.

This machine has no sound card, so the input list is handed to the dialog (as Qt would list it)
and devices are the smallest objects with QAudioDevice's ``id()``/``description()``.
"""

from __future__ import annotations

from typing import Any

from e2e_helpers import media_window
from voice_audio import clip_named

from desktop_app.ui.shell.settings_dialog import SettingsChoice, SettingsDialog
from desktop_app.ui.voice.mic_source import QtMicrophoneSource, pick_input


class _Id:
    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def data(self) -> bytes:
        return self._raw


class _Device:
    def __init__(self, ident: str, name: str) -> None:
        self._id, self._name = ident, name

    def id(self) -> _Id:  # noqa: A003 (QAudioDevice's name)
        return _Id(self._id.encode())

    def description(self) -> str:
        return self._name


INPUTS = [_Device("alsa_input.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
          _Device("alsa_input.usb-Jabra_SPEAK_510-00.mono-fallback", "Jabra SPEAK 510 Mono")]
DEFAULT = INPUTS[0]


def test_an_input_is_picked_by_id_then_by_name_and_a_missing_one_falls_back_to_the_default() -> None:
    assert pick_input(INPUTS, DEFAULT, "") is DEFAULT
    assert pick_input(INPUTS, DEFAULT, "alsa_input.usb-Jabra_SPEAK_510-00.mono-fallback") is INPUTS[1]
    assert pick_input(INPUTS, DEFAULT, "jabra") is INPUTS[1]  # DESKTOP_APP_MICROPHONE=jabra
    assert pick_input(INPUTS, DEFAULT, "unplugged-headset") is DEFAULT


def _choice(**kw: Any) -> SettingsChoice:
    base = dict(language="en", stt_engine="faster-whisper", camera_index=None, speak_all=False, muted=False,
                store_audio=False, microphone="")
    base.update(kw)
    return SettingsChoice(**base)  # type: ignore[arg-type]


def test_dialog_lists_the_inputs_and_returns_the_chosen_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    inputs = [("alsa_input.usb-jabra", "Jabra SPEAK 510 Mono"), ("alsa_input.pci", "Built-in Audio")]
    dialog = SettingsDialog(_choice(), cameras=[], retention_days=90, inputs=inputs)
    qtbot.addWidget(dialog)
    combo = dialog.microphone
    assert [combo.itemText(i) for i in range(combo.count())] == ["System default", "Jabra SPEAK 510 Mono",
                                                                "Built-in Audio"]
    assert dialog.choice().microphone == ""
    combo.setCurrentIndex(1)
    assert dialog.choice().microphone == "alsa_input.usb-jabra"


def test_a_remembered_input_that_is_unplugged_stays_visible(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(_choice(microphone="old-headset"), cameras=[], retention_days=90, inputs=[])
    qtbot.addWidget(dialog)
    assert dialog.microphone.currentText() == "old-headset (not connected)"
    assert dialog.choice().microphone == "old-headset"
    dialog.microphone.setCurrentIndex(0)
    assert dialog.microphone.currentText() == "No microphone found" and dialog.choice().microphone == ""


def test_the_chosen_microphone_reaches_the_capture_source(qtbot, make_main_window, whisper, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    window = media_window(qtbot, make_main_window, whisper, clip_named("LDC93S1").path, tmp_path / "played",
                          language="en")
    live = QtMicrophoneSource()
    window.voice.set_source(live)
    before = _choice(microphone=window.voice.microphone)
    window.apply_settings(_choice(microphone="alsa_input.usb-jabra"), before)
    assert window.voice.microphone == "alsa_input.usb-jabra"
    assert live.device == "alsa_input.usb-jabra"  # read when capture starts: the next utterance uses it
    assert not window.voice.mic.listening
    qtbot.waitUntil(lambda: window.runner.active_count() == 0, timeout=120_000)  # models still warming
