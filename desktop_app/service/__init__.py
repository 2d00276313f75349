"""Customer-service logic as plain Python over the store: typed inputs, typed results, no Qt."""
