"""The verifier's view of the ``dlcourse`` package: the same package, less the answers.

When the grader verifies a lesson's answers, the student's code must not be able to reach the
course's own implementation of what it is asked to write. :func:`build_view` writes a copy of
the package in which

- every module of ``dlcourse.checks`` (the checkers hold the references and their mistakes), and
- the reference module of each exercise being verified (``dlcourse.reference.<topic>``, see
  ``dlcourse.checks.TOPICS``)

are replaced by stand-ins of the same names: importing them works (the lesson's set-up cells and
``dlcourse.reference/__init__`` import from them), calling one of their functions raises
``Withheld`` and notes the call in ``dlcourse._withheld.HITS``, which the verifier reports to the
grader. The sandbox binds the view over the installed package, so every route to the real code
(import, ``importlib``, ``pkgutil``, reading the file, the ``.pyc`` cache) finds the stand-in.
The other lessons' references stay: lesson 04 gives its students lesson 01's activations.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import types
import typing
from pathlib import Path

import numpy as np

WITHHELD_MODULE = '''"""Stand-ins for the course's code that is withheld while answers are verified."""

#: the withheld functions the student's code called, in order (read and cleared by the verifier)
HITS = []


class Withheld(RuntimeError):
    """The course's reference implementation (or a checker) was called while verifying."""


def _refuse(qualname):
    HITS.append(qualname)
    raise Withheld(f"{qualname} is not available while the grader verifies your answers: "
                   "it is the course's own implementation, and an answer must be your own code.")


def withheld(qualname):
    """A function of the same name that refuses to run."""
    def stand_in(*args, **kwargs):
        _refuse(qualname)
    stand_in.__name__ = stand_in.__qualname__ = qualname.rsplit(".", 1)[-1]
    stand_in.__module__ = qualname.rsplit(".", 1)[0]
    return stand_in


class WithheldObject:
    """An object (an Exercise, a table) that refuses every use."""

    def __init__(self, qualname):
        object.__setattr__(self, "_qualname", qualname)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        _refuse(self._qualname)

    def __call__(self, *args, **kwargs):
        _refuse(self._qualname)

    def __getitem__(self, key):
        _refuse(self._qualname)

    def __iter__(self):
        _refuse(self._qualname)

    def __repr__(self):
        return f"<withheld {self._qualname}>"
'''


def package_dir() -> Path:
    """The folder of the ``dlcourse`` package this Python imports."""
    import dlcourse
    return Path(dlcourse.__file__).resolve().parent


def withheld_modules(exercises: typing.Iterable[str]) -> list[str]:
    """The modules withheld while verifying ``exercises``: every checker module, and each
    exercise's reference module."""
    import dlcourse.checks as checks

    modules = {"dlcourse.checks"} | {
        f"dlcourse.checks.{info.name}" for info in pkgutil.iter_modules(checks.__path__)}
    modules |= {f"dlcourse.reference.{checks.TOPICS[name]}" for name in exercises}
    return sorted(modules)


def _literal(value, names: dict[int, str]) -> str | None:
    """Python source that rebuilds a plain constant, or None when it is not one. ``names``:
    the stand-in's names for the module's own functions (``ACTIVATIONS`` maps names to them)."""
    if id(value) in names:
        return names[id(value)]
    if value is None or type(value) in (bool, int, float, str):
        return repr(value)
    if type(value) is dict and all(type(k) is str for k in value):
        items = {k: _literal(v, names) for k, v in value.items()}
        if None in items.values():
            return None
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in items.items()) + "}"
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return f"_np.array({value.tolist()!r}, dtype={str(value.dtype)!r})"
    if type(value) in (tuple, list):
        items = [_literal(v, names) for v in value]
        if None in items:
            return None
        body = ", ".join(items) + ("," if type(value) is tuple and len(items) == 1 else "")
        return f"({body})" if type(value) is tuple else f"[{body}]"
    if isinstance(value, types.GenericAlias) and typing.get_origin(value) in (list, tuple, dict):
        return typing.get_origin(value).__name__  # a type alias such as Params
    return None


def stand_in_source(module_name: str, withheld: set[str]) -> str:
    """The stand-in of one withheld module: same names, functions that refuse to run."""
    module = importlib.import_module(module_name)
    checker = module_name == "dlcourse.checks" or module_name.startswith("dlcourse.checks.")
    lines = [f'"""{module_name}, withheld while the grader verifies answers."""',
             "import numpy as _np",
             "from dlcourse._withheld import WithheldObject as _WithheldObject",
             "from dlcourse._withheld import withheld as _withheld", ""]
    names: dict[int, str] = {}
    constants = []
    for name, value in sorted(vars(module).items()):
        if name.startswith("__") or isinstance(value, types.ModuleType):
            continue
        origin = getattr(value, "__module__", None)
        if callable(value) and not isinstance(value, types.GenericAlias):
            if checker or origin == module_name:
                lines.append(f"{name} = _withheld({module_name + '.' + name!r})")
                names.setdefault(id(value), name)
            elif isinstance(origin, str) and origin.startswith("dlcourse.") and \
                    hasattr(importlib.import_module(origin), name):
                lines.append(f"from {origin} import {name}")
                names.setdefault(id(value), name)
            continue
        constants.append((name, value))
    for name, value in constants:  # after the functions: a table of them names them
        literal = "{}" if checker and isinstance(value, dict) else _literal(value, names)
        if literal is None and not name.startswith("_"):
            literal = f"_WithheldObject({module_name + '.' + name!r})"
        if literal is not None:
            lines.append(f"{name} = {literal}")
    return "\n".join(lines) + "\n"


def build_view(dest: Path, exercises: typing.Iterable[str]) -> Path:
    """Write the view for verifying ``exercises`` under ``dest``; returns ``dest/dlcourse``."""
    source = package_dir()
    target = Path(dest) / "dlcourse"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (target / "_withheld.py").write_text(WITHHELD_MODULE)
    withheld = set(withheld_modules(exercises))
    for module_name in sorted(withheld):
        module = importlib.import_module(module_name)
        path = Path(inspect.getfile(module)).resolve()
        (target / path.relative_to(source)).write_text(stand_in_source(module_name, withheld))
    for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    for file in target.rglob("*"):
        if file.is_file():
            file.chmod(0o644)
    return target
