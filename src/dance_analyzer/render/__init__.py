"""Result -> annotated copy: the drawing on one picture (:mod:`.drawing`), and the video or
photo written with it (:mod:`.annotate`)."""

from .annotate import render_annotated, render_overlay, render_picture
from .drawing import BONE_RGB, OUTLINE_RGB, PERSON_RGB, Person, draw_overlay, person_colour, tag_anchor

__all__ = [
    "BONE_RGB",
    "OUTLINE_RGB",
    "PERSON_RGB",
    "Person",
    "draw_overlay",
    "person_colour",
    "render_annotated",
    "render_overlay",
    "render_picture",
    "tag_anchor",
]
