"""The in-store kiosk: attract screen, idle wipe of a visitor's session, operator PIN."""
