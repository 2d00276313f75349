"""The human agent console (to come): the staff-side window where a person picks up a handoff
ticket from the queue, reads the conversation and what the assistant understood so far, and
answers the customer; it will reach tickets and conversations through the app, like the rest of
the ui.
"""
