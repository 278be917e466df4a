"""The instructor's side of the course, on top of nbgrader.

- ``lessons``: regenerate the student notebooks in ``lessons/`` from ``solutions/``.
- ``python -m autograder grade ASSIGNMENT SUBMISSIONS`` (``__main__``): grade every submission, in
  parallel, each student's code in a sandbox, resumably; nbgrader's own ``autograde`` writes the
  grades. Its modules:

  - ``grade``: the run: plan, preflight, grade, summary;
  - ``course``: the nbgrader course: config loading (the one loader of the package), gradebook,
    recording a student's grades;
  - ``submissions``: finding and checking what students handed in;
  - ``backends``: where notebooks run: a local thread pool or a Dask cluster, behind one interface;
  - ``certificates``: the Dask cluster's TLS certificates, and the checks of ``--scheduler``;
  - ``limits``: the frozen ``Limits`` of a run, their defaults, the options' parsing;
  - ``execute``: one notebook in the sandbox, watched: limits reached, status and reason;
  - ``isolation``: what a kernel sees: the allowlist, turned into a bubblewrap (``bwrap``) command;
  - ``sandbox``: the launcher's stages: ``outer`` (memory cgroup or ``RLIMIT_AS``), ``bwrap``,
    ``inner`` (drop to the grading slot's uid, allowlisted environment);
  - ``cgroups``: a memory cgroup and an equal CPU share per kernel;
  - ``setup_failure``: the mid-run stop when most submissions fail the same instructor cell;
  - ``replay``: the ``Execute`` step nbgrader runs, fed with the sandbox's outputs;
  - ``state``: what was graded, for resuming and for the report;
  - ``verification``: every answer verified outside the kernel, with ``answer_runner`` (the
    process that runs the answers), ``plaindata`` (what may cross back) and ``reference_view``
    (the course package less the answers).

- ``report``: the cohort report (with ``similarity``: near-identical answers); ``feedback``:
  nbgrader's feedback without the hidden tests.
"""
