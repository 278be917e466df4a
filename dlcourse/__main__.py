"""``python -m dlcourse check NOTEBOOK...`` and ``python -m dlcourse doctor``.

``check`` runs a notebook the way the grader will and says, exercise by exercise, what it would
find (:mod:`dlcourse.notebook_check`); ``doctor`` says what this environment has
(:mod:`dlcourse.doctor`). Exit status 2 means bad input.
"""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dlcourse",
                                     description="The deep learning course's helper commands.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check", help="check a notebook (or every notebook of a folder) the way the grader will",
        description="Run each notebook in a fresh kernel with the grader's time limits, verify "
                    "every exercise as the grader does, and print one line per exercise and the "
                    "points. Exit status: 0 all passed, 1 something did not, 2 bad input.")
    from .notebook_check import add_arguments

    add_arguments(check)
    commands.add_parser("doctor", help="what this environment has: versions, CPU threads, "
                                       "CUDA devices, nbgrader's extensions, lessons up to date",
                        add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["doctor"]:  # its options are its own
        from .doctor import main as doctor_main

        return doctor_main(argv[1:])
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, a usage error is 2
        return int(exc.code or 0)
    from .notebook_check import run

    try:
        return run(args)
    except BrokenPipeError:  # `... | head`: the reader left
        sys.stdout = None
        return 1
    except KeyboardInterrupt:
        print("python -m dlcourse check: stopped (Ctrl-C)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
