"""A model loaded with only the outputs that are read: the operators for the others are
gone, and the outputs kept are exactly what the whole model gives, on real crops."""

from __future__ import annotations

import numpy as np
import pytest

from dance_analyzer.pose.crop import crop, rois_from_points
from dance_analyzer.pose.landmark_model import INPUT_SIDE, SEGMENTATION_SHAPE, LandmarkModel, is_read
from dance_analyzer.pose.models import MODELS, model_file
from dance_analyzer.pose.tflite import TFLiteModel, only_outputs
from tests.support.media import picture_at


def operators(content: bytes) -> int:
    from ai_edge_litert import schema_py_generated as schema

    return len(schema.ModelT.InitFromPackedBuf(bytearray(content), 0).subgraphs[0].operators)


@pytest.mark.parametrize("model", MODELS)
def test_dropping_the_mask_drops_its_decoder_and_keeps_every_other_output(model):
    whole = TFLiteModel(model_file(model))
    pruned = TFLiteModel(model_file(model), keep=is_read)
    assert SEGMENTATION_SHAPE in whole.output_shapes
    assert pruned.output_shapes == [s for s in whole.output_shapes if is_read(s)]
    content = model_file(model).read_bytes()
    assert operators(only_outputs(content, is_read)) < operators(content)
    # Keeping everything keeps every operator.
    assert operators(only_outputs(content, lambda _shape: True)) == operators(content)


@pytest.mark.parametrize("model", MODELS)
def test_the_outputs_kept_are_the_whole_models_to_the_bit_on_real_crops(model):
    whole = TFLiteModel(model_file(model))
    pruned = TFLiteModel(model_file(model), keep=is_read)
    kept = [k for k, shape in enumerate(whole.output_shapes) if is_read(shape)]
    for clip, t in [("ballet_spin_1.mp4", 1.5), ("dance_solo_1.mp4", 4.0), ("squat_band_1.mp4", 1.0)]:
        picture = picture_at(clip, t)
        height, width = picture.shape[:2]
        # A crop about the picture's middle, as the tracker places one round a person.
        rois = rois_from_points(np.array([[0.5, 0.55]]), np.array([[0.5, 0.1]]), width, height)
        tensor = crop(picture, rois, INPUT_SIDE)[0][None].astype(np.float32) / 255
        full_outputs, pruned_outputs = whole(tensor), pruned(tensor)
        assert len(pruned_outputs) == len(kept)
        for k, out in zip(kept, pruned_outputs, strict=True):
            np.testing.assert_array_equal(out, full_outputs[k])


def test_the_landmark_model_runs_without_the_mask():
    model = LandmarkModel("full")
    assert SEGMENTATION_SHAPE not in model.model.output_shapes


def test_a_model_that_keeps_no_output_is_refused():
    with pytest.raises(ValueError, match="at least one output"):
        only_outputs(model_file("full").read_bytes(), lambda _shape: False)
