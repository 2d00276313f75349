"""The Qt window: the only package that imports PySide6.

Split by feature: ``shell`` (the main window and its controllers), ``chat``, ``forms``, ``guide``,
``camera``, ``voice``, ``kiosk``, ``session``, ``agent`` and ``merchant``, over ``common`` (task
runner, style, bilingual labels), which imports none of them.
"""
