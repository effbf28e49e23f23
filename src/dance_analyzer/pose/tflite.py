"""One TFLite model behind a call: float arrays in, float arrays out.

MediaPipe's Python package runs its models only inside its own graphs, which keep the
first person a picture holds. To look at every person, the pose models (the same files,
from the mediapipe wheel) run here through ``ai-edge-litert``, Google's TFLite runtime
as a wheel, with the XNNPACK CPU kernels MediaPipe's graphs use too.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-untyped]

# As in pose.estimator: keep the runtime's start-up chatter off stderr.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class TFLiteModel:
    """A model file loaded once, run many times on one thread of one process.

    ``threads``: 1 by default, since the service already runs one analysis process per
    core; more threads only help a lone process. An interpreter is not thread-safe: give
    each thread its own model.
    """

    def __init__(self, path: Path, *, threads: int = 1) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"TFLite model not found: {path}")
        self.path = path
        self._interpreter = Interpreter(model_path=str(path), num_threads=threads)
        self._interpreter.allocate_tensors()
        (self._input,) = self._interpreter.get_input_details()
        self._outputs = self._interpreter.get_output_details()

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self._input["shape"])

    @property
    def output_shapes(self) -> list[tuple[int, ...]]:
        return [tuple(int(n) for n in output["shape"]) for output in self._outputs]

    def __call__(self, tensor: np.ndarray) -> list[np.ndarray]:
        """The outputs, in the model's order, copied (the interpreter reuses its buffers)."""
        self._interpreter.set_tensor(self._input["index"], np.ascontiguousarray(tensor, dtype=np.float32))
        self._interpreter.invoke()
        return [np.array(self._interpreter.get_tensor(output["index"])) for output in self._outputs]

    def prime(self) -> None:
        """Run once on zeros: the first run sets up the interpreter's kernels, which a
        worker waiting for work can do while idle rather than on a user's first frame."""
        self(np.zeros(self.input_shape, np.float32))
