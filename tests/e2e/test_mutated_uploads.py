"""Seeded mutations of the shared clips, uploaded to a real server: every answer a result
or a 4xx naming the problem, every job finished for the video's reason, the workers alive
and no file left behind. (bench/fuzz.py runs the same by the ten thousand and reports
memory and timings; tests/media/test_mutations.py reads them without the server.)"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.fuzzing import descendants, endpoint_for, files_left, send
from tests.support.media import MEDIA
from tests.support.mutations import mutants, shared_clips
from tests.support.processes import server, wait_for

pytestmark = pytest.mark.slow

SEED = 20261202
COUNT = 300
MAX_CLIP_BYTES = 1_100_000
# Far beyond the slowest answer for these clips on any machine (a few seconds): only a
# stuck worker runs into it.
HANG_AFTER_S = 180.0


def test_mutated_uploads_get_a_result_or_a_4xx_naming_the_problem(tmp_path):
    clips = shared_clips(MAX_CLIP_BYTES)
    if not clips:
        pytest.skip(f"shared media not found: {MEDIA} (clone the repo beside ../shared to run this)")
    data = tmp_path / "data"
    env = {"DANCE_DATA_DIR": str(data), "DANCE_WORKERS": "2"}
    with server(env, tmp_path / "server.log") as api:
        pid = api.process.pid  # type: ignore[attr-defined]
        wait_for(lambda: api.get("/health").json()["model_loaded"], 120, "the workers to load the model")
        workers = descendants(pid)
        answers = [send(api, m, endpoint_for(i), HANG_AFTER_S) for i, m in enumerate(mutants(clips, COUNT, SEED))]
        assert api.get("/health").json()["status"] == "ok"
        assert descendants(pid) == workers, "a worker died (and was replaced) while reading a mutant"
    problems = [f"{a.name} -> {a.endpoint}: {a.problem}" for a in answers if a.problem]
    assert problems == [], problems
    statuses = Counter(a.status for a in answers)
    assert statuses[200] > 10 and statuses[422] > 10, statuses  # both kinds of file were in the mix
    assert (data / "tmp").is_dir() and (data / "uploads").is_dir()  # where uploads are staged: looked at
    assert files_left(data) == []
