"""Qt's own words (OK/Cancel, the file dialog, context menus) in the window's language.

Our labels switch with ``tr``; Qt's built-in dialogs only translate through a QTranslator loaded
with Qt's bundled catalogues (``qtbase_zh_CN.qm`` ships with PySide6). One translator per process,
swapped when the customer switches language, so a Chinese window never shows an English "Cancel".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

#: Qt's catalogue base names worth loading (widgets/dialogs, and the media error texts).
CATALOGUES = ("qtbase", "qtmultimedia")
_installed: list[QTranslator] = []


def apply_qt_language(language: str) -> bool:
    """Install Qt's Chinese catalogues for ``zh``, remove them for ``en``; True when Qt's words follow."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    for translator in _installed:
        QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if language != "zh":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return True
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(f"{name}_zh_CN", folder):
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("Qt catalogue %s_zh_CN not found in %s; Qt's own buttons stay English", name, folder)
    return bool(_installed)
