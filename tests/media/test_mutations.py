"""Seeded mutations of the shared clips and pictures, read as a worker reads them.

Every mutant (see tests/support/mutations.py) must decode, or fail with one of the
analysis errors the API turns into a 4xx (CorruptVideo, NotAVideo, TooLarge, TooLong,
EmptyFile): no other exception, no decoder crash, no hang. Mutants are read in a child
process (tests/support/decoding.py), so a crash names its mutant. The mutants depend on
the seed alone: a failure is rebuilt from the name in the report with ``mutant()``.
bench/fuzz.py runs the same mutants, by the ten thousand, through a real server.
"""

from __future__ import annotations

from collections import Counter

import pytest

from dance_analyzer import errors
from tests.support.decoding import DecodingChild
from tests.support.media import MEDIA
from tests.support.mutations import STILL_SUFFIXES, mutants, shared_clips

SEED = 20261202
# Clips up to 1.1 MB (ten of the fourteen) keep a mutant at about 0.2 s to read.
MAX_CLIP_BYTES = 1_100_000
# Far beyond the slowest read of any of these files on any machine (about 1 s): only a
# decoder that loops runs into it.
HANG_AFTER_S = 120.0
ANALYSIS_ERRORS = {"decoded"} | {cls.__name__ for cls in vars(errors).values() if isinstance(cls, type)}


def read_all(tmp_path, sources, count: int, kind: str) -> tuple[Counter[str], list[str]]:
    outcomes: Counter[str] = Counter()
    problems = []
    path = tmp_path / "mutant"
    with DecodingChild(HANG_AFTER_S) as child:
        for mutant in mutants(sources, count, SEED):
            path.write_bytes(mutant.data)
            outcome, detail = child.read(path, kind)
            outcomes[outcome] += 1
            if outcome not in ANALYSIS_ERRORS - {"AnalysisError"}:
                problems.append(f"{mutant.name} ({mutant.detail}): {outcome} {detail}")
    path.unlink(missing_ok=True)
    return outcomes, problems


def test_mutated_videos_decode_or_fail_with_an_analysis_error(tmp_path):
    clips = shared_clips(MAX_CLIP_BYTES)
    if not clips:
        pytest.skip(f"shared media not found: {MEDIA} (clone the repo beside ../shared to run this)")
    outcomes, problems = read_all(tmp_path, clips, 300, "video")
    assert problems == [], problems
    assert outcomes["CorruptVideo"] > 30 and outcomes["decoded"] > 30, outcomes  # the damage was felt


def test_mutated_pictures_decode_or_fail_with_an_analysis_error(tmp_path):
    stills = shared_clips(300_000, STILL_SUFFIXES)
    if not stills:
        pytest.skip(f"shared media not found: {MEDIA} (clone the repo beside ../shared to run this)")
    outcomes, problems = read_all(tmp_path, stills, 150, "still")
    assert problems == [], problems
    assert outcomes["decoded"] > 10 and sum(outcomes.values()) == 150, outcomes
