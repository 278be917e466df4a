"""Interactive widgets of the lessons (ipywidgets and matplotlib are imported inside each function).

- ``neuron_explorer()`` (lesson 01): one neuron with sliders for its inputs, weights and bias.
  ``from dlcourse.widgets import neuron_explorer``; its module loads only NumPy.
"""
from .neuron_explorer import neuron_explorer

__all__ = ["neuron_explorer"]
