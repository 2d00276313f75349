"""The step-by-step 3D assembly guide player and the tabs that hold open guides."""
