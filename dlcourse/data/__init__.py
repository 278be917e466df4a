"""Data sets of the lessons: generated, shipped with packages, or small course data (no downloads)."""
