"""3D assembly guides: the guide format, parametric designs, importer, scene maths and player.

Headless by design: the Qt view lives in ``desktop_app.ui.guide.player``.
"""
