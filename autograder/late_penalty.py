"""The course's late penalty, a plugin of nbgrader's own late-submission mechanism.

nbgrader compares each submission's time (``timestamp.txt``, written by ``nbgrader submit`` and
kept by ``nbgrader collect``) with the assignment's due date in the gradebook (``nbgrader db
assignment add ID --duedate=...``) and, for a late one, asks the plugin for the penalty; the
gradebook keeps the raw score, the penalty and the score (``nbgrader export``'s columns)::

    c.AssignLatePenalties.plugin_class = "autograder.late_penalty.PerDayLatePenalty"
    c.PerDayLatePenalty.percent_per_day = 10      # the course's nbgrader_config.py

A submission one second late loses as much as one 23 hours late: each day begun counts.
"""
from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

SECONDS_PER_DAY = 24 * 60 * 60


class PerDayLatePenalty(LateSubmissionPlugin):
    """``percent_per_day`` of the notebook's score for each day begun after the due date."""

    percent_per_day = Float(10.0, help="the share of the score lost per day begun late, in %"
                            ).tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float:
        if total_seconds_late <= 0:
            return 0.0
        days = math.ceil(total_seconds_late / SECONDS_PER_DAY)
        penalty = min(score, score * self.percent_per_day / 100 * days)
        self.log.info("%s is %d day(s) late: penalty %.2f of %.2f", student_id, days, penalty,
                      score)
        return round(penalty, 2)
