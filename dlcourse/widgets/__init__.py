"""Interactive widgets of the lessons (ipywidgets and matplotlib are imported inside each function)."""
