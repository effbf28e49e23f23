"""Hand-made results whose landmarks are known, for drawing them and writing the copies."""

from __future__ import annotations

import numpy as np


def synthetic_result(frames: int, fps: float, *, landmarks_every: int = 1) -> dict:
    """A result whose landmarks are known: a T shape across the middle of the picture."""
    points = np.full((33, 4), 0.5, np.float32)
    points[:, 3] = 1.0
    points[11], points[12] = (0.35, 0.4, 0, 1), (0.65, 0.4, 0, 1)  # shoulders
    points[13], points[14] = (0.2, 0.4, 0, 1), (0.8, 0.4, 0, 1)  # elbows
    points[15], points[16] = (0.05, 0.4, 0, 1), (0.95, 0.4, 0, 1)  # wrists
    return {
        "fps": fps,
        "total_frames": frames,
        "segments": [{"pose": "t_pose", "start_s": 0.0, "end_s": frames / fps, "frames": frames}],
        "frames": [
            {"index": i, "t": i / fps, "poses": ["t_pose"], "landmarks": points.tolist()}
            for i in range(0, frames, landmarks_every)
        ],
    }


def t_shape(dx: float = 0.0) -> np.ndarray:
    """The synthetic T, shifted right by ``dx``, with a head (nose at y 0.3) and hips and legs."""
    points = np.array(synthetic_result(1, 1)["frames"][0]["landmarks"], np.float32)
    points[:11, :2] = (0.5, 0.3)
    points[23], points[24] = (0.45, 0.7, 0, 1), (0.55, 0.7, 0, 1)
    points[25], points[26] = (0.45, 0.85, 0, 1), (0.55, 0.85, 0, 1)
    points[27:, :2] = (0.5, 0.95)
    points[:, 0] += dx
    return points
