"""Everyone in a video, read in time spans side by side and joined into one cast.

Following people does not need the whole past, only the last frame's landmarks, so a
video can be split like single-person extraction (:mod:`workers.spans`): each span
starts its own tracker a little early (the warm-up, ``WARMUP_S``) and runs to
its end. Joining then decides who is who across each cut. During the warm-up both
spans saw the same frames, so a person of the later span is the one of the earlier
span whose body lies on theirs there (Hungarian method over the median body distance);
someone the later span only found a moment after the cut is matched back as a person
lost for a moment would be (:func:`pose.associate.match_lost`). Only then are people
present too briefly left out, ids given in order of appearance and the main dancer
chosen, on the whole video, exactly as for one span.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ..media.shots import ShotRows, starts_of
from ..media.video import Limits, VideoInfo, iter_frames, probe
from .adaptive import Pending, Refinement, follow_adaptively, warm_up
from .associate import FORBIDDEN, SAME_BODY, body_distance, match_lost, to_pixels, torso_length
from .extract import INFERENCE_MAX_SIDE, Span
from .landmarks import NUM_LANDMARKS
from .people import People, PeopleOptions, PeopleTracker, Person

ProgressFn = Callable[[int, int | None], None]

# How early a span after the first starts following people. Unlike MediaPipe's smoothing
# (a dozen frames), a person is only followed once the detector has found them, and the
# detector misses bodies in unusual shapes (a flip, a floor move) that tracking carries
# through: starting a couple of seconds before the cut lets the later span find everyone
# while they are easier to see. It is also the stretch both spans see, for the join.
WARMUP_S = 2.0
# The warm-up's frames only start the tracking: even when every frame of the span is
# analysed, the model runs on them only as often as the tracking needs (pose.adaptive).
WARMUP = Refinement()
WARMUP_SHARE = 0.5  # about the share of its frames the model runs on: for planning spans


def track_span(
    path: Path,
    tracker: PeopleTracker,
    *,
    span: Span = Span(),
    info: VideoInfo | None = None,
    sample_fps: float | None = None,
    limits: Limits = Limits(),
    on_progress: ProgressFn | None = None,
    interrupt: Callable[[], None] | None = None,
    decoder_threads: int = 0,
    refinement: Refinement | None = None,
) -> People:
    """The people of one span, every track kept, warm-up rows first (``People.warmup``);
    read by the repo's decoder as :func:`pose.extract.extract_landmarks` reads it. With a
    ``refinement``, the model runs only on the frames it asks for (:mod:`pose.adaptive`)."""
    info = info or probe(path, limits)
    expected = info.frame_count or None
    tracker.reset()
    warm_start = max(0.0, span.start_s - WARMUP_S)
    indices: list[int] = []
    times: list[float] = []
    shots = ShotRows()
    warmup = decoded = 0
    last_t = prev_t = span.start_s
    frames = iter_frames(
        path,
        start_s=warm_start,
        end_s=span.end_s,
        sample_fps=sample_fps,
        max_side=INFERENCE_MAX_SIDE,
        limits=limits,
        decoder_threads=decoder_threads,
        lazy=refinement is not None or warm_start < span.start_s,
    )

    def sampled() -> Iterator[Pending]:
        nonlocal warmup, decoded, last_t, prev_t
        for frame in frames:
            if interrupt is not None:
                interrupt()  # raises to stop: a withdrawn job frees its worker
            warming_up = frame.t < span.start_s - 1e-6
            if not warming_up:
                decoded += 1
                prev_t, last_t = last_t, frame.t
            shots.decoded(frame.change)
            picture = frame.convert or (functools.partial(_given, frame.image) if frame.image is not None else None)
            if picture is None:
                continue
            warmup += warming_up
            indices.append(decoded - 1)
            times.append(frame.t)
            shots.row(frame.blank)
            if on_progress is not None and not warming_up:
                on_progress(decoded, expected)
            yield Pending(len(times) - 1, frame.t, picture, warming_up)

    analysed = None
    aspect = info.width / info.height if info.height else 1.0
    stride = (refinement or WARMUP).stride(1.0 / min(info.fps or 30.0, sample_fps or math.inf))
    if refinement is not None and stride > 1:
        analysed = follow_adaptively(tracker, sampled(), refinement, stride, aspect)
    else:  # every frame, or frames already as far apart as a coarse stride
        rest: Iterator[Pending] = sampled()
        if warm_start < span.start_s and stride > 1:
            analysed, first = warm_up(tracker, rest, WARMUP, stride, aspect)
            rest = itertools.chain([first] if first is not None else [], rest)
        for pending in rest:
            tracker.step(pending.picture(), pending.t, row=pending.row)
    if analysed is not None:
        analysed = np.concatenate([analysed, np.ones(len(times) - len(analysed), bool)])
    step = (last_t - prev_t) if decoded > 1 else (1.0 / info.fps if info.fps else 0.0)
    duration = last_t + step if decoded else 0.0
    people = tracker.people(info, decoded, duration, np.asarray(indices), np.asarray(times), warmup, analysed)
    # The warm-up's skipped rows are filled in now; past it, every frame was analysed.
    return dataclasses.replace(
        people, shot_starts=shots.starts(), analysed=people.analysed if refinement is not None else None
    )


def _given(image: np.ndarray) -> np.ndarray:
    return image


def track_people(
    path: Path,
    tracker: PeopleTracker,
    *,
    sample_fps: float | None = None,
    limits: Limits = Limits(),
    on_progress: ProgressFn | None = None,
    interrupt: Callable[[], None] | None = None,
    refinement: Refinement | None = None,
) -> People:
    """Everyone in a whole video, in this process."""
    part = track_span(
        path,
        tracker,
        sample_fps=sample_fps,
        limits=limits,
        on_progress=on_progress,
        interrupt=interrupt,
        refinement=refinement,
    )
    return join_people([part], tracker.options)


def join_people(parts: list[People], options: PeopleOptions) -> People:
    """One cast from consecutive spans' people: who is who across each cut, then the
    people present at least ``options.min_present_s``, numbered in order of appearance,
    and the main dancer."""
    first = parts[0]
    counts = [len(p.times) - p.warmup for p in parts]
    rows = np.cumsum([0, *counts])
    frame_offsets = np.cumsum([0] + [p.total_frames for p in parts[:-1]])
    indices = np.concatenate([p.indices[p.warmup :] + off for p, off in zip(parts, frame_offsets, strict=True)])
    times = np.concatenate([p.times[p.warmup :] for p in parts])
    total = int(rows[-1])
    analysed = (
        None
        if all(p.analysed is None for p in parts)
        else np.concatenate([p.analysed_rows()[p.warmup :] for p in parts])
    )
    shots = np.concatenate([starts_of(p.shot_starts, len(p.times))[p.warmup :] for p in parts]) if total else None

    chains: list[list[tuple[int, Person]]] = []
    owner: dict[tuple[int, int], int] = {}  # (part, person id) -> chain
    for k, part in enumerate(parts):
        links = _links(parts[k - 1], part, options) if k else {}
        for person in part.persons:
            earlier = links.get(person.id)
            chain = owner.get((k - 1, earlier)) if earlier is not None else None
            if chain is None:
                chain = len(chains)
                chains.append([])
            chains[chain].append((k, person))
            owner[(k, person.id)] = chain

    duration_s = max(p.duration_s for p in parts)
    durations = np.diff(times, append=duration_s) if total else np.empty(0)
    joined = [_joined(chain, parts, rows, total) for chain in chains]
    kept = [p for p in joined if p.present.any() and durations[p.present].sum() >= options.min_present_s - 1e-9]
    kept.sort(key=lambda p: int(np.argmax(p.present)))
    for n, person in enumerate(kept):
        person.id = n + 1
    return People(
        info=first.info,
        total_frames=sum(p.total_frames for p in parts),
        duration_s=duration_s,
        indices=indices,
        times=times,
        persons=kept,
        main_id=main_dancer(kept, durations, first.info.width, first.info.height),
        model=first.model,
        analysed=analysed,
        shot_starts=shots if shots is not None and shots.any() else None,
    )


def _joined(chain: list[tuple[int, Person]], parts: list[People], rows: np.ndarray, total: int) -> Person:
    """One person over the whole video from their pieces, each span's warm-up rows dropped."""
    image = np.full((total, NUM_LANDMARKS, 4), np.nan, np.float32)
    world = np.full((total, NUM_LANDMARKS, 3), np.nan, np.float32)
    boxes = np.full((total, 4), np.nan)
    presence = np.full(total, np.nan)
    for k, piece in chain:
        own = slice(parts[k].warmup, None)
        at = slice(int(rows[k]), int(rows[k + 1]))
        image[at], world[at] = piece.image[own], piece.world[own]
        boxes[at], presence[at] = piece.boxes[own], piece.presence[own]
    return Person(0, ~np.isnan(presence), image, world, boxes, presence)


def _links(before: People, after: People, options: PeopleOptions) -> dict[int, int]:
    """Which person of the earlier span each person of the later one is (ids, later to earlier)."""
    width, height = before.info.width, before.info.height
    shared = after.times[: after.warmup]
    at = np.clip(np.searchsorted(before.times, shared - 1e-6), 0, max(len(before.times) - 1, 0))
    same_frame = np.abs(before.times[at] - shared) < 1e-6 if len(before.times) else np.zeros(len(shared), bool)
    cost = np.full((len(before.persons), len(after.persons)), FORBIDDEN)
    for i, a in enumerate(before.persons):
        for j, b in enumerate(after.persons):
            both = np.flatnonzero(same_frame & a.present[at] & b.present[: after.warmup])
            if not len(both):
                continue
            gaps = [
                body_distance(to_pixels(a.image[at[r]], width, height), to_pixels(b.image[r], width, height))
                for r in both
            ]
            if float(np.median(gaps)) < SAME_BODY:
                cost[i, j] = float(np.median(gaps))
    from scipy.optimize import linear_sum_assignment  # late, beside the reading: see dance_analyzer.preload

    pairs = {}
    if cost.size:
        for i, j in zip(*linear_sum_assignment(cost), strict=True):
            if cost[i, j] < FORBIDDEN:
                pairs[after.persons[j].id] = before.persons[i].id
    return {**_found_late(before, after, pairs, options), **pairs}


def _found_late(before: People, after: People, pairs: dict[int, int], options: PeopleOptions) -> dict[int, int]:
    """Links for people the later span only found after the cut, matched to people of the
    earlier span seen shortly before it, as a person lost for a moment is matched back."""
    width, height = before.info.width, before.info.height
    cut = after.times[after.warmup] if len(after.times) > after.warmup else before.duration_s
    lost = [p for p in before.persons if p.id not in pairs.values() and p.present.any()]
    lost = [p for p in lost if cut - before.times[np.flatnonzero(p.present)[-1]] <= options.max_gap_s]
    new = [p for p in after.persons if p.id not in pairs and p.present[after.warmup :].any()]
    first_seen = {p.id: after.warmup + int(np.argmax(p.present[after.warmup :])) for p in new}
    new = [p for p in new if after.times[first_seen[p.id]] - cut <= options.max_gap_s]
    if not lost or not new:
        return {}
    last = [np.flatnonzero(p.present)[-1] for p in lost]
    first = [first_seen[p.id] for p in new]
    latest = max(after.times[r] for r in first)
    found = match_lost(
        [to_pixels(p.image[r], width, height) for p, r in zip(lost, last, strict=True)],
        [float(latest - before.times[r]) for r in last],
        [to_pixels(p.image[r], width, height) for p, r in zip(new, first, strict=True)],
    )
    return {new[j].id: lost[i].id for i, j in found}


def main_dancer(persons: list[Person], durations: np.ndarray, width: int, height: int) -> int | None:
    """The person present longest; among equals, the larger (median torso on screen)."""
    if not persons:
        return None

    def key(person: Person) -> tuple[float, float]:
        shown = float(durations[person.present].sum())
        sizes = [torso_length(points) for points in to_pixels(person.image[person.present], width, height)]
        return round(shown, 6), float(np.median(sizes))

    return max(persons, key=key).id
