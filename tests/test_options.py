import math
from dataclasses import replace

import pytest

from dance_analyzer.config import Settings
from dance_analyzer.options import AnalysisOptions


def test_the_defaults_and_the_servers_settings_are_valid_options():
    assert AnalysisOptions().model == "full"
    options = AnalysisOptions.from_settings(Settings(sample_fps=12.5, model="lite"), precision="auto")
    assert (options.sample_fps, options.model, options.precision) == (12.5, "lite", "auto")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sample_fps", math.inf),
        ("sample_fps", math.nan),
        ("sample_fps", 0.0),
        ("sample_fps", -5.0),
        ("min_segment_s", math.inf),
        ("min_segment_s", -0.1),
        ("model", "huge"),
        ("max_people", 0),
        ("max_people", 2.5),
        ("max_people", True),
        ("angle_filter", "kalman"),
        ("precision", "fast"),
    ],
)
def test_options_a_library_caller_builds_are_refused_naming_the_option(field, value):
    # The shells check what users type; a caller of the pipeline (or a stored job) builds
    # the options directly, and an infinite sample rate used to reach the decoder.
    with pytest.raises(ValueError, match=rf"Invalid analysis options: {field} must be .*, not {value!r}"):
        AnalysisOptions(**{field: value})
    with pytest.raises(ValueError, match=field):
        replace(AnalysisOptions(), **{field: value})


def test_the_edges_of_each_range_are_accepted():
    options = AnalysisOptions(sample_fps=0.01, min_segment_s=0.0, max_people=1, model="heavy", angle_filter="none")
    assert (options.sample_fps, options.min_segment_s, options.max_people) == (0.01, 0.0, 1)
