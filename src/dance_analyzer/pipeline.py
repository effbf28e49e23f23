"""The one analysis pipeline: decode -> landmarks -> features -> labels -> reports.

This is the only module that knows the order of the steps. The HTTP API, the CLI and
the job workers call :func:`analyze`, :func:`compare` or :func:`learn_pose` and
translate the result or the typed errors (:mod:`.errors`).

Everything that reads the video file itself goes through a :class:`Reader` the caller
hands in: a pool of worker processes (:class:`.workers.pool.AnalysisPool`: uploads are
untrusted, and a video split across processes uses every core) or this process
(:class:`.workers.inline.InlineReader`). What comes back are arrays; the rest of the
pipeline runs here, the same whichever reader read the file.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from . import preload
from .errors import CorruptVideo, EmptyFile, NoPersonFound, NotAVideo, OverlayNotWritten, TooLarge, TooLong
from .features import compute_features
from .labels.classify import hold_filter, label_frames, primary_pose, smooth_primary
from .labels.definitions import PoseSet, load_definitions
from .labels.learn import learn_definition, learn_likeness
from .labels.moves import Motion, Move, MoveSet, detect_moves, load_moves, motion_of, move_summary
from .labels.safe_yaml import dump_yaml
from .media.audio import Soundtrack
from .media.still import check_overlay_name, sniffed_picture
from .options import AnalysisOptions as AnalysisOptions  # where library callers have always found it
from .pose.adaptive import Precision, Refinement
from .pose.extract import ProgressFn
from .pose.landmarks import MIN_VISIBILITY, PoseResult
from .pose.models import DEFAULT_MODEL
from .pose.track import LandmarkTrack, save_track
from .reports.angles import AngleFilter, angles_report
from .reports.compare import compare_tracks
from .reports.compare_moves import compare_moves
from .reports.counts import pose_counts
from .reports.framing import crowd_warnings, framing_warnings
from .reports.movement import Energy, movement_report
from .reports.rhythm import held_for_counts, on_counts, rhythm_report, timing
from .reports.summary import add_people_to_frames, frame_details, pose_summary, segments
from .reports.sync import sync_report

if TYPE_CHECKING:  # pydantic stays out of processes that don't need it
    from .pose.people import People


class Reader(Protocol):
    """Reads a video file, wherever that happens safely."""

    def people(
        self,
        path: Path,
        *,
        model: str = DEFAULT_MODEL,
        sample_fps: float | None = None,
        max_people: int = 8,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        refinement: Refinement | None = None,
    ) -> People:
        """Everyone in view, each followed with a stable id (the main dancer among them);
        raises ``Cancelled`` once ``cancel`` is set. With a ``refinement``, the model runs
        only on the frames it asks for (:mod:`pose.adaptive`)."""

    def soundtrack(self, path: Path) -> Soundtrack: ...

    def example(self, path: Path, time_s: float | None = None, *, model: str = DEFAULT_MODEL) -> PoseResult:
        """The landmarks of a still image, or of a video's frame at ``time_s``."""

    def render(self, path: Path, result: dict[str, Any], out: Path, on_progress: ProgressFn | None = None) -> int:
        """Draw ``result`` (with its frames) onto a copy of the video (or the photo) at ``out``."""


def analyze(
    path: Path,
    options: AnalysisOptions = AnalysisOptions(),
    *,
    reader: Reader,
    poses: PoseSet | None = None,
    moves: MoveSet | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    overlay_to: Path | None = None,
    on_overlay_progress: ProgressFn | None = None,
    landmarks_to: Path | None = None,
) -> dict[str, Any]:
    """Analyse one video file and return the result JSON (without the filename).

    With ``landmarks_to``, also store the main dancer's landmarks there (a reference that
    live sessions can follow along with).

    With ``overlay_to``, also draw the annotated video (of a photo, the annotated picture)
    there. It is drawn from the landmarks the analysis found, so they are kept for it even
    when the caller did not ask for them, and dropped again afterwards.
    """
    include_frames = options.include_frames or overlay_to is not None
    poses = poses or load_definitions()
    moves = moves or load_moves(options.moves_file)
    if overlay_to is not None and (sniffed := sniffed_picture(path)) is not None:
        check_overlay_name(overlay_to, photo=sniffed)  # before the analysis: nobody waits to hear it
    # Everyone is followed either way: the main dancer is chosen the same way (present
    # longest), and never swapped for another body, whether or not the others are described.
    crowd = _read_people(reader, path, options, on_progress, cancel, poses)
    main = crowd.main_track()
    photo = main.photo
    if overlay_to is not None:
        check_overlay_name(overlay_to, photo=photo)  # as the reader found the file
    # A photo's one frame lasts no time: nothing in it is too brief to count.
    min_segment_s = 0.0 if photo else options.min_segment_s
    if landmarks_to is not None:
        save_track(main, landmarks_to)
    if options.people:
        result, energies = describe_people(
            crowd, poses, min_segment_s, include_frames, moves=moves, angle_filter=options.angle_filter,
            precision=options.precision,
        )  # fmt: skip
    else:
        result, energy = describe(
            main, poses, min_segment_s, include_frames, moves=moves,
            angle_filter=options.angle_filter, precision=options.precision,
        )  # fmt: skip
        result["warnings"] += crowd_warnings(len(crowd.persons), photo=photo)
        energies = {crowd.main_id: energy}
    if photo:
        result.update(photo=True, poses=poses_held(main, poses))
        for described in [result, *result.get("people", [])]:
            del described["movement"]  # one moment: nothing moved (its symmetry would read 100)
        for person in result.get("people", []):
            person["poses"] = poses_held(crowd.track(person["id"]), poses)
    if options.rhythm:
        sound = Soundtrack(has_audio=False) if photo else reader.soundtrack(path)
        result["rhythm"] = rhythm_report(sound, energies[crowd.main_id], None if photo else result["movement"]["tempo"])
        for person in result.get("people", []):  # each dancer against the one soundtrack
            person["rhythm"] = timing(energies[person["id"]], sound.beats)  # {} without two beats
        for described in [result, *result.get("people", [])]:
            described["moves"] = on_counts(described["moves"], sound.beats)
            described["segments"] = held_for_counts(described["segments"], sound.beats)
    if overlay_to is not None:
        try:
            reader.render(path, result, overlay_to, on_overlay_progress)
        except OSError as exc:
            copy = "picture" if photo else "video"
            raise OverlayNotWritten(f"The annotated {copy} could not be written: {exc.strerror or exc}") from exc
        if not options.include_frames:
            del result["frames"]
    return result


def describe(
    track: LandmarkTrack,
    poses: PoseSet,
    min_segment_s: float,
    include_frames: bool = False,
    *,
    moves: MoveSet | None = None,
    angle_filter: AngleFilter = "butterworth",
    precision: Precision = "every_frame",
) -> tuple[dict[str, Any], Energy]:
    """The result of a track: poses per frame, held and smoothed into a timeline, then
    summarised; the moves read from the landmarks over time (and the poses, for floor
    work); and the motion energy that rhythm lines up with the music."""
    labels = hold_filter(frame_labels(track.image, track.world, poses), track.times, track.duration_s, min_segment_s)
    primary = primary_pose(labels)
    smoothed = smooth_primary(primary, track.times, track.duration_s, min_segment_s)
    result: dict[str, Any] = {
        "duration_s": round(track.duration_s, 3),
        "pose_summary": pose_summary(primary, poses),
        "processed_frames": int(len(track.indices)),
        "total_frames": track.total_frames,
        "fps": round(track.total_frames / track.duration_s, 3) if track.duration_s > 0 else None,
        "width": track.info.width,
        "height": track.info.height,
        "frames_with_person": track.frames_with_person,
        "model": track.model,
        "precision": precision,
        "model_frames": int(len(track.indices) if track.analysed is None else track.analysed.sum()),
        "segments": segments(smoothed, track.times, track.duration_s, poses),
        "pose_counts": pose_counts(smoothed, track.times, track.duration_s, poses),
        "warnings": framing_warnings(track.image, photo=track.photo),
    }
    # A caller's own move file, or the built-in one.
    found, motion = find_moves(track.times, track.duration_s, track.image, track.world, track.aspect, labels, poses,
                               moves or load_moves(), track.shot_starts)  # fmt: skip
    result["cuts_s"] = [] if track.shot_starts is None else [round(float(s), 3) for s in track.times[track.shot_starts]]
    result["moves"] = [m.to_json() for m in found]
    result["move_summary"] = move_summary(found, motion)
    result["angles"] = angles_report(track.times, track.world, filter=angle_filter)
    if include_frames:
        result["frames"] = frame_details(
            track.indices, track.times, labels, smoothed, track.image, poses, track.analysed
        )
    result["movement"], energy = movement_report(track)
    return result, energy


# What each person of people=all gets of their own description.
_PERSON_SECTIONS = ("pose_summary", "segments", "pose_counts", "moves", "move_summary", "movement", "angles")


def frame_labels(image: np.ndarray, world: np.ndarray, poses: PoseSet) -> np.ndarray:
    """(T, P) every pose that holds in each frame on its own, before any smoothing over
    time: what a live session shows the moment a frame arrives."""
    return label_frames(compute_features(image, world), poses)


def find_moves(
    times: np.ndarray,
    end_time: float,
    image: np.ndarray,
    world: np.ndarray,
    aspect: float,
    held: np.ndarray,
    poses: PoseSet,
    moves: MoveSet,
    shot_starts: np.ndarray | None = None,
) -> tuple[list[Move], Motion]:
    """The moves in these frames, given the poses held in them (``held``, after
    :func:`hold_filter`: floor work reads kneeling, sitting and lying)."""
    by_name = {name: held[:, k] for k, name in enumerate(poses.names)}
    motion = motion_of(times, end_time, image, world, aspect, by_name, shot_starts=shot_starts)
    return detect_moves(motion, moves), motion


def describe_people(
    crowd: People,
    poses: PoseSet,
    min_segment_s: float,
    include_frames: bool = False,
    *,
    moves: MoveSet,
    angle_filter: AngleFilter = "butterworth",
    precision: Precision = "every_frame",
) -> tuple[dict[str, Any], dict[int | None, Energy]]:
    """The result for everyone in view: the top-level fields describe the main dancer (so
    the seed contract reads the same), ``people`` describes each person the same way, and
    ``sync`` says how together they dance when there are several; and each one's motion
    energy, by id."""
    result, energy = describe(
        crowd.main_track(), poses, min_segment_s, include_frames, moves=moves, angle_filter=angle_filter,
        precision=precision,
    )  # fmt: skip
    result["main_person"] = crowd.main_id
    result["people"] = []
    energies: dict[int | None, Energy] = {crowd.main_id: energy}
    own_frames: dict[int, list[dict[str, Any]]] = {}
    for person in crowd.persons:
        # The main dancer is described already, above.
        own = result
        if person.id != crowd.main_id:
            own, energies[person.id] = describe(
                crowd.track(person.id), poses, min_segment_s, include_frames, moves=moves, angle_filter=angle_filter
            )
        own_frames[person.id] = own.get("frames", [])
        present = crowd.times[person.present]
        result["people"].append(
            {
                "id": person.id,
                "first_s": round(float(present[0]), 3) if len(present) else None,
                "last_s": round(float(present[-1]), 3) if len(present) else None,
                "frames_present": person.frames_present,
                **{key: own[key] for key in _PERSON_SECTIONS},
            }
        )
    if len(crowd.persons) >= 2:
        result["sync"] = sync_report({p.id: crowd.track(p.id) for p in crowd.persons}, mirror=True)
    if include_frames:
        add_people_to_frames(result["frames"], crowd, own_frames)
    return result, energies


def compare(
    reference: Path,
    attempt: Path,
    options: AnalysisOptions = AnalysisOptions(),
    *,
    reader: Reader,
    mirror: bool = False,
    reference_person: int | None = None,
    attempt_person: int | None = None,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    on_reference_progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Score an attempt against a reference: both read, then aligned and compared.

    Only ``options.sample_fps`` and ``options.model`` matter here. ``on_progress``
    follows the attempt, the second and usually the longer of the two
    (``on_reference_progress`` the reference, read first). A
    ``reference_person`` / ``attempt_person`` id (from an analysis with people=all)
    compares that person of a group video instead of its main dancer.
    """
    reference_track, reference_warnings = _one_dancer(
        reader, reference, options, reference_person, "reference", on_reference_progress, cancel
    )
    attempt_track, attempt_warnings = _one_dancer(
        reader, attempt, options, attempt_person, "attempt", on_progress, cancel
    )
    result = {**compare_tracks(reference_track, attempt_track, mirror=mirror), "model": options.model}
    result["warnings"] += reference_warnings + attempt_warnings
    if not (reference_track.photo or attempt_track.photo):  # a photo makes no move
        poses, moves = load_definitions(), load_moves(options.moves_file)
        made = [
            describe(t, poses, options.min_segment_s, moves=moves)[0]["moves"] for t in (reference_track, attempt_track)
        ]
        result["moves"] = compare_moves(made[0], made[1], result["sync_map"], mirror=mirror)
    return result


def _one_dancer(
    reader: Reader,
    path: Path,
    options: AnalysisOptions,
    person: int | None,
    which: str,
    on_progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> tuple[LandmarkTrack, list[dict[str, str]]]:
    """The video's (or photo's) main dancer (with a warning when others were in view), or
    the person with that id when one is asked for. An input error names the side
    (reference or attempt): there are two."""
    try:
        crowd = _read_people(reader, path, options, on_progress, cancel)
        main = crowd.main_track()
    except (EmptyFile, NotAVideo, CorruptVideo, TooLarge, TooLong) as exc:
        raise exc.about(f"{which} {'photo' if sniffed_picture(path) else 'video'}") from exc
    if person is None:
        return main, crowd_warnings(len(crowd.persons), which, photo=main.photo)
    if person not in {p.id for p in crowd.persons}:
        found = ", ".join(str(p.id) for p in crowd.persons) or "nobody"
        kind = "photo" if main.photo else "video"
        raise NoPersonFound(f"There is no person {person} in the {which} {kind} (people found: {found})")
    return crowd.track(person), []


def _read_people(
    reader: Reader,
    path: Path,
    options: AnalysisOptions,
    on_progress: ProgressFn | None,
    cancel: threading.Event | None,
    poses: PoseSet | None = None,
) -> People:
    preload.in_background()  # what only the steps after this one need
    return reader.people(
        path,
        model=options.model,
        sample_fps=options.sample_fps,
        max_people=options.max_people,
        on_progress=on_progress,
        cancel=cancel,
        refinement=refinement_for(options, poses),
    )


def poses_held(track: LandmarkTrack, poses: PoseSet) -> list[str]:
    """Every pose that holds in a photo's one frame, in priority order: what a photo adds
    to its result (the timeline names only the first, as it does in a video)."""
    held = frame_labels(track.image, track.world, poses)[0]
    return [poses.poses[j].name for j in np.flatnonzero(held)]


def refinement_for(options: AnalysisOptions, poses: PoseSet | None) -> Refinement | None:
    """What may let the model skip frames (precision=auto): the frames' poses, when the
    analysis names them (a comparison does not: it scores the landmarks themselves)."""
    if options.precision != "auto":
        return None
    return Refinement(labels=functools.partial(frame_labels, poses=poses) if poses is not None else None)


def learn_pose(
    path: Path,
    *,
    reader: Reader,
    name: str,
    priority: int,
    time_s: float | None = None,
    description: str = "",
    min_visibility: float = MIN_VISIBILITY,
    model: str = DEFAULT_MODEL,
    by: Literal["measures", "likeness"] = "measures",
) -> dict[str, Any]:
    """A pose definition from the example in ``path`` (a photo, or a video at ``time_s``), by its
    measures or by its likeness (``by``), for review: the definition, as YAML, and the landmarks."""
    example = reader.example(path, time_s, model=model)
    definition = (learn_likeness if by == "likeness" else learn_definition)(
        example.image, example.world, name=name, priority=priority,
        description=description, min_visibility=min_visibility,
    )  # fmt: skip
    return {
        "definition": definition,
        "yaml": dump_yaml({"poses": [definition]}),
        "landmarks": np.round(example.image, 4).tolist(),
    }
