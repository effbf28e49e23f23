"""Drawing on one picture: skeleton, pose name, moves and count; with people=all every
person in their own colour with their id, pose and moves above the head.

Kept apart from the writing of the annotated copies (:mod:`render.annotate`: decoding,
encoding, the sound, the photo's file), which only decides what each frame shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import cv2
import numpy as np

from ..pose.landmarks import MIN_VISIBILITY, SKELETON

BONE_RGB = (0, 230, 118)
JOINT_RGB = (255, 255, 255)
LABEL_BG_RGB = (20, 20, 20)
LABEL_RGB = (255, 214, 0)
MOVE_RGB = (64, 224, 255)
COUNT_RGB, FIRST_COUNT_RGB = (255, 255, 255), (255, 214, 0)  # the music's count; each eight's "1" stands out

# One colour per person id, in this order (id 1 first), the same as the page's chips
# (web/common.js PERSON_COLOURS): bright hues far apart, each line outlined in near-black,
# so a skeleton reads on a dark stage and on a white wall alike, and the id tags' dark
# text reads on every one of them.
PERSON_RGB: tuple[tuple[int, int, int], ...] = (
    (0, 230, 118),  # green (the single dancer's colour)
    (255, 64, 160),  # pink
    (64, 156, 255),  # blue
    (255, 193, 7),  # amber
    (180, 110, 255),  # violet
    (255, 112, 67),  # orange
    (0, 220, 230),  # cyan
    (235, 235, 235),  # white
)
OUTLINE_RGB = (15, 15, 15)
HEAD = range(0, 11)  # nose, eyes, ears, mouth: where the id tag goes


class Person(NamedTuple):
    """One person in one frame of a people=all result."""

    id: int
    landmarks: np.ndarray  # 33 x [x, y, z, visibility]
    pose: str | None = None  # their own timeline pose in the frame
    moves: tuple[str, ...] = ()  # the captions of their own moves happening in it


def person_colour(person_id: int) -> tuple[int, int, int]:
    """The colour of a person's skeleton and id tag (ids start at 1)."""
    return PERSON_RGB[(person_id - 1) % len(PERSON_RGB)]


def draw_overlay(
    image: np.ndarray,
    landmarks: np.ndarray | None,
    label: str | None,
    moves: Sequence[str] = (),
    *,
    people: Sequence[Person] | None = None,
    main_person: int | None = None,
    count: str | None = None,
) -> np.ndarray:
    """Draw bones, joints, the pose name and the moves happening on an RGB frame, in place.

    The pose name sits in the top-left corner; each move's caption is a line under it
    (in another colour), so a turn or a jump reads beside the pose it happens in. The
    music's ``count`` ("1"-"8"), when there is one, stands large in the top-right corner,
    as a dancer practising to counts would say it.
    With ``people`` (a result of people=all; ``landmarks`` is then ignored: the main
    dancer is among them), every person is drawn in their own colour with their id, their
    own pose and moves, and the corner's first line names whose pose and moves it shows
    ("#1 standing").
    """
    height, width = image.shape[:2]
    scale = max(min(width, height) / 720, 0.35)
    thickness = max(2, round(4 * scale))
    lines = [(label.replace("_", " "), LABEL_RGB)] if label else []
    lines += [(caption, MOVE_RGB) for caption in moves]
    if people is not None and main_person is not None and lines:
        lines[0] = (f"#{main_person} {lines[0][0]}", lines[0][1])
    corner = _corner_boxes([text for text, _ in lines], scale)
    counter = _count_box(count, scale, width) if count else None
    if people is None:
        if landmarks is not None:
            points = _pixels(landmarks, width, height)
            visible = landmarks[:, 3] >= MIN_VISIBILITY
            for a, b in SKELETON:
                if visible[a] and visible[b]:
                    cv2.line(image, tuple(points[a]), tuple(points[b]), BONE_RGB, thickness, cv2.LINE_AA)
            for i in {i for pair in SKELETON for i in pair}:
                if visible[i]:
                    cv2.circle(image, tuple(points[i]), thickness + 2, JOINT_RGB, -1, cv2.LINE_AA)
    else:
        # The main dancer last, on top of anyone they overlap; the tags over every skeleton
        # (the main dancer's moves are in the corner, not on their tag as well), each clear
        # of the corner's lines, the count and the tags placed before it.
        ordered = sorted(people, key=lambda person: person.id == main_person)
        for person in ordered:
            _draw_person(image, person.landmarks, person_colour(person.id), thickness)
        taken = [spot.box for spot in corner] + ([counter.box] if counter else [])
        for person in ordered:
            placed = _draw_tag(image, person._replace(moves=()) if person.id == main_person else person, scale, taken)
            if placed is not None:
                taken.append(placed)
    for (text, colour), spot in zip(lines, corner, strict=True):
        cv2.rectangle(image, spot.box[:2], spot.box[2:], LABEL_BG_RGB, -1)
        _put_text(image, text, spot.origin, spot.size, colour, spot.weight)
    if count and counter:
        cv2.rectangle(image, counter.box[:2], counter.box[2:], LABEL_BG_RGB, -1)
        colour = FIRST_COUNT_RGB if count == "1" else COUNT_RGB
        _put_text(image, count, counter.origin, counter.size, colour, counter.weight)
    return image


Box = tuple[int, int, int, int]  # left, top, right, bottom (inclusive), in pixels


class Spot(NamedTuple):
    """Where a caption goes on a dark box: the box, the text's origin, size and weight."""

    box: Box
    origin: tuple[int, int]
    size: float
    weight: int


def _corner_boxes(texts: Sequence[str], scale: float) -> list[Spot]:
    """Where each of the corner's lines goes, one under the other."""
    pad = round(10 * scale)
    size, weight = 1.2 * scale, max(1, round(2 * scale))
    spots, top = [], pad
    for text in texts:
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, size, weight)
        spots.append(Spot((pad, top, pad * 3 + tw, top + pad * 2 + th + base), (pad * 2, top + pad + th), size, weight))
        top += pad * 2 + th + base + max(1, pad // 3)
    return spots


def _count_box(count: str, scale: float, width: int) -> Spot:
    """Where the music's count goes, large in the top-right corner."""
    pad = round(10 * scale)
    size, weight = 2.4 * scale, max(2, round(4 * scale))
    (tw, th), base = cv2.getTextSize(count, cv2.FONT_HERSHEY_SIMPLEX, size, weight)
    left = width - pad * 3 - tw
    return Spot((left, pad, width - pad, pad * 3 + th + base), (left + pad, pad * 2 + th), size, weight)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _put_text(
    image: np.ndarray, text: str, at: tuple[int, int], size: float, colour: tuple[int, int, int], weight: int
) -> None:
    cv2.putText(image, text, at, cv2.FONT_HERSHEY_SIMPLEX, size, colour, weight, cv2.LINE_AA)


def _pixels(landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.column_stack([landmarks[:, 0] * width, landmarks[:, 1] * height]).round().astype(np.int32)


def _draw_person(image: np.ndarray, landmarks: np.ndarray, colour: tuple[int, int, int], thickness: int) -> None:
    """One person's skeleton in their colour, every line and joint ringed in near-black."""
    height, width = image.shape[:2]
    points = _pixels(landmarks, width, height)
    visible = landmarks[:, 3] >= MIN_VISIBILITY
    bones = [(a, b) for a, b in SKELETON if visible[a] and visible[b]]
    joints = [i for i in sorted({i for pair in SKELETON for i in pair}) if visible[i]]
    ring = max(2, thickness // 3)
    for a, b in bones:
        cv2.line(image, tuple(points[a]), tuple(points[b]), OUTLINE_RGB, thickness + 2 * ring, cv2.LINE_AA)
    for a, b in bones:
        cv2.line(image, tuple(points[a]), tuple(points[b]), colour, thickness, cv2.LINE_AA)
    for i in joints:
        cv2.circle(image, tuple(points[i]), thickness + 2 + ring, OUTLINE_RGB, -1, cv2.LINE_AA)
        cv2.circle(image, tuple(points[i]), thickness + 2, JOINT_RGB, -1, cv2.LINE_AA)


def tag_anchor(landmarks: np.ndarray, width: int, height: int) -> tuple[int, int] | None:
    """Where a person's id tag is anchored: its bottom centre, just above the head.

    Above the visible head landmarks (or, when the face is hidden, the highest visible
    landmark); None when nothing of the person is visible.
    """
    visible = landmarks[:, 3] >= MIN_VISIBILITY
    if not visible.any():
        return None
    points = _pixels(landmarks, width, height)
    head = [i for i in HEAD if visible[i]]
    if not head:
        head = [int(np.flatnonzero(visible)[np.argmin(points[visible, 1])])]
    x = int(round(float(np.mean(points[head, 0]))))
    y = int(points[head, 1].min())
    return x, y


def _draw_tag(image: np.ndarray, person: Person, scale: float, taken: Sequence[Box] = ()) -> Box | None:
    """'#2 arms up' (or '#2' where no pose holds) in dark text on the person's colour,
    centred above their head, inside the picture; a line under it per move happening.
    Where the head is too near the top for it (a flip, a dancer cut off by the frame), under
    the feet instead, not over the body. Moved up or down, a tag's height at a time, off
    anything already ``taken`` (dancers close together); returns where it went."""
    height, width = image.shape[:2]
    anchor = tag_anchor(person.landmarks, width, height)
    if anchor is None:
        return None
    lines = [f"#{person.id}" if not person.pose else f"#{person.id} {person.pose.replace('_', ' ')}", *person.moves]
    font_scale, weight = 0.9 * scale, max(1, round(2 * scale))
    sizes = [cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, weight) for text in lines]
    pad = max(2, round(6 * scale))
    line_h = max(th + base for (_, th), base in sizes)
    box_w, box_h = max(tw for (tw, _), _ in sizes) + 2 * pad, len(lines) * line_h + 2 * pad
    left = min(max(anchor[0] - box_w // 2, 0), max(width - box_w, 0))
    top = anchor[1] - 2 * pad - box_h
    if top < 0:
        visible = person.landmarks[:, 3] >= MIN_VISIBILITY
        top = int(_pixels(person.landmarks, width, height)[visible, 1].max()) + 2 * pad
    tops = [top + step * (box_h + pad) for step in (0, -1, -2, -3, 1, 2, 3)]
    boxes = [(left, t, left + box_w - 1, t + box_h - 1) for t in (min(max(t, 0), max(height - box_h, 0)) for t in tops)]
    box = next((b for b in boxes if not any(_overlaps(b, other) for other in taken)), boxes[0])
    cv2.rectangle(image, box[:2], box[2:], person_colour(person.id), -1)
    cv2.rectangle(image, box[:2], box[2:], OUTLINE_RGB, max(1, round(scale)))
    for k, (text, ((_, th), _)) in enumerate(zip(lines, sizes, strict=True)):
        _put_text(image, text, (left + pad, box[1] + pad + k * line_h + th), font_scale, OUTLINE_RGB, weight)
    return box
