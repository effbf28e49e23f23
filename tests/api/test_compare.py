"""/compare through the real app: two uploads, two analyses on the pool, one comparison."""

import av
import cv2
import pytest

from tests.support.media import media
from tests.support.schema import validate


@pytest.mark.slow
def test_compare_a_clip_with_itself(client):
    data = media("squat_band_1.mp4").read_bytes()
    r = client.post(
        "/compare",
        params={"sample_fps": 2.5},
        files={"reference": ("ref.mp4", data), "attempt": ("mine.mp4", data)},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["similarity"] == 100.0 and body["offset_s"] == 0.0
    assert body["reference"]["filename"] == "ref.mp4" and body["attempt"]["filename"] == "mine.mp4"
    assert set(body["body_parts"]) == {"left_arm", "right_arm", "left_leg", "right_leg", "torso"}
    assert body["sync_map"][0] == [0.0, 0.0]
    validate(client, "CompareResult", body)


def test_compare_needs_both_videos(client, make_video):
    r = client.post("/compare", files={"reference": ("a.mp4", make_video().read_bytes())})
    assert r.status_code == 400 and "attempt" in r.json()["error"]
    r = client.post("/compare", files={"reference": ("a.mp4", b"x" * 10), "attempt": ("b.mp4", b"")})
    assert r.status_code == 400 and "empty" in r.json()["error"]


def test_compare_without_a_dancer_is_a_clear_422(client, make_video):
    grey = make_video().read_bytes()  # nobody in these frames
    r = client.post("/compare", files={"reference": ("a.mp4", grey), "attempt": ("b.mp4", grey)})
    assert r.status_code == 422 and "no person" in r.json()["error"].lower()


@pytest.mark.slow
def test_the_job_variant_gives_what_compare_gives(client, data_dir):
    from tests.support.processes import finished, poll_job

    data = media("squat_band_1.mp4").read_bytes()
    files = {"reference": ("ref.mp4", data), "attempt": ("mine.mp4", data)}
    r = client.post("/jobs/compare", params={"sample_fps": 2.5}, files=files)
    assert r.status_code == 202, r.text
    job = poll_job(client, r.json()["id"], finished)
    assert job["status"] == "done", job
    direct = client.post("/compare", params={"sample_fps": 2.5}, files=files).json()
    assert job["result"] == direct and job["result"]["attempt"]["filename"] == "mine.mp4"
    validate(client, "JobView", job)
    assert list((data_dir / "uploads").iterdir()) == []
    assert client.delete(f"/jobs/{job['id']}").status_code == 204


def frame_as_photo(clip, at_s: float) -> bytes:
    """The clip's frame at ``at_s`` as a JPEG, as a phone's snapshot of that moment would be."""
    with av.open(str(clip)) as container:
        frame = next(f for f in container.decode(video=0) if f.time >= at_s)
    return cv2.imencode(".jpg", frame.to_ndarray(format="bgr24"))[1].tobytes()


@pytest.mark.slow
def test_a_photo_of_a_pose_is_matched_with_the_moment_of_the_dance_that_comes_closest(client):
    clip = media("dance_solo_1.mp4")  # at 8 s a pose she holds for less than a second
    photo, video = ("pose.jpg", frame_as_photo(clip, 8.0)), ("dance.mp4", clip.read_bytes())
    r = client.post("/compare", files={"reference": photo, "attempt": video})
    assert r.status_code == 200, r.text
    body = r.json()
    validate(client, "CompareResult", body)
    assert 7.6 <= body["closest_moment"]["attempt_s"] <= 8.6 and body["closest_moment"]["reference_s"] == 0.0, body
    assert body["similarity"] >= 85 and body["warnings"] == [] and body["worst_moments"] == []
    assert body["reference"]["photo"] is True and "photo" not in body["attempt"]
    swapped = client.post("/compare", files={"reference": video, "attempt": photo}).json()
    assert swapped["closest_moment"] == {"attempt_s": 0.0, "reference_s": body["closest_moment"]["attempt_s"]}
    assert swapped["similarity"] == body["similarity"] and swapped["attempt"]["photo"] is True


def test_two_photos_say_how_alike_their_poses_are(client):
    warrior = ("warrior.jpg", media("warrior2_arms_out.jpg").read_bytes())
    tree = ("tree.jpg", media("tree_pose_one_leg.jpg").read_bytes())
    same = client.post("/compare", files={"reference": warrior, "attempt": warrior}).json()
    assert same["similarity"] == 100.0 and same["closest_moment"] == {"attempt_s": 0.0, "reference_s": 0.0}, same
    apart = client.post("/compare", files={"reference": warrior, "attempt": tree}).json()
    assert apart["similarity"] < 50 and apart["warnings"][0]["code"] == "unrelated"
    assert "These two photos do not show the same pose" in apart["warnings"][0]["message"]
    validate(client, "CompareResult", apart)
    r = client.post("/compare", files={"reference": warrior, "attempt": ("cut.jpg", warrior[1][:3000])})
    assert r.status_code == 422 and r.json()["error"].startswith("The attempt photo: the image is damaged"), r.text
