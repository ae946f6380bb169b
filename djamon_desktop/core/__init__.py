"""The monitor itself. Nothing in this package imports Qt."""
