"""The YAML reader for pose definitions: plain data as safe_load reads it, nothing that costs more."""

import io
from importlib import resources

import pytest
import yaml

from dance_analyzer.labels.safe_yaml import MAX_DEPTH, dump_yaml, load_yaml


def test_the_built_in_pose_file_reads_exactly_as_safe_load_reads_it():
    text = resources.files("dance_analyzer.labels").joinpath("poses.yaml").read_text("utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_json_and_ordinary_numbers_read_as_usual():
    assert load_yaml('{"poses": [{"priority": -12, "when": {"x": [0.5, null]}}]}') == {
        "poses": [{"priority": -12, "when": {"x": [0.5, None]}}]
    }
    assert load_yaml("big: 123456789012345678901234567890") == {"big": 123456789012345678901234567890}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &x [1, 2]\nb: *x\n", "aliases (*name) are not allowed"),
        ("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"nested deeper than {MAX_DEPTH} levels"),
        ("a: " + "[" * 100_000, f"nested deeper than {MAX_DEPTH} levels"),  # never reaches the recursion limit
        ("priority: " + "9" * 31, "a number of 31 digits"),
        ("priority: " + "9" * 5000, "a number of 5000 digits"),
    ],
    ids=["alias", "deep", "very_deep", "long_number", "huge_number"],
)
def test_costly_yaml_is_refused_with_its_place(text, words):
    with pytest.raises(yaml.YAMLError) as refused:
        load_yaml(text)
    message = str(refused.value)
    assert words in message and ("line 1," in message or "line 2," in message), message


def test_an_anchor_without_an_alias_is_harmless_and_reads():
    assert load_yaml("a: &x [1, 2]") == {"a": [1, 2]}


def test_a_shared_value_is_written_out_twice_and_reads_back():
    shared = [1, 2]
    out = io.StringIO()
    dump_yaml({"a": shared, "b": shared}, out)
    assert "&" not in out.getvalue() and load_yaml(out.getvalue()) == {"a": [1, 2], "b": [1, 2]}
