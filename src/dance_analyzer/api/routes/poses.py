"""The pose definitions in use, and the user's own: add (upload or learn), review, remove."""

from __future__ import annotations

import re
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from ... import pipeline
from ...features import FEATURES
from ...labels.definitions import DefinitionError, PoseSet
from ...labels.library import PoseLibrary
from ...labels.safe_yaml import load_yaml
from ...pose.models import check_installed
from ..deps import PoolDep, PoseLibraryDep, PosesDep, SettingsDep, TenantDep
from ..errors import UploadError
from ..params import LEARN_BODY, Model
from ..schemas import ERROR_RESPONSES, ErrorBody
from ..uploads import receive_video_uploads

router = APIRouter(prefix="/poses", tags=["poses"])

MAX_DEFINITION_BYTES = 256 * 1024
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _describe(pose_set: PoseSet, library: PoseLibrary, owner: str) -> dict[str, Any]:
    return {
        **pose_set.to_dict(),
        "custom": [p.get("name") for p in library.custom(owner)],
        "features": [
            {"name": f.name, "per_side": f.sided, "unit": f.unit, "description": f.description}
            for f in FEATURES.values()
        ],
    }


@router.get("", summary="The pose definitions in use (built-in and custom) and the features they use")
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
    summary="Add or replace custom poses (the poses.yaml format); used by every later analysis",
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
    responses={404: {"model": ErrorBody, "description": "No custom pose with that name"}},
    summary="Remove a custom pose",
)
async def remove_pose(name: str, library: PoseLibraryDep, tenant: TenantDep) -> None:
    if not await run_in_threadpool(library.remove, name, tenant.name):
        raise HTTPException(404, f"No custom pose named {name!r} (built-in poses cannot be removed)")


@router.post(
    "/learn",
    responses=ERROR_RESPONSES,
    openapi_extra=LEARN_BODY,
    summary="Derive a pose definition from a photo, or a video at time_s, for review; POST it to /poses to use it",
)
async def learn(
    request: Request,
    settings: SettingsDep,
    pool: PoolDep,
    library: PoseLibraryDep,
    pose_set: PosesDep,
    tenant: TenantDep,
    name: Annotated[str, Query(description="the new pose's name, e.g. my_arabesque")],
    time_s: Annotated[
        float | None, Query(ge=0, allow_inf_nan=False, description="for a video: when the pose is held")
    ] = None,
    description: Annotated[str, Query(max_length=200)] = "",
    model: Model = None,
) -> dict[str, Any]:
    if not _NAME.match(name):
        raise UploadError(400, "The name must be a Python-style identifier, e.g. my_arabesque")
    chosen = check_installed(model or settings.model)
    uploads = await receive_video_uploads(
        request,
        upload_dir=settings.temp_dir,
        max_bytes=settings.max_upload_bytes,
        wanted={"file": "file", "image": "file", "video": "file"},
    )
    with uploads["file"] as example:
        return await run_in_threadpool(
            pipeline.learn_pose,
            example.path,
            reader=pool,
            name=name,
            priority=library.next_priority(tenant.name),
            time_s=time_s,
            description=description,
            min_visibility=pose_set.min_visibility,
            model=chosen,
        )
