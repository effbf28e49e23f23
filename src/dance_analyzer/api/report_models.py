"""Response models of the report sections (the pose endpoints' are in ``pose_models``).

They exist for the reader of ``/docs``: each figure's unit and scale, and what a good
value is, next to its name. Every model allows fields it does not declare, because a
response model drops undeclared keys silently: a measure added to a report must never
vanish from the API because nobody declared it here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCORE_0_100 = "0-100: 100 is the same joint angles at every moment; about 80 is good unison, 67 is 10 degrees apart"


class OpenModel(BaseModel):
    """Keeps the keys it does not declare (see above); the base of every response model."""

    model_config = ConfigDict(extra="allow")


# ------------------------------------------------------------------------ movement


class EnergyAt(OpenModel):
    t: float = Field(description="start of the second, seconds")
    energy: float = Field(description="mean speed of the main joints in that second, torso lengths per second")


class LegRange(OpenModel):
    knee: float = Field(description="degrees")
    hip: float = Field(description="degrees, thigh against the pelvis (opens as the leg goes out sideways)")


class ArmRange(OpenModel):
    elbow: float = Field(description="degrees")
    shoulder: float = Field(description="degrees, upper arm against the torso")


class RangeOfMotion(OpenModel):
    left_arm: ArmRange
    right_arm: ArmRange
    left_leg: LegRange
    right_leg: LegRange


HALF_AS_MUCH = "50 when one moves through twice the range of the other"


class Symmetry(OpenModel):
    arms: float = Field(description="0-100: 100 when both arms move through the same ranges; " + HALF_AS_MUCH)
    legs: float = Field(description="0-100: 100 when both legs move through the same ranges; " + HALF_AS_MUCH)


class Jerk(OpenModel):
    left_hand: float
    right_hand: float
    left_foot: float
    right_foot: float


class Tempo(OpenModel):
    bpm: float = Field(description="the movement's dominant repetition rate, beats per minute")
    confidence: float = Field(description="0-1: how strongly the movement repeats at that rate")


class Movement(OpenModel):
    """How much and how well the body moves overall; distances in torso lengths, so a
    dancer far from the camera moves as much as one close to it."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "energy_per_second": [{"t": 0.0, "energy": 0.412}, {"t": 1.0, "energy": 0.655}],
                    "mean_energy": 0.53,
                    "range_of_motion_deg": {
                        "left_arm": {"elbow": 41.2, "shoulder": 95.0},
                        "right_arm": {"elbow": 38.9, "shoulder": 88.1},
                        "left_leg": {"knee": 20.3, "hip": 12.5},
                        "right_leg": {"knee": 22.0, "hip": 14.1},
                    },
                    "symmetry": {"arms": 93.1, "legs": 89.4},
                    "jerk": {"left_hand": 41.5, "right_hand": 39.8, "left_foot": 12.2, "right_foot": 13.0},
                    "tempo": {"bpm": 112.4, "confidence": 0.41},
                }
            ]
        },
    )

    energy_per_second: list[EnergyAt]
    mean_energy: float = Field(description="the mean of energy_per_second, torso lengths per second (0 is still)")
    range_of_motion_deg: RangeOfMotion = Field(
        description="per limb, the span of each joint angle over the clip (5th to 95th percentile), degrees"
    )
    symmetry: Symmetry
    jerk: Jerk = Field(
        description="median third derivative of each hand and foot, torso lengths per second cubed: lower is "
        "smoother; compare takes of the same dance rather than reading one value alone"
    )
    tempo: Tempo | None = Field(description="null when the movement does not repeat")


# -------------------------------------------------------------------------- rhythm


class BounceTiming(OpenModel):
    """Where the hips come down (the low of each bounce) against the music's beats."""

    in_time: bool = Field(
        description="the lows gather at one point of the beat beyond chance (Rayleigh's test, p < 0.05): "
        "the bounce keeps time with this music; false is no steady bounce found, not proof of dancing off the beat"
    )
    after_beat_ms: int = Field(description="where they gather: milliseconds after the beat (negative: before)")
    where: str | None = Field(
        None,
        description='where they come down in a dancer\'s words when in time: "on the beat", "between the beats '
        '(on the and)" or how far off ("70 ms after the beat"); null when not in time',
    )
    steadiness: int = Field(description="0-100: 100 is every low at the same point of the beat")
    bounces: int = Field(description="the lows counted while the music plays")


class DancerRhythm(OpenModel):
    """One dancer's timing against the music's beats."""

    on_beat_score: float | None = Field(
        None,
        description="0-100: the share of the movement's accents within 0.15 of a beat of the nearest beat; "
        "accents that ignore the music score about 30 by chance, and dancers to their own music score only a "
        "little above that: `bounce` says more",
    )
    mean_offset_ms: float | None = Field(
        None, description="milliseconds, how early (negative) or late the on-beat accents fall"
    )
    accents: int | None = Field(None, description="how many movement accents (peaks of energy) were found")
    bounce: BounceTiming | None = Field(
        None, description="whether the bounce keeps time with the music; absent with under 4 bounces to it"
    )


class Rhythm(DancerRhythm):
    """The music, and the main dancer's timing against it."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "audio": True,
                    "movement_tempo_bpm": 118.2,
                    "beat_clarity": 0.49,
                    "audio_tempo_bpm": 117.5,
                    "beats": [0.51, 1.02, 1.53],
                    "on_beat_score": 72.0,
                    "mean_offset_ms": -35.0,
                    "accents": 25,
                    "bounce": {
                        "in_time": True,
                        "after_beat_ms": 40,
                        "where": "on the beat",
                        "steadiness": 62,
                        "bounces": 21,
                    },
                }
            ]
        },
    )

    audio: bool = Field(description="whether the video has a soundtrack")
    movement_tempo_bpm: float | None = Field(None, description="the movement's own tempo, beats per minute")
    beat_clarity: float | None = Field(
        None,
        description="0-1, how clearly a beat is heard (the onsets' autocorrelation at the beat's period): music "
        "with a beat scores 0.3-0.9, speech and room noise under 0.1; under 0.2 (more for a soundtrack of a few "
        "seconds) no beat is counted to (no tempo, beats or counts); absent without sound",
    )
    audio_tempo_bpm: float | None = Field(
        None, description="the music's tempo; absent without sound or without a clear beat in it"
    )
    beats: list[float] | None = Field(
        None,
        description="the music's beats, seconds on the video's clock (from its first frame, though the sound "
        "starts later)",
    )


# ---------------------------------------------------------------------------- sync


class GroupSync(OpenModel):
    score: float | None = Field(description=SCORE_0_100)
    deviation_deg: float | None = Field(description="mean joint-angle difference between the dancers, degrees")
    compared_s: float = Field(description="seconds in which at least two dancers were in view together")
    body_parts: dict[str, float | None] = Field(description="arms, legs and torso: each on the same 0-100 scale")


class DancerSync(OpenModel):
    id: int
    present_s: float
    score: float | None = Field(description="this dancer against the rest of the group, " + SCORE_0_100)
    deviation_deg: float | None
    lag_s: float | None = Field(description="seconds behind the group (negative: ahead); null under 2 s together")
    lag_correlation: float | None = Field(description="0-1: how sure the lag is")
    mirrored: bool = Field(description="whether this dancer was compared as a mirror image of the group")


class PairSync(OpenModel):
    dancers: list[int]
    score: float | None = Field(description=SCORE_0_100)
    deviation_deg: float | None
    compared_s: float
    mirrored: bool
    as_filmed_score: float | None
    mirrored_score: float | None
    lag_s: float | None
    lag_correlation: float | None
    aligned_score: float | None = Field(description="the score once the lag is taken out")


class SyncMoment(OpenModel):
    start_s: float
    end_s: float
    score: float | None
    deviation_deg: float | None
    pair: list[int] = Field(description="the two dancers furthest apart in this moment")
    pair_deviation_deg: float | None
    dancer: int | None = Field(description="the dancer most out of step, where one stands out")
    body_part: str
    joint: str
    joint_deviation_deg: float | None


class Sync(OpenModel):
    """How in sync a group is: the same moment, joint angles compared, mirror-aware."""

    group: GroupSync
    dancers: list[DancerSync]
    pairs: list[PairSync]
    least_in_sync: list[SyncMoment] = Field(description="the 1 s windows where the group is least together")
    duration_s: float
    mirror: bool
    max_lag_s: float
    rate_hz: float = Field(description="the common grid the dancers are resampled to, per second")


# ------------------------------------------------------------------------- compare


class PartScore(OpenModel):
    score: float = Field(description=SCORE_0_100)
    deviation_deg: float = Field(description="mean difference of this part's angles, degrees")


class CompareMoment(OpenModel):
    attempt_start_s: float
    attempt_end_s: float
    reference_start_s: float
    reference_end_s: float
    body_part: str
    deviation_deg: float
    mean_deviation_deg: float


class ComparedVideo(OpenModel):
    duration_s: float
    frames: int
    filename: str | None = None
    photo: bool | None = Field(None, description="true when this side is a photo: one moment, a pose to reach")


class ClosestMoment(OpenModel):
    attempt_s: float = Field(description="the attempt's moment (0 for a photo)")
    reference_s: float = Field(description="the reference's moment (0 for a photo)")


class CoveredStretch(OpenModel):
    """What the alignment matched: the shorter side in full, a stretch of the longer one."""

    reference_start_s: float
    reference_end_s: float
    attempt_start_s: float
    attempt_end_s: float
    reference_share: float = Field(description="the reference's matched stretch over its length, 0-1")


class ComparedMoves(OpenModel):
    """The reference's turns, jumps, kicks and floor work paired with the attempt's, each
    where the attempt's overall offset and tempo expect it (within a second)."""

    made: list[dict[str, Any]] = Field(
        description="move, reference_s, attempt_s, late_s (negative: early), timing (on time / early / late: "
        "over 0.15 s), and the two sides' rotations (turns, with same_direction), airtime_s (jumps) or "
        "height_deg (kicks), as reference_<measure> and attempt_<measure>; text: the pair in words "
        '("made, 0.20 s late, 1 of 2 turns")'
    )
    missed: list[dict[str, Any]] = Field(
        description='move, reference_s and expected_attempt_s: not made in the attempt (text: "missed")'
    )
    extra: list[dict[str, Any]] = Field(description="move and attempt_s: the attempt's moves that match none")
    summary: str = Field(description="in words: how many made, and each one missed, late, early or turned differently")


class CompareWarning(OpenModel):
    code: str = Field(description="unrelated, partial or several_people")
    message: str = Field(description="what looks wrong, and what to check")


class CompareResult(OpenModel):
    """The attempt against the reference once aligned in time (dynamic time warping)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "similarity": 84.2,
                    "as_filmed_similarity": 84.2,
                    "mirrored_similarity": 61.0,
                    "mirror": False,
                    "mean_deviation_deg": 4.4,
                    "body_parts": {"left_arm": {"score": 78.5, "deviation_deg": 6.1}},
                    "groups": {"arms": 80.1, "legs": 88.0, "torso": 93.4},
                    "offset_s": 0.4,
                    "tempo_ratio": 1.02,
                    "sync_map": [[0.0, 0.4], [1.0, 1.42]],
                    "worst_moments": [],
                    "covered": {
                        "reference_start_s": 0.4,
                        "reference_end_s": 12.0,
                        "attempt_start_s": 0.0,
                        "attempt_end_s": 11.6,
                        "reference_share": 0.967,
                    },
                    "reference": {"duration_s": 12.0, "frames": 288, "filename": "teacher.mp4"},
                    "attempt": {"duration_s": 11.6, "frames": 279, "filename": "me.mp4"},
                    "rate_hz": 10.0,
                    "warnings": [],
                }
            ]
        },
    )

    similarity: float = Field(description=SCORE_0_100 + "; as filmed, or the better of mirrored with mirror=true")
    as_filmed_similarity: float
    mirrored_similarity: float
    mirror: bool
    mean_deviation_deg: float
    body_parts: dict[str, PartScore] = Field(description="left_arm, right_arm, left_leg, right_leg, torso")
    groups: dict[str, float] = Field(description="arms, legs, torso on the same 0-100 scale")
    offset_s: float = Field(description="where the attempt starts in the reference, seconds")
    tempo_ratio: float = Field(description="reference seconds per attempt second: above 1, the attempt is faster")
    sync_map: list[list[float]] = Field(description="pairs [attempt_s, reference_s] of the alignment")
    worst_moments: list[CompareMoment] = Field(
        description="up to 3 one-second stretches that deviate most, each with a body part off by 5 degrees or "
        "more; none when either side is a photo"
    )
    closest_moment: ClosestMoment | None = Field(
        None, description="when either side is a photo: the moment of the other side that comes closest to its pose"
    )
    covered: CoveredStretch | None = Field(
        None, description="the stretch of each video the scores are for; absent when either side is a photo"
    )
    moves: ComparedMoves | None = Field(None, description="absent when either side is a photo")
    reference: ComparedVideo
    attempt: ComparedVideo
    rate_hz: float
    warnings: list[CompareWarning] = Field(
        default_factory=list,
        description="`unrelated` when the two videos do not look like the same dance (lining them up needs "
        "one danced at under half or over twice the other's speed, or they are over 20 degrees apart even "
        "aligned): the score is then not a grade; `partial` when the attempt follows less than 80% of the "
        "reference (the scores are for that stretch, `covered`); `several_people` when a video had others in "
        "view besides the main dancer compared (reference_person / attempt_person choose another). Empty otherwise",
    )
