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
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    operators none of them depends on are left out (tensors and weights stay, unused).

    Edited in place rather than unpacked and rebuilt: the graph's output list and operator
    list are shortened where they lie (the bytes after their new ends go unused). That
    reads the few hundred small tables the walk needs; unpacking copied every weight
    through Python objects, at every worker's start.
    """
    buffer = bytearray(content)
    model = schema.Model.GetRootAs(buffer, 0)
    if model.SubgraphsLength() != 1:
        raise ValueError("only a model with one graph can be pruned")
    graph = model.Subgraphs(0)
    outputs = [int(t) for t in graph.OutputsAsNumpy() if keep(_shape(graph.Tensors(int(t))))]
    if not outputs:
        raise ValueError("a model must keep at least one output")
    operators = [graph.Operators(k) for k in range(graph.OperatorsLength())]
    made_by = {int(t): k for k, op in enumerate(operators) for t in _ints(op.OutputsAsNumpy())}
    needed: set[int] = set()
    pending = [made_by[t] for t in outputs if t in made_by]
    while pending:
        k = pending.pop()
        if k not in needed:
            needed.add(k)
            pending += [made_by[int(t)] for t in _ints(operators[k].InputsAsNumpy()) if int(t) in made_by]
    _shorten(buffer, graph, OUTPUTS_FIELD, outputs, relative=False)
    _shorten(buffer, graph, OPERATORS_FIELD, sorted(needed), relative=True)  # order kept: it is run order
    return bytes(buffer)


# Where a SubGraph table keeps its output tensor indices and its operators (the field
# offsets of TFLite's schema.fbs, as schema_py_generated reads them).
OUTPUTS_FIELD, OPERATORS_FIELD = 8, 10


def _shorten(buffer: bytearray, table: Any, field: int, kept: list[int], *, relative: bool) -> None:
    """Rewrite the vector of 4-byte elements in ``table``'s ``field`` to hold, in order,
    the values ``kept`` (int32 scalars, ``relative=False``) or the elements at the indices
    ``kept`` (offsets to tables, each counted from its own position: moved, it is adjusted)."""
    start = table._tab.Vector(table._tab.Offset(field))  # the first element; the length before it
    values = []
    for j, item in enumerate(kept):
        if relative:
            values.append(struct.unpack_from("<I", buffer, start + 4 * item)[0] + 4 * (item - j))
        else:
            values.append(item)
    struct.pack_into(f"<I{len(values)}{'I' if relative else 'i'}", buffer, start - 4, len(values), *values)


def _shape(tensor: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in _ints(tensor.ShapeAsNumpy()))


def _ints(vector: Any) -> np.ndarray:
    """A vector read by schema_py_generated: an array, or 0 where the field is absent."""
    return vector if isinstance(vector, np.ndarray) else np.zeros(0, np.int32)
