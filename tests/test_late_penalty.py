"""The course's late penalty (autograder/late_penalty.py), as nbgrader's AssignLatePenalties uses it.

tests/test_hub.py sees it at work in a term (a submission seconds late loses 10 %); here, its
arithmetic and that the course's nbgrader_config.py really selects it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.preprocessors import AssignLatePenalties
from traitlets.config import Config, PyFileConfigLoader

from autograder.late_penalty import SECONDS_PER_DAY, PerDayLatePenalty

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("seconds_late,penalty", [
    (0, 0.0),                          # on time
    (-30, 0.0),                        # early
    (1, 1.2),                          # one second late: a day begun
    (SECONDS_PER_DAY, 1.2),            # exactly one day
    (SECONDS_PER_DAY + 1, 2.4),        # a second day begun
    (9 * SECONDS_PER_DAY + 5, 12.0),   # ten days begun: the whole score
    (40 * SECONDS_PER_DAY, 12.0),      # never more than the score
])
def test_ten_percent_of_the_score_per_day_begun(seconds_late, penalty):
    assert PerDayLatePenalty().late_submission_penalty("ada", 12.0, seconds_late) == penalty


def test_the_rate_is_configurable():
    plugin = PerDayLatePenalty(config=Config({"PerDayLatePenalty": {"percent_per_day": 25}}))
    assert plugin.late_submission_penalty("ada", 8.0, 2 * SECONDS_PER_DAY) == 4.0


def test_the_course_configuration_selects_it():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    late = AssignLatePenalties(config=config)
    assert late.plugin_class is PerDayLatePenalty
    assert late.plugin_class(parent=late).percent_per_day == 10
