"""The deterministic demo store: a believable catalogue, customers, orders and parcels.

Only first start (an empty store) and tests use it; the running app reads the store, never this.
"""
