"""The session side panel: what the assistant understood (slots, entities, hypotheses)."""
