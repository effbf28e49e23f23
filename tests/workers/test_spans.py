"""Splitting a video into spans of equal cost, checked against a cost model written out here."""

import numpy as np
import pytest

from dance_analyzer.pose.extract import Span
from dance_analyzer.workers.spans import MIN_SPAN_S, plan_spans


def bounds(spans: list[Span], duration: float) -> list[tuple[float, float]]:
    return [(s.start_s, duration if s.end_s is None else s.end_s) for s in spans]


DECODE_COST = 0.1  # plan_spans' defaults
WARMUP_S = 0.5


def modelled_cost(
    start: float,
    end: float,
    keyframes: np.ndarray,
    share: float = 1.0,
    warmup_s: float = WARMUP_S,
    warmup_share: float = 1.0,
) -> float:
    """The cost a worker pays for a span, written out independently of the planner."""
    if start == 0:
        return (end - start) * (share + DECODE_COST)
    warm = start - warmup_s
    previous_key = keyframes[keyframes <= warm].max()
    warming = warmup_s * (share * warmup_share + DECODE_COST)
    return warming + (end - start) * (share + DECODE_COST) + (warm - previous_key) * DECODE_COST


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_spans_are_contiguous_and_cover_the_video(parts):
    spans = plan_spans(60.0, parts, keyframes=np.arange(0, 60, 2.0))
    assert len(spans) == parts
    assert spans[0].start_s == 0 and spans[-1].end_s is None
    for left, right in zip(spans, spans[1:], strict=False):
        assert left.end_s == right.start_s
        assert left.start_s < left.end_s


def test_short_videos_are_not_split_below_the_minimum_span():
    assert plan_spans(MIN_SPAN_S * 1.5, 4) == [Span()]
    assert len(plan_spans(MIN_SPAN_S * 2.5, 4)) == 2
    assert plan_spans(100.0, 1) == [Span()]


def test_with_frequent_keyframes_spans_are_nearly_equal():
    spans = plan_spans(20.0, 2, keyframes=np.arange(0, 20, 0.5))
    (a, b), (c, d) = bounds(spans, 20.0)
    # The second span also analyses WARMUP_S early; nothing else differs.
    assert b == pytest.approx(10.0 + WARMUP_S / 2, abs=0.2)


def test_a_span_that_must_decode_from_a_distant_keyframe_is_shorter_and_costs_the_same():
    keyframes = np.array([0.0, 10.4])  # a typical phone clip: one keyframe every ~10 s
    spans = plan_spans(12.0, 2, keyframes=keyframes)
    (a, b), (c, d) = bounds(spans, 12.0)
    assert d - c < b - a
    assert modelled_cost(a, b, keyframes) == pytest.approx(modelled_cost(c, d, keyframes), rel=1e-3)


def test_sampling_makes_decoding_weigh_more_in_the_balance():
    keyframes = np.array([0.0, 10.4])
    every_frame = bounds(plan_spans(12.0, 2, keyframes=keyframes), 12.0)
    sampled = bounds(plan_spans(12.0, 2, keyframes=keyframes, analysed_share=0.25), 12.0)
    assert sampled[0][1] > every_frame[0][1]
    first, second = (modelled_cost(a, b, keyframes, 0.25) for a, b in sampled)
    assert first == pytest.approx(second, rel=1e-3)


def test_a_warm_up_analysed_on_fewer_frames_gives_the_later_span_more_of_the_video():
    """People are followed into a span from 2 s early, the model on a share of those frames
    (pose.crowd): the cut moves earlier, and both workers still pay the same."""
    keyframes = np.arange(0, 20, 0.5)
    every = bounds(plan_spans(20.0, 2, keyframes=keyframes, warmup_s=2.0), 20.0)
    light = bounds(plan_spans(20.0, 2, keyframes=keyframes, warmup_s=2.0, warmup_share=0.25), 20.0)
    assert light[0][1] < every[0][1]
    first, second = (modelled_cost(a, b, keyframes, warmup_s=2.0, warmup_share=0.25) for a, b in light)
    assert first == pytest.approx(second, rel=1e-3)
