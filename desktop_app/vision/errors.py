"""Foreseeable vision failures, each with a message fit for the status line or the CLI."""

from __future__ import annotations

from desktop_app.core.errors import AppError


class VisionError(AppError):
    """A bad image, a missing model, or a camera that cannot be used."""

    code = "vision"


class BadImage(VisionError):
    code = "bad_image"


class CameraUnavailable(VisionError):
    code = "camera_unavailable"


class ModelMissing(VisionError):
    code = "model_missing"


class ModelDamaged(VisionError):
    """Weights that do not match their committed checksum: never loaded (they would still "detect")."""

    code = "model_damaged"
