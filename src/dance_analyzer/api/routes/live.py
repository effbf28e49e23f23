"""/live: a WebSocket over which a browser that runs the pose model itself sends each
frame's landmarks and hears the poses and moves back (protocol in docs/live.md).

The key travels in the handshake's headers or in the first message, never in the URL,
which ends up in logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from ...errors import ModelNotInstalled, NotAVideo, TooLarge
from ...jobs.models import JOB_ID_SHAPE, JobStatus, is_job_id
from ...labels.moves import load_moves
from ...live import FRAME_FLOATS, LiveInputError, LiveSession, parse_binary_frame, parse_camera_frame
from ...media.still import decode_picture
from ...pose.camera import CameraFollower
from ...pose.extract import INFERENCE_MAX_SIDE
from ...pose.track import LandmarkTrack, load_track
from ..keys import KeyRing, Tenant
from ..live_hub import LiveHub

router = APIRouter()
log = logging.getLogger("dance_analyzer.live")

# Close codes: 1000 done, 1008 refused (origin), 1013 full, 4400 bad start, 4401 key, 4408 idle.
FULL, POLICY, BAD_START, NO_KEY, IDLE = 1013, 1008, 4400, 4401, 4408


async def _refuse(websocket: WebSocket, code: int, error: str) -> None:
    await websocket.send_json({"type": "error", "error": error})
    await websocket.close(code=code, reason=error[:120])


def _origin_allowed(websocket: WebSocket, cors_origins: list[str]) -> bool:
    """Browsers do not apply CORS to WebSockets: another site's page could open one with
    the user's network position, so only this server's own pages (and listed origins) may."""
    origin = websocket.headers.get("origin")
    if origin is None or "*" in cors_origins or origin in cors_origins:
        return True
    host = websocket.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def _offered_key(headers: Headers, start: dict[str, Any]) -> str:
    auth = headers.get("authorization") or ""
    bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    key = start.get("api_key")
    return headers.get("x-api-key") or bearer or (key if isinstance(key, str) else "")


@router.websocket("/live")
async def live(websocket: WebSocket) -> None:
    app = websocket.app
    settings = app.state.settings
    hub: LiveHub = app.state.live
    keys: KeyRing = app.state.keys
    await websocket.accept()
    if not _origin_allowed(websocket, settings.cors_origin_list):
        await _refuse(websocket, POLICY, "This page's origin may not open live sessions here")
        return
    if not hub.open():
        await _refuse(websocket, FULL, f"Too many live sessions ({hub.max_sessions}); try again in a minute")
        return
    try:
        await _serve(websocket, hub, keys, settings)
    except WebSocketDisconnect:
        pass
    finally:
        hub.close()


async def _serve(websocket: WebSocket, hub: LiveHub, keys: KeyRing, settings: Any) -> None:
    idle_s: float = settings.live_idle_s
    start = await _receive(websocket, idle_s)
    if start is None:
        return
    if not isinstance(start, dict) or start.get("type") != "start":
        await _refuse(websocket, BAD_START, 'The first message is {"type": "start", ...} (see docs/live.md)')
        return
    tenant = keys.identify(_offered_key(websocket.headers, start))
    if tenant is None:
        await _refuse(
            websocket, NO_KEY, "A valid API key is required (X-API-Key header or api_key in the start message)"
        )
        return
    width, height = start.get("width", 640), start.get("height", 480)
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 16384 for v in (width, height)):
        await _refuse(websocket, BAD_START, "width and height are the camera picture's size in pixels")
        return
    model = start.get("model", "full")
    if model not in ("lite", "full", "heavy"):
        await _refuse(websocket, BAD_START, "model is lite, full or heavy")
        return
    mode = start.get("mode", "browser")
    if mode not in ("browser", "server"):
        await _refuse(websocket, BAD_START, 'mode is "browser" (it sends landmarks) or "server" (it sends pictures)')
        return
    reference: LandmarkTrack | None = None
    if start.get("follow") is not None:
        found = await run_in_threadpool(_reference, websocket, start["follow"], tenant)
        if isinstance(found, str):
            await _refuse(websocket, BAD_START, found)
            return
        reference = found
    if mode == "server":
        if not hub.open_server_model():
            await _refuse(
                websocket, FULL, f"The server runs the model for {hub.max_server_sessions} live sessions at most, "
                "and they are all taken: run the model in the browser, or try again later"
            )  # fmt: skip
            return
        try:
            await _serve_session(websocket, hub, settings, tenant.name, width, height, model, mode, reference)
        finally:
            hub.close_server_model()
        return
    await _serve_session(websocket, hub, settings, tenant.name, width, height, model, mode, reference)


def _reference(websocket: WebSocket, job_id: Any, tenant: Tenant) -> LandmarkTrack | str:
    """The follow-along reference: a finished analysis job's dancer; or why it cannot be."""
    if not (isinstance(job_id, str) and is_job_id(job_id)):
        return f"No job to follow along with: {JOB_ID_SHAPE}"
    jobs = getattr(websocket.app.state, "jobs", None)
    job = jobs.get(job_id) if jobs is not None else None
    if jobs is None or job is None or not job.visible_to(None if tenant.admin else tenant.name):
        return f"No job with id {job_id!r} to follow along with"
    if job.photo:
        return "That job's upload is a photo, one moment: there is no dance in it to follow along with"
    path = jobs.storage.landmarks_path(job.id)
    if job.status is not JobStatus.DONE or not path.exists():
        return "That job is not a finished analysis submitted with overlay=true: nothing to follow along with"
    return load_track(path)


async def _serve_session(
    websocket: WebSocket,
    hub: LiveHub,
    settings: Any,
    owner: str,
    width: int,
    height: int,
    model: str,
    mode: str,
    reference: LandmarkTrack | None = None,
) -> None:
    idle_s: float = settings.live_idle_s
    follower = None
    if mode == "server":
        try:
            follower = await run_in_threadpool(CameraFollower, model)
        except ModelNotInstalled as exc:
            await _refuse(websocket, BAD_START, str(exc))
            return
    poses = await run_in_threadpool(app_poses, websocket, owner)
    session = LiveSession(
        poses,
        load_moves(settings.moves_file),
        min_segment_s=settings.min_segment_s,
        width=width,
        height=height,
        model=model,
        max_s=settings.live_max_s,
        reference=reference,
    )
    session_id = uuid.uuid4().hex
    await websocket.send_json(
        {
            "type": "ready",
            "session": session_id,
            "mode": mode,
            "follow": None if reference is None else {"duration_s": round(reference.duration_s, 3)},
            "poses": list(poses.names),
            "binary_frame_floats": FRAME_FLOATS,
            "idle_timeout_s": idle_s,
            "max_s": settings.live_max_s,
        }
    )
    log.info("live session %s started", session_id)
    while True:
        message = await _receive(websocket, idle_s)
        if message is None:
            return
        frame: tuple[Any, Any, Any]
        if isinstance(message, bytes) and follower is not None:
            try:
                frame = await run_in_threadpool(_camera_frame, follower, message, settings.max_pixels)
            except (LiveInputError, NotAVideo, TooLarge) as exc:
                await websocket.send_json({"type": "error", "error": f"frame refused: {exc}"})
                continue
        elif isinstance(message, bytes):
            try:
                frame = parse_binary_frame(message)
            except LiveInputError as exc:
                await websocket.send_json({"type": "error", "error": str(exc)})
                continue
        elif isinstance(message, dict) and message.get("type") == "frame":
            frame = (message.get("t"), message.get("image"), message.get("world"))
        elif isinstance(message, dict) and message.get("type") == "stop":
            await _finish(websocket, session)
            log.info("live session %s ended after %d frames", session_id, session.frames)
            return
        else:
            await websocket.send_json({"type": "error", "error": 'Messages are "frame" (or binary frames) and "stop"'})
            continue
        try:
            answer = await hub.add((session, *frame))
        except LiveInputError as exc:
            answer = {"type": "error", "error": f"frame refused: {exc}"}
        if follower is not None and answer["type"] == "pose":  # the page draws the skeleton from these
            image = frame[1]
            answer["landmarks"] = None if image is None else np.round(image, 4).tolist()
        await websocket.send_json(answer)


def _camera_frame(follower: CameraFollower, data: bytes, max_pixels: int) -> tuple[float, Any, Any]:
    """A camera picture to the dancer's landmarks (None, None: nobody)."""
    t, jpeg = parse_camera_frame(data)
    picture = decode_picture(jpeg, INFERENCE_MAX_SIDE, max_pixels)
    found = follower.step(picture, t)
    return (t, *found) if found is not None else (t, None, None)


def app_poses(websocket: WebSocket, owner: str) -> Any:
    return websocket.app.state.pose_library.current(owner)


async def _finish(websocket: WebSocket, session: LiveSession) -> None:
    try:
        result, late = await run_in_threadpool(session.finish)
    except LiveInputError as exc:
        await _refuse(websocket, 1000, str(exc))
        return
    await websocket.send_json({"type": "result", "moves": late, "result": {**result, "filename": "live"}})
    await websocket.close(code=1000)


async def _receive(websocket: WebSocket, idle_s: float) -> Any:
    """The next message (parsed JSON, or bytes), or None once the session is over: closed
    by the client, idle too long (then told so), or not JSON (told so, and waited on)."""
    while True:
        try:
            message = await asyncio.wait_for(websocket.receive(), idle_s)
        except TimeoutError:
            await _refuse(websocket, IDLE, f"No message for {idle_s:.0f} s: the live session is closed")
            return None
        if message["type"] == "websocket.disconnect":
            return None
        if message.get("bytes") is not None:
            return message["bytes"]
        try:
            return json.loads(message.get("text") or "")
        except ValueError:
            await websocket.send_json({"type": "error", "error": "Messages are JSON text, or binary frames"})
