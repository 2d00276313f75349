"""The merchant's dashboard window: a period, tabs of figures, and the conversations behind a click.

It only reads: the figures come from ``app.merchant_figures`` on a worker of the window's own
runner (the store is never touched on the GUI thread), and every page formats the same
:class:`~desktop_app.ui.merchant.data.Dashboard`. Switching language re-renders from the figures
already loaded, as the main window does, Qt's own words included.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.ui.common.labels import tr
from desktop_app.ui.common.qt_language import apply_qt_language
from desktop_app.ui.common.style import STYLE
from desktop_app.ui.common.tasks import TaskHandle, TaskRunner
from desktop_app.ui.merchant import texts
from desktop_app.ui.merchant.complaints import ComplaintsPage
from desktop_app.ui.merchant.data import Dashboard, load_dashboard
from desktop_app.ui.merchant.drill import DrillList
from desktop_app.ui.merchant.overview import OverviewPage
from desktop_app.ui.merchant.table_pages import ModelPage, TablePage
from desktop_app.ui.merchant.widgets import MERCHANT_STYLE, Drill, Page

if TYPE_CHECKING:
    from desktop_app.app import App

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 5000
DEFAULT_DAYS = 28


class MerchantWindow(QMainWindow):
    """``loaded`` fires once a period's figures are on screen (tests and the kiosk wait for it)."""

    loaded = Signal()

    def __init__(self, app: App, *, language: str = "zh", days: int = DEFAULT_DAYS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.language = language
        self.days = days if days in texts.PERIODS else DEFAULT_DAYS
        self.runner = TaskRunner(self)
        self.dashboard: Dashboard | None = None
        self._loading: TaskHandle | None = None
        self.setObjectName("merchantWindow")
        self.setStyleSheet(STYLE + MERCHANT_STYLE)
        self.resize(1360, 880)

        root = QWidget()
        column = QVBoxLayout(root)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("merchantTabs")
        self.tabs.setDocumentMode(True)
        self.overview = OverviewPage()
        self.complaints = ComplaintsPage()
        self.assembly = TablePage("assembly")
        self.unmet = TablePage("unmet")
        self.segments = TablePage("segments")
        self.agents = TablePage("agents")
        self.model = ModelPage()
        self.pages: dict[str, Page] = {"overview": self.overview, "complaints": self.complaints,
                                       "assembly": self.assembly, "unmet": self.unmet, "segments": self.segments,
                                       "agents": self.agents, "model": self.model}
        for page in self.pages.values():
            self.tabs.addTab(page, "")
            page.drill.connect(self.show_drill)
        self.drill = DrillList(self.runner, app.merchant_figures.conversations, language)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.drill)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1000, 360])
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(root)
        apply_qt_language(language)
        self._retranslate()
        self.reload()

    def _header(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("header")
        row = QHBoxLayout(bar)
        row.setContentsMargins(18, 10, 18, 10)
        self.title_label = QLabel()
        self.title_label.setObjectName("appTitle")
        row.addWidget(self.title_label)
        self.period_label = QLabel()
        self.period_label.setObjectName("periodLabel")
        row.addWidget(self.period_label)
        row.addStretch(1)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        for days in texts.PERIODS:
            self.period_combo.addItem("", days)
        self.period_combo.setCurrentIndex(texts.PERIODS.index(self.days))
        self.period_combo.currentIndexChanged.connect(lambda _: self.set_days(int(self.period_combo.currentData())))
        row.addWidget(self.period_combo)
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.reload)
        row.addWidget(self.refresh_button)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem("中文", "zh")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(0 if self.language == "zh" else 1)
        self.language_combo.currentIndexChanged.connect(
            lambda _: self.set_language(str(self.language_combo.currentData())))
        row.addWidget(self.language_combo)
        return bar

    # -- loading -----------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return (self._loading is not None and not self._loading.settled) or self.drill.busy

    def set_days(self, days: int) -> None:
        if days != self.days:
            self.days = days
            self.reload()

    def reload(self) -> None:
        """Fetch the period's figures on a worker; the pages update when they arrive."""
        if self._loading is not None:
            self._loading.cancel()
        self.statusBar().showMessage(tr(self.language, "Loading figures…", "正在载入数据…"))
        self._loading = self.runner.submit(load_dashboard, self.app, self.days, on_done=self._loaded,
                                           on_error=self._failed)

    def _loaded(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self._render()
        self.statusBar().clearMessage()
        self.loaded.emit()

    def _failed(self, error: AppError) -> None:
        log.info("dashboard figures failed to load: %s", error.code)
        self.statusBar().showMessage(error.localized(self.language))

    def _render(self) -> None:
        d = self.dashboard
        if d is None:
            self.period_label.setText("")
            return
        self.period_label.setText(texts.period_text(d.period.start, d.period.end, self.language))
        for page in self.pages.values():
            page.show_dashboard(d, self.language)

    def show_drill(self, drill: Drill) -> None:
        if drill.ids is None:
            self.drill.show_note(drill.en, drill.zh)
        else:
            self.drill.show_ids(drill.en, drill.zh, drill.ids)

    # -- language ----------------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language == self.language:
            return
        self.language = language
        apply_qt_language(language)
        if self.language_combo.currentData() != language:
            self.language_combo.setCurrentIndex(0 if language == "zh" else 1)
        self._retranslate()
        self.drill.set_language(language)
        self._render()

    def _retranslate(self) -> None:
        t = partial(tr, self.language)
        self.setWindowTitle(t("Store dashboard", "经营看板"))
        self.title_label.setText(t("Store dashboard", "经营看板"))
        self.refresh_button.setText(t("Refresh", "刷新"))
        for i, days in enumerate(texts.PERIODS):
            self.period_combo.setItemText(i, texts.period_choice(days, self.language))
        for i, key in enumerate(self.pages):
            self.tabs.setTabText(i, t(*texts.TAB_TITLES[key]))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.runner.shutdown(SHUTDOWN_WAIT_MS):
            log.warning("closing the dashboard with figures still loading")
        super().closeEvent(event)
