"""Synthetic training data: the project's own part meshes rendered under random conditions.

No pretrained detector knows furniture hardware, so the detector learns from renders of the
meshes the guides ship with (see docs/vision.md).  Everything is deterministic for a seed.
"""
