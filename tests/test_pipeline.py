"""The pipeline's order of steps, on synthetic landmarks handed in by a reader.

The reader is the pipeline's one dependency (it reads files: in worker processes, or
here); this one hands over prepared skeletons, so every number below is known.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from dance_analyzer.config import Settings
from dance_analyzer.errors import OverlayNotWritten
from dance_analyzer.media.audio import Soundtrack
from dance_analyzer.media.video import VideoInfo
from dance_analyzer.pipeline import AnalysisOptions, analyze, compare, learn_pose
from dance_analyzer.pose.landmarks import PoseResult
from dance_analyzer.pose.people import People, Person
from dance_analyzer.pose.picture import people_in_picture
from dance_analyzer.pose.track import LandmarkTrack
from tests.support import skeletons as S
from tests.support.motions import clip, hop, lifted, standing

FPS = 10.0
VIDEO = Path("dance.mp4")


def track_of(*poses: dict, seconds_each: float = 1.5) -> LandmarkTrack:
    """A track that holds each pose for ``seconds_each``, at 10 frames a second."""
    per = int(seconds_each * FPS)
    image, world = S.frames(*[S.skeleton(**pose) for pose in poses for _ in range(per)])
    n = len(image)
    info = VideoInfo(width=720, height=1280, fps=FPS, duration_s=n / FPS, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, n / FPS, np.arange(n), np.arange(n) / FPS, image, world)


def hopping(takeoffs: list[float], seconds: float = 4.0) -> LandmarkTrack:
    """A dancer standing still but for a hop of 0.4 s at each take-off, at 30 frames a second."""
    times, image, world = hop(takeoffs, airtime=0.4, height=0.1, seconds=seconds)
    n, fps = len(times), 1 / float(times[1] - times[0])
    info = VideoInfo(width=720, height=1280, fps=fps, duration_s=n / fps, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, n / fps, np.arange(n), times, image.astype(np.float32), world.astype(np.float32))


class PreparedReader:
    """Hands over prepared landmarks and remembers what it was asked."""

    def __init__(self, track: LandmarkTrack, soundtrack: Soundtrack | None = None) -> None:
        self.track, self._soundtrack = track, soundtrack or Soundtrack(has_audio=False)
        self.asked: list[tuple] = []
        self.rendered: dict | None = None
        self.render_error: OSError | None = None

    def people(
        self, path, *, model="full", sample_fps=None, max_people=8, on_progress=None, cancel=None, refinement=None
    ):
        """The prepared track as the one person in view."""
        self.asked.append(("people", path, sample_fps))
        self.refinement = refinement
        if on_progress is not None:
            on_progress(self.track.total_frames, self.track.total_frames)
        t = self.track
        present = ~np.isnan(t.image[:, 0, 0])
        boxes = np.concatenate([np.nanmin(t.image[:, :, :2], axis=1), np.nanmax(t.image[:, :, :2], axis=1)], axis=1)
        dancer = Person(1, present, t.image, t.world, boxes, np.where(present, 0.9, np.nan))
        return People(t.info, t.total_frames, t.duration_s, t.indices, t.times, [dancer], 1, model)

    def soundtrack(self, path):
        self.asked.append(("soundtrack", path))
        return self._soundtrack

    def example(self, path, time_s=None, *, model="full"):
        self.asked.append(("example", path, time_s))
        return PoseResult(self.track.image[0], self.track.world[0])

    def render(self, path, result, out, on_progress=None):
        self.asked.append(("render", path, out))
        if self.render_error is not None:
            raise self.render_error
        self.rendered = result
        return self.track.total_frames


def test_an_analysis_names_the_poses_held_and_when():
    reader = PreparedReader(track_of(S.STANDING, S.SQUAT))
    progress = []
    result = analyze(VIDEO, AnalysisOptions(sample_fps=10), reader=reader, on_progress=lambda *p: progress.append(p))
    assert reader.asked == [("people", VIDEO, 10)] and progress == [(30, 30)]
    assert list(result) == [
        "duration_s", "pose_summary", "processed_frames", "total_frames", "fps", "width", "height",
        "frames_with_person", "model", "precision", "model_frames", "segments", "pose_counts", "warnings", "cuts_s",
        "moves", "move_summary", "angles", "movement",
    ]  # fmt: skip
    assert result["pose_summary"] == [
        {"pose": "squat", "frames_detected": 15},
        {"pose": "standing", "frames_detected": 15},
    ]
    assert [(s["pose"], s["start_s"], s["end_s"]) for s in result["segments"]] == [
        ("standing", 0.0, 1.5),
        ("squat", 1.5, 3.0),
    ]
    assert result["pose_counts"] == [
        {"pose": "squat", "count": 1, "reps": [{"start_s": 1.5, "end_s": 3.0}]},
        {"pose": "standing", "count": 1, "reps": [{"start_s": 0.0, "end_s": 1.5}]},
    ]
    assert result["warnings"] == []  # the whole body, well in view
    assert (result["duration_s"], result["fps"], result["frames_with_person"]) == (3.0, 10.0, 30)
    assert result["moves"] == [] and result["move_summary"] == []  # a still dancer makes no move


@pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning")  # the prepared reader's boxes of nobody
def test_a_dancer_missing_from_half_the_video_is_warned_about_and_poses_struck_twice_count_twice():
    track = track_of(S.STANDING, S.ARMS_UP, S.STANDING, S.ARMS_UP, seconds_each=1.0)
    track.image[20:] = np.nan  # gone after two seconds: half the clip
    track.world[20:] = np.nan
    result = analyze(VIDEO, reader=PreparedReader(track))
    assert [w["code"] for w in result["warnings"]] == ["no_person"]
    assert [(c["pose"], c["count"]) for c in result["pose_counts"]] == [("arms_up", 1), ("standing", 1)]
    result = analyze(VIDEO, reader=PreparedReader(track_of(S.STANDING, S.ARMS_UP, S.STANDING, S.ARMS_UP)))
    assert [(c["pose"], c["count"]) for c in result["pose_counts"]] == [("arms_up", 2), ("standing", 2)]


def test_the_result_says_which_model_measured_it():
    reader = PreparedReader(track_of(S.STANDING))
    assert analyze(VIDEO, AnalysisOptions(model="heavy"), reader=reader)["model"] == "heavy"
    assert compare(VIDEO, VIDEO, AnalysisOptions(model="lite"), reader=reader)["model"] == "lite"


def test_precision_auto_lets_the_reader_skip_frames_judged_by_the_requests_own_poses():
    reader = PreparedReader(track_of(S.STANDING, S.SQUAT))
    result = analyze(VIDEO, AnalysisOptions(), reader=reader)
    assert reader.refinement is None and result["precision"] == "every_frame"
    assert result["model_frames"] == result["processed_frames"] == 30
    result = analyze(VIDEO, AnalysisOptions(precision="auto"), reader=reader)
    assert result["precision"] == "auto" and reader.refinement is not None
    track = reader.track
    # The judge names the frames as the analysis does: a squat and a standing frame differ.
    labels = reader.refinement.labels(track.image[[0, -1]], track.world[[0, -1]])
    assert (labels[0] != labels[1]).any()
    compare(VIDEO, VIDEO, AnalysisOptions(precision="auto"), reader=reader)
    assert reader.refinement is not None and reader.refinement.labels is None  # a comparison reads no poses


def test_frames_are_listed_only_when_asked_for():
    reader = PreparedReader(track_of(S.T_POSE))
    result = analyze(VIDEO, AnalysisOptions(include_frames=True), reader=reader)
    # A T also holds arms_open (second-position arms), which ranks below it.
    assert len(result["frames"]) == 15 and result["frames"][0]["poses"] == ["t_pose", "arms_open"]
    assert list(result)[-2:] == ["frames", "movement"]


def test_the_angles_over_time_share_the_frames_times_and_use_the_filter_asked_for():
    slow = track_of(S.STANDING, S.SQUAT)
    n = len(slow.times)  # the same skeletons at 30 frames a second, so a 6 Hz cutoff fits
    track = LandmarkTrack(slow.info, n, n / 30, slow.indices, slow.indices / 30, slow.image, slow.world)
    result = analyze(VIDEO, AnalysisOptions(include_frames=True), reader=PreparedReader(track))
    angles = result["angles"]
    assert angles["times"] == [f["t"] for f in result["frames"]]
    assert (angles["filter"], angles["cutoff_hz"]) == ("butterworth", 6.0)
    knee = angles["joints"]["left_knee"]
    assert knee[0] == pytest.approx(180.0, abs=0.5) and knee[-1] == pytest.approx(80.0, abs=0.5)  # S.SQUAT's knee
    assert 80.5 < knee[n // 2] < 179.5  # smoothed across the jump from standing to squatting
    raw = analyze(VIDEO, AnalysisOptions(angle_filter="none"), reader=PreparedReader(track))["angles"]
    assert raw["filter"] == "none" and raw["joints"]["left_knee"][n // 2 - 1 : n // 2 + 1] == [180.0, 80.0]
    everyone = analyze(VIDEO, AnalysisOptions(people=True, angle_filter="none"), reader=PreparedReader(track))
    assert everyone["people"][0]["angles"] == raw
    assert AnalysisOptions.from_settings(Settings(angle_filter="none")).angle_filter == "none"
    assert AnalysisOptions.from_settings(Settings(angle_filter="none"), angle_filter="butterworth").angle_filter == (
        "butterworth"
    )


def test_a_pose_shorter_than_the_minimum_hold_is_absorbed_into_its_neighbours():
    track = track_of(S.STANDING, S.ARMS_UP, S.STANDING, seconds_each=0.5)
    held = analyze(VIDEO, AnalysisOptions(min_segment_s=0.2), reader=PreparedReader(track))
    assert [s["pose"] for s in held["segments"]] == ["standing", "arms_up", "standing"]
    smoothed = analyze(VIDEO, AnalysisOptions(min_segment_s=0.6), reader=PreparedReader(track))
    assert [s["pose"] for s in smoothed["segments"]] == ["standing"]


def test_rhythm_reads_the_soundtrack_and_lines_the_movement_up_with_it():
    soundtrack = Soundtrack(has_audio=True, tempo_bpm=120.0, beats=np.arange(0.5, 3.0, 0.5))
    reader = PreparedReader(track_of(S.STANDING, S.SQUAT), soundtrack)
    result = analyze(VIDEO, AnalysisOptions(rhythm=True), reader=reader)
    assert ("soundtrack", VIDEO) in reader.asked
    assert result["rhythm"]["audio_tempo_bpm"] == 120.0 and result["rhythm"]["beats"] == [0.5, 1.0, 1.5, 2.0, 2.5]
    assert list(result)[-1] == "rhythm"
    assert "rhythm" not in analyze(VIDEO, reader=reader)


def test_with_music_each_move_and_pose_says_the_count_it_starts_on():
    track = hopping([1.0, 2.25])
    beats = np.arange(0.5, 4.0, 0.5)  # 120 bpm from 0.5 s: 1.0 s is count 2, 2.25 s half-way from 4 to 5
    result = analyze(VIDEO, AnalysisOptions(rhythm=True), reader=PreparedReader(track, Soundtrack(True, 120.0, beats)))
    jumps = [m for m in result["moves"] if m["move"] == "jump"]
    assert [(m["eight"], m["on_count"]) for m in jumps] == [(1, "2"), (1, "4&")]
    assert all("on_count" in m for m in result["moves"])
    everyone = analyze(
        VIDEO, AnalysisOptions(rhythm=True, people=True), reader=PreparedReader(track, Soundtrack(True, 120.0, beats))
    )
    assert everyone["people"][0]["moves"] == everyone["moves"] == result["moves"]  # each dancer counted alike
    music = Soundtrack(True, 120.0, np.arange(0.0, 3.0, 0.5))  # 6 beats: 1.5 s is count 4
    poses = analyze(VIDEO, AnalysisOptions(rhythm=True), reader=PreparedReader(track_of(S.STANDING, S.SQUAT), music))
    assert [(s["pose"], s["on_count"], s["counts"]) for s in poses["segments"]] == [
        ("standing", "1", 3),
        ("squat", "4", 3),
    ]
    quiet = analyze(VIDEO, AnalysisOptions(rhythm=True), reader=PreparedReader(track))  # no music: nothing to count
    assert [m["move"] for m in quiet["moves"]] == [m["move"] for m in result["moves"]]
    assert not any("on_count" in m or "eight" in m for m in quiet["moves"] + quiet["segments"])


def bouncing(low_after_s: float, every_s: float = 0.5, seconds: float = 8.0) -> LandmarkTrack:
    """A dancer bouncing on the spot, the hips lowest ``low_after_s`` after each multiple of ``every_s``."""
    times, image, world = clip(
        seconds, lambda t: lifted(standing(), -0.01 * math.cos(2 * math.pi * (t - low_after_s) / every_s))
    )
    n, fps = len(times), 1 / float(times[1] - times[0])
    info = VideoInfo(width=720, height=1280, fps=fps, duration_s=n / fps, frame_count=n, rotation=0, codec="h264")
    return LandmarkTrack(info, n, n / fps, np.arange(n), times, image.astype(np.float32), world.astype(np.float32))


class GroupReader(PreparedReader):
    """Hands over several prepared dancers, side by side in one video (ids from 1)."""

    def __init__(self, tracks: list[LandmarkTrack], soundtrack: Soundtrack | None = None) -> None:
        super().__init__(tracks[0], soundtrack)
        self.tracks = tracks

    def people(self, path, **_):
        self.asked.append(("people", path))
        dancers = []
        for k, t in enumerate(self.tracks, start=1):
            present = ~np.isnan(t.image[:, 0, 0])
            boxes = np.concatenate([np.nanmin(t.image[:, :, :2], axis=1), np.nanmax(t.image[:, :, :2], axis=1)], axis=1)
            dancers.append(Person(k, present, t.image, t.world, boxes, np.where(present, 0.9, np.nan)))
        t = self.tracks[0]
        return People(t.info, t.total_frames, t.duration_s, t.indices, t.times, dancers, 1, "full")


def test_with_music_every_dancer_of_a_group_is_timed_against_it():
    beats = np.arange(0.5, 8.0, 0.5)  # 120 bpm
    group = [bouncing(low_after_s=0.0), bouncing(low_after_s=0.25)]  # down on the beat; on the "and"
    result = analyze(
        VIDEO, AnalysisOptions(rhythm=True, people=True), reader=GroupReader(group, Soundtrack(True, 120.0, beats))
    )
    timing = {p["id"]: p["rhythm"] for p in result["people"]}
    assert timing[1]["bounce"]["in_time"] and timing[1]["bounce"]["where"] == "on the beat"
    assert timing[2]["bounce"]["in_time"] and timing[2]["bounce"]["where"] == "between the beats (on the and)"
    assert result["main_person"] == 1 and result["rhythm"]["bounce"] == timing[1]["bounce"]  # the main dancer's
    assert "beats" not in timing[1]  # the music is the video's, said once
    quiet = analyze(VIDEO, AnalysisOptions(rhythm=True, people=True), reader=GroupReader(group))
    assert [p["rhythm"] for p in quiet["people"]] == [{}, {}] and "bounce" not in quiet["rhythm"]


def test_with_detail_frames_each_dancer_in_a_frame_has_their_own_poses_in_it():
    group = [track_of(S.STANDING, S.SQUAT), track_of(S.ARMS_UP, S.ARMS_UP)]
    result = analyze(VIDEO, AnalysisOptions(people=True, include_frames=True), reader=GroupReader(group))
    assert result["main_person"] == 1 and result["frames"][-1]["pose"] == "squat"
    for frame in result["frames"]:
        own = {p["id"]: p for p in frame["people"]}
        assert (own[1]["poses"], own[1]["pose"]) == (frame["poses"], frame["pose"])  # the main dancer: the frame's
        assert own[2]["pose"] == "arms_up" and "arms_up" in own[2]["poses"] and "squat" not in own[2]["poses"]


def test_the_overlay_is_drawn_from_the_frames_which_the_result_then_drops(tmp_path):
    reader = PreparedReader(track_of(S.STANDING))
    out = tmp_path / "annotated.mp4"
    result = analyze(VIDEO, reader=reader, overlay_to=out)
    assert ("render", VIDEO, out) in reader.asked
    assert reader.rendered is result and "frames" not in result  # the renderer saw them first
    kept = analyze(VIDEO, AnalysisOptions(include_frames=True), reader=reader, overlay_to=out)
    assert len(kept["frames"]) == 15


def test_an_overlay_that_cannot_be_written_says_so_without_the_path(tmp_path):
    reader = PreparedReader(track_of(S.STANDING))
    reader.render_error = FileNotFoundError(2, "No such file or directory", str(tmp_path / "secret" / "x.mp4"))
    with pytest.raises(OverlayNotWritten) as caught:
        analyze(VIDEO, reader=reader, overlay_to=tmp_path / "secret" / "x.mp4")
    assert caught.value.message == "The annotated video could not be written: No such file or directory"


def test_compare_reads_both_videos_and_scores_the_attempt():
    same = PreparedReader(track_of(S.STANDING, S.SQUAT))
    result = compare(Path("ref.mp4"), Path("try.mp4"), AnalysisOptions(sample_fps=5), reader=same)
    assert [a[:3] for a in same.asked] == [("people", Path("ref.mp4"), 5), ("people", Path("try.mp4"), 5)]
    assert result["similarity"] == 100.0 and result["offset_s"] == 0.0


class TwoVideosReader(PreparedReader):
    """Each path's own prepared track."""

    def __init__(self, tracks: dict[Path, LandmarkTrack]) -> None:
        super().__init__(next(iter(tracks.values())))
        self.tracks = tracks

    def people(self, path, **options):
        self.track = self.tracks[path]
        return super().people(path, **options)


def test_compare_pairs_the_references_moves_with_the_attempts():
    reader = TwoVideosReader({Path("ref.mp4"): hopping([1.0, 2.5]), Path("try.mp4"): hopping([1.0])})
    moves = compare(Path("ref.mp4"), Path("try.mp4"), reader=reader)["moves"]
    assert [(m["move"], m["reference_s"], m["timing"]) for m in moves["made"]] == [
        ("jump", pytest.approx(1.0, abs=0.1), "on time")
    ]
    assert [(m["move"], m["reference_s"]) for m in moves["missed"]] == [("jump", pytest.approx(2.5, abs=0.1))]
    assert moves["extra"] == [] and moves["summary"].startswith("1 of the reference's 2 moves made: the jump at 2.")
    photo = PhotoAndVideoReader(track_of(S.T_POSE, S.STANDING))
    assert "moves" not in compare(PHOTO, VIDEO, reader=photo)  # a photo makes no move


def test_a_learned_pose_comes_back_as_a_definition_and_as_yaml():
    reader = PreparedReader(track_of(S.ONE_LEG))
    learned = learn_pose(Path("photo.jpg"), reader=reader, name="knee_up", priority=300, time_s=1.5)
    assert reader.asked == [("example", Path("photo.jpg"), 1.5)]
    assert learned["definition"]["name"] == "knee_up" and "foot_lift" in learned["definition"]["when"]
    assert yaml.safe_load(learned["yaml"]) == {"poses": [learned["definition"]]}
    assert np.asarray(learned["landmarks"]).shape == (33, 4)


class PhotoReader(PreparedReader):
    """Hands over the prepared body's first frame as the one person in a photo, as a reader
    does for a picture file (:mod:`pose.picture`), or nobody."""

    def __init__(self, track: LandmarkTrack, *, nobody: bool = False) -> None:
        super().__init__(track)
        self.nobody = nobody

    def people(self, path, *, model="full", **_):
        self.asked.append(("people", path))
        found = [] if self.nobody else [PoseResult(self.track.image[0], self.track.world[0])]
        return people_in_picture(found, (30, 40), model)


PHOTO = Path("photo.jpg")


def test_a_photo_is_one_moment_with_every_pose_that_holds_in_it():
    reader = PhotoReader(track_of(dict(**S.ONE_LEG, **S.T_POSE)))
    result = analyze(PHOTO, AnalysisOptions(rhythm=True), reader=reader)
    assert reader.asked == [("people", PHOTO)]  # and no soundtrack: a photo has none
    assert result["photo"] is True and set(result["poses"]) >= {"one_leg", "t_pose"}
    # The seed contract reads as for a video; the moment lasts no time and still counts.
    counts = (result["duration_s"], result["processed_frames"], result["total_frames"], result["fps"])
    assert counts == (0.0, 1, 1, None)
    assert result["pose_summary"] == [{"pose": result["poses"][0], "frames_detected": 1}]
    assert [s["pose"] for s in result["segments"]] == [result["poses"][0]]
    assert (result["width"], result["height"], result["frames_with_person"]) == (30, 40, 1)
    assert result["moves"] == [] and result["rhythm"]["audio"] is False and "movement" not in result


def test_a_photo_with_nobody_in_it_says_so_as_a_video_does():
    result = analyze(PHOTO, AnalysisOptions(people=True), reader=PhotoReader(track_of(S.STANDING), nobody=True))
    assert result["poses"] == [] and result["pose_summary"] == [] and result["people"] == []
    assert "movement" not in result
    assert [w["code"] for w in result["warnings"]] == ["no_person"]


def test_a_photos_annotated_copy_is_a_picture_and_a_videos_a_video(tmp_path):
    reader = PhotoReader(track_of(S.STANDING))
    result = analyze(PHOTO, reader=reader, overlay_to=tmp_path / "out.JPG")
    assert reader.asked[-1] == ("render", PHOTO, tmp_path / "out.JPG") and reader.rendered is result
    assert result["photo"] is True and "frames" not in result  # drawn from them, then dropped
    for reader, path, out, words in (
        (PhotoReader(track_of(S.STANDING)), PHOTO, tmp_path / "out.mp4", "photo: its annotated copy is a picture"),
        (PreparedReader(track_of(S.STANDING)), VIDEO, tmp_path / "out.png", "video: its annotated copy is an MP4"),
    ):
        with pytest.raises(OverlayNotWritten, match=words) as caught:
            analyze(path, reader=reader, overlay_to=out)
        assert out.name in caught.value.message and not any(asked[0] == "render" for asked in reader.asked)


def test_a_misnamed_copy_is_refused_before_the_file_is_analysed(tmp_path):
    video, photo = tmp_path / "dance.mp4", tmp_path / "pose.jpg"
    video.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(64))
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    for path, reader, out in (
        (video, PreparedReader(track_of(S.STANDING)), tmp_path / "out.jpg"),
        (photo, PhotoReader(track_of(S.STANDING)), tmp_path / "out.mp4"),
    ):
        with pytest.raises(OverlayNotWritten, match=out.name):
            analyze(path, reader=reader, overlay_to=out)
        assert reader.asked == []  # not read at all
    reader = PreparedReader(track_of(S.STANDING))
    analyze(video, reader=reader, overlay_to=tmp_path / "out.mp4")  # named right: read and drawn
    assert [asked[0] for asked in reader.asked] == ["people", "render"]


class PhotoAndVideoReader(PhotoReader):
    """The photo as a photo (its first frame), the video as the prepared track."""

    def people(self, path, **options):
        return super().people(path, **options) if path == PHOTO else PreparedReader.people(self, path, **options)


def test_a_photo_is_compared_as_one_moment_a_pose_to_reach():
    reader = PhotoAndVideoReader(track_of(S.T_POSE, S.STANDING))
    result = compare(PHOTO, VIDEO, reader=reader)
    assert result["reference"]["photo"] is True and "photo" not in result["attempt"]
    assert result["closest_moment"]["reference_s"] == 0.0 and result["similarity"] == 100.0


def test_a_photo_with_every_dancer_asked_for_describes_its_one_person_without_movement():
    result = analyze(PHOTO, AnalysisOptions(people=True), reader=PhotoReader(track_of(S.T_POSE)))
    assert result["main_person"] == 1 and [p["id"] for p in result["people"]] == [1]
    assert "t_pose" in result["poses"] and "sync" not in result
    assert all("movement" not in described for described in [result, *result["people"]])
