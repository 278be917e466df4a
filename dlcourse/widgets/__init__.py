"""Interactive widgets of the lessons (ipywidgets and matplotlib are imported inside each function).

- ``neuron_explorer()`` (lesson 01): one neuron with sliders for its inputs, weights and bias.
- ``lr_explorer()`` (lesson 04): gradient descent on a curve with a learning-rate slider, showing
  convergence, oscillation and divergence.

Each module loads only NumPy at import time.
"""
from .lr_explorer import lr_explorer
from .neuron_explorer import neuron_explorer

__all__ = ["lr_explorer", "neuron_explorer"]
