"""The instructor's side of the course, on top of nbgrader.

- ``autograder.lessons``: regenerate the student notebooks in ``lessons/`` from ``solutions/``.
- ``python -m autograder grade ASSIGNMENT SUBMISSIONS``: grade every submission, in parallel, each
  student's code in a sandbox, resumably; the grades are written by nbgrader's own ``autograde``.
  Its parts: ``grade`` (the run: stage, execute, record, resume, summary), ``submissions``
  (finding and checking what students handed in), ``execute`` (one notebook in the sandbox,
  watched), ``verification`` (every answer verified outside the kernel, with ``answer_runner``,
  ``plaindata`` and ``reference_view``), ``sandbox`` (the kernel's namespaces, masks and
  unprivileged user), ``replay`` (the
  ``Execute`` step nbgrader runs, fed with the sandbox's outputs), ``state`` (what was graded,
  for resuming and for the report), ``limits`` (time and memory limits).
- ``autograder.report``: the cohort report (with ``similarity``: near-identical answers);
  ``autograder.feedback``: feedback without hidden tests.
"""
