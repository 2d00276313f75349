"""Guided forms (search, returns, handoff) that fill a request step by step beside the chat."""
