"""The merchant dashboard (to come): the shop-owner view of how the service desk is doing,
such as questions asked, handoffs, returns and guide usage, drawn from the app's analytics
services; it will only read through the app and never write to the store.
"""
