"""The machinery every checker shares: exercises as data, checks in layers, messages for beginners.

An :class:`Exercise` is a named list of cases plus a reference implementation and a corpus of
known mistakes. The same object serves the notebook's test cell (``check_NAME(fn)``), the hidden
tests (``hidden=True``), our own test-suite and the grader, so a case is written exactly once.

Each case is checked in layers and stops at the first failure, with its own message:

1. the function runs at all (no exception, no numerical warning);
2. it returns the right kind of thing (a number, an array, not ``None`` or a list);
3. the right dtype and shape;
4. no NaN or infinity where the answer is finite;
5. the right values (within a tolerance stated in the message);
6. it left its inputs alone.

When the answer is wrong, the student's output is compared with the output of each known
mistake on the same case; a match turns into that mistake's hint ("did you forget ``+ b``?").
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..student_code import student_frame, watch_forbidden

__all__ = [
    "Case",
    "CheckFailure",
    "Draw",
    "Exercise",
    "Mistake",
    "Property",
    "RemoteCallable",
    "call_student",
    "compare_arrays",
    "describe",
    "one_number",
]

#: Default tolerances. Stated to the student in words when values differ.
RTOL = 1e-7
ATOL = 1e-10


class CheckFailure(AssertionError):
    """Raised by a checker when the student's code is wrong; the message is for the student."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows: the message under the student's own frames, none of dlcourse's
        (see :mod:`dlcourse.checks.failure_display`)."""
        from .failure_display import render

        return render(self)


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation and the hint a student who made it should read."""

    hint: str
    fn: Callable[..., Any]


#: the grading seed of a check run in the notebook (the grader draws its own, per grading run)
NOTEBOOK_SEED = 0


@dataclass(frozen=True)
class Draw:
    """An input drawn when the check runs: ``make(rng)`` builds it from a NumPy ``Generator``.

    Hidden cases hold draws instead of fixed arrays, so that their inputs depend on the grading
    seed: reading this package tells how hidden inputs are made, never what they are.
    """

    make: Callable[[np.random.Generator], Any]


def redraw(factory: Callable[..., Any], *args: Any, **kwargs: Any) -> Draw:
    """A :class:`Draw` of ``factory(seed, *args, **kwargs)`` with a seed taken from the rng:
    ``redraw(seeded_data, 7)`` is a random vector of 7 values, new for every grading seed."""
    return Draw(lambda rng: factory(int(rng.integers(2**31)), *args, **kwargs))


def _materialize(value: Any, rng: np.random.Generator) -> Any:
    if isinstance(value, Draw):
        return value.make(rng)
    if isinstance(value, tuple):
        return tuple(_materialize(v, rng) for v in value)
    if isinstance(value, list):
        return [_materialize(v, rng) for v in value]
    if isinstance(value, dict):
        return {k: _materialize(v, rng) for k, v in value.items()}
    return value


def case_rng(seed: int, exercise: str, case: str) -> np.random.Generator:
    """The generator of one case's draws: the same seed, exercise and case always give the same
    inputs (crc32, not hash(): Python salts string hashes per process)."""
    entropy = [int(seed) & 0xFFFFFFFFFFFFFFFF, zlib.crc32(exercise.encode()),
               zlib.crc32(case.encode())]
    return np.random.default_rng(np.random.SeedSequence(entropy))


@dataclass(frozen=True)
class Case:
    """One call of the student's function, compared with the reference.

    ``args`` are copied before every call, so neither the reference nor the student can change
    the case for the next run. ``hint`` says what the case isolates and is shown when it fails.
    ``args`` (or any item in it, or a keyword argument) may be a :class:`Draw`: such a case gets
    its inputs when it runs, from the grading seed.
    """

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    hidden: bool = False
    hint: str | None = None
    rtol: float = RTOL
    atol: float = ATOL
    #: argument names, to describe the call ("x: array of shape (3,)"); defaults to the
    #: exercise's parameter names.
    names: tuple[str, ...] | None = None

    @property
    def drawn(self) -> bool:
        """Does this case draw (some of) its inputs from the grading seed?"""
        found = []

        def visit(value: Any) -> None:
            if isinstance(value, Draw):
                found.append(value)
            elif isinstance(value, (tuple, list)):
                for v in value:
                    visit(v)
            elif isinstance(value, dict):
                for v in value.values():
                    visit(v)
        visit(self.args)
        visit(self.kwargs)
        return bool(found)

    def materialize(self, rng: np.random.Generator) -> "Case":
        """This case with every :class:`Draw` replaced by a value drawn from ``rng``."""
        if not self.drawn:
            return self
        return dataclasses.replace(self, args=tuple(_materialize(self.args, rng)),
                                   kwargs=_materialize(self.kwargs, rng))


@dataclass(frozen=True)
class Property:
    """A check that is not "equal to the reference": ``verify(fn)`` returns a message or ``None``.

    Used where many answers are right (random initialisation, training), so the checker tests
    what must hold rather than one value.
    """

    name: str
    verify: Callable[[Callable[..., Any]], str | None]
    hidden: bool = False


# --------------------------------------------------------------------------------------------
# Describing values for a beginner
# --------------------------------------------------------------------------------------------

def _format_array(a: np.ndarray, max_items: int = 12) -> str:
    if a.size <= max_items:
        text = np.array2string(a, precision=6, separator=", ", suppress_small=False)
        return text.replace("\n", "\n" + " " * 12)  # align continuation rows in messages
    return f"array of shape {a.shape}"


def describe(value: Any, *, nested: bool = False) -> str:
    """A short, beginner-readable description of ``value`` (its kind, shape and small values).

    Inside a list or tuple (``nested``) arrays are described by their shape only. Never raises:
    a student may return an object whose ``repr`` fails, or an int too long to print.
    """
    try:
        return _describe(value, nested=nested)
    except Exception:
        return f"an object of type {type(value).__name__}"


def _describe(value: Any, *, nested: bool) -> str:
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value)) if isinstance(value, (float, np.floating)) else str(int(value))
    if isinstance(value, np.ndarray):
        if nested:
            return f"array{value.shape}"
        if value.ndim == 0:
            return f"{value.item()!r} (a 0-d array)"
        body = _format_array(value)
        if body.startswith("array of shape"):
            return f"{body}, dtype {value.dtype}"
        return f"{body} (shape {value.shape}, dtype {value.dtype})"
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if len(value) <= 4:
            return f"a {kind} [" + ", ".join(describe(v, nested=True) for v in value) + "]"
        return f"a {kind} of length {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def describe_call(name: str, params: Sequence[str], case: Case) -> str:
    """``weighted_sum(x, w, b) with x = [1, 2, 3] (shape (3,)), ...``."""
    names = list(case.names or params)
    parts, shown = [], []
    for i, arg in enumerate(case.args):
        pname = names[i] if i < len(names) else f"arg{i}"
        parts.append(pname)
        shown.append(f"{pname} = {describe(arg)}")
    for key, arg in case.kwargs.items():
        parts.append(f"{key}={key}")
        shown.append(f"{key} = {describe(arg)}")
    call = f"{name}({', '.join(parts)})"
    return call + ("\n  with " + "\n       ".join(shown) if shown else "")


# --------------------------------------------------------------------------------------------
# Calling student code safely
# --------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What happened when the student's function was called."""

    value: Any = None
    error: BaseException | None = None
    error_where: str | None = None
    warnings: list[str] = field(default_factory=list)
    stderr: str = ""
    #: the forbidden NumPy functions it called (``Exercise.forbidden``)
    used: list[str] = field(default_factory=list)


class RemoteCallable:
    """The student's function living in another process (the grader's verifier).

    :func:`call_student` hands such a function the call whole, ``remote_call(args, kwargs,
    forbidden, probe)``, and gets back an :class:`Outcome`: the exceptions, warnings and stderr
    text are caught where the student's code runs, and the arguments come back as that code left
    them. ``probe`` (see :mod:`dlcourse.probes`) is run there too, on the student's object.
    """

    def remote_call(self, args: tuple, kwargs: dict, forbidden: tuple[str, ...],
                    probe: str | None = None) -> Outcome:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outcome = self.remote_call(args, kwargs, ())
        if outcome.error is not None:
            raise outcome.error
        return outcome.value


def call_student(fn: Callable[..., Any], args: tuple, kwargs: dict,
                 forbidden: Iterable[str] = (), probe: str | None = None) -> Outcome:
    """Call ``fn`` catching its exceptions, warnings and stderr text, and noting which of the
    ``forbidden`` NumPy functions it called. With a ``probe`` (:mod:`dlcourse.probes`), call
    ``probe(fn, *args, **kwargs)`` instead: the probe drives a framework object for the checker.

    nbgrader scores a test cell 0 when anything reaches stderr, so what the student's code writes
    there (a progress bar, a debug print to sys.stderr) is kept in ``Outcome.stderr`` instead.
    ``args`` and ``kwargs`` are passed as they are: the caller sees what the function did to them.
    """
    if isinstance(fn, RemoteCallable):
        return fn.remote_call(args, kwargs, tuple(forbidden), probe)
    if probe is not None:
        from ..probes import bind

        fn = bind(probe, fn)
    out = Outcome()
    err = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(err), \
            watch_forbidden(forbidden) as used:
        warnings.simplefilter("always")
        try:
            out.value = fn(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # the student's code may raise anything; we report it
            out.error = exc
            out.error_where = student_frame(exc)
    out.stderr = err.getvalue()
    out.used = list(used)
    out.warnings = warning_texts(caught)
    return out


def warning_texts(caught: Iterable[warnings.WarningMessage]) -> list[str]:
    """The warnings a check reports (NumPy's numerical ones, and the student's own)."""
    return [f"{w.category.__name__}: {w.message}" for w in caught
            if issubclass(w.category, (RuntimeWarning, UserWarning, FutureWarning))]


def error_message(fn_name: str, outcome: Outcome) -> tuple[str, str | None]:
    """(what happened, hint) for a call that raised."""
    exc = outcome.error
    assert exc is not None
    if isinstance(exc, NotImplementedError):
        return (f"{fn_name} has not been written yet: it still raises NotImplementedError.",
                "Replace `raise NotImplementedError()` with your code.")
    if isinstance(exc, SystemExit):
        return (f"{fn_name} called exit() (SystemExit), which would stop Python.",
                "Remove the exit()/sys.exit() call: the function should return its result.")
    text = f"{fn_name} raised {type(exc).__name__}: {exc}"
    if outcome.error_where:
        text += f"\n  at {outcome.error_where}"
    hint = None
    msg = str(exc)
    if isinstance(exc, ValueError) and ("shapes" in msg and "not aligned" in msg or "matmul" in msg):
        hint = ("The shapes do not fit a matrix product. For X @ W the number of columns of X "
                "must equal the number of rows of W. In this course X is (n_samples, n_in) and W "
                "is (n_in, n_out), so a layer computes X @ W (not W @ X, nor X @ W.T); print the "
                "shapes to see which is off.")
    elif isinstance(exc, ValueError) and "broadcast" in msg:
        hint = ("Two arrays with incompatible shapes were combined element by element. "
                "Check the shapes, and whether you meant a matrix product (@ or np.dot).")
    elif isinstance(exc, NameError):
        hint = "A name is not defined: did you run the cell that defines it, and spell it the same?"
    elif isinstance(exc, TypeError) and "argument" in msg:
        hint = "Check that your function takes exactly the parameters the exercise names."
    return text, hint


# --------------------------------------------------------------------------------------------
# Comparing results in layers
# --------------------------------------------------------------------------------------------

def _as_numeric_array(value: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(value)
    except Exception:
        return None
    if arr.dtype.kind not in "fiub":
        return None
    return arr


def compare_arrays(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL,
                   what: str = "the result") -> str | None:
    """Compare one numeric result with the expected one, in layers. ``None`` when it matches.

    A scalar expected value accepts a Python number, a NumPy scalar or a 0-d array; an array
    expected value wants a NumPy array of the same shape.
    """
    exp = np.asarray(expected)
    scalar = exp.ndim == 0
    if got is None:
        return f"{what} is None. Did you forget the `return` statement?"
    if isinstance(got, (list, tuple)) and not scalar:
        return (f"{what} is a Python {type(got).__name__}, not a NumPy array. "
                "Return a NumPy array (for example np.array(...), or build it with NumPy operations).")
    if isinstance(got, (bool, np.bool_)) or (isinstance(got, np.ndarray) and got.dtype.kind == "b"):
        return f"{what} is a boolean ({describe(got)}), but a number was expected."
    if scalar:
        arr = _as_numeric_array(got)
        if arr is None or not (isinstance(got, (int, float, np.number)) or isinstance(got, np.ndarray)):
            return f"{what} should be a number, but it is {describe(got)} ({type(got).__name__})."
        if arr.ndim != 0 and arr.size != 1:
            return (f"{what} should be a single number, but it has shape {arr.shape}. "
                    "Did you forget to sum, or sum over the wrong axis?")
        if arr.ndim != 0:
            return (f"{what} should be a single number, but it is an array of shape {arr.shape}. "
                    "Return a number (a 0-d result), not an array holding one value.")
    else:
        if not isinstance(got, np.ndarray):
            return f"{what} should be a NumPy array, but it is {describe(got)} ({type(got).__name__})."
        arr = _as_numeric_array(got)
        if arr is None:
            return f"{what} has dtype {got.dtype}; a numeric (float64) array was expected."
        if arr.shape != exp.shape:
            return f"{what} has shape {arr.shape}, but shape {exp.shape} was expected."
    if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:
        return (f"{what} has dtype {arr.dtype}; the course works in float64. "
                "Avoid converting to float32 (np.float32, .astype('float32')).")
    exp_f = exp.astype(np.float64)
    got_f = arr.astype(np.float64)
    bad_nan = ~np.isfinite(got_f) & np.isfinite(exp_f)
    if bad_nan.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        where = f" at index {idx}" if idx else ""
        return (f"{what} contains {got_f[idx] if idx else got_f.item()} (not a finite number){where} "
                f"where {exp_f[idx] if idx else exp_f.item():.6g} was expected. "
                "This usually means an overflow: np.exp of a large number is inf, and inf/inf is nan.")
    if not np.allclose(got_f, exp_f, rtol=rtol, atol=atol, equal_nan=True):
        diff = np.abs(got_f - exp_f)
        detail = ""
        if not scalar:
            idx = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
            detail = (f"\n  largest difference at index {idx}: expected {exp_f[idx]:.10g}, "
                      f"got {got_f[idx]:.10g}")
        return (f"{what[0].upper()}{what[1:]} has the wrong values.\n"
                f"  expected: {describe(expected if not scalar else exp_f.item())}\n"
                f"  got:      {describe(got if not scalar else got_f.item())}{detail}\n"
                f"  (values must agree to a relative tolerance of {rtol:g} "
                f"or an absolute one of {atol:g})")
    return None


def one_number(what: str, advice: str) -> Callable[..., str | None]:
    """The comparison of an exercise whose answer is one number: an array of per-unit or
    per-sample values gets a message of its own (``advice`` says how to reduce it)."""
    def compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
        if np.ndim(expected) == 0 and isinstance(got, np.ndarray) and got.ndim > 0 \
                and got.dtype.kind in "fiu":
            if got.size == 1:
                return (f"{what[0].upper()}{what[1:]} should be a single number, but it is an "
                        f"array of shape {got.shape} holding one value ({describe(got)}). Return "
                        "a number: float(...) of it, or reduce over every axis.")
            return (f"{what[0].upper()}{what[1:]} should be a single number, but the result is "
                    f"an array of shape {got.shape} ({describe(got)}). {advice}")
        return compare_arrays(expected, got, rtol=rtol, atol=atol, what=what)
    return compare


def _unchanged(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (list, tuple)):
        return (type(before) is type(after) and len(before) == len(after)
                and all(_unchanged(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_unchanged(before[k], after[k]) for k in before)
    if isinstance(before, (int, float, str, np.number)):
        # an element of a list argument can be replaced (sizes[0] = ...); NaN stays NaN
        return type(after) is type(before) and bool(before == after or before != before)
    return True  # callables cannot be changed in place


def _matches(expected_fn: Callable[..., Any], case: Case, got: Any,
             compare: Callable[..., str | None]) -> bool:
    """Does ``got`` equal what ``expected_fn`` returns on this case (quietly)?"""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            wrong = expected_fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except Exception:
            return False
        try:
            return compare(wrong, got, rtol=case.rtol, atol=case.atol) is None
        except Exception:
            return False


# --------------------------------------------------------------------------------------------
# The exercise
# --------------------------------------------------------------------------------------------

@dataclass
class Exercise:
    """A graded function: its reference, its cases and the mistakes we know students make.

    ``compare(expected, got, rtol=, atol=)`` returns a message or ``None``; the default compares
    numbers and arrays. Exercises with structured results (tuples, lists of arrays) pass their own.
    """

    name: str
    params: tuple[str, ...]
    reference: Callable[..., Any] | None
    cases: list[Case | Property]
    mistakes: list[Mistake] = field(default_factory=list)
    compare: Callable[..., str | None] = compare_arrays
    #: names of NumPy functions the exercise forbids (``"tanh"`` for "build tanh from np.exp").
    forbidden: tuple[str, ...] = ()
    #: ``True`` when the answer is a value (``q3_output_shape = ...``), not a function.
    is_value: bool = False
    #: ``"dlcourse.probes.<module>:<function>"`` when the answer is a framework object: each case
    #: calls ``probe(answer, *args, **kwargs)``, which returns plain data (see dlcourse.probes)
    probe: str | None = None
    # The cases drawn for a (hidden, seed) and the reference's result on each: a grader checks
    # hundreds of students on the same draws, and a reference may take a second (train_xor).
    _drawn: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _expected: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def selected(self, hidden: bool, seed: int | None = None) -> list[Case | Property]:
        """The cases to run, their draws made from ``seed`` (:data:`NOTEBOOK_SEED` if None)."""
        seed = NOTEBOOK_SEED if seed is None else seed
        cases = self._drawn.get((hidden, seed))
        if cases is None:
            cases = [c.materialize(case_rng(seed, self.name, c.name)) if isinstance(c, Case)
                     else c for c in self.cases if hidden or not c.hidden]
            if len(self._drawn) >= 8:  # a few seeds at a time, not every one ever used
                self._drawn.clear()
                self._expected.clear()
            self._drawn[(hidden, seed)] = cases
        return cases

    def expected(self, case: Case) -> Any:
        """The reference's result on ``case`` (computed once per drawn case)."""
        assert self.reference is not None
        key = id(case)
        if key not in self._expected or self._expected[key][0] is not case:
            value = (self.reference() if self.is_value else
                     self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
            self._expected[key] = (case, value)
        return self._expected[key][1]

    def check(self, fn: Any, *, hidden: bool = False, seed: int | None = None) -> None:
        """Run the cases; return ``None`` when all pass, raise :class:`CheckFailure` otherwise."""
        failure = self.first_failure(fn, hidden=hidden, seed=seed)
        if failure is not None:
            raise CheckFailure(failure) from None

    def results(self, fn: Any, *, hidden: bool = True,
                seed: int | None = None) -> list[tuple[str, str | None]]:
        """Every case's ``(name, message or None)``; the grader's per-case report."""
        return [(c.name, self._run_case(fn, c)) for c in self.selected(hidden, seed)]

    def first_failure(self, fn: Any, *, hidden: bool = False,
                      seed: int | None = None) -> str | None:
        if not self.is_value:
            problem = self._not_a_function(fn)
            if problem:
                return problem
        for case in self.selected(hidden, seed):
            message = self._run_case(fn, case)
            if message is not None:
                return message
        return None

    # -- internals ---------------------------------------------------------------------------

    def _not_a_function(self, fn: Any) -> str | None:
        if fn is None:
            return (f"{self.name} is None. Define it with `def {self.name}(...):` and run the cell.")
        if not callable(fn):
            return (f"{self.name} should be a function, but it is {describe(fn)} "
                    f"({type(fn).__name__}). Did you overwrite it with a value?")
        return None

    def _header(self, case: Case | Property) -> str:
        hidden = " (a hidden case)" if case.hidden else ""
        return f"{self.name} failed the case '{case.name}'{hidden}."

    def _run_case(self, fn: Any, case: Case | Property) -> str | None:
        if isinstance(case, Property):
            return self._run_property(fn, case)
        expected = self.expected(case)
        if self.is_value:
            problem = self._compare(expected, fn, case)
            return self._format(case, problem, None, hint=self._hint(case, fn))
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        outcome = call_student(fn, args, kwargs, self.forbidden, self.probe)
        call = describe_call(self.name, self.params, case)
        if self.probe is not None:  # the answer is an object the checker builds and runs
            call = call.replace(f"{self.name}(", f"{self.name}, built and run by the checker on (", 1)
        if outcome.error is not None:
            text, hint = error_message(self.name, outcome)
            return self._format(case, text, call, hint=hint)
        if outcome.used:
            used = outcome.used
            return self._format(case, f"{self.name} called np.{used[0]}, which this exercise asks "
                                      f"you not to use.", call,
                                hint="Build it yourself from np.exp; that is the point of the "
                                     "exercise.")
        if outcome.warnings:
            return self._format(case, f"NumPy warned while running {self.name}: "
                                      f"{outcome.warnings[0]}", call,
                                hint=self._hint(case, outcome.value) or
                                "A warning like 'overflow encountered in exp' means an "
                                "intermediate value became infinite. Rewrite the formula so it "
                                "never computes np.exp of a large positive number.")
        problem = self._compare(expected, outcome.value, case)
        if problem is not None:
            return self._format(case, problem, call, hint=self._hint(case, outcome.value))
        for i, (before, after) in enumerate(zip(case.args, args)):
            if not _unchanged(before, after):
                names = case.names or self.params
                pname = names[i] if i < len(names) else f"argument {i}"
                return self._format(
                    case, f"{self.name} changed its input `{pname}` in place.", call,
                    hint="Leave the inputs unchanged: compute a new array (for example "
                         "np.maximum(z, 0) rather than z[z < 0] = 0, or x = x + 1 rather "
                         "than x += 1).")
        return None

    def _compare(self, expected: Any, got: Any, case: Case) -> str | None:
        """``self.compare``, quietly: a hostile result must not make dlcourse warn or raise."""
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                return self.compare(expected, got, rtol=case.rtol, atol=case.atol)
            except Exception as exc:
                return (f"The result is {describe(got)} ({type(got).__name__}), which could not be "
                        f"checked: looking at it raised {type(exc).__name__}. Return the kind of "
                        "value the exercise asks for (a number, a NumPy array, a tuple...).")

    def _run_property(self, fn: Any, prop: Property) -> str | None:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            try:
                problem = prop.verify(fn)
            except (Exception, SystemExit) as exc:
                outcome = Outcome(error=exc, error_where=student_frame(exc))
                text, hint = error_message(self.name, outcome)
                return self._format(prop, text, None, hint=hint)
        return None if problem is None else self._format(prop, problem, None)

    def _hint(self, case: Case, got: Any) -> str | None:
        for mistake in self.mistakes:
            if _matches(mistake.fn, case, got, self.compare):
                return mistake.hint
        return case.hint

    def _format(self, case: Case | Property, problem: str | None, call: str | None, *,
                hint: str | None = None) -> str | None:
        if problem is None:
            return None
        lines = [self._header(case)]
        if call:
            lines.append(f"Called: {call}")
        lines.append(problem)
        if hint:
            lines.append(f"Hint: {hint}")
        return "\n".join(lines)

    def checker(self) -> Callable[..., None]:
        """The public ``check_NAME(fn, *, hidden=False)`` function for this exercise."""
        exercise = self

        def check(fn: Any, *, hidden: bool = False) -> None:
            exercise.check(fn, hidden=hidden)
            shown = len(exercise.selected(hidden))
            print(f"All {shown} checks of {exercise.name} passed." if shown > 1
                  else f"The check of {exercise.name} passed.")

        check.__name__ = check.__qualname__ = f"check_{self.name}"
        kind = "value" if self.is_value else "function"
        check.__doc__ = (f"Check the student's {kind} `{self.name}` against the reference.\n\n"
                         "Returns None when it is right; raises AssertionError with a message that "
                         "names the failing case, what was expected and what came back.\n"
                         "hidden=True also runs the cases the notebook does not show.")
        check.exercise = self  # type: ignore[attr-defined]
        return check


def seeded_data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    """Seeded, uneven float64 test data of ``shape`` (no symmetry or zeros that could hide a
    mistake): the inputs of the lessons' cases."""
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def call_or_raise(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` like :func:`call_student` (warnings and stderr kept back) and return its
    value, or raise what it raised: for properties that call the student's code themselves."""
    outcome = call_student(fn, args, kwargs)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value
