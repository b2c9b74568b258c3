"""Pieces of the sandbox world generator (``sandbox.generator`` is the entry point)."""
