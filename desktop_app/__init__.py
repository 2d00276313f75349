"""Offline bilingual multimodal customer-service assistant for e-commerce."""

__version__ = "0.1.0"
