"""Mutation testing of every checker: does each checker reject each small bug of its reference?

For each graded exercise, :mod:`benchmarks.mutants` makes one mutant per single change of the
reference's source (and of the helpers it calls in its own module), each mutant is compiled in a
copy of the reference module's namespace, and the exercise's checker runs on it with
``hidden=True`` (grading seed 0) in a worker process, with a CPU-time limit per mutant. Outcomes:

- killed: the checker raised ``CheckFailure``; timeout: the mutant ran past its time limit
  (counted as killed, reported apart);
- survived: the checker accepted the mutant (a case is missing, or the mutant is equivalent:
  then it is listed, with why, in ``benchmarks/mutation_equivalent.py``);
- not viable: the mutant does not compile or could not be built;
- checker bug: the checker raised something other than ``CheckFailure``.

    .venv/bin/python benchmarks/mutation.py                        # every fast exercise
    .venv/bin/python benchmarks/mutation.py --slow                 # and the training/framework ones
    .venv/bin/python benchmarks/mutation.py --exercises relu,softmax --markdown report.md

A report, not a timed test (``make mutation``). The exit status is 1 when a non-equivalent
mutant survived, a checker leaked an error, or the equivalence list is stale.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import io
import multiprocessing
import os
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

# one BLAS/OpenMP thread per worker: the workers are the parallelism
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.mutants import Mutant, compile_into, mutants_of
from benchmarks.mutation_equivalent import EQUIVALENT

#: exercises whose answer is a value, not code: nothing to mutate
OUT_OF_SCOPE = {
    "q3_output_shape": "a value (a shape tuple), not code: the checker compares one constant",
    "input_dim": "a value (a number), not code: the checker compares one constant",
}
#: where an answer is not the function of the exercise's name in dlcourse.reference.<topic>:
#: exercise -> (the top-level object to mutate, how the answer is made from the namespace)
SPECIAL = {
    "TorchNet": ("_make_torch_net", lambda ns: ns["_make_torch_net"]()),
    "Value": ("Value", lambda ns: ns["Value"]),
}
#: exercises whose checker trains networks or imports a framework: selected by --slow
SLOW = ("train_xor", "perceptron_train", "train_digits_mlp", "TorchNet", "build_keras_model",
        "jax_forward", "copy_torch_to_keras")

#: a mutant's outcomes, as the report counts them
OUTCOMES = ("killed", "timeout", "survived", "equivalent", "not-viable", "checker-bug")


@dataclass
class Plan:
    """One exercise's mutants: its module, the objects mutated and every mutant of each."""

    exercise: str
    module: str
    #: top-level names compiled into the namespace: the answer and its helpers
    objects: list[str]
    mutants: list[tuple[str, Mutant]]  # (top-level object, mutant)


def out_of_scope(exercise: str) -> str | None:
    """Why an exercise is not mutated, or None."""
    from dlcourse.checks import EXERCISES, TOPICS

    if exercise in OUT_OF_SCOPE:
        return OUT_OF_SCOPE[exercise]
    if EXERCISES[exercise].is_value:
        return "a value, not code: the checker compares one constant"
    module = importlib.import_module(f"dlcourse.reference.{TOPICS[exercise]}")
    if not hasattr(module, _answer_object(exercise)):
        return f"no reference {module.__name__}.{_answer_object(exercise)} to mutate"
    return None


def _answer_object(exercise: str) -> str:
    return SPECIAL[exercise][0] if exercise in SPECIAL else exercise


def _helpers(module: Any, name: str) -> list[str]:
    """The functions of ``module`` that ``name`` calls, directly or through each other."""
    import ast

    found: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        tree = ast.parse(_source(module, current))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                obj = getattr(module, node.id, None)
                if (node.id not in found and node.id != name and inspect.isfunction(obj)
                        and obj.__module__ == module.__name__):
                    found.append(node.id)
                    todo.append(node.id)
    return sorted(found)


def _source(module: Any, name: str) -> str:
    import textwrap

    return textwrap.dedent(inspect.getsource(getattr(module, name)))


def plan(exercise: str) -> Plan:
    """The mutants of one exercise (made in the parent: cheap, no framework imported)."""
    from dlcourse.checks import TOPICS

    module_name = f"dlcourse.reference.{TOPICS[exercise]}"
    module = importlib.import_module(module_name)
    answer = _answer_object(exercise)
    # compiled in the module's order: a default argument (neuron's activation=sigmoid) binds
    # the helper defined above it, mutated or not
    objects = sorted([answer] + _helpers(module, answer),
                     key=lambda name: inspect.getsourcelines(getattr(module, name))[1])
    mutants = [(obj, m) for obj in objects for m in mutants_of(_source(module, obj))]
    return Plan(exercise, module_name, objects, mutants)


# --------------------------------------------------------------------------------------------
# In the worker
# --------------------------------------------------------------------------------------------

def build_answer(exercise: str, module_name: str, objects: list[str],
                 replaced: str | None = None, source: str | None = None) -> Any:
    """The answer made from the reference module's source, with ``replaced``'s source swapped
    for ``source`` (a mutant), compiled in a copy of the module's namespace."""
    module = importlib.import_module(module_name)
    namespace = dict(vars(module))
    for obj in objects:
        text = source if obj == replaced else _source(module, obj)
        compile_into(namespace, text, f"<mutant of {module_name}.{obj}>")
    make = SPECIAL[exercise][1] if exercise in SPECIAL else (lambda ns: ns[exercise])
    return make(namespace)


def run_one(exercise: str, module_name: str, objects: list[str], replaced: str | None,
            source: str | None, seed: int) -> tuple[str, str, float]:
    """(outcome, detail, CPU seconds) of the checker on one mutant (``source`` None: the
    original)."""
    from dlcourse.checks import EXERCISES, CheckFailure

    start = time.process_time()
    try:
        answer = build_answer(exercise, module_name, objects, replaced, source)
    except Exception as exc:  # noqa: BLE001 - a mutant that cannot even be built
        return "not-viable", f"{type(exc).__name__}: {exc}", time.process_time() - start
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            EXERCISES[exercise].check(answer, hidden=True, seed=seed)
    except CheckFailure as failure:
        first = str(failure).splitlines()[0]
        return "killed", first, time.process_time() - start
    except BaseException:  # noqa: BLE001 - what a checker must never let out
        return "checker-bug", traceback.format_exc(), time.process_time() - start
    return "survived", "", time.process_time() - start


def _worker(conn: Any) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        try:
            conn.send(run_one(*task))
        except BaseException:  # noqa: BLE001 - the harness itself failed: report it
            conn.send(("checker-bug", "harness: " + traceback.format_exc(), 0.0))


# --------------------------------------------------------------------------------------------
# The pool: worker processes, a time limit per mutant
# --------------------------------------------------------------------------------------------

def _cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, every thread) a process has used so far."""
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


class Pool:
    """``jobs`` worker processes, forked from a clean fork server that has imported the checkers
    (never from the caller, which may run threads: JAX's, in the test-suite); a task that runs
    past its time limit gets its worker killed and replaced.

    The limit is CPU time, not wall-clock time: on a machine shared with other jobs (and under
    ``nice``) a worker may get a fifth of a core, and a wall-clock limit would then call slow but
    finite checks timeouts. A wall-clock cap of 10 times the limit still stops a mutant that
    sleeps or waits."""

    def __init__(self, jobs: int) -> None:
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["dlcourse.checks", "benchmarks.mutation"])
        self.jobs = jobs
        self.workers: list[tuple[Any, Any]] = [self._spawn() for _ in range(jobs)]

    def _spawn(self) -> tuple[Any, Any]:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker, args=(child,), daemon=True)
        process.start()
        child.close()
        return process, parent

    def run(self, tasks: list[tuple[Any, tuple, float]], done: Any) -> None:
        """Run ``(key, task, time limit)`` items; ``done(key, outcome, detail, seconds)``."""
        queue = list(reversed(tasks))
        # worker index -> (key, wall-clock start, CPU time at start, limit)
        busy: dict[int, tuple[Any, float, float, float]] = {}
        while queue or busy:
            for i in range(self.jobs):
                if i not in busy and queue:
                    key, task, limit = queue.pop()
                    cpu = _cpu_seconds(self.workers[i][0].pid)
                    self.workers[i][1].send(task)
                    busy[i] = (key, time.monotonic(), cpu, limit)
            conns = {self.workers[i][1]: i for i in busy}
            for conn in wait(list(conns), timeout=0.5):
                i = conns[conn]
                key = busy.pop(i)[0]
                try:
                    outcome, detail, seconds = conn.recv()
                except EOFError:  # the worker died (a mutant that crashed the interpreter)
                    outcome, detail, seconds = "killed", "the worker process died", 0.0
                    self._replace(i)
                done(key, outcome, detail, seconds)
            now = time.monotonic()
            for i, (key, start, cpu, limit) in list(busy.items()):
                used = _cpu_seconds(self.workers[i][0].pid) - cpu
                if used > limit or now - start > 10 * limit:
                    del busy[i]
                    self._replace(i)
                    done(key, "timeout", f"over {limit:.0f} s of CPU time"
                         if used > limit else f"over {10 * limit:.0f} s", used)

    def _replace(self, i: int) -> None:
        process, conn = self.workers[i]
        process.kill()
        process.join()
        conn.close()
        self.workers[i] = self._spawn()

    def close(self) -> None:
        for process, conn in self.workers:
            with contextlib.suppress(OSError):
                conn.send(None)
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


# --------------------------------------------------------------------------------------------
# The run and the report
# --------------------------------------------------------------------------------------------

@dataclass
class Result:
    exercise: str
    mutant: Mutant
    outcome: str
    detail: str
    seconds: float


def run(exercises: list[str], *, jobs: int = 2, seed: int = 0, timeout: float = 30.0,
        progress: bool = True) -> tuple[list[Result], dict[str, float], list[str]]:
    """Every mutant of ``exercises`` through its checker: (results, the reference's check time
    per exercise, problems of the harness)."""
    plans = {name: plan(name) for name in exercises}
    pool = Pool(jobs)
    problems: list[str] = []
    baseline: dict[str, float] = {}
    results: list[Result] = []
    try:
        # the unmutated answer, compiled the same way, must pass: it checks the harness and
        # measures each exercise (a mutant's time limit is a multiple of it)
        def base_done(key: str, outcome: str, detail: str, seconds: float) -> None:
            baseline[key] = seconds
            if outcome != "survived":
                problems.append(f"{key}: the unmutated reference does not pass its checker "
                                f"({outcome}): {detail}")
        pool.run([(name, (name, p.module, p.objects, None, None, seed), 600.0)
                  for name, p in plans.items()], base_done)
        tasks = []
        for name, p in plans.items():
            if any(problem.startswith(f"{name}:") for problem in problems):
                continue
            limit = max(timeout, 5 * baseline[name] + 5)
            for obj, m in p.mutants:
                tasks.append(((name, m), (name, p.module, p.objects, obj, m.source, seed), limit))
        counter = [0]

        def done(key: tuple[str, Mutant], outcome: str, detail: str, seconds: float) -> None:
            name, m = key
            if outcome == "survived" and (name, m.id) in EQUIVALENT:
                outcome = "equivalent"
            results.append(Result(name, m, outcome, detail, seconds))
            counter[0] += 1
            if progress and (counter[0] % 50 == 0 or counter[0] == len(tasks)):
                print(f"  {counter[0]}/{len(tasks)} mutants", file=sys.stderr, flush=True)
        pool.run(tasks, done)
    finally:
        pool.close()
    known = {(r.exercise, r.mutant.id): r for r in results}
    for name, ident in EQUIVALENT:
        if name not in exercises:
            continue
        if (name, ident) not in known:
            problems.append(f"{name}: the equivalent mutant {ident} no longer exists")
        elif known[(name, ident)].outcome != "equivalent":
            problems.append(f"{name}: the mutant {ident}, listed as equivalent, is "
                            f"{known[(name, ident)].outcome}")
    return results, baseline, problems


def table(results: list[Result], exercises: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name in exercises:
        counts = Counter(r.outcome for r in results if r.exercise == name)
        total = sum(counts.values())
        killed = counts["killed"] + counts["timeout"]
        judged = total - counts["not-viable"] - counts["equivalent"]
        rows.append({"exercise": name, "mutants": total, "killed": killed,
                     "timeout": counts["timeout"], "not_viable": counts["not-viable"],
                     "equivalent": counts["equivalent"], "survivors": counts["survived"],
                     "checker_bugs": counts["checker-bug"],
                     "rate": killed / judged if judged else 1.0})
    return rows


def _total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = {k: sum(r[k] for r in rows) for k in ("mutants", "killed", "timeout", "not_viable",
                                                  "equivalent", "survivors", "checker_bugs")}
    judged = total["mutants"] - total["not_viable"] - total["equivalent"]
    total["exercise"] = "**total**"
    total["rate"] = total["killed"] / judged if judged else 1.0
    return total


def render_text(rows: list[dict[str, Any]], results: list[Result], problems: list[str],
                seconds: float) -> str:
    lines = [(f"{'exercise':<26} {'mutants':>7} {'killed':>7} {'timeout':>7} {'n-viable':>8} "
              f"{'equiv':>6} {'surv':>5} {'bugs':>5} {'kill rate':>9}")]
    for r in rows + [_total(rows)]:
        lines.append(f"{r['exercise'].strip('*'):<26} {r['mutants']:>7} {r['killed']:>7} "
                     f"{r['timeout']:>7} {r['not_viable']:>8} {r['equivalent']:>6} "
                     f"{r['survivors']:>5} {r['checker_bugs']:>5} {r['rate']:>9.1%}")
    lines.append(f"({seconds:.0f} s; kill rate = (killed + timeout) / (mutants - not viable - "
                 "equivalent))")
    survivors = [r for r in results if r.outcome == "survived"]
    if survivors:
        lines.append("\nSurvivors:")
        lines += [f"  {r.exercise}  {r.mutant.id}\n      {r.mutant.code}" for r in survivors]
    timeouts = [r for r in results if r.outcome == "timeout"]
    if timeouts:
        lines.append("\nTimeouts (counted as killed):")
        lines += [f"  {r.exercise}  {r.mutant.id} ({r.detail})\n      {r.mutant.code}"
                  for r in timeouts]
    bugs = [r for r in results if r.outcome == "checker-bug"]
    if bugs:
        lines.append("\nChecker bugs (an error other than CheckFailure):")
        lines += [f"  {r.exercise}  {r.mutant.id}\n{r.detail}" for r in bugs]
    if problems:
        lines.append("\nProblems:")
        lines += [f"  {p}" for p in problems]
    return "\n".join(lines)


def render_markdown(rows: list[dict[str, Any]], results: list[Result], problems: list[str],
                    seconds: float, jobs: int) -> str:
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    out = [("| exercise | mutants | killed (timeout) | not viable | equivalent | survivors | "
            "kill rate of non-equivalent |"), "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows + [_total(rows)]:
        out.append(f"| {r['exercise']} | {r['mutants']} | {r['killed']} ({r['timeout']}) | "
                   f"{r['not_viable']} | {r['equivalent']} | {r['survivors']} | "
                   f"{r['rate']:.1%} |")
    out.append("")
    out.append(f"Run on {date}, {jobs} worker(s), {seconds:.0f} s.")
    survivors = [r for r in results if r.outcome == "survived"]
    if survivors:
        out.append("\nSurvivors:\n")
        out += [f"- `{r.exercise}` `{r.mutant.id}`: `{r.mutant.code}`" for r in survivors]
    timeouts = [r for r in results if r.outcome == "timeout"]
    if timeouts:
        out.append("\nTimeouts (counted as killed):\n")
        out += [f"- `{r.exercise}` `{r.mutant.id}` ({r.detail})" for r in timeouts]
    bugs = [r for r in results if r.outcome == "checker-bug"]
    if bugs:
        out.append("\nChecker bugs:\n")
        out += [f"- `{r.exercise}` `{r.mutant.id}`" for r in bugs]
    if problems:
        out.append("\nProblems:\n")
        out += [f"- {p}" for p in problems]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    from dlcourse.checks import EXERCISES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exercises", help="comma-separated exercise names (default: all)")
    parser.add_argument("--slow", action="store_true",
                        help=f"also the slow exercises ({', '.join(SLOW)})")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="CPU seconds per mutant, at least (default 30; the limit is also at "
                             "least 5 times the reference's check + 5 s)")
    parser.add_argument("--seed", type=int, default=0, help="the grading seed (default 0)")
    parser.add_argument("--markdown", type=Path, help="also write the report as markdown here")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)

    if args.exercises:
        names = [n.strip() for n in args.exercises.split(",") if n.strip()]
        unknown = [n for n in names if n not in EXERCISES]
        if unknown:
            parser.error(f"unknown exercises: {', '.join(unknown)}")
    else:
        names = [n for n in EXERCISES if args.slow or n not in SLOW]
    skipped = {n: out_of_scope(n) for n in names if out_of_scope(n)}
    names = [n for n in names if n not in skipped]
    if args.list:
        for name in names:
            for obj, m in plan(name).mutants:
                print(f"{name}  {m.id}  | {m.code}")
        return 0
    start = time.perf_counter()
    results, _, problems = run(names, jobs=args.jobs, seed=args.seed, timeout=args.timeout)
    seconds = time.perf_counter() - start
    rows = table(results, names)
    print(render_text(rows, results, problems, seconds))
    for name, why in skipped.items():
        print(f"not mutated: {name}: {why}")
    if args.markdown:
        args.markdown.write_text(render_markdown(rows, results, problems, seconds, args.jobs))
    bad = any(r.outcome in ("survived", "checker-bug") for r in results) or problems
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
