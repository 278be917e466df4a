"""Command line: ``python -m autograder grade ASSIGNMENT SUBMISSIONS [options]``."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# nbgrader and nbformat take seconds to import: `grade` is imported once the arguments are read
from .limits import (DEFAULT_MAX_PROCESSES, DEFAULT_MEMORY_LIMIT, DEFAULT_NOTEBOOK_TIMEOUT,
                     DEFAULT_OUTPUT_LIMIT, duration, memory_size, process_count)
from .submissions import DEFAULT_FILENAME_REGEX

DESCRIPTION = """\
Grade every submission of ASSIGNMENT with nbgrader, in parallel, each student's code in a sandbox.

SUBMISSIONS is nbgrader's layout, SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb (with an
optional timestamp.txt), or the flat files of an LMS download, SUBMISSIONS/<student>_<notebook>.ipynb
(see --filename-regex); the files there are only read. Grades go to the course's gradebook through
nbgrader's own `autograde`; the autograded notebooks to <course>/autograded/ as usual.

Each kernel runs as an unprivileged user in a bubblewrap sandbox that holds only an allowlist
(the system, Python, the course package, its own files): no network, no gradebook, no source
notebooks, no other students' files; every process it starts is killed when its grading ends. A
kernel that crashes, runs too long or passes a limit (memory, disk, processes, output) is
stopped: the cells that ran are graded, the rest score zero, and the reason is recorded.

Stopping (Ctrl-C) or killing the grader loses nothing: run the same command again and only the
missing or changed submissions are graded. The state is in <course>/.autograder/<assignment>/.
"""

EPILOG = """\
examples:
  python -m autograder grade 01-neuron submitted/
  python -m autograder grade 01-neuron ~/Downloads/moodle-01/ --filename-regex '(?P<student_id>[^_]+)_(?P<file_id>.+)'
  python -m autograder grade 01-neuron submitted/ --workers 8 --memory-limit 4G --cell-timeout 120
  python -m autograder grade 01-neuron submitted/ --db-url postgresql://grader@db/course \\
      --scheduler tls://10.0.0.5:8786 \\
      --tls-ca-file tls/ca.pem --tls-cert tls/client.pem --tls-key tls/client-key.pem
  python -m autograder certificates tls/ --hostname 10.0.0.5   (makes those files; see its --help)
"""

CERTIFICATES_DESCRIPTION = """\
Make the TLS certificates of a Dask cluster for `grade --scheduler tls://...`, in DIR: a new CA
(ca.pem), a certificate and key it signs for the scheduler and every worker (scheduler.pem,
scheduler-key.pem) and one for the grader (client.pem, client-key.pem). Keys are written mode
0600; existing files are never overwritten. The CA's key is not kept: to add a machine, make a
new folder and give its files to every machine. Prints the `dask scheduler`, `dask worker` and
`grade` command lines to run next.
"""

def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def regex(text: str) -> str:
    try:
        compiled = re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a regular expression: {exc}") from None
    missing = {"student_id", "file_id"} - set(compiled.groupindex)
    if missing:
        raise argparse.ArgumentTypeError(
            f"{text!r} needs the named groups (?P<student_id>...) and (?P<file_id>...); "
            f"missing: {', '.join(sorted(missing))}")
    return text


def seed_value(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed: a whole number from 0 to 2**63 - 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="The instructor's tools of the dlcourse course.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    g = sub.add_parser("grade", help="grade all submissions of an assignment (parallel, sandboxed)",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("assignment", metavar="ASSIGNMENT", help="assignment id, e.g. 01-neuron")
    g.add_argument("submissions", metavar="SUBMISSIONS", type=Path,
                   help="folder of the submissions (nbgrader's layout or flat LMS files)")
    g.add_argument("--course", type=Path, default=Path("."), metavar="DIR",
                   help="the nbgrader course directory (default: the current folder)")
    g.add_argument("--workers", type=positive_int, metavar="N",
                   help="kernels run at once (default: the number of CPUs, or with --scheduler "
                        "the cluster's worker threads)")
    g.add_argument("--cell-timeout", type=duration, metavar="SECONDS",
                   help="time a cell may run before it is interrupted and scores zero (default: "
                        "the course's Execute.timeout, nbgrader's 30 s when not set)")
    g.add_argument("--notebook-timeout", type=duration, default=DEFAULT_NOTEBOOK_TIMEOUT,
                   metavar="SECONDS", help="time a whole notebook may run, kernel start included "
                                           f"(default: {DEFAULT_NOTEBOOK_TIMEOUT:g} s)")
    g.add_argument("--memory-limit", type=memory_size, default=DEFAULT_MEMORY_LIMIT, metavar="SIZE",
                   help="memory of one kernel, everything it starts and the files it writes (a "
                        "memory cgroup where the machine has one), e.g. 512M or 4G "
                        f"(default: {DEFAULT_MEMORY_LIMIT >> 30}G)")
    g.add_argument("--disk-limit", type=memory_size, metavar="SIZE",
                   help="room for files in the kernel's working folder and /tmp (a tmpfs; "
                        "default: the memory limit)")
    g.add_argument("--max-processes", type=process_count, default=DEFAULT_MAX_PROCESSES,
                   metavar="N", help="processes and threads one kernel may run at once "
                                     f"(default: {DEFAULT_MAX_PROCESSES})")
    g.add_argument("--output-limit", type=memory_size, default=DEFAULT_OUTPUT_LIMIT,
                   metavar="SIZE", help=argparse.SUPPRESS)
    g.add_argument("--isolation", choices=["auto", "namespaces", "none"], default="auto",
                   help="'namespaces': each kernel in a bubblewrap sandbox as an unprivileged user "
                        "(needs root and bubblewrap); 'none': NO protection, the student's code can do anything "
                        "this account can (only for trusted code or a throw-away VM); 'auto' "
                        "(default): namespaces, or stop with an error when they are unavailable")
    g.add_argument("--filename-regex", type=regex, default=DEFAULT_FILENAME_REGEX, metavar="REGEX",
                   help="how flat LMS file names split into student and notebook, as for nbgrader "
                        "zip_collect's FileNameCollector (default: %(default)r)")
    g.add_argument("--db-url", metavar="URL",
                   help="the gradebook (nbgrader's CourseDirectory.db_url), e.g. "
                        "postgresql://user@host/db (default: the course's, sqlite gradebook.db)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the kernels on a Dask cluster, e.g. tls://10.0.0.5:8786 (its workers "
                        "need this Python environment and root); grades are still recorded here. "
                        "A tls:// address needs --tls-ca-file, --tls-cert and --tls-key; any "
                        "other is refused unless --insecure is given")
    g.add_argument("--tls-ca-file", type=Path, metavar="FILE",
                   help="the Dask cluster's CA certificate (ca.pem of `python -m autograder "
                        "certificates`)")
    g.add_argument("--tls-cert", type=Path, metavar="FILE",
                   help="the grader's certificate, signed by that CA (client.pem)")
    g.add_argument("--tls-key", type=Path, metavar="FILE",
                   help="the grader's private key (client-key.pem)")
    g.add_argument("--insecure", action="store_true",
                   help="accept a plain tcp:// scheduler: no encryption, no authentication, so "
                        "anyone who can connect to it runs code as root on its workers (only on "
                        "a network nobody else can reach)")
    g.add_argument("--seed", type=seed_value, metavar="N",
                   help="the grading seed the hidden cases are drawn from (default: the one this "
                        "assignment's state recorded, or a new random one); a new seed regrades "
                        "every submission")
    g.add_argument("--no-report", dest="report", action="store_false",
                   help="do not write the cohort report and the feedback at the end")
    g.add_argument("--no-preflight", dest="preflight", action="store_false",
                   help="do not grade the instructor's solution first (by default a run stops, "
                        "recording nothing, when the solution loses points through the grader)")
    c = sub.add_parser("certificates", help="make the TLS certificates of a Dask cluster "
                                            "(for grade --scheduler tls://...)",
                       description=CERTIFICATES_DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("folder", metavar="DIR", type=Path, help="where to write them (made if needed)")
    c.add_argument("--hostname", action="append", metavar="H",
                   help="a name or IP address of the scheduler or a worker, for the certificate "
                        "(repeat it; default: this machine's names; Dask itself checks only the "
                        "CA's signature)")
    c.add_argument("--days", type=positive_int, default=365, metavar="N",
                   help="how long the certificates are valid (default: %(default)s days)")
    return parser


def certificates(args) -> int:
    """``python -m autograder certificates DIR``: write them, say what to run next."""
    from .certificates import make_certificates, next_steps

    try:
        paths = make_certificates(args.folder, args.hostname, args.days)
    except FileExistsError as exc:
        print(f"python -m autograder certificates: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    print(next_steps(paths))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "certificates":
        return certificates(args)
    from .certificates import check_scheduler_options
    try:  # before the seconds of importing nbgrader
        check_scheduler_options(args.scheduler, args.tls_ca_file, args.tls_cert, args.tls_key,
                                args.insecure)
    except ValueError as exc:
        print(f"python -m autograder grade: error: {exc}", file=sys.stderr)
        return 2
    from .grade import Options, UsageError, grade

    options = Options(assignment=args.assignment, submissions=args.submissions, course=args.course,
                      workers=args.workers, cell_timeout=args.cell_timeout,
                      notebook_timeout=args.notebook_timeout, memory_limit=args.memory_limit,
                      output_limit=args.output_limit, disk_limit=args.disk_limit,
                      max_processes=args.max_processes, isolation=args.isolation,
                      filename_regex=args.filename_regex, db_url=args.db_url,
                      scheduler=args.scheduler, tls_ca_file=args.tls_ca_file,
                      tls_cert=args.tls_cert, tls_key=args.tls_key, insecure=args.insecure,
                      report=args.report, seed=args.seed,
                      preflight=args.preflight)
    try:
        return grade(options)
    except UsageError as exc:
        print(f"python -m autograder grade: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before grading started: nothing was recorded
        print("\ninterrupted before any grading; nothing recorded", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
