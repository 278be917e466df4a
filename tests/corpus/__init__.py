"""Implementations the checkers are proven on: right ones written differently, and known mistakes.

Each lesson module holds plain functions (one per implementation, named for what it is) and two
tables the tests are parametrized over:

- ``RIGHT``: exercise name -> correct implementations that are *not* the reference;
- ``WRONG``: ``(exercise name, implementation, regex)``, the regex being the helpful part of the
  message the checker must give. Adding a mistake is one line in ``WRONG``.

For value exercises (``q3_output_shape``, ``input_dim``) the "implementations" are the values.
"""
from __future__ import annotations

import importlib
from typing import Any

import pytest

from dlcourse import checks, reference


def checker(name: str):
    """The public ``check_NAME`` function, as a notebook calls it."""
    return getattr(checks, f"check_{name}")


def reference_answer(name: str) -> Any:
    """The reference implementation of a function exercise, or the reference value of a value one.

    An answer that is a framework object (lesson 08's ``TorchNet``) is not exported by
    ``dlcourse.reference``, which stays light: its topic module builds it on first use."""
    exercise = checks.EXERCISES[name]
    if exercise.is_value:
        return exercise.reference()
    if hasattr(reference, name):
        return getattr(reference, name)
    return getattr(importlib.import_module(f"dlcourse.reference.{checks.TOPICS[name]}"), name)


def _label(impl: Any) -> str:
    return getattr(impl, "__name__", None) or repr(impl)


def right_params(right: dict[str, list[Any]]) -> list:
    return [pytest.param(name, impl, id=f"{name}-{_label(impl)}")
            for name, impls in right.items() for impl in impls]


def wrong_params(wrong: list[tuple[str, Any, str]]) -> list:
    return [pytest.param(name, impl, regex, id=f"{name}-{_label(impl)}") for name, impl, regex in wrong]
