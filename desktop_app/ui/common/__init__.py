"""What every room of the window shares: the one background-task pattern, the GC guard, the style."""
