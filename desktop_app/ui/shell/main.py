"""Starting the window: Qt application, fonts, the composition root, and the event loop.

The store is opened (and seeded on a first start) before the window shows: a window that
appears but cannot answer is worse than a short wait, and the time is logged so cold start
stays visible in the field logs (the benchmarks measure it too).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel

from desktop_app.core.config import Settings
from desktop_app.ui.common.gc_guard import GuiThreadGarbageCollector

if TYPE_CHECKING:  # the service stack takes seconds to import; it loads behind the splash
    from desktop_app.app import App
    from desktop_app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

#: Simplified-Chinese glyph forms first; Qt falls back through the list per character.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC")


def application() -> QApplication:
    """The process's QApplication (created once) with a CJK-capable font."""
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qt_app.setApplicationName("desktop-app")
    qt_app.setApplicationDisplayName("Service Desk 智能客服")
    apply_fonts(qt_app)
    if qt_app.findChild(GuiThreadGarbageCollector) is None:
        GuiThreadGarbageCollector(qt_app)  # render and worker threads must never run the collector
    return qt_app


def apply_fonts(qt_app: QApplication) -> str | None:
    """Use the first installed CJK family so Chinese never renders as boxes; returns it."""
    families = set(QFontDatabase.families())
    chosen = next((f for f in CJK_FONTS if f in families), None)
    if chosen is None:
        log.warning("no CJK font found; Chinese text may not render (install fonts-noto-cjk)")
        return None
    font = QFont(qt_app.font())
    font.setFamilies([chosen, *font.families()])
    font.setPointSize(max(font.pointSize(), 10))
    qt_app.setFont(font)
    return chosen


#: The member a laptop demo is signed in as (their purchases drive recommendations).
DEFAULT_DEMO_CUSTOMER = "C001"


def create_window(settings: Settings, *, app: App | None = None, kiosk: bool | None = None,
                  media: bool = True, **media_options: Any) -> tuple[QApplication, MainWindow]:
    """Application and window, not yet shown (the startup benchmark times this).

    The full product: microphone, speaker and camera, a warm 3D renderer; a kiosk opens on its
    attract screen, a laptop is signed in as the demo member.
    """
    started = time.perf_counter()
    qt_app = application()
    from desktop_app.app import build_app
    from desktop_app.ui.shell.main_window import MainWindow

    services = app or build_app(settings)
    built = time.perf_counter()
    kiosk = settings.kiosk if kiosk is None else kiosk
    customer = None if kiosk else (settings.demo_customer.strip() or DEFAULT_DEMO_CUSTOMER)
    media_options.setdefault("prewarm_guides", media)
    media_options.setdefault("start_on_attract", kiosk)
    window = MainWindow(services, language=settings.language, kiosk=kiosk, media=media,
                        customer_code=customer, **media_options)
    log.info("window ready: store %.0f ms, window %.0f ms",
             (built - started) * 1000, (time.perf_counter() - built) * 1000)
    return qt_app, window


def _splash(language: str) -> QLabel:
    """A plain "starting" note shown while the store opens (a first start also seeds it)."""
    splash = QLabel("正在启动智能客服…" if language == "zh" else "Starting Service Desk…")
    splash.setObjectName("splash")
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
    splash.setStyleSheet("background: #ffffff; color: #ff5000; font-size: 18px; padding: 36px 56px;"
                         " border: 1px solid #e6e8eb;")
    return splash


def run_window(settings: Settings, kiosk: bool = False) -> int:
    qt_app = application()
    from desktop_app.ui.shell.crash import install_crash_hooks

    install_crash_hooks(settings.language, settings.data_dir / "logs")  # no traceback ever reaches a user
    splash = _splash(settings.language)
    splash.show()
    qt_app.processEvents()
    try:
        qt_app, window = create_window(settings, kiosk=kiosk or settings.kiosk)
    finally:
        splash.close()
        splash.deleteLater()
    try:
        if window.kiosk:
            window.showFullScreen()
        else:
            window.show()
        return int(qt_app.exec())
    finally:
        window.runner.shutdown()
        window.app.close()
