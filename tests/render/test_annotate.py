"""The annotated copies: same frames, size, rate and sound as the input, the skeleton, the
pose and the moves really drawn on the right frames; a photo's picture."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from dance_analyzer.media.still import read_picture
from dance_analyzer.media.video import iter_frames
from dance_analyzer.pipeline import AnalysisOptions, analyze
from dance_analyzer.render import (
    BONE_RGB,
    draw_overlay,
    person_colour,
    render_annotated,
    render_overlay,
    render_picture,
    tag_anchor,
)
from dance_analyzer.render.annotate import _Timeline
from dance_analyzer.reports.captions import move_caption
from dance_analyzer.workers.inline import InlineReader
from tests.render.results import synthetic_result, t_shape
from tests.support.media import Beep, media, write_video


def decoded(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, stream.average_rate


# 30 frames/s: frame 2 is at 0.06667 s, which a result rounds to 0.067 (after it), and
# frame 14 at 0.46667 s rounds to 0.467: boundaries that read later than their frames.
FPS = 30.0


JUMP = {"move": "jump", "start_s": round(2 / FPS, 3), "end_s": round(14 / FPS, 3), "airtime_s": 0.4, "height": 0.3}


def result_with_a_jump(frames: int, *, landmarks_every: int = 1) -> dict:
    result = synthetic_result(frames, FPS, landmarks_every=landmarks_every)
    for frame in result["frames"]:
        frame["t"] = round(frame["t"], 4)  # as the pipeline writes them
    result["segments"] = [
        {"pose": "standing", "start_s": 0.0, "end_s": round(5 / FPS, 3), "frames": 5},
        {"pose": "t_pose", "start_s": round(5 / FPS, 3), "end_s": round(frames / FPS, 3), "frames": frames - 5},
    ]
    result["moves"] = [JUMP]
    return result


def test_moves_and_poses_land_on_the_frames_whose_times_were_rounded():
    timeline = _Timeline(result_with_a_jump(20))
    assert [k for k in range(20) if timeline.moves_at(k)] == list(range(2, 14))
    assert timeline.moves_at(2) == ["jump 0.40 s"]
    assert [timeline.pose_at(k) for k in range(20)] == ["standing"] * 5 + ["t_pose"] * 15
    # Sampled (every 3rd frame analysed): frames in between show their latest analysed frame.
    sampled = result_with_a_jump(20, landmarks_every=3)
    sampled["moves"] = [{**JUMP, "start_s": round(3 / FPS, 3), "end_s": round(12 / FPS, 3)}]
    timeline = _Timeline(sampled)
    assert [k for k in range(20) if timeline.moves_at(k)] == list(range(3, 12))


def test_each_frame_shows_the_timelines_pose_it_carries_whatever_the_rounded_boundaries_say():
    result = result_with_a_jump(20)
    for frame in result["frames"]:
        frame["pose"] = "standing" if frame["index"] < 5 else "t_pose"
    result["segments"][1]["start_s"] += 0.002  # a boundary that reads later than its first frame
    result["segments"][0]["end_s"] += 0.002
    assert [_Timeline(result).pose_at(k) for k in range(20)] == ["standing"] * 5 + ["t_pose"] * 15
    del result["frames"][5]["pose"]  # a stored result without it: placed by the boundaries
    assert _Timeline(result).pose_at(5) == "standing"


def test_a_move_shorter_than_a_frame_still_shows_on_one_frame():
    result = result_with_a_jump(20)
    result["moves"] = [{**JUMP, "start_s": round(7 / FPS, 3), "end_s": round(7 / FPS, 3) + 0.0004}]
    assert [k for k in range(20) if _Timeline(result).moves_at(k)] == [7]


def test_the_moves_name_is_drawn_on_the_frames_inside_the_move_and_not_outside(make_video, tmp_path):
    clip = make_video(frames=20, width=320, height=240, fps=30, painter=lambda i: np.full((240, 320, 3), 90, np.uint8))
    result = result_with_a_jump(20)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, result, out) == 20
    frames, _ = decoded(out)
    originals = [f.image for f in iter_frames(clip)]
    points = np.array(result["frames"][0]["landmarks"], np.float32)
    corner = np.s_[:70, :200]  # the pose name and the lines under it

    def distance(k: int, moves: list[str]) -> float:
        pose = "standing" if k < 5 else "t_pose"
        expected = draw_overlay(originals[k].copy(), points, pose, moves)
        return float(np.abs(frames[k][corner].astype(int) - expected[corner].astype(int)).mean())

    for k in range(20):
        drawn = distance(k, ["jump 0.40 s"])
        nothing = distance(k, [])
        if 2 <= k < 14:
            assert drawn < nothing / 2, f"frame {k} is inside the jump: its caption should be drawn"
            assert drawn < distance(k, ["kick front 90 deg"]) / 2  # the name itself, not any line
        else:
            assert nothing < drawn / 2, f"frame {k} is outside the jump: no caption"


def test_the_count_on_the_annotated_video_ticks_with_the_musics_beats(make_video, tmp_path):
    clip = make_video(frames=20, width=320, height=240, fps=10, painter=lambda i: np.full((240, 320, 3), 90, np.uint8))
    result = {**synthetic_result(20, 10.0), "rhythm": {"audio": True, "beats": [0.5, 1.0, 1.5]}}
    out = tmp_path / "counted.mp4"
    assert render_overlay(clip, result, out) == 20
    frames, _ = decoded(out)
    originals = [f.image for f in iter_frames(clip)]
    points = np.array(result["frames"][0]["landmarks"], np.float32)
    corner = np.s_[:90, 200:]

    def distance(k: int, count: str | None) -> float:
        expected = draw_overlay(originals[k].copy(), points, "t_pose", count=count)
        return float(np.abs(frames[k][corner].astype(int) - expected[corner].astype(int)).mean())

    # 0.5-1.0 s is count 1, then 2, then 3 until a beat after the last (2.0 s): every frame to 1.9 s.
    for k in range(20):
        shown = None if k < 5 else str(k // 5)
        for other in {None, "1", "2", "3", "8"} - {shown}:
            assert distance(k, shown) < distance(k, other) / 2, f"frame {k} ({k / 10:.1f} s) should show {shown}"


@pytest.mark.parametrize("rotation", [0, 90])
def test_output_matches_the_input_frames_size_and_rate_with_rotation_applied(make_video, tmp_path, rotation):
    clip = make_video(frames=24, width=96, height=64, fps=12, rotation=rotation)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(24, 12.0, landmarks_every=5), out) == 24
    frames, rate = decoded(out)
    upright = (64, 96) if rotation == 0 else (96, 64)
    assert len(frames) == 24 and frames[0].shape[:2] == upright and rate == 12
    originals = [f.image for f in iter_frames(clip)]
    # Sampled landmarks (every 5th frame) still draw on the frames in between.
    for k in (0, 3, 23):
        assert np.abs(frames[k].astype(int) - originals[k].astype(int)).max() > 100
    assert not out.with_name(out.name + ".partial").exists()


def test_colours_come_back_as_they_were_with_the_matrix_the_copy_is_tagged_with(make_video, tmp_path):
    # Players read HD video as BT.709 unless told otherwise; the copy's YUV is BT.601 and
    # says so, so a saturated red and green decode as they went in.
    colours = {0: (230, 30, 30), 1: (30, 200, 60)}
    clip = make_video(
        frames=2, width=1280, height=720, fps=10, painter=lambda i: np.full((720, 1280, 3), colours[i], np.uint8)
    )
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(2, 10.0), out) == 2
    with av.open(str(out)) as container:
        decoded_frames = list(container.decode(video=0))
    assert all(f.colorspace == 6 for f in decoded_frames)  # SMPTE 170M (BT.601)
    for k, frame in enumerate(decoded_frames):
        corner = frame.to_ndarray(format="rgb24")[600:700, 1100:1250].reshape(-1, 3).mean(axis=0)
        assert np.abs(corner - colours[k]).max() < 6, (k, corner)


def test_odd_sizes_are_padded_to_what_h264_needs(tmp_path):
    odd = tmp_path / "odd.mp4"  # H.264 in 4:2:0 cannot be odd-sized; MPEG-4 part 2 can
    with av.open(str(odd), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 63, 47, "yuv420p"
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.full((47, 63, 3), 40 * i, np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    out = tmp_path / "out.mp4"
    assert render_overlay(odd, synthetic_result(3, 10.0), out) == 3
    frames, _ = decoded(out)
    assert frames[0].shape[:2] == (48, 64)


def soundtrack(path: Path) -> tuple[str, float, float] | None:
    """The codec of a file's sound, when its beep starts and when the sound ends (seconds
    on the file's clock, where its picture starts), or None without sound."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        first, chunks = None, []
        for frame in container.decode(stream):
            first = float(frame.pts * frame.time_base) if first is None else first
            chunks.append(frame.to_ndarray().astype(np.float64).reshape(len(frame.layout.channels), -1).mean(axis=0))
        wave = np.concatenate(chunks)
        loud = np.flatnonzero(np.abs(wave) > 0.1 * np.abs(wave).max())
        assert first is not None and len(loud), "the beep is lost"
        return stream.codec_context.codec.canonical_name, first + loud[0] / stream.rate, first + len(wave) / stream.rate


@pytest.mark.parametrize(
    ("name", "sound"),
    [("clip.mp4", Beep(codec="aac")), ("camera.mov", Beep(codec="pcm_s16le")), ("clip.mkv", Beep(codec="libopus"))],
)
def test_the_annotated_copy_keeps_the_sound_in_step_with_the_picture(tmp_path, name, sound):
    # A dance without its music is half the video: AAC, a camera's PCM or a WebM's Opus,
    # all as AAC (an MP4 the page plays); the beep stays where it was, to 5 ms.
    clip = write_video(tmp_path / name, frames=50, fps=25, sound=sound)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(50, 25.0), out) == 50
    kept = soundtrack(out)
    assert kept is not None and kept[0] == "aac"
    assert abs(kept[1] - 1.0) < 0.005
    assert 1.95 < kept[2] <= 2.0 + 1 / 25  # as long as the picture
    frames, rate = decoded(out)
    assert len(frames) == 50 and rate == 25


@pytest.mark.parametrize(
    ("sound", "video_start_ms", "beep_s"),
    [
        (Beep(start_s=0.5, seconds=3.0), 0, 1.0),
        (Beep(codec="pcm_s16le", at_s=1.6, seconds=3.0), 500, 1.1),
        # A phone's sound often starts a few milliseconds before the picture: the frame of
        # sound that straddles the first picture keeps its part from there on (the whole
        # 21 ms frame was left out, the beep at the first picture sounding 16 ms late).
        (Beep(codec="pcm_s16le", at_s=0.0, seconds=3.0), 5, 0.0),
        (Beep(codec="pcm_s16le", at_s=0.6, seconds=3.0), 5, 0.595),  # and what follows it stays in step
    ],
)
def test_sound_that_starts_before_or_after_the_picture_stays_in_step_and_stops_with_it(
    tmp_path, sound, video_start_ms, beep_s
):
    # The copy's clock starts at the first frame: sound before it is left out, sound that
    # starts later keeps its delay, and sound past the last frame is cut.
    pts = [video_start_ms + 40 * i for i in range(50)]
    clip = write_video(tmp_path / "clip.mov", frames=50, fps=25, sound=sound, pts=pts)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(50, 25.0), out) == 50
    kept = soundtrack(out)
    assert kept is not None
    assert abs(kept[1] - beep_s) < 0.005
    assert kept[2] <= 2.0 + 1 / 25


def without_sound_between(clip: Path, out: Path, start_s: float, end_s: float) -> Path:
    """A copy of ``clip`` whose audio packets starting in [start_s, end_s) are lost."""
    with av.open(str(clip)) as source, av.open(str(out), "w") as copy:
        streams = {s.index: copy.add_stream_from_template(s) for s in source.streams}
        for packet in source.demux():
            when = float(packet.pts * packet.time_base) if packet.pts is not None else -1.0
            lost = packet.stream.type == "audio" and start_s <= when < end_s
            if packet.size and not lost:
                packet.stream = streams[packet.stream.index]
                copy.mux(packet)
    return out


@pytest.mark.parametrize(
    ("codec", "lost", "beep_s"), [("libopus", (0.4, 0.8), 1.0), ("aac", (0.4, 0.8), 1.0), ("aac", (0.2, 1.5), 1.6)]
)
def test_sound_with_packets_lost_keeps_its_timing_after_the_gap(tmp_path, codec, lost, beep_s):
    # An MP4 lays its sound end to end: the gap is filled with silence (a second at a
    # time), or the beep after it would come early (it did, with AAC packets copied as
    # they were).
    clip = write_video(tmp_path / "clip.mkv", frames=50, fps=25, sound=Beep(codec=codec, at_s=beep_s))
    gappy = without_sound_between(clip, tmp_path / "gappy.mkv", *lost)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(gappy, synthetic_result(50, 25.0), out) == 50
    kept = soundtrack(out)
    assert kept is not None and abs(kept[1] - beep_s) < 0.01 and kept[2] <= 2.0 + 1 / 25
    frames, _ = decoded(out)
    assert len(frames) == 50


def test_a_variable_frame_rate_video_keeps_each_frames_time_and_its_sound_in_step(tmp_path):
    # A phone slows its frame rate in dim light: 25 frames/s for a second, then 12.5. Each
    # frame of the copy is shown when the source shows it, so the beep at 2.5 s still
    # sounds over the frame it sounded over (frame count over the rate put that frame at 1.72 s).
    pts = [40 * i for i in range(25)] + [1000 + 80 * i for i in range(25)]
    clip = write_video(tmp_path / "phone.mp4", frames=50, fps=25, pts=pts, sound=Beep(at_s=2.5, seconds=3.0))
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(50, 25.0), out) == 50
    with av.open(str(out)) as container:
        times = [float(f.pts * f.time_base) for f in container.decode(video=0)]
    assert np.abs(np.array(times) - np.array(pts) / 1000).max() < 0.001
    kept = soundtrack(out)
    assert kept is not None and abs(kept[1] - 2.5) < 0.005 and kept[2] <= 2.92 + 1 / 25 + 0.03


def test_a_silent_video_gives_a_silent_copy(make_video, tmp_path):
    clip = make_video(frames=10, fps=10)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, synthetic_result(10, 10.0), out) == 10
    assert soundtrack(out) is None and soundtrack(clip) is None


@pytest.mark.slow
def test_a_real_clip_gets_its_skeleton_drawn_around_the_real_landmarks(tmp_path):
    clip = media("squat_band_1.mp4")
    with InlineReader() as reader:
        result = analyze(clip, AnalysisOptions(include_frames=True), reader=reader)
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, result, out) == result["total_frames"] == 65
    frames, rate = decoded(out)
    originals = [f.image for f in iter_frames(clip)]
    assert len(frames) == 65 and frames[0].shape == originals[0].shape and rate == 5
    k = 30
    hip = np.array(result["frames"][k]["landmarks"][23][:2]) * (720, 1280)
    x, y = hip.round().astype(int)
    around = np.s_[y - 6 : y + 7, x - 6 : x + 7]
    assert np.abs(frames[k][around].astype(int) - originals[k][around].astype(int)).max() > 80
    corner = np.s_[1200:1270, 620:710]  # floor, far from the dancer and the label
    assert np.abs(frames[k][corner].astype(int) - originals[k][corner].astype(int)).mean() < 6


@pytest.mark.slow
def test_the_ballet_clips_pirouette_is_named_on_its_frames_and_every_segment_keeps_its_frames(tmp_path):
    clip = media("ballet_spin_1.mp4")
    with InlineReader() as reader:
        result = analyze(clip, AnalysisOptions(include_frames=True), reader=reader)
    timeline = _Timeline(result)
    # Every segment's boundaries fall on the analysed frames it was made of.
    for segment in result["segments"]:
        start, stop = timeline.span(segment["start_s"], segment["end_s"])
        assert stop - start == segment["frames"], segment
    turn = next(m for m in result["moves"] if m["move"] == "turn")
    caption = "turn 2x clockwise"
    inside = [f["index"] for f in result["frames"] if turn["start_s"] - 0.001 <= f["t"] < turn["end_s"] - 0.001]
    assert [k for k in range(result["total_frames"]) if caption in timeline.moves_at(k)] == inside
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, result, out) == result["total_frames"]
    frames, _ = decoded(out)
    originals = [f.image for f in iter_frames(clip)]
    corner = np.s_[:200, :700]
    after = [inside[-1] + 1] if inside[-1] + 1 < result["total_frames"] else []  # the turn may run to the end
    for k in (inside[0], inside[len(inside) // 2], *after):
        landmarks = timeline.landmarks_at(k)
        pose = timeline.pose_at(k)
        moves = timeline.moves_at(k)
        right = draw_overlay(originals[k].copy(), landmarks, pose, moves)[corner].astype(int)
        without = draw_overlay(originals[k].copy(), landmarks, pose, [m for m in moves if m != caption])
        shown = frames[k][corner].astype(int)
        if k in inside:
            assert np.abs(shown - right).mean() < np.abs(shown - without[corner].astype(int)).mean() / 2
        else:
            assert caption not in moves


LAB = "multi_person/pose2sim_demo_multiperson_cam02_two_people_balance.mp4"


LONG_BONES = ((11, 23), (12, 24), (23, 25), (24, 26), (25, 27), (26, 28), (11, 13), (12, 14), (13, 15), (14, 16))


def test_people_follow_the_analysed_frames_and_nobody_shows_before_the_first():
    result = synthetic_result(12, 30.0, landmarks_every=3)
    result["main_person"] = 2
    for k, frame in enumerate(result["frames"]):
        frame["people"] = [{"id": 2, "box": [0, 0, 1, 1], "landmarks": frame["landmarks"], "pose": "t_pose"}]
        if k >= 2:  # someone else from the third analysed frame (video frame 6)
            frame["people"].append({"id": 5, "box": [0, 0, 1, 1], "landmarks": t_shape(0.1).tolist()})
    hop = {"move": "jump", "start_s": 0.2, "end_s": 0.3, "airtime_s": 0.1, "height": 0.2}
    result["people"] = [{"id": 2, "moves": []}, {"id": 5, "moves": [hop]}]
    timeline = _Timeline(result)
    assert timeline.main_person == 2
    assert [[p.id for p in timeline.people_at(k)] for k in range(12)] == [[2]] * 6 + [[2, 5]] * 6
    assert [p.pose for p in timeline.people_at(11)] == ["t_pose", None]  # #5's frames name none
    # Each person's own moves, on the analysed frames they happen in (frame 6, shown to frame 8).
    assert [[p.moves for p in timeline.people_at(k)] for k in (5, 6, 8, 9)] == [
        [()],
        [(), (move_caption(hop),)],
        [(), (move_caption(hop),)],
        [(), ()],
    ]
    late = {**result, "frames": [{**f, "index": f["index"] + 2} for f in result["frames"]]}
    assert _Timeline(late).people_at(0) == []  # before the first analysed frame: nobody


@pytest.mark.slow
def test_the_lab_clips_people_are_drawn_in_their_own_colours_where_they_are(tmp_path):
    clip = media(LAB)
    with InlineReader() as reader:
        result = analyze(clip, AnalysisOptions(include_frames=True, people=True), reader=reader)
    ids = [p["id"] for p in result["people"]]
    assert len(ids) >= 2
    out = tmp_path / "overlay.mp4"
    assert render_overlay(clip, result, out) == result["total_frames"]
    frames, _ = decoded(out)
    originals = [f.image for f in iter_frames(clip)]
    height, width = originals[0].shape[:2]
    timeline = _Timeline(result)
    scale = min(width, height) / 720
    for k in (10, 50, 90):
        people = timeline.people_at(k)
        assert sorted(p.id for p in people) == sorted(p["id"] for p in result["frames"][k]["people"])
        assert [p.pose for p in people] == [p["pose"] for p in result["frames"][k]["people"]]
        expected = draw_overlay(originals[k].copy(), None, None, people=people, main_person=result["main_person"])
        for person_id, points, *_ in people:
            own = np.array(person_colour(person_id))
            others = [np.array(person_colour(p.id)) for p in people if p.id != person_id]
            checked = 0
            for a, b in LONG_BONES:
                if min(points[a, 3], points[b, 3]) < 0.5:
                    continue
                x, y = (((points[a, :2] + points[b, :2]) / 2) * (width, height)).round().astype(int)
                if not (expected[y, x] == own).all():
                    continue  # under someone drawn later, or under a joint
                shown = np.median(frames[k][y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3), axis=0)
                assert np.abs(shown - own).sum() < 90, (k, person_id, (a, b), shown)
                assert all(np.abs(shown - own).sum() < np.abs(shown - o).sum() for o in others)
                checked += 1
            assert checked >= 3, f"frame {k}: too few of person {person_id}'s bones to check"
            # The id tag: the person's colour within a tag's height above the top of the head.
            x, y = tag_anchor(points, width, height)
            tag = frames[k][max(y - round(60 * scale), 0) : y, max(x - 30, 0) : x + 31].astype(int)
            assert (np.abs(tag - own).sum(axis=2) < 60).sum() > 200 * scale, (k, person_id)
        # Far from everyone: the picture as it was.
        corner = np.s_[height - 80 : height - 10, width - 120 : width - 20]
        assert np.abs(frames[k][corner].astype(int) - originals[k][corner].astype(int)).mean() < 6


def photo_result(people: bool = False) -> dict:
    """A photo's result (one frame at time 0) whose landmarks are the synthetic T."""
    result = synthetic_result(1, 25)
    result.update(photo=True, fps=None, poses=["t_pose", "arms_open"])
    if people:
        points = result["frames"][0]["landmarks"]
        second = (np.array(points) * (0.5, 1, 1, 1) + (0, 0.3, 0, 0)).tolist()  # smaller, lower left
        result["frames"][0]["people"] = [{"id": 1, "landmarks": points}, {"id": 2, "landmarks": second}]
        result["main_person"] = 1
    return result


@pytest.mark.parametrize("suffix, signature", [(".jpg", b"\xff\xd8\xff"), (".png", b"\x89PNG"), (".webp", b"RIFF")])
def test_a_photos_annotated_copy_is_the_picture_at_its_size_with_the_skeleton_and_its_poses(
    tmp_path, suffix, signature
):
    photo = media("warrior2_arms_out.jpg")
    original = read_picture(photo, max_side=2**31, max_pixels=2**62)
    out = tmp_path / f"annotated{suffix}"
    assert render_annotated(photo, photo_result(), out) == 1  # the photo's result: drawn as a picture
    assert out.read_bytes().startswith(signature) and [p.name for p in tmp_path.iterdir()] == [out.name]
    drawn = read_picture(out, max_side=2**31, max_pixels=2**62)
    assert drawn.shape == original.shape
    height, width = original.shape[:2]
    # The T's arm, half-way from the shoulder to the elbow, is drawn in the skeleton's colour.
    x, y = round(0.275 * width), round(0.4 * height)
    assert np.abs(drawn[y - 1 : y + 2, x - 1 : x + 2].astype(int) - BONE_RGB).sum(axis=2).min() < 60
    # The corner names every pose the photo holds, not only the first.
    expected = draw_overlay(original.copy(), np.array(photo_result()["frames"][0]["landmarks"]), "t_pose, arms_open")
    label = np.s_[: round(0.12 * height), : round(0.6 * width)]
    assert np.abs(drawn[label].astype(int) - expected[label].astype(int)).mean() < 4 + 4 * (suffix == ".jpg")
    shorter = draw_overlay(original.copy(), np.array(photo_result()["frames"][0]["landmarks"]), "t_pose")
    assert np.abs(expected[label].astype(int) - shorter[label].astype(int)).mean() > 4
    # Far from the skeleton and the label: the photo as it was.
    corner = np.s_[height - 40 : height - 5, width - 60 : width - 5]
    assert np.abs(drawn[corner].astype(int) - original[corner].astype(int)).mean() < 6


def test_a_group_photos_annotated_copy_draws_each_person_in_their_colour(tmp_path):
    photo = media("warrior2_arms_out.jpg")
    out = tmp_path / "group.png"
    render_picture(photo, photo_result(people=True), out)
    drawn = read_picture(out, max_side=2**31, max_pixels=2**62)
    height, width = drawn.shape[:2]
    for person_id, x, y in ((1, 0.275, 0.4), (2, 0.1375, 0.7)):  # each T's arm
        pixels = drawn[round(y * height) - 1 : round(y * height) + 2, round(x * width)].astype(int)
        assert np.abs(pixels - person_colour(person_id)).sum(axis=1).min() < 60, person_id


def test_a_photo_longer_than_its_copys_format_holds_is_shrunk_to_fit(tmp_path):
    strip = tmp_path / "strip.png"
    cv2.imwrite(str(strip), np.full((4, 20000, 3), 200, np.uint8))
    result = photo_result()
    result["frames"][0]["landmarks"] = None  # nobody in it
    for suffix, side in ((".webp", 16383), (".png", 20000)):  # WebP holds 16383 pixels a side, PNG more
        out = tmp_path / f"annotated{suffix}"
        render_picture(strip, result, out)
        assert read_picture(out, max_side=2**31, max_pixels=2**62).shape[1] == side, suffix


def test_a_photos_annotated_copy_is_only_written_as_a_picture(tmp_path):
    photo = media("warrior2_arms_out.jpg")
    with pytest.raises(ValueError, match=".jpg"):
        render_picture(photo, photo_result(), tmp_path / "annotated.mp4")
    assert list(tmp_path.iterdir()) == []
