"""The customer's photo in the conversation: a thumbnail bubble on their side, and photos dropped there.

A photo opened or dropped in the camera tab used to leave no trace in the conversation: the reply
to it ("I can't tell which product these parts belong to") arrived answering nothing the customer
could see. The photo now appears as the customer's message first, like words they typed, and a
photo dropped straight onto the conversation goes to the camera to be read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.ui.chat.card_base import Card, make_label

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PhotoMessage:
    """The customer's photo (a thumbnail), kept as an entry so a language switch re-renders it."""

    image: QImage


class PhotoCard(Card):
    """The customer's bubble for a photo: the picture itself, and a caption that says so."""

    def __init__(self, photo: PhotoMessage, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "user", parent)
        picture = QLabel()
        picture.setObjectName("photoThumbnail")
        picture.setPixmap(QPixmap.fromImage(photo.image))
        picture.setFixedSize(photo.image.size())
        picture.setAccessibleName(self.t("Your photo", "您的照片"))
        self.add(picture)
        self.add(make_label(self.t("Photo sent", "已发送照片"), "photoCaption", wrap=False))


class PhotoDropTarget(QObject):
    """Accepts a local image file dropped on ``widget`` and hands its path to ``target``."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        #: Where a dropped file goes; None while nothing can read photos (no camera tab yet).
        self.target: Callable[[str], None] | None = None
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if self.target is None:
            return False
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDropEvent):
            if any(u.isLocalFile() for u in event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
            if files:
                event.acceptProposedAction()
                log.info("a photo was dropped on the conversation")
                self.target(files[0])
                return True
        return False
