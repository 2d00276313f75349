"""Late fusion: every modality's hypothesis for one turn becomes one query with an explanation.

``hypothesis`` holds what producers hand in, ``producers`` the NLU step they share, ``fuse`` the
pooling. Import from the modules: this package's import stays light.
"""
