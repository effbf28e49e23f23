"""One TFLite model behind a call: float arrays in, float arrays out.

MediaPipe's Python package runs its models only inside its own graphs, which keep the
first person a picture holds. To look at every person, the pose models (the same files,
from the mediapipe wheel) run here through ``ai-edge-litert``, Google's TFLite runtime
as a wheel, with the XNNPACK CPU kernels MediaPipe's graphs use too.

A model may compute outputs nobody reads (the landmark model's segmentation mask, a
256x256 decoder, a good share of its run): ``keep`` drops them, and with them every
operator that only they need, from the model as it is loaded. The outputs kept are
computed by the same operators on the same weights, so they do not change.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import flatbuffers  # type: ignore[import-untyped]
import numpy as np
from ai_edge_litert import schema_py_generated as schema  # type: ignore[import-untyped]
from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-untyped]

# As in pose.estimator: keep the runtime's start-up chatter off stderr.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class TFLiteModel:
    """A model file loaded once, run many times on one thread of one process.

    ``threads``: 1 by default, since the service already runs one analysis process per
    core; more threads only help a lone process. An interpreter is not thread-safe: give
    each thread its own model.
    """

    def __init__(self, path: Path, *, threads: int = 1, keep: Callable[[tuple[int, ...]], bool] | None = None) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"TFLite model not found: {path}")
        self.path = path
        content = path.read_bytes()
        if keep is not None:
            content = only_outputs(content, keep)
        self._interpreter = Interpreter(model_content=content, num_threads=threads)
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


def only_outputs(content: bytes, keep: Callable[[tuple[int, ...]], bool]) -> bytes:
    """The model ``content`` computing only the outputs whose shape ``keep`` accepts: the
    operators none of them depends on are left out (tensors and weights stay, unused)."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(content), 0)
    (graph,) = model.subgraphs
    outputs = [int(t) for t in graph.outputs if keep(tuple(int(n) for n in graph.tensors[int(t)].shape))]
    if not outputs:
        raise ValueError("a model must keep at least one output")
    made_by = {int(t): k for k, op in enumerate(graph.operators) for t in op.outputs}
    needed: set[int] = set()
    pending = [made_by[t] for t in outputs if t in made_by]
    while pending:
        k = pending.pop()
        if k not in needed:
            needed.add(k)
            pending += [made_by[int(t)] for t in graph.operators[k].inputs if int(t) in made_by]
    graph.operators = [op for k, op in enumerate(graph.operators) if k in needed]  # order kept: it is run order
    graph.outputs = np.array(outputs, dtype=np.int32)
    builder = flatbuffers.Builder(len(content))
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
