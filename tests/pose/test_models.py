"""The three landmark models: installed at install time, chosen per analysis, never downloaded."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from dance_analyzer.errors import ModelNotInstalled
from dance_analyzer.pose import models
from dance_analyzer.pose.estimator import PoseEstimator
from tests.support.media import media


def test_the_install_put_all_three_models_where_mediapipe_looks():
    assert models.available_models() == ["lite", "full", "heavy"]
    sizes = {m: models.model_file(m).stat().st_size for m in models.MODELS}
    assert sizes["lite"] < sizes["full"] < sizes["heavy"]


def test_an_unknown_or_missing_model_is_a_clear_error_naming_the_install_step(monkeypatch, tmp_path):
    with pytest.raises(ModelNotInstalled, match="choose one of lite, full, heavy"):
        models.check_installed("huge")
    shutil.copy(models.model_file("full"), tmp_path / "pose_landmark_full.tflite")
    monkeypatch.setattr(models, "model_dir", lambda: tmp_path)  # an install without lite and heavy
    assert models.available_models() == ["full"]
    with pytest.raises(ModelNotInstalled, match=r"installed: full\); scripts/install.sh installs all three"):
        PoseEstimator("heavy")
    assert models.check_installed("full") == "full"


@pytest.mark.slow
def test_each_model_finds_the_same_body_in_a_photo():
    import cv2

    picture = np.ascontiguousarray(cv2.imread(str(media("squat_frame.png")))[:, :, ::-1])
    found = {}
    for model in models.MODELS:
        with PoseEstimator(model, static_image_mode=True) as estimator:
            result = estimator(picture)
        assert result is not None, model
        found[model] = result.image[:, :2]
    for model in ("lite", "heavy"):  # the same joints, within a few percent of the picture
        assert np.median(np.abs(found[model] - found["full"])) < 0.02, model


@pytest.mark.slow
def test_the_cli_analyses_with_the_heavy_model_with_no_network_at_all(tmp_path):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.skip("cannot make a network namespace here (unshare -n needs root)")
    command = [sys.executable, "-m", "dance_analyzer.cli", "analyze", str(media("squat_band_1.mp4"))]
    run = subprocess.run(
        ["unshare", "-n", *command, "--model", "heavy", "--sample-fps", "2"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert result["model"] == "heavy" and "squat" in {p["pose"] for p in result["pose_summary"]}
