"""Splitting one video into time spans that workers analyse side by side, at equal cost."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..media.video import Limits, VideoInfo, index_packets, probe
from ..pose.extract import Span, warmup_seconds

MIN_SPAN_S = 1.0
# Decoding a frame without analysing it costs about this fraction of decoding and
# analysing it, per megapixel of frame: ~4 ms of H.264 decoding per megapixel against
# ~45 ms of inference per frame on one core (bench/bench.py prints both).
DECODE_COST_PER_MPX = 0.09


@dataclass(frozen=True)
class SpanPlan:
    info: VideoInfo
    spans: list[Span]
    expected_frames: int


def plan_analysis(
    path: Path,
    parts: int,
    sample_fps: float | None = None,
    limits: Limits = Limits(),
    warmup_s: float | None = None,
    warmup_share: float = 1.0,
) -> SpanPlan:
    """Check a video against the limits and split it for ``parts`` parallel workers, each
    span after the first starting ``warmup_s`` early (by default, MediaPipe's warm-up),
    the model running on ``warmup_share`` of the warm-up's frames."""
    info = probe(path, limits)
    index = index_packets(path, limits)
    share = min(1.0, sample_fps / info.fps) if sample_fps and info.fps else 1.0
    spans = plan_spans(
        info.duration_s or 0.0,
        parts,
        keyframes=index.keyframes,
        analysed_share=share,
        warmup_s=warmup_seconds(info.fps, sample_fps) if warmup_s is None else warmup_s,
        warmup_share=warmup_share,
        decode_cost=min(0.5, DECODE_COST_PER_MPX * info.width * info.height / 1e6),
    )
    return SpanPlan(info=info, spans=spans, expected_frames=index.packets)


def plan_spans(
    duration_s: float,
    parts: int,
    *,
    keyframes: np.ndarray | None = None,
    analysed_share: float = 1.0,
    decode_cost: float = 0.1,
    warmup_s: float = 0.5,
    warmup_share: float = 1.0,
) -> list[Span]:
    """Split ``[0, duration_s)`` into up to ``parts`` spans that cost the same to analyse.

    Equal lengths are not equal work: a span that starts between keyframes first
    decodes its way from the keyframe before it (for a phone clip with one keyframe
    every 10 s that can be seconds of decoding), and every span after the first
    re-runs ``warmup_s`` of frames (the model on ``warmup_share`` of them). Cuts are placed
    so that, under a simple cost model (an analysed frame costs 1, a frame only decoded
    ``decode_cost``), every worker finishes at once. Videos under MIN_SPAN_S per part are
    split into fewer parts.
    """
    parts = max(1, min(parts, int(duration_s // MIN_SPAN_S)))
    if parts == 1:
        return [Span()]
    keys = np.sort(np.asarray(keyframes if keyframes is not None and len(keyframes) else [0.0], dtype=np.float64))

    def cost(a: float, b: float) -> float:  # in seconds of video analysed at full rate
        if a <= 0:
            return (b - a) * (analysed_share + decode_cost)
        warm = max(0.0, a - warmup_s)
        key = keys[max(0, int(np.searchsorted(keys, warm, side="right")) - 1)]
        warming = (a - warm) * (analysed_share * warmup_share + decode_cost)
        return float(warming + (b - a) * (analysed_share + decode_cost) + (warm - min(key, warm)) * decode_cost)

    def cuts_for(budget: float) -> tuple[list[float], float]:
        """Greedy cuts giving each span ``budget``; returns them and the last span's cost."""
        cuts: list[float] = []
        a = 0.0
        for _ in range(parts - 1):
            if cost(a, duration_s) <= budget:
                break
            lo, hi = a, duration_s
            for _ in range(40):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if cost(a, mid) < budget else (lo, mid)
            cuts.append(hi)
            a = hi
        return cuts, cost(a, duration_s)

    lo, hi = 0.0, cost(0.0, duration_s)
    for _ in range(40):
        budget = (lo + hi) / 2
        lo, hi = (budget, hi) if cuts_for(budget)[1] > budget else (lo, budget)
    cuts, _ = cuts_for(hi)
    bounds = [0.0, *cuts]
    return [Span(a, b) for a, b in zip(bounds, [*cuts, None], strict=True)]
