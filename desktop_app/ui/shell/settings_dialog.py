"""Laptop settings: devices, speech engine, language, spoken replies and privacy.

Choices apply to the running window at once (the speech model reloads off the GUI thread when
the engine changes). They are not written anywhere: the app's settings come from
``DESKTOP_APP_*`` variables, so a change that should last goes there (the administrator's job, see docs/kiosk.md).
In kiosk mode the dialog opens only after the operator PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.common.labels import tr

ENGINES = (("faster-whisper", "faster-whisper (fast, default)", "faster-whisper（更快，默认）"),
           ("openai-whisper", "openai-whisper (PyTorch)", "openai-whisper（PyTorch）"))


@dataclass(frozen=True)
class SettingsChoice:
    language: str
    stt_engine: str
    camera_index: int | None
    speak_all: bool
    muted: bool
    store_audio: bool
    microphone: str = ""  # an input device id; "" = the system default


def microphones() -> list[tuple[str, str]]:
    """(id, name) of every input device Qt sees."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return []
    from desktop_app.ui.voice.mic_source import device_id

    return [(device_id(d), d.description()) for d in QMediaDevices.audioInputs()]


class SettingsDialog(QDialog):
    def __init__(self, current: SettingsChoice, *, cameras: list[tuple[int, str]], retention_days: int,
                 on_delete_history: Callable[[], None] | None = None,
                 inputs: list[tuple[str, str]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        lang = current.language
        t = partial(tr, lang)
        self.setWindowTitle(t("Settings", "设置"))
        column = QVBoxLayout(self)

        devices = QGroupBox(t("Devices", "设备"))
        form = QFormLayout(devices)
        mics = microphones() if inputs is None else inputs
        self.microphone = QComboBox()
        self.microphone.setObjectName("microphoneCombo")
        self.microphone.addItem(t("System default", "系统默认") if mics else t("No microphone found", "未找到麦克风"), "")
        for ident, name in mics:
            self.microphone.addItem(name, ident)
        if current.microphone and self.microphone.findData(current.microphone) < 0:
            self.microphone.addItem(t(f"{current.microphone} (not connected)", f"{current.microphone}（未连接）"),
                                    current.microphone)
        self.microphone.setCurrentIndex(max(self.microphone.findData(current.microphone), 0))
        form.addRow(t("Microphone", "麦克风"), self.microphone)
        self.camera = QComboBox()
        self.camera.setObjectName("cameraCombo")
        for index, name in cameras:
            self.camera.addItem(f"{index}: {name}", index)
        if not cameras:
            self.camera.addItem(t("No camera found", "未找到摄像头"), None)
        found = self.camera.findData(current.camera_index)
        self.camera.setCurrentIndex(max(found, 0))
        form.addRow(t("Camera", "摄像头"), self.camera)
        column.addWidget(devices)

        engines = QGroupBox(t("Speech and language", "语音与语言"))
        form = QFormLayout(engines)
        self.language = QComboBox()
        self.language.setObjectName("settingsLanguage")
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if current.language == "zh" else 1)
        form.addRow(t("Language", "界面语言"), self.language)
        self.engine = QComboBox()
        self.engine.setObjectName("engineCombo")
        for code, en, zh in ENGINES:
            self.engine.addItem(t(en, zh), code)
        self.engine.setCurrentIndex(max(self.engine.findData(current.stt_engine), 0))
        form.addRow(t("Speech recognition", "语音识别引擎"), self.engine)
        self.speak_all = QCheckBox(t("Read every reply aloud (not only answers to speech)", "朗读所有回复（不仅是语音提问）"))
        self.speak_all.setChecked(current.speak_all)
        self.muted = QCheckBox(t("Mute spoken replies", "静音回复"))
        self.muted.setChecked(current.muted)
        form.addRow(self.speak_all)
        form.addRow(self.muted)
        column.addWidget(engines)

        privacy = QGroupBox(t("Privacy", "隐私"))
        form = QFormLayout(privacy)
        self.store_audio = QCheckBox(t("Keep recordings of my voice questions on this computer",
                                       "在本机保存我的语音提问录音"))
        self.store_audio.setObjectName("storeAudio")
        self.store_audio.setChecked(current.store_audio)
        form.addRow(self.store_audio)
        form.addRow(QLabel(t(f"Conversations are deleted after {retention_days} days.",
                             f"会话记录保留 {retention_days} 天后自动删除。")))
        self.delete_button = QPushButton(t("Delete this conversation now", "立即删除当前会话"))
        self.delete_button.setObjectName("deleteHistoryButton")
        if on_delete_history is not None:
            self.delete_button.clicked.connect(on_delete_history)
        else:
            self.delete_button.setEnabled(False)
        form.addRow(self.delete_button)
        column.addWidget(privacy)

        note = QLabel(t("Changes apply now, for this run; the store's administrator can make them permanent.",
                        "更改立即生效（仅本次运行）；如需长期保留，请联系门店管理员设置。"))
        note.setWordWrap(True)
        note.setObjectName("settingsNote")
        column.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)

    def choice(self) -> SettingsChoice:
        return SettingsChoice(language=self.language.currentData(), stt_engine=self.engine.currentData(),
                              camera_index=self.camera.currentData(), speak_all=self.speak_all.isChecked(),
                              muted=self.muted.isChecked(), store_audio=self.store_audio.isChecked(),
                              microphone=self.microphone.currentData() or "")
