"""The app's windows. Each remembers its size and position."""
