"""The dialogue manager: per-session state, multi-turn forms, and the policy that turns one fused
query into a reply through the service logic."""
