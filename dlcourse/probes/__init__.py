"""Probes: how a checker drives an answer that is a framework object, and gets plain data back.

Most exercises are functions of arrays: the checker calls them and compares what they return.
Where a framework object is the point (an ``nn.Module`` class, a function that builds a Keras
model, an autodiff ``Value`` class), the exercise names a *probe*: a function of this package that
takes the student's answer and the case's plain inputs, builds and runs the framework objects,
and returns plain data (float64 NumPy arrays, numbers, tuples and dicts of them)::

    Exercise(name="TorchNet", ..., probe="dlcourse.probes.frameworks:torch_net_outputs")
    # the checker calls torch_net_outputs(TorchNet, *case.args) where it would call TorchNet(*case.args)

A probe runs where the student's code runs: in the notebook's kernel, and in the grader's
verifier process (this package is not withheld there). The grader still decides nothing on that
side: it compares the probe's plain result with the reference, computed in its own process, on
inputs drawn at grading time. Probes import their framework inside the function, so importing
``dlcourse.checks`` stays light.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

#: the package every probe must live in (the verifier refuses any other name)
PACKAGE = "dlcourse.probes"


def resolve(spec: str) -> Callable[..., Any]:
    """The probe function named ``"dlcourse.probes.<module>:<function>"``."""
    module, sep, name = str(spec).partition(":")
    if not sep or not module.startswith(PACKAGE + ".") or not name.isidentifier():
        raise ValueError(f"not a probe of {PACKAGE}: {spec!r}")
    probe = getattr(importlib.import_module(module), name, None)
    if not callable(probe):
        raise ValueError(f"no probe {name!r} in {module}")
    return probe


def bind(spec: str | None, answer: Any) -> Callable[..., Any]:
    """``answer`` itself when there is no probe; else ``probe(answer, *args, **kwargs)``."""
    if spec is None:
        return answer
    probe = resolve(spec)

    def probed(*args: Any, **kwargs: Any) -> Any:
        return probe(answer, *args, **kwargs)
    probed.__name__ = probed.__qualname__ = getattr(answer, "__name__", "answer")
    return probed
