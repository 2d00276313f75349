"""The main window that composes the rooms, the entry point, and the settings dialog."""
