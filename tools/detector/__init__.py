"""Detector training tooling: synthetic data, widening, held-out scoring. Not part of the app."""
