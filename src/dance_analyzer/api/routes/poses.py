"""The pose definitions in use, and the user's own: add (upload or learn), review, remove."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, HTTPException, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from ... import pipeline
from ...config import Settings
from ...features import FEATURES
from ...labels.definitions import POSE_NAME, DefinitionError, PoseSet
from ...labels.library import PoseLibrary
from ...labels.safe_yaml import load_yaml
from ...pose.models import check_installed
from ...workers.pool import AnalysisPool
from ..deps import PoolDep, PoseLibraryDep, PosesDep, SettingsDep, TenantDep
from ..errors import UploadError
from ..params import LEARN_BODY, Model, PoseMomentS
from ..pose_models import LearnedPose, PoseList
from ..schemas import ERROR_RESPONSES, ErrorBody
from ..uploads import receive_video_uploads

router = APIRouter(prefix="/poses", tags=["poses"])

MAX_DEFINITION_BYTES = 256 * 1024
# Bounded, so that a 404 naming it stays short (names are at most 64 characters).
PoseName = Annotated[str, Path(max_length=64, description="the custom pose's name")]


def _describe(pose_set: PoseSet, library: PoseLibrary, owner: str) -> dict[str, Any]:
    return {
        **pose_set.to_dict(),
        "custom": [p.get("name") for p in library.custom(owner)],
        "features": [
            {"name": f.name, "per_side": f.sided, "unit": f.unit, "description": f.description}
            for f in FEATURES.values()
        ],
    }


@router.get(
    "",
    response_model=PoseList,
    summary="The pose definitions in use (built-in and custom) and the features they use",
    description=(
        "Every pose the analysis can name, highest priority first, each with its description and its "
        "conditions as readable text, then the features a condition can measure (with units). Custom poses "
        "are the caller's own (per API key).\n\nExample: `curl http://localhost:5000/poses`"
    ),
)
async def list_poses(pose_set: PosesDep, library: PoseLibraryDep, tenant: TenantDep) -> dict[str, Any]:
    return _describe(pose_set, library, tenant.name)


@router.post(
    "",
    status_code=201,
    responses={
        400: {"model": ErrorBody, "description": "The definition is invalid; the error says where"},
        413: {"model": ErrorBody, "description": "The definition is too large"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
    response_model=PoseList,
    summary="Add or replace custom poses (the poses.yaml format); used by every later analysis",
    description=(
        "The body is one pose or `{poses: [...]}` in the poses.yaml format, as YAML or JSON: a name, a "
        "priority, a description and `when` conditions on the features listed by `GET /poses`. It is "
        "validated (unknown features and keys are refused, with where) and then used by every later "
        "analysis made with the same API key. Answers with the whole pose set, as `GET /poses` does.\n\n"
        "Example: `curl -H 'Content-Type: application/yaml' --data-binary @my_poses.yaml "
        "http://localhost:5000/poses`"
    ),
)
async def add_poses(request: Request, library: PoseLibraryDep, tenant: TenantDep) -> dict[str, Any]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_DEFINITION_BYTES:
            raise UploadError(413, f"A pose definition is at most {MAX_DEFINITION_BYTES // 1024} KB")
    try:
        data = load_yaml(body.decode("utf-8")) if body.strip() else None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UploadError(400, f"The definition is not valid YAML or JSON: {exc}") from None
    poses = data.get("poses") if isinstance(data, dict) and "poses" in data else [data] if data else None
    try:
        merged = await run_in_threadpool(library.add, poses, tenant.name)
    except DefinitionError as exc:
        raise UploadError(400, f"Invalid pose definition: {exc}") from None
    return _describe(merged, library, tenant.name)


@router.delete(
    "/{name}",
    status_code=204,
    responses={
        400: {"model": ErrorBody, "description": "A name longer than any pose's (64 characters)"},
        404: {"model": ErrorBody, "description": "No custom pose with that name"},
    },
    summary="Remove a custom pose",
    description="Removes one of the caller's own poses by name. Built-in poses cannot be removed.\n\n"
    "Example: `curl -X DELETE http://localhost:5000/poses/my_arabesque`",
)
async def remove_pose(name: PoseName, library: PoseLibraryDep, tenant: TenantDep) -> None:
    if not await run_in_threadpool(library.remove, name, tenant.name):
        raise HTTPException(404, f"No custom pose named {name!r} (built-in poses cannot be removed)")


@router.post(
    "/learn",
    responses=ERROR_RESPONSES,
    openapi_extra=LEARN_BODY,
    response_model=LearnedPose,
    summary="Derive a pose definition from a photo, or a video at time_s, for review; POST it to /poses to use it",
    description=(
        "Upload a photo (or a video and the moment `time_s`) of someone holding the pose. The answer is a "
        "definition, as data and as YAML, with the landmarks it was read from. With `by=measures` (the "
        "default) its conditions hold around that body's measures; with `by=likeness` the body itself is the "
        "pose's example (`examples: {bodies: [...], within: 0.4}`): it holds where a body is that close to "
        "it, every joint counted, so the example must show the whole body. Learn more examples the same way "
        "and add their `bodies` to one pose to widen it. Nothing is saved: review it, edit it if you like, "
        "and `POST` it to `/poses`.\n\n"
        "Example: `curl -F file=@arabesque.jpg 'http://localhost:5000/poses/learn?name=my_arabesque'`"
    ),
)
async def learn(
    request: Request,
    settings: SettingsDep,
    pool: PoolDep,
    library: PoseLibraryDep,
    pose_set: PosesDep,
    tenant: TenantDep,
    name: Annotated[str, Query(description="the new pose's name, e.g. my_arabesque")],
    time_s: PoseMomentS = None,
    description: Annotated[
        str, Query(max_length=200, description="the new pose's description, as a dancer would say it")
    ] = "",
    model: Model = None,
    by: Annotated[
        Literal["measures", "likeness"],
        Query(description="learn conditions around the body's measures, or keep the body as the pose's example"),
    ] = "measures",
) -> dict[str, Any]:
    if not POSE_NAME.fullmatch(name):
        raise UploadError(400, "The name must be a Python-style identifier, e.g. my_arabesque")
    return await _learn_from_upload(
        request, settings, pool, name=name, priority=library.next_priority(tenant.name), time_s=time_s,
        description=description, min_visibility=pose_set.min_visibility, model=model, by=by,
    )  # fmt: skip


async def _learn_from_upload(
    request: Request, settings: Settings, pool: AnalysisPool, *, model: str | None, **learning: Any
) -> dict[str, Any]:
    """The upload (a photo, or a video) learned from by the pipeline; the file is gone after."""
    chosen = check_installed(model or settings.model)
    uploads = await receive_video_uploads(
        request,
        upload_dir=settings.temp_dir,
        max_bytes=settings.max_upload_bytes,
        wanted={"file": "file", "image": "file", "video": "file"},
    )
    with uploads["file"] as example:
        learned: dict[str, Any] = await run_in_threadpool(
            functools.partial(pipeline.learn_pose, example.path, reader=pool, model=chosen, **learning)
        )
    return learned


@router.post(
    "/{name}/examples",
    status_code=201,
    responses={
        **ERROR_RESPONSES,
        404: {"model": ErrorBody, "description": "No custom pose with that name"},
    },
    openapi_extra=LEARN_BODY,
    response_model=PoseList,
    summary="Teach one of your poses known by its examples one more example (a photo, or a video at time_s)",
    description=(
        "For a pose of your own known by its likeness (learned with `/poses/learn?by=likeness`, or with "
        "`examples: {bodies: [...]}`): the body in the upload becomes one more of its examples, saved at once. "
        "A pose taught from several people carries to more people (docs/accuracy.md). The whole body must be "
        "in view. Answers with the whole pose set, as `GET /poses` does.\n\n"
        "Example: `curl -F file=@another.jpg http://localhost:5000/poses/my_arabesque/examples`"
    ),
)
async def add_example(
    request: Request,
    settings: SettingsDep,
    pool: PoolDep,
    library: PoseLibraryDep,
    pose_set: PosesDep,
    tenant: TenantDep,
    name: PoseName,
    time_s: PoseMomentS = None,
    model: Model = None,
) -> dict[str, Any]:
    if name not in {p.get("name") for p in library.custom(tenant.name)}:
        raise HTTPException(404, f"No custom pose named {name!r} (built-in poses cannot be taught examples)")
    learned = await _learn_from_upload(
        request, settings, pool, name=name, priority=0, time_s=time_s,
        min_visibility=pose_set.min_visibility, model=model, by="likeness",
    )  # fmt: skip
    try:
        merged = await run_in_threadpool(
            library.add_example, name, learned["definition"]["examples"]["bodies"][0], tenant.name
        )
    except KeyError:
        raise HTTPException(404, f"No custom pose named {name!r}") from None
    except DefinitionError as exc:
        raise UploadError(400, f"Cannot add the example: {exc}") from None
    return _describe(merged, library, tenant.name)
