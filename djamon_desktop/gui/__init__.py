"""The desktop app: the only package that imports Qt. It shows and asks; the core does."""
