"""The three landmark models of MediaPipe's pose family, and which of them are installed.

``full`` ships inside the mediapipe wheel; ``lite`` and ``heavy`` are put beside it at
install time by ``scripts/install_assets.py`` (from the npm package @mediapipe/pose).
MediaPipe's legacy solution would download a missing one at run time; dance-analyzer
refuses to: a model that is not on disk is an error that names the install step.

Nothing here imports MediaPipe (seconds of start-up), so the API process can say which
models it offers without loading any.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Literal, get_args

from ..errors import ModelNotInstalled

ModelName = Literal["lite", "full", "heavy"]
MODELS: tuple[ModelName, ...] = get_args(ModelName)
DEFAULT_MODEL: ModelName = "full"
# MediaPipe's name for each: the landmark network's size.
COMPLEXITY: dict[ModelName, int] = {"lite": 0, "full": 1, "heavy": 2}


def model_dir() -> Path:
    """Where MediaPipe's pose solution looks for its landmark models (found without importing it)."""
    spec = importlib.util.find_spec("mediapipe")
    root = Path(list(spec.submodule_search_locations)[0]) if spec and spec.submodule_search_locations else Path()
    return root / "modules" / "pose_landmark"


def model_file(model: ModelName) -> Path:
    return model_dir() / f"pose_landmark_{model}.tflite"


def available_models() -> list[ModelName]:
    """The models installed here, smallest first."""
    return [model for model in MODELS if model_file(model).is_file()]


def check_installed(model: str) -> ModelName:
    """``model`` as a model name, if it is one and it is installed; else a clear error."""
    if model not in MODELS:
        raise ModelNotInstalled(f"Unknown model {model!r}: choose one of {', '.join(MODELS)}")
    name: ModelName = model
    if not model_file(name).is_file():
        raise ModelNotInstalled(
            f"The {model} pose model is not installed here (installed: {', '.join(available_models()) or 'none'}); "
            "scripts/install.sh installs all three"
        )
    return name
