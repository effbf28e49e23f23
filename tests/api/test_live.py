"""/live over a real WebSocket: a recorded landmark stream in, poses, moves and the result out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from dance_analyzer import pipeline
from dance_analyzer.api import create_app
from dance_analyzer.config import Settings
from dance_analyzer.labels.classify import NO_POSE, primary_pose
from dance_analyzer.labels.definitions import load_definitions
from dance_analyzer.labels.move_corpus import load_move_corpus
from dance_analyzer.labels.moves import load_moves

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "moves"
PIROUETTE = "pymaf/examples/dancer.mp4"  # real landmarks of a real double pirouette


@pytest.fixture(scope="module")
def track():
    return load_move_corpus(CORPUS).track(PIROUETTE, "full")


def live_client(tmp_path, **settings) -> TestClient:
    """The real app; no lifespan (no worker pool): a live session never reads a video."""
    return TestClient(create_app(Settings(data_dir=tmp_path, workers=1, **settings)))


def start(ws, **fields):
    ws.send_json({"type": "start", "width": 1920, "height": 1080, **fields})
    return ws.receive_json()


def binary(t: float, image: np.ndarray, world: np.ndarray) -> bytes:
    return np.concatenate([[t], image.ravel(), world.ravel()]).astype("<f4").tobytes()


def closed_with(ws) -> tuple[int, str]:
    """The error message the server sent, then its close code."""
    error = ws.receive_json()
    assert error["type"] == "error"
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return closed.value.code, error["error"]


def test_a_recorded_pirouette_streamed_live_gives_the_offline_poses_moves_and_result(tmp_path, track):
    poses = load_definitions()
    offline = primary_pose(pipeline.frame_labels(track.image, track.world, poses))
    # Camera times, as float32 can carry them (binary frames): the same in both forms.
    sent = (50 + track.times).astype(np.float32).astype(float)
    with live_client(tmp_path).websocket_connect("/live") as ws:
        ready = start(ws)
        assert ready["type"] == "ready" and ready["binary_frame_floats"] == 232 and "squat" in ready["poses"]
        shown, moves = [], []
        for k, t in enumerate(sent):
            if k % 2:  # JSON and binary frames alike
                ws.send_bytes(binary(t, track.image[k], track.world[k]))
            else:
                ws.send_json(
                    {"type": "frame", "t": t, "image": track.image[k].tolist(), "world": track.world[k].tolist()}
                )
            answer = ws.receive_json()  # one answer per frame
            assert answer["type"] == "pose"
            shown.append(answer["pose"])
            moves += answer["moves"]
        ws.send_json({"type": "stop"})
        end = ws.receive_json()
        assert end["type"] == "result"
        moves += end["moves"]
        result = end["result"]
    assert shown == [None if p == NO_POSE else poses.names[p] for p in offline]
    # The recording is the clip: the live result is the offline description of these landmarks.
    times = sent - sent[0]  # a session counts from its first frame
    recorded = replace(track, times=times, duration_s=float(times[-1] + np.median(np.diff(times))))
    expected, _ = pipeline.describe(recorded, poses, 0.2, moves=load_moves())
    assert result["segments"] == expected["segments"] and result["moves"] == expected["moves"]
    assert result["processed_frames"] == len(track.times) and result["filename"] == "live"
    turns = [m for m in result["moves"] if m["move"] == "turn"]
    assert len(turns) == 1 and turns[0]["rotations"] == 2.0
    assert [m["move"] for m in moves] == [m["move"] for m in result["moves"]]  # all said before the result


def test_bad_messages_get_a_reason_and_the_session_goes_on(tmp_path, track):
    with live_client(tmp_path).websocket_connect("/live") as ws:
        assert start(ws)["type"] == "ready"
        ws.send_text("not json")
        assert "JSON" in ws.receive_json()["error"]
        ws.send_json({"type": "frame", "t": 1.0, "image": [[0, 0]], "world": []})
        assert "33 rows" in ws.receive_json()["error"]
        ws.send_bytes(b"\x00" * 12)
        assert "float32" in ws.receive_json()["error"]
        ws.send_json({"type": "dance"})
        assert "stop" in ws.receive_json()["error"]
        ws.send_bytes(binary(1.0, track.image[0], track.world[0]))
        assert ws.receive_json()["type"] == "pose"
        ws.send_bytes(binary(0.5, track.image[1], track.world[1]))  # back in time
        assert "increase" in ws.receive_json()["error"]


def test_a_session_needs_a_start_and_sized_picture(tmp_path):
    with live_client(tmp_path).websocket_connect("/live") as ws:
        ws.send_json({"type": "frame", "t": 0})
        code, error = closed_with(ws)
        assert code == 4400 and "start" in error
    with live_client(tmp_path).websocket_connect("/live") as ws:
        ws.send_json({"type": "start", "width": -3, "height": 480})
        code, error = closed_with(ws)
        assert code == 4400 and "width" in error


def test_with_keys_the_key_comes_in_the_first_message_or_a_header(tmp_path):
    client = live_client(tmp_path, api_keys="dancer:live-key-123456")
    with client.websocket_connect("/live") as ws:
        ws.send_json({"type": "start", "api_key": "wrong"})
        code, error = closed_with(ws)
        assert code == 4401 and "API key" in error
    with client.websocket_connect("/live") as ws:
        assert start(ws, api_key="live-key-123456")["type"] == "ready"
    with client.websocket_connect("/live", headers={"X-API-Key": "live-key-123456"}) as ws:
        assert start(ws)["type"] == "ready"


def test_sessions_are_limited_and_idle_ones_closed(tmp_path):
    client = live_client(tmp_path, max_live_sessions=1, live_idle_s=0.5)
    with client.websocket_connect("/live") as first:
        assert start(first)["type"] == "ready"
        with client.websocket_connect("/live") as second:
            code, error = closed_with(second)
            assert code == 1013 and "Too many live sessions" in error
        code, error = closed_with(first)  # then the first one idles out
        assert code == 4408 and "No message" in error
    with client.websocket_connect("/live") as again:  # its place is free again
        assert start(again)["type"] == "ready"


def test_another_sites_page_cannot_open_a_session(tmp_path):
    client = live_client(tmp_path)
    with client.websocket_connect("/live", headers={"Origin": "https://evil.example"}) as ws:
        code, error = closed_with(ws)
        assert code == 1008 and "origin" in error
    with client.websocket_connect("/live", headers={"Origin": "http://testserver"}) as ws:
        assert start(ws)["type"] == "ready"


def camera_frames(clip: Path) -> list[bytes]:
    """The clip's pictures as a camera page sends them: t (float64), then a JPEG."""
    import cv2

    from dance_analyzer.media.video import iter_frames

    out = []
    for frame in iter_frames(clip, max_side=640):
        assert frame.image is not None
        ok, jpeg = cv2.imencode(".jpg", frame.image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85])
        assert ok
        out.append(np.array([frame.t], "<f8").tobytes() + jpeg.tobytes())
    return out


@pytest.mark.slow
def test_with_the_model_on_the_server_a_real_clip_reads_as_its_analysis(tmp_path):
    from dance_analyzer.pipeline import AnalysisOptions, analyze
    from dance_analyzer.workers.inline import InlineReader
    from tests.support.media import media

    clip = media("squat_band_1.mp4")
    offline = analyze(clip, AnalysisOptions(include_frames=True), reader=InlineReader())["frames"]
    with live_client(tmp_path).websocket_connect("/live") as ws:
        ready = start(ws, width=720, height=1280, mode="server", model="full")
        assert ready["type"] == "ready" and ready["mode"] == "server"
        answers = []
        for data in camera_frames(clip):
            ws.send_bytes(data)
            answers.append(ws.receive_json())
        ws.send_bytes(b"\x00" * 8 + b"not a jpeg")
        assert "frame refused" in ws.receive_json()["error"]
        ws.send_json({"type": "stop"})
        result = ws.receive_json()["result"]
    assert len(answers) == len(offline) == 65 and all(a["type"] == "pose" for a in answers)
    assert all(a["landmarks"] is not None and len(a["landmarks"]) == 33 for a in answers)  # to draw
    live = [a["pose"] for a in answers]
    analysed = [f["poses"][0] if f["poses"] else None for f in offline]  # each frame on its own, first by priority
    agree = np.mean([a == b for a, b in zip(live, analysed, strict=True)])
    print(f"\nserver-side live mode agrees with the analysis on {agree:.0%} of the squat clip's frames")
    assert agree >= 0.9
    assert [c["count"] for c in result["pose_counts"] if c["pose"] == "squat"] == [3]


def test_the_server_runs_the_model_for_a_few_sessions_only(tmp_path):
    client = live_client(tmp_path, max_server_live_sessions=0)
    with client.websocket_connect("/live") as ws:
        ws.send_json({"type": "start", "mode": "server"})
        code, error = closed_with(ws)
        assert code == 1013 and "in the browser" in error
    with client.websocket_connect("/live") as ws:
        ws.send_json({"type": "start", "mode": "telepathy"})
        code, error = closed_with(ws)
        assert code == 4400 and "mode" in error
