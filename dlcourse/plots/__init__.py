"""Figures of the lessons (matplotlib is imported inside each function)."""
