"""Headless foundations every layer may use: config, typed errors, privacy-safe logging, crypto."""
