"""nbgrader configuration of the course repository.

`solutions/` holds the instructor notebooks (nbgrader's source) and `lessons/` the student
versions (nbgrader's release), so `nbgrader generate_assignment 01-neuron` run here regenerates
`lessons/01-neuron/` from `solutions/01-neuron/` (use `make lessons` for all of them).
"""
c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "dlcourse"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# late work: 10 % of the score per day begun after the assignment's due date (nbgrader db
# assignment add ID --duedate=...), through nbgrader's own late-penalty mechanism
c.AssignLatePenalties.plugin_class = "autograder.late_penalty.PerDayLatePenalty"
c.PerDayLatePenalty.percent_per_day = 10
