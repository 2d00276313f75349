"""Laptop settings: devices, speech engine, language, spoken replies and privacy.

Choices apply to the running window at once (the speech model reloads off the GUI thread when
the engine changes). They are not written anywhere: the app's settings come from
``DESKTOP_APP_*`` variables, so a change that should last goes there (the dialog says which).
In kiosk mode the dialog opens only after the operator PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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

from desktop_app.ui import tr

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


def microphones() -> list[str]:
    """Input devices Qt sees; the first is the system default the microphone uses."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return []
    default = QMediaDevices.defaultAudioInput()
    names = [default.description()] if not default.isNull() else []
    names += [d.description() for d in QMediaDevices.audioInputs() if d.id() != default.id()]
    return names


class SettingsDialog(QDialog):
    def __init__(self, current: SettingsChoice, *, cameras: list[tuple[int, str]], retention_days: int,
                 on_delete_history: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        lang = current.language
        t = lambda en, zh: tr(lang, en, zh)  # noqa: E731
        self.setWindowTitle(t("Settings", "设置"))
        column = QVBoxLayout(self)

        devices = QGroupBox(t("Devices", "设备"))
        form = QFormLayout(devices)
        mics = microphones()
        self.microphone = QLabel(mics[0] if mics else t("No microphone found", "未找到麦克风"))
        self.microphone.setObjectName("microphoneDevice")
        self.microphone.setToolTip(t("The system's default input is used; change it in the system sound settings.",
                                     "使用系统默认输入设备；可在系统声音设置中更改。"))
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
        form.addRow(QLabel(t(f"Conversations are deleted after {retention_days} days (DESKTOP_APP_RETENTION_DAYS).",
                             f"会话记录保留 {retention_days} 天后自动删除（DESKTOP_APP_RETENTION_DAYS）。")))
        self.delete_button = QPushButton(t("Delete this conversation now", "立即删除当前会话"))
        self.delete_button.setObjectName("deleteHistoryButton")
        if on_delete_history is not None:
            self.delete_button.clicked.connect(on_delete_history)
        else:
            self.delete_button.setEnabled(False)
        form.addRow(self.delete_button)
        column.addWidget(privacy)

        note = QLabel(t("Changes apply now, for this run. To keep them, set the DESKTOP_APP_* variables "
                        "(see docs/kiosk.md).", "更改立即生效（仅本次运行）。如需保留，请设置 DESKTOP_APP_* 环境变量（见 docs/kiosk.md）。"))
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
                              muted=self.muted.isChecked(), store_audio=self.store_audio.isChecked())
