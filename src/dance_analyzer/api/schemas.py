"""Response models: they document the JSON contract in the OpenAPI schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .report_models import CompareResult, DancerRhythm, Movement, Rhythm, Sync


class PoseCount(BaseModel):
    pose: str
    frames_detected: int


class Segment(BaseModel):
    """One stretch of the timeline. With rhythm=true and music it also says the count it starts
    on (eight, on_count, as a move does) and, where the music lasts as long, how many counts it
    is held for (counts, to the half)."""

    model_config = ConfigDict(extra="allow")

    pose: str
    start_s: float
    end_s: float
    frames: int


class Rep(BaseModel):
    start_s: float
    end_s: float


class PoseRepetitions(BaseModel):
    """How many separate times a pose was struck: one per segment of it on the timeline."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pose": "squat",
                    "count": 3,
                    "reps": [
                        {"start_s": 1.0, "end_s": 3.0},
                        {"start_s": 5.8, "end_s": 7.8},
                        {"start_s": 11.0, "end_s": 13.0},
                    ],
                }
            ]
        }
    )

    pose: str
    count: int
    reps: list[Rep] = Field(description="each time the pose was struck, in order")


class ResultWarning(BaseModel):
    code: str = Field(description="no_person, out_of_view, too_small or several_people")
    message: str = Field(description="what went wrong with the filming, or who was left out, and what to do about it")


MOVE_KINDS = "turn, jump, kick, step, sway, bounce or floor_work"


class Move(BaseModel):
    """One move, with the measures of its kind beside the common fields."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "description": (
                "Common fields, then the kind's own measures. turn: rotations (in half turns), degrees, "
                "direction (clockwise / counter-clockwise seen from above), support (one_leg / two_legs), "
                "kind (pirouette / two-foot turn) and, for a pirouette, working_leg and en (en dehors / en dedans). "
                "jump: airtime_s, height (torso lengths), takeoff_s, landing_s, shape (tuck / split / straight "
                "or null). kick: side, direction (front / side / back), height_deg, kind (kick / extension). "
                "step: foot, direction. sway, bounce: cycles, period_s, amplitude (torso lengths). "
                "floor_work: lowest (kneel / sit / lie or null). With rhythm=true and music, every move "
                "also has the count it starts on, as dancers count in eights from the first beat: eight "
                '(1, 2, ...) and on_count ("1"-"8", or "5&" half-way between 5 and 6).'
            ),
            "examples": [
                {
                    "move": "turn",
                    "start_s": 0.968,
                    "end_s": 2.836,
                    "rotations": 2.0,
                    "degrees": 740,
                    "direction": "clockwise",
                    "support": "one_leg",
                    "kind": "pirouette",
                    "working_leg": "right",
                    "en": "en dehors",
                }
            ],
        },
    )

    move: str = Field(description=MOVE_KINDS)
    start_s: float
    end_s: float = Field(description="when the move is over (the first frame after it)")


class MoveSummary(BaseModel):
    """How many moves of one kind, with measures over all of them."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "description": (
                "Per kind: turn: rotations (in all); jump: mean_airtime_s, max_height; kick: max_height_deg; "
                "step: per_minute, travel, distance; sway, bounce, floor_work: total_s."
            ),
            "examples": [{"move": "turn", "count": 1, "rotations": 2.0, "text": "1 double pirouette clockwise"}],
        },
    )

    move: str = Field(description=MOVE_KINDS)
    count: int
    text: str | None = Field(None, description="what a teacher would say, e.g. '1 double pirouette clockwise'")


class MoveDefinition(BaseModel):
    name: str = Field(description=MOVE_KINDS)
    description: str
    enabled: bool
    thresholds: dict[str, Any] = Field(
        description="every threshold its detector uses (seconds, degrees, torso lengths); tune them in DANCE_MOVES_FILE"
    )


class MoveDefinitions(BaseModel):
    moves: list[MoveDefinition]
    source: str = Field(description="the move file in use: the built-in moves.yaml, or DANCE_MOVES_FILE's name")


class JointAngles(BaseModel):
    """One series per joint, a value (or null) per time; extra joints are kept if ever added."""

    model_config = ConfigDict(extra="allow")

    left_knee: list[float | None]
    right_knee: list[float | None]
    left_hip: list[float | None]
    right_hip: list[float | None]
    left_elbow: list[float | None]
    right_elbow: list[float | None]
    left_shoulder: list[float | None]
    right_shoulder: list[float | None]
    torso_tilt: list[float | None]


class AngleSeries(BaseModel):
    """Joint angles over time, from the world landmarks (camera-independent), in degrees to 0.1."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "description": (
                "knee: hip-knee-ankle, hip: shoulder-hip-knee, elbow: shoulder-elbow-wrist, shoulder: "
                "elbow-shoulder-hip (180 is a straight limb); torso_tilt: mid-hip to mid-shoulder from vertical "
                "(0 upright). Null where nobody was found for longer than max_gap_s; shorter gaps are bridged "
                "linearly and marked in interpolated."
            ),
            "examples": [
                {
                    "unit": "degrees",
                    "filter": "butterworth",
                    "cutoff_hz": 6.0,
                    "max_gap_s": 0.5,
                    "times": [0.0, 0.0333, 0.0667],
                    "joints": {
                        **{
                            f"{side}_{joint}": [172.4, 171.9, 170.2]
                            for joint in ("knee", "hip", "elbow")
                            for side in ("left", "right")
                        },
                        "left_shoulder": [20.3, 21.0, 22.8],
                        "right_shoulder": [19.8, 20.5, 21.9],
                        "torso_tilt": [3.1, 3.0, 3.2],
                    },
                    "interpolated": [False, True, False],
                }
            ],
        },
    )

    unit: str = Field(description="degrees")
    filter: str = Field(
        description="'butterworth' (zero-phase low-pass, order 4) or 'none': raw angles, because filter=none was "
        "asked or the analysed frame rate is at most twice the cutoff"
    )
    cutoff_hz: float | None = Field(description="the low-pass cutoff; null when not filtered")
    max_gap_s: float = Field(description="the longest absence bridged by interpolation")
    times: list[float] = Field(description="seconds, one per analysed frame (the frames' t)")
    joints: JointAngles
    interpolated: list[bool] = Field(description="per time: nobody was found and the value was interpolated")


class FramePerson(BaseModel):
    id: int
    box: list[float] = Field(description="xmin, ymin, xmax, ymax of the person's landmarks, normalised")
    landmarks: list[list[float]] = Field(description="33 rows of [x, y, z, visibility]")
    poses: list[str] = Field(default_factory=list, description="every pose that holds for this person in this frame")
    pose: str | None = Field(None, description="this person's timeline pose in this frame (their segment's), or null")


class FrameResult(BaseModel):
    index: int
    t: float
    poses: list[str] = Field(description="every pose that holds in this frame")
    pose: str | None = Field(
        None, description="the timeline's pose in this frame: the pose of the segment it belongs to, or null"
    )
    landmarks: list[list[float]] | None = Field(
        description="33 rows of [x, y, z, visibility], x/y normalised to the upright frame"
    )
    people: list[FramePerson] | None = Field(None, description="with people=all: everyone in this frame")
    interpolated: bool | None = Field(
        None,
        description="with precision=auto: the model skipped this frame, and its landmarks are interpolated from "
        "the analysed frames on either side (its poses are read from them)",
    )


class PersonResult(BaseModel):
    id: int = Field(description="stable through turns, crossings and short occlusions (up to about 1 s)")
    first_s: float | None
    last_s: float | None
    frames_present: int
    pose_summary: list[PoseCount]
    segments: list[Segment]
    pose_counts: list[PoseRepetitions] = Field(default_factory=list, description="repetitions of each pose")
    moves: list[Move]
    move_summary: list[MoveSummary]
    movement: Movement | None = None
    angles: AngleSeries | None = None
    poses: list[str] | None = Field(None, description="for a photo: every pose that holds for this person")
    rhythm: DancerRhythm | None = Field(
        None,
        description="with rhythm=true: this dancer's timing against the video's music (its tempo and beats are "
        "the top-level rhythm's); empty without music",
    )


class AnalysisResult(BaseModel):
    duration_s: float
    pose_summary: list[PoseCount]
    processed_frames: int
    total_frames: int
    fps: float | None = Field(None, description="measured average; absent when it cannot be measured")
    width: int
    height: int
    frames_with_person: int
    model: str | None = Field(None, description="the landmark model that measured the poses: lite, full or heavy")
    precision: Literal["auto", "every_frame"] | None = Field(
        None,
        description="every_frame: the landmark model ran on every analysed frame; auto: on a coarse stride, "
        "refined to every frame wherever a pose, a move or the people in view could change",
    )
    model_frames: int | None = Field(
        None, description="frames the landmark model ran on (equal to processed_frames with every_frame)"
    )
    filename: str
    segments: list[Segment]
    pose_counts: list[PoseRepetitions] = Field(
        default_factory=list,
        description="repetitions of each pose (three squats: count 3, with each rep's time), most repeated first; "
        "a rep is a segment of the pose, so brief flickers are merged as on the timeline",
    )
    warnings: list[ResultWarning] = Field(
        default_factory=list,
        description="problems with the filming over more than a quarter of the analysed frames (the dancer not "
        "found, partly out of view, or too small), each with what to do; empty when the filming was fine",
    )
    cuts_s: list[float] = Field(
        default_factory=list,
        description="where an edited video cuts to another shot (seconds; a fade through black or white counts): "
        "moves are read within each shot, turns across them; empty for one continuous shot",
    )
    moves: list[Move] = Field(
        default_factory=list, description="what the dancer did over time, in order of start, each with its measures"
    )
    move_summary: list[MoveSummary] = Field(default_factory=list, description="the moves counted per kind")
    movement: Movement | None = Field(
        None, description="energy per second, range of motion, symmetry, jerk, movement tempo"
    )
    angles: AngleSeries | None = Field(
        None, description="joint angles over time (degrees), filtered as `filter` says; the page's angle plot"
    )
    rhythm: Rhythm | None = Field(None, description="with rhythm=true: audio beats and on-beat score")
    main_person: int | None = Field(
        None, description="with people=all: the main dancer's id (in view longest), whom the top-level fields describe"
    )
    people: list[PersonResult] | None = Field(None, description="with people=all: every person in view, described")
    sync: Sync | None = Field(
        None,
        description="with people=all and two or more people: 0-100 synchrony per pair and for the group "
        "(100: the same joint angles at every moment; about 80 is good unison), each dancer's lag behind "
        "the others in seconds, and the least-in-sync moments with who and which body part",
    )
    frames: list[FrameResult] | None = None
    photo: bool | None = Field(
        None, description="true when the upload was a photo (JPEG, PNG, WebP, BMP, PNM, HEIC), analysed as one frame"
    )
    poses: list[str] | None = Field(
        None,
        description="for a photo: every pose that holds in it, highest priority first (the timeline and "
        "pose_summary name the first)",
    )


class ErrorBody(BaseModel):
    error: str


class JobsHealth(BaseModel):
    runner: str = Field(description="'embedded' (this server's pool) or 'celery' (workers on the broker)")
    queued: int


class Health(BaseModel):
    status: str = Field(description="'ok', or 'degraded' when jobs cannot be queued or run (see problems)")
    problems: list[str] | None = None
    model_loaded: bool
    models: list[str] = Field(description="the landmark models installed here (choose one with ?model=)")
    default_model: str = Field(description="the model used when a request does not choose (DANCE_MODEL)")
    workers: int
    version: str
    jobs: JobsHealth


class JobCreated(BaseModel):
    id: str
    status: str
    status_url: str


class JobView(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed")
    filename: str
    progress: float = Field(description="0 to 1: frames analysed over frames expected")
    frames_done: int
    frames_total: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    expires_at: str | None = Field(description="when a finished job and its result will be deleted")
    attempts: int
    worker: str | None
    status_url: str
    overlay_url: str | None = Field(None, description="the annotated video, when requested with overlay=true")
    result: AnalysisResult | CompareResult | None = Field(
        None, description="when done: what /analyze (or, for a comparison job, /compare) returns"
    )
    error: str | None = Field(None, description="when failed: why")
    error_kind: str | None = None


class JobList(BaseModel):
    jobs: list[JobView]


ERROR_RESPONSES: dict[int | str, dict] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "No file, empty file or malformed request",
        413: "File, frame size or duration over a limit",
        415: "Not a video, or an unsupported format",
        422: "Damaged or undecodable video",
        429: "Too busy: retry after the Retry-After header's seconds",
        507: "No room left on the server's disk to store the upload",
    }.items()
}


def file_upload_body(**fields: str) -> dict[str, Any]:
    """``openapi_extra`` for a multipart body of files, given field name -> description.

    The routes read their bodies as streams (see ``uploads.py``), so FastAPI cannot
    infer the body from the signature; this documents it.
    """
    properties = {name: {"type": "string", "format": "binary", "description": text} for name, text in fields.items()}
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": {"type": "object", "properties": properties}}},
        }
    }
