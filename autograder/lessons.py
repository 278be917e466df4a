"""Generate the student notebooks (``lessons/``) from the instructor notebooks (``solutions/``).

nbgrader's ``generate_assignment`` does the work (it removes solutions, hidden tests and mark
schemes, clears outputs, locks cells and records checksums); this module only runs it for every
assignment, into ``lessons/`` or into another folder (the drift test compares the two).

    python -m autograder.lessons            # regenerate lessons/
    python -m autograder.lessons --into DIR # write the student versions into DIR instead
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def assignments(root: Path = ROOT) -> list[str]:
    """Assignment ids: the folders of ``solutions/`` that hold a notebook, in order."""
    source = root / "solutions"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def generate(into: Path | None = None, root: Path = ROOT, ids: list[str] | None = None) -> Path:
    """Run ``nbgrader generate_assignment`` for each assignment; return the release folder."""
    release = Path(into) if into is not None else root / "lessons"
    env = dict(os.environ)
    # nbgrader finds its helpers (alembic) on PATH: put this interpreter's bin/ first.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for assignment in ids or assignments(root):
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment,
               "--no-db", "--force", "--log-level=WARN",
               f"--CourseDirectory.root={root}",
               f"--CourseDirectory.release_directory={release.resolve()}"]
        result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n"
                               f"{result.stdout}\n{result.stderr}")
    return release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.lessons", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--into", type=Path, help="write the student versions here, not lessons/")
    parser.add_argument("ids", nargs="*", help="assignment ids (default: all in solutions/)")
    args = parser.parse_args(argv)
    try:
        release = generate(args.into, ids=args.ids or None)
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"student notebooks written to {release}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
