"""MediaPipe Pose behind a small interface: an RGB picture in, landmark arrays out.

One estimator holds one MediaPipe graph; create it once per worker process and reuse
it, calling :meth:`PoseEstimator.reset` between videos so tracking from one clip does
not leak into the next.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

import numpy as np

from .landmarks import PoseResult
from .models import COMPLEXITY, DEFAULT_MODEL, check_installed

# Keep MediaPipe/TFLite from flooding stderr with start-up chatter.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_pose_solution() -> Any:
    """Import MediaPipe's pose solution without the rest of MediaPipe.

    ``import mediapipe`` runs the package's ``__init__``, which loads every solution,
    their drawing helpers (OpenCV, and matplotlib: 0.7 s alone) and the Tasks API: about
    0.9 s of every process start-up (CLI, worker forkserver, server) for code this
    package never calls. Instead, ``mediapipe`` and ``mediapipe.python.solutions`` are
    registered from their real specs but not yet run, which is all Python needs to
    import ``mediapipe.python.solutions.pose`` and what it imports (0.07 s against
    0.2 s even with matplotlib kept out). It is also what lets the install leave out
    MediaPipe's declared requirements (jax, matplotlib, ...: requirements/mediapipe.txt),
    without which the package's own ``__init__`` fails. Where they are installed, each
    package runs its ``__init__`` the first time anyone asks it for a name it lacks, so a
    later ``import mediapipe`` elsewhere in the process still gets the whole package.
    """
    for name in ("mediapipe", "mediapipe.python.solutions"):
        if name not in sys.modules:
            _register_unrun_package(name)
    from mediapipe.python.solutions import pose

    return pose


def _register_unrun_package(name: str) -> None:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, f"{name} is not installed"
    module = importlib.util.module_from_spec(spec)

    def missing(attribute: str) -> Any:
        """A submodule is imported on its own (``from package import submodule`` asks
        for it first); any other name runs the package's ``__init__`` once."""
        qualified = f"{name}.{attribute}"
        if not attribute.startswith("__") and importlib.util.find_spec(qualified) is not None:
            return importlib.import_module(qualified)
        if module.__dict__.pop("__getattr__", None) is not None:  # the first time only
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            return getattr(module, attribute)
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    setattr(module, "__getattr__", missing)  # noqa: B010  # PEP 562: only asked for missing names
    sys.modules[name] = module


pose_solution = _import_pose_solution()

# The size of the blank picture prime() runs: any size sets the graph up; this one is
# cheap to allocate and to scan for a person.
_PRIMING_SIDE = 64


class PoseEstimator:
    def __init__(self, model: str = DEFAULT_MODEL, *, static_image_mode: bool = False) -> None:
        """``model``: lite, full or heavy (see pose.models); ModelNotInstalled if it is not on
        disk, before MediaPipe could try to download it."""
        self.model = check_installed(model)
        self._pose = self._build(static_image_mode)
        self.fresh = True  # no picture seen since the graph (re)started: nothing to forget
        self.primed = False  # the graph has run once since it (re)started (see prime)

    def _build(self, static_image_mode: bool) -> Any:
        return pose_solution.Pose(
            static_image_mode=static_image_mode,
            model_complexity=COMPLEXITY[self.model],
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def reset(self) -> None:
        """Forget the tracked person so the next picture starts a fresh detection.

        MediaPipe can only forget by restarting its graph, which rebuilds the models'
        interpreters: 0.1-0.2 s of CPU. A new worker's first span used to pay that on top
        of the start it had just made, on every run's critical path; a fresh estimator
        has nothing to forget, so it skips the restart.
        """
        if not self.fresh:
            self._pose.reset()
            self.fresh = True
            self.primed = False

    def prime(self) -> None:
        """Pay the graph's start-up now, on a blank picture, instead of on the first frame.

        A (re)started MediaPipe graph spends 0.12-0.17 s of its first picture setting up
        its models. A worker waiting for work can spend that while idle. A picture with
        nobody in it leaves a fresh graph as it found it (the next frames' landmarks are
        the same, bit for bit), so the estimator stays fresh; a used one is not primed,
        since only reset() makes it forget.
        """
        if self.fresh and not self.primed:
            found = self._pose.process(np.zeros((_PRIMING_SIDE, _PRIMING_SIDE, 3), np.uint8)).pose_landmarks
            assert found is None, "a blank picture must not contain a person"
            self.primed = True

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, rgb: np.ndarray) -> PoseResult | None:
        self.fresh = False
        self.primed = True
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        image = np.array(
            [(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark],
            dtype=np.float32,
        )
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks.landmark], dtype=np.float32)
        return PoseResult(image=image, world=world)
