from __future__ import annotations

import pytest

from desktop_app.core.errors import InvalidInput
from desktop_app.service.guide_stats import StepTime


def test_step_times_are_recorded_and_summarised(app):
    first = [StepTime("FUR-STOOL-01", 1, 30.0, 1), StepTime("FUR-STOOL-01", 2, 95.5, 2),
             StepTime("FUR-STOOL-01", 3, 0.0, 0)]
    assert app.guide_stats.record(first) == 2
    app.guide_stats.record([StepTime("FUR-STOOL-01", 1, 50.0, 1), StepTime("FUR-STOOL-01", 2, 9 * 3600, 1)])
    summary = {s.step: s for s in app.guide_stats.summary("FUR-STOOL-01")}
    assert summary[1].sessions == 2 and summary[1].median_seconds == 40.0
    assert summary[2].sessions == 1 and 3 not in summary


def test_bad_timings_are_refused(app):
    with pytest.raises(InvalidInput):
        app.guide_stats.record([StepTime("FUR-STOOL-01", 0, 3.0, 1)])
