"""Pieces of the sandbox world generator (``include.sandbox.generator`` is the entry point)."""
