"""The camera panel: live preview, dropped photos, and the bridge that turns what the camera reads into turns."""
