"""/analyze through the real app: real clips, real model, and one test per error class."""

import cv2
import numpy as np
import pytest

from tests.support.hostile import huge_png
from tests.support.media import media
from tests.support.pictures import heic, side_by_side, stored_turned


def post(client, files, **params):
    return client.post("/analyze", files=files, params=params)


@pytest.mark.parametrize("field", ["file", "video"])
def test_real_clip_in_either_field_gives_the_seed_contract(client, field):
    path = media("squat_band_1.mp4")
    r = post(client, {field: ("squat.mp4", path.read_bytes(), "video/mp4")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["duration_s"] == 13.0
    assert body["total_frames"] == body["processed_frames"] == 65
    assert (body["width"], body["height"], body["fps"], body["filename"]) == (720, 1280, 5.0, "squat.mp4")
    summary = {p["pose"]: p["frames_detected"] for p in body["pose_summary"]}
    # Three reps, each about two seconds deep (knees near 95 degrees) at 5 fps, standing between.
    assert summary["squat"] >= 25 and summary["standing"] >= 25
    assert [s["pose"] for s in body["segments"]].count("squat") == 3
    assert "frames" not in body


def test_detail_frames_and_sampling(client):
    data = media("one_leg_arms_up_1.mp4").read_bytes()
    r = post(client, {"file": ("a.mp4", data)}, detail="frames", sample_fps=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total_frames"] == 120 and body["processed_frames"] == len(body["frames"]) == 40
    first = body["frames"][0]
    assert first["index"] == 0 and first["t"] == 0.0 and "one_leg" in first["poses"]
    assert len(first["landmarks"]) == 33 and len(first["landmarks"][0]) == 4
    assert all(0.0 <= v <= 1.0 for v in first["landmarks"][0][:2])


def test_filename_never_carries_a_path(client, make_video):
    r = post(client, {"file": ("../../etc/passwd.mp4", make_video().read_bytes())})
    assert r.status_code == 200, r.text
    assert r.json()["filename"] == "passwd.mp4"
    assert r.json()["pose_summary"] == []  # grey frames: nobody there


@pytest.mark.parametrize(
    ("files", "status", "message"),
    [
        ({"upload": ("a.mp4", b"data")}, 400, "No file part in the request"),
        ({"file": ("a.mp4", b"")}, 400, "empty"),
        ({"file": ("a.mp4", b"just some text, not a video\n" * 10)}, 415, "not a video"),
    ],
    ids=["wrong_field", "empty_file", "text_file"],
)
def test_bad_uploads_get_a_clear_json_error(client, files, status, message):
    r = post(client, files)
    assert r.status_code == status
    assert message.lower() in r.json()["error"].lower()


def test_file_part_with_an_empty_filename_is_400(client):
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n"
    )
    r = client.post("/analyze", content=body, headers={"content-type": "multipart/form-data; boundary=XyZ"})
    assert r.status_code == 400
    assert "empty filename" in r.json()["error"]


def test_no_multipart_body_at_all_gives_the_seed_error(client):
    r = client.post("/analyze", content=b"x", headers={"content-type": "application/octet-stream"})
    assert (r.status_code, r.json()) == (400, {"error": "No file part in the request"})
    r = client.post("/analyze")
    assert (r.status_code, r.json()) == (400, {"error": "No file part in the request"})


def test_truncated_video_is_422(client, make_video):
    data = make_video(frames=30).read_bytes()
    r = post(client, {"file": ("cut.mp4", data[: len(data) // 3])})
    assert r.status_code == 422
    assert "damaged" in r.json()["error"]


def test_audio_only_file_is_415(client, tmp_path):
    import av
    import numpy as np

    path = tmp_path / "tone.m4a"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        samples = (np.sin(np.arange(16000) / 5) * 0.3).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    r = post(client, {"file": ("tone.mp4", path.read_bytes())})
    assert r.status_code == 415
    assert "no video stream" in r.json()["error"]


def test_over_the_size_limit_is_413(client):
    r = post(client, {"file": ("big.mp4", b"\0" * (6 * 1024 * 1024))})
    assert r.status_code == 413
    assert "5 MB" in r.json()["error"]


def test_over_the_duration_limit_is_413_and_names_the_limit(client, make_video):
    path = make_video(frames=65, fps=1, width=32, height=32)
    r = post(client, {"file": ("long.mp4", path.read_bytes())})
    assert r.status_code == 413
    assert "60 s" in r.json()["error"]


def test_bad_query_parameter_is_a_400_json_error(client, make_video):
    r = post(client, {"file": ("a.mp4", make_video().read_bytes())}, sample_fps=-1)
    assert r.status_code == 400
    assert "sample_fps" in r.json()["error"]
    r = post(client, {"file": ("a.mp4", make_video().read_bytes())}, sample_fps="nan")
    assert (r.status_code, r.json()) == (400, {"error": "Invalid request: sample_fps: Input should be a finite number"})


def test_health_poses_docs_and_unknown_routes(client, settings):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["model_loaded"] is True and health["workers"] == settings.workers
    assert health["jobs"] == {"runner": "embedded", "queued": 0}
    assert health["models"] == ["lite", "full", "heavy"] and health["default_model"] == "full"
    poses = client.get("/poses").json()
    assert {"squat", "t_pose", "standing"} <= {p["name"] for p in poses["poses"]}
    assert any(f["name"] == "knee_angle" for f in poses["features"])
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "multipart/form-data" in spec["paths"]["/analyze"]["post"]["requestBody"]["content"]
    missing = client.get("/nope")
    assert missing.status_code == 404 and "error" in missing.json()


def test_frames_without_a_person_say_so_with_null_landmarks(client, make_video):
    body = post(client, {"file": ("grey.mp4", make_video().read_bytes())}, detail="frames").json()
    assert body["frames"][0]["landmarks"] is None and body["frames"][0]["poses"] == []


@pytest.mark.slow
def test_the_model_is_chosen_per_request_and_named_in_the_result(client):
    clip = media("squat_band_1.mp4")
    answers = {
        model: client.post(
            "/analyze", params={"model": model, "sample_fps": 2}, files={"file": ("a.mp4", clip.read_bytes())}
        )
        for model in ("lite", "heavy")
    }
    for model, r in answers.items():
        assert r.status_code == 200, r.text
        assert r.json()["model"] == model and "squat" in {p["pose"] for p in r.json()["pose_summary"]}
    default = client.post("/analyze", params={"sample_fps": 2}, files={"file": ("a.mp4", clip.read_bytes())})
    assert default.json()["model"] == "full"
    bad = client.post("/analyze", params={"model": "huge"}, files={"file": ("a.mp4", clip.read_bytes())})
    assert bad.status_code == 400 and "model" in bad.json()["error"]


def test_precision_auto_runs_the_model_on_fewer_frames_and_marks_the_rest(client):
    data = media("dance_solo_1.mp4").read_bytes()
    r = post(client, {"file": ("dance.mp4", data)}, detail="frames", precision="auto")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["precision"] == "auto" and body["processed_frames"] == body["total_frames"] == 288
    assert 0 < body["model_frames"] < 0.75 * body["processed_frames"]
    interpolated = [f for f in body["frames"] if f["interpolated"]]
    assert len(interpolated) == body["processed_frames"] - body["model_frames"]
    assert all(len(f["landmarks"]) == 33 and f["pose"] for f in interpolated)
    every = post(client, {"file": ("dance.mp4", data)}).json()
    assert every["precision"] == "every_frame" and every["model_frames"] == 288
    assert [s["pose"] for s in every["segments"]] == [s["pose"] for s in body["segments"]]
    bad = post(client, {"file": ("dance.mp4", data)}, precision="fast")
    assert bad.status_code == 400 and "precision" in bad.json()["error"]


@pytest.mark.parametrize("model", ["lite", "full", "heavy"])
def test_a_photo_is_analysed_as_one_moment_with_every_pose_in_it(client, model):
    tree = media("tree_pose_one_leg.jpg").read_bytes()  # yoga's tree: a foot at the other knee
    r = post(client, {"file": ("tree.jpg", tree, "image/jpeg")}, model=model)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["photo"] is True and {"one_leg", "passe"} <= set(body["poses"]), body["poses"]
    assert (body["total_frames"], body["processed_frames"], body["duration_s"]) == (1, 1, 0.0)
    assert body["pose_summary"] == [{"pose": body["poses"][0], "frames_detected": 1}]
    assert (body["width"], body["height"], body["model"], body["moves"]) == (426, 640, model, [])


def test_a_photos_annotated_picture_is_one_request_away(client):
    photo = media("warrior2_arms_out.jpg").read_bytes()
    r = post(client, {"file": ("warrior.jpg", photo)}, format="jpg", people="all")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg", r.text[:200]
    assert r.headers["content-disposition"] == 'inline; filename="warrior-annotated.jpg"'
    drawn = cv2.imdecode(np.frombuffer(r.content, np.uint8), cv2.IMREAD_COLOR)
    original = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    assert drawn.shape == original.shape
    changed = np.abs(drawn.astype(int) - original.astype(int)).max(axis=2) > 60
    assert 0.005 < changed.mean() < 0.2  # the skeleton and the label, not a picture of something else
    video = post(client, {"file": ("clip.mp4", media("squat_band_1.mp4").read_bytes())}, format="jpg")
    assert video.status_code == 415 and "POST /jobs?overlay=true" in video.json()["error"]
    assert post(client, {"file": ("warrior.jpg", photo)}, format="png").status_code == 400


def test_an_iphones_heic_photo_reads_as_the_same_photo_in_jpeg_does(client, tmp_path):
    photo = media("tree_pose_one_leg.jpg")
    iphone = heic(photo, tmp_path / "IMG_0042.HEIC", quality=90)
    as_heic = post(client, {"file": (iphone.name, iphone.read_bytes(), "image/heic")}, detail="frames").json()
    as_jpeg = post(client, {"file": (photo.name, photo.read_bytes())}, detail="frames").json()
    assert as_heic["photo"] is True and as_heic["poses"] == as_jpeg["poses"], (as_heic, as_jpeg)
    assert (as_heic["width"], as_heic["height"]) == (426, 640)
    apart = np.abs(np.array(as_heic["frames"][0]["landmarks"]) - np.array(as_jpeg["frames"][0]["landmarks"]))
    assert apart[:, :2].max() < 0.02  # the same body, within what a re-encoding moves it
    r = post(client, {"file": ("cut.heic", iphone.read_bytes()[:4000])})
    assert r.status_code == 422 and "damaged" in r.json()["error"], r.text


def test_a_portrait_photo_stored_turned_reads_upright(client):
    """A phone stores a portrait photo landscape and tags it to be turned: the body is upright
    once turned, and lying on its side if the tag is missed."""
    turned = stored_turned(media("tree_pose_one_leg.jpg").read_bytes())
    r = post(client, {"file": ("IMG_0001.JPG", turned)}, detail="frames")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["width"], body["height"]) == (426, 640) and {"one_leg", "passe"} <= set(body["poses"])
    head_y, ankle_y = body["frames"][0]["landmarks"][0][1], body["frames"][0]["landmarks"][27][1]
    assert head_y < ankle_y


def test_a_group_photo_describes_each_person_and_how_alike_their_poses_are(client):
    tree, warrior = media("tree_pose_one_leg.jpg"), media("warrior2_arms_out.jpg")
    duo = side_by_side(tree, warrior)
    alone = post(client, {"file": ("duo.jpg", duo)}).json()
    assert "people" not in alone and "sync" not in alone
    [crowd] = [w for w in alone["warnings"] if w["code"] == "several_people"]
    assert crowd["message"].startswith("2 people are in the photo") and "people=all" in crowd["message"]

    r = post(client, {"file": ("duo.jpg", duo)}, people="all", detail="frames")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["main_person"] == 1 and body["poses"] == alone["poses"]  # the main person read as alone
    poses = {p["id"]: set(p["poses"]) for p in body["people"]}
    assert {"one_leg", "passe"} <= poses[1] | poses[2] and {"lunge", "t_pose"} <= poses[1] | poses[2], poses
    assert poses[1] ^ poses[2] and not any(w["code"] == "several_people" for w in body["warnings"])
    assert all("movement" not in p and p["frames_present"] == 1 for p in body["people"])
    assert [p["id"] for p in body["frames"][0]["people"]] == [1, 2]
    sync = body["sync"]
    assert sync["group"]["compared_s"] == 0.0 and sync["duration_s"] == 0.0
    # The same pose twice (one of them mirrored) is far more alike than a tree beside a warrior.
    twins = post(client, {"file": ("twins.jpg", side_by_side(tree, (tree, True)))}, people="all").json()
    assert [set(p["poses"]) for p in twins["people"]] == [set(twins["poses"])] * 2
    assert twins["sync"]["group"]["score"] >= sync["group"]["score"] + 30, (twins["sync"], sync)


def test_a_photo_in_a_format_not_read_here_says_which_formats_are(client):
    import cv2

    ok, tiff = cv2.imencode(".tiff", cv2.imread(str(media("tree_pose_one_leg.jpg"))))
    r = post(client, {"file": ("tree.tiff", tiff.tobytes())})
    assert r.status_code == 415, r.text
    assert "still image in a format not read here" in r.json()["error"] and "JPEG, PNG" in r.json()["error"]


def test_a_bad_photo_is_named(client):
    photo = media("warrior2_arms_out.jpg").read_bytes()
    r = post(client, {"file": ("broken.jpg", photo[: len(photo) // 50])})
    assert r.status_code == 422 and "damaged" in r.json()["error"], r.text  # cut short, as a video would be
    r = post(client, {"file": ("big.png", huge_png(8192, 8192))})
    assert r.status_code == 413 and "8192x8192" in r.json()["error"]
