"""Drawing on one picture: the skeleton, the pose, the moves and the count where they belong;
each person of a group in their colour with their id and pose."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from dance_analyzer import render
from dance_analyzer.render import (
    OUTLINE_RGB,
    PERSON_RGB,
    Person,
    draw_overlay,
    person_colour,
    tag_anchor,
)
from dance_analyzer.render.annotate import _Timeline
from tests.render.results import synthetic_result, t_shape


def test_the_skeleton_and_label_are_drawn_where_the_landmarks_are():
    image = np.zeros((200, 300, 3), np.uint8)
    points = np.array(synthetic_result(1, 1)["frames"][0]["landmarks"], np.float32)
    draw_overlay(image, points, "t_pose")
    assert image[80, 120].any()  # on the left forearm: wrist (15,80) to elbow (60,80)
    assert not image[190, 150].any()  # far from every bone and the label
    assert image[5:30, 5:60].any()  # the label box, top left
    hidden = points.copy()
    hidden[:, 3] = 0.1  # nothing visible enough: no bones, no joints
    blank = np.zeros_like(image)
    draw_overlay(blank, hidden, None)
    assert not blank.any()


def test_each_move_is_a_line_under_the_pose_name():
    pose_only = draw_overlay(np.zeros((200, 300, 3), np.uint8), None, "t_pose")
    with_move = draw_overlay(np.zeros((200, 300, 3), np.uint8), None, "t_pose", ["turn 2x clockwise"])
    rows = lambda image: np.flatnonzero(image.any(axis=(1, 2)))  # noqa: E731
    assert np.array_equal(with_move[: rows(pose_only)[-1] + 1], pose_only[: rows(pose_only)[-1] + 1])
    assert rows(with_move)[-1] > rows(pose_only)[-1] + 10  # a second line, below the first
    assert with_move[rows(pose_only)[-1] + 5 :].any(axis=(0, 1))[2]  # in the moves' colour (blue in it)
    alone = draw_overlay(np.zeros((200, 300, 3), np.uint8), None, None, ["jump 0.40 s"])
    assert rows(alone)[0] == rows(pose_only)[0]  # no pose: the move takes the top line


def test_the_musics_count_stands_large_in_the_top_right_corner_each_eights_1_in_colour():
    blank = np.zeros((240, 320, 3), np.uint8)
    five, one = (
        draw_overlay(blank.copy(), None, "t_pose", count="5"),
        draw_overlay(blank.copy(), None, "t_pose", count="1"),
    )
    without = draw_overlay(blank.copy(), None, "t_pose")
    assert five[:, 200:].any() and not without[:, 200:].any()  # right of the pose name
    assert five[60:].sum() == 0  # in the corner, nothing further down
    drawn = lambda image: image[:, 200:][image[:, 200:].any(axis=2)]  # noqa: E731
    white, coloured = drawn(five), drawn(one)
    assert (white.max(axis=1) - white.min(axis=1)).max() < 60  # "5" in white (and its grey edges)
    assert (coloured[:, 0].astype(int) - coloured[:, 2]).max() > 150  # "1" in the pose name's yellow


# draw_overlay's output for one person before people=all existed (OpenCV as pinned): a
# single-person result must keep drawing exactly this.
SINGLE_PERSON_SHA256 = "114f5271044227b0b3e0911bf7bc2ba0c59458f820ab12cfcd48aee3493edabc"


def test_a_single_person_result_is_drawn_exactly_as_before():
    points = np.array(synthetic_result(1, 1)["frames"][0]["landmarks"], np.float32)
    image = draw_overlay(np.full((360, 640, 3), 90, np.uint8), points, "t_pose", ["jump 0.40 s"])
    assert hashlib.sha256(image.tobytes()).hexdigest() == SINGLE_PERSON_SHA256
    assert _Timeline(synthetic_result(3, 10.0)).people_at(1) is None  # no people: the one skeleton
    nobody_listed = synthetic_result(3, 10.0)
    for frame in nobody_listed["frames"]:
        frame["people"] = None  # as a single-person result validated by the API's model reads
    assert _Timeline(nobody_listed).people_at(1) is None


def test_the_palette_is_fixed_by_id_distinct_and_its_tags_readable():
    assert [person_colour(i) for i in (1, 2, 3)] == list(PERSON_RGB[:3])
    assert person_colour(1 + len(PERSON_RGB)) == person_colour(1)
    colours = np.array(PERSON_RGB, float)
    apart = np.linalg.norm(colours[:, None] - colours[None], axis=2)
    assert apart[~np.eye(len(colours), dtype=bool)].min() > 90

    def luminance(rgb) -> float:
        c = np.array(rgb, float) / 255
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ (0.2126, 0.7152, 0.0722))

    for colour in PERSON_RGB:  # the tag's dark text on each colour: WCAG AA for text
        assert (luminance(colour) + 0.05) / (luminance(OUTLINE_RGB) + 0.05) >= 4.5


@pytest.mark.parametrize("background", [0, 255])
def test_each_person_is_drawn_in_their_colour_with_their_id_above_the_head_on_dark_and_light(background):
    image = np.full((400, 600, 3), background, np.uint8)
    people = [Person(1, t_shape(-0.25)), Person(2, t_shape(0.25))]
    draw_overlay(image, None, "t_pose", people=people, main_person=1)
    for person_id, points, *_ in people:
        colour = np.array(person_colour(person_id))
        # On the hip-to-knee bone, halfway: the person's colour, ringed in near-black.
        x, y = (((points[23, :2] + points[25, :2]) / 2) * (600, 400)).round().astype(int)
        assert (image[y, x] == colour).all()
        ring = image[y, x - 8 : x + 9].astype(int)
        assert (np.abs(ring - np.array(OUTLINE_RGB)).sum(axis=1) < 60).any()  # reads on white too
        # The id tag: the person's colour just above the nose, not below it.
        anchor = tag_anchor(points, 600, 400)
        assert anchor == (round(points[0, 0] * 600), round(points[0, 1] * 400))
        above = image[max(anchor[1] - 45, 0) : anchor[1], anchor[0] - 20 : anchor[0] + 21]
        assert (above == colour).all(axis=2).sum() > 100
    # The corner says whose pose it is.
    plain = draw_overlay(np.full((400, 600, 3), background, np.uint8), None, "t_pose")
    tagged = draw_overlay(np.full((400, 600, 3), background, np.uint8), None, "t_pose", people=[], main_person=1)
    assert (tagged[:60] != plain[:60]).any()  # "#1 t pose", not "t pose"


def test_each_persons_tag_says_their_own_pose_beside_their_id():
    def tag_width(person: Person) -> int:
        image = draw_overlay(np.zeros((400, 600, 3), np.uint8), None, None, people=[person], main_person=1)
        x, y = tag_anchor(person.landmarks, 600, 400)
        row = image[y - 20, :]  # through the tag, above the head
        return int((row == person_colour(person.id)).all(axis=1).sum())

    points = t_shape(0.0)
    plain, posed = tag_width(Person(1, points)), tag_width(Person(1, points, "arms_up"))
    assert plain > 10 and posed > 2.5 * plain  # "#1 arms up", not "#1"
    assert tag_width(Person(1, points, "t_pose")) < posed  # the words are the pose's own


def test_each_move_a_person_makes_is_a_line_of_their_tag_but_the_main_dancers_are_in_the_corner():
    def tag_height(person: Person, main_person: int = 2) -> int:
        image = draw_overlay(np.zeros((400, 600, 3), np.uint8), None, None, people=[person], main_person=main_person)
        x, y = tag_anchor(person.landmarks, 600, 400)
        above = image[:y, x - 20 : x + 21]  # the rows above the head where the tag is
        return int((above == person_colour(person.id)).all(axis=2).any(axis=1).sum())

    points = t_shape(0.0)
    one = tag_height(Person(1, points, "arms_up"))
    two = tag_height(Person(1, points, "arms_up", ("jump 0.40 s",)))
    three = tag_height(Person(1, points, "arms_up", ("jump 0.40 s", "kick 80 degrees")))
    assert one > 10 and two > 1.7 * one and three > two + 0.7 * one
    assert tag_height(Person(1, points, "arms_up", ("jump 0.40 s",)), main_person=1) == one


def test_a_tag_with_no_room_above_the_head_goes_under_the_feet_not_over_the_body():
    points = t_shape(0.0)
    points[:, 1] -= 0.28  # the nose at 2% of the height: a flip, or a dancer cut off at the top
    person = Person(2, points, "one_leg", ("jump 0.40 s",))
    image = draw_overlay(np.zeros((400, 600, 3), np.uint8), None, None, people=[person], main_person=1)
    feet = int(points[:, 1].max() * 400)
    x = round(points[0, 0] * 600)
    tagged = (image[:, x - 20 : x + 21] == person_colour(2)).all(axis=2).any(axis=1)
    rows = np.flatnonzero(tagged)
    below = rows[rows > feet + 3]
    assert len(below) > 20 and below[0] - feet < 10  # right under the feet
    shoulders = int(points[11, 1] * 400)  # 48: a tag at the top would cover the head down to here
    head = (image[: shoulders - 6, x - 20 : x + 21] == person_colour(2)).all(axis=2)
    assert head.sum(axis=1).max() < 20  # bones cross it, no tag fills it


def test_the_pages_dancer_colours_are_the_overlays():
    script = (Path(render.__file__).parents[1] / "web" / "common.js").read_text()
    listed = re.search(r"const PERSON_COLOURS = \[([^\]]*)\]", script)
    assert listed, "common.js lists the dancers' colours in PERSON_COLOURS"
    colours = re.findall(r'"#([0-9a-f]{6})"', listed.group(1))
    assert [tuple(int(c[i : i + 2], 16) for i in (0, 2, 4)) for c in colours] == list(PERSON_RGB)


def test_tags_of_dancers_close_together_and_near_the_corner_stay_clear_of_each_other():
    def tag_rows(image: np.ndarray, person: Person) -> set[int]:
        x = round(person.landmarks[0, 0] * 600)
        return set(np.flatnonzero((image[:, x - 15 : x + 16] == person_colour(person.id)).all(axis=2).sum(axis=1) > 25))

    # Side by side, heads at the same height: the tags would be drawn over each other.
    one, two = Person(1, t_shape(0.0), "t_pose"), Person(2, t_shape(0.03), "arms_open", ("jump 0.40 s",))
    image = draw_overlay(np.zeros((400, 600, 3), np.uint8), None, None, people=[one, two], main_person=1)
    rows_one, rows_two = tag_rows(image, one), tag_rows(image, two)
    assert len(rows_one) > 10 and len(rows_two) > 10 and not rows_one & rows_two
    # Under the corner's lines (the main dancer's pose and moves): moved clear, not hidden.
    near = Person(2, t_shape(-0.3), "one_leg")  # nose at x 0.2, y 0.3: a tag at the corner's height
    alone = draw_overlay(np.zeros((400, 600, 3), np.uint8), None, None, people=[near], main_person=1)
    corner = draw_overlay(
        np.zeros((400, 600, 3), np.uint8), None, "t_pose", ["jump 0.40 s", "turn 1x clockwise", "kick"],
        people=[near], main_person=1,
    )  # fmt: skip
    shown = lambda image: int((image == person_colour(2)).all(axis=2).sum())  # noqa: E731
    assert shown(corner) == shown(alone) > 500
