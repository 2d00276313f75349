"""The conversation: the chat panel, its rows, the reply cards and the handler that sends a turn to the assistant."""
