"""Every person in view, end to end on real clips, in this process and in the worker pool.

The lab clip (pose2sim, multi_person/) has a man balancing on one leg on a platform and
a woman standing in the foreground for the whole 1.7 s (corpus/people labels them); a
third person stands small at the back. The ballet clip has one dancer.
"""

import threading

import numpy as np
import pytest

from dance_analyzer.errors import Cancelled
from dance_analyzer.pipeline import AnalysisOptions, analyze
from dance_analyzer.pose.crowd import WARMUP_S
from dance_analyzer.workers.inline import InlineReader
from dance_analyzer.workers.pool import AnalysisPool
from dance_analyzer.workers.spans import plan_analysis
from tests.support.media import media

pytestmark = pytest.mark.slow

LAB = "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4"
EVERYONE = AnalysisOptions(people=True, include_frames=True)


@pytest.fixture(scope="module")
def one_process():
    with InlineReader() as reader:
        yield reader


@pytest.fixture(scope="module")
def lab(one_process):
    return analyze(media(LAB), EVERYONE, reader=one_process)


def test_each_person_in_the_lab_clip_is_described_and_the_main_dancer_leads(lab):
    assert len(lab["people"]) >= 2
    ids = [p["id"] for p in lab["people"]]
    assert lab["main_person"] in ids and len(set(ids)) == len(ids)
    main = next(p for p in lab["people"] if p["id"] == lab["main_person"])
    # The seed fields describe the main dancer, who is in view longest.
    assert lab["pose_summary"] == main["pose_summary"]
    assert main["frames_present"] == max(p["frames_present"] for p in lab["people"])
    assert lab["frames_with_person"] == main["frames_present"]
    for person in lab["people"]:
        assert set(person) >= {"first_s", "last_s", "frames_present", "pose_summary", "segments", "moves", "movement"}
        assert person["last_s"] - person["first_s"] >= 1.0  # people seen under a second are left out


def test_each_frame_lists_everyone_with_their_landmarks_inside_their_box(lab):
    for frame in lab["frames"]:
        assert len(frame["people"]) >= 2
        for person in frame["people"]:
            x0, y0, x1, y1 = person["box"]
            points = np.array(person["landmarks"])
            seen = points[:, 3] > 0.5
            inside = (points[seen, 0] >= x0 - 0.01) & (points[seen, 0] <= x1 + 0.01)
            inside &= (points[seen, 1] >= y0 - 0.01) & (points[seen, 1] <= y1 + 0.01)
            assert inside.all()


def test_several_dancers_get_a_sync_report(lab):
    sync = lab["sync"]
    assert 0 <= sync["group"]["score"] <= 100 and sync["group"]["compared_s"] > 1.0
    assert {d for pair in sync["pairs"] for d in pair["dancers"]} <= {p["id"] for p in lab["people"]}


def test_one_dancer_gives_one_person_and_no_sync(one_process):
    result = analyze(media("ballet_spin_1.mp4"), EVERYONE, reader=one_process)
    assert [p["id"] for p in result["people"]] == [result["main_person"]]
    assert "sync" not in result
    assert [m["move"] for m in result["moves"] if m["move"] == "turn"] == ["turn"]


def test_the_worker_pool_follows_the_same_people(lab):
    pool = AnalysisPool(1)
    try:
        pooled = analyze(media(LAB), EVERYONE, reader=pool)
        assert [p["id"] for p in pooled["people"]] == [p["id"] for p in lab["people"]]
        assert pooled["pose_summary"] == lab["pose_summary"]
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(Cancelled):
            analyze(media(LAB), EVERYONE, reader=pool, cancel=cancel)
    finally:
        pool.close()


def test_compare_chooses_a_person_of_a_group_video(one_process, lab):
    from dance_analyzer.errors import NoPersonFound
    from dance_analyzer.pipeline import compare

    clip = media(LAB)
    first, second = (p["id"] for p in lab["people"][:2])
    same = compare(clip, clip, reader=one_process, reference_person=first, attempt_person=first)
    other = compare(clip, clip, reader=one_process, reference_person=first, attempt_person=second)
    assert same["similarity"] > 95 and other["similarity"] < same["similarity"] - 10
    with pytest.raises(NoPersonFound, match="no person 99 in the attempt video"):
        compare(clip, clip, reader=one_process, attempt_person=99)


def test_the_pool_follows_long_clips_in_spans_as_well_as_one_pass():
    """Two workers split each labelled clip long enough into spans, follow them side by
    side and join them: people are counted right at the labelled moments and keep their ids
    as the one-pass tracker's do (tests/pose/test_people.py holds the same bars)."""
    from tests.pose.test_people import CLIPS, MAX_ID_SWITCHES, MIN_COUNTS_RIGHT, id_switches, labels, row_at

    pool = AnalysisPool(2)
    try:
        split = [clip for clip in CLIPS if len(plan_analysis(media(clip), 2, warmup_s=WARMUP_S).spans) == 2]
        assert len(split) >= 3  # the test is about joining spans
        right = total = 0
        for clip in split:
            people = pool.people(media(clip))
            rows = labels()[clip]
            for row in (r for r in rows if r["kind"] == "count"):
                total += 1
                right += (
                    row["required"] <= people.counts()[row_at(people, row["t"])] <= row["required"] + row["optional"]
                )
            switches, _ = id_switches(people, [r for r in rows if r["kind"] == "identity"])
            assert switches <= MAX_ID_SWITCHES, clip
        assert right / total >= MIN_COUNTS_RIGHT
    finally:
        pool.close()


def test_without_people_the_result_is_the_main_dancers_as_with_people_all(one_process, lab):
    """The default analysis follows everyone to choose the main dancer the same way, so a
    one-dancer clip reads the same with people=all, and a group clip's top-level fields
    describe the same dancer either way."""
    alone = analyze(media("ballet_spin_1.mp4"), AnalysisOptions(), reader=one_process)
    everyone = analyze(media("ballet_spin_1.mp4"), AnalysisOptions(people=True), reader=one_process)
    assert {k: v for k, v in everyone.items() if k not in ("people", "main_person")} == alone
    group = analyze(media(LAB), AnalysisOptions(include_frames=True), reader=one_process)
    assert "people" not in group and "main_person" not in group
    assert group["pose_summary"] == lab["pose_summary"] and group["segments"] == lab["segments"]
    assert [f["landmarks"] for f in group["frames"]] == [f["landmarks"] for f in lab["frames"]]
